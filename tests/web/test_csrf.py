"""CSRF on every state change (E1-E3): forms and fetch, tokens missing or from another session."""

import pytest
from sqlalchemy import select

from newsroom.extensions import db
from newsroom.models import Gift, User
from tests.helpers import PASSWORD, csrf_token, rows


@pytest.fixture(params=["missing", "foreign"])
def bad_token(request, app) -> dict:
    """No token at all, or a valid token that belongs to someone else's session."""
    if request.param == "missing":
        return {}
    return {"csrf_token": csrf_token(app.test_client())}


def give(auth, slug: str) -> int:
    response = auth.post(f"/articles/{slug}/gift", json=True)
    assert response.status_code == 201
    return response.get_json()


def only_gift(app) -> Gift:
    with app.app_context():
        return db.session.scalar(select(Gift))


def test_register_without_valid_csrf_token_is_400_and_creates_no_account(app, bad_token):
    client = app.test_client()
    data = {"email": "csrf@example.com", "name": "Csrf Reader", "password": PASSWORD}
    response = client.post("/register", data={**data, **bad_token})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "csrf@example.com")) is None


def test_login_without_valid_csrf_token_is_400_and_logs_nobody_in(
    app, client, make_user, bad_token
):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, **bad_token})
    assert response.status_code == 400
    assert client.get("/account").status_code == 302


def test_gift_without_valid_csrf_token_is_400_and_gives_nothing(
    app, client, subscriber, subscriber_client, make_article, bad_token
):
    article = make_article()
    response = client.post(f"/articles/{article.slug}/gift", data=bad_token)
    assert response.status_code == 400
    assert rows(app, Gift) == 0


def test_gift_fetch_with_foreign_csrf_header_is_400_json_and_gives_nothing(
    app, client, subscriber, subscriber_client, make_article
):
    article = make_article()
    foreign = csrf_token(app.test_client())
    response = client.post(
        f"/articles/{article.slug}/gift",
        headers={"Accept": "application/json", "X-CSRFToken": foreign},
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == "csrf_failed"
    assert rows(app, Gift) == 0


def test_revoke_without_valid_csrf_token_is_400_and_keeps_the_gift(
    app, client, auth, subscriber, subscriber_client, make_article, bad_token
):
    give(auth, make_article().slug)
    gift = only_gift(app)
    response = client.post(f"/gifts/{gift.id}/revoke", data=bad_token)
    assert response.status_code == 400
    assert only_gift(app).revoked_at is None


def test_logout_without_valid_csrf_token_is_400_and_stays_logged_in(
    client, subscriber, subscriber_client, bad_token
):
    response = client.post("/logout", data=bad_token)
    assert response.status_code == 400
    assert client.get("/account").status_code == 200


def test_password_change_without_valid_csrf_token_is_400_and_keeps_password(
    app, client, auth, subscriber, subscriber_client, bad_token
):
    data = {"current_password": PASSWORD, "new_password": "Another-pass-99", **bad_token}
    assert client.post("/account", data=data).status_code == 400
    auth.logout()
    assert auth.login(subscriber.email, PASSWORD).status_code == 302


def test_gift_fetch_with_csrf_header_from_meta_tag_is_accepted(
    app, client, subscriber, subscriber_client, make_article
):
    article = make_article()
    response = client.post(
        f"/articles/{article.slug}/gift",
        headers={"Accept": "application/json", "X-CSRFToken": csrf_token(client)},
    )
    assert response.status_code == 201
    assert rows(app, Gift) == 1


def test_revoke_fetch_with_csrf_header_from_meta_tag_is_accepted(
    app, client, auth, subscriber, subscriber_client, make_article
):
    give(auth, make_article().slug)
    gift = only_gift(app)
    response = auth.post(f"/gifts/{gift.id}/revoke", json=True)
    assert response.get_json() == {"revoked": True, "id": gift.id}
    assert only_gift(app).revoked_at is not None


def test_logout_over_get_is_405_and_stays_logged_in(client, subscriber, subscriber_client):
    assert client.get("/logout").status_code == 405
    assert client.get("/account").status_code == 200


def test_gift_over_get_only_shows_the_gift_page_and_gives_nothing(
    app, client, subscriber, subscriber_client, make_article
):
    article = make_article()
    response = client.get(f"/articles/{article.slug}/gift")
    assert response.status_code == 200
    assert "Create gift link" in response.get_data(as_text=True)
    assert rows(app, Gift) == 0


def test_revoke_over_get_is_405_and_keeps_the_gift(
    app, client, auth, subscriber, subscriber_client, make_article
):
    give(auth, make_article().slug)
    gift = only_gift(app)
    assert client.get(f"/gifts/{gift.id}/revoke").status_code == 405
    assert only_gift(app).revoked_at is None


def test_method_not_allowed_answers_json_when_asked(client):
    response = client.get("/logout", headers={"Accept": "application/json"})
    assert response.status_code == 405
    assert response.get_json()["error"] == "method_not_allowed"
