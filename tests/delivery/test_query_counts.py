"""Every page makes a fixed number of SQL statements, whatever the number of articles, and
every lookup it makes is served by an index.

Figures measured on SQLite and PostgreSQL (queries per request, transaction control not
counted; the same at 10 and at 1,000 articles): front page 2 anonymous (articles with their
authors, top jobs), 3 for a Digital+ subscriber (+ the user with Digital+ status); locked article
2 anonymous, 3 registered, 4 Digital+ (+ the gift allowance); free article 2 anonymous;
feed.xml 1; sitemap.xml 1.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, insert, select, text

from newsroom.extensions import db
from newsroom.models import Article, Author
from tests.conftest import POSTGRES_URL
from tests.helpers import SENTINEL

TRANSACTION_CONTROL = re.compile(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.I)
SCENARIOS = ["front-anonymous", "front-subscriber", "locked-anonymous", "locked-registered"]
SCENARIOS += ["locked-subscriber", "free-anonymous", "feed", "sitemap"]


@contextmanager
def counting(app) -> Iterator[list[str]]:
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def record(_conn, _cursor, statement, _params, _context, _many) -> None:
        # SQLite's BEGIN goes through the cursor, PostgreSQL's does not: count only queries.
        if not TRANSACTION_CONTROL.match(statement):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def add_articles(app, count: int, start: int) -> None:
    """Core inserts in one statement: fast enough for thousands of rows."""
    now = datetime.now(UTC)
    with app.app_context():
        author_id = db.session.scalar(select(Author.id))
        rows = [
            {
                "slug": f"bulk-{start + i}",
                "section": "Debate",
                "kind": "commentary",
                "headline": f"Bulk headline {start + i}",
                "lead": "A lead.",
                "author_id": author_id,
                "language": "en",
                "published_at": now - timedelta(days=1, minutes=start + i),
                "locked": i % 2 == 0,
                "is_published": True,
                "teaser_html": "<p>Teaser.</p>",
                "rest_html": f"<p>{SENTINEL}</p>",
                "word_count": 3,
                "created_at": now,
                "updated_at": now,
            }
            for i in range(count)
        ]
        db.session.execute(insert(Article), rows)
        db.session.commit()


@pytest.fixture
def site(app, client, auth, make_user, make_article):
    """A reader set up for a scenario; returns the path to fetch."""
    locked = make_article(slug="the-locked-one", published_at=datetime.now(UTC))
    free = make_article(slug="the-free-one", locked=False, published_at=datetime.now(UTC))

    def prepare(scenario: str) -> str:
        if scenario.endswith("registered"):
            auth.login(make_user().email)
        if scenario.endswith("subscriber"):
            auth.login(make_user(digital_plus=True).email)
        return {
            "front": "/",
            "locked": f"/articles/{locked.slug}",
            "free": f"/articles/{free.slug}",
            "feed": "/feed.xml",
            "sitemap": "/sitemap.xml",
        }[scenario.split("-")[0]]

    return prepare


def statements_for(app, client, path: str) -> int:
    with counting(app) as statements:
        response = client.get(path)
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_query_count_same_for_10_and_1000_articles(app, client, site, scenario, record_property):
    path = site(scenario)
    add_articles(app, 8, start=0)
    client.get(path)  # a reader's first open of the day also records the read: once a day
    at_10 = statements_for(app, client, path)
    add_articles(app, 990, start=8)
    at_1000 = statements_for(app, client, path)
    record_property("statements", at_10)
    print(f"{scenario}: {at_10} statements at 10 articles, {at_1000} at 1,000")
    assert at_1000 == at_10


# Index use (SQLite's planner says plainly whether it scans a table)

PLANNED = ["front-anonymous", "front-subscriber", "locked-registered", "locked-subscriber", "feed"]
PLANNED += ["sitemap"]


def plans(app, client, path: str) -> list[str]:
    captured: list[tuple[str, object]] = []
    with app.app_context():
        engine = db.engine

    def record(_conn, _cursor, statement, params, _context, _many) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, params))

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    lines = []
    with app.app_context():
        connection = db.session.connection()
        for statement, params in captured:
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)
            lines += [f"{row[-1]}   <- {statement}" for row in rows]
    return lines


def unindexed(line: str) -> bool:
    """A full scan or sort of a stored table. Scanning a derived table (SQLite names it
    anon_N) is not one: its own source lines are checked too; and sorting the groups of
    an aggregate (the reader's history, the week's read counts) is bounded by that set."""
    detail, statement = line.split("   <- ")
    if detail.startswith("SCAN anon_"):
        return False
    scans_table = detail.startswith("SCAN ") and "USING" not in detail
    aggregate = "count(" in statement or "sum(" in statement
    sorts = "TEMP B-TREE" in detail and not aggregate
    return scans_table or sorts


@pytest.mark.skipif(bool(POSTGRES_URL), reason="reads SQLite's query planner")
@pytest.mark.parametrize("scenario", PLANNED)
def test_query_plan_uses_indexes(app, client, site, scenario):
    path = site(scenario)
    add_articles(app, 200, start=0)
    assert [line for line in plans(app, client, path) if unindexed(line)] == []


@pytest.mark.skipif(bool(POSTGRES_URL), reason="reads SQLite's query planner")
def test_query_plan_later_front_page_uses_indexes(app, client):
    add_articles_with_author(app, 200)
    assert [line for line in plans(app, client, "/?page=3") if unindexed(line)] == []


def add_articles_with_author(app, count: int) -> None:
    with app.app_context():
        db.session.add(Author(name="Bulk Writer", title="columnist"))
        db.session.commit()
    add_articles(app, count, start=0)


@pytest.mark.skipif(bool(POSTGRES_URL), reason="reads SQLite's query planner")
def test_query_plan_article_by_slug_searches_articles(app, client, site):
    site("locked-anonymous")
    add_articles(app, 200, start=0)
    lines = plans(app, client, "/articles/the-locked-one")
    article_lines = [line for line in lines if " articles" in line.split("   <- ")[0]]
    assert article_lines
    assert all(line.startswith("SEARCH articles") for line in article_lines)


def test_query_helper_counts_statements(app, client):
    with counting(app) as statements, app.app_context():
        db.session.execute(text("SELECT 1"))
    assert len(statements) == 1
