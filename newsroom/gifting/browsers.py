"""Who is opening a gift link: a person's browser (known by a first-party cookie the site
signed) or a link scanner or chat-preview bot (known by its user agent, from crawlerdetect's
maintained list).

Only ids the site issued are believed: the cookie carries the id and its signature, so a
made-up or copied-bare value is no browser at all. A gift page hands a new id to every
browser that comes without one, which costs nothing: an id counts only once the browser
brings it back (gifting/showing.py), and at most GIFT_READER_LIMIT new people are counted
per client, so one client cannot inflate "opened by" on its own.
"""

import re
import secrets
from datetime import datetime

from crawlerdetect import CrawlerDetect
from flask import Response, current_app, g, request
from itsdangerous import BadSignature, Signer
from limits import parse
from sqlalchemy.orm import Session

from newsroom.core.signals import account_created, reader_logged_in
from newsroom.extensions import limiter
from newsroom.gifting import links, outcomes
from newsroom.gifting.policy import gift_policy
from newsroom.models import User
from newsroom.web.helpers import setting
from newsroom.web.limits import client_address

COOKIE = "gift_reader"
SALT = "gift-reader"
MAX_AGE = 60 * 60 * 24 * 90  # longer than a link lives, so a later account can be credited
_ID = re.compile(r"[0-9a-f]{32}")
_MAX_COOKIE_LENGTH = 100
_detector = CrawlerDetect()


def is_bot(user_agent: str | None) -> bool:
    """Scanners, crawlers and link previews; a request with no user agent is no person."""
    user_agent = (user_agent or "").strip()
    return not user_agent or _detector.is_crawler(user_agent)


def _signer() -> Signer:
    return Signer(gift_policy().keys, salt=SALT)


def known_browser() -> str | None:
    """This browser's id, when it has opened a gift before and the site signed its cookie."""
    value = request.cookies.get(COOKIE, "")[:_MAX_COOKIE_LENGTH]
    try:
        browser = _signer().unsign(value).decode()
    except (BadSignature, UnicodeDecodeError):
        return None
    return browser if _ID.fullmatch(browser) else None


def may_count() -> bool:
    """One more new person in "opened by" for this client, within GIFT_READER_LIMIT."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return True
    limit = parse(setting("GIFT_READER_LIMIT"))
    return limiter.limiter.hit(limit, "gift-reader", client_address())


def recipient_browser() -> str | None:
    """This browser's id on a gift page: None for bots, a new one for a first visit (the
    cookie is set on the way out). Handing it out writes nothing anywhere; it is worked out
    once per request (the page and its template both ask)."""
    if "gift_browser" not in g:
        bot = is_bot(request.headers.get("User-Agent"))
        g.gift_browser = None if bot else known_browser() or _minted()
    return g.gift_browser


def _minted() -> str:
    g.new_gift_reader = secrets.token_hex(16)
    return g.new_gift_reader


def set_cookie(response: Response) -> Response:
    """The browser's id, when this page minted one."""
    browser = g.pop("new_gift_reader", None)
    if browser is not None:
        set_private_cookie(response, COOKIE, _signer().sign(browser).decode(), MAX_AGE)
    return response


def set_private_cookie(response: Response, name: str, value: str, max_age: int) -> None:
    """A gift cookie: the site's own, out of scripts' reach, sent on same-site navigation."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )


@reader_logged_in.connect
def _hand_over_gifts_opened_here(user: User, session: Session, now: datetime) -> None:
    if browser := known_browser():
        links.claim_browser(session, user.id, browser)


@account_created.connect
def _credit_the_gift_that_led_here(user: User, session: Session, now: datetime) -> None:
    outcomes.record_signup(session, user.id, known_browser(), now)
