"""Real servers on loopback for tests: a threaded server for the browser, the site under
gunicorn for load and concurrency, and a private Redis."""

import subprocess
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import redis
from werkzeug.serving import make_server

from scripts.loopback import free_port, gunicorn


class _ClosedWhenSent:
    """A response body that closes itself once it has been sent, or when dropped unsent.

    Werkzeug's development server calls close() only after draining the request socket,
    and skips it when that drain meets a browser's connection reset; a file body (a static
    file, even for a 304) would then be left to the garbage collector, which warns."""

    def __init__(self, body):
        self._body = body
        self._closed = False

    def __iter__(self):
        try:
            yield from self._body
        finally:
            self.close()

    def close(self):
        if not self._closed:
            self._closed = True
            if hasattr(self._body, "close"):
                self._body.close()


def _closing_bodies(app):
    def serve(environ, start_response):
        return _ClosedWhenSent(app(environ, start_response))

    return serve


@contextmanager
def threaded_server(app):
    """Serve `app` from a background thread (one process: shares the test's database)."""
    server = make_server("127.0.0.1", 0, _closing_bodies(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@contextmanager
def gunicorn_server(env: dict[str, str], workers: int = 4, log_path: Path | None = None):
    """The site (app.py) under gunicorn with `workers` processes, launched as the benchmark
    launches it."""
    with gunicorn("app:app", env, workers, log_path) as base:
        yield base


@contextmanager
def redis_server():
    """A private, memory-only Redis on loopback, stopped by its PID; yields its URL."""
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url, socket_timeout=1)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield url
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=10)
