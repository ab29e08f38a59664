"""Public pages (delivery/public.py): the same bytes for every anonymous reader, the headers
any HTTP cache keys on, one kept copy per canonical address and language (N4), links that
no request header can bend (N1), and health checks and static files that touch nothing (N8).
"""

import re
import tracemalloc

import pytest
from flask import request_started

from newsroom.delivery.keys import keys_for
from newsroom.delivery.store import ByteBoundStore
from newsroom.extensions import db
from newsroom.models import Article
from newsroom.search import indexing
from tests.conftest import make_test_app
from tests.helpers import CSRF_META, SENTINEL

PUBLIC_HEADER = re.compile(r"public, max-age=0, s-maxage=\d+$")


@pytest.fixture
def app_config() -> dict:
    return {"PAGE_CACHE_SECONDS": 3600}


@pytest.fixture
def site(make_article):
    article = make_article(slug="a-piece", headline="A public piece", section="Debate")
    other = make_article(slug="other-piece", headline="Another piece", locked=False)
    return article, other


def reached_flask(app, client, path: str, **kwargs) -> tuple:
    """The response, and whether Flask itself answered (not the embedded store)."""
    seen: list = []
    with request_started.connected_to(lambda *_a, **_k: seen.append(1), app):
        response = client.get(path, **kwargs)
    return response, bool(seen)


def kept_count(app) -> int:
    return len(app.extensions["newsroom.page_cache"].pages)


PUBLIC_PATHS = [
    "/",
    "/articles/a-piece",
    "/sections/debate",
    "/sections/debate/feed.xml",
    "/search?q=piece",
    "/feed.xml",
    "/sitemap.xml",
]


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_pages_are_public_carry_no_token_and_set_no_cookie(app, site, path):
    first = app.test_client().get(path)
    second = app.test_client().get(path)
    for response in (first, second):
        assert response.status_code == 200
        assert PUBLIC_HEADER.match(response.headers["Cache-Control"]), path
        assert response.headers["Vary"] == "Accept-Language, Cookie"
        assert response.headers["Surrogate-Key"]
        assert "Set-Cookie" not in response.headers
        text = response.get_data(as_text=True)
        assert CSRF_META.search(text) is None
        assert "csrf_token" not in text
        assert SENTINEL not in text
    assert first.get_data() == second.get_data()


def test_an_author_page_is_public_under_its_authors_key(app, client, site):
    article, _other = site
    with app.app_context():
        author = db.session.get(Article, article.id).author
        path, author_id = f"/authors/{author.slug}", author.id
    response = client.get(path)
    assert PUBLIC_HEADER.match(response.headers["Cache-Control"])
    keys = response.headers["Surrogate-Key"].split()
    assert {f"author-{author_id}", "listing", f"article-{article.id}"} <= set(keys)


def test_surrogate_keys_name_every_article_section_author_and_listing(app, client, site):
    article, other = site
    page = client.get("/articles/a-piece")
    keys = set(page.headers["Surrogate-Key"].split())
    assert {f"article-{article.id}", "section-debate", "listing"} <= keys
    assert any(key.startswith("author-") for key in keys)
    assert f"article-{other.id}" in keys  # in the sidebar
    front = set(client.get("/").headers["Surrogate-Key"].split())
    assert {f"article-{article.id}", f"article-{other.id}", "listing"} <= front


def test_keys_for_an_article_are_its_page_section_author_and_listings(app, site):
    article, _other = site
    with app.app_context():
        row = db.session.get(Article, article.id)
        keys = keys_for(row)
        page_keys = set(app.test_client().get("/articles/a-piece").headers["Surrogate-Key"].split())
    assert keys == [f"article-{row.id}", "section-debate", f"author-{row.author_id}", "listing"]
    assert set(keys) <= page_keys


def test_logged_in_readers_and_gift_links_get_private_pages_never_a_kept_copy(
    app, site, subscriber_client
):
    for path in ("/", "/articles/a-piece", "/sections/debate", "/search?q=piece"):
        app.test_client().get(path)  # kept for anonymous readers
        response, rendered = reached_flask(app, subscriber_client, path)
        assert rendered, path
        assert response.headers["Cache-Control"] == "private, no-store"
        assert "Log out" in response.get_data(as_text=True)
    anonymous = app.test_client()
    response, rendered = reached_flask(app, anonymous, "/articles/a-piece?gift=x.y.z")
    assert rendered
    assert response.headers["Cache-Control"] == "private, no-store"


def test_the_language_switch_is_a_link_that_sets_only_the_language_cookie(app, client, site):
    html = client.get("/articles/a-piece").get_data(as_text=True)
    assert 'href="/language/da?next=/articles/a-piece"' in html
    response = client.get("/language/da", query_string={"next": "/articles/a-piece"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/articles/a-piece"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert client.get_cookie("lang").value == "da"
    assert (
        client.get("/language/da", query_string={"next": "//evil.example/"}).headers["Location"]
        == "/"
    )


# ---- N4: one kept copy per canonical address and language; a hard bound in bytes --------


@pytest.mark.parametrize(
    "query, status",
    [
        ("?page=0001", 404),
        ("?page=%D9%A1", 404),  # an Arabic-Indic one: a digit to isdecimal(), not to us
        ("?page=1", 200),
        ("?page=01", 404),
        ("?utm_source=mail", 200),
        ("?order=newest", 200),
    ],
)
def test_other_spellings_of_the_front_page_are_never_kept(app, site, query, status):
    app.test_client().get("/")
    before = kept_count(app)
    for _ in range(2):
        response, rendered = reached_flask(app, app.test_client(), "/" + query)
        assert response.status_code == status
        assert rendered
        assert "public" not in response.headers["Cache-Control"]
    assert kept_count(app) == before


@pytest.mark.parametrize(
    "query",
    ["?q=piece&order=best", "?q=piece&order=junk", "?order=newest&q=piece", "?q=piece&q=piece",
     "?q=+piece", "?q=piece&page=1", "?q=piece&x=1"],
)  # fmt: skip
def test_other_spellings_of_a_search_are_never_kept(app, site, query):
    app.test_client().get("/search?q=piece")
    before = kept_count(app)
    response = app.test_client().get("/search" + query)
    assert response.status_code in (200, 404)
    assert "public" not in response.headers["Cache-Control"]
    assert kept_count(app) == before


def test_the_sites_own_links_to_other_pages_of_a_listing_are_kept(app, client, make_article):
    for number in range(3):
        article = make_article(headline=f"Piece {number}")
        with app.app_context():
            indexing.index_article(db.session, db.session.get(Article, article.id))
            db.session.commit()
    app.config["SEARCH_PER_PAGE"] = 1
    html = client.get("/search?q=piece&order=newest").get_data(as_text=True)
    (older,) = re.findall(r'rel="next" href="([^"]+)"', html)
    older = older.replace("&amp;", "&")
    assert older == "/search?q=piece&order=newest&page=2"
    assert PUBLIC_HEADER.match(client.get(older).headers["Cache-Control"])


def test_the_store_never_holds_more_bytes_than_its_bound(app, site):
    limit = 200_000
    pages = app.extensions["newsroom.page_cache"].pages
    pages.limit = limit
    client = app.test_client()
    page_size = len(client.get("/search?q=word0").get_data())
    count = 3 * limit // page_size  # three times what fits
    for number in range(count):
        response = client.get(f"/search?q=word{number}")
        assert PUBLIC_HEADER.match(response.headers["Cache-Control"])
        assert pages.used <= limit
    assert 0 < len(pages) < count
    assert pages.used <= limit


def test_a_byte_bound_store_keeps_its_memory_under_the_bound():
    limit = 1_000_000
    store = ByteBoundStore(limit)
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        for number in range(4_000):  # 4 MB offered
            body = bytes(1000) + str(number).encode()
            store.put(("/search", f"q={number}", "en", "en_GB"), body, len(body) + 40)
        held = tracemalloc.get_traced_memory()[0] - baseline
    finally:
        tracemalloc.stop()
    assert store.used <= limit
    assert held < limit


# ---- N1: no request header changes a link the site builds ------------------------------


def test_a_script_name_never_reaches_a_link_kept_or_not(app, site):
    hostile = {"SCRIPT_NAME": "//evil.example"}
    headers = {"X-Forwarded-Prefix": "//evil.example", "X-Script-Name": "//evil.example"}
    for path in ("/", "/articles/a-piece", "/sections/debate"):
        response = app.test_client().get(path, environ_overrides=hostile, headers=headers)
        assert "//evil.example" not in response.get_data(as_text=True), path
        later = app.test_client().get(path)
        assert "//evil.example" not in later.get_data(as_text=True), path


# ---- N8: health checks and static files touch nothing -------------------------------------


def test_health_checks_and_static_files_create_no_database_file(tmp_path):
    path = tmp_path / "absent" / "newsroom.sqlite3"
    path.parent.mkdir()
    app = make_test_app(f"sqlite:///{path}")
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/static/css/site.css").status_code == 200
    assert client.get("/readyz").status_code == 503
    assert list(path.parent.iterdir()) == []
