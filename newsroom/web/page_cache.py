"""Pages that are the same for every reader without access, rendered once and kept.

The front page, an article page, a section page and a search result page look the same to
every anonymous reader who asks in the same language: the only per-request piece is the
CSRF token (a reader's own, tied to their session). Such a page is rendered once with a
placeholder where the token goes, kept in this process's memory per (address, language,
date format, content version), and served to the next anonymous reader with their token
filled in, before the rest of the request machinery (limiter, view, templates) runs.

What is never kept: any page for a reader who is logged in (or carries a remember-me
cookie), a page with a gift token or any other unknown parameter, JSON, a page with flashed
messages, anything but a 200, and any response that sets a cookie or is marked no-store or
public. The content version (services.content_version) is read on every such request, so
an editor's import, lock change or unpublish is seen by the very next reader.
"""

import math
import os
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, Response, current_app, g, request, session
from flask_babel import get_locale
from flask_login import COOKIE_NAME
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError

from newsroom.extensions import db
from newsroom.services import articles, content_version
from newsroom.web.helpers import request_now, wants_json
from newsroom.web.i18n import format_locale

# The query parameters each page may carry and still be the same for everyone.
CACHEABLE: dict[str, frozenset[str]] = {
    "articles.front": frozenset({"page"}),
    "articles.show": frozenset(),
    "sections.show": frozenset({"page"}),
    "search.index": frozenset({"q", "page", "order"}),
}
# Listings change when a scheduled article's time comes; a single article does not.
LISTINGS = frozenset({"articles.front", "sections.show", "search.index"})
MAX_ADDRESS = 512  # longer addresses (a 10 kB search) are rendered each time
VERSION_KEY = "content-version"
STORED_HEADERS = ("Content-Type", "Cache-Control")


@dataclass(frozen=True)
class Page:
    parts: tuple[bytes, ...]  # the page split where the CSRF token goes
    headers: tuple[tuple[str, str], ...]


def _store() -> dict:
    return current_app.extensions.setdefault("newsroom.cache", {})


def _marker() -> str:
    """A placeholder nobody can put into an article: random per process, letters only."""
    return current_app.extensions["newsroom.page_marker"]


# -- the content version, read on one connection kept per process and thread ------------


def _read_version() -> int | None:
    """The shared content version, or None when the database cannot say (then nothing is
    served from or put into the cache)."""
    held: dict = current_app.extensions["newsroom.version_connections"]
    slot = (os.getpid(), threading.get_ident())
    connection = held.get(slot)
    try:
        if connection is None:
            connection = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            held[slot] = connection
        cursor = connection.connection.dbapi_connection.cursor()
        try:
            cursor.execute(content_version.READ_SQL)
            row = cursor.fetchone()
        finally:
            cursor.close()
    except (SQLAlchemyError, db.engine.dialect.loaded_dbapi.Error):
        held.pop(slot, None)
        if connection is not None:
            connection.invalidate()
        return None
    return row[0] if row else 0


def _close_held(app: Flask) -> None:
    held: dict = app.extensions.get("newsroom.version_connections", {})
    for slot, connection in list(held.items()):
        held.pop(slot, None)
        if slot[0] == os.getpid():
            connection.close()


def sync_content_version() -> int | None:
    """The content version for this request, read once; a new version empties this
    process's cache (pages, article rows, sidebars), which were made from older content."""
    if "content_version" in g:
        return g.content_version
    version = _read_version()
    store = _store()
    seen = store.get(VERSION_KEY)
    if version is None or seen is None or seen[1] != version:
        store.clear()
        if version is not None:
            store[VERSION_KEY] = (math.inf, version)
    g.content_version = version
    return version


# -- serving --------------------------------------------------------------------------


def _shareable_request() -> tuple | None:
    """The cache key of this request if its page is the same for every anonymous reader."""
    allowed = CACHEABLE.get(request.endpoint or "")
    if allowed is None or request.method != "GET":
        return None
    if current_app.config["PAGE_CACHE_SECONDS"] <= 0:
        return None
    query = request.query_string
    if len(request.path) + len(query) > MAX_ADDRESS:
        return None
    if any(name not in allowed for name in request.args):
        return None  # a gift token, format=json, tracking parameters: rendered each time
    if current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) in request.cookies:
        return None  # Flask-Login would log this reader in
    if request.cookies and ("_user_id" in session or "_flashes" in session):
        return None
    if wants_json():
        return None
    version = sync_content_version()
    if version is None:
        return None
    return (request.path, query, str(get_locale()), format_locale(), version)


def serve_from_cache() -> Response | None:
    """before_request, first of all: a kept page with this reader's token, or None."""
    g.request_started = time.perf_counter()  # the access log's timer; its hook is skipped
    key = _shareable_request()
    if key is None:
        return None
    entry = _store().get(("page", key))
    if entry is not None and entry[0] > time.monotonic():
        page: Page = entry[1]
        token = generate_csrf().encode()
        return current_app.response_class(token.join(page.parts), 200, page.headers)
    g.page_key = key  # render it, with the placeholder for the token
    return None


def csrf_token() -> str:
    """The templates' csrf_token(): the placeholder while a shared page is being rendered."""
    if g.get("page_key") is not None:
        return _marker()
    return generate_csrf()


def _seconds_to_keep() -> float:
    seconds = float(current_app.config["PAGE_CACHE_SECONDS"])
    if request.endpoint in LISTINGS:
        now = request_now()
        upcoming = articles.next_publication(db.session, now)
        if upcoming is not None:
            seconds = min(seconds, max((upcoming - now) / timedelta(seconds=1), 0.0))
    return seconds


def keep_rendered_page(response: Response) -> Response:
    """after_request: keep a page rendered for every anonymous reader, and give this one
    their own token in place of the placeholder (on any response that carries it)."""
    key = g.pop("page_key", None)
    if key is None or response.direct_passthrough:
        return response
    marker = _marker().encode()
    body = response.get_data()
    parts = tuple(body.split(marker))
    if (
        "csrf_token" not in g  # no reader's own token was made while rendering
        and response.status_code == 200
        and response.mimetype == "text/html"
        and "Set-Cookie" not in response.headers
        and response.headers.get("Cache-Control", "private, no-cache") == "private, no-cache"
    ):
        seconds = _seconds_to_keep()
        if seconds > 0:
            headers = tuple(
                (name, value) for name, value in response.headers.items() if name in STORED_HEADERS
            )
            _store()[("page", key)] = (time.monotonic() + seconds, Page(parts, headers))
    if len(parts) > 1:
        response.set_data(generate_csrf().encode().join(parts))
    return response


def init_app(app: Flask) -> None:
    app.extensions["newsroom.page_marker"] = "nrtoken" + secrets.token_hex(16)
    app.extensions["newsroom.version_connections"] = {}
    with app.app_context():
        event.listen(db.engine, "engine_disposed", lambda _engine: _close_held(app))
    # Flask-WTF offers its generate_csrf both ways; a later context processor wins.
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.context_processor(lambda: {"csrf_token": csrf_token})
    # First of all hooks: a kept page needs no limiter, no timer hook, no view.
    app.before_request_funcs.setdefault(None, []).insert(0, serve_from_cache)
    app.after_request(keep_rendered_page)
