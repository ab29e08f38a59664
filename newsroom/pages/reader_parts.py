"""What a logged-in reader has of their own on an article page, read in one SQL statement:
whether their session still stands, Digital+ now, their history with the article, their
gift allowance and this month's gift of it, and the content version the page is made from.

Every condition comes from the definitions the rest of the app uses (the session version,
`active_at`, the plan's allowance, `works_at`), so this statement and the ORM pages can
never disagree about a reader.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Connection, Integer, Select, String, bindparam, select

from newsroom.accounts.models import User
from newsroom.billing.subscriptions import active_clause
from newsroom.core import clock
from newsroom.core.orm import UTCDateTime
from newsroom.delivery import content_version
from newsroom.delivery.models import ContentVersion
from newsroom.gifting.allowance import (
    Allowance,
    Policy,
    gifts_made_query,
    plan_limit_query,
    this_months_gift_of,
)
from newsroom.gifting.models import Gift, works_at
from newsroom.reading import history


@dataclass(frozen=True)
class ReaderParts:
    reading: history.ReaderState
    session_version: int
    deleted: bool
    verified: bool
    email: str
    digital_plus: bool
    gifts_made: int
    plan_limit: int | None  # None: no period active now (the default plan's number shows)
    given: bool  # a working gift link of the article made this month
    content_version: int

    def allowance(self, now: datetime, policy: Policy) -> Allowance:
        limit = policy.per_month if self.plan_limit is None else int(self.plan_limit)
        return Allowance(self.gifts_made, limit, clock.next_month_start(now, policy.tz))

    def holds_session(self, version: int) -> bool:
        """The account still exists and the session was made for its current version (a
        password change or a log-out everywhere raises it)."""
        return not self.deleted and self.session_version == version


@cache
def statement() -> Select:
    """Compiled once per process and dialect: only the bound values change per request."""
    user_id = bindparam("user_id", type_=Integer)
    article_id = bindparam("article_id", type_=Integer)
    now = bindparam("now", type_=UTCDateTime())
    month = bindparam("month", type_=String)
    default_limit = bindparam("default_limit", type_=Integer)
    given = select(works_at(Gift, now)).where(*this_months_gift_of(user_id, article_id, month))
    version = select(ContentVersion.value).where(ContentVersion.name == content_version.ARTICLES)
    return (
        history.state_query(user_id, article_id)
        .join(User, User.id == user_id)
        .add_columns(
            User.session_version,
            User.deleted_at,
            User.email_verified_at,
            User.email,
            active_clause(user_id, now),
            gifts_made_query(user_id, month).scalar_subquery(),
            plan_limit_query(user_id, now, default_limit).scalar_subquery(),
            given.scalar_subquery(),
            version.scalar_subquery(),
        )
    )


def read_parts(
    connection: Connection, user_id: int, article_id: int, now: datetime, policy: Policy
) -> ReaderParts | None:
    """None when the account or the article is not there."""
    values = {
        "user_id": user_id,
        "article_id": article_id,
        "now": now,
        "month": clock.month_key(now, policy.tz),
        "default_limit": policy.per_month,
    }
    row = connection.execute(statement(), values).first()
    if row is None:
        return None
    (read_on, read_at, saved_at, session_version, deleted_at, verified_at, email) = row[:7]
    active, made, most, given, version = row[7:]
    return ReaderParts(
        reading=history.ReaderState(read_on, read_at, saved_at),
        session_version=session_version,
        deleted=deleted_at is not None,
        verified=verified_at is not None,
        email=email,
        digital_plus=bool(active),
        gifts_made=int(made or 0),
        plan_limit=most,
        given=bool(given),
        content_version=int(version or 0),
    )
