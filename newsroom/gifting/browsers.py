"""Who is opening a gift link: a person's browser (known by a first-party cookie) or a link
scanner or chat-preview bot (known by its user agent, from crawlerdetect's maintained list)."""

import re
import secrets
from datetime import datetime

from crawlerdetect import CrawlerDetect
from flask import Response, current_app, g, request
from sqlalchemy.orm import Session

from newsroom.core.signals import account_created, reader_logged_in
from newsroom.gifting import links, outcomes
from newsroom.models import User

COOKIE = "gift_reader"
MAX_AGE = 60 * 60 * 24 * 90  # longer than a link lives, so a later account can be credited
_ID = re.compile(r"[0-9a-f]{32}")
_detector = CrawlerDetect()


def is_bot(user_agent: str | None) -> bool:
    """Scanners, crawlers and link previews; a request with no user agent is no person."""
    user_agent = (user_agent or "").strip()
    return not user_agent or _detector.is_crawler(user_agent)


def known_browser() -> str | None:
    """This browser's id, when it has opened a gift before."""
    value = request.cookies.get(COOKIE, "")
    return value if _ID.fullmatch(value) else None


def recipient_browser() -> str | None:
    """The id to count a gift open under: None for bots, a new one for a first visit (the
    cookie is set on the way out)."""
    if is_bot(request.headers.get("User-Agent")):
        return None
    browser = known_browser()
    if browser is None:
        browser = g.new_gift_reader = secrets.token_hex(16)
    return browser


def set_cookie(response: Response) -> Response:
    browser = g.pop("new_gift_reader", None)
    if browser is not None:
        response.set_cookie(
            COOKIE,
            browser,
            max_age=MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


@reader_logged_in.connect
def _hand_over_gifts_opened_here(user: User, session: Session, now: datetime) -> None:
    if browser := known_browser():
        links.claim_browser(session, user.id, browser)


@account_created.connect
def _credit_the_gift_that_led_here(user: User, session: Session, now: datetime) -> None:
    outcomes.record_signup(session, user.id, known_browser(), now)
