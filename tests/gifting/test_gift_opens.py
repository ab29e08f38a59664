"""An open is a person: fetching a gift link (HEAD, cookieless GETs, repeats, previews, a
scanner dressed as Chrome) counts nothing and writes nothing; a browser that showed the page
counts once, told by the page's script or, without script, by its next click. Links live in
the path (/g/<token>); links given as ?gift= keep working."""

import json
import logging
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from newsroom.extensions import db
from newsroom.gifting import showing
from newsroom.models import Gift, GiftOpen
from tests.helpers import (
    BROWSER,
    JSON,
    SENTINEL,
    gift_mark,
    give,
    local_path,
    now_utc,
    open_as,
    show_as,
)

pytestmark = pytest.mark.usefixtures("app_clock")

HEADLESS = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/131.0.0.0 Safari/537.36"
)
SCANNERS = ["10.0.0.1", "10.0.0.2", "10.0.0.3"]


@pytest.fixture
def gifted(make_article):
    return make_article()


@pytest.fixture
def link(subscriber, subscriber_client, auth, gifted) -> str:
    return local_path(give(auth, gifted).get_json()["url"])


def my_gift(client) -> dict:
    return client.get("/gifts", headers=JSON).get_json()["gifts"][0]


@contextmanager
def writes(app):
    """The INSERT, UPDATE and DELETE statements the app sends meanwhile."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if statement.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_safe_links_replay_counts_nobody_and_writes_nothing(app, link, client):
    """HEAD, then cookieless GETs from a headless Chrome and a scanner calling itself
    Chrome, from three addresses: each still gets the whole article, none is an open."""
    with writes(app) as written:
        for address in SCANNERS:
            environ = {"REMOTE_ADDR": address}
            scanner = app.test_client(use_cookies=False)
            assert scanner.head(link, environ_base=environ).status_code == 200
            for user_agent in (HEADLESS, BROWSER, HEADLESS):
                response = open_as(scanner, link, user_agent, environ_base=environ)
                assert response.status_code == 200
                assert SENTINEL in response.get_data(as_text=True)
                assert response.headers["Cache-Control"] == "private, no-store"
    assert written == []
    assert my_gift(client)["opens"] == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(GiftOpen.id))) == 0
        assert db.session.scalar(select(Gift.open_count)) == 0


def test_a_repeated_get_with_cookies_kept_counts_nobody(app, link, client):
    fetcher = app.test_client()
    for _ in range(3):
        open_as(fetcher, link)
    assert my_gift(client)["opens"] == 0


def test_a_browser_that_showed_the_page_counts_once(app, link, client):
    reader = app.test_client()
    for _ in range(3):
        show_as(reader, link)
    assert my_gift(client)["opens"] == 1


def test_the_mark_needs_no_csrf_token_and_answers_nothing(app, link):
    reader = app.test_client()
    mark = gift_mark(open_as(reader, link))
    response = reader.post("/g/shown", data={"mark": mark})
    assert response.status_code == 204
    assert response.get_data() == b""


@pytest.mark.parametrize("forgery", ["made-up", "cookie-less", "another-browser"])
def test_a_mark_counts_only_beside_its_own_browsers_cookie(app, link, client, forgery):
    reader = app.test_client()
    mark = gift_mark(open_as(reader, link))
    if forgery == "made-up":
        reader.post("/g/shown", data={"mark": mark[:-4] + "AAAA"})
    elif forgery == "cookie-less":
        app.test_client(use_cookies=False).post("/g/shown", data={"mark": mark})
    else:
        other = app.test_client()
        open_as(other, link)  # a browser of its own, with another id
        other.post("/g/shown", data={"mark": mark})
    assert my_gift(client)["opens"] == 0


def test_a_bot_gets_no_mark_to_send(app, link):
    assert gift_mark(open_as(app.test_client(), link, HEADLESS)) is None


def test_without_script_the_next_click_with_the_pages_cookie_counts(app, link, client):
    reader = app.test_client()
    open_as(reader, link)
    assert reader.get_cookie(showing.COOKIE) is not None
    assert my_gift(client)["opens"] == 0
    response = reader.get("/", headers={"Sec-Fetch-Dest": "document", "Sec-Fetch-User": "?1"})
    assert response.status_code == 200
    assert my_gift(client)["opens"] == 1
    assert reader.get_cookie(showing.COOKIE) is None  # it did its work


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Dest": "document"},  # a navigation no person made (a scanner's crawl)
        {"Sec-Fetch-Dest": "style", "Sec-Fetch-User": "?1"},  # the page's stylesheet
        {"Sec-Fetch-Dest": "empty", "Sec-Fetch-Mode": "cors"},  # a script's fetch
    ],
)
def test_without_script_a_request_no_person_made_counts_nobody(app, link, client, headers):
    reader = app.test_client()
    open_as(reader, link)
    reader.get("/", headers=headers)
    reader.get(link, headers={"Sec-Fetch-Dest": "document", "Sec-Fetch-User": "?1"})  # reload
    assert my_gift(client)["opens"] == 0


def test_read_to_end_is_counted_only_when_the_script_says_so(app, link, client):
    show_as(app.test_client(), link, read=True)
    show_as(app.test_client(), link)
    no_script = app.test_client()
    open_as(no_script, link)
    no_script.get("/")
    gift = my_gift(client)
    assert (gift["opens"], gift["read_to_end"]) == (3, 1)


def test_a_gift_page_is_private_and_referrer_safe_under_g(app, link):
    response = open_as(app.test_client(), link)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "noindex" in response.headers["X-Robots-Tag"]


def test_a_link_given_as_a_query_parameter_still_opens_and_counts(app, link, gifted, client):
    old = f"/articles/{gifted.slug}?gift={link.removeprefix('/g/')}"
    assert SENTINEL in show_as(app.test_client(), old).get_data(as_text=True)
    assert my_gift(client)["opens"] == 1


@pytest.mark.parametrize("token", ["nonsense", "a" * 40, "x.y.z"])
def test_a_made_up_g_link_is_not_found(app, token):
    response = app.test_client().get(f"/g/{token}")
    assert response.status_code == 404
    assert "This gift link is not valid." in response.get_data(as_text=True)


def test_an_expired_g_link_shows_the_paywall_and_the_ask_button(app, link, app_clock):
    app_clock.advance(days=31)
    html = app.test_client().get(link).get_data(as_text=True)
    assert "This gift link has expired." in html
    assert SENTINEL not in html
    assert f'name="gift" value="{link.removeprefix("/g/")}"' in html


def test_the_access_log_holds_the_route_not_the_token(app, link, caplog):
    caplog.set_level(logging.INFO, logger="newsroom.access")
    open_as(app.test_client(), link)
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "newsroom.access"]
    (line,) = [entry for entry in lines if entry["endpoint"] == "gift_links.open"]
    assert line["path"] == "/g/<token>"
    assert link.removeprefix("/g/") not in str(line)


# ---- the giver's shape: people and days ---------------------------------------------------


def test_a_link_limited_to_two_people_shows_the_third_a_clear_page_to_ask(
    app, subscriber, subscriber_client, auth, gifted, client
):
    link = local_path(give(auth, gifted, people="2").get_json()["url"])
    first, second, third = app.test_client(), app.test_client(), app.test_client()
    show_as(first, link)
    show_as(second, link)
    html = show_as(third, link).get_data(as_text=True)
    assert SENTINEL not in html
    assert "opened by as many people as the person who shared it allowed" in html
    assert "Ask Karen for a new link" in html
    assert SENTINEL in open_as(first, link).get_data(as_text=True)  # the two keep reading
    gift = my_gift(client)
    assert (gift["opens"], gift["people_limit"]) == (2, 2)


def test_shown_at_once_by_more_browsers_than_allowed_counts_only_the_limit(
    app, subscriber, subscriber_client, auth, gifted, client
):
    link = local_path(give(auth, gifted, people="1").get_json()["url"])
    readers = [app.test_client() for _ in range(3)]
    marks = [gift_mark(open_as(reader, link)) for reader in readers]  # all saw it before any count
    for reader, mark in zip(readers, marks, strict=True):
        reader.post("/g/shown", data={"mark": mark})
    assert my_gift(client)["opens"] == 1


def test_a_shorter_life_sets_the_expiry_and_the_days_left(
    app, subscriber, subscriber_client, auth, gifted, client
):
    body = give(auth, gifted, days="7").get_json()
    assert body["link_days"] == 7
    gift = my_gift(client)
    assert gift["days_left"] == 7
    assert gift["expires_at"] == (now_utc() + timedelta(days=7)).isoformat()
    assert "(7 days left)" in client.get("/gifts").get_data(as_text=True)


@pytest.mark.parametrize(
    "field, value, code",
    [
        ("people", "0", "invalid_people_limit"),
        ("people", "11", "invalid_people_limit"),
        ("people", "two", "invalid_body"),
        ("people", "-1", "invalid_people_limit"),
        ("days", "2", "invalid_link_days"),
        ("days", "60", "invalid_link_days"),
        ("days", "0", "invalid_link_days"),
    ],
)
def test_out_of_range_choices_are_refused_and_nothing_is_given(
    app, subscriber, subscriber_client, auth, gifted, client, field, value, code
):
    response = give(auth, gifted, **{field: value})
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == code
    # Not a number at all is refused with the body's field named, before any giving.
    expected = "“people”" if code == "invalid_body" else "Nothing was given."
    assert expected in body["message"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Gift.id))) == 0


def test_a_form_post_with_an_out_of_range_choice_comes_back_with_the_message(
    app, subscriber, subscriber_client, auth, gifted
):
    response = auth.post(f"/articles/{gifted.slug}/gift", data={"people": "12", "note": "Hej"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "A link can open for 1 to 10 people, or for anyone who has it." in html
    assert ">Hej</textarea>" in html
    with app.app_context():
        assert db.session.scalar(select(func.count(Gift.id))) == 0


def test_the_dialog_offers_the_choices_the_site_allows(app, subscriber, subscriber_client, gifted):
    html = subscriber_client.get(f"/articles/{gifted.slug}/gift").get_data(as_text=True)
    assert 'name="people"' in html and '<option value="10">10 people</option>' in html
    assert '<option value="7">7 days</option>' in html
    assert '<option value="30">' not in html  # the site's longest is the default, ""


def test_asking_from_a_full_link_reaches_the_giver(
    app, subscriber, subscriber_client, auth, gifted, client
):
    link = local_path(give(auth, gifted, people="1").get_json()["url"])
    show_as(app.test_client(), link)
    latecomer = app.test_client()
    html = open_as(latecomer, link).get_data(as_text=True)
    token = link.removeprefix("/g/")
    assert f'name="gift" value="{token}"' in html
    csrf = html.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    response = latecomer.post(
        f"/articles/{gifted.slug}/gift/ask", data={"gift": token, "csrf_token": csrf}
    )
    assert response.status_code == 303
    assert my_gift(client)["requests"] == 1


def test_giving_a_full_link_again_gives_a_new_link_for_new_people(
    app, subscriber, subscriber_client, auth, gifted, client
):
    first = local_path(give(auth, gifted, people="1").get_json()["url"])
    show_as(app.test_client(), first)
    again = give(auth, gifted).get_json()
    assert (again["created"], again["used"]) == (False, 1)  # the same slot
    second = local_path(again["url"])
    assert second != first
    assert SENTINEL in show_as(app.test_client(), second).get_data(as_text=True)
    assert my_gift(client)["opens"] == 2  # everyone who opened the gift
