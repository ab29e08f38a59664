"""What a gift achieved: the distinct browsers that opened it (bots and previews left out),
the accounts made after opening it, and Digital+ taken (credited to the most recent gift
opened within 30 days), on "My gifts" and as JSON."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from newsroom.billing import subscriptions
from newsroom.extensions import db
from newsroom.gifting import browsers, giving, outcomes, report
from newsroom.gifting.policy import gift_policy
from newsroom.models import Gift, GiftOpen, GiftOutcome, Subscription
from tests.helpers import (
    BOTS,
    BROWSER,
    JSON,
    PASSWORD,
    SENTINEL,
    csrf_token,
    give,
    local_path,
    now_utc,
    open_as,
    show_as,
)

# Gifts count per calendar month and credit Digital+ within 30 days: a fixed "now".
pytestmark = pytest.mark.usefixtures("app_clock")


@pytest.fixture
def gifted(make_article):
    return make_article()


@pytest.fixture
def link(subscriber, subscriber_client, auth, gifted) -> str:
    return local_path(give(auth, gifted).get_json()["url"])


@pytest.fixture
def plain(gifted) -> str:
    """The article's own address, without the gift."""
    return f"/articles/{gifted.slug}"


def my_gifts(client) -> dict:
    return client.get("/gifts", headers=JSON).get_json()


def register(client, email: str, next_url: str = "/"):
    token = csrf_token(client, "/register")
    data = {"email": email, "name": "Ida Berg", "password": PASSWORD, "csrf_token": token}
    return client.post(f"/register?next={next_url}", data=data, headers={"User-Agent": BROWSER})


@pytest.mark.parametrize("user_agent, bot", [*((agent, True) for agent in BOTS), (BROWSER, False)])
def test_is_bot_knows_scanners_and_previews_and_lets_a_browser_through(user_agent, bot):
    assert browsers.is_bot(user_agent) == bot


def test_opens_count_distinct_browsers_not_reloads(app, link, client):
    first, second = app.test_client(), app.test_client()
    for _ in range(3):
        assert SENTINEL in show_as(first, link).get_data(as_text=True)
    show_as(second, link)
    gift = my_gifts(client)["gifts"][0]
    assert gift["opens"] == 2
    with app.app_context():
        assert db.session.scalar(select(Gift.open_count)) == 2  # people, not fetches


def test_opens_leave_out_bots_and_link_previews_but_they_still_see_it(app, link, client):
    for user_agent in BOTS:
        bot = app.test_client()
        response = show_as(bot, link, user_agent)
        assert SENTINEL in response.get_data(as_text=True)  # the preview works as ever
        assert bot.get_cookie(browsers.COOKIE) is None  # and no cookie is set on a bot
    assert my_gifts(client)["gifts"][0]["opens"] == 0
    show_as(app.test_client(), link)
    assert my_gifts(client)["gifts"][0]["opens"] == 1


def test_open_sets_a_first_party_cookie_httponly_lax(app, link):
    reader = app.test_client()
    response = open_as(reader, link)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if browsers.COOKIE in c)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert reader.get_cookie(browsers.COOKIE) is not None


def test_the_givers_own_open_is_not_counted(app, link, client):
    show_as(client, link)
    assert my_gifts(client)["gifts"][0]["opens"] == 0


def test_gifts_json_has_the_documented_shape(app, link, client, auth):
    body = my_gifts(client)
    assert set(body) == {"gifts", "used", "limit", "renews_on"}
    gift = body["gifts"][0]
    assert set(gift) == {
        "id",
        "slug",
        "url",
        "created_at",
        "expires_at",
        "revoked",
        "opens",
        "read_to_end",
        "people_limit",
        "link_days",
        "days_left",
        "signups",
        "subscriptions",
        "requests",
        "asked_by",
    }
    assert gift["revoked"] is False
    auth.post(f"/gifts/{gift['id']}/revoke", json=True)
    revoked = my_gifts(client)["gifts"][0]
    assert revoked["revoked"].startswith(str(now_utc().year))
    assert revoked["url"] == gift["url"]  # kept for revoked gifts


def test_signup_after_opening_is_credited_and_keeps_the_article(app, link, plain, client):
    reader = app.test_client()
    show_as(reader, link)
    response = register(reader, "ida@example.com", plain)
    assert response.status_code == 302
    assert my_gifts(client)["gifts"][0]["signups"] == 1
    # Back without the link, logged in: the article stays readable while the link lasts.
    html = reader.get(plain, headers={"User-Agent": BROWSER}).get_data(as_text=True)
    assert SENTINEL in html
    assert "Karen gave you this article" in html


def test_account_keeps_the_article_only_while_the_link_lasts(app, link, plain, client, auth):
    reader = app.test_client()
    show_as(reader, link)
    register(reader, "ida@example.com")
    gift_id = my_gifts(client)["gifts"][0]["id"]
    auth.post(f"/gifts/{gift_id}/revoke", json=True)
    assert SENTINEL not in reader.get(plain).get_data(as_text=True)


def test_account_without_an_opened_gift_sees_the_paywall(app, link, plain, make_user):
    reader = app.test_client()
    register(reader, "someone@example.com")
    assert SENTINEL not in reader.get(plain).get_data(as_text=True)


def test_signup_without_a_gift_is_credited_to_nobody(app, link, client):
    register(app.test_client(), "nobody@example.com")
    assert my_gifts(client)["gifts"][0]["signups"] == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(GiftOutcome.id))) == 0


def test_digital_plus_after_opening_is_credited_through_the_cli_period(app, link, client, runner):
    reader = app.test_client()
    show_as(reader, link)
    register(reader, "ida@example.com")
    result = runner.invoke(
        args=["newsroom", "subscribe", "ida@example.com", "--until", "2099-01-01"]
    )
    assert result.exit_code == 0, result.output
    gift = my_gifts(client)["gifts"][0]
    assert (gift["signups"], gift["subscriptions"]) == (1, 1)


def test_existing_account_logging_in_after_opening_is_credited_for_digital_plus(
    app, link, client, make_user
):
    ida = make_user(email="ida@example.com")
    reader = app.test_client()
    show_as(reader, link)
    token = csrf_token(reader, "/login")
    reader.post("/login", data={"email": ida.email, "password": PASSWORD, "csrf_token": token})
    with app.app_context():
        now = now_utc()
        subscriptions.start_period(db.session, ida.id, now, now + timedelta(days=30), now)
        db.session.commit()
    gift = my_gifts(client)["gifts"][0]
    assert (gift["signups"], gift["subscriptions"]) == (0, 1)


def given_and_opened(giver, article, reader, browser: str, opened_at, now) -> Gift:
    """A gift of `article` from `giver` that `reader`'s browser opened at `opened_at` (in an
    app context; flushed, not committed)."""
    gift = giving.give(db.session, giver, article, now, gift_policy()).gift
    db.session.add(
        GiftOpen(gift_id=gift.id, browser_id=browser * 32, user_id=reader.id, opened_at=opened_at)
    )
    db.session.flush()
    return gift


def test_digital_plus_is_credited_to_the_most_recent_gift_within_30_days(
    app, make_user, make_article
):
    karen = make_user(name="Karen Holm", digital_plus=True)
    ole = make_user(name="Ole Dam", digital_plus=True)
    ida = make_user(name="Ida Berg")
    now = now_utc()
    first, second = make_article(), make_article()
    with app.app_context():
        given_and_opened(karen, first, ida, "a", now - timedelta(days=3), now)
        newer = given_and_opened(ole, second, ida, "a", now - timedelta(days=1), now)
        outcome = outcomes.record_digital_plus(db.session, ida.id, now)
        assert outcome.gift_id == newer.id
        # Only once per reader, whatever periods follow.
        assert outcomes.record_digital_plus(db.session, ida.id, now) is None


@pytest.mark.parametrize("days_ago, credited", [(29, True), (31, False)])
def test_digital_plus_is_credited_only_within_30_days_of_the_open(
    app, make_user, make_article, days_ago, credited
):
    karen = make_user(name="Karen Holm", digital_plus=True)
    ida = make_user(name="Ida Berg")
    now = now_utc()
    with app.app_context():
        opened = now - timedelta(days=days_ago)
        gift = given_and_opened(karen, make_article(), ida, "b", opened, now)
        outcome = outcomes.record_digital_plus(db.session, ida.id, now)
        assert (outcome.gift_id if outcome else None) == (gift.id if credited else None)


def test_start_period_adds_the_period_and_credits_in_one_step(app, make_user, make_article):
    karen = make_user(name="Karen Holm", digital_plus=True)
    ida = make_user(name="Ida Berg")
    now = now_utc()
    with app.app_context():
        gift = given_and_opened(karen, make_article(), ida, "c", now, now)
        period = subscriptions.start_period(db.session, ida.id, now, now + timedelta(days=30), now)
        db.session.commit()
        assert db.session.get(Subscription, period.id).is_active(now)
        assert report.figures(db.session, [gift.id])[gift.id].subscriptions == 1
