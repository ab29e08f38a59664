"""Recommended for you: the reader's sections and authors, unread; else most read or newest."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from newsroom.extensions import db
from newsroom.models import Article, ArticleRead, Author, DailyArticleViews, ReadingListItem
from newsroom.reading import recommendations
from newsroom.reading.recommendations import Source
from tests.helpers import Auth

TZ = "Europe/Copenhagen"


def now() -> datetime:
    return datetime.now(UTC)


def mark_read(app, user_id: int, *articles: Article) -> None:
    with app.app_context():
        for article in articles:
            at = now() - timedelta(days=1)
            db.session.add(
                ArticleRead(
                    user_id=user_id,
                    article_id=article.id,
                    first_read_at=at,
                    last_read_at=at,
                    last_read_on=at.date(),
                )
            )
        db.session.commit()


def mark_saved(app, user_id: int, article: Article) -> None:
    with app.app_context():
        db.session.add(ReadingListItem(user_id=user_id, article_id=article.id, saved_at=now()))
        db.session.commit()


def picks(app, user_id: int | None, exclude_id: int | None = None) -> list[int]:
    with app.app_context():
        fallback = lambda: recommendations.popular(db.session, now(), TZ)  # noqa: E731
        result = recommendations.recommend(db.session, user_id, now(), fallback, exclude_id)
        return [t.id for t in result.items]


def source(app, user_id: int | None) -> Source:
    with app.app_context():
        fallback = lambda: recommendations.popular(db.session, now(), TZ)  # noqa: E731
        return recommendations.recommend(db.session, user_id, now(), fallback).source


def test_personal_offers_unread_articles_from_read_sections(app, make_user, make_article):
    user = make_user()
    read = make_article(section="Economy", author="Writer One")
    unread = make_article(section="Economy", author="Writer Two")
    make_article(section="Culture", author="Writer Three")
    mark_read(app, user.id, read)
    assert picks(app, user.id) == [unread.id]


def test_personal_never_offers_what_was_read(app, make_user, make_article):
    user = make_user()
    read = [make_article(section="Economy") for _ in range(4)]
    fresh = make_article(section="Economy")
    mark_read(app, user.id, *read)
    chosen = picks(app, user.id)
    assert chosen == [fresh.id]
    assert not set(chosen) & {a.id for a in read}


def test_personal_offers_articles_by_read_authors(app, make_user, make_article):
    user = make_user()
    read = make_article(section="Economy", author="Mette Lund")
    same_author = make_article(section="Culture", author="Mette Lund")
    make_article(section="Culture", author="Someone Else")
    mark_read(app, user.id, read)
    assert picks(app, user.id) == [same_author.id]


def test_personal_uses_saved_articles_as_interests(app, make_user, make_article):
    user = make_user(digital_plus=True)
    saved = make_article(section="Climate", author="Writer One")
    related = make_article(section="Climate", author="Writer Two")
    make_article(section="Sport", author="Writer Three")
    mark_saved(app, user.id, saved)
    assert related.id in picks(app, user.id)


def test_personal_leaves_out_the_current_article(app, make_user, make_article):
    user = make_user()
    read = make_article(section="Economy")
    current = make_article(section="Economy")
    other = make_article(section="Economy")
    mark_read(app, user.id, read)
    assert picks(app, user.id, exclude_id=current.id) == [other.id]


def test_personal_leaves_out_unpublished_and_future_articles(app, make_user, make_article):
    user = make_user()
    read = make_article(section="Economy")
    make_article(section="Economy", is_published=False)
    make_article(section="Economy", published_at=now() + timedelta(days=1))
    visible = make_article(section="Economy")
    mark_read(app, user.id, read)
    assert picks(app, user.id) == [visible.id]


def test_personal_offers_at_most_five_newest_first(app, make_user, make_article):
    user = make_user()
    read = make_article(section="Economy")
    candidates = [make_article(section="Economy") for _ in range(7)]
    mark_read(app, user.id, read)
    newest_first = sorted(candidates, key=lambda a: a.published_at, reverse=True)
    assert picks(app, user.id) == [a.id for a in newest_first[:5]]


def test_recommend_is_personal_for_a_reader_with_history(app, make_user, make_article):
    user = make_user()
    read = make_article(section="Economy")
    make_article(section="Economy")
    mark_read(app, user.id, read)
    assert source(app, user.id) is Source.PERSONAL


def test_recommend_reader_without_history_gets_most_read(app, make_user, make_article):
    user = make_user()
    popular = make_article()
    with app.app_context():
        db.session.add(DailyArticleViews(article_id=popular.id, day=now().date(), views=3))
        db.session.commit()
    assert source(app, user.id) is Source.MOST_READ
    assert picks(app, user.id) == [popular.id]


def test_recommend_anonymous_gets_newest_when_nothing_was_read(app, make_article):
    older = make_article(published_at=now() - timedelta(days=2))
    newer = make_article(published_at=now() - timedelta(hours=1))
    assert source(app, None) is Source.NEWEST
    assert picks(app, None) == [newer.id, older.id]


def test_recommend_fallback_leaves_out_the_current_article(app, make_article):
    current, other = make_article(), make_article()
    assert picks(app, None, exclude_id=current.id) == [other.id]


# ---- on the pages ------------------------------------------------------------------------


def test_article_page_shows_recommended_for_you(client, auth, app, make_user, make_article):
    user = make_user(digital_plus=True)
    read = make_article(section="Economy")
    suggestion = make_article(section="Economy", headline="Tariff plans for small exporters")
    current = make_article(section="Culture")
    mark_read(app, user.id, read)
    auth.login(user.email)
    html = client.get(f"/articles/{current.slug}").get_data(as_text=True)
    assert "Recommended for you" in html
    assert "Tariff plans for small exporters" in html
    assert suggestion.slug in html


def test_front_page_anonymous_shows_most_read(client, app, make_article):
    popular = make_article(headline="Everyone is reading this")
    with app.app_context():
        db.session.add(DailyArticleViews(article_id=popular.id, day=now().date(), views=3))
        db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert 'data-recommended="most_read"' in html
    assert "Most read" in html


def test_front_page_most_read_is_cached(client, app, make_article):
    app.config["SIDEBAR_CACHE_SECONDS"] = 60
    app.config["PAGE_CACHE_SECONDS"] = 0  # the sidebar's own cache: a kept page would hide it
    first = make_article(headline="First popular piece")
    client.get("/")
    second = make_article(headline="Later popular piece")
    with app.app_context():
        db.session.add(DailyArticleViews(article_id=second.id, day=now().date(), views=3))
        db.session.commit()
    side = client.get("/").get_data(as_text=True).split('<aside class="layout__side">', 1)[1]
    assert 'data-recommended="none"' in side  # still the cached answer: nothing read yet
    assert second.headline not in side and first.headline not in side


# ---- query counts ------------------------------------------------------------------------


def add_history(app, user_id: int, size: int) -> None:
    """`size` read and `size` saved articles over a few sections and many authors."""
    with app.app_context():
        authors = [Author(name=f"History Author {user_id}-{i}", title="") for i in range(size)]
        db.session.add_all(authors)
        db.session.flush()
        stamp = now() - timedelta(days=2)
        articles = [
            Article(
                slug=f"history-{user_id}-{i}",
                section=f"Section {i % 4}",
                kind="commentary",
                headline=f"History piece {i}",
                lead="A lead.",
                author_id=authors[i % size].id,
                language="en",
                published_at=stamp - timedelta(minutes=i),
                locked=False,
                teaser_html="<p>Text.</p>",
            )
            for i in range(size * 2)
        ]
        db.session.add_all(articles)
        db.session.flush()
        for article in articles[:size]:
            db.session.add(
                ArticleRead(
                    user_id=user_id,
                    article_id=article.id,
                    first_read_at=stamp,
                    last_read_at=stamp,
                    last_read_on=stamp.date(),
                )
            )
        for article in articles[size:]:
            db.session.add(ReadingListItem(user_id=user_id, article_id=article.id, saved_at=stamp))
        db.session.commit()


def count_statements(app, client, path: str) -> int:
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        response = client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert response.status_code == 200
    return len(statements)


@pytest.fixture
def readers(app, make_user, make_article):
    """Two Digital+ readers, one with a small and one with a large history, and the
    articles they are about to open (unread by both, so both pages record a read)."""
    small, large = make_user(digital_plus=True), make_user(digital_plus=True)
    add_history(app, small.id, 5)
    add_history(app, large.id, 300)
    for section in range(4):
        make_article(section=f"Section {section}", locked=True)
    with app.app_context():
        slugs = list(db.session.scalars(select(Article.slug).where(Article.locked.is_(True))))
    return small, large, slugs[0]


# Two readers' pages compared by their statements: the first would fill the caches the
# second is answered from.
RENDERED_EACH_TIME = {
    "SIDEBAR_CACHE_SECONDS": 0,
    "ARTICLE_CACHE_SECONDS": 0,
    "PAGE_CACHE_SECONDS": 0,
}


@pytest.mark.parametrize("app_config", [RENDERED_EACH_TIME])
def test_article_page_query_count_does_not_grow_with_history(app, readers):
    small, large, slug = readers
    counts = []
    for user in (small, large):
        client = app.test_client()
        Auth(client).login(user.email)
        counts.append(count_statements(app, client, f"/articles/{slug}"))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("app_config", [RENDERED_EACH_TIME])
def test_front_page_query_count_does_not_grow_with_history(app, readers):
    small, large, _ = readers
    counts = []
    for user in (small, large):
        client = app.test_client()
        Auth(client).login(user.email)
        counts.append(count_statements(app, client, "/"))
    assert counts[0] == counts[1]
