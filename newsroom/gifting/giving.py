"""Gifting: a Digital+ subscriber gives locked articles, a few per calendar month."""

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from newsroom.accounts.models import first_name
from newsroom.articles.paywall import GiftState
from newsroom.billing.subscriptions import period_active
from newsroom.core import clock, signing
from newsroom.core.errors import DigitalPlusRequired, NotFound
from newsroom.core.pagination import Page, paginate
from newsroom.database import begin_write
from newsroom.gifting.errors import AllowanceUsed, InvalidNote, NotGiftable
from newsroom.gifting.models import DIGITAL_PLUS, NOTE_MAX_LENGTH, SIGNUP
from newsroom.models import (
    Article,
    Gift,
    GiftOpen,
    GiftOutcome,
    GiftRequest,
    Plan,
    Subscription,
    User,
)


@dataclass(frozen=True)
class Policy:
    """The site's gifting settings. `per_month` is the default plan's allowance (a plan
    row without a number of its own follows it)."""

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


def _limit(session: Session, giver_id: int, now: datetime, default: int) -> int:
    """The allowance of the giver's plan: the most generous of the periods active now, or
    the default plan's when none is (a lapsed subscriber still sees the number)."""
    per_month = func.coalesce(Plan.gifts_per_month, default)
    limit = session.scalar(
        select(func.max(per_month))
        .select_from(Subscription)
        .outerjoin(Plan, Plan.code == Subscription.plan)
        .where(Subscription.user_id == giver_id, period_active(now))
    )
    return default if limit is None else int(limit)


def allowance(session: Session, giver_id: int, now: datetime, policy: Policy) -> Allowance:
    month = clock.month_key(now, policy.tz)
    return Allowance(
        _used(session, giver_id, month),
        _limit(session, giver_id, now, policy.per_month),
        clock.next_month_start(now, policy.tz),
    )


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


def this_months_gift(
    session: Session, giver_id: int, article_id: int, now: datetime, policy: Policy
) -> Gift | None:
    """The gift of `article_id` the giver made this month, which giving again returns."""
    month = clock.month_key(now, policy.tz)
    return session.scalar(
        select(Gift).where(
            Gift.giver_id == giver_id, Gift.article_id == article_id, Gift.month == month
        )
    )


def token_for(gift: Gift, policy: Policy) -> str:
    return signing.sign_gift(gift.public_id, gift.created_at, policy.keys)


def give(
    session: Session,
    giver: User,
    has_digital_plus: bool,
    article: Article,
    now: datetime,
    policy: Policy,
    note: str | None = None,
    locale: str | None = None,
) -> GiftResult:
    """Create this month's gift of `article`, or return the one already made. `locale` is
    the giver's language, for mails about the gift that reach them later.

    The count-then-insert runs under a lock on the giver (BEGIN IMMEDIATE on SQLite, a row
    lock on PostgreSQL), so simultaneous requests cannot exceed the allowance; the unique
    (giver, article, month) constraint backs it up. A note given again replaces the old one.
    """
    if not has_digital_plus:
        raise DigitalPlusRequired()
    note = clean_note(note)
    month = clock.month_key(now, policy.tz)
    renews_on = clock.next_month_start(now, policy.tz)
    if not article.locked:
        return GiftResult(allowance(session, giver.id, now, policy), None, False, None)
    if not article.giftable:
        raise NotGiftable()

    begin_write(session)
    session.execute(select(User.id).where(User.id == giver.id).with_for_update())
    existing = session.scalar(
        select(Gift).where(
            Gift.giver_id == giver.id, Gift.article_id == article.id, Gift.month == month
        )
    )
    used = _used(session, giver.id, month)
    limit = _limit(session, giver.id, now, policy.per_month)
    if existing is not None:
        if existing.is_revoked or existing.is_expired(now):
            _renew(session, existing, now, policy)
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
        expires_at=now + timedelta(days=policy.link_days),
        note=note,
        locale=locale,
    )
    session.add(gift)
    session.flush()
    return GiftResult(Allowance(used + 1, limit, renews_on), gift, True, token_for(gift, policy))


def _renew(session: Session, gift: Gift, now: datetime, policy: Policy) -> None:
    """Give a revoked or expired gift again in its own month: the same slot (nothing more is
    charged) under a new public id, so the new link opens and the old one stays dead."""
    gift.public_id = secrets.token_hex(16)
    gift.created_at = now
    gift.expires_at = now + timedelta(days=policy.link_days)
    gift.revoked_at = None
    session.flush()


@dataclass(frozen=True)
class LinkCheck:
    """What opening a gift link (or an account's earlier open) gives the reader."""

    state: GiftState
    giver_first_name: str | None = None
    note: str | None = None
    # Set for a link that once was good (expired or withdrawn): its recipient may ask anew.
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
    if row.revoked_at is not None:
        return LinkCheck(GiftState.REVOKED, name, can_ask=name is not None)
    if check.expired or now >= row.expires_at:
        return LinkCheck(GiftState.EXPIRED, name, can_ask=name is not None)
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
            Gift.revoked_at.is_(None),
            Gift.expires_at > now,
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


@dataclass(frozen=True)
class AskResult:
    gift: Gift
    giver: User
    created: bool  # False when the giver was asked already and has not answered


def ask_again(
    session: Session, token: str, article_id: int, now: datetime, policy: Policy
) -> AskResult:
    """A recipient of an expired or withdrawn link asks the giver for a new one. Asking
    again before the giver answered records nothing new (and mails nobody twice)."""
    check = signing.read_gift(token, policy.keys, now, policy.max_age_seconds)
    if check.public_id is None:
        raise NotFound()
    gift = session.scalar(select(Gift).where(Gift.public_id == check.public_id))
    if gift is None or gift.article_id != article_id:
        raise NotFound()
    if not (check.expired or gift.is_revoked or gift.is_expired(now)):
        raise NotFound()  # the link works: there is nothing to ask for
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


def give_again(
    session: Session,
    giver: User,
    has_digital_plus: bool,
    gift_id: int,
    now: datetime,
    policy: Policy,
) -> GiftResult:
    """Answer requests for a new link to one of the giver's gifts: this month's gift of the
    article (a new slot if none yet, AllowanceUsed when none is left)."""
    old = session.get(Gift, gift_id)
    if old is None or old.giver_id != giver.id:
        raise NotFound()
    article = old.article
    result = give(session, giver, has_digital_plus, article, now, policy, note=old.note)
    session.execute(
        update(GiftRequest)
        .where(GiftRequest.gift_id == old.id, GiftRequest.answered_at.is_(None))
        .values(answered_at=now)
    )
    return result


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


@dataclass(frozen=True)
class Figures:
    """What one gift achieved: distinct recipient browsers, accounts and Digital+ it led to,
    and the requests for a new link (those not yet answered)."""

    opens: int = 0
    signups: int = 0
    subscriptions: int = 0
    requests: int = 0
    pending_requests: int = 0


def figures(session: Session, gift_ids: list[int]) -> dict[int, Figures]:
    """Figures for a page of gifts, in three grouped queries whatever the page size."""
    if not gift_ids:
        return {}
    opens = dict(
        session.execute(
            select(GiftOpen.gift_id, func.count(GiftOpen.id))
            .where(GiftOpen.gift_id.in_(gift_ids))
            .group_by(GiftOpen.gift_id)
        ).all()
    )
    outcomes: dict[tuple[int, str], int] = {
        (gift_id, kind): n
        for gift_id, kind, n in session.execute(
            select(GiftOutcome.gift_id, GiftOutcome.kind, func.count(GiftOutcome.id))
            .where(GiftOutcome.gift_id.in_(gift_ids))
            .group_by(GiftOutcome.gift_id, GiftOutcome.kind)
        )
    }
    requests = {
        gift_id: (n, waiting or 0)
        for gift_id, n, waiting in session.execute(
            select(
                GiftRequest.gift_id,
                func.count(GiftRequest.id),
                func.sum(case((GiftRequest.answered_at.is_(None), 1), else_=0)),
            )
            .where(GiftRequest.gift_id.in_(gift_ids))
            .group_by(GiftRequest.gift_id)
        )
    }
    return {
        gift_id: Figures(
            opens.get(gift_id, 0),
            outcomes.get((gift_id, SIGNUP), 0),
            outcomes.get((gift_id, DIGITAL_PLUS), 0),
            *requests.get(gift_id, (0, 0)),
        )
        for gift_id in gift_ids
    }


def _live(now: datetime):
    return Gift.revoked_at.is_(None), Gift.expires_at > now


def _live_gifts(slug: str | None, now: datetime):
    query = select(Gift.id).where(*_live(now))
    if slug is not None:
        query = query.join(Article, Article.id == Gift.article_id).where(Article.slug == slug)
    return query


def count_live(session: Session, now: datetime, slug: str | None = None) -> int:
    """Links that still open: of one article, or of every article."""
    return session.scalar(select(func.count()).select_from(_live_gifts(slug, now).subquery()))


def revoke_all(session: Session, now: datetime, slug: str | None = None) -> int:
    """An editor withdraws every live link (of one article, or all): the slots stay used."""
    ids = list(session.scalars(_live_gifts(slug, now)))
    if ids:
        session.execute(
            update(Gift).where(Gift.id.in_(ids), Gift.revoked_at.is_(None)).values(revoked_at=now)
        )
    session.flush()
    return len(ids)


@dataclass(frozen=True)
class ReportRow:
    slug: str
    headline: str
    gifts: int
    opens: int
    signups: int
    subscriptions: int


def report(session: Session, month: str) -> list[ReportRow]:
    """Per article, the gifts made in `month` (YYYY-MM, site time) and what they achieved."""
    opens = (
        select(GiftOpen.gift_id, func.count(GiftOpen.id).label("n"))
        .group_by(GiftOpen.gift_id)
        .subquery()
    )

    def outcome(kind: str):
        return (
            select(GiftOutcome.gift_id, func.count(GiftOutcome.id).label("n"))
            .where(GiftOutcome.kind == kind)
            .group_by(GiftOutcome.gift_id)
            .subquery()
        )

    signups, subscribed = outcome(SIGNUP), outcome(DIGITAL_PLUS)
    rows = session.execute(
        select(
            Article.slug,
            Article.headline,
            func.count(Gift.id),
            func.coalesce(func.sum(opens.c.n), 0),
            func.coalesce(func.sum(signups.c.n), 0),
            func.coalesce(func.sum(subscribed.c.n), 0),
        )
        .join(Article, Article.id == Gift.article_id)
        .outerjoin(opens, opens.c.gift_id == Gift.id)
        .outerjoin(signups, signups.c.gift_id == Gift.id)
        .outerjoin(subscribed, subscribed.c.gift_id == Gift.id)
        .where(Gift.month == month)
        .group_by(Article.id, Article.slug, Article.headline)
        .order_by(func.count(Gift.id).desc(), Article.slug)
    )
    return [ReportRow(r[0], r[1], int(r[2]), int(r[3]), int(r[4]), int(r[5])) for r in rows]
