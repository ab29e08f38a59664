"""Change of e-mail: the password again, a 2-hour link to the new address, a notice to the
old one, and the new address checked again for being free when the link is used."""

from datetime import timedelta

import pytest

from newsroom.accounts import account_links
from newsroom.core import signing
from newsroom.extensions import db
from newsroom.models import User
from tests.helpers import PASSWORD, csrf_token, now_utc
from tests.mailbox import link_in, text_of

KEYS = ["test-secret-key-that-is-long-enough-000"]


@pytest.fixture
def app_config(smtp_server):
    return {
        **smtp_server.app_config,
        "CREDENTIAL_LIMIT_PER_ACCOUNT": "3 per minute",
        "CREDENTIAL_LIMIT_PER_CLIENT": "5 per minute",
    }


def ask(client, email: str, password: str = PASSWORD, **kwargs):
    data = {
        "email": email,
        "current_password": password,
        "csrf_token": csrf_token(client, "/account/email"),
    }
    return client.post("/account/email", data=data, **kwargs)


def stored(app, user_id: int) -> User:
    with app.app_context():
        return db.session.get(User, user_id)


def change_link(app, user: User, new_email: str, issued_at=None) -> str:
    with app.app_context():
        fresh = db.session.get(User, user.id)
        token = account_links.email_change_token(fresh, new_email, KEYS, issued_at or now_utc())
    return f"/account/email/{token}"


def can_log_in(app, email: str, password: str = PASSWORD) -> bool:
    other = app.test_client()
    data = {"email": email, "password": password, "csrf_token": csrf_token(other, "/login")}
    return other.post("/login", data=data).status_code == 302


def test_email_change_link_in_the_mail_moves_the_account(app, client, auth, make_user, smtp_server):
    user = make_user(email="old@example.com")
    auth.login(user.email)
    response = ask(client, "New@Example.com")
    assert response.status_code == 302
    assert response.location == "/account"
    assert stored(app, user.id).email == "old@example.com"  # nothing moves before the link
    mail = smtp_server.last("new@example.com")
    assert "2 hours" in text_of(mail)
    done = client.get(link_in(mail))
    assert done.status_code == 302
    account = stored(app, user.id)
    assert account.email == "new@example.com"
    assert account.is_verified
    assert "new@example.com" in client.get("/account").get_data(as_text=True)
    assert can_log_in(app, "new@example.com")
    assert not can_log_in(app, "old@example.com")


def test_email_change_tells_the_old_address(app, client, auth, make_user, smtp_server):
    user = make_user(email="old@example.com")
    auth.login(user.email)
    ask(client, "new@example.com")
    notice = smtp_server.last("old@example.com")
    assert "new@example.com" in text_of(notice)
    assert link_in(notice) == "/password/forgot"
    assert smtp_server.to("new@example.com")[0]["Subject"] == "Confirm your new e-mail address"


def test_email_change_link_works_in_another_browser(app, client, auth, make_user, smtp_server):
    user = make_user()
    auth.login(user.email)
    ask(client, "elsewhere@example.com")
    link = link_in(smtp_server.last("elsewhere@example.com"))
    assert app.test_client().get(link).status_code == 302
    assert stored(app, user.id).email == "elsewhere@example.com"


def test_email_change_with_the_wrong_password_sends_nothing(
    app, client, auth, make_user, smtp_server
):
    user = make_user()
    auth.login(user.email)
    response = ask(client, "new@example.com", password="not-my-password")
    assert response.status_code == 400
    assert "That is not your current password." in response.get_data(as_text=True)
    assert smtp_server.messages == []


def test_email_change_wrong_passwords_are_rate_limited(app, client, auth, make_user, smtp_server):
    user = make_user()
    auth.login(user.email)
    for _ in range(3):
        assert ask(client, "new@example.com", password="wrong").status_code == 400
    assert ask(client, "new@example.com").status_code == 429
    assert smtp_server.messages == []


def test_email_change_to_a_taken_address_is_a_form_error(app, client, auth, make_user, smtp_server):
    user, _other = make_user(), make_user(email="taken@example.com")
    auth.login(user.email)
    response = ask(client, "taken@example.com")
    assert response.status_code == 400
    assert "already" in response.get_data(as_text=True)
    assert smtp_server.messages == []


def test_email_change_to_the_same_address_is_a_form_error(client, auth, make_user, smtp_server):
    user = make_user(email="same@example.com")
    auth.login(user.email)
    response = ask(client, " Same@example.com")
    assert response.status_code == 400
    assert smtp_server.messages == []


@pytest.mark.parametrize("address", ["", "not-an-address", "a@" + "b" * 260 + ".com"])
def test_email_change_to_a_bad_address_is_a_form_error(
    client, auth, make_user, smtp_server, address
):
    user = make_user()
    auth.login(user.email)
    assert ask(client, address).status_code == 400
    assert smtp_server.messages == []


def test_email_change_without_csrf_sends_nothing(client, auth, make_user, smtp_server):
    user = make_user()
    auth.login(user.email)
    data = {"email": "new@example.com", "current_password": PASSWORD}
    assert client.post("/account/email", data=data).status_code == 400
    assert smtp_server.messages == []


def test_email_change_needs_a_login(client):
    response = client.get("/account/email")
    assert response.status_code == 302
    assert "/login" in response.location


def test_email_change_address_taken_before_the_link_is_used(
    app, client, auth, make_user, smtp_server
):
    user = make_user(email="old@example.com")
    auth.login(user.email)
    ask(client, "wanted@example.com")
    link = link_in(smtp_server.last("wanted@example.com"))
    make_user(email="wanted@example.com")  # someone registered it meanwhile
    response = client.get(link)
    assert response.status_code == 409
    assert "wanted@example.com" in response.get_data(as_text=True)
    assert stored(app, user.id).email == "old@example.com"


def test_email_change_link_used_twice_is_refused(app, client, auth, make_user, smtp_server):
    user = make_user(email="old@example.com")
    auth.login(user.email)
    ask(client, "new@example.com")
    link = link_in(smtp_server.last("new@example.com"))
    client.get(link)
    again = client.get(link)
    assert again.status_code == 400
    assert stored(app, user.id).email == "new@example.com"


def test_an_older_email_change_link_dies_when_a_newer_one_is_used(app, client, make_user):
    user = make_user(email="old@example.com")
    first = change_link(app, user, "first@example.com")
    second = change_link(app, user, "second@example.com")
    assert client.get(second).status_code == 302
    assert client.get(first).status_code == 400
    assert stored(app, user.id).email == "second@example.com"


def test_email_change_link_after_2_hours_is_expired(app, client, make_user):
    user = make_user(email="old@example.com")
    link = change_link(app, user, "new@example.com", now_utc() - timedelta(hours=2, seconds=1))
    response = client.get(link)
    assert response.status_code == 410
    assert stored(app, user.id).email == "old@example.com"


def test_email_change_link_just_inside_2_hours_works(app, client, make_user):
    user = make_user(email="old@example.com")
    link = change_link(app, user, "new@example.com", now_utc() - timedelta(minutes=119))
    assert client.get(link).status_code == 302
    assert stored(app, user.id).email == "new@example.com"


def test_email_change_link_of_another_account_is_refused(app, client, auth, make_user):
    owner, other = make_user(email="owner@example.com"), make_user(email="other@example.com")
    link = change_link(app, owner, "new@example.com")
    auth.login(other.email)
    response = client.get(link)
    assert response.status_code == 403
    assert stored(app, owner.id).email == "owner@example.com"
    assert stored(app, other.id).email == "other@example.com"


@pytest.mark.parametrize("salt", [signing.VERIFY_EMAIL_SALT, signing.RESET_PASSWORD_SALT])
def test_email_change_link_signed_for_another_purpose_is_refused(app, client, make_user, salt):
    user = make_user(email="old@example.com")
    payload = {"u": user.id, "e": "new@example.com", "o": "old@example.com"}
    token = signing.sign_account(payload, salt, KEYS, now_utc())
    assert client.get(f"/account/email/{token}").status_code == 400
    assert stored(app, user.id).email == "old@example.com"


def test_email_change_links_that_fail_are_rate_limited_per_account(app, client, make_user):
    user = make_user(email="old@example.com")
    stale = change_link(app, user, "new@example.com", now_utc() - timedelta(hours=3))
    for n in range(3):
        assert client.get(stale, environ_base={"REMOTE_ADDR": f"10.1.0.{n + 1}"}).status_code == 410
    fresh = change_link(app, user, "new@example.com")
    assert client.get(fresh, environ_base={"REMOTE_ADDR": "10.1.1.1"}).status_code == 429
    assert stored(app, user.id).email == "old@example.com"


def test_email_change_in_danish(app, client, auth, make_user, smtp_server):
    user = make_user()
    auth.login(user.email)
    page = client.get("/account/email", headers={"Accept-Language": "da"})
    assert "Skift e-mailadresse" in page.get_data(as_text=True)
    data = {
        "email": "ny@example.com",
        "current_password": PASSWORD,
        "csrf_token": csrf_token(client, "/account/email"),
    }
    client.post("/account/email", data=data, headers={"Accept-Language": "da"})
    assert smtp_server.last("ny@example.com")["Subject"] == "Bekræft din nye e-mailadresse"
    assert "2 timer" in text_of(smtp_server.last("ny@example.com"))
