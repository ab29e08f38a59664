"""The embedded store: whole public responses kept in this process, for a site with no
shared cache in front (a shared cache keeps the same responses by the same headers).

A small WSGI layer in front of Flask. It looks only at GET and HEAD requests that carry no
session or remember-me cookie and no gift token; it keys them on the path, the query
string and the language variant (the app's own choose_locale and date_locale). It keeps
only what the app marked public (`Cache-Control: public, ..., s-maxage=N`, delivery/
public.py) without a cookie, for its s-maxage, and serves it unchanged to the next reader
with the same key. The app marks a page public only at its canonical address, so there is
one kept copy per page and language. The content version (delivery/content_version.py) is
read on every such request: an editor's change retires every kept response at once.
Static files and health checks never reach it.
"""

import json
import time
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qs

from flask import Flask
from flask_login import COOKIE_NAME
from werkzeug.datastructures import MIMEAccept, RequestCacheControl
from werkzeug.exceptions import SecurityError
from werkzeug.http import parse_accept_header, parse_cache_control_header, parse_cookie
from werkzeug.sansio.utils import get_host

from newsroom.delivery.keeper import PageKeeper
from newsroom.web.i18n import choose_locale, date_locale
from newsroom.web.logs import access_log

SKIPPED = ("/static/", "/healthz", "/readyz")  # answered without touching the database
READS = frozenset({"GET", "HEAD"})
ENDPOINT = "newsroom.endpoint"  # environ: the endpoint that answered, for the access log


@dataclass(frozen=True)
class KeptResponse:
    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    expires: float  # time.monotonic()
    version: int  # the content version it was made from
    endpoint: str  # for the access log

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(n) + len(v) for n, v in self.headers)


@lru_cache(maxsize=256)
def prefers_json(accept: str) -> bool:
    best = parse_accept_header(accept, MIMEAccept).best_match(["text/html", "application/json"])
    return best == "application/json"


def host_refused(config, environ: dict) -> bool:
    """A Host the app would refuse (TRUSTED_HOSTS): the app answers that itself."""
    if (trusted := config["TRUSTED_HOSTS"]) is None:
        return False
    try:
        get_host(environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST"), None, trusted)
    except SecurityError:
        return True
    return False


def shared_seconds(headers) -> int:
    """How long a shared cache may keep a response by its headers (0: not at all)."""
    values = [v for n, v in headers if n.lower() == "cache-control"]
    if len(values) != 1 or any(n.lower() == "set-cookie" for n, _v in headers):
        return 0
    control = parse_cache_control_header(values[0], cls=RequestCacheControl)
    if "public" not in control or "private" in control or control.no_store:
        return 0
    return max(int(control.get("s-maxage") or 0), 0)


class PageCache:
    """Serves kept public responses; keeps the ones the app marks public."""

    def __init__(self, app: Flask, inner, keeper: PageKeeper) -> None:
        self.app = app
        self.inner = inner
        self.keeper = keeper

    def key(self, environ: dict) -> tuple | None:
        """The kept response's key, or None when this request must go to the app."""
        config = self.app.config
        if environ.get("REQUEST_METHOD") not in READS or config["PAGE_CACHE_SECONDS"] <= 0:
            return None
        path, query = environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", "")
        if path.startswith(SKIPPED) or "gift" in parse_qs(query):
            return None
        if prefers_json(environ.get("HTTP_ACCEPT", "")) or host_refused(config, environ):
            return None
        cookies = parse_cookie(environ) if environ.get("HTTP_COOKIE") else {}
        remember = config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)
        if config["SESSION_COOKIE_NAME"] in cookies or remember in cookies:
            return None
        accept_language = environ.get("HTTP_ACCEPT_LANGUAGE", "")
        locale = choose_locale(
            cookies.get("lang"),
            accept_language,
            tuple(config["LANGUAGES"]),
            config["BABEL_DEFAULT_LOCALE"],
        )
        return (path, query, locale, date_locale(locale, accept_language))

    def __call__(self, environ: dict, start_response):
        key = self.key(environ)
        if key is None:
            return self.inner(environ, start_response)
        version = self.keeper.sync_version()
        if version is None:
            return self.inner(environ, start_response)
        kept = self.keeper.pages.get(key)
        if kept is not None and kept.version == version and kept.expires > time.monotonic():
            return self.serve(environ, start_response, kept)
        if environ["REQUEST_METHOD"] != "GET":
            return self.inner(environ, start_response)
        answered: list = []

        def capture(status: str, headers: list, exc_info=None):
            answered[:] = [status, headers, exc_info]
            return start_response(status, headers, exc_info)

        body = self.inner(environ, capture)
        status, headers, exc_info = answered or (None, [], True)
        seconds = shared_seconds(headers) if exc_info is None else 0
        if not status or not status.startswith("200 ") or seconds <= 0:
            return body
        try:
            data = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        endpoint = environ.get(ENDPOINT, "")
        expires = time.monotonic() + seconds
        kept = KeptResponse(status, tuple(headers), data, expires, version, endpoint)
        self.keeper.pages.put(key, kept, kept.size + sum(len(part) for part in key))
        return [data]

    def serve(self, environ: dict, start_response, kept: KeptResponse):
        started = time.perf_counter()
        start_response(kept.status, list(kept.headers))
        access_log.info(
            json.dumps(
                {
                    "method": environ["REQUEST_METHOD"],
                    "path": environ.get("PATH_INFO", ""),
                    "endpoint": kept.endpoint,
                    "kept": True,
                    "status": int(kept.status[:3]),
                    "ms": round((time.perf_counter() - started) * 1000, 2),
                    "user": "anonymous",
                }
            )
        )
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [kept.body]


def init_app(app: Flask) -> None:
    keeper = PageKeeper(app)
    app.extensions["newsroom.page_cache"] = keeper
    app.wsgi_app = PageCache(app, app.wsgi_app, keeper)
