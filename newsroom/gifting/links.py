"""Gift links: the signed token for a gift, and what opening one gives the reader."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from newsroom.accounts.models import first_name
from newsroom.articles.paywall import GiftState
from newsroom.core import signing
from newsroom.database import begin_write
from newsroom.gifting.allowance import Policy
from newsroom.gifting.models import works_at
from newsroom.models import Gift, GiftOpen, User


def token_for(gift: Gift, policy: Policy) -> str:
    return signing.sign_gift(gift.public_id, gift.created_at, policy.keys)


@dataclass(frozen=True)
class LinkCheck:
    """What opening a gift link (or an account's earlier open) gives the reader."""

    state: GiftState
    giver_first_name: str | None = None
    note: str | None = None
    # Set for a link that once was good (expired or revoked): its recipient may ask anew.
    can_ask: bool = False


def open_gift(
    session: Session,
    token: str,
    article_id: int,
    now: datetime,
    policy: Policy,
    browser_id: str | None = None,
    user_id: int | None = None,
) -> LinkCheck:
    """Check a gift link for this article and count the open when it is good.

    Opening never charges anything: the allowance was spent when the gift was made.
    `browser_id` is the recipient browser's cookie (None for bots and link previews): each
    browser is one row, so "opened by" counts people's browsers, never reloads or scanners.
    """
    check = signing.read_gift(token, policy.keys, now, policy.max_age_seconds)
    if check.public_id is None:
        return LinkCheck(GiftState.EXPIRED if check.expired else GiftState.INVALID)
    row = session.execute(
        select(
            Gift.id,
            Gift.giver_id,
            Gift.article_id,
            Gift.expires_at,
            Gift.revoked_at,
            Gift.note,
            User.name,
        )
        .join(User, User.id == Gift.giver_id)
        .where(Gift.public_id == check.public_id)
    ).first()
    if row is None:
        return LinkCheck(GiftState.INVALID)
    if row.article_id != article_id:
        return LinkCheck(GiftState.WRONG_ARTICLE)
    name = first_name(row.name) or None  # a deleted giver is named by nobody
    if check.expired or not works_at(row, now):
        state = GiftState.REVOKED if row.revoked_at is not None else GiftState.EXPIRED
        return LinkCheck(state, name, can_ask=name is not None)
    # A SQLite read snapshot cannot be upgraded to a write once another request has
    # committed, so the count is written in a fresh write transaction; the conditions are
    # repeated there in case the gift was revoked in between.
    begin_write(session)
    counted = session.execute(
        update(Gift)
        .where(Gift.id == row.id, works_at(Gift, now))
        .values(open_count=Gift.open_count + 1)
    )
    if counted.rowcount != 1:
        return LinkCheck(GiftState.REVOKED, name, can_ask=name is not None)
    if browser_id is not None and user_id != row.giver_id:  # the giver checking is no open
        _remember_browser(session, row.id, browser_id, user_id, now)
    return LinkCheck(GiftState.VALID, name, row.note)


def _remember_browser(
    session: Session, gift_id: int, browser_id: str, user_id: int | None, now: datetime
) -> None:
    seen = session.scalar(
        select(GiftOpen).where(GiftOpen.gift_id == gift_id, GiftOpen.browser_id == browser_id)
    )
    if seen is None:
        try:
            with session.begin_nested():  # the same browser opening twice at once: one row
                session.add(
                    GiftOpen(gift_id=gift_id, browser_id=browser_id, user_id=user_id, opened_at=now)
                )
        except IntegrityError:
            return
    elif user_id is not None and seen.user_id is None:
        seen.user_id = user_id
    if seen is not None:
        seen.opened_at = now  # the most recent open is the one a later account is credited to
    session.flush()


def account_gift(session: Session, user_id: int, article_id: int, now: datetime) -> LinkCheck:
    """A gift of this article that this account opened and that still works: a recipient
    who created an account keeps reading it for the link's remaining days without the link."""
    row = session.execute(
        select(Gift.note, User.name)
        .join(GiftOpen, GiftOpen.gift_id == Gift.id)
        .join(User, User.id == Gift.giver_id)
        .where(
            GiftOpen.user_id == user_id,
            Gift.article_id == article_id,
            works_at(Gift, now),
        )
        .order_by(GiftOpen.opened_at.desc())  # the latest gift opened; the index gives the order
        .limit(1)
    ).first()
    if row is None:
        return LinkCheck(GiftState.INVALID)
    return LinkCheck(GiftState.VALID, first_name(row.name) or None, row.note)


def claim_browser(session: Session, user_id: int, browser_id: str) -> None:
    """The gifts this browser opened now belong to the account that logged in on it."""
    session.execute(
        update(GiftOpen)
        .where(GiftOpen.browser_id == browser_id, GiftOpen.user_id.is_(None))
        .values(user_id=user_id)
    )
