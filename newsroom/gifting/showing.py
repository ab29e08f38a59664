"""A gift page tells the site it was shown, which is what counts an open (gifting/opens.py).

The page carries a mark: the gift and this browser's id, signed by the site. With JavaScript
the page's script posts the mark back once the page is visible (and again when the end of
the article is reached); without it, the same mark rides in a cookie, and the browser's next
navigation that a person made (a link followed, a form sent) brings it back. A client that
runs no script and keeps no cookies (HEAD, a cookieless GET, a scanner, a preview) never
returns it; a mark counts only beside the browser's own signed gift_reader cookie.
"""

import logging

from flask import Response, g, request
from flask_login import current_user
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy.exc import SQLAlchemyError

from newsroom.core import signing
from newsroom.extensions import db
from newsroom.gifting import browsers, opens
from newsroom.gifting.links import LinkCheck
from newsroom.gifting.policy import gift_policy
from newsroom.web.helpers import request_now

log = logging.getLogger("newsroom.gifts")

COOKIE = "gift_shown"
SALT = "gift-shown"
MAX_AGE = 60 * 60 * 24  # a recipient who reads on and clicks within a day
GIFT_PAGES = frozenset({"gift_links.open", "gift_shown.shown"})


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(gift_policy().keys, salt=SALT)


def page_mark(opened: LinkCheck | None) -> str | None:
    """Templates: the mark of a gift page that opened, for its script to send back; None
    for a bot or a link that did not open. The same mark goes out in the cookie."""
    if opened is None or opened.public_id is None:
        return None
    if "gift_shown" not in g:
        browser = browsers.recipient_browser()
        g.gift_shown = None if browser is None else _serializer().dumps([opened.public_id, browser])
    return g.gift_shown


def set_cookies(response: Response) -> Response:
    """A gift page's cookies: the browser's id (when it got a new one) and the page's mark."""
    browsers.set_cookie(response)
    mark = g.get("gift_shown")
    if mark is not None:
        browsers.set_private_cookie(response, COOKIE, mark, MAX_AGE)
    return response


def _read(mark: str) -> tuple[str, str] | None:
    """The gift and browser a mark names, when the site signed it for this very browser."""
    try:
        public_id, browser = _serializer().loads(mark[:300], max_age=MAX_AGE)
    except (BadData, ValueError, TypeError):
        return None
    if not (isinstance(public_id, str) and signing.PUBLIC_ID.fullmatch(public_id)):
        return None
    if browser != browsers.known_browser():
        return None  # a mark copied to another client, or a client that kept no cookie
    return public_id, browser


def count(mark: str, read: bool = False) -> bool:
    """Count the open a mark stands for (and the read to the end, with `read`): the caller
    commits."""
    named = _read(mark)
    if named is None:
        return False
    public_id, browser = named
    user_id = current_user.id if current_user.is_authenticated else None
    return opens.count_open(
        db.session, public_id, browser, user_id, request_now(), browsers.may_count, read
    )


def forget(response: Response) -> Response:
    if COOKIE in request.cookies:
        response.delete_cookie(COOKIE, samesite="Lax", httponly=True)
    return response


def _a_person_clicked_on() -> bool:
    """A navigation a person made from the page: not a gift page again (a reload, a
    scanner's repeat), not a script's request, not a stylesheet or an image. Browsers say
    so in their Fetch Metadata; one that sends none is believed on any other page."""
    if request.method not in ("GET", "POST") or request.endpoint in (None, "static"):
        return False
    if request.endpoint in GIFT_PAGES or "gift" in request.args:
        return False
    destination = request.headers.get("Sec-Fetch-Dest")
    if destination is None:
        return True
    return destination == "document" and request.headers.get("Sec-Fetch-User") == "?1"


def count_the_click_on(response: Response) -> Response:
    """after_request: a browser that showed a gift page without script comes back with its
    mark on the next click; the count must never cost that page, so a failure is logged."""
    mark = request.cookies.get(COOKIE)
    if not mark or not _a_person_clicked_on():
        return response
    try:
        count(mark)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.warning("could not count a gift open")
        return response
    return forget(response)
