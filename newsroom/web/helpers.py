"""Per-request helpers shared by the views."""

import re
from urllib.parse import unquote, urlsplit

from flask import current_app, g, request

from newsroom.services import clock


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
