"""A real varnishd on loopback in front of app servers, with the shipped newsroom.vcl and a
backends.vcl written for the servers a test started; stopped by its PID."""

import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from scripts.loopback import ROOT, free_port

VARNISHD = Path("/usr/sbin/varnishd")
DEPLOY = ROOT / "deploy" / "varnish"


def varnish_available() -> bool:
    return VARNISHD.exists() and any(Path("/usr/lib").glob("*/varnish/vmods/libvmod_xkey.so"))


def backends_vcl(bases: list[str]) -> str:
    """backends.vcl as the README tells operators to write it, for these app servers."""
    blocks = []
    for number, base in enumerate(bases, start=1):
        parts = urlsplit(base)
        blocks.append(
            f'backend app{number} {{\n    .host = "{parts.hostname}";\n'
            f'    .port = "{parts.port}";\n}}\n'
        )
    adds = "".join(f"    servers.add_backend(app{n});\n" for n in range(1, len(bases) + 1))
    init = f"sub vcl_init {{\n    new servers = directors.round_robin();\n{adds}}}\n"
    return "\n".join(blocks) + "\n" + init


@contextmanager
def varnish_server(bases: list[str], work: Path) -> Iterator[str]:
    """varnishd in the foreground in front of `bases`; yields its base URL."""
    work.mkdir(parents=True, exist_ok=True)
    (work / "backends.vcl").write_text(backends_vcl(bases), encoding="utf-8")
    port = free_port()
    log = (work / "varnishd.log").open("wb")
    process = subprocess.Popen(
        [str(VARNISHD), "-F", "-j", "none", "-n", str(work / "state"),
         "-a", f"127.0.0.1:{port}", "-p", f"vcl_path={work}:{DEPLOY}",
         "-f", "newsroom.vcl", "-s", "malloc,64m"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base + "/healthz", process, work / "varnishd.log")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log.close()
        shutil.rmtree(work / "state", ignore_errors=True)


def _wait_until_up(url: str, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"varnishd exited with {process.returncode}: {log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.HTTPError):
            time.sleep(0.1)
    raise RuntimeError(f"varnishd at {url} did not answer within {seconds}s")
