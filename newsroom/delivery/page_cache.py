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
no-store or public. The content version (delivery/content_version.py) is read on every such
request, so an editor's import, lock change or unpublish is seen by the very next reader.
"""

import hashlib
import json
import os
import time
from dataclasses import dataclass
from functools import lru_cache

from flask import Flask
from flask_login import COOKIE_NAME
from itsdangerous import BadSignature
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import SecurityError
from werkzeug.http import dump_cookie, parse_accept_header, parse_cookie
from werkzeug.sansio.utils import get_host

from newsroom.delivery import shareable
from newsroom.delivery.keeper import ANONYMOUS_SESSION_KEYS, KEEP, MAX_ADDRESS, PageKeeper
from newsroom.web.logs import access_log

KEPT_PAGE = "kept-page"  # store key of a kept page (beside frames, parts and article rows)


@dataclass(frozen=True)
class KeptPage:
    """A page as kept for every anonymous reader."""

    parts: tuple[bytes, ...]  # the page split where the CSRF token goes
    headers: tuple[tuple[str, str], ...]  # the app's final headers, without cookies/length
    endpoint: str


@lru_cache(maxsize=256)
def _prefers_json(accept: str) -> bool:
    best = parse_accept_header(accept, MIMEAccept).best_match(["text/html", "application/json"])
    return best == "application/json"


class PageCache:
    """The WSGI layer in front of the app: serves kept pages, and keeps what the app marks."""

    def __init__(self, app: Flask, keeper: PageKeeper) -> None:
        self.app = app
        self.inner = app.wsgi_app
        self.keeper = keeper

    def __call__(self, environ: dict, start_response):
        if environ.get("REQUEST_METHOD") == "GET":
            served = self.serve(environ, start_response)
            if served is not None:
                return served
        return self.inner(environ, self._keeping(environ, start_response))

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
        base = self.keeper.key_for(
            path, query, cookies.get("lang"), environ.get("HTTP_ACCEPT_LANGUAGE", "")
        )
        version = self.keeper.sync_version()
        if version is None:
            return None
        entry = self.keeper.store.get((KEPT_PAGE, (*base, version)))
        if entry is None or entry[0] <= time.monotonic():
            return None
        kept: KeptPage = entry[1]
        modified = not isinstance(data.get("csrf_token"), str)
        if modified:
            data["csrf_token"] = hashlib.sha1(os.urandom(64)).hexdigest()
        token = self.keeper.csrf_serializer().dumps(data["csrf_token"]).encode()
        body = token.join(kept.parts)
        headers = [*kept.headers, ("Content-Length", str(len(body)))]
        if modified:
            headers.append(("Set-Cookie", self.session_cookie(session_name, data)))
        start_response("200 OK", headers)
        access_log.info(
            json.dumps(
                {
                    "method": "GET",
                    "path": path,
                    "endpoint": kept.endpoint,
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
                    self.keeper.store[(KEPT_PAGE, key)] = (
                        time.monotonic() + seconds,
                        KeptPage(parts, stored, endpoint),
                    )
            return start_response(status, headers, exc_info)

        return keeping


def init_app(app: Flask) -> None:
    keeper = PageKeeper(app)
    app.extensions["newsroom.page_cache"] = keeper
    app.wsgi_app = PageCache(app, keeper)
    # Flask-WTF offers its generate_csrf both ways; a later context processor wins.
    app.jinja_env.globals["csrf_token"] = shareable.csrf_token
    app.jinja_env.globals["csrf_input"] = shareable.csrf_input
    app.context_processor(lambda: {"csrf_token": shareable.csrf_token})
    app.before_request_funcs.setdefault(None, []).insert(0, shareable.mark_shareable)
    app.after_request(shareable.keep_rendered_page)
