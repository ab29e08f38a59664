"""N1 through the server production runs: gunicorn started with deploy/gunicorn.conf.py, as
the README says. A request with a SCRIPT_NAME header (from 127.0.0.1, the documented
proxy's address) never gets a page linking elsewhere, and neither does anyone after it.
N12's part here: the longest search K2 promises gets through to the app."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.loopback import free_port, wait_until_up
from tests.helpers import SENTINEL

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
EVIL = "//evil.example"  # a link to that host, absolute or protocol-relative


@pytest.fixture
def served(app, database_url, make_article):
    make_article(slug="a-piece", headline="A public piece")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSROOM_")}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY="test-secret-key-that-is-long-enough-000",
        NEWSROOM_SITE_URL="http://newsroom.test",
        NEWSROOM_PAGE_CACHE_SECONDS="3600",
        WEB_CONCURRENCY="2",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        PYTHONPATH=str(ROOT),
    )
    command = [str(GUNICORN), "-c", "deploy/gunicorn.conf.py", "--no-control-socket", "app:app"]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", process, seconds=120)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)


def raw_get(port: int, target: str, *headers: str) -> tuple[int, str]:
    """One request as a client (or a misbehaving proxy) writes it, byte for byte."""
    lines = [f"GET {target} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", *headers]
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    text = received.decode("utf-8", "replace")
    return int(text.split(" ", 2)[1]), text


def test_a_script_name_header_never_bends_a_link_kept_or_not(served):
    hostile = [
        ("//evil.example/", "SCRIPT_NAME: //evil.example"),
        ("/", "SCRIPT_NAME: //evil.example"),
        ("/articles/a-piece", "SCRIPT_NAME: //evil.example"),
        ("/", "X-Forwarded-Prefix: //evil.example"),
        ("//evil.example/articles/a-piece", "SCRIPT-NAME: //evil.example"),
    ]
    for _round in range(3):  # each worker in turn, kept copies included
        for target, header in hostile:
            _status, text = raw_get(served, target, header)
            assert EVIL not in text, (target, header)
    for _reader in range(6):  # the readers after them
        for target in ("/", "/articles/a-piece"):
            status, text = raw_get(served, target)
            assert status == 200
            assert EVIL not in text
            assert SENTINEL not in text


def test_the_longest_search_k2_promises_reaches_the_app(served):
    words = "ø" * 10_000  # 10 kB of input, 60 kB percent-encoded
    query = "".join(f"%{b:02X}" for b in words.encode())
    status, _text = raw_get(served, f"/search?q={query}")
    assert status == 200
