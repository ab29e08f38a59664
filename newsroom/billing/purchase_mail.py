"""The mail after a purchase: welcome, what Digital+ includes, when it renews and at what
price, and how to manage or cancel it; in the language the reader bought in. It is queued in
the transaction of the webhook event that made the Digital+ period, so it leaves once."""

from datetime import timedelta

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from newsroom.billing import provider
from newsroom.billing.stripe_events import Purchase
from newsroom.extensions import db
from newsroom.mail.delivery import queue_mail
from newsroom.web.helpers import safe_next, site_url


def reader_language(purchase: Purchase) -> str:
    """The language of the Checkout the reader started, if the site speaks it."""
    languages = current_app.config["LANGUAGES"]
    if purchase.locale in languages:
        return purchase.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def send_welcome(purchase: Purchase) -> None:
    locale = reader_language(purchase)
    back = safe_next(purchase.return_path)
    with force_locale(locale):
        price = purchase.price
        amount = provider.amount_label(price.amount, price.currency) if price else None
        queue_mail(
            db.session,
            to=purchase.reader.email,
            template="digital_plus_welcome",
            subject=_l("Welcome to Digital+"),
            kind="digital_plus_welcome",
            locale=locale,
            user=purchase.reader,
            # The end is exclusive: the last day covered is the one before it.
            until=purchase.ends_at - timedelta(microseconds=1),
            renews=purchase.renews,
            price=amount,
            gifts=current_app.config["GIFTS_PER_MONTH"],
            continue_link=site_url(back or url_for("articles.front")),
            account_link=site_url(url_for("account.show")),
        )
