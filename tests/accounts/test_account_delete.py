"""Deleting an account (password again; personal data gone, sessions ended, gifts given keep
opening without a name, counts kept anonymously) and exporting what the site keeps."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from newsroom.extensions import db
from newsroom.models import (
    ArticleRead,
    Gift,
    GiftOpen,
    GiftOutcome,
    OutboxMail,
    ReadingListItem,
    Subscription,
    User,
)
from tests.helpers import (
    BROWSER,
    PASSWORD,
    SENTINEL,
    csrf_token,
    give,
    local_path,
    now_utc,
    open_as,
)


@pytest.fixture
def app_config(smtp_server):
    return {
        **smtp_server.app_config,
        "CREDENTIAL_LIMIT_PER_ACCOUNT": "3 per minute",
        "CREDENTIAL_LIMIT_PER_CLIENT": "5 per minute",
    }


def delete(client, password: str = PASSWORD, **kwargs):
    data = {"current_password": password, "csrf_token": csrf_token(client, "/account/delete")}
    return client.post("/account/delete", data=data, **kwargs)


def stored(app, user_id: int) -> User:
    with app.app_context():
        return db.session.get(User, user_id)


def count(app, column, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(column)).where(*where))


def can_log_in(app, email: str, password: str = PASSWORD) -> bool:
    other = app.test_client()
    data = {"email": email, "password": password, "csrf_token": csrf_token(other, "/login")}
    return other.post("/login", data=data).status_code == 302


def register(client, email: str):
    data = {"email": email, "name": "Ida Berg", "password": PASSWORD}
    data["csrf_token"] = csrf_token(client, "/register")
    return client.post("/register", data=data, headers={"User-Agent": BROWSER})


@pytest.fixture
def reader(app, make_user, make_article, auth):
    """A Digital+ reader with a reading list, a reading history and a gift given."""
    user = make_user(email="leaving@example.com", name="Karen Holm", digital_plus=True)
    auth.login(user.email)
    saved, read, given = make_article(), make_article(), make_article()
    assert auth.post(f"/reading-list/{saved.slug}", json=True).status_code in (200, 201)
    assert auth.client.get(f"/articles/{read.slug}").status_code == 200
    link = local_path(give(auth, given, note="From Karen, with love").get_json()["url"])
    user.link = link
    user.given = given
    return user


def test_delete_removes_personal_data_and_logs_out(app, client, auth, reader):
    assert count(app, ReadingListItem.id, ReadingListItem.user_id == reader.id) == 1
    assert count(app, ArticleRead.article_id, ArticleRead.user_id == reader.id) >= 1
    response = delete(client)
    assert response.status_code == 302
    assert response.location == "/"
    gone = stored(app, reader.id)
    assert gone.deleted_at is not None
    assert gone.name == ""
    assert "leaving@example.com" not in gone.email
    assert "Karen" not in json.dumps({"n": gone.name, "e": gone.email})
    assert count(app, ReadingListItem.id, ReadingListItem.user_id == reader.id) == 0
    assert count(app, ArticleRead.article_id, ArticleRead.user_id == reader.id) == 0
    assert client.get("/account").status_code == 302
    assert not can_log_in(app, "leaving@example.com")


def test_delete_ends_every_other_session(app, client, auth, reader):
    phone = app.test_client()
    data = {"email": reader.email, "password": PASSWORD, "csrf_token": csrf_token(phone, "/login")}
    assert phone.post("/login", data=data).status_code == 302
    delete(client)
    assert phone.get("/account").status_code == 302


def test_delete_stops_digital_plus(app, client, auth, reader):
    assert delete(client).status_code == 302
    with app.app_context():
        query = select(Subscription).where(Subscription.user_id == reader.id)
        periods = db.session.scalars(query).all()
    assert periods, "the reader had a Digital+ period to stop"
    assert all(p.cancelled_at is not None for p in periods)


def test_gift_given_keeps_opening_without_the_giver(app, client, auth, reader):
    recipient = app.test_client()
    assert "Karen gave you this article" in open_as(recipient, reader.link).get_data(as_text=True)
    delete(client)
    page = open_as(app.test_client(), reader.link).get_data(as_text=True)
    assert SENTINEL in page
    assert "Karen" not in page
    assert "From Karen" not in page
    assert "A reader gave you this article" in page


def test_gift_counts_are_kept_anonymously(app, client, auth, reader):
    newcomer = app.test_client()
    open_as(newcomer, reader.link)
    register(newcomer, "newcomer@example.com")
    opens_before = count(app, GiftOpen.id)
    delete(client)
    assert count(app, GiftOpen.id) == opens_before
    assert count(app, GiftOutcome.id) == 1
    with app.app_context():
        assert db.session.scalar(select(Gift.open_count)) == 1


def test_delete_of_a_recipient_keeps_the_givers_counts(app, client, auth, reader):
    newcomer = app.test_client()
    open_as(newcomer, reader.link)
    register(newcomer, "newcomer@example.com")
    newcomer_id = stored_id(app, "newcomer@example.com")
    delete(newcomer)
    assert stored(app, newcomer_id).deleted_at is not None
    assert count(app, GiftOpen.id, GiftOpen.user_id == newcomer_id) == 0
    assert count(app, GiftOpen.id) == 1
    assert count(app, GiftOutcome.id) == 1
    mine = client.get("/gifts", headers={"Accept": "application/json"}).get_json()
    assert mine["gifts"][0]["opens"] == 1
    assert mine["gifts"][0]["signups"] == 1


def stored_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def test_delete_frees_the_address_for_a_new_account(app, client, auth, reader):
    delete(client)
    assert register(app.test_client(), "leaving@example.com").status_code == 302
    assert can_log_in(app, "leaving@example.com")


def test_delete_forgets_mail_to_the_address(app, client, auth, reader, smtp_server):
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count(OutboxMail.id)).where(OutboxMail.recipient == reader.email)
            )
            == 0
        )  # made by the factory: no mail yet
    auth.post("/account/verify", data={})
    assert count(app, OutboxMail.id, OutboxMail.recipient == reader.email) == 1
    delete(client)
    assert count(app, OutboxMail.id, OutboxMail.recipient == reader.email) == 0


def test_delete_with_the_wrong_password_changes_nothing(app, client, auth, reader):
    response = delete(client, password="not-my-password")
    assert response.status_code == 400
    assert "That is not your current password." in response.get_data(as_text=True)
    assert stored(app, reader.id).deleted_at is None
    assert client.get("/account").status_code == 200


def test_delete_wrong_passwords_are_rate_limited(app, client, auth, reader):
    for _ in range(3):
        assert delete(client, password="wrong").status_code == 400
    assert delete(client).status_code == 429
    assert stored(app, reader.id).deleted_at is None


def test_delete_without_csrf_changes_nothing(app, client, auth, reader):
    response = client.post("/account/delete", data={"current_password": PASSWORD})
    assert response.status_code == 400
    assert stored(app, reader.id).deleted_at is None


def test_delete_needs_a_login(client):
    response = client.get("/account/delete")
    assert response.status_code == 302
    assert "/login" in response.location


def test_delete_page_in_danish(client, auth, reader):
    page = client.get("/account/delete", headers={"Accept-Language": "da"})
    assert "Slet konto" in page.get_data(as_text=True)


def test_users_delete_command(app, runner, reader):
    result = runner.invoke(args=["newsroom", "users", "delete", "LEAVING@example.com", "--yes"])
    assert result.exit_code == 0, result.output
    assert stored(app, reader.id).deleted_at is not None
    assert count(app, ReadingListItem.id, ReadingListItem.user_id == reader.id) == 0


def test_users_delete_command_asks_first(app, runner, reader):
    result = runner.invoke(args=["newsroom", "users", "delete", reader.email], input="n\n")
    assert result.exit_code != 0
    assert stored(app, reader.id).deleted_at is None


def test_users_delete_command_unknown_address(runner):
    result = runner.invoke(args=["newsroom", "users", "delete", "nobody@example.com", "--yes"])
    assert result.exit_code != 0
    assert "No account" in result.output


# Export


def test_export_is_one_json_file_of_everything_kept(app, client, auth, reader):
    response = client.get("/account/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.get_json()
    assert data["profile"]["email"] == "leaving@example.com"
    assert data["profile"]["name"] == "Karen Holm"
    assert len(data["digital_plus_periods"]) == 1
    assert data["gifts"][0]["article"] == reader.given.slug
    assert data["gifts"][0]["note"] == "From Karen, with love"
    assert len(data["reading_list"]) == 1
    assert len(data["reading_history"]) >= 1


def test_export_holds_only_the_readers_own_data(app, client, auth, reader, make_user):
    other = make_user(email="other@example.com", name="Someone Else")
    auth.logout()
    auth.login(other.email)
    data = client.get("/account/export").get_json()
    assert data["profile"]["email"] == "other@example.com"
    assert data["gifts"] == data["reading_list"] == data["reading_history"] == []
    assert "leaving@example.com" not in json.dumps(data)


def test_export_needs_a_login(client):
    response = client.get("/account/export")
    assert response.status_code == 302
    assert "/login" in response.location


def test_export_is_never_cached(client, auth, reader):
    response = client.get("/account/export")
    assert "no-store" in response.headers["Cache-Control"]


def test_export_periods_carry_their_dates(app, client, auth, make_user):
    starts = now_utc() - timedelta(days=3)
    user = make_user(period=(starts, starts + timedelta(days=30)))
    auth.login(user.email)
    period = client.get("/account/export").get_json()["digital_plus_periods"][0]
    assert period["starts_at"].startswith(starts.date().isoformat())
    assert period["cancelled_at"] is None


def test_privacy_page_leads_to_export_and_delete(client):
    page = client.get("/privacy").get_data(as_text=True)
    assert 'href="/account/export"' in page
    assert 'href="/account/delete"' in page
    danish = client.get("/privacy", headers={"Accept-Language": "da"}).get_data(as_text=True)
    assert "Med en konto kan du hente alt" in danish
