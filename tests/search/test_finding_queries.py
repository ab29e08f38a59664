"""Section pages, author pages, section feeds and search make a fixed number of SQL
statements whatever the number of articles, and every lookup they make uses an index.

Figures (queries per request, transaction control not counted, the same at 50 and at 1,000
articles, SQLite and PostgreSQL), anonymous / Digital+: section page 1 / 3 (its articles with
their authors; + the user, + their saved articles), author page 2 / 4 (+ the author), section
feed 1 / 2, search 2 / 5 (a page of results and their count; + the user, + which results
matched only in the locked part, + saved articles).
"""

import pytest

from newsroom.extensions import db
from newsroom.search import indexing
from tests.conftest import POSTGRES_URL
from tests.delivery.test_query_counts import add_articles, counting, plans, unindexed

PAGES = {
    "section": "/sections/debate",
    "section-page-2": "/sections/debate?page=2",
    "author": "/authors/ada-berg",
    "feed": "/sections/debate/feed.xml",
    "search": "/search?q=bulk+headline",
    "search-newest": "/search?q=teaser&order=newest",
    "search-locked-words": "/search?q=kvartsuret",
}


@pytest.fixture
def app_config() -> dict:
    # These count the statements of rendering a page; a kept page makes none, and keeping a
    # listing adds a look-up of the next scheduled article to its render.
    return {"PAGE_CACHE_SECONDS": 0}


@pytest.fixture
def archive(app, make_article, auth, make_user):
    make_article(slug="first", section="Debate")  # makes the author the bulk rows use

    def grow(count: int, start: int) -> None:
        add_articles(app, count, start)
        with app.app_context():
            indexing.reindex_all(db.session)
            db.session.commit()

    def reader(kind: str) -> None:
        if kind == "subscriber":
            auth.login(make_user(digital_plus=True).email)

    return grow, reader


def statements_for(app, client, path: str) -> int:
    with counting(app) as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements)


@pytest.mark.parametrize("reader_kind", ["anonymous", "subscriber"])
@pytest.mark.parametrize("page", sorted(PAGES))
def test_finding_query_count_same_for_50_and_1000_articles(app, client, archive, page, reader_kind):
    grow, reader = archive
    reader(reader_kind)
    grow(50, start=0)
    path = PAGES[page]
    client.get(path)  # the header's section list is made once a minute, kept for every page
    at_50 = statements_for(app, client, path)
    grow(950, start=50)
    at_1000 = statements_for(app, client, path)
    print(f"{page} {reader_kind}: {at_50} statements at 50 articles, {at_1000} at 1,000")
    assert at_1000 == at_50


def test_finding_search_makes_two_queries_for_a_reader_without_access(app, client, archive):
    grow, _reader = archive
    grow(30, start=0)
    client.get(PAGES["search"])  # the header's kept section list
    assert statements_for(app, client, PAGES["search"]) == 2


def test_finding_section_page_makes_one_query(app, client, archive):
    grow, _reader = archive
    grow(30, start=0)
    client.get(PAGES["section"])  # the header's kept section list
    assert statements_for(app, client, PAGES["section"]) == 1


# Index use, read from SQLite's query planner


def search_lines_unindexed(line: str) -> bool:
    """A search scans its full-text index (a virtual table) and sorts the matches by rank;
    every other table it touches must be searched by key or index."""
    detail = line.split("   <- ")[0]
    if "VIRTUAL TABLE" in detail or "TEMP B-TREE" in detail:
        return False
    return detail.startswith("SCAN ")


@pytest.mark.skipif(bool(POSTGRES_URL), reason="reads SQLite's query planner")
@pytest.mark.parametrize("page", ["section", "section-page-2", "author", "feed"])
def test_finding_listing_plans_use_indexes(app, client, archive, page):
    grow, _reader = archive
    grow(200, start=0)
    lines = plans(app, client, PAGES[page])
    assert lines
    assert [line for line in lines if unindexed(line)] == []


@pytest.mark.skipif(bool(POSTGRES_URL), reason="reads SQLite's query planner")
@pytest.mark.parametrize("reader_kind", ["anonymous", "subscriber"])
@pytest.mark.parametrize("page", ["search", "search-newest", "search-locked-words"])
def test_finding_search_plans_use_the_full_text_index(app, client, archive, page, reader_kind):
    grow, reader = archive
    reader(reader_kind)
    grow(200, start=0)
    lines = plans(app, client, PAGES[page])
    assert any("VIRTUAL TABLE" in line for line in lines)
    assert [line for line in lines if search_lines_unindexed(line)] == []
