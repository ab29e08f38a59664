"""Cached article rows: editorial changes arrive on expiry, and never half-applied."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from newsroom.articles.rendering import render_body
from newsroom.extensions import db
from newsroom.models import Article
from tests.helpers import SENTINEL, locked_body

NEW_PREMIUM = "Fresh premium paragraph written for subscribers only"


@pytest.fixture
def app_config() -> dict:
    return {"ARTICLE_CACHE_SECONDS": 3600}


def relock_with_new_body(app, slug: str) -> None:
    """What a re-import does when an editor locks a piece and adds premium text."""
    rendered = render_body(f"The opening paragraph anyone may read.\n\n{NEW_PREMIUM}.")
    with app.app_context():
        db.session.execute(
            update(Article)
            .where(Article.slug == slug)
            .values(locked=True, rest_html=rendered.rest_html, updated_at=datetime.now(UTC))
        )
        db.session.commit()


def expire_cache(app) -> None:
    app.extensions.get("newsroom.cache", {}).clear()


def test_article_cache_never_shows_a_newly_locked_body_before_the_lock(app, client, make_article):
    article = make_article(locked=False, body=locked_body())
    assert SENTINEL in client.get(f"/articles/{article.slug}").get_data(as_text=True)
    relock_with_new_body(app, article.slug)
    html = client.get(f"/articles/{article.slug}").get_data(as_text=True)
    assert NEW_PREMIUM not in html


def test_article_cache_applies_the_lock_once_expired(app, client, make_article):
    article = make_article(locked=False, body=locked_body())
    client.get(f"/articles/{article.slug}")
    relock_with_new_body(app, article.slug)
    expire_cache(app)
    html = client.get(f"/articles/{article.slug}").get_data(as_text=True)
    assert NEW_PREMIUM not in html
    assert "This article requires Digital+" in html


def test_article_cache_still_hides_the_body_of_a_locked_article(app, client, make_article):
    article = make_article(locked=True)
    client.get(f"/articles/{article.slug}")
    html = client.get(f"/articles/{article.slug}").get_data(as_text=True)
    assert SENTINEL not in html


def test_article_cache_checks_publication_time_on_every_request(app, client, make_article):
    article = make_article(published_at=datetime.now(UTC) + timedelta(hours=1))
    assert client.get(f"/articles/{article.slug}").status_code == 404
    assert client.get(f"/articles/{article.slug}").status_code == 404
