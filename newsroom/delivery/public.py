"""Public pages: the same bytes for every reader without an account at the same address,
in the same language, from the same content; any HTTP cache may keep them.

A response to an anonymous reader on one of the PUBLIC endpoints, at its canonical address
(known parameters only, each in its one spelling), that set no cookie and made no CSRF
token, answers `Cache-Control: public, max-age=0, s-maxage=N` with the `Surrogate-Key`s of
what it shows. Everything a reader has of their own (logged in, a gift link, a message
waiting) answers `private, no-store`. The contract the Varnish configuration relies on.
"""

from datetime import timedelta
from urllib.parse import unquote

from flask import Flask, Response, current_app, g, request, session, url_for
from flask_login import current_user

from newsroom.articles import queries
from newsroom.delivery.keys import LISTING, article_key
from newsroom.extensions import db
from newsroom.search import finding
from newsroom.web.helpers import request_now


def _page(raw: str) -> int | None:
    """ASCII digits without leading zeros; page 1 is the address without a page."""
    if not (raw.isascii() and raw.isdigit()) or raw.startswith("0"):
        raise ValueError(raw)
    return None if raw == "1" else int(raw)


def _order(raw: str) -> str | None:
    if raw not in finding.ORDERS:
        raise ValueError(raw)
    return None if raw == finding.BEST else raw


def _words(raw: str) -> str | None:
    if raw != " ".join(raw.split()):
        raise ValueError(raw)
    return raw or None


# The endpoints that answer public pages, with the parameters each may carry (in the order
# the site's own links and forms write them) and how each is read.
PUBLIC: dict[str, dict] = {
    "articles.front": {"page": _page},
    "articles.show": {},
    "articles.feed": {},
    "articles.sitemap": {},
    "sections.show": {"page": _page},
    "sections.feed": {},
    "authors.show": {"page": _page},
    "search.index": {"q": _words, "order": _order, "page": _page},
}
LISTINGS = frozenset(PUBLIC) - {"articles.show"}
# Pages without the site's frame (no header naming the reader): the same for everyone.
FOR_EVERYONE = frozenset({"articles.feed", "articles.sitemap", "sections.feed"})
SHAREABLE_TYPES = frozenset({"text/html", "application/atom+xml", "application/xml"})


def add_keys(*keys: str) -> None:
    """File the page being made under `keys` too."""
    g.setdefault("surrogate_keys", set()).update(keys)


def page_shows(article) -> str:
    """Templates: {{ page_shows(article) }} wherever an article's headline or text appears."""
    add_keys(article_key(article.id))
    return ""


def shared_page() -> bool:
    """Templates: this page may be shared by every reader, so it carries no reader's token."""
    return request.endpoint in PUBLIC and (
        request.endpoint in FOR_EVERYONE or not current_user.is_authenticated
    )


def canonical() -> bool:
    """The request's address is the one the site itself writes for this page: a page has
    one kept copy per language, whatever a client adds, repeats or spells otherwise."""
    readers = PUBLIC[request.endpoint]
    if any(name not in readers for name in request.args):
        return False
    values = {}
    for name, read in readers.items():
        given = request.args.getlist(name)
        if not given:
            continue
        try:
            value = read(given[0]) if len(given) == 1 else None
        except ValueError:
            return False
        if value is None:
            return False  # repeated, or the default written out
        values[name] = value
    path, _, query = url_for(request.endpoint, **(request.view_args or {}), **values).partition("?")
    return unquote(
        path
    ) == request.script_root + request.path and query == request.query_string.decode("latin-1")


def personal() -> bool:
    """Anything of the reader's own could be on the page."""
    return (
        current_user.is_authenticated
        or "gift" in request.args
        or "_flashes" in session
        or session.modified  # a message shown (and taken) on this page, say: it is theirs
        or "csrf_token" in g  # a form's token was made for this reader (Flask-WTF keeps it in g)
    )


def shared_seconds(keys: set[str]) -> int:
    """NEWSROOM_PAGE_CACHE_SECONDS, or less for a listing when the next scheduled article is
    due sooner (it must appear on time)."""
    seconds = max(int(current_app.config["PAGE_CACHE_SECONDS"]), 0)
    if LISTING in keys and seconds:
        now = request_now()
        upcoming = queries.next_publication(db.session, now)
        if upcoming is not None:
            seconds = min(seconds, max(int((upcoming - now) / timedelta(seconds=1)), 0))
    return seconds


def mark(response: Response) -> Response:
    """after_request: public headers for a public page, private for a personal one."""
    if request.endpoint not in PUBLIC or request.method not in ("GET", "HEAD"):
        return response
    if "private" in response.headers.get("Cache-Control", ""):
        return response  # the view knows this one is the reader's own
    if request.endpoint not in FOR_EVERYONE and personal():
        response.headers["Cache-Control"] = "private, no-store"
        return response
    if (
        response.status_code != 200
        or response.mimetype not in SHAREABLE_TYPES
        or "Set-Cookie" in response.headers
        or not canonical()
    ):
        response.headers["Cache-Control"] = "private, no-store"
        return response
    keys = set(g.get("surrogate_keys", ()))
    if request.endpoint in LISTINGS:
        keys.add(LISTING)
    response.headers["Cache-Control"] = f"public, max-age=0, s-maxage={shared_seconds(keys)}"
    response.headers["Vary"] = "Accept-Language, Cookie"
    response.headers["Surrogate-Key"] = " ".join(sorted(keys))
    request.environ["newsroom.endpoint"] = request.endpoint  # the store logs it when serving
    return response


def init_app(app: Flask) -> None:
    app.jinja_env.globals["page_shows"] = page_shows
    app.jinja_env.globals["shared_page"] = shared_page
    app.after_request(mark)
