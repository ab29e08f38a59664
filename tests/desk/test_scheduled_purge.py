"""Scheduled publication that cannot be missed, in the shared caches: at an article's time
the cache worker sends the purge of its pages and every listing, also after a restart, and
not a second before."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from newsroom.delivery.keys import keys_for
from newsroom.extensions import db
from newsroom.models import Article, PendingPurge
from tests.conftest import make_test_app
from tests.delivery.test_purge import PurgeRecorder
from tests.desk.conftest import MORNING


@pytest.fixture
def app_config(shared_cache) -> dict:
    return {"CACHE_PURGE_URLS": shared_cache.url}


def worker_once(app) -> str:
    result = app.test_cli_runner().invoke(args=["newsroom", "cache-worker", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def scheduled(app, editor) -> Article:
    article_id = editor.write(headline="Morning piece")
    response = editor.post(f"/desk/articles/{article_id}/schedule", {"publish_at": MORNING})
    assert response.status_code == 303
    with app.app_context():
        article = db.session.get(Article, article_id)
        db.session.expunge(article)
        return article


def test_the_cache_worker_purges_a_scheduled_article_at_its_time(
    app, app_clock, shared_cache, editor
):
    article = scheduled(app, editor)
    assert article.published_at.isoformat() == "2026-03-12T07:00:00+00:00"
    shared_cache.keys.clear()  # the schedule itself was purged at once, as every change is

    app_clock.now = article.published_at - timedelta(seconds=1)
    assert "0 sent" in worker_once(app)
    assert shared_cache.keys == []  # not a second before

    app_clock.now = article.published_at
    assert "1 sent, 0 to retry" in worker_once(app)
    assert shared_cache.purged() == set(keys_for(article)) >= {"listing", f"article-{article.id}"}
    assert "0 sent" in worker_once(app)  # sent once
    assert len(shared_cache.keys) == 1


def test_the_scheduled_purge_is_sent_by_a_worker_started_after_the_time(
    app, app_clock, shared_cache, editor, database_url
):
    article = scheduled(app, editor)
    shared_cache.keys.clear()
    # Every process stops before the time and a new one starts 50 s after it.
    app_clock.now = article.published_at + timedelta(seconds=50)
    restarted = make_test_app(database_url, CACHE_PURGE_URLS=shared_cache.url)
    try:
        assert "1 sent" in worker_once(restarted)
    finally:
        with restarted.app_context():
            db.engine.dispose()
    assert shared_cache.purged() == set(keys_for(article))


def test_a_cache_down_at_the_time_gets_the_purge_when_it_is_back(app, app_clock, editor):
    down = PurgeRecorder()  # nothing listens on its port yet
    app.config["CACHE_PURGE_URLS"] = down.url
    article = scheduled(app, editor)
    with app.app_context():
        db.session.execute(db.delete(PendingPurge).where(PendingPurge.attempts > 0))
        db.session.commit()  # the schedule's own purge, not taken: not what this test is about
    app_clock.now = article.published_at
    assert "0 sent, 1 to retry" in worker_once(app)
    down.start()
    try:
        app_clock.advance(seconds=10)
        assert "1 sent, 0 to retry" in worker_once(app)
    finally:
        down.stop()
    assert down.purged() == set(keys_for(article))


def test_no_scheduled_purge_for_an_article_out_now(app, app_clock, shared_cache, editor):
    article_id = editor.write()
    editor.post(f"/desk/articles/{article_id}/publish")
    with app.app_context():
        assert db.session.scalars(select(PendingPurge)).all() == []
