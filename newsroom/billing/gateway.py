"""Stripe through its SDK: the few calls the site makes, answered as plain dicts.

Every Stripe failure (unreachable, timed out, refused) comes out as `ProviderUnavailable`,
so callers handle one error and never see the SDK's types.
"""

import time
from dataclasses import dataclass
from types import TracebackType

import stripe

from newsroom.core.errors import TechnicalError

WEBHOOK_TOLERANCE_SECONDS = 300


class ProviderUnavailable(TechnicalError):
    """Stripe could not be reached or refused the call; nothing was made there."""


class InvalidEvent(ValueError):
    """A webhook delivery that is not a Stripe-signed, well-formed event."""


@dataclass(frozen=True)
class Price:
    amount: int  # in the currency's minor unit (øre, cents)
    currency: str  # ISO code, upper case
    interval: str | None  # "month", "year"; None for a one-off price
    interval_count: int = 1


def verify_event(payload: bytes, signature: str | None, secret: str) -> dict:
    """The event a webhook delivered, once its signature is checked and it was signed within
    WEBHOOK_TOLERANCE_SECONDS of now, either way; InvalidEvent for anything else."""
    try:
        event = stripe.Webhook.construct_event(
            payload, signature or "", secret, tolerance=WEBHOOK_TOLERANCE_SECONDS
        ).to_dict()
    except (stripe.SignatureVerificationError, ValueError, TypeError, AttributeError) as bad:
        raise InvalidEvent(str(bad)) from bad
    # The SDK refuses only old signatures; one dated ahead would be replayable until then.
    if _signed_at(signature or "") > time.time() + WEBHOOK_TOLERANCE_SECONDS:
        raise InvalidEvent("signed too far in the future")
    data = event.get("data")
    if (
        not isinstance(event.get("id"), str)
        or not isinstance(event.get("type"), str)
        or not isinstance(data, dict)
        or not isinstance(data.get("object"), dict)
    ):
        raise InvalidEvent("not an event")
    return event


def _signed_at(signature: str) -> int:
    """The `t=` of a Stripe-Signature header the SDK has verified (it signs that time)."""
    for part in signature.split(","):
        key, _, value = part.partition("=")
        if key.strip() == "t" and value.strip().isdigit():
            return int(value.strip())
    return 0


class StripeGateway:
    """One client for one request (or command): use it in a `with` block so its
    connections are closed."""

    def __init__(
        self,
        secret_key: str,
        api_base: str | None = None,
        timeout: float = 10,
        retries: int = 1,
    ) -> None:
        self.http = stripe.RequestsClient(timeout=timeout)
        self.client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_base} if api_base else None,
            max_network_retries=retries,
            http_client=self.http,
        )

    def __enter__(self) -> "StripeGateway":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    def _call(self, call, *args, absent=None, **kwargs) -> dict | None:
        """Stripe's answer as a dict; ProviderUnavailable for any failure, except a refusal
        that `absent` (a test of the InvalidRequestError) says means "no such thing": None."""
        try:
            return call(*args, **kwargs).to_dict()
        except stripe.InvalidRequestError as refused:
            if absent is not None and absent(refused):
                return None
            raise ProviderUnavailable(f"{type(refused).__name__}: {refused}") from refused
        except stripe.StripeError as failed:
            raise ProviderUnavailable(f"{type(failed).__name__}: {failed}") from failed

    def price(self, price_id: str) -> Price:
        """The price readers pay. A Plan id works too: older accounts and localstripe have
        plans where current Stripe has prices."""
        if price_id.startswith("plan_") or not price_id.startswith("price_"):
            # Refused as a plan: a price with a custom id, read as a price below.
            plan = self._call(self.client.v1.plans.retrieve, price_id, absent=lambda _r: True)
            if plan is not None:
                return Price(
                    amount=int(plan["amount"]),
                    currency=str(plan["currency"]).upper(),
                    interval=plan.get("interval"),
                    interval_count=int(plan.get("interval_count") or 1),
                )
        price = self._call(self.client.v1.prices.retrieve, price_id)
        recurring = price.get("recurring") or {}
        return Price(
            amount=int(price["unit_amount"]),
            currency=str(price["currency"]).upper(),
            interval=recurring.get("interval"),
            interval_count=int(recurring.get("interval_count") or 1),
        )

    def start_checkout(self, params: dict) -> dict:
        return self._call(self.client.v1.checkout.sessions.create, params=params)

    def start_portal(self, customer_id: str, return_url: str, locale: str) -> dict:
        params = {"customer": customer_id, "return_url": return_url, "locale": locale}
        return self._call(self.client.v1.billing_portal.sessions.create, params=params)

    def subscription(self, subscription_id: str) -> dict | None:
        """None when Stripe has no such subscription: an event about it can never apply."""
        return self._call(
            self.client.v1.subscriptions.retrieve, subscription_id, absent=_no_such_object
        )

    def cancel_subscription(self, subscription_id: str) -> dict | None:
        """Cancel at once; None when Stripe no longer has it (already gone is done)."""
        return self._call(
            self.client.v1.subscriptions.cancel, subscription_id, absent=_no_such_object
        )


def _no_such_object(refused: stripe.InvalidRequestError) -> bool:
    return refused.http_status == 404 or refused.code == "resource_missing"
