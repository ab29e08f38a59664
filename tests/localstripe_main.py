"""localstripe for one test run: `python -m tests.localstripe_main --port PORT`.

localstripe keeps its state in /tmp/localstripe.pickle after every write and loads it at
start unless told --from-scratch; several runs on one machine would share (and race on)
that file, so this run starts empty and keeps its state in memory only.
"""

import sys

from localstripe import resources, server


def main() -> None:
    resources.Store.dump_to_disk = lambda self: None
    sys.argv = ["localstripe", "--from-scratch", *sys.argv[1:]]
    server.start()


if __name__ == "__main__":
    main()
