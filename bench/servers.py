"""Processes the benchmark starts: gunicorn (site and bare app) and a throw-away PostgreSQL.
The gunicorn launcher is the one the test suite's load and concurrency tests use too.

Every process is stopped by its own PID when its block ends, on errors and on Ctrl-C too;
an atexit hook catches anything a hard exit would otherwise leave behind.
"""

import atexit
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.dataset import PASSWORD_HASH_METHOD, TIMEZONE

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")  # the one of this virtualenv
HIGH_LIMIT = "1000000 per minute"
SITE_URL = "https://bench.newsroom.example"  # production requires a public address

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


def exit_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit so the finally blocks stop what was started."""

    def handler(_signum, _frame):
        raise SystemExit(143)

    signal.signal(signal.SIGTERM, handler)


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


def workers_default() -> int:
    return os.cpu_count() or 2


def site_environment(database_url: str, secret_key: str) -> dict[str, str]:
    """Production settings; rate limits far above what the load reaches."""
    return {
        "DATABASE_URL": database_url,
        "SECRET_KEY": secret_key,
        "NEWSROOM_ENV": "production",
        "NEWSROOM_SITE_URL": SITE_URL,
        "NEWSROOM_MAIL_SERVER": "127.0.0.1",  # required in production; a run sends no mail
        "NEWSROOM_TIMEZONE": TIMEZONE,
        "NEWSROOM_PASSWORD_HASH_METHOD": PASSWORD_HASH_METHOD,
        "NEWSROOM_LOGIN_LIMIT_PER_ADDRESS": HIGH_LIMIT,
        "NEWSROOM_LOGIN_LIMIT_PER_ACCOUNT": HIGH_LIMIT,
        "NEWSROOM_GIFT_CREATE_LIMIT": HIGH_LIMIT,
        "NEWSROOM_GIFT_TOKEN_FAILURE_LIMIT": HIGH_LIMIT,
        # Production refuses per-process limit counts; the bench runs no Redis, so no limits.
        "NEWSROOM_RATELIMIT_ENABLED": "false",
    }


def new_secret_key() -> str:
    return secrets.token_hex(32)


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


@contextmanager
def postgres(directory: Path) -> Iterator[str]:
    """A private PostgreSQL server (scripts/postgres) in `directory`; yields its URL."""
    directory.mkdir(parents=True, exist_ok=True)
    script = ROOT / "scripts" / "postgres"
    try:
        result = subprocess.run(
            ["bash", str(script), "start", str(directory)],
            check=True,
            capture_output=True,
            text=True,
            timeout=180,
        )
        yield result.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run(
            ["bash", str(script), "stop", str(directory)],
            check=False,
            capture_output=True,
            timeout=60,
        )
