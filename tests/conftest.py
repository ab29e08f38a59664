"""Fixtures: a fresh app and database per test, on SQLite or (TEST_DATABASE_URL) PostgreSQL."""

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url, text
from werkzeug.security import generate_password_hash

from newsroom import create_app
from newsroom.articles.rendering import render_body
from newsroom.core import clock
from newsroom.extensions import db
from newsroom.models import Article, Author, Subscription, User
from tests.helpers import FAST_HASH, PASSWORD, Auth, locked_body, now_utc
from tests.mailbox import SMTPServer
from tests.stripe_server import SECRET_KEY as STRIPE_SECRET_KEY
from tests.stripe_server import WEBHOOK_SECRET, LocalStripe, StripeStandIn, make_catalogue
from tests.stripe_server import client as stripe_client


def worker_database(server_url: str, worker: str) -> str:
    """Each pytest-xdist worker (gw0, gw1, ...) gets a database of its own on the server."""
    if not server_url or not worker:
        return server_url
    url = make_url(server_url)
    return url.set(database=f"{url.database}_{worker}").render_as_string(hide_password=False)


POSTGRES_SERVER_URL = os.environ.get("TEST_DATABASE_URL", "")
POSTGRES_URL = worker_database(POSTGRES_SERVER_URL, os.environ.get("PYTEST_XDIST_WORKER", ""))
# Production settings an in-process app can start with: it has no Redis, so no rate limits
# (production refuses limits counted in one process's memory).
# The test host has no certificate: its http:// address is allowed on purpose.
PRODUCTION = {"ENV": "production", "RATELIMIT_ENABLED": False, "ALLOW_HTTP_SITE_URL": True}

_sequence = count(1)


# Mid-month and mid-day in Copenhagen, far from a change of month, day or daylight saving.
FIXED_NOW = datetime(2026, 3, 11, 11, 0, tzinfo=UTC)


class AppClock:
    """The app's clock (newsroom.core.clock.now) held at `now` until a test moves it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def app_clock(monkeypatch) -> AppClock:
    """Every "now" the app and the test helpers read is FIXED_NOW, whatever the date."""
    held = AppClock(FIXED_NOW)
    monkeypatch.setattr(clock, "now", held)
    return held


@pytest.fixture(scope="session", autouse=True)
def postgres_schema() -> Iterator[None]:
    """On PostgreSQL the schema is made once per worker, in the worker's own database; each
    test then truncates every table."""
    if not POSTGRES_URL:
        yield
        return
    own = POSTGRES_URL != POSTGRES_SERVER_URL
    server = create_engine(POSTGRES_SERVER_URL, isolation_level="AUTOCOMMIT")
    name = make_url(POSTGRES_URL).database
    if own:
        with server.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": POSTGRES_URL})
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield
    with app.app_context():
        db.drop_all()
        db.engine.dispose()
    if own:
        with server.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    server.dispose()


class ClosingClient(FlaskClient):
    """Closes each response once read, as a real server does, so work the app does after
    its response (delivering the mail a request queued) runs before the next line."""

    def open(self, *args, buffered: bool = True, **kwargs):
        return super().open(*args, buffered=buffered, **kwargs)


def make_test_app(database_url: str, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-000",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PASSWORD_HASH_METHOD": FAST_HASH,
        "SITE_URL": "http://newsroom.test",
    }
    if overrides.get("ENV") == "production":
        config["MAIL_SERVER"] = "127.0.0.1"  # production refuses to start without one
        config["CUSTOMER_SERVICE_EMAIL"] = "service@news.example"  # nor without a way to buy
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = ClosingClient
    return app


@pytest.fixture
def smtp_server() -> Iterator[SMTPServer]:
    """A real SMTP server on a free loopback port. Point the app at it with
    `app_config` returning `smtp_server.app_config`; read mail with `smtp_server.last(to)`."""
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sqlite_schema(tmp_path_factory) -> Path | None:
    """On SQLite the schema is made once per worker, in a file each test's database starts as a
    copy of (copying a file costs far less than creating every table again)."""
    if POSTGRES_URL:
        return None
    path = tmp_path_factory.mktemp("schema") / "schema.sqlite3"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        db.create_all()
        db.engine.dispose()  # the last connection closed: the write-ahead log is in the file
    return path


@pytest.fixture
def database_url(tmp_path, postgres_schema) -> str:
    return POSTGRES_URL or f"sqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture
def app_config() -> dict:
    """Override in a test module to change settings for every app it makes."""
    return {}


@pytest.fixture
def app(database_url, app_config, sqlite_schema):
    if sqlite_schema is not None:
        database_file = Path(make_url(database_url).database)
        if not database_file.exists():
            shutil.copyfile(sqlite_schema, database_file)
    app = make_test_app(database_url, **app_config)
    if POSTGRES_URL:
        with app.app_context():
            tables = ", ".join(t.name for t in db.metadata.sorted_tables)
            db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def auth(client) -> Auth:
    return Auth(client)


@pytest.fixture
def make_user(app):
    def make(
        email: str | None = None,
        name: str = "Test Reader",
        password: str = PASSWORD,
        digital_plus: bool = False,
        period: tuple[datetime, datetime] | None = None,
        verified: bool = False,
    ) -> User:
        with app.app_context():
            user = User(
                email=email or f"reader{next(_sequence)}@example.com",
                name=name,
                password_hash=generate_password_hash(password, method=FAST_HASH),
                email_verified_at=now_utc() if verified else None,
            )
            db.session.add(user)
            db.session.flush()
            if digital_plus or period:
                month = timedelta(days=30)
                starts, ends = period or (now_utc() - month, now_utc() + month)
                db.session.add(Subscription(user_id=user.id, starts_at=starts, ends_at=ends))
            db.session.commit()
            db.session.expunge(user)
            return user

    return make


@pytest.fixture
def subscriber(make_user):
    """A Digital+ reader with a confirmed address (not logged in: see subscriber_client)."""
    return make_user(name="Karen Holm", digital_plus=True, verified=True)


@pytest.fixture
def subscriber_client(client, auth, subscriber):
    """The test client, logged in as `subscriber`."""
    auth.login(subscriber.email)
    return client


@pytest.fixture
def make_article(app):
    def make(
        slug: str | None = None,
        locked: bool = True,
        body: str | None = None,
        published_at: datetime | None = None,
        author: str = "Ada Berg",
        author_title: str = "international business adviser",
        **fields,
    ) -> Article:
        with app.app_context():
            writer = db.session.scalar(db.select(Author).where(Author.name == author))
            if writer is None:
                writer = Author(name=author, title=author_title)
                db.session.add(writer)
            rendered = render_body(body or locked_body())
            number = next(_sequence)
            article = Article(
                slug=slug or f"article-{number}",
                section=fields.pop("section", "Debate"),
                kind=fields.pop("kind", "commentary"),
                headline=fields.pop("headline", f"Headline {number}"),
                lead=fields.pop("lead", "A lead that anyone may read."),
                author=writer,
                language=fields.pop("language", "en"),
                published_at=published_at or now_utc() - timedelta(hours=number),
                locked=locked,
                teaser_html=rendered.teaser_html,
                rest_html=rendered.rest_html,
                word_count=rendered.word_count,
                **fields,
            )
            db.session.add(article)
            db.session.commit()
            db.session.expunge(article)
            return article

    return make


@pytest.fixture(scope="session")
def stripe_stand_in() -> Iterator[StripeStandIn]:
    """localstripe (a subprocess, stopped by its PID) with the Digital+ plans in it, behind
    the stand-in for Checkout and the portal. Point an app at it with `stripe_config`."""
    local = LocalStripe()
    local.start()
    try:
        catalogue = make_catalogue(stripe_client(local.url))
        stand_in = StripeStandIn(local.url, catalogue)
        stand_in.start()
        try:
            yield stand_in
        finally:
            stand_in.stop()
    finally:
        local.stop()


def stripe_config(stand_in: StripeStandIn, **overrides) -> dict:
    """Settings that sell Digital+ through the stand-in and localstripe."""
    return {
        "STRIPE_SECRET_KEY": STRIPE_SECRET_KEY,
        "STRIPE_PRICE_ID": stand_in.catalogue.monthly,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": stand_in.state.url,
        "STRIPE_NETWORK_RETRIES": 0,
        **overrides,
    }
