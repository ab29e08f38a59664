"""Giving, opening and revoking gifts over HTTP, with CSRF on, as JSON and as plain forms."""

import sqlite3
from contextlib import contextmanager
from datetime import datetime, timedelta

import psycopg
import pytest
from sqlalchemy import event, func, select, update
from sqlalchemy.exc import OperationalError

from newsroom.core import clock
from newsroom.extensions import db
from newsroom.gifting import allowance, giving
from newsroom.gifting.policy import gift_policy
from newsroom.models import Article, Gift
from tests.conftest import POSTGRES_URL
from tests.helpers import SENTINEL, csrf_token, show_as

SITE = "http://newsroom.test"
JSON = {"Accept": "application/json"}
ERROR_KEYS = {"error", "message"}
# The allowance is counted per calendar month in Copenhagen: mid-month, every answer is the
# same whatever the day the suite runs.
pytestmark = pytest.mark.usefixtures("app_clock")


# ---- helpers -------------------------------------------------------------------------------


def gift_path(article) -> str:
    return f"/articles/{article.slug}/gift"


def local_path(url: str) -> str:
    assert url.startswith(SITE + "/")
    return url.removeprefix(SITE)


def form_post(client, path: str, page: str | None = None):
    """What the browser does without JavaScript: the form's hidden csrf_token, HTML back."""
    return client.post(path, data={"csrf_token": csrf_token(client, page)})


def gift_rows(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Gift.id)))


def only_gift(app) -> Gift:
    with app.app_context():
        return db.session.scalars(select(Gift)).one()


def give_at(app, giver, article, now: datetime) -> str:
    """A gift made directly through the service at a chosen moment; returns its link path."""
    with app.app_context():
        result = giving.give(db.session, giver, article, now, gift_policy())
        db.session.commit()
        return f"/articles/{article.slug}?gift={result.token}"


@pytest.fixture
def locked(make_article):
    return make_article()


@pytest.fixture
def gift_link(subscriber, subscriber_client, auth, locked) -> str:
    response = auth.post(gift_path(locked), json=True)
    assert response.status_code == 201
    return local_path(response.get_json()["url"])


@pytest.fixture
def anonymous(app):
    return app.test_client()


# ---- POST /articles/<slug>/gift as JSON ----------------------------------------------------


def test_gift_create_new_answers_201_with_link_and_allowance(
    app, subscriber, subscriber_client, auth, locked
):
    response = auth.post(gift_path(locked), json=True)
    assert response.status_code == 201
    body = response.get_json()
    renews_on = clock.next_month_start(clock.now(), app.config["TIMEZONE"])
    assert body["url"].startswith(f"{SITE}/g/")  # the token in the path, where cleaners leave it
    assert "?" not in body["url"]
    assert (body["used"], body["limit"], body["remaining"]) == (1, 5, 4)
    assert body["renews_on"] == renews_on.isoformat()
    assert gift_rows(app) == 1


def test_gift_create_again_answers_200_with_the_same_link(
    app, subscriber, subscriber_client, auth, locked
):
    first = auth.post(gift_path(locked), json=True).get_json()
    again = auth.post(gift_path(locked), json=True)
    assert again.status_code == 200
    assert again.get_json()["url"] == first["url"]
    assert again.get_json()["used"] == 1
    assert again.get_json()["created"] is False
    assert gift_rows(app) == 1


def test_gift_create_free_article_answers_plain_link_and_charges_nothing(
    app, subscriber, subscriber_client, auth, make_article
):
    free = make_article(locked=False)
    response = auth.post(gift_path(free), json=True)
    assert response.status_code == 200
    assert response.get_json()["url"] == f"{SITE}/articles/{free.slug}"
    assert response.get_json()["used"] == 0
    assert gift_rows(app) == 0


def test_gift_create_logged_out_answers_401(app, auth, locked):
    response = auth.post(gift_path(locked), json=True)
    assert response.status_code == 401
    assert set(response.get_json()) == ERROR_KEYS
    assert response.get_json()["error"] == "login_required"


def test_gift_create_without_digital_plus_answers_403_with_upsell(app, auth, make_user, locked):
    reader = make_user()
    auth.login(reader.email)
    response = auth.post(gift_path(locked), json=True)
    assert response.status_code == 403
    assert set(response.get_json()) == ERROR_KEYS
    assert response.get_json()["error"] == "digital_plus_required"
    assert "requires Digital+" in response.get_json()["message"]
    assert gift_rows(app) == 0


def test_gift_create_sixth_answers_409_with_renewal_date(
    app, subscriber, subscriber_client, auth, make_article
):
    for _ in range(5):
        assert auth.post(gift_path(make_article()), json=True).status_code == 201
    response = auth.post(gift_path(make_article()), json=True)
    assert response.status_code == 409
    body = response.get_json()
    renews_on = clock.next_month_start(clock.now(), app.config["TIMEZONE"])
    assert (body["error"], body["renews_on"]) == ("allowance_used", renews_on.isoformat())
    assert (body["used"], body["limit"], body["remaining"]) == (5, 5, 0)
    assert "message" in body
    assert gift_rows(app) == 5


def test_gift_create_unknown_article_answers_404(subscriber, subscriber_client, auth):
    response = auth.post("/articles/no-such-article/gift", json=True)
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"
    assert set(response.get_json()) == ERROR_KEYS


@pytest.mark.parametrize("app_config", [{"GIFT_CREATE_LIMIT": "3 per minute"}])
def test_gift_create_answers_429_past_the_rate_limit(
    app, subscriber, subscriber_client, auth, make_article
):
    for _ in range(3):
        assert auth.post(gift_path(make_article()), json=True).status_code == 201
    response = auth.post(gift_path(make_article()), json=True)
    assert response.status_code == 429
    assert response.get_json()["error"] == "rate_limited"
    assert gift_rows(app) == 3


def test_gift_create_without_csrf_token_answers_400_and_creates_nothing(
    app, subscriber, subscriber_client, client, locked
):
    response = client.post(gift_path(locked), headers=JSON)
    assert response.status_code == 400
    assert response.get_json()["error"] == "csrf_failed"
    assert gift_rows(app) == 0


@contextmanager
def failing_gift_insert(app):
    """Make the database fail on the INSERT into gifts: after the allowance was counted and
    the slot taken, before anything is committed."""
    with app.app_context():
        engine = db.engine

    def fail(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith("INSERT INTO GIFTS"):
            raise OperationalError(statement, parameters, RuntimeError("injected fault"))

    event.listen(engine, "before_cursor_execute", fail)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", fail)


def test_gift_create_database_fault_answers_503_and_charges_nothing(
    app, subscriber, subscriber_client, auth, locked, make_article
):
    assert auth.post(gift_path(make_article()), json=True).status_code == 201
    with failing_gift_insert(app):
        response = auth.post(gift_path(locked), json=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    assert response.get_json()["error"] == "technical_error"
    assert set(response.get_json()) == ERROR_KEYS
    assert gift_rows(app) == 1
    retry = auth.post(gift_path(locked), json=True)
    assert (retry.status_code, retry.get_json()["used"]) == (201, 2)


LOCK_WAIT_CONFIG = (
    {"SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": "-c lock_timeout=200"}}}
    if POSTGRES_URL
    else {"SQLITE_BUSY_TIMEOUT_MS": 100}
)


@contextmanager
def database_held(database_url: str, user_id: int):
    """Another connection holds the lock a gift needs (SQLite's write lock, or the giver's
    row on PostgreSQL) for longer than the app is willing to wait."""
    if database_url.startswith("sqlite"):
        holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
    else:
        holder = psycopg.connect(database_url.replace("+psycopg", ""))
        holder.execute("SELECT id FROM users WHERE id = %s FOR UPDATE", (user_id,))
    try:
        yield
    finally:
        holder.rollback()
        holder.close()


@pytest.mark.parametrize("app_config", [LOCK_WAIT_CONFIG])
def test_gift_create_database_locked_answers_503_then_retry_succeeds(
    app, database_url, subscriber, subscriber_client, auth, locked
):
    with database_held(database_url, subscriber.id):
        response = auth.post(gift_path(locked), json=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert response.get_json()["error"] == "technical_error"
    assert gift_rows(app) == 0
    assert auth.post(gift_path(locked), json=True).status_code == 201


def test_gift_create_builds_links_on_the_site_url_not_the_host_header(
    subscriber, subscriber_client, auth, client, locked
):
    # The browser would send its cookie to whatever host it was talking to; the cookie is
    # copied once the page has put the CSRF secret in it (log-in starts a new session).
    headers = {"X-CSRFToken": csrf_token(client), "Accept": "application/json"}
    client.set_cookie("session", client.get_cookie("session").value, domain="evil.example")
    response = client.post(gift_path(locked), headers={**headers, "Host": "evil.example"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["url"].startswith(f"{SITE}/g/")
    assert all("evil.example" not in link["href"] for link in body["share"])


# ---- the same, as a plain form post --------------------------------------------------------


def test_gift_form_new_redirects_to_the_link_page(
    app, subscriber, subscriber_client, client, locked
):
    response = form_post(client, gift_path(locked), f"/articles/{locked.slug}")
    assert response.status_code == 303
    assert response.headers["Location"] == gift_path(locked)
    page = client.get(gift_path(locked))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "private, no-store"
    assert f"{SITE}/g/" in html
    assert "You have given <span data-gift-used>1</span> of <span data-gift-limit>5</span>" in html
    assert "Your gift link is ready." in html
    assert gift_rows(app) == 1


def test_gift_form_reloading_the_result_posts_nothing(
    app, subscriber, subscriber_client, client, locked
):
    form_post(client, gift_path(locked))
    for _ in range(3):  # a reload of the result page is a GET
        assert client.get(gift_path(locked)).status_code == 200
    assert gift_rows(app) == 1


def test_gift_page_opens_in_the_allowance_used_state(
    app, subscriber, subscriber_client, client, make_article
):
    for _ in range(5):
        form_post(client, gift_path(make_article()))
    html = client.get(gift_path(make_article())).get_data(as_text=True)
    assert "You cannot give more articles" in html
    assert "Next calendar month you can give access to 5 new articles" in html
    assert "Create gift link" not in html


def test_gift_page_for_an_article_given_this_month_shows_its_link(
    app, subscriber, subscriber_client, client, locked
):
    form_post(client, gift_path(locked))
    client.get(gift_path(locked))  # the flash is shown once
    html = client.get(gift_path(locked)).get_data(as_text=True)
    assert f"{SITE}/g/" in html
    assert "The link works until" in html
    assert "Create gift link" not in html


def test_gift_page_for_this_months_expired_gift_offers_a_new_link_not_the_dead_one(
    app, subscriber, subscriber_client, auth, client, locked
):
    """A link made on the 1st has expired by the 31st, in the month it was given: the dialog
    offers to give it again (for free) instead of showing the link that no longer opens."""
    dead = local_path(auth.post(gift_path(locked), json=True).get_json()["url"])
    with app.app_context():
        db.session.execute(update(Gift).values(expires_at=clock.now() - timedelta(minutes=1)))
        db.session.commit()
    response = client.get(gift_path(locked))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert dead.removeprefix("/g/") not in html
    assert "The link works until" not in html
    assert "Create gift link" in html
    again = auth.post(gift_path(locked), json=True).get_json()
    assert (again["used"], again["created"]) == (1, False)
    assert local_path(again["url"]) != dead


def test_gift_form_logged_out_renders_login_offer(client, locked):
    response = form_post(client, gift_path(locked))
    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "This feature requires Digital+" in html
    assert f"/login?next=/articles/{locked.slug}" in html


def test_gift_form_without_digital_plus_renders_upsell(app, auth, client, make_user, locked):
    auth.login(make_user().email)
    response = form_post(client, gift_path(locked))
    assert response.status_code == 403
    assert "This feature requires Digital+" in response.get_data(as_text=True)
    assert gift_rows(app) == 0


def test_gift_form_sixth_redirects_to_the_renewal_message(
    app, subscriber, subscriber_client, client, make_article
):
    for _ in range(5):
        assert form_post(client, gift_path(make_article())).status_code == 303
    sixth = make_article()
    response = form_post(client, gift_path(sixth))
    assert response.status_code == 303
    assert response.headers["Location"] == gift_path(sixth)
    assert "You cannot give more articles" in client.get(gift_path(sixth)).get_data(as_text=True)
    assert gift_rows(app) == 5


def test_gift_form_unknown_article_renders_404(subscriber, subscriber_client, client):
    assert form_post(client, "/articles/no-such-article/gift").status_code == 404


def test_gift_form_database_fault_renders_error_with_retry_form(
    app, subscriber, subscriber_client, client, locked
):
    with failing_gift_insert(app):
        response = form_post(client, gift_path(locked))
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "could not be gifted because of a technical error" in html
    assert f'action="{gift_path(locked)}"' in html
    assert gift_rows(app) == 0


def test_gift_form_without_csrf_token_answers_400(
    app, subscriber, subscriber_client, client, locked
):
    assert client.post(gift_path(locked)).status_code == 400
    assert gift_rows(app) == 0


# ---- opening a gift link -------------------------------------------------------------------


def test_gift_link_opens_the_whole_article_with_the_givers_name(gift_link, anonymous):
    response = anonymous.get(gift_link)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert SENTINEL in html
    assert "Karen gave you this article" in html


def test_gift_link_view_is_private_noindex_and_keeps_the_token_home(gift_link, anonymous, locked):
    response = anonymous.get(gift_link)
    html = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert '<meta name="robots" content="noindex' in html
    assert f'<link rel="canonical" href="{SITE}/articles/{locked.slug}">' in html


def test_gift_link_open_creates_no_login(gift_link, anonymous):
    anonymous.get(gift_link)
    assert anonymous.get_cookie("remember_token") is None
    with anonymous.session_transaction() as session:
        assert "_user_id" not in session


def test_gift_link_open_counts_the_open_and_not_the_allowance(app, gift_link, anonymous):
    show_as(anonymous, gift_link)
    gift = only_gift(app)
    assert gift.open_count == 1
    with app.app_context():
        policy = gift_policy()
        assert allowance.allowance(db.session, gift.giver_id, clock.now(), policy).used == 1


def test_gift_link_scanner_first_then_the_human_still_reads(app, gift_link, anonymous):
    scanner = app.test_client()
    assert SENTINEL in scanner.get(gift_link, headers={"User-Agent": "LinkPreview/1.0"}).text
    assert SENTINEL in show_as(anonymous, gift_link).get_data(as_text=True)
    assert only_gift(app).open_count == 1  # the person, not the scanner
    assert gift_rows(app) == 1


def test_gift_link_of_a_lapsed_giver_still_opens(app, make_user, locked, anonymous):
    now = clock.now()
    lapsed = make_user(
        digital_plus=True, period=(now - timedelta(days=40), now - timedelta(hours=1))
    )
    link = give_at(app, lapsed, locked, now - timedelta(days=2))
    assert SENTINEL in anonymous.get(link).get_data(as_text=True)


def test_gift_link_expired_shows_paywall_with_note(app, make_user, locked, anonymous):
    now = clock.now()
    giver = make_user(period=(now - timedelta(days=60), now + timedelta(days=30)))
    link = give_at(app, giver, locked, now - timedelta(days=31))
    response = anonymous.get(link)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This gift link has expired." in html
    assert SENTINEL not in html


def test_gift_link_revoked_shows_paywall_with_note(app, gift_link, auth, anonymous):
    gift = only_gift(app)
    assert auth.post(f"/gifts/{gift.id}/revoke", json=True).status_code == 200
    response = anonymous.get(gift_link)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "has been revoked by the person who shared it" in html
    assert SENTINEL not in html


def test_gift_link_on_another_article_shows_its_paywall(gift_link, anonymous, make_article):
    other = make_article()
    token = gift_link.removeprefix("/g/")
    response = anonymous.get(f"/articles/{other.slug}?gift={token}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This gift link is not valid for this article." in html
    assert SENTINEL not in html


def test_gift_link_of_an_unpublished_article_shows_no_body(app, gift_link, anonymous, locked):
    with app.app_context():
        db.session.execute(
            update(Article).where(Article.id == locked.id).values(is_published=False)
        )
        db.session.commit()
    response = anonymous.get(gift_link)
    assert response.status_code == 404
    assert SENTINEL not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "token",
    ["", "x" * 10_000, "%C3%A6%C3%B8", "%00", "a.b.c.d", "W10.AAAA.AAAA", "bm90IGpzb24.AAAA.AAAA"],
)
def test_gift_link_garbage_shows_paywall_with_note(gift_link, anonymous, locked, token):
    response = anonymous.get(f"/articles/{locked.slug}?gift={token}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This gift link is not valid." in html
    assert SENTINEL not in html


def test_gift_link_tampered_shows_paywall_with_note(gift_link, anonymous):
    # The signature's first character: every bit of it counts (the last one's may not).
    head, _, signature = gift_link.rpartition(".")
    flipped = f"{head}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    html = anonymous.get(flipped).get_data(as_text=True)
    assert "This gift link is not valid." in html
    assert SENTINEL not in html


@pytest.mark.parametrize("app_config", [{"GIFT_TOKEN_FAILURE_LIMIT": "5 per minute"}])
def test_gift_link_many_bad_tokens_from_one_client_are_rate_limited(anonymous, locked):
    for number in range(5):
        assert anonymous.get(f"/articles/{locked.slug}?gift=guess{number}").status_code == 200
    assert anonymous.get(f"/articles/{locked.slug}?gift=guess-more").status_code == 429


@pytest.mark.parametrize("app_config", [{"GIFT_TOKEN_FAILURE_LIMIT": "2 per minute"}])
def test_gift_link_good_opens_do_not_use_up_the_failure_limit(gift_link, anonymous):
    for _ in range(4):
        assert anonymous.get(gift_link).status_code == 200


# ---- My gifts ------------------------------------------------------------------------------


def test_gifts_page_lists_gifts_newest_first_with_their_state(
    app, subscriber, subscriber_client, auth, client, make_article
):
    now = clock.now()
    old = make_article(headline="An old gift")
    give_at(app, subscriber, old, now - timedelta(days=40))
    revoked, live = (
        make_article(headline="A revoked gift"),
        make_article(headline="A live gift"),
    )
    auth.post(gift_path(revoked), json=True)
    auth.post(gift_path(live), json=True)
    with app.app_context():
        gift_id = db.session.scalar(select(Gift.id).where(Gift.article_id == revoked.id))
    auth.post(f"/gifts/{gift_id}/revoke", json=True)
    html = client.get("/gifts").get_data(as_text=True)
    assert html.index("A live gift") < html.index("A revoked gift") < html.index("An old gift")
    assert "Revoked" in html
    assert "Expired" in html
    assert f"{SITE}/g/" in html
    assert "Opened by 0 people, read to the end by 0" in html


def test_gifts_page_shows_this_months_allowance(
    subscriber, subscriber_client, auth, client, make_article
):
    auth.post(gift_path(make_article()), json=True)
    html = client.get("/gifts").get_data(as_text=True)
    assert "You have given 1 of 5." in html


def test_gifts_page_counts_the_people_who_opened(app, gift_link, anonymous, client):
    show_as(anonymous, gift_link)
    show_as(anonymous, gift_link, read=True)  # the same browser again, reading to the end
    show_as(app.test_client(), gift_link)  # another browser
    app.test_client().get(gift_link)  # a fetch without script or cookies: nobody
    html = client.get("/gifts").get_data(as_text=True)
    assert "Opened by 2 people, read to the end by 1" in html


def test_gifts_page_requires_login(client):
    response = client.get("/gifts")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


# ---- revoking ------------------------------------------------------------------------------


def test_gift_revoke_by_form_redirects_to_my_gifts(app, gift_link, client):
    gift = only_gift(app)
    response = form_post(client, f"/gifts/{gift.id}/revoke", "/gifts")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/gifts")
    assert only_gift(app).revoked_at is not None


def test_gift_revoke_by_json_answers_revoked(app, gift_link, auth):
    gift = only_gift(app)
    response = auth.post(f"/gifts/{gift.id}/revoke", json=True)
    assert response.status_code == 200
    assert response.get_json() == {"revoked": True, "id": gift.id}


def test_gift_revoke_someone_elses_gift_answers_404(app, gift_link, auth, make_user):
    gift = only_gift(app)
    auth.logout()
    auth.login(make_user(digital_plus=True).email)
    assert auth.post(f"/gifts/{gift.id}/revoke", json=True).status_code == 404
    assert form_post(auth.client, f"/gifts/{gift.id}/revoke").status_code == 404
    assert only_gift(app).revoked_at is None


def test_gift_revoke_without_csrf_token_answers_400(app, gift_link, client):
    gift = only_gift(app)
    assert client.post(f"/gifts/{gift.id}/revoke").status_code == 400
    assert only_gift(app).revoked_at is None


@pytest.mark.parametrize("app_config", [{"GIFT_CREATE_LIMIT": "2 per hour"}])
def test_gift_create_503_costs_no_try_of_the_limit(
    app, subscriber, subscriber_client, auth, locked, make_article
):
    with failing_gift_insert(app):
        assert auth.post(gift_path(locked), json=True).status_code == 503
    answers = [auth.post(gift_path(make_article()), json=True) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 429]
