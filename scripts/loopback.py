"""Servers on loopback, for the test suite and the benchmark alike: a free port, waiting until a
server answers, and a WSGI app under gunicorn. Neither tests/ nor bench/ imports the other;
both start their servers from here.

Every process is stopped by its own PID when its block ends, on errors and on Ctrl-C too;
an atexit hook catches anything a hard exit would otherwise leave behind.
"""

import atexit
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")  # the one of this virtualenv

_running: dict[int, subprocess.Popen] = {}


def _stop(process: subprocess.Popen, seconds: float = 15) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    _running.pop(process.pid, None)


@atexit.register
def _stop_leftovers() -> None:
    for process in list(_running.values()):
        _stop(process, seconds=5)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen | None = None, seconds: float = 60) -> None:
    """Until `url` answers 200; a server `process` that exits on the way fails at once."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server for {url} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server at {url} did not come up within {seconds}s")


@contextmanager
def gunicorn(
    target: str,
    env: dict[str, str],
    workers: int,
    log_path: Path | None = None,
    health_path: str = "/healthz",
) -> Iterator[str]:
    """Serve the WSGI `target` on a free loopback port; yields the base URL. Only `env`
    configures it: the caller's own NEWSROOM_* and DATABASE_URL do not leak in."""
    port = free_port()
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSROOM_")}
    base_env.pop("DATABASE_URL", None)
    full_env = {**base_env, **env, "PYTHONPATH": str(ROOT)}
    with open(log_path or os.devnull, "wb") as log:
        process = subprocess.Popen(
            [
                str(GUNICORN),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
                # Several servers run side by side; a shared control socket would clash.
                "--no-control-socket",
                target,
            ],
            cwd=ROOT,
            env=full_env,
            stdout=log,
            stderr=log,
        )
        _running[process.pid] = process
        base = f"http://127.0.0.1:{port}"
        try:
            # Workers import the whole app; on a busy 2-core machine that can take a while.
            wait_until_up(base + health_path, process, seconds=120)
            yield base
        finally:
            _stop(process)
