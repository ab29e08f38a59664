"""Public responses kept by the embedded store (delivery/page_cache.py): never across
access, language or reader, never with a cookie or a reader's token, one copy per
canonical address, within a byte bound; an editor's import, lock change or unpublish is
seen by the very next reader."""

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask import request, request_started

from newsroom.articles import importing, queries
from newsroom.delivery import content_version
from newsroom.extensions import db
from tests.helpers import (
    BROWSER,
    CSRF_META,
    PASSWORD,
    SENTINEL,
    Auth,
    csrf_token,
    give,
    local_path,
    locked_body,
    now_utc,
)

TZ = "Europe/Copenhagen"
SLUG = "cached-piece"


@pytest.fixture
def app_config() -> dict:
    # Every cache on and long-lived: only the content version can make a change visible.
    return {
        "PAGE_CACHE_SECONDS": 3600,
        "ARTICLE_CACHE_SECONDS": 3600,
        "SIDEBAR_CACHE_SECONDS": 3600,
    }


def source_text(title="A cached piece", locked="true", published="true", body=None) -> str:
    fields = {
        "slug": SLUG,
        "title": title,
        "lead": "A lead anyone may read.",
        "section": "Debate",
        "kind": "commentary",
        "author": "Ada Berg",
        "author_title": "adviser",
        "language": "en",
        "published_at": (now_utc() - timedelta(hours=1)).isoformat(),
        "locked": locked,
        "published": published,
    }
    front = "\n".join(f"{k}: {v}" for k, v in fields.items())
    return f"---\n{front}\n---\n{body or locked_body()}\n"


def import_article(app, tmp_path, **fields) -> None:
    path = tmp_path / f"{SLUG}.md"
    path.write_text(source_text(**fields), encoding="utf-8")
    with app.app_context():
        report = importing.import_paths(db.session, [path], TZ)
        db.session.commit()
    assert not report.problems


def kept_pages(app) -> dict:
    """What the embedded store holds now, by key (path, query, language, date form)."""
    pages = app.extensions["newsroom.page_cache"].pages
    return {key: value for key, (_size, value) in pages.entries.items()}


def text_of(response) -> str:
    return response.get_data(as_text=True)


def logged_in(app, user):
    client = app.test_client()
    answer = client.post(
        "/login",
        data={
            "email": user.email,
            "password": PASSWORD,
            "csrf_token": csrf_token(client, "/login"),
        },
    )
    assert answer.status_code == 302
    return client


@contextmanager
def requests_reaching_flask(app) -> Iterator[list]:
    """The requests Flask itself handled inside the block: a kept page is answered by the
    layer in front of Flask and never shows up here."""
    seen: list = []

    def started(_sender, **_extra):
        seen.append(request.path)

    with request_started.connected_to(started, app):
        yield seen


def test_anonymous_article_page_is_kept_and_served_again(app, tmp_path):
    import_article(app, tmp_path)
    with requests_reaching_flask(app) as rendered:
        first = app.test_client().get(f"/articles/{SLUG}")
    assert first.status_code == 200
    assert rendered == [f"/articles/{SLUG}"]
    assert len(kept_pages(app)) == 1
    with requests_reaching_flask(app) as rendered:
        again = app.test_client().get(f"/articles/{SLUG}")
    assert rendered == []  # the kept copy answered
    assert again.status_code == 200
    assert "A cached piece" in text_of(again)
    assert SENTINEL not in text_of(first) + text_of(again)
    assert again.headers["Cache-Control"] == "public, max-age=0, s-maxage=3600"
    assert again.headers["Vary"] == "Accept-Language, Cookie"
    assert again.headers["Surrogate-Key"] == first.headers["Surrogate-Key"]
    assert again.get_data() == first.get_data()
    assert again.headers["Content-Security-Policy"]


def test_kept_pages_hold_no_token_cookie_or_placeholder_of_any_reader(app, tmp_path):
    import_article(app, tmp_path)
    client = app.test_client()
    page = client.get(f"/articles/{SLUG}")
    assert "Set-Cookie" not in page.headers
    assert CSRF_META.search(text_of(page)) is None
    assert 'name="csrf_token"' not in text_of(page)
    marker = app.extensions["newsroom.page_cache"].marker
    assert marker not in text_of(page)
    (kept,) = kept_pages(app).values()
    assert all(name.lower() != "set-cookie" for name, _ in kept.headers)
    assert b"csrf" not in kept.body
    # The next reader gets the same bytes, and no session either.
    other = app.test_client().get(f"/articles/{SLUG}")
    assert other.get_data() == page.get_data()
    assert "Set-Cookie" not in other.headers


def test_a_subscribers_page_never_reaches_an_anonymous_reader(app, tmp_path, make_user):
    import_article(app, tmp_path)
    subscriber = logged_in(app, make_user(digital_plus=True))
    assert SENTINEL in text_of(subscriber.get(f"/articles/{SLUG}"))
    anonymous = app.test_client().get(f"/articles/{SLUG}")
    assert SENTINEL not in text_of(anonymous)
    assert SENTINEL in text_of(subscriber.get(f"/articles/{SLUG}"))


def test_a_kept_anonymous_page_never_reaches_a_logged_in_reader(app, tmp_path, make_user):
    import_article(app, tmp_path)
    assert "Log in" in text_of(app.test_client().get(f"/articles/{SLUG}"))
    subscriber = logged_in(app, make_user(digital_plus=True))
    page = text_of(subscriber.get(f"/articles/{SLUG}"))
    assert SENTINEL in page
    assert "Log out" in page
    registered = logged_in(app, make_user())
    page = text_of(registered.get(f"/articles/{SLUG}"))
    assert SENTINEL not in page
    assert "Log out" in page


def test_a_remember_me_cookie_is_never_answered_with_the_anonymous_page(app, tmp_path, make_user):
    import_article(app, tmp_path)
    app.test_client().get(f"/articles/{SLUG}")
    user = make_user(digital_plus=True)
    browser = app.test_client()
    browser.post(
        "/login",
        data={
            "email": user.email,
            "password": PASSWORD,
            "csrf_token": csrf_token(browser, "/login"),
        },
    )
    remember = browser.get_cookie("remember_token")
    assert remember is not None
    fresh = app.test_client()  # the browser was closed: only the remember-me cookie is left
    fresh.set_cookie("remember_token", remember.value)
    assert SENTINEL in text_of(fresh.get(f"/articles/{SLUG}"))


@pytest.mark.parametrize(
    "first, second",
    [({"Accept-Language": "da"}, {"Accept-Language": "en"}), ({}, {"Accept-Language": "da"})],
)
def test_a_kept_page_never_crosses_languages(app, tmp_path, first, second):
    import_article(app, tmp_path)
    pages = {}
    for headers in (first, second, first, second):
        page = text_of(app.test_client().get(f"/articles/{SLUG}", headers=headers))
        pages.setdefault(headers.get("Accept-Language", "en"), set()).add(
            re.search(r'<html lang="([^"]+)"', page)[1]
        )
    assert pages == {lang: {lang} for lang in pages}
    danish = text_of(app.test_client().get(f"/articles/{SLUG}", headers={"Accept-Language": "da"}))
    assert "Log ind" in danish


def test_the_language_cookie_chooses_the_kept_page(app, tmp_path):
    import_article(app, tmp_path)
    chooser = app.test_client()
    answer = chooser.get("/language/da", query_string={"next": f"/articles/{SLUG}"})
    assert answer.status_code == 302
    assert '<html lang="da"' in text_of(chooser.get(f"/articles/{SLUG}"))
    english = app.test_client()
    assert '<html lang="en"' in text_of(english.get(f"/articles/{SLUG}"))
    danish = app.test_client()
    danish.set_cookie("lang", "da")
    assert '<html lang="da"' in text_of(danish.get(f"/articles/{SLUG}"))
    assert '<html lang="en"' in text_of(english.get(f"/articles/{SLUG}"))


def test_american_and_british_date_forms_are_kept_apart(app, tmp_path):
    import_article(app, tmp_path)
    british = text_of(app.test_client().get("/", headers={"Accept-Language": "en-GB"}))
    american = text_of(app.test_client().get("/", headers={"Accept-Language": "en-US"}))
    assert british != american
    assert len(kept_pages(app)) == 2


def test_an_editors_lock_is_seen_at_once(app, tmp_path):
    import_article(app, tmp_path, locked="false")
    assert SENTINEL in text_of(app.test_client().get(f"/articles/{SLUG}"))
    import_article(app, tmp_path, locked="true")
    page = text_of(app.test_client().get(f"/articles/{SLUG}"))
    assert SENTINEL not in page
    assert "This article requires Digital+" in page


def test_an_editors_unpublish_is_seen_at_once(app, tmp_path):
    import_article(app, tmp_path)
    assert app.test_client().get(f"/articles/{SLUG}").status_code == 200
    assert "A cached piece" in text_of(app.test_client().get("/"))
    import_article(app, tmp_path, published="false")
    assert app.test_client().get(f"/articles/{SLUG}").status_code == 404
    assert "A cached piece" not in text_of(app.test_client().get("/"))


def test_a_reimport_is_seen_at_once_on_every_kept_page(app, tmp_path):
    import_article(app, tmp_path)
    paths = [f"/articles/{SLUG}", "/", "/sections/debate", "/search?q=lead"]
    for path in paths:
        assert "A cached piece" in text_of(app.test_client().get(path)), path
    import_article(app, tmp_path, title="A rewritten piece")
    for path in paths:
        page = text_of(app.test_client().get(path))
        assert "A rewritten piece" in page, path
        assert "A cached piece" not in page, path


def test_every_app_server_sees_the_change(app, tmp_path, database_url, app_config):
    """Two processes' worth of caches: the version lives in the shared database."""
    from tests.conftest import make_test_app

    other = make_test_app(database_url, **app_config)
    try:
        import_article(app, tmp_path, locked="false")
        assert SENTINEL in text_of(other.test_client().get(f"/articles/{SLUG}"))
        import_article(app, tmp_path, locked="true")
        assert SENTINEL not in text_of(other.test_client().get(f"/articles/{SLUG}"))
    finally:
        with other.app_context():
            db.engine.dispose()


def test_a_gift_recipients_page_is_never_kept(app, tmp_path, make_user, auth):
    import_article(app, tmp_path)
    auth.login(make_user(digital_plus=True).email)
    given = give(auth, SimpleNamespace(slug=SLUG))
    assert given.status_code == 201
    link = local_path(given.get_json()["url"])
    recipient = app.test_client()
    page = recipient.get(link, headers={"User-Agent": BROWSER})
    assert SENTINEL in text_of(page)
    assert page.headers["Cache-Control"] == "private, no-store"
    assert kept_pages(app) == {}
    assert SENTINEL not in text_of(app.test_client().get(f"/articles/{SLUG}"))
    # The recipient's own browser (gift cookie, no token) is an anonymous reader again.
    assert SENTINEL not in text_of(recipient.get(f"/articles/{SLUG}"))


def test_unknown_parameters_and_json_are_rendered_each_time(app, tmp_path):
    import_article(app, tmp_path)
    client = app.test_client()
    client.get(f"/articles/{SLUG}?utm_source=mail")
    client.get(f"/articles/{SLUG}", headers={"Accept": "application/json"})
    client.get(f"/articles/{SLUG}?format=json")
    assert kept_pages(app) == {}


def test_flashed_messages_are_shown_and_never_kept(app, tmp_path, make_user):
    import_article(app, tmp_path)
    client = logged_in(app, make_user())
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    kept_before = set(kept_pages(app))
    assert "You are logged out." in text_of(client.get(f"/articles/{SLUG}"))
    assert set(kept_pages(app)) == kept_before
    assert "You are logged out." not in text_of(app.test_client().get(f"/articles/{SLUG}"))
    assert "You are logged out." not in text_of(client.get(f"/articles/{SLUG}"))


def test_an_anonymous_search_never_counts_locked_words_even_after_a_subscribers(
    app, tmp_path, make_user
):
    import_article(app, tmp_path)
    word = "Kvartsuret"
    subscriber = logged_in(app, make_user(digital_plus=True))
    assert SLUG in text_of(subscriber.get(f"/search?q={word}"))
    assert SLUG not in text_of(app.test_client().get(f"/search?q={word}"))
    assert SLUG not in text_of(app.test_client().get(f"/search?q={word}"))
    assert SLUG in text_of(subscriber.get(f"/search?q={word}"))


def test_a_scheduled_article_bounds_how_long_a_listing_is_kept(app, make_article):
    soon = now_utc() + timedelta(minutes=5)
    make_article(published_at=soon)
    with app.app_context():
        upcoming = queries.next_publication(db.session, now_utc())
        assert abs((upcoming - soon).total_seconds()) < 1
    app.test_client().get("/")
    (kept,) = kept_pages(app).values()
    expires = kept.expires
    # Kept until the article appears (five minutes), not for the hour the setting allows.
    assert expires - time.monotonic() < 30 * 60


def test_pages_are_rendered_each_time_when_turned_off(app, tmp_path):
    app.config["PAGE_CACHE_SECONDS"] = 0
    import_article(app, tmp_path)
    app.test_client().get(f"/articles/{SLUG}")
    assert kept_pages(app) == {}


def test_the_content_version_counts_every_import(app, tmp_path):
    with app.app_context():
        assert content_version.current(db.session) == 0
    import_article(app, tmp_path)
    import_article(app, tmp_path, locked="false")
    with app.app_context():
        assert content_version.current(db.session) == 2


def cookie_attributes(header: str) -> set[str]:
    return {part.strip().lower() for part in header.split(";")[1:]}


def test_a_forged_session_cookie_goes_to_the_app_and_gets_the_anonymous_page(app, tmp_path):
    import_article(app, tmp_path)
    app.test_client().get(f"/articles/{SLUG}")
    forged = app.test_client()
    forged.set_cookie("session", "eyJfdXNlcl9pZCI6IjEifQ.forged.signature")
    with requests_reaching_flask(app) as rendered:
        page = forged.get(f"/articles/{SLUG}")
    assert rendered == [f"/articles/{SLUG}"]  # a session cookie is never answered from the store
    assert page.status_code == 200
    assert SENTINEL not in text_of(page)
    assert "Set-Cookie" not in page.headers
    assert "Log in" in text_of(page)


def test_an_untrusted_host_is_refused_even_for_a_kept_page(app, tmp_path):
    app.config["TRUSTED_HOSTS"] = ["newsroom.test"]
    import_article(app, tmp_path)
    assert (
        app.test_client().get(f"/articles/{SLUG}", base_url="http://newsroom.test").status_code
        == 200
    )
    assert kept_pages(app)
    wrong = app.test_client().get(f"/articles/{SLUG}", base_url="http://evil.example")
    assert wrong.status_code == 400


def test_a_kept_page_is_logged_like_any_other(app, tmp_path, caplog):
    import_article(app, tmp_path)
    app.test_client().get(f"/articles/{SLUG}")
    caplog.set_level("INFO", logger="newsroom.access")
    caplog.clear()
    with requests_reaching_flask(app) as rendered:
        assert app.test_client().get(f"/articles/{SLUG}").status_code == 200
    assert rendered == []  # the kept copy answered, and logged its own line
    (line,) = [r.getMessage() for r in caplog.records if r.name == "newsroom.access"]
    assert '"endpoint": "articles.show"' in line
    assert '"user": "anonymous"' in line
    assert SENTINEL not in line


# -- the Digital+ frame: one page for every subscriber, with their own parts filled in ----


def kept(app, *kinds: str) -> list:
    """What the frames store holds of the given kinds ("frame", "part", "page")."""
    frames = app.extensions["newsroom.page_cache"].frames
    return [value for key, (_size, value) in frames.entries.items() if key[0] in kinds]


def kept_frames(app) -> list:
    return kept(app, "frame")


def test_subscribers_share_the_frame_but_get_their_own_parts(app, tmp_path, make_user):
    import_article(app, tmp_path)
    first_user, second_user = make_user(digital_plus=True), make_user(digital_plus=True)
    first, second = logged_in(app, first_user), logged_in(app, second_user)
    # The first subscriber saves the article and gives it: their page shows both.
    assert Auth(first).post(f"/reading-list/{SLUG}", json=True).status_code in (200, 201)
    given = give(Auth(first), SimpleNamespace(slug=SLUG))
    assert given.status_code == 201
    link = given.get_json()["url"]
    first_page = text_of(first.get(f"/articles/{SLUG}"))
    second_page = text_of(second.get(f"/articles/{SLUG}"))
    assert len(kept_frames(app)) == 1
    for page in (first_page, second_page):
        assert SENTINEL in page
        assert "Log out" in page
    assert 'aria-pressed="true"' in first_page
    assert 'aria-pressed="true"' not in second_page
    assert local_path(link).removeprefix("/g/") in first_page
    assert local_path(link).removeprefix("/g/") not in second_page
    first_token = CSRF_META.search(first_page)[1]
    second_token = CSRF_META.search(second_page)[1]
    assert first_token != second_token
    assert first_token not in second_page
    # Each token is its reader's own: the reading-list form accepts it.
    answer = second.post(f"/reading-list/{SLUG}", data={"csrf_token": second_token})
    assert answer.status_code in (302, 303)
    assert 'aria-pressed="true"' in text_of(second.get(f"/articles/{SLUG}"))


def test_the_subscriber_frame_never_reaches_a_reader_without_digital_plus(app, tmp_path, make_user):
    import_article(app, tmp_path)
    assert SENTINEL in text_of(
        logged_in(app, make_user(digital_plus=True)).get(f"/articles/{SLUG}")
    )
    assert kept_frames(app)
    lapsed = make_user(period=(now_utc() - timedelta(days=60), now_utc() - timedelta(days=1)))
    for client in (logged_in(app, make_user()), logged_in(app, lapsed), app.test_client()):
        page = text_of(client.get(f"/articles/{SLUG}"))
        assert SENTINEL not in page
        assert "This article requires Digital+" in page


def test_a_kept_frame_holds_no_reader_token_link_or_state(app, tmp_path, make_user):
    import_article(app, tmp_path)
    client = logged_in(app, make_user(digital_plus=True))
    page = text_of(client.get(f"/articles/{SLUG}"))
    token = CSRF_META.search(page)[1]
    frames = kept(app, "frame", "part")
    assert frames
    text = "".join(s for segments in frames for s in segments if isinstance(s, str))
    assert token not in text
    assert "session=" not in text


def test_an_editors_lock_reaches_the_subscriber_frame_at_once(app, tmp_path, make_user):
    import_article(app, tmp_path, title="First title")
    client = logged_in(app, make_user(digital_plus=True))
    assert "First title" in text_of(client.get(f"/articles/{SLUG}"))
    import_article(app, tmp_path, title="Second title")
    page = text_of(client.get(f"/articles/{SLUG}"))
    assert "Second title" in page
    assert "First title" not in page


def test_a_subscriber_frame_is_kept_per_language(app, tmp_path, make_user):
    import_article(app, tmp_path)
    client = logged_in(app, make_user(digital_plus=True))
    english = text_of(client.get(f"/articles/{SLUG}", headers={"Accept-Language": "en"}))
    danish = text_of(client.get(f"/articles/{SLUG}", headers={"Accept-Language": "da"}))
    assert '<html lang="en"' in english
    assert '<html lang="da"' in danish
    assert "Log ud" in danish
    assert len(kept_frames(app)) == 2


def test_a_subscriber_page_is_still_private_no_store(app, tmp_path, make_user):
    import_article(app, tmp_path)
    client = logged_in(app, make_user(digital_plus=True))
    client.get(f"/articles/{SLUG}")
    again = client.get(f"/articles/{SLUG}")
    assert again.headers["Cache-Control"] == "private, no-store"
    assert SENTINEL in text_of(again)


def test_the_verify_banner_is_each_readers_own(app, tmp_path, make_user):
    import_article(app, tmp_path)
    unverified = make_user(email="unsure@example.com", digital_plus=True)
    verified = make_user(email="sure@example.com", digital_plus=True, verified=True)
    for user in (unverified, verified, unverified):
        page = text_of(logged_in(app, user).get(f"/articles/{SLUG}"))
        assert SENTINEL in page
        if user is unverified:
            assert "unsure@example.com" in page
            assert "Send the link again" in page
        else:
            assert "unsure@example.com" not in page
            assert "Send the link again" not in page
    # The frame every subscriber shares never names anyone; the banner naming an address is
    # kept for its reader alone.
    frames = kept(app, "frame")
    assert "unsure@example.com" not in "".join(
        s for segments in frames for s in segments if isinstance(s, str)
    )
    store = app.extensions["newsroom.page_cache"].frames.entries
    naming = [key for key, (_size, value) in store.items() if "unsure@example.com" in str(value)]
    assert naming and all(unverified.id in key for key in naming)
