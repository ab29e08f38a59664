"""Per-request helpers shared by the views."""

import re
from urllib.parse import unquote, urlsplit

from flask import Response, abort, current_app, g, make_response, request

from newsroom.core import clock


def request_now():
    """ "Now" is read once per request, so what a page shows and what it enforces agree."""
    if "now" not in g:
        g.now = clock.now()
    return g.now


def wants_json() -> bool:
    if request.args.get("format") == "json":
        return True
    # HTML wins ties ("*/*"), so only an explicit preference gets JSON.
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == (
        "application/json"
    )


_UNSAFE = re.compile(r"[\x00-\x20\\\x7f]")


def safe_next(target: str | None) -> str | None:
    """A path on this site to return to, or None for anything that could leave it."""
    if not target or len(target) > 2000:
        return None
    decoded = unquote(target)
    if not target.startswith("/") or target.startswith("//") or _UNSAFE.search(decoded):
        return None
    if decoded.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def site_url(path: str) -> str:
    """An absolute URL built from the configured site address, never from the Host header."""
    return current_app.config["SITE_URL"].rstrip("/") + path


def setting(name: str):
    return current_app.config[name]


def private(*response) -> Response:
    """`make_response(*response)` marked for this reader alone: no shared cache (nor the
    page cache) keeps it, and the browser does not store it either."""
    made = make_response(*response)
    made.headers["Cache-Control"] = "private, no-store"
    return made


MAX_PAGE = 10_000


def page_number() -> int:
    # Werkzeug's type=int falls back to the default on junk; "?page=abc" is a wrong address,
    # and so are "?page=٢" (not ASCII) and "?page=02": each page has one address.
    raw = request.args.get("page", "1")
    if not (raw.isascii() and raw.isdigit()) or raw.startswith("0") or int(raw) > MAX_PAGE:
        abort(404)
    return int(raw)
