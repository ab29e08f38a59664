"""Pages that are the same for every reader without access, rendered once and kept.

The front page, an article page, a section page and a search result page look the same to
every anonymous reader who asks in the same language: the only per-request piece is the
CSRF token (a reader's own, tied to their session). Such a page is rendered once by the
app with a placeholder where the token goes, kept in this process's memory per (address,
language, date form, content version), and served to the next anonymous reader with their
token filled in by a small WSGI layer in front of Flask: no routing, limiter, view,
template or database session, only the content version and the reader's session cookie.

What is never kept: any page for a reader who is logged in (or carries a remember-me
cookie), a page with a gift token or any other unknown parameter, JSON, a page with flashed
messages, anything but a 200, and any response that sets a cookie of its own or is marked
no-store or public. The content version (services.content_version) is read on every such
request, so an editor's import, lock change or unpublish is seen by the very next reader.
"""

import hashlib
import json
import math
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from flask import Flask, Response, current_app, g, render_template, request, session
from flask_babel import get_locale
from flask_login import COOKIE_NAME
from itsdangerous import BadSignature
from markupsafe import Markup
from sqlalchemy import Engine, event
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import SecurityError
from werkzeug.http import dump_cookie, parse_accept_header, parse_cookie
from werkzeug.sansio.utils import get_host

from newsroom.articles import queries
from newsroom.delivery import content_version
from newsroom.extensions import db
from newsroom.web.helpers import request_now, wants_json
from newsroom.web.i18n import choose_locale, date_locale
from newsroom.web.logs import access_log
from newsroom.web.session import SmallPayloadSerializer

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
# What an anonymous session may hold and still get a kept page: anything else (a flashed
# message, a logged-in user, a permanent session) goes to the app.
ANONYMOUS_SESSION_KEYS = frozenset({"csrf_token", "_fresh"})
CSRF_SALT = "wtf-csrf-token"  # Flask-WTF's
KEEP = "newsroom.page_cache.keep"  # environ key: what the app asks the layer to keep


@dataclass(frozen=True)
class Page:
    parts: tuple[bytes, ...]  # the page split where the CSRF token goes
    headers: tuple[tuple[str, str], ...]  # the app's final headers, without cookies/length
    endpoint: str


@lru_cache(maxsize=256)
def _prefers_json(accept: str) -> bool:
    best = parse_accept_header(accept, MIMEAccept).best_match(["text/html", "application/json"])
    return best == "application/json"


class PageCache:
    """The kept pages of one app, the content version, and the WSGI layer serving them."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.inner = app.wsgi_app
        self.marker = "nrtoken" + secrets.token_hex(16)  # nobody can put it in an article
        self.marker_bytes = self.marker.encode()
        self.held: dict = {}  # a connection per (process, thread) for the version
        with app.app_context():
            self.engine: Engine = db.engine
        event.listen(self.engine, "engine_disposed", lambda _engine: self.close())
        self.serializers: dict = {}

    @property
    def store(self) -> dict:
        # The app's in-process cache (web/cache.py): one store, one place to empty.
        return self.app.extensions.setdefault("newsroom.cache", {})

    # -- the content version ---------------------------------------------------------

    def read_version(self) -> int | None:
        """The shared content version, or None when the database cannot say (then nothing
        is served from or put into the cache)."""
        slot = (os.getpid(), threading.get_ident())
        connection = self.held.get(slot)
        try:
            if connection is None:
                connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
                self.held[slot] = connection
            cursor = connection.connection.dbapi_connection.cursor()
            try:
                cursor.execute(content_version.READ_SQL)
                row = cursor.fetchone()
            finally:
                cursor.close()
        except (SQLAlchemyError, self.engine.dialect.loaded_dbapi.Error):
            self.held.pop(slot, None)
            if connection is not None:
                connection.invalidate()
            return None
        return row[0] if row else 0

    def sync_version(self) -> int | None:
        """Read the version; a new one empties this process's cache (pages, article rows,
        sidebars), which were all made from older content."""
        version = self.read_version()
        store = self.store
        seen = store.get(VERSION_KEY)
        if version is None or seen is None or seen[1] != version:
            store.clear()
            if version is not None:
                store[VERSION_KEY] = (math.inf, version)
        return version

    def close(self) -> None:
        for slot, connection in list(self.held.items()):
            self.held.pop(slot, None)
            if slot[0] == os.getpid():
                connection.invalidate()  # closes the database connection itself
                connection.close()

    # -- tokens ----------------------------------------------------------------------

    def serializer(self, secret, salt: str, **kwargs) -> SmallPayloadSerializer:
        key = (secret if isinstance(secret, str | bytes) else tuple(secret), salt)
        made = self.serializers.get(key)
        if made is None:
            made = self.serializers[key] = SmallPayloadSerializer(secret, salt=salt, **kwargs)
        return made

    def csrf_serializer(self) -> SmallPayloadSerializer:
        secret = self.app.config.get("WTF_CSRF_SECRET_KEY") or self.app.secret_key
        return self.serializer(secret, CSRF_SALT)

    # -- the WSGI layer --------------------------------------------------------------

    def __call__(self, environ: dict, start_response):
        if environ.get("REQUEST_METHOD") == "GET":
            served = self.serve(environ, start_response)
            if served is not None:
                return served
        return self.inner(environ, self._keeping(environ, start_response))

    def key_for(self, path: str, query: str, chosen: str | None, accept_language: str):
        config = self.app.config
        locale = choose_locale(
            chosen,
            accept_language,
            tuple(config["LANGUAGES"]),
            config["BABEL_DEFAULT_LOCALE"],
        )
        return (path, query, locale, date_locale(locale, accept_language))

    def serve(self, environ: dict, start_response):
        started = time.perf_counter()
        config = self.app.config
        if config["PAGE_CACHE_SECONDS"] <= 0:
            return None
        path, query = environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", "")
        if len(path) + len(query) > MAX_ADDRESS:
            return None
        if _prefers_json(environ.get("HTTP_ACCEPT", "")):
            return None
        if (trusted := config["TRUSTED_HOSTS"]) is not None:
            try:
                get_host(environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST"), None, trusted)
            except SecurityError:
                return None  # the app answers that
        cookies = parse_cookie(environ) if environ.get("HTTP_COOKIE") else {}
        if config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) in cookies:
            return None  # Flask-Login would log this reader in
        interface = self.app.session_interface
        session_name = interface.get_cookie_name(self.app)
        data = self.session_of(cookies.get(session_name))
        if data is None:
            return None
        base = self.key_for(
            path, query, cookies.get("lang"), environ.get("HTTP_ACCEPT_LANGUAGE", "")
        )
        version = self.sync_version()
        if version is None:
            return None
        entry = self.store.get(("page", (*base, version)))
        if entry is None or entry[0] <= time.monotonic():
            return None
        page: Page = entry[1]
        modified = not isinstance(data.get("csrf_token"), str)
        if modified:
            data["csrf_token"] = hashlib.sha1(os.urandom(64)).hexdigest()
        token = self.csrf_serializer().dumps(data["csrf_token"]).encode()
        body = token.join(page.parts)
        headers = [*page.headers, ("Content-Length", str(len(body)))]
        if modified:
            headers.append(("Set-Cookie", self.session_cookie(session_name, data)))
        start_response("200 OK", headers)
        access_log.info(
            json.dumps(
                {
                    "method": "GET",
                    "path": path,
                    "endpoint": page.endpoint,
                    "status": 200,
                    "ms": round((time.perf_counter() - started) * 1000, 2),
                    "user": "anonymous",
                }
            )
        )
        return [body]

    def session_of(self, cookie: str | None) -> dict | None:
        """The session an anonymous reader's cookie holds ({} for none or a bad one, as
        Flask reads it), or None when it holds more than a kept page may ignore."""
        if not cookie:
            return {}
        interface = self.app.session_interface
        serializer = interface.get_signing_serializer(self.app)
        max_age = int(self.app.permanent_session_lifetime.total_seconds())
        try:
            data = serializer.loads(cookie, max_age=max_age)
        except BadSignature:
            return {}
        if not isinstance(data, dict) or not data.keys() <= ANONYMOUS_SESSION_KEYS:
            return None
        return data

    def session_cookie(self, name: str, data: dict) -> str:
        """The Set-Cookie value Flask's session interface would send for `data`."""
        app, interface = self.app, self.app.session_interface
        return dump_cookie(
            name,
            interface.get_signing_serializer(app).dumps(dict(data)),
            domain=interface.get_cookie_domain(app),
            path=interface.get_cookie_path(app),
            secure=interface.get_cookie_secure(app),
            httponly=interface.get_cookie_httponly(app),
            samesite=interface.get_cookie_samesite(app),
            partitioned=interface.get_cookie_partitioned(app),
            max_size=app.config["MAX_COOKIE_SIZE"],
        )

    def _keeping(self, environ: dict, start_response):
        """Keep what the app marked as the same for everyone, with its final headers."""

        def keeping(status: str, headers: list, exc_info=None):
            kept = environ.pop(KEEP, None)
            if kept is not None and status.startswith("200 ") and exc_info is None:
                key, parts, endpoint, seconds = kept
                session_name = self.app.session_interface.get_cookie_name(self.app) + "="
                cookies = [v for n, v in headers if n.lower() == "set-cookie"]
                if all(c.startswith(session_name) for c in cookies):  # only the reader's own
                    stored = tuple(
                        (n, v)
                        for n, v in headers
                        if n.lower() not in ("set-cookie", "content-length")
                    )
                    self.store[("page", key)] = (
                        time.monotonic() + seconds,
                        Page(parts, stored, endpoint),
                    )
            return start_response(status, headers, exc_info)

        return keeping


# -- inside the app: rendering a page to keep ----------------------------------------


def _cache() -> PageCache:
    return current_app.extensions["newsroom.page_cache"]


def sync_content_version() -> int | None:
    """The content version for this request, read once (see PageCache.sync_version)."""
    if "content_version" not in g:
        g.content_version = _cache().sync_version()
    return g.content_version


def mark_shareable() -> None:
    """before_request, first of all: if this page is the same for every anonymous reader,
    render it with the placeholder for the token, so it can be kept."""
    config = current_app.config
    allowed = CACHEABLE.get(request.endpoint or "")
    if allowed is None or request.method != "GET" or config["PAGE_CACHE_SECONDS"] <= 0:
        return
    environ = request.environ
    path, query = environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", "")
    if len(path) + len(query) > MAX_ADDRESS:
        return
    if any(name not in allowed for name in request.args):
        return  # a gift token, format=json, tracking parameters: rendered each time
    if config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) in request.cookies:
        return
    if not session.keys() <= ANONYMOUS_SESSION_KEYS or session.permanent:
        return  # logged in, a flashed message, or anything else a page might show
    if wants_json():
        return
    version = sync_content_version()
    if version is None:
        return
    base = _cache().key_for(
        path, query, request.cookies.get("lang"), request.headers.get("Accept-Language", "")
    )
    if base[2] != str(get_locale()):  # the app's own choice must be the key's
        return
    g.page_key = (*base, version)


def csrf_token() -> str:
    """The templates' csrf_token(): the placeholder while a shared page is being rendered."""
    if g.get("page_key") is not None or g.get("rendering_frame"):
        return _cache().marker
    return reader_token()


def csrf_input() -> Markup:
    """The hidden field every POST form carries, for templates: {{ csrf_input() }}. A global
    rather than a macro, so a block rendered on its own (a frame's hole) has it too."""
    return Markup('<input type="hidden" name="csrf_token" value="%s">') % csrf_token()


# -- frames: a page kept with holes for one reader's own parts ------------------------


def _split(html: str, marker: str, holes: tuple[str, ...] = ()) -> tuple:
    """Text as str, the CSRF token as None, a hole as its index in `holes`."""
    named = "|".join(re.escape(name) for name in holes) or "(?!)"
    pieces = re.split(f"({re.escape(marker)}(?:-(?:{named})-)?)", html)
    return tuple(
        piece
        if not piece.startswith(marker)
        else None
        if piece == marker
        else holes.index(piece[len(marker) + 1 : -1])
        for piece in pieces
    )


def _fill(segments: tuple, token: str, parts: list[str] = ()) -> str:
    return "".join(token if s is None else parts[s] if isinstance(s, int) else s for s in segments)


def render_part(template: str, context: dict) -> str:
    """render_template, or with "NAME#BLOCK" only that block of the template NAME."""
    name, _, block = template.partition("#")
    if not block:
        return render_template(template, **context)
    app = current_app._get_current_object()
    found = app.jinja_env.get_or_select_template(name)
    context = dict(context)
    app.update_template_context(context)
    return "".join(found.blocks[block](found.new_context(context)))


def _rendered(store_key: tuple, template: str, context: dict, holes=()) -> tuple | None:
    """The kept segments of `template` for `store_key`, rendered (with placeholders for
    the token and the holes) when missing; None when the content version is unknown."""
    config = current_app.config
    if config["PAGE_CACHE_SECONDS"] <= 0:
        return None
    version = sync_content_version()
    if version is None:
        return None
    cache = _cache()
    store_key = (*store_key, version)
    entry = cache.store.get(store_key)
    if entry is not None and entry[0] > time.monotonic():
        return entry[1]
    marker = cache.marker
    names = {name: f"{marker}-{name}-" for name in holes}
    g.rendering_frame = True
    try:
        html = render_part(template, {**context, "holes": names})
    finally:
        g.rendering_frame = False
    segments = _split(html, marker, tuple(holes))
    placed = sorted(s for s in segments if isinstance(s, int))
    if placed != list(range(len(holes))):
        raise ValueError(f"{template} must place each of {holes} once, placed {placed}")
    # A reader's own token in the text (made by anything but csrf_token()): not kept.
    own_token = g.get("csrf_token")
    if own_token is None or own_token not in html:
        seconds = float(config["PAGE_CACHE_SECONDS"])
        cache.store[store_key] = (time.monotonic() + seconds, segments)
    return segments


def render_in_frame(
    key: tuple, frame_template: str, shared: dict, parts: list[tuple[tuple | None, str, dict]]
) -> str | None:
    """A page the same for a whole class of readers except a few parts of their own.

    The frame (`frame_template`, which puts `holes.NAME` where each part goes) is rendered
    once per `key` and kept. Each part is (key, template, context): a part whose key is not
    None is the same for every reader it is computed for (a reading-list toggle in the
    saved state, the gift dialog at a given allowance) and is kept under that key too;
    None renders it each time. None when nothing can be kept (render normally)."""
    holes = tuple(name for name, _ in enumerate(parts))
    names = tuple(f"part{n}" for n in holes)
    frame = _rendered(("frame", *key), frame_template, shared, names)
    if frame is None:
        return None
    token = reader_token()
    filled = []
    for part_key, template, context in parts:
        segments = None if part_key is None else _rendered(("part", *part_key), template, context)
        if segments is None:
            filled.append(render_part(template, context))
        else:
            filled.append(_fill(segments, token))
    return _fill(frame, token, filled)


def reader_token() -> str:
    """Flask-WTF's generate_csrf (the same token, which its check accepts), with the
    serializer made once rather than on every request."""
    name = current_app.config["WTF_CSRF_FIELD_NAME"]
    token = g.get(name)
    if token is None:
        serializer = _cache().csrf_serializer()
        if name not in session:
            session[name] = hashlib.sha1(os.urandom(64)).hexdigest()
        try:
            token = serializer.dumps(session[name])
        except TypeError:  # something else planted under the name: start afresh
            session[name] = hashlib.sha1(os.urandom(64)).hexdigest()
            token = serializer.dumps(session[name])
        setattr(g, name, token)
    return token


def _seconds_to_keep() -> float:
    seconds = float(current_app.config["PAGE_CACHE_SECONDS"])
    if request.endpoint in LISTINGS:
        now = request_now()
        upcoming = queries.next_publication(db.session, now)
        if upcoming is not None:
            seconds = min(seconds, max((upcoming - now) / timedelta(seconds=1), 0.0))
    return seconds


def keep_rendered_page(response: Response) -> Response:
    """after_request: hand a page rendered for every anonymous reader to the layer to keep,
    and give this reader their own token in place of the placeholder (on any response)."""
    key = g.pop("page_key", None)
    if key is None or response.direct_passthrough:
        return response
    body = response.get_data()
    parts = tuple(body.split(_cache().marker_bytes))
    if (
        "csrf_token" not in g  # no reader's own token was made while rendering
        and response.status_code == 200
        and response.mimetype == "text/html"
        and "Set-Cookie" not in response.headers
        and response.headers.get("Cache-Control", "private, no-cache") == "private, no-cache"
    ):
        seconds = _seconds_to_keep()
        if seconds > 0:
            request.environ[KEEP] = (key, parts, request.endpoint, seconds)
    if len(parts) > 1:
        response.set_data(reader_token().encode().join(parts))
    return response


def init_app(app: Flask) -> None:
    cache = PageCache(app)
    app.extensions["newsroom.page_cache"] = cache
    app.wsgi_app = cache
    # Flask-WTF offers its generate_csrf both ways; a later context processor wins.
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["csrf_input"] = csrf_input
    app.context_processor(lambda: {"csrf_token": csrf_token})
    app.before_request_funcs.setdefault(None, []).insert(0, mark_shareable)
    app.after_request(keep_rendered_page)
