"""Login rate limits (D3): per account and per address, counting only wrong passwords, shared
by every worker through Redis, and never a permanent lockout."""

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis

from tests.helpers import FAST_HASH, PASSWORD, csrf_token
from tests.servers import gunicorn_server, redis_server
from tests.visitor import Visitor

WRONG = "Wrong-password-00"


@pytest.fixture
def app_config() -> dict:
    return {"LOGIN_LIMIT_PER_ACCOUNT": "3 per minute", "LOGIN_LIMIT_PER_ADDRESS": "5 per minute"}


def attempt(client, email: str, password: str, address: str = "127.0.0.1"):
    token = csrf_token(client, "/digital-plus")
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


def test_login_per_account_limit_answers_429_after_wrong_passwords(client, make_user):
    user = make_user()
    for n in range(3):
        assert attempt(client, user.email, WRONG, f"10.0.0.{n + 1}").status_code == 400
    assert attempt(client, user.email, PASSWORD, "10.0.1.1").status_code == 429


def test_login_per_address_limit_answers_429_across_accounts(client, make_user):
    for _ in range(5):
        assert attempt(client, make_user().email, WRONG, "10.0.0.9").status_code == 400
    assert attempt(client, make_user().email, PASSWORD, "10.0.0.9").status_code == 429


def test_login_limit_counts_only_wrong_passwords(client, make_user):
    user = make_user()
    for _ in range(8):
        assert attempt(client, user.email, PASSWORD, "10.0.0.7").status_code == 302


def test_login_limit_on_one_account_leaves_other_accounts_and_addresses_alone(
    app, client, make_user
):
    limited, other = make_user(), make_user()
    for _ in range(4):
        attempt(client, limited.email, WRONG, "10.0.0.5")
    assert attempt(app.test_client(), other.email, PASSWORD, "10.0.0.6").status_code == 302


def test_login_limit_answers_json_when_asked(client, make_user):
    user = make_user()
    for _ in range(3):
        attempt(client, user.email, WRONG)
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client)},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 429
    assert response.get_json()["error"] == "rate_limited"


# ---- Across gunicorn workers, with Redis as the shared store --------------------------------

ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 8
WINDOW_SECONDS = 10  # wide enough that a busy machine finishes the burst inside it


@pytest.fixture
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


@contextmanager
def limited_server(database_url: str, redis_url: str, tmp_path):
    env = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "gunicorn-test-secret-key-long-enough-0000",
        "REDIS_URL": redis_url,
        "NEWSROOM_RATELIMIT_STRATEGY": "moving-window",
        "NEWSROOM_LOGIN_LIMIT_PER_ACCOUNT": f"{ACCOUNT_LIMIT} per {WINDOW_SECONDS} seconds",
        "NEWSROOM_LOGIN_LIMIT_PER_ADDRESS": f"{ADDRESS_LIMIT} per {WINDOW_SECONDS} seconds",
        "NEWSROOM_PASSWORD_HASH_METHOD": FAST_HASH,
    }
    with gunicorn_server(env, workers=2, log_path=tmp_path / "gunicorn.log") as base:
        yield base


def limiter_keys(redis_url: str) -> list[bytes]:
    client = redis.Redis.from_url(redis_url, socket_timeout=1)
    try:
        return list(client.scan_iter(match="LIMITS*", count=100))
    finally:
        client.close()


@pytest.mark.server
def test_login_per_account_limit_is_shared_by_workers_through_redis(
    app, database_url, redis_url, make_user, tmp_path
):
    user = make_user()
    with limited_server(database_url, redis_url, tmp_path) as base:
        attacker = Visitor(base, "127.0.0.1")
        statuses = [attacker.log_in(user.email, WRONG) for _ in range(ACCOUNT_LIMIT)]
        assert statuses == [400] * ACCOUNT_LIMIT
        assert attacker.log_in(user.email, WRONG) == 429
        # Another address trying the same account is held by the same, shared count.
        assert Visitor(base, "127.0.0.2").log_in(user.email, PASSWORD) == 429
        assert any(re.search(rb"login-account", key) for key in limiter_keys(redis_url))


@pytest.mark.server
def test_login_per_account_limit_leaves_another_account_at_another_address_working(
    app, database_url, redis_url, make_user, tmp_path
):
    limited, other = make_user(), make_user()
    with limited_server(database_url, redis_url, tmp_path) as base:
        attacker = Visitor(base, "127.0.0.1")
        for _ in range(ACCOUNT_LIMIT + 1):
            attacker.log_in(limited.email, WRONG)
        assert attacker.log_in(limited.email, WRONG) == 429
        assert Visitor(base, "127.0.0.2").log_in(other.email, PASSWORD) == 302


@pytest.mark.server
def test_login_per_address_limit_is_shared_by_workers_across_accounts(
    app, database_url, redis_url, make_user, tmp_path
):
    users = [make_user() for _ in range(ADDRESS_LIMIT + 1)]
    with limited_server(database_url, redis_url, tmp_path) as base:
        attacker = Visitor(base, "127.0.0.3")
        statuses = [attacker.log_in(u.email, WRONG) for u in users[:ADDRESS_LIMIT]]
        assert statuses == [400] * ADDRESS_LIMIT
        assert attacker.log_in(users[-1].email, PASSWORD) == 429
        assert Visitor(base, "127.0.0.4").log_in(users[-1].email, PASSWORD) == 302


@pytest.mark.server
def test_login_limit_expires_so_the_owner_is_never_locked_out(
    app, database_url, redis_url, make_user, tmp_path
):
    user = make_user()
    with limited_server(database_url, redis_url, tmp_path) as base:
        attacker = Visitor(base, "127.0.0.1")
        for _ in range(ACCOUNT_LIMIT):
            attacker.log_in(user.email, WRONG)
        owner = Visitor(base, "127.0.0.5")
        assert owner.log_in(user.email, PASSWORD) == 429
        store = redis.Redis.from_url(redis_url, socket_timeout=1)
        try:
            keys = limiter_keys(redis_url)
            assert keys
            # Every count ends with its window: Redis drops it by itself, nothing is permanent.
            ttls = [store.ttl(key) for key in keys]
            assert all(0 < ttl <= WINDOW_SECONDS for ttl in ttls), ttls
            store.delete(*keys)  # what Redis does once the window has passed, without the wait
        finally:
            store.close()
        assert owner.log_in(user.email, PASSWORD) == 302
