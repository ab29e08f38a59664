"""`--profile`: where an article request spends its time, measured in-process.

The app runs with the benchmark's production settings against a freshly built archive;
Flask's test client sends a few hundred requests under pyinstrument, once as an anonymous
reader (teaser) and once as a logged-in subscriber (full article).
"""

import argparse
import logging
import os
import random
import re
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from pyinstrument import Profiler
from sqlalchemy import event

from bench import dataset, scenarios, servers
from bench.bare_app import app as bare_app
from bench.databases import build, database
from bench.sessions import USER_AGENT
from newsroom import create_app
from newsroom.extensions import db

ROOT = Path(__file__).resolve().parent.parent
HTTPS = "https://localhost"  # the session cookie is Secure in production
TOP_LINES = 70


def _package(path: str | None) -> str:
    """Group a frame's file under the library (or project module) it belongs to."""
    if not path:
        return "(other)"
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if path.startswith(str(ROOT)):
        return str(Path(path).relative_to(ROOT).with_suffix(""))
    return "stdlib " + "/".join(Path(path).with_suffix("").parts[-2:])


def _self_times(
    frame, totals: Counter, functions: Counter, parent: str = "(other)", caller: str = ""
) -> None:
    """Own time per library and per function. pyinstrument's synthetic "[self]" frames belong
    to their parent; C built-ins are charged to the library that called them."""
    if not frame.file_path:
        package, key = parent, caller
    elif frame.file_path == "<built-in>":
        package = parent.removesuffix(" (C calls)") + " (C calls)"
        key = f"{frame.function} (C, from {parent.removesuffix(' (C calls)')})"
    else:
        package = _package(frame.file_path)
        key = f"{frame.function} ({package}:{frame.line_no})"
    own = max(frame.time - sum(c.time for c in frame.children), 0.0)
    totals[package] += own
    functions[key] += own
    for child in frame.children:
        _self_times(child, totals, functions, package, key)


def _app_frames(frame) -> list:
    """The frames of Flask's WSGI entry point: what the app costs, without the test client."""
    if frame.function == "wsgi_app" and (frame.file_path or "").endswith("flask/app.py"):
        return [frame]
    return [found for child in frame.children for found in _app_frames(child)]


def _login(client, email: str) -> None:
    page = client.get("/login", base_url=HTTPS)
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.data).group(1)
    answer = client.post(
        "/login",
        base_url=HTTPS,
        data={"email": email, "password": dataset.PASSWORD, "csrf_token": token.decode()},
        headers={"Referer": HTTPS + "/login", "User-Agent": USER_AGENT},
    )
    if answer.status_code != 302:
        raise RuntimeError(f"profile login answered {answer.status_code}")


def _profile(client, paths: list[str], label: str, queries: list[int], must_contain: bool) -> None:
    for path in paths[:30]:  # warm caches, templates and the connection pool
        client.get(path, base_url=HTTPS, headers={"User-Agent": USER_AGENT})
    queries.clear()
    profiler = Profiler(interval=0.0002)
    started = time.perf_counter()
    profiler.start()
    for path in paths:
        response = client.get(path, base_url=HTTPS, headers={"User-Agent": USER_AGENT})
        if response.status_code != 200 or (dataset.SENTINEL in response.text) != must_contain:
            profiler.stop()
            raise RuntimeError(f"{label}: unexpected page for {path} ({response.status_code})")
    profiler.stop()
    elapsed = time.perf_counter() - started
    n = len(paths)
    print(
        f"\n=== {label}: {n} requests, {elapsed / n * 1000:.2f} ms per request "
        f"(profiled), {len(queries) / n:.1f} SQL statements per request ==="
    )
    text = profiler.output_text(unicode=True, color=False, show_all=False)
    print("\n".join(text.splitlines()[:TOP_LINES]))
    totals: Counter = Counter()
    functions: Counter = Counter()
    for frame in _app_frames(profiler.last_session.root_frame()):
        _self_times(frame, totals, functions)
    whole = sum(totals.values()) or 1.0
    print(
        f"--- {label}: inside Flask's wsgi_app {whole / n * 1000:.2f} ms per request; "
        "own time by library ---"
    )
    for package, seconds in totals.most_common(15):
        print(f"  {package:<40} {seconds / n * 1000:7.3f} ms  {seconds / whole:6.1%}")
    print(f"--- {label}: functions with the most own time, per request ---")
    for function, seconds in functions.most_common(15):
        print(f"  {function[:60]:<60} {seconds / n * 1000:7.3f} ms")


COLD_TARGET = 25  # a page rendered from nothing kept costs at most this many bare requests


def cpu_per_request(client, paths: list[str], count: int) -> float:
    """Process CPU seconds per request (what the machine's other work does not inflate)."""
    for path in paths[:20]:
        client.get(path, base_url=HTTPS, headers={"User-Agent": USER_AGENT})
    started = time.process_time()
    for n in range(count):
        response = client.get(
            paths[n % len(paths)], base_url=HTTPS, headers={"User-Agent": USER_AGENT}
        )
        if response.status_code != 200:
            raise RuntimeError(f"cold render of {paths[n % len(paths)]}: {response.status_code}")
    return (time.process_time() - started) / count


def cold_renders(data: dataset.Dataset, count: int) -> None:
    """Pages made by the app from nothing kept (no page store), in CPU per request, against
    the bare Flask route through the same test client."""
    bare = cpu_per_request(bare_app.test_client(), ["/"], count * 5)
    os.environ["NEWSROOM_PAGE_CACHE_SECONDS"] = "0"
    try:
        client = create_app().test_client()
    finally:
        del os.environ["NEWSROOM_PAGE_CACHE_SECONDS"]
    rng = random.Random(5)
    pages = {
        "article": [f"/articles/{rng.choice(data.locked_slugs)}" for _ in range(count)],
        "section": [scenarios.section_page(p) for p in scenarios.section_pages()],
        "search": [f"/search?q={quote(rng.choice(data.topics))}" for _ in range(count)],
    }
    print(f"\n=== cold renders: CPU per request, bare route {bare * 1e6:.0f} us ===")
    for label, paths in pages.items():
        seconds = cpu_per_request(client, paths, count)
        ratio = seconds / bare
        verdict = f"{'ok' if ratio <= COLD_TARGET else 'ABOVE'} <={COLD_TARGET}x"
        print(f"  {label:<10} {seconds * 1000:6.2f} ms  {ratio:5.1f} x bare  {verdict}")


def run(args: argparse.Namespace, workdir: Path) -> int:
    with database(args, workdir, args.articles) as url:
        data = build(args, url, args.articles)
        os.environ.update(servers.site_environment(url, servers.new_secret_key()))
        # A handler up front keeps the access log (still formatted) off the console.
        logging.getLogger("newsroom.access").addHandler(logging.NullHandler())
        app = create_app()
        queries: list[int] = []
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", lambda *a: queries.append(1))
        rng = random.Random(3)
        paths = [f"/articles/{rng.choice(data.locked_slugs)}" for _ in range(args.profile_requests)]
        _profile(app.test_client(), paths, "locked article, anonymous", queries, False)
        subscriber = app.test_client()
        _login(subscriber, data.subscriber_emails[0])
        _profile(subscriber, paths, "locked article, subscriber", queries, True)
        cold_renders(data, args.profile_requests)
        with app.app_context():
            db.engine.dispose()
    return 0
