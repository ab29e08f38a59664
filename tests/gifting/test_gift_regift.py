"""Giving an article again in the month its gift was revoked or expired (I3): a fresh link
for the same slot that opens, never the dead link reported as given."""

from newsroom.articles.paywall import GiftState
from newsroom.extensions import db
from newsroom.gifting import revoking
from newsroom.models import Gift
from tests.gifting.test_gifting_service import give, open_link, policy, used, utc
from tests.gifting.test_gifts_http import gift_path, local_path
from tests.helpers import SENTINEL, csrf_token


def revoke(app, subscriber, gift_id: int, now) -> None:
    with app.app_context():
        revoking.revoke(db.session, subscriber.id, gift_id, now)
        db.session.commit()


def test_give_again_after_revoking_in_the_same_month_gives_a_link_that_opens(
    app, subscriber, make_article
):
    article = make_article()
    first = give(app, subscriber, article, utc("2025-05-02T09:00"))
    revoke(app, subscriber, first.gift.id, utc("2025-05-02T10:00"))
    again = give(app, subscriber, article, utc("2025-05-03T09:00"))
    assert again.token != first.token
    assert open_link(app, again.token, article, utc("2025-05-03T09:05")).state is GiftState.VALID
    # The revoked link stays dead, and the slot is the same one: nothing more is charged.
    assert open_link(app, first.token, article, utc("2025-05-03T09:05")).state is not (
        GiftState.VALID
    )
    assert used(app, subscriber, utc("2025-05-03T09:00")) == 1
    with app.app_context():
        assert db.session.query(Gift).count() == 1


def test_give_again_after_the_link_expired_in_the_same_month_gives_a_link_that_opens(
    app, subscriber, make_article
):
    article = make_article()
    short = policy(link_days=1)
    first = give(app, subscriber, article, utc("2025-05-02T09:00"), short)
    later = utc("2025-05-20T09:00")
    assert open_link(app, first.token, article, later, short).state is GiftState.EXPIRED
    again = give(app, subscriber, article, later, short)
    assert open_link(app, again.token, article, later, short).state is GiftState.VALID
    assert again.gift.expires_at == utc("2025-05-21T09:00")


def test_give_again_while_the_link_is_good_keeps_the_same_link(app, subscriber, make_article):
    article = make_article()
    first = give(app, subscriber, article, utc("2025-05-02T09:00"))
    again = give(app, subscriber, article, utc("2025-05-03T09:00"))
    assert again.token == first.token


def test_gift_create_after_revoking_answers_a_link_that_opens(app, auth, subscriber, make_article):
    article = make_article()
    auth.login(subscriber.email)
    first = auth.post(gift_path(article), json=True).get_json()
    with app.app_context():
        gift_id = db.session.query(Gift.id).scalar()
    revoked = auth.client.post(
        f"/gifts/{gift_id}/revoke", data={"csrf_token": csrf_token(auth.client, "/gifts")}
    )
    assert revoked.status_code == 302
    response = auth.post(gift_path(article), json=True)
    assert response.status_code == 200
    body = response.get_json()
    assert body["url"] != first["url"] and body["used"] == 1
    page = app.test_client().get(local_path(body["url"])).get_data(as_text=True)
    assert SENTINEL in page
