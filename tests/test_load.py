"""Real servers under load: a worker killed mid-run (G2) and a bounded load run (G4).
Both end with the same invariant checks, read straight from the database."""

import http.client
import os
import random
import re
import signal
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from newsroom.extensions import db
from newsroom.models import Gift
from scripts.loopback import wait_until_up
from tests.helpers import BROWSER, FAST_HASH, GIFT_MARK, PASSWORD, SENTINEL, now_utc
from tests.servers import gunicorn_server
from tests.visitor import Visitor

GIFT_LINK = re.compile(r"/articles/[^\"?]+\?gift=[A-Za-z0-9_.\-]+")
# A killed worker cuts a connection before the answer (OSError) or in the middle of its body
# (http.client.IncompleteRead, an HTTPException): both are the same cut, counted alike.
CUT = (OSError, http.client.HTTPException)
LOAD_SECONDS = float(os.environ.get("NEWSROOM_LOAD_SECONDS", "90"))


def server_env(database_url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "load-test-secret-key-long-enough-00000000",
        "NEWSROOM_PASSWORD_HASH_METHOD": FAST_HASH,
        "NEWSROOM_SITE_URL": "http://newsroom.test",
        # The run measures the site, not the limits: readers here share one address.
        "NEWSROOM_GIFT_CREATE_LIMIT": "100000 per minute",
        "NEWSROOM_GIFT_TOKEN_FAILURE_LIMIT": "100000 per minute",
        "NEWSROOM_GIFT_READER_LIMIT": "100000 per minute",
    }


@dataclass
class Tally:
    """What the clients saw. Every field is updated under the lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    connection_errors: int = 0
    leaks: list[str] = field(default_factory=list)
    denied_subscribers: int = 0
    gift_links: list[str] = field(default_factory=list)
    gift_opens_tried: int = 0
    gift_opens_served: int = 0
    gift_shows_sent: int = 0  # the gift page's script telling the site it was shown
    gift_shows_answered: int = 0

    @property
    def requests(self) -> int:
        return sum(self.statuses.values()) + self.connection_errors

    def seen(self, path: str, status: int) -> None:
        with self.lock:
            self.statuses[status] += 1
            if status >= 500:
                self.server_errors.append(f"{status} {path}")


def call(tally: Tally, visitor: Visitor, method: str, path: str, **kw):
    try:
        if method == "GIFT":
            status, body = visitor.post_json(path)
        elif method == "SHOWN":
            status, body = visitor.request("POST", path, urlencode({"mark": kw["mark"]}))
        else:
            status, body = visitor.get(path, **kw)
    except CUT:  # a connection cut by a killed worker
        with tally.lock:
            tally.connection_errors += 1
        return None, None
    tally.seen(path, status)
    return status, body


def subscriber_loop(base, email, slugs, tally, stop: threading.Event, seed: int) -> None:
    rng = random.Random(seed)
    visitor = Visitor(base)
    try:
        logged_in = visitor.log_in(email, PASSWORD)
    except CUT:  # the log-in itself was cut by the killed worker
        with tally.lock:
            tally.connection_errors += 1
        return
    if logged_in != 302:
        with tally.lock:
            tally.server_errors.append(f"login failed for {email}")
        return
    while not stop.is_set():
        slug = rng.choice(slugs)
        roll = rng.random()
        if roll < 0.45:
            status, html = call(tally, visitor, "GET", f"/articles/{slug}")
            if status == 200 and SENTINEL not in html:
                with tally.lock:
                    tally.denied_subscribers += 1
        elif roll < 0.8:
            status, data = call(tally, visitor, "GIFT", f"/articles/{slug}/gift")
            if status in (200, 201) and data:
                with tally.lock:
                    tally.gift_links.append(
                        urlsplit(data["url"]).path + "?" + urlsplit(data["url"]).query
                    )
        else:
            call(tally, visitor, "GET", "/")


def anonymous_loop(base, slugs, tally, stop: threading.Event, seed: int) -> None:
    rng = random.Random(seed)
    visitor = Visitor(base)
    while not stop.is_set():
        slug = rng.choice(slugs)
        roll = rng.random()
        if roll < 0.35:
            path, headers = f"/articles/{slug}", {}
        elif roll < 0.45:
            path, headers = f"/articles/{slug}", {"Accept": "application/json"}
        elif roll < 0.55:
            path, headers = f"/articles/{slug}?gift={rng.getrandbits(64):x}.x.y", {}
        elif roll < 0.65:
            path, headers = rng.choice(["/?format=json", "/feed.xml", "/sitemap.xml", "/"]), {}
        else:
            with tally.lock:
                link = rng.choice(tally.gift_links) if tally.gift_links else None
            if link is None:
                continue
            with tally.lock:
                tally.gift_opens_tried += 1
            reader = Visitor(base, headers={"User-Agent": BROWSER})
            status, html = call(tally, reader, "GET", link)
            if status == 200 and SENTINEL in html:
                with tally.lock:
                    tally.gift_opens_served += 1
            if mark := GIFT_MARK.search(html or ""):  # the page's script: it was shown
                with tally.lock:
                    tally.gift_shows_sent += 1
                if call(tally, reader, "SHOWN", "/g/shown", mark=mark[1])[0] == 204:
                    with tally.lock:
                        tally.gift_shows_answered += 1
            continue
        status, body = call(tally, visitor, "GET", path, **headers)
        if body is not None and SENTINEL in body:
            with tally.lock:
                tally.leaks.append(path)


def run_load(base, emails, slugs, anonymous: int, seconds: float, during=None) -> Tally:
    """Clients hammer the server for `seconds`; `during(elapsed)` is called about every 0.2 s."""
    tally, stop = Tally(), threading.Event()
    threads = [
        threading.Thread(target=subscriber_loop, args=(base, e, slugs, tally, stop, n))
        for n, e in enumerate(emails)
    ] + [
        threading.Thread(target=anonymous_loop, args=(base, slugs, tally, stop, 1000 + n))
        for n in range(anonymous)
    ]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    try:
        while (elapsed := time.monotonic() - started) < seconds:
            if during:
                during(elapsed)
            time.sleep(0.2)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a client thread did not stop"
    return tally


@dataclass
class Ledger:
    gifts_by_giver_month: dict[tuple[int, str], int]
    opens: int


def ledger(app) -> Ledger:
    with app.app_context():
        rows = db.session.execute(
            select(Gift.giver_id, Gift.month, func.count()).group_by(Gift.giver_id, Gift.month)
        ).all()
        opens = db.session.scalar(select(func.coalesce(func.sum(Gift.open_count), 0)))
        db.session.remove()
    return Ledger({(g, m): n for g, m, n in rows}, int(opens))


def counters_match_rows(app, base, users, slugs) -> list[str]:
    """Each giver's allowance as the site reports it equals their gift rows this month."""
    problems = []
    for user in users:
        visitor = Visitor(base)
        assert visitor.log_in(user.email, PASSWORD) == 302
        status, data = visitor.post_json(f"/articles/{slugs[0]}/gift")
        assert status in (200, 201, 409), status
        with app.app_context():
            month_rows = db.session.scalar(
                select(func.count())
                .select_from(Gift)
                .where(Gift.giver_id == user.id, Gift.month == current_month(app))
            )
            db.session.remove()
        if data["used"] != month_rows:
            problems.append(f"user {user.id}: site says {data['used']}, rows {month_rows}")
    return problems


def current_month(app) -> str:
    return now_utc().astimezone(ZoneInfo(app.config["TIMEZONE"])).strftime("%Y-%m")


def populate(make_user, make_article, subscribers: int, locked: int):
    users = [make_user(digital_plus=True, name=f"Reader {n}") for n in range(subscribers)]
    slugs = [make_article().slug for _ in range(locked)]
    make_article(locked=False, body="Free to read.\n\nAll of it.")
    return users, slugs


def worker_pids(base: str) -> list[int]:
    """The workers of the gunicorn this test started: children of the master listening on
    this test's port, found through /proc."""
    bind = f"127.0.0.1:{urlsplit(base).port}".encode()
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if bind not in (entry / "cmdline").read_bytes():
                continue
            parents[int(entry.name)] = int(
                (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
            )
        except OSError:
            continue
    masters = {pid for pid, parent in parents.items() if parent == os.getpid()}
    return sorted(pid for pid, parent in parents.items() if parent in masters)


@pytest.mark.server
def test_worker_killed_mid_run_leaves_counters_equal_to_rows(
    app, database_url, make_user, make_article, tmp_path
):
    users, slugs = populate(make_user, make_article, subscribers=6, locked=8)
    killed: list[int] = []

    def kill_a_worker(elapsed: float) -> None:
        if elapsed > 2 and not killed:
            pid = worker_pids(base)[0]
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    env = server_env(database_url)
    with gunicorn_server(env, workers=2, log_path=tmp_path / "gunicorn.log") as base:
        tally = run_load(
            base, [u.email for u in users], slugs, anonymous=2, seconds=6, during=kill_a_worker
        )
        wait_until_up(base + "/healthz")
        assert killed and killed[0] not in worker_pids(base)
        problems = counters_match_rows(app, base, users, slugs)
    book = ledger(app)
    assert max(book.gifts_by_giver_month.values()) <= 5
    assert problems == []
    # An open is a person whose page said it was shown: each reader here is a new browser.
    assert tally.gift_shows_answered <= book.opens <= tally.gift_shows_sent
    assert [e for e in tally.server_errors if e.startswith("500")] == []


@pytest.mark.load
def test_load_run_keeps_every_invariant(app, database_url, make_user, make_article, tmp_path):
    users, slugs = populate(make_user, make_article, subscribers=24, locked=10)
    env = server_env(database_url)
    with gunicorn_server(env, workers=4, log_path=tmp_path / "gunicorn.log") as base:
        tally = run_load(base, [u.email for u in users], slugs, anonymous=8, seconds=LOAD_SECONDS)
        problems = counters_match_rows(app, base, users, slugs)
    book = ledger(app)
    print(
        f"\nload run: {tally.requests} requests in {LOAD_SECONDS:.0f} s, "
        f"statuses {dict(sorted(tally.statuses.items()))}, "
        f"{sum(book.gifts_by_giver_month.values())} gifts by {len(users)} subscribers "
        f"(max {max(book.gifts_by_giver_month.values())} per giver-month), "
        f"{tally.gift_opens_served}/{tally.gift_opens_tried} gift opens served, "
        f"{book.opens} opens counted, {len(tally.leaks)} leaks, "
        f"{len(tally.server_errors)} server errors, {tally.connection_errors} connection errors"
    )
    assert tally.server_errors == []
    assert tally.connection_errors == 0
    assert tally.leaks == []
    assert tally.denied_subscribers == 0
    assert max(book.gifts_by_giver_month.values()) <= 5
    assert problems == []
    assert tally.gift_opens_tried == tally.gift_opens_served
    assert book.opens == tally.gift_shows_sent == tally.gift_shows_answered
