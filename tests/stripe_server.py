"""Stripe on loopback for tests: localstripe, and a small stand-in in front of it for what
localstripe lacks (Checkout Sessions, the hosted payment page, billing-portal sessions).

Every /v1 request the stand-in does not answer itself is forwarded to localstripe, so
customers, payment methods, subscriptions and invoices are localstripe's real state. The
stand-in's hosted "payment page" does what Stripe's does after a card is accepted: it
makes the customer, the card and the subscription (in localstripe) and delivers a signed
`checkout.session.completed` to the site's webhook.
"""

import contextlib
import json
import secrets
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from html import escape

import stripe
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from scripts.loopback import ROOT, free_port

SECRET_KEY = "sk_test_newsroom_localstripe"
WEBHOOK_SECRET = "whsec_newsroom_test_secret"
GOOD_CARD = "4242424242424242"
DECLINING_CARD = "4000000000000341"  # attaches, then every charge is declined


def sign(body: str, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """A Stripe-Signature header, made by the SDK's own helper."""
    return stripe.WebhookSignature.generate_signature_header(body, secret, timestamp=timestamp)


def event(kind: str, obj: dict, event_id: str | None = None) -> dict:
    return {
        "id": event_id or f"evt_{secrets.token_hex(12)}",
        "object": "event",
        "type": kind,
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": obj},
    }


class LocalStripe:
    """A localstripe process on a free port, stopped by its PID."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.localstripe_main", "--port", str(self.port)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        request = urllib.request.Request(
            self.url + "/v1/customers", headers={"Authorization": f"Bearer {SECRET_KEY}"}
        )
        while True:
            try:
                with urllib.request.urlopen(request, timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("localstripe did not start") from None
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self.process = None


def client(base: str) -> stripe.StripeClient:
    return stripe.StripeClient(
        SECRET_KEY,
        base_addresses={"api": base},
        max_network_retries=0,
        http_client=stripe.UrllibClient(),
    )


@dataclass
class Catalogue:
    monthly: str  # the Digital+ plan readers buy
    yearly: str  # a plan to move a subscription to, for a later period end


def make_catalogue(api: stripe.StripeClient) -> Catalogue:
    product = api.v1.products.create(params={"name": "Digital+"})
    monthly = api.v1.plans.create(
        params={"amount": 9900, "currency": "dkk", "interval": "month", "product": product.id}
    )
    yearly = api.v1.plans.create(
        params={"amount": 99000, "currency": "dkk", "interval": "year", "product": product.id}
    )
    return Catalogue(monthly=monthly.id, yearly=yearly.id)


def pay(
    api: stripe.StripeClient,
    plan: str,
    email: str | None = None,
    customer: str | None = None,
    card: str = GOOD_CARD,
    metadata: dict | None = None,
    backdate_days: int | None = None,
) -> dict:
    """What Stripe does when a card is accepted on its payment page: a customer with the
    card as default, and a subscription on the plan (charged at once). Returns it as data."""
    if customer is None:
        customer = api.v1.customers.create(params={"email": email or "reader@example.com"}).id
    method = api.v1.payment_methods.create(
        params={
            "type": "card",
            "card": {"number": card, "exp_month": 12, "exp_year": 2040, "cvc": "123"},
        }
    )
    api.v1.payment_methods.attach(method.id, params={"customer": customer})
    api.v1.customers.update(
        customer, params={"invoice_settings": {"default_payment_method": method.id}}
    )
    params = {"customer": customer, "items": [{"plan": plan}], "metadata": metadata or {}}
    if backdate_days:
        params["backdate_start_date"] = int(time.time()) - backdate_days * 86400
    return api.v1.subscriptions.create(params=params).to_dict()


def fail_renewal(api: stripe.StripeClient, subscription: dict, plan: str) -> dict:
    """A renewal charge declined: the card now declines, and the subscription is moved to
    `plan` (another interval), which localstripe invoices and charges at once. The charge
    fails and localstripe puts the subscription past_due. Returns the failed invoice."""
    customer = subscription["customer"]
    method = api.v1.payment_methods.create(
        params={
            "type": "card",
            "card": {"number": DECLINING_CARD, "exp_month": 12, "exp_year": 2040, "cvc": "123"},
        }
    )
    api.v1.payment_methods.attach(method.id, params={"customer": customer})
    api.v1.customers.update(
        customer, params={"invoice_settings": {"default_payment_method": method.id}}
    )
    item = subscription["items"]["data"][0]["id"]
    with contextlib.suppress(stripe.StripeError):  # declined, as meant
        api.v1.subscriptions.update(
            subscription["id"], params={"items": [{"id": item, "plan": plan}]}
        )
    invoices = api.v1.invoices.list(params={"subscription": subscription["id"]}).to_dict()
    return next(i for i in invoices["data"] if i["status"] != "paid")


@dataclass
class StandIn:
    """The stand-in server's state: sessions made, and where to deliver events."""

    url: str = ""
    webhook_url: str | None = None
    # Stripe delivers events on its own time: after this delay, from another thread.
    delivery_delay: float = 0.0
    checkout_sessions: dict = field(default_factory=dict)
    portal_sessions: dict = field(default_factory=dict)
    delivered: list = field(default_factory=list)


def _flat(form) -> dict:
    return {key: form.get(key) for key in form}


class StripeStandIn:
    """The loopback server: Checkout and portal sessions here, everything else localstripe."""

    def __init__(self, localstripe_url: str, catalogue: Catalogue) -> None:
        self.upstream = localstripe_url
        self.catalogue = catalogue
        self.state = StandIn()
        self.server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.state.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.api = client(self.upstream)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    # -- the WSGI app ------------------------------------------------------------------

    def wsgi(self, environ, start_response):
        request = Request(environ)
        response = self.route(request)
        return response(environ, start_response)

    def route(self, request: Request) -> Response:
        path = request.path
        if request.method == "POST" and path == "/v1/checkout/sessions":
            return self.json(self.new_checkout(_flat(request.form)))
        if request.method == "POST" and path == "/v1/billing_portal/sessions":
            return self.json(self.new_portal(_flat(request.form)))
        if path.startswith("/pay/"):
            session = self.state.checkout_sessions.get(path.removeprefix("/pay/"))
            if session is None:
                return Response("no such session", 404)
            if request.method == "POST":
                return self.complete(session, request.form.get("card", GOOD_CARD))
            return Response(self.payment_page(session), mimetype="text/html")
        if path.startswith("/portal/"):
            session = self.state.portal_sessions.get(path.removeprefix("/portal/"))
            if session is None:
                return Response("no such session", 404)
            back = escape(session["return_url"])
            html = f'<h1>Customer portal</h1><p><a href="{back}">Back to the site</a></p>'
            return Response(html, mimetype="text/html")
        if path.startswith("/v1/"):
            return self.forward(request)
        if path == "/favicon.ico":
            return Response(status=204)  # browsers ask for it on the payment page
        return Response("not found", 404)

    def json(self, data: dict, status: int = 200) -> Response:
        return Response(json.dumps(data), status, mimetype="application/json")

    def forward(self, request: Request) -> Response:
        url = self.upstream + request.full_path.rstrip("?")
        headers = {
            name: value
            for name, value in request.headers.items()
            if name.lower() in ("authorization", "content-type", "stripe-version")
        }
        body = request.get_data() if request.method in ("POST", "DELETE") else None
        forwarded = urllib.request.Request(url, data=body, headers=headers, method=request.method)
        try:
            with urllib.request.urlopen(forwarded, timeout=30) as answer:
                return Response(answer.read(), answer.status, mimetype="application/json")
        except urllib.error.HTTPError as refused:
            with refused:
                return Response(refused.read(), refused.code, mimetype="application/json")

    # -- Checkout ----------------------------------------------------------------------

    def new_checkout(self, form: dict) -> dict:
        session_id = f"cs_test_{secrets.token_hex(12)}"
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": form.get("mode"),
            "status": "open",
            "url": f"{self.state.url}/pay/{session_id}",
            "client_reference_id": form.get("client_reference_id"),
            "customer": form.get("customer"),
            "customer_email": form.get("customer_email"),
            "success_url": form.get("success_url"),
            "cancel_url": form.get("cancel_url"),
            "locale": form.get("locale"),
            "price": form.get("line_items[0][price]"),
            "metadata": {"user_id": form.get("metadata[user_id]")},
            "subscription_metadata": {
                key.removeprefix("subscription_data[metadata][").removesuffix("]"): value
                for key, value in form.items()
                if key.startswith("subscription_data[metadata][")
            },
            "subscription": None,
        }
        self.state.checkout_sessions[session_id] = session
        return {k: v for k, v in session.items() if k not in ("price", "subscription_metadata")}

    def payment_page(self, session: dict) -> str:
        action = escape(f"/pay/{session['id']}")
        email = escape(session.get("customer_email") or "")
        return (
            "<!doctype html><html lang=en><title>Pay</title><h1>Stand-in payment page</h1>"
            f"<p>{email}</p><form method=post action='{action}'>"
            f"<label>Card number <input name=card value='{GOOD_CARD}'></label>"
            "<button type=submit>Pay</button></form>"
        )

    def completed_event(self, session: dict, card: str = GOOD_CARD) -> dict:
        """Pay for a session (in localstripe) and return the event Stripe would send."""
        subscription = pay(
            self.api,
            session["price"],
            email=session.get("customer_email"),
            customer=session.get("customer"),
            card=card,
            metadata=session["subscription_metadata"],
        )
        return self.completion(session, subscription)

    def completion(self, session: dict, subscription: dict) -> dict:
        """checkout.session.completed for a session paid with `subscription`."""
        session.update(
            status="complete", customer=subscription["customer"], subscription=subscription["id"]
        )
        obj = {k: v for k, v in session.items() if k not in ("price", "subscription_metadata")}
        obj["payment_status"] = "paid"
        return event("checkout.session.completed", obj)

    def complete(self, session: dict, card: str) -> Response:
        completed = self.completed_event(session, card)
        if self.state.webhook_url:
            if self.state.delivery_delay > 0:
                later = threading.Timer(
                    self.state.delivery_delay, self.deliver, (self.state.webhook_url, completed)
                )
                later.start()
            else:
                self.deliver(self.state.webhook_url, completed)
        return Response(status=303, headers={"Location": session["success_url"]})

    def deliver(self, url: str, completed: dict) -> None:
        body = json.dumps(completed)
        delivery = urllib.request.Request(
            url,
            data=body.encode(),
            headers={"Content-Type": "application/json", "Stripe-Signature": sign(body)},
            method="POST",
        )
        with urllib.request.urlopen(delivery, timeout=30) as answer:
            self.state.delivered.append((completed["id"], answer.status))

    # -- the portal --------------------------------------------------------------------

    def new_portal(self, form: dict) -> dict:
        session_id = f"bps_{secrets.token_hex(12)}"
        session = {
            "id": session_id,
            "object": "billing_portal.session",
            "customer": form.get("customer"),
            "return_url": form.get("return_url"),
            "url": f"{self.state.url}/portal/{session_id}",
        }
        self.state.portal_sessions[session_id] = session
        return session
