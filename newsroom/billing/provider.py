"""Stripe for the request: a gateway built from the settings, and the price shown."""

import re
from collections.abc import Iterator
from contextlib import contextmanager

from babel.numbers import get_currency_precision
from flask import current_app
from flask_babel import format_currency, get_locale
from flask_babel import gettext as _

from newsroom.billing.gateway import Price, ProviderUnavailable, StripeGateway
from newsroom.config import billing_configured
from newsroom.web.cache import cached, recall, remember


def configured() -> bool:
    """Digital+ can be bought on the site (the three Stripe settings are given)."""
    return billing_configured(current_app.config)


def gateway() -> StripeGateway:
    config = current_app.config
    return StripeGateway(
        config["STRIPE_SECRET_KEY"],
        api_base=config.get("STRIPE_API_BASE"),
        timeout=float(config["STRIPE_TIMEOUT_SECONDS"]),
        retries=int(config["STRIPE_NETWORK_RETRIES"]),
    )


@contextmanager
def gateway_if_sold() -> Iterator[StripeGateway | None]:
    """The Stripe gateway when Digital+ is sold on the site; None when it is not (there is
    then nothing at Stripe to act on)."""
    if not configured():
        yield None
        return
    with gateway() as stripe:
        yield stripe


def _fetch_price() -> Price | None:
    try:
        with gateway() as stripe:
            return stripe.price(current_app.config["STRIPE_PRICE_ID"])
    except ProviderUnavailable:
        current_app.logger.warning("Stripe price could not be read")
        return None


def price() -> Price | None:
    """The configured price, kept in this process for a while; None when Stripe does not
    answer (the page then offers Subscribe without the amount). A failure is remembered for
    STRIPE_PRICE_RETRY_SECONDS, so an outage costs each process one timeout that long, not
    one per page view."""
    key = f"stripe-price:{current_app.config['STRIPE_PRICE_ID']}"
    if recall(key + ":unreadable"):
        return None
    found = cached(key, _fetch_price, "STRIPE_PRICE_CACHE_SECONDS")
    if found is None:
        remember(key + ":unreadable", True, "STRIPE_PRICE_RETRY_SECONDS")
    return found


def amount_label(minor_units: int, currency: str) -> str:
    """ "99 kr." and "DKK 99" for a whole amount, "99,50 kr." otherwise: the locale's
    pattern, without the decimals a whole price does not need, and with the space CLDR
    puts between a currency code and a digit (which Babel leaves out)."""
    digits = get_currency_precision(currency)
    whole = minor_units % 10**digits == 0
    pattern = get_locale().currency_formats["standard"].pattern
    if whole:
        pattern = re.sub(r"\.0+", "", pattern)
    text = format_currency(
        minor_units / 10**digits, currency, format=pattern, currency_digits=not whole
    )
    return re.sub(r"(?<=[^\W\d])(?=\d)|(?<=\d)(?=[^\W\d])", "\u00a0", text)


def price_label(price: Price) -> str:
    """ "99 kr. a month": the price as the Digital+ page states it."""
    amount = amount_label(price.amount, price.currency)
    count = price.interval_count
    every = {
        "year": (_("%(price)s a year", price=amount), _("%(price)s every %(num)d years")),
        "month": (_("%(price)s a month", price=amount), _("%(price)s every %(num)d months")),
        "week": (_("%(price)s a week", price=amount), _("%(price)s every %(num)d weeks")),
        "day": (_("%(price)s a day", price=amount), _("%(price)s every %(num)d days")),
    }.get(price.interval or "")
    if every is None:
        return amount
    return every[0] if count == 1 else every[1] % {"price": amount, "num": count}
