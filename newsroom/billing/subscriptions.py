"""Digital+ periods."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, exists, select, update
from sqlalchemy.orm import Session

from newsroom.billing.models import DIGITAL_PLUS, active_at
from newsroom.core import clock
from newsroom.core.errors import NotFound
from newsroom.core.signals import digital_plus_started
from newsroom.models import Subscription, User


def period_active(now: datetime) -> ColumnElement[bool]:
    """SQL truth of "this period gives Digital+ at `now`"."""
    return active_at(Subscription, now)


def active_clause(user_id, now: datetime) -> ColumnElement[bool]:
    """SQL truth of "this user has Digital+ at `now`", for use inside a larger query."""
    query = select(Subscription.id).where(Subscription.user_id == user_id, period_active(now))
    return exists(query)


def has_digital_plus(session: Session, user_id: int, now: datetime) -> bool:
    return bool(session.scalar(select(active_clause(user_id, now))))


@dataclass(frozen=True)
class Status:
    active: bool
    ends_at: datetime | None  # end of the current period, or of the last one

    @property
    def last_moment(self) -> datetime | None:
        """The last instant covered: the end is exclusive, so "until 31 December" shows as
        that day and not as midnight on 1 January."""
        return None if self.ends_at is None else self.ends_at - timedelta(microseconds=1)


def latest_period(session: Session, user_id: int, *where) -> Subscription | None:
    """The user's Digital+ period that ends last, among those matching `where`."""
    return session.scalars(
        select(Subscription)
        .where(Subscription.user_id == user_id, *where)
        .order_by(Subscription.ends_at.desc())
        .limit(1)
    ).first()


def status(session: Session, user_id: int, now: datetime) -> Status:
    latest = latest_period(session, user_id, Subscription.cancelled_at.is_(None))
    if latest is None:
        return Status(active=False, ends_at=None)
    return Status(active=latest.is_active(now), ends_at=latest.ends_at)


def set_digital_plus_until(
    session: Session, email: str, until: date, now: datetime, tz: str
) -> Status:
    """Make the user's Digital+ run through the end of `until` (site time zone).

    Extends or shortens the current period; a date in the past ends it. With no current
    period a future date starts a new one now, and a past date changes nothing.
    """
    user = session.scalar(select(User).where(User.has_email(email)))
    if user is None:
        raise NotFound(f"no user with e-mail {email}")
    ends_at = clock.end_of_local_day(until, tz)
    current = session.scalars(
        select(Subscription).where(Subscription.user_id == user.id, period_active(now))
    ).first()
    if current is not None:
        current.ends_at = max(ends_at, current.starts_at)
    elif ends_at > now:
        start_period(session, user.id, now, ends_at, now)
    session.flush()
    return status(session, user.id, now)


def start_period(
    session: Session,
    user_id: int,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
    plan: str = DIGITAL_PLUS,
) -> Subscription:
    """Add a Digital+ period. Every new period starts here (the CLI's and the payment
    provider's), so whatever follows a new period (crediting the gift that led to it) happens
    once, whichever way it came."""
    period = Subscription(
        user_id=user_id, plan=plan, starts_at=starts_at, ends_at=ends_at, created_at=now
    )
    session.add(period)
    session.flush()
    digital_plus_started.send(period, session=session, now=now)
    return period


def end_periods(session: Session, user_id: int, now: datetime) -> None:
    """Stop every current or future Digital+ period of a leaving reader."""
    session.execute(
        update(Subscription)
        .where(
            Subscription.user_id == user_id,
            Subscription.ends_at > now,
            Subscription.cancelled_at.is_(None),
        )
        .values(cancelled_at=now)
        .execution_options(synchronize_session=False)
    )
