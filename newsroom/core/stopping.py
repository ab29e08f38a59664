"""Long-running workers stop cleanly on SIGTERM or Ctrl-C, between two rounds of work."""

import signal
import threading
from collections.abc import Callable


def run_until_stopped(run: Callable[[threading.Event], None]) -> None:
    """Run a worker loop that checks `stop` between rounds, until a signal sets it."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    run(stop)
