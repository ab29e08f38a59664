"""Webhook events against localstripe, signed with the SDK's own helper (N11): a signature
dated too far either way is refused, and a signed event about a subscription Stripe does not
have is answered 200 and recorded as ignored, so Stripe stops sending it."""

import json
import time

import pytest
from sqlalchemy import select

from newsroom.extensions import db
from newsroom.models import StripeEvent
from tests.billing.test_billing import counts, deliver, has_digital_plus
from tests.conftest import stripe_config
from tests.stripe_server import event, sign


@pytest.fixture
def app_config(stripe_stand_in):
    return stripe_config(stripe_stand_in)


def subscription_update(subscription_id: str) -> dict:
    obj = {"id": subscription_id, "object": "subscription", "status": "active"}
    return event("customer.subscription.updated", obj)


@pytest.mark.parametrize("ahead", [301, 365 * 24 * 3600])
def test_webhook_refuses_an_event_signed_too_far_in_the_future(app, client, make_user, ahead):
    evt = subscription_update("sub_from_the_future")
    body = json.dumps(evt)
    header = sign(body, timestamp=int(time.time()) + ahead)
    before = counts(app)
    response = client.post("/stripe/webhook", data=body, headers={"Stripe-Signature": header})
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid"
    assert counts(app) == before


def test_webhook_takes_an_event_signed_a_little_ahead_of_our_clock(app, client):
    evt = subscription_update("sub_unknown_clock")
    response = deliver(client, evt, timestamp=int(time.time()) + 60)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "kind", ["customer.subscription.updated", "invoice.paid", "checkout.session.completed"]
)
def test_webhook_about_a_subscription_stripe_does_not_have_is_200_and_ignored(
    app, client, make_user, kind
):
    reader = make_user(verified=True)
    missing = "sub_nobody_has_this_one"
    obj = {
        "customer.subscription.updated": {"id": missing, "object": "subscription"},
        "invoice.paid": {"id": "in_x", "object": "invoice", "subscription": missing},
        "checkout.session.completed": {
            "id": "cs_x",
            "object": "checkout.session",
            "mode": "subscription",
            "subscription": missing,
            "client_reference_id": str(reader.id),
        },
    }[kind]
    evt = event(kind, obj)
    first = deliver(client, evt)
    assert first.status_code == 200
    assert first.get_json()["outcome"] == "ignored"
    with app.app_context():
        recorded = db.session.scalar(select(StripeEvent).where(StripeEvent.id == evt["id"]))
    assert recorded is not None and recorded.type == kind
    again = deliver(client, evt)
    assert again.status_code == 200 and again.get_json()["outcome"] == "duplicate"
    assert not has_digital_plus(app, reader.id)
