"""The README's first command: `PORT=N bash scripts/serve` serves the demo with links on port N."""

import os
import re
import signal
import subprocess
import urllib.parse
import urllib.request

import pytest

from scripts.loopback import ROOT, free_port, wait_until_up


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


@pytest.fixture
def served_demo(tmp_path):
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("NEWSROOM_", "FLASK_")) and key != "DATABASE_URL"
    }
    env |= {"PORT": str(port), "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"}
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        ["bash", "scripts/serve"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/healthz", seconds=180)
        yield port, base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def test_serve_on_another_port_builds_share_links_on_that_port(served_demo):
    port, base = served_demo
    front = fetch(base + "/")
    slug = re.search(r'href="/articles/([a-z0-9-]+)"', front).group(1)

    article = fetch(f"{base}/articles/{slug}")

    share_targets = [
        urllib.parse.unquote(href)
        for href in re.findall(r'class="share-link[^"]*" href="([^"]+)"', article)
    ]
    assert share_targets
    assert all(f"http://127.0.0.1:{port}/articles/{slug}" in href for href in share_targets)
    assert "127.0.0.1:5000" not in article
