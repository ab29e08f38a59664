"""Buying Digital+ with Stripe, over HTTP, against localstripe (customers, cards,
subscriptions, invoices) and the stand-in for Checkout and the portal (tests/stripe_server.py).
Events are signed with the SDK's own helper; the app re-reads every subscription from
localstripe, so what an event's body claims never decides anything."""

import json
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from newsroom.billing import stripe_events, subscriptions
from newsroom.extensions import db
from newsroom.models import StripeCustomer, StripeEvent, Subscription, User
from scripts.loopback import free_port
from tests.conftest import stripe_config
from tests.helpers import SENTINEL, csrf_token, now_utc
from tests.stripe_server import WEBHOOK_SECRET, event, fail_renewal, sign

SITE = "http://newsroom.test"


@pytest.fixture
def app_config(stripe_stand_in):
    return stripe_config(stripe_stand_in)


@pytest.fixture
def stand_in(stripe_stand_in):
    return stripe_stand_in


@pytest.fixture
def api(stripe_stand_in):
    return stripe_stand_in.api


@pytest.fixture
def reader(make_user):
    return make_user(verified=True)


@pytest.fixture
def locked(make_article):
    return make_article(locked=True)


def deliver(client, evt: dict, secret: str = WEBHOOK_SECRET, timestamp: int | None = None):
    body = json.dumps(evt)
    return client.post(
        "/stripe/webhook",
        data=body,
        headers={"Stripe-Signature": sign(body, secret, timestamp), "Content-Type": "text/json"},
    )


def start_checkout(client, auth, reader, next_url: str = "", login: bool = True):
    if login:
        auth.login(reader.email)
    data = {"csrf_token": csrf_token(client, "/digital-plus")}
    if next_url:
        data["next"] = next_url
    return client.post("/digital-plus/checkout", data=data)


def session_of(stand_in, response) -> dict:
    assert response.status_code == 303, response.get_data(as_text=True)
    session_id = response.headers["Location"].rsplit("/", 1)[1]
    return stand_in.state.checkout_sessions[session_id]


def buy(client, auth, stand_in, reader, login: bool = True) -> dict:
    """Checkout started, paid on the stand-in's page, its event delivered: the subscription."""
    session = session_of(stand_in, start_checkout(client, auth, reader, login=login))
    completed = stand_in.completed_event(session)
    assert deliver(client, completed).status_code == 200
    return stand_in.api.v1.subscriptions.retrieve(session["subscription"]).to_dict()


def periods(app, user_id: int) -> list[Subscription]:
    with app.app_context():
        return list(db.session.scalars(select(Subscription).where(Subscription.user_id == user_id)))


def has_digital_plus(app, user_id: int, at=None) -> bool:
    with app.app_context():
        return subscriptions.has_digital_plus(db.session, user_id, at or now_utc())


def counts(app) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(model))
            for model in (Subscription, StripeEvent, StripeCustomer)
        )


# -- the offer --------------------------------------------------------------------------


def test_digital_plus_page_shows_price_and_subscribe_for_a_verified_reader(client, auth, reader):
    auth.login(reader.email)
    response = client.get("/digital-plus?next=/articles/some-article")
    html = response.get_data(as_text=True)
    assert "99\xa0kr. a month" in html or "DKK\xa099 a month" in html
    assert "99,00" not in html and "99.00" not in html  # a whole price without decimals
    assert 'action="/digital-plus/checkout"' in html
    assert 'name="next" value="/articles/some-article"' in html
    assert "private" in response.headers["Cache-Control"]
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.parametrize("retry_seconds", [30, 0])
def test_digital_plus_page_during_a_stripe_outage_offers_subscribe_and_asks_again_later(
    app, client, auth, reader, stand_in, retry_seconds
):
    app.config["STRIPE_PRICE_RETRY_SECONDS"] = retry_seconds
    auth.login(reader.email)
    app.config["STRIPE_API_BASE"] = f"http://127.0.0.1:{free_port()}"  # Stripe does not answer
    html = client.get("/digital-plus").get_data(as_text=True)
    assert 'action="/digital-plus/checkout"' in html
    assert "99\xa0kr." not in html and "DKK\xa099" not in html
    app.config["STRIPE_API_BASE"] = stand_in.state.url  # Stripe is back
    html = client.get("/digital-plus").get_data(as_text=True)
    # The failure is remembered for the retry time (no timeout per page view), then asked anew.
    assert ("99\xa0kr." in html or "DKK\xa099" in html) is (retry_seconds == 0)


def test_digital_plus_page_sends_anonymous_readers_to_register_or_log_in_and_back(client):
    html = client.get("/digital-plus?next=/articles/a").get_data(as_text=True)
    assert "/register?next=/digital-plus?next%3D/articles/a" in html
    assert "/login?next=/digital-plus?next%3D/articles/a" in html
    assert "/digital-plus/checkout" not in html


def test_digital_plus_page_in_danish(client, auth, reader):
    auth.login(reader.email)
    html = client.get("/digital-plus", headers={"Accept-Language": "da"}).get_data(as_text=True)
    assert "Abonnér" in html
    assert "om måneden" in html


def test_checkout_anonymous_goes_to_log_in_and_comes_back(client):
    response = client.post(
        "/digital-plus/checkout",
        data={"csrf_token": csrf_token(client, "/digital-plus"), "next": "/articles/a"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/login?next=/digital-plus?next%3D/articles/a"


def test_checkout_takes_an_unverified_reader_to_stripe(app, client, auth, make_user, stand_in):
    unverified = make_user()
    session = session_of(stand_in, start_checkout(client, auth, unverified, "/articles/x"))
    assert session["client_reference_id"] == str(unverified.id)
    assert session["customer_email"] == unverified.email
    page = client.get("/digital-plus").get_data(as_text=True)
    assert "Confirm your e-mail address first" not in page
    assert 'action="/digital-plus/checkout"' in page
    # The one banner left asks to confirm the address, and Subscribe stands beside it.
    assert page.count('class="verify-banner"') == 1


def test_checkout_sends_the_reader_to_stripe_with_their_id_and_address(
    app, client, auth, reader, stand_in
):
    session = session_of(stand_in, start_checkout(client, auth, reader, "/articles/x"))
    assert session["mode"] == "subscription"
    assert session["client_reference_id"] == str(reader.id)
    assert session["customer_email"] == reader.email
    assert session["price"] == stand_in.catalogue.monthly
    assert session["success_url"] == f"{SITE}/digital-plus/welcome?next=/articles/x"
    assert session["cancel_url"] == f"{SITE}/digital-plus?next=/articles/x"
    assert periods(app, reader.id) == []  # Checkout alone grants nothing


# -- a purchase -------------------------------------------------------------------------


def test_full_purchase_gives_digital_plus_the_locked_article_and_gifting(
    app, client, auth, reader, stand_in, locked
):
    auth.login(reader.email)
    assert SENTINEL not in client.get(f"/articles/{locked.slug}").get_data(as_text=True)
    subscription = buy(client, auth, stand_in, reader, login=False)
    [period] = periods(app, reader.id)
    assert period.stripe_subscription_id == subscription["id"]
    assert period.billing_status == "active" and period.renews
    assert int(period.ends_at.timestamp()) == subscription["current_period_end"]
    assert client.get("/digital-plus/status").get_json()["digital_plus"] is True
    assert SENTINEL in client.get(f"/articles/{locked.slug}").get_data(as_text=True)
    gift = client.post(
        f"/articles/{locked.slug}/gift",
        headers={"Accept": "application/json", "X-CSRFToken": csrf_token(client)},
    )
    assert gift.status_code == 201
    account = client.get("/account").get_data(as_text=True)
    assert "Digital+ renews on" in account and "Manage subscription" in account


def test_welcome_page_waits_for_the_webhook_and_grants_nothing(app, client, auth, reader, stand_in):
    session = session_of(stand_in, start_checkout(client, auth, reader, "/articles/x"))
    stand_in.api.v1.customers.list()  # Stripe has been paid, the event is not here yet
    page = client.get("/digital-plus/welcome?next=/articles/x")
    assert "Your Digital+ is on its way" in page.get_data(as_text=True)
    assert "no-store" in page.headers["Cache-Control"]
    assert client.get("/digital-plus/status").get_json()["digital_plus"] is False
    assert not has_digital_plus(app, reader.id)
    assert deliver(client, stand_in.completed_event(session)).status_code == 200
    html = client.get("/digital-plus/welcome?next=/articles/x").get_data(as_text=True)
    assert "Your Digital+ is active" in html
    assert 'href="/articles/x"' in html


def test_status_needs_a_login(client):
    response = client.get("/digital-plus/status")
    assert response.status_code == 401
    assert response.get_json()["error"] == "login_required"


def test_renewal_extends_the_same_period(app, client, auth, reader, stand_in, api):
    subscription = buy(client, auth, stand_in, reader)
    [first] = periods(app, reader.id)
    item = subscription["items"]["data"][0]["id"]
    # A later period end at Stripe: moved to the yearly plan, invoiced and paid at once.
    api.v1.subscriptions.update(
        subscription["id"], params={"items": [{"id": item, "plan": stand_in.catalogue.yearly}]}
    )
    invoice = {"id": "in_renewal", "object": "invoice", "subscription": subscription["id"]}
    assert deliver(client, event("invoice.paid", invoice)).status_code == 200
    [renewed] = periods(app, reader.id)
    assert renewed.id == first.id
    assert renewed.ends_at > first.ends_at + timedelta(days=300)
    # The current API version names the subscription under `parent`: the same effect.
    nested = {
        "id": "in_nested",
        "object": "invoice",
        "parent": {"subscription_details": {"subscription": subscription["id"]}},
    }
    assert deliver(client, event("invoice.paid", nested)).status_code == 200
    assert [p.id for p in periods(app, reader.id)] == [first.id]


def test_payment_failure_keeps_access_through_the_grace_days_with_a_notice(
    app, client, auth, reader, stand_in, api
):
    subscription = buy(client, auth, stand_in, reader)
    invoice = fail_renewal(api, subscription, stand_in.catalogue.yearly)
    now_at_stripe = api.v1.subscriptions.retrieve(subscription["id"]).to_dict()
    assert now_at_stripe["status"] == "past_due"
    assert deliver(client, event("invoice.payment_failed", invoice)).status_code == 200
    [period] = periods(app, reader.id)
    period_end = now_at_stripe["current_period_end"]
    assert period.billing_status == "past_due"
    assert int(period.ends_at.timestamp()) == period_end + 7 * 86400
    assert has_digital_plus(app, reader.id)
    page = client.get("/account").get_data(as_text=True)
    assert "data-past-due" in page and "Your last payment did not go through" in page


def test_past_due_gives_access_inside_the_grace_days_and_not_after(app, make_user):
    user = make_user()
    end = int(time.time()) - 2 * 86400  # the paid period ended two days ago
    past_due = {
        "id": "sub_grace",
        "status": "past_due",
        "customer": "cus_grace",
        "start_date": end - 30 * 86400,
        "current_period_end": end,
        "metadata": {"user_id": str(user.id)},
    }
    now = now_utc()
    with app.app_context():
        period = stripe_events.apply_subscription(db.session, past_due, now, grace_days=7)
        db.session.commit()
        assert period is not None
        assert subscriptions.has_digital_plus(db.session, user.id, now)
        assert subscriptions.has_digital_plus(db.session, user.id, now + timedelta(days=4))
        assert not subscriptions.has_digital_plus(db.session, user.id, now + timedelta(days=6))


def test_period_end_is_read_from_the_items_when_stripe_puts_it_there():
    current = {"items": {"data": [{"current_period_end": 2_000_000_000}]}}
    older = {"current_period_end": 1_900_000_000}
    assert int(stripe_events.period_end(current).timestamp()) == 2_000_000_000
    assert int(stripe_events.period_end(older).timestamp()) == 1_900_000_000


def test_cancel_at_period_end_keeps_access_to_the_end(app, client, auth, reader, stand_in, api):
    subscription = buy(client, auth, stand_in, reader)
    api.v1.subscriptions.update(subscription["id"], params={"cancel_at_period_end": True})
    stale = {"id": subscription["id"], "object": "subscription", "cancel_at_period_end": False}
    assert deliver(client, event("customer.subscription.updated", stale)).status_code == 200
    [period] = periods(app, reader.id)
    assert not period.renews
    assert int(period.ends_at.timestamp()) == subscription["current_period_end"]
    assert has_digital_plus(app, reader.id)
    page = client.get("/account").get_data(as_text=True)
    assert "Digital+ ends on" in page and "You have cancelled it" in page


def test_subscription_deleted_ends_access(app, client, auth, reader, stand_in, api, locked):
    subscription = buy(client, auth, stand_in, reader)
    api.v1.subscriptions.cancel(subscription["id"])
    deleted = {"id": subscription["id"], "object": "subscription", "status": "canceled"}
    assert deliver(client, event("customer.subscription.deleted", deleted)).status_code == 200
    assert not has_digital_plus(app, reader.id)
    [period] = periods(app, reader.id)
    assert period.billing_status == "canceled"
    assert SENTINEL not in client.get(f"/articles/{locked.slug}").get_data(as_text=True)
    assert "Your Digital+ ended" in client.get("/account").get_data(as_text=True)


# -- J4: repeats and order --------------------------------------------------------------


def test_replayed_event_is_200_and_changes_nothing(app, client, auth, reader, stand_in):
    session = session_of(stand_in, start_checkout(client, auth, reader))
    completed = stand_in.completed_event(session)
    first = deliver(client, completed)
    assert first.get_json()["outcome"] == "applied"
    before = counts(app)
    [period] = periods(app, reader.id)
    again = deliver(client, completed)
    assert again.status_code == 200 and again.get_json()["outcome"] == "duplicate"
    assert counts(app) == before
    assert [(p.id, p.ends_at) for p in periods(app, reader.id)] == [(period.id, period.ends_at)]


def test_events_out_of_order_follow_stripes_current_subscription(
    app, client, auth, reader, stand_in, api
):
    session = session_of(stand_in, start_checkout(client, auth, reader))
    completed = stand_in.completed_event(session)
    sub_id = session["subscription"]
    created = event("customer.subscription.created", {"id": sub_id, "status": "active"})
    updated = event("customer.subscription.updated", {"id": sub_id, "status": "active"})
    # created comes before Checkout's own event: the subscription's metadata names the reader
    assert deliver(client, created).status_code == 200
    assert deliver(client, completed).status_code == 200
    assert len(periods(app, reader.id)) == 1 and has_digital_plus(app, reader.id)
    api.v1.subscriptions.cancel(sub_id)
    deleted = event("customer.subscription.deleted", {"id": sub_id, "status": "canceled"})
    # deleted is delivered before the (older) updated event
    assert deliver(client, deleted).status_code == 200
    assert deliver(client, updated).status_code == 200
    [period] = periods(app, reader.id)
    assert period.billing_status == "canceled"
    assert not has_digital_plus(app, reader.id)


# -- J3: what is not a Stripe event -----------------------------------------------------


@pytest.mark.parametrize(
    "case", ["wrong secret", "old timestamp", "no signature", "malformed body", "not an event"]
)
def test_webhook_refuses_what_is_not_a_signed_event_and_changes_nothing(
    app, client, auth, reader, stand_in, case
):
    session = session_of(stand_in, start_checkout(client, auth, reader))
    body = json.dumps(stand_in.completed_event(session))
    header = sign(body)
    if case == "wrong secret":
        header = sign(body, "whsec_someone_else")
    elif case == "old timestamp":
        header = sign(body, timestamp=int(time.time()) - 301)
    elif case == "no signature":
        header = ""
    elif case == "malformed body":
        body = body[:-5]
        header = sign(body)
    elif case == "not an event":
        body = json.dumps(["not", "an", "event"])
        header = sign(body)
    before = counts(app)
    response = client.post("/stripe/webhook", data=body, headers={"Stripe-Signature": header})
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid"
    assert counts(app) == before
    assert not has_digital_plus(app, reader.id)


def test_webhook_needs_no_csrf_token_but_a_signature(client):
    response = client.post("/stripe/webhook", data=b"{}")
    assert response.status_code == 400


def test_webhook_with_stripe_down_answers_503_so_stripe_retries(
    app, client, auth, reader, stand_in
):
    session = session_of(stand_in, start_checkout(client, auth, reader))
    completed = stand_in.completed_event(session)
    app.config["STRIPE_API_BASE"] = f"http://127.0.0.1:{free_port()}"
    before = counts(app)
    assert deliver(client, completed).status_code == 503
    assert counts(app) == before  # not even the customer link or the event id
    app.config["STRIPE_API_BASE"] = stand_in.state.url
    assert deliver(client, completed).status_code == 200
    assert has_digital_plus(app, reader.id)


# -- J5: Stripe unreachable -------------------------------------------------------------


def test_checkout_with_stripe_down_is_503_and_nothing_is_made(app, client, auth, reader):
    app.config["STRIPE_API_BASE"] = f"http://127.0.0.1:{free_port()}"
    before = counts(app)
    response = start_checkout(client, auth, reader)
    assert response.status_code == 503
    assert "Try again" in response.get_data(as_text=True)
    assert counts(app) == before


def test_portal_opens_for_a_subscriber(app, client, auth, reader, stand_in):
    subscription = buy(client, auth, stand_in, reader)
    response = client.post("/account/billing", data={"csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 303
    portal = stand_in.state.portal_sessions[response.headers["Location"].rsplit("/", 1)[1]]
    assert portal["customer"] == subscription["customer"]
    assert portal["return_url"] == f"{SITE}/account"


def test_portal_with_stripe_down_is_503(app, client, auth, reader, stand_in):
    buy(client, auth, stand_in, reader)
    made = len(stand_in.state.portal_sessions)
    app.config["STRIPE_API_BASE"] = f"http://127.0.0.1:{free_port()}"
    response = client.post("/account/billing", data={"csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 503
    assert len(stand_in.state.portal_sessions) == made


def test_portal_without_a_stripe_customer_leads_to_the_offer(client, auth, reader):
    auth.login(reader.email)
    response = client.post("/account/billing", data={"csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 303
    assert response.headers["Location"] == "/digital-plus"


def test_checkout_starts_are_rate_limited(app, client, auth, reader):
    app.config["BILLING_START_LIMIT"] = "2 per minute"
    auth.login(reader.email)
    codes = [start_checkout(client, auth, reader, login=False).status_code for _ in range(3)]
    assert codes == [303, 303, 429]


# -- J6: a reader leaving ---------------------------------------------------------------


def test_delete_account_cancels_the_stripe_subscription(app, client, auth, reader, stand_in, api):
    subscription = buy(client, auth, stand_in, reader)
    token = csrf_token(client, "/account/delete")
    response = client.post(
        "/account/delete", data={"csrf_token": token, "current_password": "Correct-horse-42"}
    )
    assert response.status_code == 302
    assert api.v1.subscriptions.retrieve(subscription["id"]).status == "canceled"
    assert not has_digital_plus(app, reader.id)
    with app.app_context():
        assert db.session.get(User, reader.id).deleted_at is not None
        assert db.session.get(StripeCustomer, reader.id) is None
    # Stripe's own event about it arrives later and changes nothing more.
    gone = event("customer.subscription.deleted", {"id": subscription["id"]})
    assert deliver(client, gone).status_code == 200
    assert not has_digital_plus(app, reader.id)


def test_delete_account_with_stripe_down_deletes_nothing(app, client, auth, reader, stand_in, api):
    subscription = buy(client, auth, stand_in, reader)
    app.config["STRIPE_API_BASE"] = f"http://127.0.0.1:{free_port()}"
    token = csrf_token(client, "/account/delete")
    response = client.post(
        "/account/delete", data={"csrf_token": token, "current_password": "Correct-horse-42"}
    )
    assert response.status_code == 503
    assert "nothing was deleted" in response.get_data(as_text=True)
    with app.app_context():
        user = db.session.get(User, reader.id)
        assert user.deleted_at is None and user.email == reader.email
    assert has_digital_plus(app, reader.id)
    assert api.v1.subscriptions.retrieve(subscription["id"]).status == "active"


def test_users_delete_command_cancels_the_stripe_subscription(
    app, client, auth, reader, stand_in, api, runner
):
    subscription = buy(client, auth, stand_in, reader)
    result = runner.invoke(args=["newsroom", "users", "delete", reader.email, "--yes"])
    assert result.exit_code == 0, result.output
    assert api.v1.subscriptions.retrieve(subscription["id"]).status == "canceled"


def test_users_delete_command_with_stripe_down_deletes_nothing(
    app, client, auth, reader, stand_in, runner
):
    buy(client, auth, stand_in, reader)
    app.config["STRIPE_API_BASE"] = f"http://127.0.0.1:{free_port()}"
    result = runner.invoke(args=["newsroom", "users", "delete", reader.email, "--yes"])
    assert result.exit_code == 1
    assert "nothing was deleted" in result.output
    assert has_digital_plus(app, reader.id)


# -- pages kept for anonymous readers ---------------------------------------------------


def test_billing_pages_are_never_kept_for_another_reader(app, client, auth, reader, stand_in):
    app.config["PAGE_CACHE_SECONDS"] = 60
    buy(client, auth, stand_in, reader)
    for path in ("/digital-plus", "/digital-plus/welcome", "/digital-plus/status", "/account"):
        assert "no-store" in client.get(path).headers["Cache-Control"], path
    auth.logout()
    html = client.get("/digital-plus").get_data(as_text=True)
    assert "You have Digital+" not in html and "/register?next=" in html


def test_gift_recipients_get_digital_plus_keeps_the_article(app, client, make_user, locked):
    from newsroom.gifting import giving
    from newsroom.gifting.policy import gift_policy

    giver = make_user(digital_plus=True)
    with app.test_request_context():
        giver_row = db.session.get(User, giver.id)
        token = giving.give(db.session, giver_row, locked, now_utc(), gift_policy()).token
        db.session.commit()
    html = client.get(f"/articles/{locked.slug}?gift={token}").get_data(as_text=True)
    assert f"/digital-plus?next=/articles/{locked.slug}" in html
