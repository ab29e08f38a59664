"""A real Varnish (deploy/varnish/newsroom.vcl) in front of two app servers: public pages are
kept and shared, the locked body and everything personal never are, and an editor's change
reaches the very next reader through the purge.

These run on SQLite only: they test what the cache keeps and passes, which is the same on
either database, and the app servers share the test's database through its file."""

import http.client
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from newsroom.desk import publishing
from newsroom.extensions import db
from newsroom.gifting import giving
from newsroom.gifting.policy import gift_policy
from newsroom.models import PendingPurge, User
from scripts.varnish import varnish_available, varnish_server
from tests.conftest import POSTGRES_URL, make_test_app
from tests.helpers import FAST_HASH, PASSWORD, SENTINEL, now_utc
from tests.servers import gunicorn_server
from tests.visitor import Visitor

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(bool(POSTGRES_URL), reason="what the cache keeps is database-neutral"),
    pytest.mark.skipif(not varnish_available(), reason="needs varnish and varnish-modules"),
]

SECRET_KEY = "test-secret-key-that-is-long-enough-000"  # make_test_app's: sessions work across
MIDDLE = "Middle paragraph number 1 for subscribers."


class Answer(NamedTuple):
    status: int
    headers: http.client.HTTPMessage
    text: str

    @property
    def cache(self) -> str | None:
        return self.headers.get("X-Cache")

    @property
    def sets_cookie(self) -> bool:
        return bool(self.headers.get_all("Set-Cookie"))


def fetch(
    base: str,
    path: str,
    method: str = "GET",
    headers: dict | None = None,
    source: str = "127.0.0.1",
) -> Answer:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=60, source_address=(source, 0)
    )
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read().decode())
    finally:
        connection.close()


@pytest.fixture(scope="module")
def database_url(tmp_path_factory) -> str:
    """One database for the module: its app servers start once and read the tests' rows."""
    url = f"sqlite:///{tmp_path_factory.mktemp('varnish') / 'test.sqlite3'}"
    app = make_test_app(url)
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return url


@pytest.fixture(scope="module")
def app_servers(database_url, tmp_path_factory) -> Iterator[list[str]]:
    env = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET_KEY,
        "NEWSROOM_SITE_URL": "http://newsroom.test",
        "NEWSROOM_PASSWORD_HASH_METHOD": FAST_HASH,
    }
    logs = tmp_path_factory.mktemp("gunicorn")
    with (
        gunicorn_server(env, workers=1, log_path=logs / "one.log") as one,
        gunicorn_server(env, workers=1, log_path=logs / "two.log") as two,
    ):
        yield [one, two]


@pytest.fixture
def cache(app_servers, tmp_path) -> Iterator[str]:
    """A fresh, empty cache in front of the module's app servers."""
    with varnish_server(app_servers, tmp_path / "varnish") as base:
        yield base


@pytest.fixture
def app_config(cache) -> dict:
    """The test's own app (CLI and fixtures) purges the test's cache."""
    return {"CACHE_PURGE_URLS": cache}


def twice(cache: str, path: str, headers: dict | None = None) -> tuple[Answer, Answer]:
    return fetch(cache, path, headers=headers), fetch(cache, path, headers=headers)


def logged_in(cache: str, email: str) -> dict:
    """Headers of a browser that logged in through the cache."""
    visitor = Visitor(cache)
    assert visitor.log_in(email, PASSWORD) == 302
    assert "session" in visitor.cookies
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in visitor.cookies.items())}


def test_cache_keeps_a_public_page_for_the_next_anonymous_reader(cache, make_article):
    article = make_article(locked=False, section="Economy")
    for path in [
        "/",
        f"/articles/{article.slug}",
        "/sections/economy",
        f"/authors/{article.author.slug}",
        "/search?q=headline",
        "/feed.xml",
        "/sitemap.xml",
    ]:
        first, second = twice(cache, path)
        assert first.status == second.status == 200, path
        assert (first.cache, second.cache) == ("MISS", "HIT"), path
        assert second.text == first.text


def test_cache_never_keeps_the_locked_body(cache, make_article, make_user):
    article = make_article()
    path = f"/articles/{article.slug}"
    subscriber = logged_in(cache, make_user(digital_plus=True).email)
    own = fetch(cache, path, headers={"Cookie": subscriber["Cookie"]})
    assert SENTINEL in own.text  # the control: the body is there to leak
    first, second = twice(cache, path)
    json_first, json_second = twice(cache, f"{path}?format=json")
    assert second.cache == "HIT"  # the JSON shape may be kept or not; it never leaks either way
    for answer in (first, second, json_first, json_second):
        assert SENTINEL not in answer.text and MIDDLE not in answer.text


def test_cache_passes_a_logged_in_reader_to_their_own_page(cache, make_article, make_user):
    article = make_article()
    path = f"/articles/{article.slug}"
    assert twice(cache, path)[1].cache == "HIT"
    subscriber = make_user(digital_plus=True)
    headers = logged_in(cache, subscriber.email)
    for _ in range(2):
        own = fetch(cache, path, headers=headers)
        assert own.status == 200
        assert own.cache == "PASS"
        assert SENTINEL in own.text and "Log out" in own.text
    remembered = {"Cookie": "remember_token=anything"}
    assert fetch(cache, path, headers=remembered).cache == "PASS"


def test_cache_passes_a_gift_link(app, cache, make_article, make_user):
    article = make_article()
    assert twice(cache, f"/articles/{article.slug}")[1].cache == "HIT"
    with app.app_context():
        giver = db.session.get(type(make_user()), make_user(digital_plus=True).id)
        gift = giving.give(db.session, giver, article, datetime.now(UTC), gift_policy())
        db.session.commit()
    gift_path = f"/articles/{article.slug}?gift={gift.token}"
    for _ in range(2):
        opened = fetch(cache, gift_path)
        assert opened.status == 200
        assert opened.cache == "PASS"
        assert SENTINEL in opened.text


def article_file(folder: Path, slug: str, title: str) -> Path:
    published = (datetime.now(UTC) - timedelta(minutes=5)).isoformat(timespec="seconds")
    path = folder / f"{slug}.md"
    path.write_text(
        f'---\nslug: {slug}\ntitle: "{title}"\nlead: A lead.\nsection: Debate\n'
        f"kind: commentary\nauthor: Mette Skov\nauthor_title: economist\nlanguage: en\n"
        f"published_at: {published}\nlocked: true\n---\nThe opening paragraph.\n\n"
        f"Deep in the piece: {SENTINEL}.\n",
        encoding="utf-8",
    )
    return path


def test_editor_change_is_seen_by_the_next_request_through_the_cache(app, cache, tmp_path):
    runner = app.test_cli_runner()
    source = article_file(tmp_path, "harbour-ledger", "The harbour keeps its ledger")
    assert runner.invoke(args=["newsroom", "import", str(source)]).exit_code == 0
    pages = ["/", "/articles/harbour-ledger", "/sections/debate", "/feed.xml"]
    for path in pages:
        kept = twice(cache, path)[1]
        assert kept.cache == "HIT" and "The harbour keeps its ledger" in kept.text, path

    article_file(tmp_path, "harbour-ledger", "The harbour loses its ledger")
    result = runner.invoke(args=["newsroom", "import", str(source)])
    assert result.exit_code == 0, result.output

    for path in pages:
        fresh = fetch(cache, path)
        assert fresh.cache == "MISS", path
        assert "The harbour loses its ledger" in fresh.text, path
        assert "The harbour keeps its ledger" not in fresh.text, path
    with app.app_context():
        assert db.session.scalar(select(func.count(PendingPurge.id))) == 0


def test_no_kept_response_sets_a_cookie(cache, make_article):
    article = make_article(locked=False)
    hits = 0
    for path in ["/", f"/articles/{article.slug}", "/login", "/register", "/feed.xml"]:
        first, second = twice(cache, path)
        for answer in (first, second):
            if answer.cache == "HIT":
                hits += 1
                assert not answer.sets_cookie, path
        if first.sets_cookie:
            assert second.cache != "HIT", path
    login = fetch(cache, "/login")
    assert login.sets_cookie and login.cache == "PASS"  # a page with a form is never kept
    assert hits >= 3


def test_purge_only_from_an_allowed_address(cache, make_article):
    article = make_article(locked=False)
    path = f"/articles/{article.slug}"
    assert twice(cache, path)[1].cache == "HIT"
    purge = {"xkey": f"article-{article.id}"}
    assert fetch(cache, "/", "PURGE", purge, source="127.0.0.2").status == 403
    assert fetch(cache, path).cache == "HIT"
    assert fetch(cache, "/", "PURGE", purge).status == 200
    assert fetch(cache, path).cache == "MISS"


def test_cache_keeps_one_copy_per_language(cache, make_article):
    make_article(locked=False)
    danish = twice(cache, "/", {"Accept-Language": "da-DK,da;q=0.9,en;q=0.8"})
    assert danish[1].cache == "HIT" and "Log ind" in danish[1].text
    english = fetch(cache, "/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert english.cache == "MISS" and "Log in" in english.text
    # The reader's choice wins over the browser's, and shares the kept copy of its language.
    chosen = fetch(cache, "/", headers={"Accept-Language": "en-US", "Cookie": "lang=da"})
    assert chosen.cache == "HIT" and "Log ind" in chosen.text
    # Any other language is the site's English, kept once.
    assert fetch(cache, "/", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).cache == "HIT"


@pytest.mark.parametrize("change", ["lock", "unpublish"])
def test_a_desk_change_empties_the_shared_cache_at_once(
    app, cache, make_article, make_user, change
):
    """L8 through a real Varnish: the desk's own operations, committed, purge every copy (a
    schedule change's purges: tests/desk/test_scheduled_purge.py)."""
    article = make_article(locked=False)
    editor = make_user(verified=True)
    path = f"/articles/{article.slug}"
    kept = twice(cache, path)[1]
    assert kept.cache == "HIT" and "The opening paragraph anyone may read." in kept.text
    assert twice(cache, "/")[1].cache == "HIT"
    with app.app_context():
        user = db.session.get(User, editor.id)
        user.role = "editor"
        now = now_utc()
        if change == "lock":
            publishing.set_locked(db.session, user, article.id, True, now)
        else:
            publishing.unpublish(db.session, user, article.id, now)
        db.session.commit()
    fresh = fetch(cache, path)
    assert fresh.cache != "HIT"
    if change == "lock":
        assert "This article requires Digital+" in fresh.text
    else:
        assert fresh.status == 404
        assert article.headline not in fetch(cache, "/").text
