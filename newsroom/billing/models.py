"""Digital+ periods, the plans they name, and what the site knows of Stripe: whose customer
is whose, and which webhook events have been applied."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column

from newsroom.core.orm import Base, UTCDateTime, utcnow

DIGITAL_PLUS = "digital_plus"


class Subscription(Base):
    """A paid period of Digital+ (see active_at)."""

    __tablename__ = "subscriptions"
    __table_args__ = (Index("ix_subscriptions_user_period", "user_id", "ends_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    plan: Mapped[str] = mapped_column(String(32), default=DIGITAL_PLUS)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A period paid through Stripe mirrors one Stripe subscription; the CLI's have none.
    stripe_subscription_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    # Stripe's status of that subscription ("active", "past_due", "canceled", ...).
    billing_status: Mapped[str | None] = mapped_column(String(32))
    # Stripe will charge again at ends_at (false once the reader cancels at period end).
    renews: Mapped[bool] = mapped_column(default=False, server_default=false())

    def is_active(self, now: datetime) -> bool:
        return active_at(self, now)


def active_at(period, now: datetime):
    """ "This period gives Digital+ now": started, not ended, not cancelled.

    A bool for a Subscription row, the SQL clause for the Subscription class: `== None`
    (not `is None`) is what makes one expression serve both."""
    return (
        (period.starts_at <= now) & (period.ends_at > now) & (period.cancelled_at == None)  # noqa: E711
    )


class Plan(Base):
    """What a subscription includes. A subscription names its plan by code."""

    __tablename__ = "plans"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    # Locked articles a subscriber may give per calendar month; None follows the site's
    # GIFTS_PER_MONTH, which is how the default plan (Digital+, 5) is set.
    gifts_per_month: Mapped[int | None] = mapped_column()


class StripeCustomer(Base):
    """A reader's customer at Stripe: one each, made by the first Checkout they complete."""

    __tablename__ = "stripe_customers"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    customer_id: Mapped[str] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class StripeEvent(Base):
    """A webhook event applied, recorded in the transaction of its effect, so a delivery
    repeated by Stripe changes nothing."""

    __tablename__ = "stripe_events"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
