"""An article moved into the future or unpublished after it was read (I2) leaves the
"Most read" box, and with it every list, at once."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from newsroom.articles import queries
from newsroom.articles.models import visible_at
from newsroom.core import clock
from newsroom.extensions import db
from newsroom.models import Article, DailyArticleViews
from newsroom.reading import recommendations
from tests.helpers import now_utc

TZ = "Europe/Copenhagen"
pytestmark = pytest.mark.usefixtures("app_clock")  # "today" is the same day for test and app


@pytest.fixture
def read_articles(app, make_article):
    """Two articles readers opened today; the first the most."""
    hidden = make_article(headline="Read a lot, then moved")
    shown = make_article(headline="Read a little, still out")
    today = clock.local_date(now_utc(), TZ)
    with app.app_context():
        db.session.add_all(
            [
                DailyArticleViews(article_id=hidden.id, day=today, views=9),
                DailyArticleViews(article_id=shown.id, day=today, views=2),
            ]
        )
        db.session.commit()
    return hidden, shown


def change(app, article, **values) -> None:
    with app.app_context():
        db.session.execute(update(Article).where(Article.id == article.id).values(**values))
        db.session.commit()


def popular_ids(app) -> list[int]:
    with app.app_context():
        return [t.id for t in recommendations.popular(db.session, now_utc(), TZ).items]


def test_most_read_leaves_out_an_article_moved_into_the_future(app, read_articles):
    hidden, shown = read_articles
    assert popular_ids(app) == [hidden.id, shown.id]
    change(app, hidden, published_at=now_utc() + timedelta(days=2))
    assert popular_ids(app) == [shown.id]


def test_most_read_leaves_out_an_article_unpublished_after_it_was_read(app, read_articles):
    hidden, shown = read_articles
    change(app, hidden, is_published=False)
    assert popular_ids(app) == [shown.id]


@pytest.mark.parametrize("path", ["/", "/feed.xml", "/sitemap.xml"])
def test_pages_show_nothing_of_an_article_moved_into_the_future(app, client, read_articles, path):
    hidden, shown = read_articles
    change(app, hidden, published_at=now_utc() + timedelta(days=2))
    page = client.get(path).get_data(as_text=True)
    assert hidden.slug not in page
    assert shown.slug in page


def test_article_sidebar_shows_nothing_of_an_article_moved_into_the_future(
    app, client, read_articles, make_article
):
    hidden, _shown = read_articles
    change(app, hidden, published_at=now_utc() + timedelta(days=2))
    page = client.get(f"/articles/{make_article().slug}").get_data(as_text=True)
    assert 'data-recommended="most_read"' in page
    assert hidden.slug not in page


@pytest.mark.parametrize(
    ("offset", "published", "visible"),
    [
        (timedelta(hours=-1), True, True),
        (timedelta(0), True, True),  # visible from its publication time on
        (timedelta(seconds=1), True, False),  # scheduled
        (timedelta(hours=-1), False, False),  # unpublished
    ],
)
def test_a_visible_article_is_the_same_in_python_and_in_sql(
    app, make_article, offset, published, visible
):
    now = now_utc().replace(microsecond=0)
    article = make_article(published_at=now + offset)
    with app.app_context():
        db.session.execute(
            update(Article).where(Article.id == article.id).values(is_published=published)
        )
        db.session.commit()
        row = db.session.get(Article, article.id)
        assert row.is_visible(now) is visible
        in_sql = db.session.scalar(select(func.count()).where(visible_at(Article, now)))
        assert in_sql == int(visible)
        record = queries.record_by_slug(db.session, article.slug)
        assert record.is_visible(now) is visible
