"""Purging the shared caches in front after an editor's change.

Every change to an article (the article_changed signal) adds that article's surrogate keys to
its session; when the session's transaction commits, every cache in NEWSROOM_CACHE_PURGE_URLS
gets `PURGE /` with an `xkey` header naming them, before the command or request that made the
change returns, so the very next reader through the cache sees it. A purge a cache does not
take is kept (pending_purges) for the cache worker to send again; until then the pages'
shared lifetime (s-maxage) bounds how stale they are. An article scheduled for later gets a
kept purge due at its publication time, which the cache worker sends when it comes.
"""

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.client import HTTPConnection, HTTPSConnection
from urllib.parse import urlsplit

from flask import current_app, has_app_context
from sqlalchemy import delete, event, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, SessionTransaction

from newsroom.core import clock
from newsroom.core.signals import article_changed, author_changed, section_renamed
from newsroom.delivery.keys import author_key, keys_for, section_key
from newsroom.delivery.models import PendingPurge

log = logging.getLogger("newsroom.delivery")

SESSION_SLOT = "newsroom.purge"
TIMEOUT_SECONDS = 2  # an editor waits on it; a cache that is slower gets the purge later
MAX_KEYS_LENGTH = 4000  # per xkey header: Varnish refuses headers over 8 kB by default
RETRY_FIRST = timedelta(seconds=10)  # doubles per attempt, at most RETRY_MAX
RETRY_MAX = timedelta(minutes=5)
# Past this no kept page is older than the purge: every shared lifetime is far shorter.
GIVE_UP_AFTER = timedelta(days=1)
BATCH_SIZE = 100


def purge_urls(config) -> list[str]:
    """The caches to purge: NEWSROOM_CACHE_PURGE_URLS, comma-separated."""
    return [url.strip().rstrip("/") for url in config["CACHE_PURGE_URLS"].split(",") if url.strip()]


@dataclass
class Changes:
    """The keys a session's changes touch, and the caches to tell once they commit."""

    urls: list[str]
    keys: set[str] = field(default_factory=set)


def _purge_on_commit(session: Session, keys: Iterable[str]) -> list[str]:
    """Adds `keys` to what the session's commit purges; the caches to purge (none: nothing)."""
    if not has_app_context():
        return []
    urls = purge_urls(current_app.config)
    if urls:
        session.info.setdefault(SESSION_SLOT, Changes(urls)).keys.update(keys)
    return urls


@article_changed.connect
def _article_changed(article, session: Session) -> None:
    urls = _purge_on_commit(session, keys_for(article))
    if urls:
        purge_when_it_appears(session, article, urls, clock.now())


@author_changed.connect
def _author_changed(author, session: Session) -> None:
    _purge_on_commit(session, [author_key(author.id)])


@section_renamed.connect
def _section_renamed(_section, session: Session, old_slug: str) -> None:
    _purge_on_commit(session, [section_key(old_slug)])


def purge_when_it_appears(session: Session, article, urls: list[str], now: datetime) -> None:
    """A scheduled article appears at its time without any change to purge for: keep its purge,
    due then, for the cache worker, in the editor's own transaction. Kept in the database, it
    is sent after a restart too; one left from an earlier schedule is only a purge too many.
    It counts as made at the publication time, so it is dropped a day after that (retry_due)."""
    if not article.is_published or article.published_at <= now:
        return
    at = article.published_at
    session.add_all(
        PendingPurge(url=url, keys=chunk, attempts=0, created_at=at, next_attempt_at=at)
        for url in urls
        for chunk in key_headers(keys_for(article))
    )


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: the change is not visible to readers until the whole commits
    changes = session.info.pop(SESSION_SLOT, None)
    if changes is not None:
        purge(session.get_bind(), changes.urls, changes.keys, clock.now())


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    # Only the whole transaction's end forgets the changes: a savepoint rolled back (one bad
    # file of an import) leaves the others to commit, and purging one key too many is harmless.
    if previous_transaction.parent is None:
        session.info.pop(SESSION_SLOT, None)


def purge(engine: Engine, urls: list[str], keys: Iterable[str], now: datetime) -> int:
    """Send the purge of `keys` to every cache; keep what fails for the worker. Runs after the
    commit, so it writes through a connection of its own. Returns how many sends failed."""
    failed = [
        {
            "url": url,
            "keys": chunk,
            "attempts": 1,
            "created_at": now,
            "next_attempt_at": now + RETRY_FIRST,
        }
        for url in urls
        for chunk in key_headers(keys)
        if not send(url, chunk)
    ]
    if failed:
        with engine.begin() as connection:
            connection.execute(insert(PendingPurge), failed)
    return len(failed)


def key_headers(keys: Iterable[str]) -> Iterator[str]:
    """The keys as xkey header values, each short enough for the cache to take."""
    chunk: list[str] = []
    length = 0
    for key in sorted(set(keys)):
        if chunk and length + 1 + len(key) > MAX_KEYS_LENGTH:
            yield " ".join(chunk)
            chunk, length = [], 0
        chunk.append(key)
        length += len(key) + 1
    if chunk:
        yield " ".join(chunk)


def send(url: str, keys: str) -> bool:
    """`PURGE /` to one cache with the keys in an xkey header; True when it took it."""
    parts = urlsplit(url)
    connection_class = HTTPSConnection if parts.scheme == "https" else HTTPConnection
    connection = connection_class(parts.hostname, parts.port, timeout=TIMEOUT_SECONDS)
    try:
        connection.request("PURGE", parts.path or "/", headers={"xkey": keys})
        response = connection.getresponse()
        response.read()
    except OSError as error:
        log.warning(
            "cache at %s did not take a purge (%s); the cache worker will retry", url, error
        )
        return False
    finally:
        connection.close()
    if response.status != 200:
        log.warning(
            "cache at %s refused a purge with %s; the cache worker will retry", url, response.status
        )
        return False
    return True


@dataclass
class RetryReport:
    sent: int = 0
    failed: int = 0


def retry_due(session: Session, now: datetime, limit: int = BATCH_SIZE) -> RetryReport:
    """Send the kept purges that are due again: a purge taken is done, one refused waits
    twice as long as before, and one older than any kept page is dropped."""
    report = RetryReport()
    session.execute(delete(PendingPurge).where(PendingPurge.created_at < now - GIVE_UP_AFTER))
    due = session.scalars(
        select(PendingPurge)
        .where(PendingPurge.next_attempt_at <= now)
        .order_by(PendingPurge.next_attempt_at)
        .limit(limit)
    ).all()
    for pending in due:
        if send(pending.url, pending.keys):
            session.delete(pending)
            report.sent += 1
            continue
        pending.next_attempt_at = now + min(RETRY_FIRST * 2**pending.attempts, RETRY_MAX)
        pending.attempts += 1
        report.failed += 1
    session.flush()
    return report
