"""Digital+ bought through Stripe: what Checkout is asked for, what a webhook event does to
the reader's Digital+, what the account page shows, and cancelling when a reader leaves.

Each Stripe subscription is mirrored by one Digital+ period (`Subscription` with its
`stripe_subscription_id`). An event never says what to change: its subscription is read
again from Stripe and that state is applied, so events arriving twice or out of order end
in the same place. Stripe's status to Digital+:

- `active`, `trialing`: Digital+ through the current period's end;
- `past_due` (a renewal failed, Stripe is retrying): through the period's end plus the
  grace days, counted from the end of the period that was paid for, so the grace is the
  same however late the event arrives;
- `canceled`, `unpaid`, `incomplete`, `incomplete_expired`: ended, at the moment Stripe
  ended it (or now, when Stripe gives no moment).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsroom.billing import subscriptions
from newsroom.billing.gateway import Price, StripeGateway
from newsroom.database import begin_write
from newsroom.models import StripeCustomer, StripeEvent, Subscription, User

log = logging.getLogger("newsroom.billing")

GIVING = frozenset({"active", "trialing"})
PAST_DUE = "past_due"
ENDED = frozenset({"canceled", "unpaid", "incomplete", "incomplete_expired"})
HANDLED_EVENTS = frozenset(
    {
        "checkout.session.completed",
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
        "invoice.paid",
        "invoice.payment_failed",
    }
)

FetchSubscription = Callable[[str], dict | None]
METADATA_VALUE_MAX = 500  # Stripe's limit on one metadata value


def _instant(timestamp) -> datetime | None:
    return None if timestamp is None else datetime.fromtimestamp(int(timestamp), UTC)


# -- Checkout and the portal -----------------------------------------------------------


def customer_id(session: Session, user_id: int) -> str | None:
    return session.scalar(
        select(StripeCustomer.customer_id).where(StripeCustomer.user_id == user_id)
    )


def checkout_params(
    session: Session,
    user: User,
    price_id: str,
    success_url: str,
    cancel_url: str,
    locale: str,
    back: str | None = None,
) -> dict:
    """The Checkout Session a reader is sent to: one Digital+ subscription, tied to them by
    `client_reference_id` (and the subscription's metadata, for events that come first).
    The metadata also keeps the reader's language and the page they came from, for the mail
    that follows the purchase (the webhook has no reader's request to take them from)."""
    metadata = {"user_id": str(user.id), "locale": locale}
    if back and len(back) <= METADATA_VALUE_MAX:
        metadata["return_path"] = back
    params = {
        "mode": "subscription",
        "line_items": [{"price": price_id, "quantity": 1}],
        "client_reference_id": str(user.id),
        "success_url": success_url,
        "cancel_url": cancel_url,
        "locale": locale,
        "metadata": {"user_id": str(user.id)},
        "subscription_data": {"metadata": metadata},
    }
    existing = customer_id(session, user.id)
    if existing:
        params["customer"] = existing
    else:
        params["customer_email"] = user.email
    return params


# -- webhook events --------------------------------------------------------------------


def subscription_id_of(event: dict) -> str | None:
    """The Stripe subscription an event is about, wherever its type keeps it."""
    kind, obj = event["type"], event["data"]["object"]
    if kind == "checkout.session.completed":
        found = obj.get("subscription") if obj.get("mode") == "subscription" else None
    elif kind.startswith("customer.subscription."):
        found = obj.get("id")
    else:  # invoices: top level in older API versions, under `parent` in current ones
        parent = (obj.get("parent") or {}).get("subscription_details") or {}
        found = obj.get("subscription") or parent.get("subscription")
    if isinstance(found, dict):  # expanded
        found = found.get("id")
    return found if isinstance(found, str) and found else None


def already_applied(session: Session, event_id: str) -> bool:
    return session.get(StripeEvent, event_id) is not None


@dataclass(frozen=True)
class Purchase:
    """A Stripe subscription that has just become a reader's Digital+: what the mail after
    the purchase tells them."""

    reader: User
    ends_at: datetime
    renews: bool
    price: Price | None
    locale: str | None  # the language the reader bought in
    return_path: str | None  # the page they came from (to be checked before use)


@dataclass(frozen=True)
class Applied:
    outcome: str  # "applied", "duplicate" or "ignored"
    purchase: Purchase | None = None  # a new Digital+ period, made by this event


def apply_event(
    session: Session,
    event: dict,
    fetch: FetchSubscription,
    now: datetime,
    grace_days: int,
) -> Applied:
    """Apply one verified event: "applied", "duplicate" (seen before: nothing changes) or
    "ignored" (a type the site does not use, or about a subscription Stripe does not have).
    The event id is recorded with its effect. Of all the events about one subscription,
    only the one that makes its Digital+ period names a purchase: so whatever follows one
    (the mail) happens once, however often and in whatever order Stripe delivers them."""
    if event["type"] not in HANDLED_EVENTS:
        return Applied("ignored")
    if already_applied(session, event["id"]):
        return Applied("duplicate")
    subscription_id = subscription_id_of(event)
    # Read Stripe before writing anything, so no write lock is held across the network;
    # then take it and look again: a concurrent delivery may have applied the event since.
    current = fetch(subscription_id) if subscription_id else None
    begin_write(session)
    if already_applied(session, event["id"]):
        return Applied("duplicate")
    if subscription_id and current is None:
        # Stripe has no such subscription (made in another account or mode, or deleted
        # for good): the event can never apply, so it is recorded and answered, not retried.
        log.warning("Stripe event %s ignored: no subscription %s", event["id"], subscription_id)
        session.add(StripeEvent(id=event["id"], type=event["type"], received_at=now))
        session.flush()
        return Applied("ignored")
    reader = None
    if event["type"] == "checkout.session.completed":
        reader = _reader(session, event["data"]["object"].get("client_reference_id"))
        customer = event["data"]["object"].get("customer")
        if reader is not None and isinstance(customer, str):
            link_customer(session, reader.id, customer)
    purchase = None
    if current is not None:
        known = _period_of(session, current["id"]) is not None
        period = apply_subscription(session, current, now, grace_days, reader)
        if period is not None and not known:
            purchase = _purchase(session.get(User, period.user_id), period, current)
    session.add(StripeEvent(id=event["id"], type=event["type"], received_at=now))
    session.flush()
    return Applied("applied", purchase)


def _period_of(session: Session, subscription_id: str) -> Subscription | None:
    return session.scalar(
        select(Subscription).where(Subscription.stripe_subscription_id == subscription_id)
    )


def _purchase(reader: User, period: Subscription, subscription: dict) -> Purchase:
    metadata = subscription.get("metadata") or {}
    return Purchase(
        reader=reader,
        ends_at=period.ends_at,
        renews=period.renews,
        price=price_of(subscription),
        locale=metadata.get("locale"),
        return_path=metadata.get("return_path"),
    )


def price_of(subscription: dict) -> Price | None:
    """What the subscription is charged: its item's Price (current API versions), or its
    Plan (older ones, and localstripe)."""
    items = (subscription.get("items") or {}).get("data") or []
    if not items:
        return None
    price, plan = items[0].get("price") or {}, items[0].get("plan") or {}
    amount = price.get("unit_amount", plan.get("amount"))
    currency = price.get("currency") or plan.get("currency")
    recurring = price.get("recurring") or plan
    if amount is None or not currency:
        return None
    return Price(
        amount=int(amount),
        currency=str(currency).upper(),
        interval=recurring.get("interval"),
        interval_count=int(recurring.get("interval_count") or 1),
    )


def _reader(session: Session, user_id) -> User | None:
    try:
        user = session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
    return user if user is not None and user.deleted_at is None else None


def link_customer(session: Session, user_id: int, customer: str) -> None:
    """Remember whose Stripe customer this is (the first link stands)."""
    if session.get(StripeCustomer, user_id) is not None:
        return
    if session.scalar(select(StripeCustomer).where(StripeCustomer.customer_id == customer)):
        return
    session.add(StripeCustomer(user_id=user_id, customer_id=customer))
    session.flush()


def _customer_of(subscription: dict) -> str | None:
    customer = subscription.get("customer")
    if isinstance(customer, dict):
        customer = customer.get("id")
    return customer if isinstance(customer, str) else None


def _owner(session: Session, subscription: dict, reader: User | None) -> User | None:
    if reader is not None:
        return reader
    customer = _customer_of(subscription)
    if customer:
        linked = session.scalar(
            select(StripeCustomer.user_id).where(StripeCustomer.customer_id == customer)
        )
        if linked is not None:
            return _reader(session, linked)
    return _reader(session, (subscription.get("metadata") or {}).get("user_id"))


def period_end(subscription: dict) -> datetime | None:
    """The current period's end: on the items in current Stripe API versions, at the top
    level in older ones (and localstripe)."""
    items = (subscription.get("items") or {}).get("data") or []
    if items and items[0].get("current_period_end"):
        return _instant(items[0]["current_period_end"])
    return _instant(subscription.get("current_period_end"))


@dataclass(frozen=True)
class DigitalPlusEnd:
    """Until when a Stripe subscription in its current state gives Digital+ (its period's
    end, the grace days included), and whether Stripe will renew it then."""

    ends_at: datetime
    renews: bool


def digital_plus_end(subscription: dict, now: datetime, grace_days: int) -> DigitalPlusEnd | None:
    """None when the subscription never said (no period end, an unknown status)."""
    status = subscription.get("status")
    renews = not subscription.get("cancel_at_period_end")
    end = period_end(subscription)
    if status in GIVING and end is not None:
        return DigitalPlusEnd(end, renews)
    if status == PAST_DUE and end is not None:
        return DigitalPlusEnd(end + timedelta(days=grace_days), renews)
    if status in ENDED:
        ended = _instant(subscription.get("ended_at") or subscription.get("canceled_at"))
        return DigitalPlusEnd(min(ended or now, now), False)
    return None


def apply_subscription(
    session: Session,
    subscription: dict,
    now: datetime,
    grace_days: int,
    reader: User | None = None,
) -> Subscription | None:
    """Make the Digital+ period of a Stripe subscription match its current state."""
    end = digital_plus_end(subscription, now, grace_days)
    if end is None:
        return None
    period = _period_of(session, subscription["id"])
    if period is None:
        owner = _owner(session, subscription, reader)
        if owner is None or end.ends_at <= now:
            return None  # nobody to give it to, or nothing left to give
        customer = _customer_of(subscription)
        if customer:
            link_customer(session, owner.id, customer)
        starts_at = min(_instant(subscription.get("start_date")) or now, now)
        period = subscriptions.start_period(session, owner.id, starts_at, end.ends_at, now)
        period.stripe_subscription_id = subscription["id"]
    period.ends_at = max(end.ends_at, period.starts_at)
    period.billing_status = str(subscription.get("status"))
    period.renews = end.renews
    session.flush()
    return period


# -- the account page ------------------------------------------------------------------


@dataclass(frozen=True)
class Billing:
    """The reader's Digital+ as Stripe bills it."""

    can_manage: bool  # a Stripe customer: the portal can open
    status: str | None  # Stripe's status of the latest subscription
    renews: bool
    ends_at: datetime | None

    @property
    def past_due(self) -> bool:
        return self.status == PAST_DUE


def account_billing(session: Session, user_id: int) -> Billing:
    latest = subscriptions.latest_period(
        session, user_id, Subscription.stripe_subscription_id.is_not(None)
    )
    manage = customer_id(session, user_id) is not None
    if latest is None:
        return Billing(can_manage=manage, status=None, renews=False, ends_at=None)
    return Billing(manage, latest.billing_status, latest.renews, latest.ends_at)


# -- a reader leaving ------------------------------------------------------------------


def cancel_at_stripe(session: Session, stripe: StripeGateway, user_id: int) -> None:
    """A reader leaving: cancel every Stripe subscription of theirs that has not ended, and
    forget their customer. Raises ProviderUnavailable when Stripe cannot be reached."""
    periods = session.scalars(
        select(Subscription).where(
            Subscription.user_id == user_id,
            Subscription.stripe_subscription_id.is_not(None),
        )
    ).all()
    for period in periods:
        if period.billing_status in ENDED:
            continue
        stripe.cancel_subscription(period.stripe_subscription_id)
        period.billing_status = "canceled"
        period.renews = False
    link = session.get(StripeCustomer, user_id)
    if link is not None:
        session.delete(link)
    session.flush()
