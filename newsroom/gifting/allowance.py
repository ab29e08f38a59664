"""How many gifts a subscriber may still make this month, and this month's gift of an article."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from newsroom.billing.subscriptions import period_active
from newsroom.core import clock
from newsroom.models import Gift, Plan, Subscription


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


def gifts_made_query(giver_id, month) -> Select:
    """The gifts the giver made in `month`: each one took a slot, revoked or not."""
    return select(func.count(Gift.id)).where(Gift.giver_id == giver_id, Gift.month == month)


def gifts_made(session: Session, giver_id: int, month: str) -> int:
    return session.scalar(gifts_made_query(giver_id, month)) or 0


def plan_limit_query(giver_id, now: datetime, default) -> Select:
    """The allowance of the giver's plan: the most generous of the periods active now; NULL
    when none is (the caller then shows the default plan's: a lapsed subscriber still sees
    the number)."""
    per_month = func.coalesce(Plan.gifts_per_month, default)
    return (
        select(func.max(per_month))
        .select_from(Subscription)
        .outerjoin(Plan, Plan.code == Subscription.plan)
        .where(Subscription.user_id == giver_id, period_active(now))
    )


def plan_limit(session: Session, giver_id: int, now: datetime, default: int) -> int:
    most = session.scalar(plan_limit_query(giver_id, now, default))
    return default if most is None else int(most)


def allowance(session: Session, giver_id: int, now: datetime, policy: Policy) -> Allowance:
    month = clock.month_key(now, policy.tz)
    return Allowance(
        gifts_made(session, giver_id, month),
        plan_limit(session, giver_id, now, policy.per_month),
        clock.next_month_start(now, policy.tz),
    )


def this_months_gift(
    session: Session, giver_id: int, article_id: int, now: datetime, policy: Policy
) -> Gift | None:
    """The gift of `article_id` the giver made this month, which giving again returns."""
    month = clock.month_key(now, policy.tz)
    return session.scalar(select(Gift).where(*this_months_gift_of(giver_id, article_id, month)))


def this_months_gift_of(giver_id, article_id, month) -> tuple:
    """The conditions that pick the giver's gift of an article in `month` (at most one)."""
    return Gift.giver_id == giver_id, Gift.article_id == article_id, Gift.month == month
