"""The browser tests' threaded server closes every response body, even when the browser
hangs up while the server is still reading from the connection."""

import gc
import socket
import struct
import sys
import warnings
from pathlib import Path

from flask import Flask

from tests.servers import threaded_server

STATIC = Path(__file__).resolve().parent.parent / "newsroom" / "static"


def _request_then_reset(port: int, path: str) -> None:
    """One GET whose client resets the connection (no FIN) as soon as the answer arrives,
    as Chromium does when a page is closed."""
    with socket.create_connection(("127.0.0.1", port)) as client:
        client.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.recv(16)


def test_a_file_body_is_closed_when_the_browser_resets_the_connection(monkeypatch):
    app = Flask(__name__, static_folder=STATIC)
    unclosed: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda info: unclosed.append(repr(info.exc_value)))
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        with threaded_server(app) as base_url:
            port = int(base_url.rsplit(":", 1)[1])
            for _ in range(20):  # four in five leaked without the fix
                _request_then_reset(port, "/static/favicon.svg")
        gc.collect()
    assert unclosed == []
