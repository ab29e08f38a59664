"""The account page says the reader's Digital+ once: when it renews and at what price, or
when it ends."""

import re
from datetime import datetime

import pytest

from newsroom.extensions import db
from newsroom.models import Subscription
from tests.billing.test_billing import buy, deliver
from tests.conftest import stripe_config
from tests.stripe_server import event


@pytest.fixture
def app_config(stripe_stand_in):
    return stripe_config(stripe_stand_in)


def digital_plus_part(html: str) -> str:
    return html[
        html.index("<h2>Digital+</h2>") : html.index('<form method="post" action="/account"')
    ]


def last_day(app, user_id: int) -> datetime:
    with app.app_context():
        period = db.session.scalars(
            db.select(Subscription).where(Subscription.user_id == user_id)
        ).one()
        return period.ends_at


@pytest.mark.parametrize(
    "language, sentence",
    [
        ("en", r"Digital\+ renews on \d{1,2} \w+ \d{4} at DKK\xa099\."),
        ("da", r"Digital\+ fornyes den \d{1,2}\. \w+ \d{4} til 99\xa0kr\."),
    ],
)
def test_account_page_says_once_when_digital_plus_renews_and_at_what_price(
    app, client, auth, make_user, stripe_stand_in, language, sentence
):
    reader = make_user(verified=True)
    buy(client, auth, stripe_stand_in, reader)
    html = client.get("/account", headers={"Accept-Language": language}).get_data(as_text=True)
    part = digital_plus_part(html)
    assert len(re.findall(sentence, part)) == 1, part
    year = str(last_day(app, reader.id).year)
    assert part.count(year) == 1  # the date is said once
    assert "data-billing-status" not in part


def test_account_page_says_once_when_a_cancelled_digital_plus_ends(
    app, client, auth, make_user, stripe_stand_in
):
    reader = make_user(verified=True)
    subscription = buy(client, auth, stripe_stand_in, reader)
    stripe_stand_in.api.v1.subscriptions.update(
        subscription["id"], params={"cancel_at_period_end": True}
    )
    changed = event("customer.subscription.updated", {"id": subscription["id"]})
    assert deliver(client, changed).status_code == 200
    part = digital_plus_part(client.get("/account").get_data(as_text=True))
    assert "Digital+ ends on" in part and "renews" not in part
    assert part.count(str(last_day(app, reader.id).year)) == 1
