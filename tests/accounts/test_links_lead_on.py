"""Account links lead on: the confirmation link returns the reader to the page they signed
up from (in this browser, or through logging in in another), and a link that no longer
works says why and offers the next step, in English and Danish."""

from datetime import timedelta

import pytest

from newsroom.accounts import account_links
from newsroom.extensions import db
from newsroom.models import User
from tests.helpers import PASSWORD, csrf_token, now_utc
from tests.mailbox import link_in

KEYS = ["test-secret-key-that-is-long-enough-000"]
OFFER = "/digital-plus?next=/articles/a-locked-piece"
OFFER_IN_QUERY = "/digital-plus?next%3D/articles/a-locked-piece"  # as url_for writes it


@pytest.fixture
def app_config(smtp_server):
    return smtp_server.app_config


def register(client, email="new@example.com", next_url=OFFER, language="en"):
    data = {"email": email, "name": "Ida Holm", "password": PASSWORD, "next": next_url}
    data["csrf_token"] = csrf_token(client, "/register")
    return client.post("/register", data=data, headers={"Accept-Language": language})


def stored(app, email: str) -> User:
    with app.app_context():
        return db.session.scalar(db.select(User).where(User.email == email))


def main_of(response) -> str:
    html = response.get_data(as_text=True)
    return html[html.index("<main") :]


def test_confirmation_link_returns_to_the_page_signed_up_from(app, client, smtp_server):
    assert register(client).location == OFFER
    link = link_in(smtp_server.last("new@example.com"))
    assert link.endswith("?next=" + OFFER_IN_QUERY)
    response = client.get(link)
    assert response.status_code == 302
    assert response.location == OFFER
    assert stored(app, "new@example.com").is_verified
    assert "your e-mail address is confirmed" in client.get(OFFER).get_data(as_text=True)


def test_confirmation_link_in_another_browser_logs_in_then_returns(app, client, smtp_server):
    register(client)
    link = link_in(smtp_server.last("new@example.com"))
    phone = app.test_client()
    response = phone.get(link)
    assert response.status_code == 302
    assert response.location == "/login?next=" + OFFER_IN_QUERY
    assert stored(app, "new@example.com").is_verified
    token = csrf_token(phone, "/login")
    logged_in = phone.post(
        "/login",
        data={"email": "new@example.com", "password": PASSWORD, "next": OFFER, "csrf_token": token},
    )
    assert logged_in.location == OFFER


def test_confirmation_link_opened_twice_says_so_and_offers_to_log_in(app, client, smtp_server):
    register(client)
    link = link_in(smtp_server.last("new@example.com"))
    app.test_client().get(link)
    again = app.test_client().get(link)
    assert again.status_code == 409
    page = main_of(again)
    assert "already confirmed" in page
    assert 'data-link-next-step="link"' in page
    assert f'href="/login?next={OFFER_IN_QUERY}"' in page
    assert ">Log in<" in page


def test_confirmation_link_opened_twice_while_logged_in_continues_there(client, smtp_server):
    register(client)
    link = link_in(smtp_server.last("new@example.com"))
    client.get(link)
    page = main_of(client.get(link))
    assert f'href="{OFFER}"' in page and ">Continue<" in page


def test_confirmation_link_opened_twice_in_danish(app, client, smtp_server):
    register(client, language="da")
    link = link_in(smtp_server.last("new@example.com"))
    app.test_client().get(link)
    page = main_of(app.test_client().get(link, headers={"Accept-Language": "da"}))
    assert ">Log ind<" in page


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x"]
)
def test_confirmation_link_never_leaves_the_site(app, client, make_user, target):
    user = make_user()
    token = account_links.verification_token(user, KEYS, now_utc())
    response = app.test_client().get(f"/account/verify/{token}", query_string={"next": target})
    assert response.status_code == 302
    assert response.location == "/login"
    assert stored(app, user.email).is_verified


def test_sign_up_with_an_outside_address_sends_a_link_without_it(client, smtp_server):
    register(client, next_url="https://evil.example/")
    link = link_in(smtp_server.last("new@example.com"))
    assert "next=" not in link and "evil" not in link


def test_send_again_from_the_banner_keeps_the_page(app, client, auth, make_user, smtp_server):
    user = make_user()
    auth.login(user.email)
    page = client.get(OFFER).get_data(as_text=True)
    assert f'name="next" value="{OFFER}"' in page
    response = auth.post("/account/verify", data={"next": OFFER})
    assert response.location == OFFER
    link = link_in(smtp_server.last(user.email))
    assert client.get(link).location == OFFER


def test_expired_confirmation_for_a_logged_in_reader_offers_to_send_it_again(
    client, auth, make_user
):
    user = make_user()
    auth.login(user.email)
    token = account_links.verification_token(user, KEYS, now_utc() - timedelta(days=2))
    response = client.get(f"/account/verify/{token}?next=/articles/x")
    assert response.status_code == 410
    page = main_of(response)
    assert 'data-link-next-step="resend"' in page
    assert 'action="/account/verify"' in page and 'name="next" value="/articles/x"' in page
    assert "Send the confirmation again" in page
    assert 'class="verify-banner"' not in page  # the page's button says it: once


def test_expired_confirmation_for_a_stranger_offers_to_log_in_to_send_it(client, make_user):
    user = make_user()
    token = account_links.verification_token(user, KEYS, now_utc() - timedelta(days=2))
    page = main_of(client.get(f"/account/verify/{token}"))
    assert "Log in to send the confirmation again" in page
    assert 'href="/login?next=/account"' in page


def test_used_reset_link_offers_a_new_one(app, client, make_user, smtp_server):
    user = make_user()
    token = csrf_token(client, "/password/forgot")
    client.post("/password/forgot", data={"email": user.email, "csrf_token": token})
    link = link_in(smtp_server.last(user.email))
    token = csrf_token(client, link)
    client.post(link, data={"password": "Another-passw0rd", "csrf_token": token})
    for language, label in (("en", "Request a new link"), ("da", "Bed om et nyt link")):
        again = client.get(link, headers={"Accept-Language": language})
        assert again.status_code == 400
        page = main_of(again)
        assert 'href="/password/forgot"' in page and label in page


def test_expired_reset_link_offers_a_new_one(client, make_user):
    user = make_user()
    with client.application.app_context():
        stale = account_links.reset_token(user, KEYS, now_utc() - timedelta(hours=2))
    response = client.get(f"/password/reset/{stale}")
    assert response.status_code == 410
    assert "Request a new link" in main_of(response)


def test_dead_email_change_link_leads_to_the_change_page(app, client, auth, make_user):
    user = make_user()
    stale = account_links.email_change_token(
        user, "moved@example.com", KEYS, now_utc() - timedelta(hours=3)
    )
    page = main_of(app.test_client().get(f"/account/email/{stale}"))
    assert 'href="/login?next=/account/email"' in page and ">Log in<" in page
    auth.login(user.email)
    page = main_of(client.get(f"/account/email/{stale}"))
    assert 'href="/account/email"' in page and "Change e-mail address" in page


def test_link_of_another_account_offers_to_log_out(client, auth, make_user):
    owner, other = make_user(), make_user()
    auth.login(other.email)
    token = account_links.verification_token(owner, KEYS, now_utc())
    response = client.get(f"/account/verify/{token}")
    assert response.status_code == 403
    page = main_of(response)
    assert 'data-link-next-step="logout"' in page and 'action="/logout"' in page


def test_refused_link_answers_json_when_asked(client, make_user):
    user = make_user()
    token = account_links.verification_token(user, KEYS, now_utc() - timedelta(days=2))
    response = client.get(f"/account/verify/{token}", headers={"Accept": "application/json"})
    assert response.status_code == 410
    assert response.get_json()["error"] == "expired_link"
