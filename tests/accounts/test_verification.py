"""Verifying the address at registration: the 24-hour link, the banner and "send again"."""

from datetime import timedelta

import pytest

from newsroom.accounts import account_links
from newsroom.core import signing
from newsroom.extensions import db
from newsroom.models import User
from tests.helpers import PASSWORD, csrf_token, now_utc
from tests.mailbox import link_in

KEYS = ["test-secret-key-that-is-long-enough-000"]


@pytest.fixture
def app_config(smtp_server):
    return {
        **smtp_server.app_config,
        "VERIFY_RESEND_LIMIT": "2 per hour",
        "CREDENTIAL_LIMIT_PER_ACCOUNT": "3 per minute",
        "CREDENTIAL_LIMIT_PER_CLIENT": "5 per minute",
    }


def register(client, email="new@example.com"):
    data = {"email": email, "name": "Ida Holm", "password": PASSWORD}
    data["csrf_token"] = csrf_token(client, "/register")
    return client.post("/register", data=data)


def stored(app, email: str) -> User:
    with app.app_context():
        return db.session.scalar(db.select(User).where(User.email == email))


def verify_link(user: User, issued_at=None) -> str:
    token = account_links.verification_token(user, KEYS, issued_at or now_utc())
    return f"/account/verify/{token}"


def test_verify_link_from_the_registration_mail_confirms_the_address(app, client, smtp_server):
    register(client)
    assert "Confirm your e-mail address" in client.get("/").get_data(as_text=True)
    response = client.get(link_in(smtp_server.last("new@example.com")))
    assert response.status_code == 302
    assert response.location == "/account"
    assert stored(app, "new@example.com").is_verified
    page = client.get("/account").get_data(as_text=True)
    assert "your e-mail address is confirmed" in page
    assert "Send the link again" not in page


def test_verify_link_works_without_being_logged_in(app, client, smtp_server):
    register(client)
    link = link_in(smtp_server.last("new@example.com"))
    other_browser = app.test_client()
    assert other_browser.get(link).status_code == 302
    assert stored(app, "new@example.com").is_verified


def test_verify_link_used_twice_is_refused_with_a_clear_page(app, client, smtp_server):
    register(client)
    link = link_in(smtp_server.last("new@example.com"))
    client.get(link)
    confirmed_at = stored(app, "new@example.com").email_verified_at
    again = client.get(link)
    assert again.status_code == 409
    assert "already confirmed" in again.get_data(as_text=True)
    assert stored(app, "new@example.com").email_verified_at == confirmed_at


def test_verify_link_after_24_hours_is_expired(app, client, make_user):
    user = make_user()
    response = client.get(verify_link(user, now_utc() - timedelta(hours=24, seconds=1)))
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)
    assert not stored(app, user.email).is_verified


def test_verify_link_just_inside_24_hours_still_works(app, client, make_user):
    user = make_user()
    assert client.get(verify_link(user, now_utc() - timedelta(hours=23))).status_code == 302
    assert stored(app, user.email).is_verified


def test_verify_link_of_another_account_is_refused_and_changes_nothing(
    app, client, auth, make_user
):
    owner, other = make_user(), make_user()
    auth.login(other.email)
    response = client.get(verify_link(owner))
    assert response.status_code == 403
    assert "another account" in response.get_data(as_text=True)
    assert not stored(app, owner.email).is_verified
    assert not stored(app, other.email).is_verified


def test_verify_link_for_a_former_address_is_refused(app, client, make_user):
    user = make_user(email="old@example.com")
    link = verify_link(user)
    with app.app_context():
        db.session.get(User, user.id).email = "new@example.com"
        db.session.commit()
    assert client.get(link).status_code == 400
    assert not stored(app, "new@example.com").is_verified


@pytest.mark.parametrize("salt", [signing.RESET_PASSWORD_SALT, signing.CHANGE_EMAIL_SALT])
def test_verify_link_signed_for_another_purpose_is_refused(app, client, make_user, salt):
    user = make_user()
    token = signing.sign_account({"u": user.id, "e": user.email}, salt, KEYS, now_utc())
    assert client.get(f"/account/verify/{token}").status_code == 400
    assert not stored(app, user.email).is_verified


@pytest.mark.parametrize("token", ["x", "a.b.c", "é" * 10, "A" * 300])
def test_verify_link_garbage_is_refused(client, token):
    assert client.get(f"/account/verify/{token}").status_code == 400


def test_verify_link_tampered_is_refused(app, client, make_user):
    user = make_user()
    link = verify_link(user)
    flipped = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]
    assert client.get(flipped).status_code == 400
    assert not stored(app, user.email).is_verified


def test_verify_send_again_mails_a_new_link_that_works(app, client, auth, make_user, smtp_server):
    user = make_user()
    auth.login(user.email)
    response = auth.post("/account/verify", data={})
    assert response.status_code == 302
    assert client.get(link_in(smtp_server.last(user.email))).status_code == 302
    assert stored(app, user.email).is_verified


def test_verify_send_again_is_rate_limited_per_account(client, auth, make_user, smtp_server):
    user = make_user()
    auth.login(user.email)
    for _ in range(2):
        assert auth.post("/account/verify", data={}).status_code == 302
    assert auth.post("/account/verify", data={}).status_code == 429
    assert len(smtp_server.to(user.email)) == 2


def test_verify_send_again_without_csrf_sends_nothing(client, auth, make_user, smtp_server):
    user = make_user()
    auth.login(user.email)
    assert client.post("/account/verify", data={}).status_code in (302, 400)
    assert smtp_server.to(user.email) == []


def test_verify_send_again_when_verified_sends_nothing(client, auth, make_user, smtp_server):
    user = make_user(verified=True)
    auth.login(user.email)
    assert "Send the link again" not in client.get("/").get_data(as_text=True)
    auth.post("/account/verify", data={})
    assert smtp_server.to(user.email) == []


def test_verify_send_again_needs_a_login(client):
    response = client.post("/account/verify", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert "/login" in response.location


def test_require_verified_refuses_an_unconfirmed_address(app, make_user):
    unconfirmed, confirmed = make_user(), make_user(verified=True)
    with app.app_context():
        with pytest.raises(account_links.EmailNotVerified):
            account_links.require_verified(db.session.get(User, unconfirmed.id))
        account_links.require_verified(db.session.get(User, confirmed.id))


def test_verify_links_that_fail_are_rate_limited_per_client(app, client, make_user):
    for n in range(5):
        assert client.get(f"/account/verify/bad-{n}").status_code == 400
    good = verify_link(make_user())
    assert client.get(good).status_code == 429
    other_client = app.test_client()
    assert other_client.get(good, environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code == 302


def test_verify_links_that_fail_are_rate_limited_per_account(app, client, make_user):
    user = make_user()
    stale = verify_link(user, now_utc() - timedelta(days=2))
    for n in range(3):
        address = {"REMOTE_ADDR": f"10.0.1.{n + 1}"}
        assert client.get(stale, environ_base=address).status_code == 410
    fresh = verify_link(user)
    assert client.get(fresh, environ_base={"REMOTE_ADDR": "10.0.2.1"}).status_code == 429
    assert not stored(app, user.email).is_verified
