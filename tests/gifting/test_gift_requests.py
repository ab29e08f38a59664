"""A recipient of an expired or revoked link asks the giver for a new one; the giver sees
it on "My gifts" and sends a fresh link in one click."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from newsroom.extensions import db
from newsroom.gifting import giving
from newsroom.gifting.policy import gift_policy
from newsroom.models import Gift, GiftRequest
from tests.helpers import JSON, SITE, csrf_token, give, local_path, open_as


def give_at(app, subscriber, article, now):
    with app.app_context():
        result = giving.give(db.session, subscriber, article, now, gift_policy())
        db.session.commit()
        return f"/articles/{article.slug}?gift={result.token}"


def ask(client, link: str, token: str | None = None):
    """What the button does: one form post, no account needed."""
    slug = link.split("?")[0].removeprefix("/articles/")
    gift_token = token if token is not None else link.split("gift=", 1)[1]
    csrf = csrf_token(client, link)
    return client.post(f"/articles/{slug}/gift/ask", data={"csrf_token": csrf, "gift": gift_token})


def requests_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(GiftRequest.id)))


@pytest.fixture
def expired_link(app, subscriber, subscriber_client, make_article):
    return give_at(app, subscriber, make_article(), datetime.now(UTC) - timedelta(days=31))


def test_expired_link_offers_to_ask_the_giver(app, expired_link):
    html = open_as(app.test_client(), expired_link).get_data(as_text=True)
    assert "This gift link has expired." in html
    assert "Ask Karen for a new link" in html


def test_revoked_link_offers_to_ask_the_giver(
    app, subscriber, subscriber_client, auth, make_article
):
    body = give(auth, make_article()).get_json()
    with app.app_context():
        gift_id = db.session.scalar(select(Gift.id))
    auth.post(f"/gifts/{gift_id}/revoke", json=True)
    html = open_as(app.test_client(), local_path(body["url"])).get_data(as_text=True)
    assert "Ask Karen for a new link" in html


def test_tampered_or_foreign_link_offers_no_button(app, expired_link, make_article):
    token = expired_link.split("gift=", 1)[1]
    tampered = expired_link[:-3] + ("AAA" if not expired_link.endswith("AAA") else "BBB")
    other = f"/articles/{make_article().slug}?gift={token}"
    for link in (tampered, other, expired_link.split("?")[0] + "?gift=garbage"):
        html = open_as(app.test_client(), link).get_data(as_text=True)
        assert "Ask Karen" not in html
        assert "data-gift-ask" not in html


def test_asking_records_one_request_tells_the_recipient_and_redirects(app, expired_link):
    stranger = app.test_client()
    response = ask(stranger, expired_link)
    assert response.status_code == 303
    assert response.headers["Location"] == expired_link  # back to the old link's page
    page = stranger.get(response.headers["Location"]).get_data(as_text=True)
    assert "We have told Karen that you would like a new link." in page
    assert "the new link will come from Karen." in page
    assert "data-gift-ask-form" not in page  # not the same button again
    assert requests_count(app) == 1
    assert stranger.get_cookie("session") is None or "_user_id" not in (
        stranger.get_cookie("session").value
    )


def test_asking_twice_before_an_answer_records_one_request(app, expired_link):
    ask(app.test_client(), expired_link)
    ask(app.test_client(), expired_link)
    assert requests_count(app) == 1


def test_asking_with_a_tampered_token_records_nothing(app, expired_link):
    response = ask(app.test_client(), expired_link, token="not-a-token")
    assert response.status_code == 404
    assert requests_count(app) == 0


def test_asking_about_a_link_that_works_records_nothing(
    app, subscriber, subscriber_client, auth, make_article
):
    article = make_article()
    token = local_path(give(auth, article).get_json()["url"]).removeprefix("/g/")
    assert ask(app.test_client(), f"/articles/{article.slug}?gift={token}").status_code == 404
    assert requests_count(app) == 0


def test_asking_without_csrf_token_is_400(app, expired_link):
    slug = expired_link.split("?")[0].removeprefix("/articles/")
    token = expired_link.split("gift=", 1)[1]
    response = app.test_client().post(f"/articles/{slug}/gift/ask", data={"gift": token})
    assert response.status_code == 400
    assert requests_count(app) == 0


def test_asking_is_rate_limited_per_address(app, subscriber, subscriber_client, make_article):
    links = [  # expired gifts from two earlier months
        give_at(app, subscriber, make_article(), datetime.now(UTC) - timedelta(days=days))
        for days in (31, 31, 31, 62, 62, 62)
    ]
    stranger = app.test_client()
    statuses = [ask(stranger, link).status_code for link in links]
    assert statuses == [303] * 5 + [429]
    assert requests_count(app) == 5


def test_my_gifts_shows_the_request_and_one_click_sends_a_new_link(
    app, subscriber, subscriber_client, auth, client, expired_link
):
    ask(app.test_client(), expired_link)
    html = client.get("/gifts").get_data(as_text=True)
    assert "Someone asked you for a new link." in html
    gifts = client.get("/gifts", headers=JSON).get_json()["gifts"]
    assert gifts[0]["requests"] == 1
    with app.app_context():
        old_id = db.session.scalar(select(Gift.id))
    response = auth.post(f"/gifts/{old_id}/renew")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Here is a new link." in page
    assert f"{SITE}/g/" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Gift.id))) == 2
        assert db.session.scalar(select(GiftRequest.answered_at)) is not None
    assert "Someone asked you for a new link." not in client.get("/gifts").get_data(as_text=True)


def test_new_link_when_the_allowance_is_used_shows_the_allowance_message(
    app, subscriber, subscriber_client, auth, client, make_article, expired_link
):
    ask(app.test_client(), expired_link)
    for _ in range(5):
        give(auth, make_article())
    with app.app_context():
        old_id = db.session.scalar(select(Gift.id).order_by(Gift.created_at).limit(1))
    response = auth.post(f"/gifts/{old_id}/renew")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You cannot give more articles" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Gift.id))) == 6
        assert db.session.scalar(select(GiftRequest.answered_at)) is None


def test_renew_someone_elses_gift_is_404(app, expired_link, make_user, auth, client):
    with app.app_context():
        old_id = db.session.scalar(select(Gift.id))
    auth.logout()
    auth.login(make_user(digital_plus=True).email)
    assert auth.post(f"/gifts/{old_id}/renew").status_code == 404


def test_new_link_from_a_lapsed_giver_answers_403_with_the_upsell(
    app, make_user, auth, make_article
):
    now = datetime.now(UTC)
    lapsed = make_user(
        name="Karen Holm", period=(now - timedelta(days=60), now - timedelta(hours=1))
    )
    link = give_at(app, lapsed, make_article(), now - timedelta(days=40))
    ask(app.test_client(), link)
    auth.login(lapsed.email)
    with app.app_context():
        old_id = db.session.scalar(select(Gift.id))
    response = auth.post(f"/gifts/{old_id}/renew", json=True)
    assert response.status_code == 403
    assert set(response.get_json()) == {"error", "message"}
    assert response.get_json()["error"] == "digital_plus_required"
    assert "requires Digital+" in response.get_json()["message"]
    assert auth.post(f"/gifts/{old_id}/renew").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count(Gift.id))) == 1
        assert db.session.scalar(select(GiftRequest.answered_at)) is None
