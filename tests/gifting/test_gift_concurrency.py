"""The monthly allowance holds when one subscriber's requests race across gunicorn workers."""

import http.client
import json
import threading
from collections import Counter
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import func, select

from newsroom.extensions import db
from newsroom.models import Gift
from tests.helpers import CSRF_META, FAST_HASH, PASSWORD
from tests.servers import gunicorn_server

pytestmark = pytest.mark.server

WORKERS = 4
SECRET = "concurrency-test-secret-key-that-is-long-0123456789"


def server_env(database_url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET,
        "NEWSROOM_ENV": "production",
        "NEWSROOM_MAIL_SERVER": "127.0.0.1",
        "NEWSROOM_CUSTOMER_SERVICE_EMAIL": "service@newsroom.test",
        "NEWSROOM_PASSWORD_HASH_METHOD": FAST_HASH,
        "NEWSROOM_GIFT_CREATE_LIMIT": "1000 per minute",
        "NEWSROOM_SITE_URL": "http://newsroom.test",
        "NEWSROOM_ALLOW_HTTP_SITE_URL": "true",  # loopback: no certificate
        # Production wants shared limit storage; this run tests the allowance, not limits.
        "NEWSROOM_RATELIMIT_ENABLED": "false",
    }


@dataclass
class Answer:
    status: int
    retry_after: str | None
    body: dict


class Visitor:
    """A minimal browser: keeps cookies by hand (production cookies are Secure, and this
    talks plain HTTP on loopback), never follows redirects."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def request(self, method: str, path: str, body: str | None = None, headers=None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            sent = dict(headers or {})
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response, text
        finally:
            connection.close()

    def read_csrf(self, path: str) -> None:
        response, text = self.request("GET", path)
        assert response.status == 200, text
        self.csrf = CSRF_META.search(text)[1]

    def log_in(self, email: str) -> None:
        self.read_csrf("/login")
        form = urlencode({"email": email, "password": PASSWORD, "csrf_token": self.csrf})
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        response, text = self.request("POST", "/login", form, headers)
        assert response.status == 302, text
        self.read_csrf("/")  # the token of the logged-in session

    def gift(self, slug: str) -> Answer:
        headers = {"Accept": "application/json", "X-CSRFToken": self.csrf}
        response, text = self.request("POST", f"/articles/{slug}/gift", "", headers)
        try:
            body = json.loads(text)
        except ValueError:
            body = {"raw": text[:200]}
        return Answer(response.status, response.getheader("Retry-After"), body)


def fire(visitor: Visitor, slugs: list[str]) -> list[Answer]:
    """All requests at once: each thread waits at a barrier, then posts."""
    answers: list[Answer | None] = [None] * len(slugs)
    barrier = threading.Barrier(len(slugs), timeout=30)

    def post(index: int) -> None:
        barrier.wait()
        answers[index] = visitor.gift(slugs[index])

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(slugs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return [answer for answer in answers if answer is not None]


def backend(app) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]


def gift_rows(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Gift.id)))


@pytest.fixture
def subscriber_server(app, database_url, make_user, tmp_path):
    user = make_user(name="Karen Holm", digital_plus=True)
    with app.app_context():
        db.engine.dispose()  # the workers are the only writers from here on
    with gunicorn_server(server_env(database_url), WORKERS, tmp_path / "gunicorn.log") as base:
        visitor = Visitor(base)
        visitor.log_in(user.email)
        yield visitor


def test_gift_allowance_holds_under_40_simultaneous_requests(app, subscriber_server, make_article):
    slugs = [make_article().slug for _ in range(10)]
    answers = fire(subscriber_server, [slugs[i % 10] for i in range(40)])
    statuses = Counter(answer.status for answer in answers)
    rows = gift_rows(app)
    print(f"\nB3 {backend(app)}: {dict(statuses)}, {rows} rows")
    assert len(answers) == 40
    assert statuses[201] == 5
    assert set(statuses) <= {200, 201, 409, 503}
    assert all(a.retry_after for a in answers if a.status == 503)
    assert all(a.body["error"] == "allowance_used" for a in answers if a.status == 409)
    # A repeat of an article given in this same burst is that gift again, not a new one.
    given = {a.body["url"] for a in answers if a.status in (200, 201)}
    assert len(given) == 5
    assert rows == 5


def test_gift_same_article_simultaneously_is_one_gift(app, subscriber_server, make_article):
    slug = make_article().slug
    answers = fire(subscriber_server, [slug] * 10)
    statuses = Counter(answer.status for answer in answers)
    rows = gift_rows(app)
    print(f"\nB4 {backend(app)}: {dict(statuses)}, {rows} rows")
    assert statuses == Counter({201: 1, 200: 9})
    assert len({answer.body["url"] for answer in answers}) == 1
    assert {answer.body["used"] for answer in answers} == {1}
    assert rows == 1
