"""Gifting: a Digital+ subscriber gives locked articles, a few per calendar month."""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from newsroom.database import begin_write
from newsroom.models import Article, Gift, User
from newsroom.models.user import first_name
from newsroom.services import clock, tokens
from newsroom.services.articles import Page, paginate
from newsroom.services.errors import AllowanceUsed, DigitalPlusRequired, NotFound
from newsroom.services.paywall import GiftState


@dataclass(frozen=True)
class Policy:
    """The site's gifting settings."""

    per_month: int
    link_days: int
    tz: str
    keys: list[str]

    @property
    def max_age_seconds(self) -> int:
        return self.link_days * 24 * 60 * 60


@dataclass(frozen=True)
class Allowance:
    used: int
    limit: int
    renews_on: date

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)


@dataclass(frozen=True)
class GiftResult:
    """What the subscriber gets back: a gift (new or this month's existing one) or, for a
    free article, no gift at all because none is needed."""

    allowance: Allowance
    gift: Gift | None
    created: bool
    token: str | None


def _used(session: Session, giver_id: int, month: str) -> int:
    query = select(func.count(Gift.id)).where(Gift.giver_id == giver_id, Gift.month == month)
    return session.scalar(query) or 0


def allowance(session: Session, giver_id: int, now: datetime, policy: Policy) -> Allowance:
    month = clock.month_key(now, policy.tz)
    return Allowance(
        _used(session, giver_id, month),
        policy.per_month,
        clock.next_month_start(now, policy.tz),
    )


def token_for(gift: Gift, policy: Policy) -> str:
    return tokens.sign_gift(gift.public_id, gift.created_at, policy.keys)


def give(
    session: Session,
    giver: User,
    has_digital_plus: bool,
    article: Article,
    now: datetime,
    policy: Policy,
) -> GiftResult:
    """Create this month's gift of `article`, or return the one already made.

    The count-then-insert runs under a lock on the giver (BEGIN IMMEDIATE on SQLite, a row
    lock on PostgreSQL), so simultaneous requests cannot exceed the allowance; the unique
    (giver, article, month) constraint backs it up.
    """
    if not has_digital_plus:
        raise DigitalPlusRequired()
    month = clock.month_key(now, policy.tz)
    renews_on = clock.next_month_start(now, policy.tz)
    if not article.locked:
        return GiftResult(allowance(session, giver.id, now, policy), None, False, None)

    begin_write(session)
    session.execute(select(User.id).where(User.id == giver.id).with_for_update())
    existing = session.scalar(
        select(Gift).where(
            Gift.giver_id == giver.id, Gift.article_id == article.id, Gift.month == month
        )
    )
    used = _used(session, giver.id, month)
    if existing is not None:
        if existing.is_revoked or existing.is_expired(now):
            _renew(session, existing, now, policy)
        quota = Allowance(used, policy.per_month, renews_on)
        return GiftResult(quota, existing, False, token_for(existing, policy))
    if used >= policy.per_month:
        raise AllowanceUsed(used, policy.per_month, renews_on)
    gift = Gift(
        public_id=secrets.token_hex(16),
        giver_id=giver.id,
        article_id=article.id,
        month=month,
        created_at=now,
        expires_at=now + timedelta(days=policy.link_days),
    )
    session.add(gift)
    session.flush()
    return GiftResult(
        Allowance(used + 1, policy.per_month, renews_on), gift, True, token_for(gift, policy)
    )


def _renew(session: Session, gift: Gift, now: datetime, policy: Policy) -> None:
    """Give a revoked or expired gift again in its own month: the same slot (nothing more is
    charged) under a new public id, so the new link opens and the old one stays dead."""
    gift.public_id = secrets.token_hex(16)
    gift.created_at = now
    gift.expires_at = now + timedelta(days=policy.link_days)
    gift.revoked_at = None
    session.flush()


@dataclass(frozen=True)
class GiftOpen:
    state: GiftState
    giver_first_name: str | None = None


def open_gift(
    session: Session, token: str, article_id: int, now: datetime, policy: Policy
) -> GiftOpen:
    """Check a gift link for this article and count the open when it is good.

    Opening never charges anything: the allowance was spent when the gift was made.
    """
    check = tokens.read_gift(token, policy.keys, now, policy.max_age_seconds)
    if check.expired:
        return GiftOpen(GiftState.EXPIRED)
    if check.public_id is None:
        return GiftOpen(GiftState.INVALID)
    row = session.execute(
        select(Gift.id, Gift.article_id, Gift.expires_at, Gift.revoked_at, User.name)
        .join(User, User.id == Gift.giver_id)
        .where(Gift.public_id == check.public_id)
    ).first()
    if row is None:
        return GiftOpen(GiftState.INVALID)
    if row.article_id != article_id:
        return GiftOpen(GiftState.WRONG_ARTICLE)
    if row.revoked_at is not None:
        return GiftOpen(GiftState.REVOKED)
    if now >= row.expires_at:
        return GiftOpen(GiftState.EXPIRED)
    # A SQLite read snapshot cannot be upgraded to a write once another request has
    # committed, so the count is written in a fresh write transaction; the conditions are
    # repeated there in case the gift was revoked in between.
    begin_write(session)
    counted = session.execute(
        update(Gift)
        .where(Gift.id == row.id, Gift.revoked_at.is_(None))
        .values(open_count=Gift.open_count + 1)
    )
    if counted.rowcount != 1:
        return GiftOpen(GiftState.REVOKED)
    return GiftOpen(GiftState.VALID, first_name(row.name))


def revoke(session: Session, giver_id: int, gift_id: int, now: datetime) -> Gift:
    """Stop a link from opening. The month's slot stays used: it was spent at creation."""
    begin_write(session)
    gift = session.get(Gift, gift_id)
    if gift is None or gift.giver_id != giver_id:
        raise NotFound()
    if gift.revoked_at is None:
        gift.revoked_at = now
        session.flush()
    return gift


def gifts_of(session: Session, giver_id: int, number: int, per_page: int) -> Page[Gift]:
    query = (
        select(Gift)
        .where(Gift.giver_id == giver_id)
        .order_by(Gift.created_at.desc(), Gift.id.desc())
    )
    return paginate(session, query, number, per_page)
