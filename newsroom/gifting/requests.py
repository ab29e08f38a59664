"""A recipient whose link no longer opens asks the giver for a new one."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsroom.core import signing
from newsroom.gifting.allowance import Policy
from newsroom.gifting.errors import InvalidLink
from newsroom.models import Gift, GiftRequest, User


@dataclass(frozen=True)
class AskResult:
    gift: Gift
    giver: User
    created: bool  # False when the giver was asked already and has not answered


def ask_again(
    session: Session, token: str, article_id: int, now: datetime, policy: Policy
) -> AskResult:
    """A recipient of an expired or revoked link asks the giver for a new one. Asking
    again before the giver answered records nothing new (and mails nobody twice)."""
    check = signing.read_gift(token, policy.keys, now, policy.max_age_seconds)
    if check.public_id is None:
        raise InvalidLink()
    gift = session.scalar(select(Gift).where(Gift.public_id == check.public_id))
    if gift is None or gift.article_id != article_id:
        raise InvalidLink()
    if not check.expired and gift.works(now) and not gift.is_full:
        raise InvalidLink()  # the link works: there is nothing to ask for
    giver = session.get(User, gift.giver_id)
    pending = session.scalar(
        select(GiftRequest.id).where(
            GiftRequest.gift_id == gift.id, GiftRequest.answered_at.is_(None)
        )
    )
    if pending is not None:
        return AskResult(gift, giver, False)
    session.add(GiftRequest(gift_id=gift.id, created_at=now))
    session.flush()
    return AskResult(gift, giver, True)
