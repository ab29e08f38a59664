"""Forgot password / reset: the same answer for every address, a 60-minute single-use link
bound to the current password, every session ended, never a log-in by itself."""

from datetime import timedelta

import pytest
from flask import template_rendered

from newsroom.accounts import account_links
from newsroom.core import signing
from newsroom.extensions import db
from newsroom.models import OutboxMail, User
from tests.helpers import PASSWORD, csrf_token, now_utc
from tests.mailbox import html_of, link_in, text_of

KEYS = ["test-secret-key-that-is-long-enough-000"]
NEW_PASSWORD = "Another-passw0rd"


@pytest.fixture
def app_config(smtp_server):
    return {
        **smtp_server.app_config,
        "PASSWORD_FORGOT_LIMIT_PER_ADDRESS": "3 per hour",
        "PASSWORD_FORGOT_LIMIT_PER_CLIENT": "6 per hour",
        "CREDENTIAL_LIMIT_PER_ACCOUNT": "3 per minute",
        "CREDENTIAL_LIMIT_PER_CLIENT": "5 per minute",
    }


def forgot(client, email: str, **kwargs):
    data = {"email": email, "csrf_token": csrf_token(client, "/password/forgot")}
    return client.post("/password/forgot", data=data, **kwargs)


def reset(client, link: str, password: str = NEW_PASSWORD, **kwargs):
    data = {"password": password, "csrf_token": csrf_token(client, link)}
    return client.post(link, data=data, **kwargs)


def stored(app, user_id: int) -> User:
    with app.app_context():
        return db.session.get(User, user_id)


def reset_link(app, user: User, issued_at=None) -> str:
    with app.app_context():
        fresh = db.session.get(User, user.id)
        token = account_links.reset_token(fresh, KEYS, issued_at or now_utc())
    return f"/password/reset/{token}"


def main_of(response) -> str:
    """The page's own content (the header and meta tags carry per-session tokens)."""
    html = response.get_data(as_text=True)
    return html[html.index("<main") : html.index("</main>")]


def can_log_in(app, email: str, password: str) -> bool:
    other = app.test_client()
    data = {"email": email, "password": password, "csrf_token": csrf_token(other, "/login")}
    return other.post("/login", data=data).status_code == 302


def test_forgot_link_in_the_mail_sets_a_new_password(app, client, make_user, smtp_server):
    user = make_user()
    response = forgot(client, user.email)
    assert response.status_code == 200
    assert "If an account exists for" in response.get_data(as_text=True)
    mail = smtp_server.last(user.email)
    assert "60 minutes" in text_of(mail)
    link = link_in(mail)
    form = client.get(link)
    assert form.status_code == 200
    assert 'name="password"' in form.get_data(as_text=True)
    done = reset(client, link)
    assert done.status_code == 302
    assert done.location == "/login"
    assert can_log_in(app, user.email, NEW_PASSWORD)
    assert not can_log_in(app, user.email, PASSWORD)


def test_reset_never_logs_in_by_itself(app, client, make_user, smtp_server):
    user = make_user()
    forgot(client, user.email)
    reset(client, link_in(smtp_server.last(user.email)))
    response = client.get("/account")
    assert response.status_code == 302
    assert "/login" in response.location


def test_reset_ends_every_other_session(app, client, auth, make_user, smtp_server):
    user = make_user()
    phone = app.test_client()
    data = {"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(phone, "/login")}
    assert phone.post("/login", data=data).status_code == 302
    assert phone.get("/account").status_code == 200
    auth.login(user.email)  # this browser too: the link logs it out as well
    forgot(client, user.email)
    reset(client, link_in(smtp_server.last(user.email)))
    assert phone.get("/account").status_code == 302
    assert client.get("/account").status_code == 302


def test_reset_sends_a_password_changed_notice(app, client, make_user, smtp_server):
    user = make_user()
    forgot(client, user.email)
    reset(client, link_in(smtp_server.last(user.email)))
    notice = smtp_server.last(user.email)
    assert notice["Subject"] == "Your password was changed"
    assert "was just changed" in text_of(notice)
    assert link_in(notice) == "/password/forgot"


def test_reset_confirms_the_address_it_reached(app, client, make_user, smtp_server):
    user = make_user()
    forgot(client, user.email)
    reset(client, link_in(smtp_server.last(user.email)))
    assert stored(app, user.id).is_verified


def test_forgot_unknown_address_same_answer_and_no_link(app, client, make_user, smtp_server):
    known = make_user(email="known@example.com")
    first = forgot(client, known.email)
    second = forgot(app.test_client(), "nobody@example.com")
    assert first.status_code == second.status_code == 200
    known_page = main_of(first).replace("known@example.com", "ADDRESS")
    unknown_page = main_of(second).replace("nobody@example.com", "ADDRESS")
    assert "ADDRESS" in known_page
    assert known_page == unknown_page
    notice = smtp_server.last("nobody@example.com")
    assert "no account uses this address" in text_of(notice)
    assert "/password/reset/" not in text_of(notice) + html_of(notice)
    assert link_in(notice) == "/password/forgot"


def test_forgot_unknown_address_notice_is_in_the_readers_language(app, smtp_server):
    client = app.test_client()
    forgot(client, "ingen@example.com", headers={"Accept-Language": "da"})
    notice = smtp_server.last("ingen@example.com")
    assert "ingen konto bruger denne adresse" in text_of(notice)


def test_forgot_does_the_same_work_for_an_unknown_address(app, make_user):
    """H3 for reset: one mail is rendered, its link signed and one mail queued whether or not
    the address has an account; only which mail differs, and delivery follows the response."""
    known = make_user(email="known@example.com")
    for address, mail in (
        (known.email, "reset_password"),
        ("nobody@example.com", "reset_no_account"),
    ):
        rendered: list[str] = []

        def record(sender, template, context, rendered=rendered, **extra):
            rendered.append(template.name)

        client = app.test_client()
        token = csrf_token(client, "/password/forgot")
        with template_rendered.connected_to(record, app):
            client.post("/password/forgot", data={"email": address, "csrf_token": token})
        assert rendered == [f"mail/{mail}.txt", f"mail/{mail}.html", "password/forgot_sent.html"]
        with app.app_context():
            queued = db.session.scalars(
                db.select(OutboxMail).where(OutboxMail.recipient == address)
            ).all()
            assert [row.kind for row in queued] == [mail]


def test_forgot_address_is_matched_without_case_or_spaces(client, make_user, smtp_server):
    user = make_user(email="case@example.com")
    assert forgot(client, "  Case@Example.COM ").status_code == 200
    assert smtp_server.last(user.email)


def test_forgot_without_an_address_is_a_form_error(client, smtp_server):
    data = {"email": "", "csrf_token": csrf_token(client, "/password/forgot")}
    response = client.post("/password/forgot", data=data)
    assert response.status_code == 400
    assert "This field is required." in response.get_data(as_text=True)
    assert smtp_server.messages == []


def test_forgot_without_csrf_sends_nothing(client, make_user, smtp_server):
    user = make_user()
    assert client.post("/password/forgot", data={"email": user.email}).status_code == 400
    assert smtp_server.to(user.email) == []


def test_forgot_is_rate_limited_per_address(app, client, make_user, smtp_server):
    user = make_user()
    for n in range(3):
        address = {"REMOTE_ADDR": f"10.0.3.{n + 1}"}
        assert forgot(app.test_client(), user.email, environ_base=address).status_code == 200
    limited = forgot(app.test_client(), user.email, environ_base={"REMOTE_ADDR": "10.0.3.9"})
    assert limited.status_code == 429
    assert len(smtp_server.to(user.email)) == 3


def test_forgot_is_rate_limited_per_client(app, client, make_user, smtp_server):
    for n in range(6):
        assert forgot(client, f"someone{n}@example.com").status_code == 200
    user = make_user()
    assert forgot(client, user.email).status_code == 429
    assert smtp_server.to(user.email) == []
    elsewhere = forgot(app.test_client(), user.email, environ_base={"REMOTE_ADDR": "10.0.4.1"})
    assert elsewhere.status_code == 200


def test_forgot_limit_is_the_same_for_unknown_addresses(app, client):
    for n in range(3):
        address = {"REMOTE_ADDR": f"10.0.5.{n + 1}"}
        forgot(app.test_client(), "nobody@example.com", environ_base=address)
    limited = forgot(
        app.test_client(), "nobody@example.com", environ_base={"REMOTE_ADDR": "10.9.9.9"}
    )
    assert limited.status_code == 429


def test_reset_link_used_twice_is_refused_and_changes_nothing(app, client, make_user, smtp_server):
    user = make_user()
    forgot(client, user.email)
    link = link_in(smtp_server.last(user.email))
    reset(client, link)
    again = reset(app.test_client(), link, password="Third-passw0rd!")
    assert again.status_code == 400
    assert "not valid" in again.get_data(as_text=True)
    assert can_log_in(app, user.email, NEW_PASSWORD)
    assert not can_log_in(app, user.email, "Third-passw0rd!")


def test_reset_link_after_60_minutes_is_expired(app, client, make_user):
    user = make_user()
    link = reset_link(app, user, now_utc() - timedelta(minutes=60, seconds=1))
    assert client.get(link).status_code == 410
    response = reset(app.test_client(), link)
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)
    assert can_log_in(app, user.email, PASSWORD)


def test_reset_link_just_inside_60_minutes_works(app, client, make_user):
    user = make_user()
    link = reset_link(app, user, now_utc() - timedelta(minutes=59))
    assert reset(client, link).status_code == 302
    assert can_log_in(app, user.email, NEW_PASSWORD)


def test_reset_link_dies_when_the_password_changes_in_between(app, client, auth, make_user):
    user = make_user()
    link = reset_link(app, user)
    auth.login(user.email)
    changed = auth.client.post(
        "/account",
        data={
            "current_password": PASSWORD,
            "new_password": "Changed-passw0rd",
            "csrf_token": csrf_token(client, "/account"),
        },
    )
    assert changed.status_code == 302
    stranger = app.test_client()
    assert stranger.get(link).status_code == 400
    assert reset(stranger, link).status_code == 400
    assert can_log_in(app, user.email, "Changed-passw0rd")


def test_a_newer_reset_link_is_refused_once_an_older_one_was_used(app, client, make_user):
    user = make_user()
    first, second = reset_link(app, user), reset_link(app, user, now_utc() - timedelta(seconds=5))
    assert reset(client, first).status_code == 302
    assert reset(app.test_client(), second, password="Third-passw0rd!").status_code == 400
    assert can_log_in(app, user.email, NEW_PASSWORD)


def test_reset_link_of_another_account_is_refused_and_changes_nothing(app, client, auth, make_user):
    owner, other = make_user(), make_user()
    link = reset_link(app, owner)
    auth.login(other.email)
    response = reset(client, link)
    assert response.status_code == 403
    assert "another account" in response.get_data(as_text=True)
    assert can_log_in(app, owner.email, PASSWORD)
    assert can_log_in(app, other.email, PASSWORD)


def test_reset_with_a_weak_password_keeps_the_link_working(app, client, make_user):
    user = make_user()
    link = reset_link(app, user)
    weak = reset(client, link, password="short")
    assert weak.status_code == 400
    assert "at least" in weak.get_data(as_text=True)
    assert can_log_in(app, user.email, PASSWORD)
    assert reset(client, link).status_code == 302


def test_reset_without_csrf_changes_nothing(app, client, make_user):
    user = make_user()
    link = reset_link(app, user)
    assert client.post(link, data={"password": NEW_PASSWORD}).status_code == 400
    assert can_log_in(app, user.email, PASSWORD)


@pytest.mark.parametrize("salt", [signing.VERIFY_EMAIL_SALT, signing.CHANGE_EMAIL_SALT])
def test_reset_link_signed_for_another_purpose_is_refused(app, client, make_user, salt):
    user = make_user()
    with app.app_context():
        fingerprint = account_links.password_fingerprint(db.session.get(User, user.id))
    token = signing.sign_account({"u": user.id, "p": fingerprint}, salt, KEYS, now_utc())
    assert reset(client, f"/password/reset/{token}").status_code == 400
    assert can_log_in(app, user.email, PASSWORD)


@pytest.mark.parametrize("token", ["x", "a.b.c", "é" * 10, "A" * 300])
def test_reset_link_garbage_is_refused(client, token):
    assert client.get(f"/password/reset/{token}").status_code == 400


def test_reset_links_that_fail_are_rate_limited_per_account(app, client, make_user):
    user = make_user()
    stale = reset_link(app, user, now_utc() - timedelta(hours=2))
    for n in range(3):
        address = {"REMOTE_ADDR": f"10.0.6.{n + 1}"}
        assert client.get(stale, environ_base=address).status_code == 410
    fresh = reset_link(app, user)
    limited = reset(app.test_client(), fresh, environ_base={"REMOTE_ADDR": "10.0.7.1"})
    assert limited.status_code == 429
    assert can_log_in(app, user.email, PASSWORD)


def test_reset_links_that_fail_are_rate_limited_per_client(app, client, make_user):
    for n in range(5):
        assert client.get(f"/password/reset/bad-{n}").status_code == 400
    good = reset_link(app, make_user())
    assert client.get(good).status_code == 429
    assert app.test_client().get(good, environ_base={"REMOTE_ADDR": "10.0.8.1"}).status_code == 200


def test_login_page_links_to_forgot_password(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in page


def test_forgot_page_in_danish(client):
    page = client.get("/password/forgot", headers={"Accept-Language": "da"})
    assert "Glemt din adgangskode?" in page.get_data(as_text=True)


def test_reset_mail_in_danish(client, make_user, smtp_server):
    user = make_user()
    data = {"email": user.email, "csrf_token": csrf_token(client, "/password/forgot")}
    client.post("/password/forgot", data=data, headers={"Accept-Language": "da"})
    mail = smtp_server.last(user.email)
    assert mail["Subject"] == "Vælg en ny adgangskode"
    assert "60 minutter" in text_of(mail)


def test_reset_link_command_prints_a_link_that_works(app, runner, client, make_user):
    user = make_user()
    result = runner.invoke(args=["newsroom", "reset-link", user.email.upper()])
    assert result.exit_code == 0, result.output
    url = result.output.strip().splitlines()[-1]
    assert url.startswith("http://newsroom.test/password/reset/")
    assert reset(client, url.removeprefix("http://newsroom.test")).status_code == 302
    assert can_log_in(app, user.email, NEW_PASSWORD)


def test_reset_link_command_for_an_unknown_address_fails(runner):
    result = runner.invoke(args=["newsroom", "reset-link", "nobody@example.com"])
    assert result.exit_code != 0
    assert "No account" in result.output


def test_reset_mail_waits_out_an_smtp_outage_and_its_link_works(
    app, client, runner, make_user, smtp_server
):
    """J1 for reset: the server is down when the mail is due; the request still answers, the
    mail waits in the outbox, arrives once the server is back, and is never sent twice."""
    user = make_user()
    smtp_server.stop()
    assert forgot(client, user.email).status_code == 200
    assert "0 sent, 1 to retry" in runner.invoke(args=["newsroom", "mail-worker", "--once"]).output
    smtp_server.start()
    assert "1 sent" in runner.invoke(args=["newsroom", "mail-worker", "--once"]).output
    assert "0 sent" in runner.invoke(args=["newsroom", "mail-worker", "--once"]).output
    [mail] = smtp_server.to(user.email)
    assert reset(client, link_in(mail)).status_code == 302
    assert can_log_in(app, user.email, NEW_PASSWORD)
