"""What gifts led to: accounts created and Digital+ taken by the people who opened them.

Each is credited to the most recent gift the reader opened within ATTRIBUTION_DAYS, once per
reader and kind. Signing up is matched by the browser that opened the gift; Digital+ by the
account that browser logged in to (Stripe's webhooks know no browser).
"""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from newsroom.billing.models import Subscription
from newsroom.core.signals import digital_plus_started
from newsroom.gifting.models import DIGITAL_PLUS, SIGNUP
from newsroom.models import GiftOpen, GiftOutcome

ATTRIBUTION_DAYS = 30


def _credit(session: Session, gift_id: int | None, user_id: int, kind: str, now: datetime):
    if gift_id is None:
        return None
    already = session.scalar(
        select(GiftOutcome.id).where(GiftOutcome.user_id == user_id, GiftOutcome.kind == kind)
    )
    if already is not None:
        return None
    outcome = GiftOutcome(gift_id=gift_id, user_id=user_id, kind=kind, created_at=now)
    try:
        with session.begin_nested():  # two periods starting at once: one credit
            session.add(outcome)
    except IntegrityError:
        return None
    return outcome


def record_signup(
    session: Session, user_id: int, browser_id: str | None, now: datetime
) -> GiftOutcome | None:
    """A new account on a browser that opened a gift: credit that gift, and let the account
    keep the gifts the browser opened."""
    if browser_id is None:
        return None
    gift_id = _last_gift_opened(session, GiftOpen.browser_id == browser_id, now)
    for row in session.scalars(
        select(GiftOpen).where(GiftOpen.browser_id == browser_id, GiftOpen.user_id.is_(None))
    ):
        row.user_id = user_id
    outcome = _credit(session, gift_id, user_id, SIGNUP, now)
    session.flush()
    return outcome


@digital_plus_started.connect
def _credit_new_period(period: Subscription, session: Session, now: datetime) -> None:
    record_digital_plus(session, period.user_id, now)


def record_digital_plus(session: Session, user_id: int, now: datetime) -> GiftOutcome | None:
    """A Digital+ period starts: credit the last gift this reader opened within the window."""
    gift_id = _last_gift_opened(session, GiftOpen.user_id == user_id, now)
    outcome = _credit(session, gift_id, user_id, DIGITAL_PLUS, now)
    session.flush()
    return outcome


def _last_gift_opened(session: Session, opened_by, now: datetime) -> int | None:
    """The gift of the latest open that `opened_by` selects, within the attribution window."""
    since = now - timedelta(days=ATTRIBUTION_DAYS)
    return session.scalar(
        select(GiftOpen.gift_id)
        .where(opened_by, GiftOpen.opened_at >= since)
        .order_by(GiftOpen.opened_at.desc(), GiftOpen.id.desc())
        .limit(1)
    )
