"""Behind reverse proxies (H1, H2): with NEWSROOM_PROXY_COUNT the forwarded client is who the
limits count and HTTPS is seen as HTTPS; without it forwarded headers change nothing."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest

from newsroom.extensions import db
from newsroom.gifting import giving
from newsroom.gifting.policy import gift_policy
from tests.helpers import FAST_HASH, PASSWORD, SENTINEL, csrf_token
from tests.servers import gunicorn_server, redis_server
from tests.visitor import Visitor

WRONG = "Wrong-password-00"
PROXY = "127.0.0.1"  # every request below reaches the app from this one address


def login(client, email: str, password: str, forwarded: str | None = None, **headers):
    token = csrf_token(client, "/login")
    if forwarded:
        headers["X-Forwarded-For"] = forwarded
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        headers=headers,
        environ_base={"REMOTE_ADDR": PROXY},
    )


# ---- In one process ---------------------------------------------------------------------


@pytest.fixture
def app_config() -> dict:
    return {
        "PROXY_COUNT": 1,
        "LOGIN_LIMIT_PER_ADDRESS": "3 per minute",
        "LOGIN_LIMIT_PER_ACCOUNT": "50 per minute",
    }


def test_proxy_count_limits_count_each_forwarded_client_not_the_proxy(app, make_user):
    for _ in range(3):
        login(app.test_client(), make_user().email, WRONG, "203.0.113.1")
    assert login(app.test_client(), make_user().email, PASSWORD, "203.0.113.1").status_code == 429
    assert login(app.test_client(), make_user().email, PASSWORD, "203.0.113.2").status_code == 302


def test_proxy_count_believes_only_the_hop_the_proxy_added(app, make_user):
    # A client that makes up earlier hops is still counted by the address its proxy saw.
    for n in range(3):
        login(app.test_client(), make_user().email, WRONG, f"198.51.100.{n}, 203.0.113.7")
    response = login(app.test_client(), make_user().email, PASSWORD, "198.51.100.99, 203.0.113.7")
    assert response.status_code == 429


def test_proxy_https_is_seen_as_https_with_the_strict_referer_check(app, make_user):
    user = make_user()
    https = {"X-Forwarded-Proto": "https"}
    # Over HTTPS Flask-WTF insists on a same-site Referer; a cross-site form post is refused.
    refused = login(app.test_client(), user.email, PASSWORD, "203.0.113.3", **https)
    assert refused.status_code == 400
    assert "The form has expired" in refused.get_data(as_text=True)
    same_site = {**https, "Referer": "https://localhost/login"}
    assert login(
        app.test_client(), user.email, PASSWORD, "203.0.113.3", **same_site
    ).status_code == (302)


@pytest.mark.parametrize("app_config", [{"LOGIN_LIMIT_PER_ADDRESS": "3 per minute"}])
def test_forwarded_headers_without_proxy_count_change_nothing(app, make_user, app_config):
    for n in range(3):
        login(app.test_client(), make_user().email, WRONG, f"203.0.113.{n}")
    # A new made-up address neither escapes the limit ...
    assert login(app.test_client(), make_user().email, PASSWORD, "203.0.113.50").status_code == 429
    # ... nor is X-Forwarded-Proto believed: no Referer is demanded.
    other = app.test_client()
    token = csrf_token(other, "/login")
    response = other.post(
        "/login",
        data={"email": make_user().email, "password": PASSWORD, "csrf_token": token},
        headers={"X-Forwarded-Proto": "https"},
        environ_base={"REMOTE_ADDR": "10.9.9.9"},
    )
    assert response.status_code == 302


# ---- gunicorn workers, Redis, forwarded headers ------------------------------------------

FAILURES = 4
WINDOW = "per 10 minutes"


@pytest.fixture
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


@contextmanager
def proxied_server(app, database_url: str, redis_url: str, tmp_path, proxy_count: int = 1):
    env = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": app.config["SECRET_KEY"],  # so gift links made here open there
        "REDIS_URL": redis_url,
        "NEWSROOM_PROXY_COUNT": str(proxy_count),
        "NEWSROOM_LOGIN_LIMIT_PER_ADDRESS": f"{FAILURES} {WINDOW}",
        "NEWSROOM_LOGIN_LIMIT_PER_ACCOUNT": f"50 {WINDOW}",
        "NEWSROOM_GIFT_TOKEN_FAILURE_LIMIT": f"{FAILURES} {WINDOW}",
        "NEWSROOM_REGISTER_LIMIT": f"{FAILURES} {WINDOW}",
        "NEWSROOM_PASSWORD_HASH_METHOD": FAST_HASH,
    }
    with gunicorn_server(env, workers=2, log_path=tmp_path / "gunicorn.log") as base:
        yield base


def client_at(base: str, address: str | None) -> Visitor:
    """A browser whose requests the proxy forwards with its address (None: no header)."""
    return Visitor(base, PROXY, {"X-Forwarded-For": address} if address else None)


def register(visitor: Visitor, email: str, password: str = PASSWORD) -> int:
    visitor.get("/register")
    form = {"email": email, "name": "Proxy Reader", "password": password}
    return visitor.request("POST", "/register", urlencode({**form, "csrf_token": visitor.token}))[0]


@pytest.fixture
def gift_path(app, make_user, make_article) -> str:
    giver = make_user(digital_plus=True)
    article = make_article()
    with app.app_context():
        result = giving.give(db.session, giver, article, datetime.now(UTC), gift_policy())
        db.session.commit()
    return f"/articles/{article.slug}?gift={result.token}"


@pytest.mark.server
def test_behind_proxy_one_clients_failures_leave_other_clients_alone(
    app, database_url, redis_url, make_user, gift_path, tmp_path
):
    users = [make_user() for _ in range(FAILURES + 1)]
    slug = gift_path.split("?")[0]
    with proxied_server(app, database_url, redis_url, tmp_path) as base:
        attacker = client_at(base, "203.0.113.66")
        assert [attacker.log_in(u.email, WRONG) for u in users[:FAILURES]] == [400] * FAILURES
        assert attacker.log_in(users[-1].email, PASSWORD) == 429
        for n in range(FAILURES):
            assert attacker.get(f"{slug}?gift=made-up-{n}")[0] == 200
        assert attacker.get(f"{slug}?gift=made-up-last")[0] == 429
        for n in range(FAILURES):
            assert register(attacker, f"mass{n}@example.com") == 302
        assert register(attacker, "mass-last@example.com") == 429

        reader = client_at(base, "198.51.100.23")
        assert reader.log_in(users[-1].email, PASSWORD) == 302
        status, page = client_at(base, "198.51.100.24").get(gift_path)
        assert status == 200 and SENTINEL in page
        assert register(client_at(base, "198.51.100.25"), "newcomer@example.com") == 302


@pytest.mark.server
def test_behind_proxy_registration_limit_ignores_other_peoples_sign_ups(
    app, database_url, redis_url, tmp_path
):
    with proxied_server(app, database_url, redis_url, tmp_path) as base:
        # More sign-ups than any one client may make, also more than the old fixed 10 an hour.
        for n in range(11):
            assert register(client_at(base, f"198.51.100.{n + 1}"), f"person{n}@example.com") == 302
        late = client_at(base, "198.51.100.200")
        assert register(late, "late@example.com") == 302


@pytest.mark.server
def test_spoofed_forwarded_for_without_proxy_count_changes_nothing(
    app, database_url, redis_url, make_user, tmp_path
):
    users = [make_user() for _ in range(FAILURES + 2)]
    with proxied_server(app, database_url, redis_url, tmp_path, proxy_count=0) as base:
        for n, user in enumerate(users[:FAILURES]):
            assert client_at(base, f"203.0.113.{n}").log_in(user.email, WRONG) == 400
        # Neither a fresh made-up address nor none at all gets past the count of the socket's.
        assert client_at(base, "203.0.113.200").log_in(users[-2].email, PASSWORD) == 429
        assert client_at(base, None).log_in(users[-1].email, PASSWORD) == 429
        # Another socket address is another client, whatever it claims to forward.
        other = Visitor(base, "127.0.0.2", {"X-Forwarded-For": PROXY})
        assert other.log_in(users[-1].email, PASSWORD) == 302
