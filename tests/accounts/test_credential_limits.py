"""Credential checks (H3, H4): one hash whether or not the account exists, the same answer,
and every password check limited per account and per client, counting only failures."""

import hashlib
import re

import pytest

from newsroom.accounts import operations
from newsroom.extensions import db
from tests.helpers import FAST_HASH, PASSWORD, csrf_token

WRONG = "Wrong-password-00"
NEW = "Brand-new-password-7"


@pytest.fixture
def app_config() -> dict:
    return {
        "CREDENTIAL_LIMIT_PER_ACCOUNT": "3 per minute",
        "CREDENTIAL_LIMIT_PER_CLIENT": "5 per minute",
    }


@pytest.fixture
def scrypt_runs(monkeypatch) -> list[int]:
    """Counts key derivations; each one still runs the real scrypt."""
    runs: list[int] = []
    real = hashlib.scrypt

    def counted(*args, **kwargs):
        runs.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counted)
    return runs


def test_authenticate_known_and_unknown_address_cost_one_hash_each(app, make_user, scrypt_runs):
    user = make_user()
    with app.app_context():
        costs = []
        for email in (user.email, "nobody@example.com", "nobody-else@example.com"):
            scrypt_runs.clear()
            with pytest.raises(operations.WrongPassword):
                operations.authenticate(db.session, email, WRONG, hash_method=FAST_HASH)
            costs.append(len(scrypt_runs))
        assert costs == [1, 1, 1]


def test_authenticate_unknown_address_never_matches_the_dummy(app):
    with app.app_context():
        for password in ("x", "", PASSWORD):
            with pytest.raises(operations.WrongPassword):
                operations.authenticate(
                    db.session, "nobody@example.com", password, hash_method=FAST_HASH
                )


def _login_page(client, email: str) -> str:
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"email": email, "password": WRONG, "csrf_token": token})
    assert response.status_code == 400
    return re.sub(r'content="[^"]+"|value="[^"]*"', "", response.get_data(as_text=True))


def test_login_known_and_unknown_address_get_the_same_answer(app, make_user):
    user = make_user()
    known = _login_page(app.test_client(), user.email)
    unknown = _login_page(app.test_client(), "nobody@example.com")
    assert known == unknown
    assert "Wrong e-mail or password." in known


def change_password(client, current: str, new: str = NEW, address: str = "127.0.0.1"):
    token = csrf_token(client, "/account")
    return client.post(
        "/account",
        data={"current_password": current, "new_password": new, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


def logged_in(app, user):
    client = app.test_client()
    token = csrf_token(client, "/login")
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    return client


def test_password_change_wrong_current_password_is_limited_per_account(app, make_user):
    user = make_user()
    client = logged_in(app, user)
    for n in range(3):
        assert change_password(client, WRONG, address=f"10.0.0.{n + 1}").status_code == 400
    # The right password from a fresh address is held too: the account's count is full.
    assert change_password(client, PASSWORD, address="10.0.1.1").status_code == 429
    assert change_password(logged_in(app, make_user()), PASSWORD).status_code == 302


def test_password_change_is_limited_per_client_across_accounts(app, make_user):
    for _ in range(5):
        client = logged_in(app, make_user())
        assert change_password(client, WRONG, address="10.0.0.9").status_code == 400
    client = logged_in(app, make_user())
    assert change_password(client, PASSWORD, address="10.0.0.9").status_code == 429
    assert change_password(client, PASSWORD, address="10.0.0.10").status_code == 302


def test_password_change_limit_counts_only_wrong_passwords(app, make_user):
    user = make_user()
    client = logged_in(app, user)
    for _ in range(6):  # weak new passwords are refused but are not guesses
        assert change_password(client, PASSWORD, new="short").status_code == 400
    assert change_password(client, PASSWORD).status_code == 302


def test_password_change_limit_answers_json_when_asked(app, make_user):
    client = logged_in(app, make_user())
    for _ in range(3):
        change_password(client, WRONG)
    response = client.post(
        "/account",
        data={"current_password": PASSWORD, "new_password": NEW},
        headers={"Accept": "application/json", "X-CSRFToken": csrf_token(client, "/account")},
    )
    assert response.status_code == 429
    assert response.get_json()["error"] == "rate_limited"
