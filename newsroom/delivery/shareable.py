"""Inside the app: rendering a page that is the same for every anonymous reader, with a
placeholder where the reader's CSRF token goes, and handing it to the layer to keep."""

import hashlib
import os
from datetime import timedelta

from flask import Response, current_app, g, request, session
from flask_babel import get_locale
from flask_login import COOKIE_NAME
from markupsafe import Markup

from newsroom.articles import queries
from newsroom.delivery.keeper import (
    ANONYMOUS_SESSION_KEYS,
    KEEP,
    MAX_ADDRESS,
    keeper,
    sync_content_version,
)
from newsroom.extensions import db
from newsroom.web.helpers import request_now, wants_json

# The query parameters each page may carry and still be the same for everyone.
CACHEABLE: dict[str, frozenset[str]] = {
    "articles.front": frozenset({"page"}),
    "articles.show": frozenset(),
    "sections.show": frozenset({"page"}),
    "search.index": frozenset({"q", "page", "order"}),
}
# Listings change when a scheduled article's time comes; a single article does not.
LISTINGS = frozenset({"articles.front", "sections.show", "search.index"})


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
    base = keeper().key_for(
        path, query, request.cookies.get("lang"), request.headers.get("Accept-Language", "")
    )
    if base[2] != str(get_locale()):  # the app's own choice must be the key's
        return
    g.kept_page_key = (*base, version)


def csrf_token() -> str:
    """The templates' csrf_token(): the placeholder while a shared page is being rendered."""
    if g.get("kept_page_key") is not None or g.get("rendering_frame"):
        return keeper().marker
    return reader_token()


def csrf_input() -> Markup:
    """The hidden field every POST form carries, for templates: {{ csrf_input() }}. A global
    rather than a macro, so a block rendered on its own (a frame's hole) has it too."""
    return Markup('<input type="hidden" name="csrf_token" value="%s">') % csrf_token()


def reader_token() -> str:
    """Flask-WTF's generate_csrf (the same token, which its check accepts), with the
    serializer made once rather than on every request."""
    name = current_app.config["WTF_CSRF_FIELD_NAME"]
    token = g.get(name)
    if token is None:
        serializer = keeper().csrf_serializer()
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
    key = g.pop("kept_page_key", None)
    if key is None or response.direct_passthrough:
        return response
    body = response.get_data()
    parts = tuple(body.split(keeper().marker_bytes))
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
