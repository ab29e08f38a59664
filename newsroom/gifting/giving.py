"""Giving: a Digital+ subscriber gives locked articles, a few per calendar month."""

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsroom.billing.subscriptions import has_digital_plus
from newsroom.core import clock
from newsroom.core.errors import DigitalPlusRequired
from newsroom.database import begin_write
from newsroom.gifting.allowance import (
    Allowance,
    Policy,
    allowance,
    gifts_made,
    plan_limit,
    this_months_gift,
)
from newsroom.gifting.errors import (
    AllowanceUsed,
    InvalidLinkDays,
    InvalidNote,
    InvalidPeopleLimit,
    NoSuchGift,
    NotGiftable,
)
from newsroom.gifting.links import token_for
from newsroom.gifting.models import LINK_DAYS, NOTE_MAX_LENGTH, PEOPLE_LIMITS
from newsroom.models import Article, Gift, User


@dataclass(frozen=True)
class GiftResult:
    """What the subscriber gets back: a gift (new or this month's existing one) or, for a
    free article, no gift at all because none is needed."""

    allowance: Allowance
    gift: Gift | None
    created: bool
    token: str | None


# Control characters (C0, C1) and bidirectional overrides and isolates, which could make a
# note read differently from what was typed. Line breaks are the one allowed exception.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean_note(note: str | None) -> str | None:
    """A giver's note as stored: trimmed plain text, at most 280 characters, or None."""
    if note is None:
        return None
    note = note.replace("\r\n", "\n").strip()
    if not note:
        return None
    if len(note) > NOTE_MAX_LENGTH:
        raise InvalidNote("too_long")
    controls = (c for c in note if c != "\n" and unicodedata.category(c) == "Cc")
    if any(True for _ in controls) or _BIDI.search(note):
        raise InvalidNote("control_character")
    return note


@dataclass(frozen=True)
class Shape:
    """What the giver chose for a link: how many people it opens for (None: anyone with
    it) and how many days it lasts (None: the site's GIFT_LINK_DAYS, the longest)."""

    people_limit: int | None = None
    link_days: int | None = None


def link_day_choices(policy: Policy) -> list[int]:
    """The lives a giver may choose, none longer than the site's."""
    return [days for days in LINK_DAYS if days <= policy.link_days]


def check_shape(shape: Shape, policy: Policy) -> Shape:
    if shape.people_limit is not None and shape.people_limit not in PEOPLE_LIMITS:
        raise InvalidPeopleLimit()
    if shape.link_days is not None and shape.link_days not in link_day_choices(policy):
        raise InvalidLinkDays()
    return shape


def _life(gift: Gift, policy: Policy) -> timedelta:
    return timedelta(days=gift.link_days or policy.link_days)


def give(
    session: Session,
    giver: User,
    article: Article,
    now: datetime,
    policy: Policy,
    note: str | None = None,
    locale: str | None = None,
    shape: Shape | None = None,
) -> GiftResult:
    """Create this month's gift of `article`, or return the one already made: for givers
    with Digital+ at `now` (DigitalPlusRequired otherwise). `locale` is the giver's
    language, for mails about the gift that reach them later. `shape` limits the people
    and the days the link opens for (refused, with nothing given, when out of range).

    The count-then-insert runs under a lock on the giver (BEGIN IMMEDIATE on SQLite, a row
    lock on PostgreSQL), so simultaneous requests cannot exceed the allowance; the unique
    (giver, article, month) constraint backs it up. A note given again replaces the old one.
    """
    if not has_digital_plus(session, giver.id, now):
        raise DigitalPlusRequired()
    note = clean_note(note)
    shape = check_shape(shape or Shape(), policy)
    month = clock.month_key(now, policy.tz)
    renews_on = clock.next_month_start(now, policy.tz)
    if not article.locked:
        return GiftResult(allowance(session, giver.id, now, policy), None, False, None)
    if not article.giftable:
        raise NotGiftable()

    begin_write(session)
    session.execute(select(User.id).where(User.id == giver.id).with_for_update())
    existing = this_months_gift(session, giver.id, article.id, now, policy)
    used = gifts_made(session, giver.id, month)
    limit = plan_limit(session, giver.id, now, policy.per_month)
    if existing is not None:
        _reshape(existing, shape)
        if not existing.works(now) or existing.is_full:
            _revive(session, existing, now, policy)
        if note is not None and note != existing.note:
            existing.note = note
        if locale:
            existing.locale = locale
        session.flush()
        return GiftResult(
            Allowance(used, limit, renews_on), existing, False, token_for(existing, policy)
        )
    if used >= limit:
        raise AllowanceUsed(Allowance(used, limit, renews_on))
    gift = Gift(
        public_id=secrets.token_hex(16),
        giver_id=giver.id,
        article_id=article.id,
        month=month,
        created_at=now,
        expires_at=now + timedelta(days=shape.link_days or policy.link_days),
        note=note,
        locale=locale,
        people_limit=shape.people_limit,
        link_days=shape.link_days,
        open_count=0,
    )
    session.add(gift)
    session.flush()
    return GiftResult(Allowance(used + 1, limit, renews_on), gift, True, token_for(gift, policy))


def _reshape(gift: Gift, shape: Shape) -> None:
    """Giving again with a new limit or life changes this month's link (days from its
    creation); what is not given stays as it was."""
    if shape.people_limit is not None:
        gift.people_limit = shape.people_limit
    if shape.link_days is not None and shape.link_days != gift.link_days:
        gift.link_days = shape.link_days
        gift.expires_at = gift.created_at + timedelta(days=shape.link_days)


def _revive(session: Session, gift: Gift, now: datetime, policy: Policy) -> None:
    """Give a revoked, expired or full gift again in its own month: the same slot (nothing
    more is charged) under a new public id, so the new link opens (for as many new people
    as before) and the old one stays dead."""
    gift.public_id = secrets.token_hex(16)
    gift.created_at = now
    gift.expires_at = now + _life(gift, policy)
    gift.revoked_at = None
    gift.open_count = 0
    session.flush()


def own_gift(session: Session, giver_id: int, gift_id: int) -> Gift:
    """One of the giver's gifts; NoSuchGift for anyone else's."""
    gift = session.get(Gift, gift_id)
    if gift is None or gift.giver_id != giver_id:
        raise NoSuchGift()
    return gift
