"""Digital+ periods."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, select
from sqlalchemy.orm import Session

from newsroom.models import Subscription, User
from newsroom.services import clock
from newsroom.services.errors import NotFound


def active_clause(user_id, now: datetime) -> ColumnElement[bool]:
    """SQL truth of "this user has Digital+ at `now`", for use inside a larger query."""
    return exists(
        select(Subscription.id).where(
            and_(
                Subscription.user_id == user_id,
                Subscription.starts_at <= now,
                Subscription.ends_at > now,
                Subscription.cancelled_at.is_(None),
            )
        )
    )


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


def status(session: Session, user_id: int, now: datetime) -> Status:
    latest = session.scalars(
        select(Subscription)
        .where(Subscription.user_id == user_id, Subscription.cancelled_at.is_(None))
        .order_by(Subscription.ends_at.desc())
        .limit(1)
    ).first()
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
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound(f"no user with e-mail {email}")
    ends_at = clock.end_of_local_day(until, tz)
    current = session.scalars(
        select(Subscription).where(
            Subscription.user_id == user.id,
            Subscription.starts_at <= now,
            Subscription.ends_at > now,
            Subscription.cancelled_at.is_(None),
        )
    ).first()
    if current is not None:
        current.ends_at = max(ends_at, current.starts_at)
    elif ends_at > now:
        session.add(Subscription(user_id=user.id, starts_at=now, ends_at=ends_at))
    session.flush()
    return status(session, user.id, now)
