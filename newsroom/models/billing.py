"""What the site knows of the payment provider (Stripe): whose customer is whose, and which
webhook events have been applied."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from newsroom.models.base import Base, UTCDateTime, utcnow


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
