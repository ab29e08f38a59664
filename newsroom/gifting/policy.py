"""Domain settings read from the app config, for the views to hand to services."""

from flask import current_app

from newsroom.core import signing
from newsroom.gifting.allowance import Policy


def gift_policy() -> Policy:
    return policy_of(current_app.config)


def policy_of(config) -> Policy:
    return Policy(
        per_month=int(config["GIFTS_PER_MONTH"]),
        link_days=int(config["GIFT_LINK_DAYS"]),
        tz=config["TIMEZONE"],
        keys=signing.signing_keys(config["SECRET_KEY"], list(config["SECRET_KEY_FALLBACKS"])),
    )
