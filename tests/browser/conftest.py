"""Playwright driving Debian's Chromium (/usr/bin/chromium) against a live server."""

import os
import threading
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsroom.extensions import db
from newsroom.gifting import giving
from newsroom.gifting.policy import gift_policy
from newsroom.mail.worker import run_worker
from tests.servers import threaded_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Quiet, offline-friendly flags: no background calls to the outside world.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run scripts/system-packages")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    with threaded_server(app) as base_url, mail_worker(app):
        yield base_url


@contextmanager
def mail_worker(app):
    """With a mail server configured, the worker runs beside the site as in production, so a
    delivery attempt that fails on a busy machine is retried instead of lost to the test."""
    if not app.config.get("MAIL_SERVER"):
        yield
        return
    stop = threading.Event()

    def work() -> None:
        with app.app_context():
            run_worker(stop)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


@pytest.fixture
def page_factory(browser, live_server):
    """New, isolated browser contexts (separate cookies), each recording console errors."""
    contexts = []

    def make(**options):
        context = browser.new_context(base_url=live_server, **options)
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on(
            "console",
            lambda message: message.type == "error" and page.console_errors.append(message.text),
        )
        page.on("pageerror", lambda error: page.console_errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()


def month_old_gift(app, make_user, make_article, lang: str = "en"):
    """Karen's gift from a month ago, given in `lang`, its link expired now:
    (giver, article, the old link)."""
    article = make_article()
    old = datetime.now(UTC) - timedelta(days=31)
    giver = make_user(name="Karen Holm", period=(old, datetime.now(UTC) + timedelta(days=30)))
    with app.app_context():
        token = giving.give(db.session, giver, article, old, gift_policy(), locale=lang).token
        db.session.commit()
    return giver, article, f"/articles/{article.slug}?gift={token}"


def log_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
