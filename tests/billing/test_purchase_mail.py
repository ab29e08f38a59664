"""The mail after buying Digital+: welcome, what it includes, when it renews and at what
price, how to manage or cancel; in the reader's language, through the outbox, and once per
purchase however often Stripe delivers its events."""

import pytest
from sqlalchemy import select

from newsroom.extensions import db
from newsroom.models import OutboxMail
from tests.billing.test_billing import deliver, session_of, start_checkout
from tests.conftest import stripe_config
from tests.helpers import csrf_token
from tests.mailbox import html_of, link_in, text_of
from tests.stripe_server import event, pay


@pytest.fixture
def app_config(stripe_stand_in, smtp_server):
    return {**stripe_config(stripe_stand_in), **smtp_server.app_config}


def welcomes(app, address: str) -> list[OutboxMail]:
    with app.app_context():
        query = select(OutboxMail).where(
            OutboxMail.recipient == address, OutboxMail.kind == "digital_plus_welcome"
        )
        return list(db.session.scalars(query))


def paid(client, auth, stand_in, reader, next_url="/articles/the-piece", language="en"):
    """Checkout started in `language` from `next_url` and paid: the completed event."""
    auth.login(reader.email)
    data = {"csrf_token": csrf_token(client, "/digital-plus"), "next": next_url}
    response = client.post(
        "/digital-plus/checkout", data=data, headers={"Accept-Language": language}
    )
    return stand_in.completed_event(session_of(stand_in, response))


def test_purchase_mail_welcomes_and_says_renewal_price_and_how_to_cancel(
    app, client, auth, make_user, stripe_stand_in, smtp_server
):
    reader = make_user(name="Ida Holm", verified=True)
    assert deliver(client, paid(client, auth, stripe_stand_in, reader)).status_code == 200
    [queued] = welcomes(app, reader.email)
    mail = smtp_server.wait_for(reader.email)
    assert mail["Subject"] == "Welcome to Digital+"
    text = text_of(mail)
    assert "Hello Ida," in text
    assert "Give access to 5 locked articles a month" in text
    assert "Digital+ renews on" in text and "at DKK\xa099." in text
    assert "Manage subscription" in text and "http://newsroom.test/account" in text
    assert link_in(mail) == "/articles/the-piece"  # first: back to where they were
    assert "http://newsroom.test/articles/the-piece" in html_of(mail)
    assert queued.subject == mail["Subject"]


def test_purchase_mail_is_in_the_language_the_reader_bought_in(
    app, client, auth, make_user, stripe_stand_in, smtp_server
):
    reader = make_user(verified=True)
    completed = paid(client, auth, stripe_stand_in, reader, language="da")
    deliver(client, completed)
    mail = smtp_server.wait_for(reader.email)
    assert mail["Subject"] == "Velkommen til Digital+"
    assert "Digital+ fornyes den" in text_of(mail) and "til 99\xa0kr." in text_of(mail)


def test_purchase_mail_goes_once_whatever_stripe_repeats(
    app, client, auth, make_user, stripe_stand_in
):
    reader = make_user(verified=True)
    completed = paid(client, auth, stripe_stand_in, reader)
    subscription_id = completed["data"]["object"]["subscription"]
    created = event("customer.subscription.created", {"id": subscription_id})
    # The subscription's own event first (it names the reader in its metadata), then
    # Checkout's, then both again, then renewals: one purchase, one mail.
    assert deliver(client, created).get_json()["outcome"] == "applied"
    assert len(welcomes(app, reader.email)) == 1
    for again in (completed, created, completed):
        assert deliver(client, again).status_code == 200
    invoice = {"id": "in_1", "object": "invoice", "subscription": subscription_id}
    deliver(client, event("invoice.paid", invoice))
    assert len(welcomes(app, reader.email)) == 1


def test_purchase_mail_reaches_a_reader_who_has_not_confirmed_the_address(
    app, client, auth, make_user, stripe_stand_in, smtp_server
):
    reader = make_user()
    assert deliver(client, paid(client, auth, stripe_stand_in, reader)).status_code == 200
    assert smtp_server.wait_for(reader.email)["Subject"] == "Welcome to Digital+"


def test_purchase_mail_never_links_off_the_site(
    app, client, make_user, stripe_stand_in, smtp_server
):
    reader = make_user(verified=True)
    subscription = pay(
        stripe_stand_in.api,
        stripe_stand_in.catalogue.monthly,
        email=reader.email,
        metadata={"user_id": str(reader.id), "locale": "xx", "return_path": "//evil.example/"},
    )
    created = event("customer.subscription.created", {"id": subscription["id"]})
    assert deliver(client, created).status_code == 200
    mail = smtp_server.wait_for(reader.email)
    assert "evil.example" not in text_of(mail) + html_of(mail)
    assert link_in(mail) == "/"
    assert mail["Subject"] == "Welcome to Digital+"  # an unknown language: the site's own


def test_checkout_asks_stripe_to_keep_the_language_and_the_page(
    client, auth, make_user, stripe_stand_in
):
    reader = make_user()
    response = start_checkout(client, auth, reader, "/articles/x")
    metadata = session_of(stripe_stand_in, response)["subscription_metadata"]
    assert metadata == {"user_id": str(reader.id), "locale": "en", "return_path": "/articles/x"}
