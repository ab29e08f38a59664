"""Purges after an editor's change: sent once the change commits, to every cache named in
CACHE_PURGE_URLS, never for a change rolled back, and kept for the cache worker when a
cache does not take them."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from newsroom.core.signals import article_changed
from newsroom.delivery import purge
from newsroom.extensions import db
from newsroom.models import Article, PendingPurge
from scripts.loopback import free_port


class PurgeRecorder:
    """A stand-in cache on loopback that records the xkey header of every PURGE."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.keys: list[str] = []
        self.server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_PURGE(self) -> None:  # noqa: N802 (the HTTP method's name)
                recorder.keys.append(self.headers["xkey"])
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def purged(self) -> set[str]:
        return {key for header in self.keys for key in header.split()}


@pytest.fixture
def caches() -> Iterator[list[PurgeRecorder]]:
    recorders = [PurgeRecorder(), PurgeRecorder()]
    for recorder in recorders:
        recorder.start()
    yield recorders
    for recorder in recorders:
        recorder.stop()


def change(slug: str) -> int:
    """An editor's change in the making: the article changed, not yet committed."""
    article = db.session.scalar(select(Article).where(Article.slug == slug))
    article.headline = "A new headline"
    article_changed.send(article, session=db.session)
    return article.id


def expected_keys(app, article_id: int) -> set[str]:
    with app.app_context():
        return set(purge.keys_for(db.session.get(Article, article_id)))


def test_purge_is_sent_to_every_cache_after_the_commit(app, caches, make_article):
    article = make_article()
    app.config["CACHE_PURGE_URLS"] = ",".join(c.url for c in caches)
    with app.app_context():
        change(article.slug)
        assert caches[0].keys == []  # nothing before the change is visible to readers
        db.session.commit()
    wanted = {f"article-{article.id}", "section-debate", f"author-{article.author_id}", "listing"}
    assert wanted == expected_keys(app, article.id)
    assert [c.purged() for c in caches] == [wanted, wanted]


def test_purge_waits_for_the_whole_transaction(app, caches, make_article):
    article = make_article()
    app.config["CACHE_PURGE_URLS"] = caches[0].url
    with app.app_context():
        with db.session.begin_nested():
            change(article.slug)
        assert caches[0].keys == []  # a savepoint is not yet the editor's commit
        db.session.commit()
    assert f"article-{article.id}" in caches[0].purged()


def test_no_purge_for_a_change_rolled_back(app, caches, make_article):
    article = make_article()
    app.config["CACHE_PURGE_URLS"] = caches[0].url
    with app.app_context():
        change(article.slug)
        db.session.rollback()
        db.session.commit()
    assert caches[0].keys == []


def test_purge_a_cache_did_not_take_is_sent_by_the_cache_worker(app, app_clock, make_article):
    article = make_article()
    down = PurgeRecorder()  # not started: nothing listens on its port yet
    app.config["CACHE_PURGE_URLS"] = down.url
    with app.app_context():
        change(article.slug)
        db.session.commit()
        kept = db.session.scalars(select(PendingPurge)).all()
        assert [(p.url, p.attempts) for p in kept] == [(down.url, 1)]

    runner = app.test_cli_runner()
    assert "0 sent, 0 to retry" in runner.invoke(args=["newsroom", "cache-worker", "--once"]).output
    app_clock.advance(seconds=purge.RETRY_FIRST.total_seconds())
    assert "0 sent, 1 to retry" in runner.invoke(args=["newsroom", "cache-worker", "--once"]).output

    down.start()
    try:
        app_clock.advance(minutes=5)
        result = runner.invoke(args=["newsroom", "cache-worker", "--once"])
        assert "1 sent, 0 to retry" in result.output
    finally:
        down.stop()
    assert down.purged() == expected_keys(app, article.id)
    with app.app_context():
        assert db.session.scalars(select(PendingPurge)).all() == []


def test_kept_purge_older_than_any_kept_page_is_dropped(app, app_clock, make_article):
    article = make_article()
    app.config["CACHE_PURGE_URLS"] = PurgeRecorder().url
    with app.app_context():
        change(article.slug)
        db.session.commit()
    app_clock.advance(seconds=purge.GIVE_UP_AFTER.total_seconds() + 1)
    with app.app_context():
        assert purge.retry_due(db.session, app_clock.now).sent == 0
        db.session.commit()
        assert db.session.scalars(select(PendingPurge)).all() == []


def test_many_keys_go_in_headers_a_cache_takes():
    keys = [f"article-{n}" for n in range(2000)]
    headers = list(purge.key_headers(keys))
    assert len(headers) > 1
    assert all(len(header) <= purge.MAX_KEYS_LENGTH for header in headers)
    assert sorted(key for header in headers for key in header.split()) == sorted(keys)
