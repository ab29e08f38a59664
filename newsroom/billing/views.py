"""Buying Digital+: the offer, Stripe Checkout, the page after it, the customer portal and
the webhook."""

import logging

from flask import (
    Blueprint,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from newsroom.billing import provider, purchase_mail, stripe_events, subscriptions
from newsroom.billing.gateway import InvalidEvent, ProviderUnavailable, verify_event
from newsroom.extensions import csrf, db, limiter
from newsroom.web.errors import error_page, error_response, retry_later
from newsroom.web.forms import ActionForm
from newsroom.web.helpers import private, request_now, safe_next, setting, site_url
from newsroom.web.limits import client_address, served

bp = Blueprint("billing", __name__)
log = logging.getLogger("newsroom.billing")
# The largest Stripe events (invoices with many lines) run to tens of kB; forms stay at 64.
WEBHOOK_MAX_BYTES = 1024 * 1024


def _start_key() -> str:
    return f"billing-start:{current_user.id if current_user.is_authenticated else client_address()}"


def stripe_unreachable():
    """J5: Stripe did not answer, so nothing was started or charged."""
    message = _(
        "We could not reach our payment provider. Nothing was charged and nothing was "
        "changed. Try again in a moment."
    )
    page = error_page(
        "technical_error", _("Payments are unavailable"), message, 503, "errors/500.html"
    )
    return private(retry_later(page))


def _offer_url(back: str | None) -> str:
    return url_for("billing.digital_plus", next=back) if back else url_for("billing.digital_plus")


@bp.get("/digital-plus")
def digital_plus():
    """What Digital+ offers; where the paywall's "subscribe" leads. With Stripe set up it
    sells it; without, it names customer service. Never kept: it differs per reader."""
    on_sale = provider.configured()
    price = None
    if on_sale and not current_user.has_digital_plus:
        price = provider.price()
    html = render_template(
        "digital_plus.html",
        next_url=safe_next(request.args.get("next")),
        on_sale=on_sale,
        price=provider.price_label(price) if price else None,
    )
    return private(html)


@bp.post("/digital-plus/checkout")
@limiter.limit(lambda: setting("BILLING_START_LIMIT"), key_func=_start_key, deduct_when=served)
def checkout():
    form = ActionForm()
    back = safe_next(form.next.data)
    if not provider.configured():
        return redirect(_offer_url(back), 303)
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=_offer_url(back)), 303)
    # An address not yet confirmed is no reason to stop a sale: Checkout takes and checks
    # the payer's own address, and the confirmation mail has gone already.
    if current_user.has_digital_plus:
        flash(_("You have Digital+. Enjoy reading."), "info")
        return redirect(url_for("account.show"), 303)
    params = stripe_events.checkout_params(
        db.session,
        current_user,
        setting("STRIPE_PRICE_ID"),
        success_url=site_url(url_for("billing.welcome", next=back)),
        cancel_url=site_url(_offer_url(back)),
        locale=str(get_locale()),
        back=back,
    )
    try:
        with provider.gateway() as stripe:
            started = stripe.start_checkout(params)
    except ProviderUnavailable as failed:
        log.warning("Checkout could not start: %s", failed)
        return stripe_unreachable()
    return redirect(started["url"], 303)


@bp.get("/digital-plus/welcome")
@login_required
def welcome():
    """After Checkout: Digital+ comes with the webhook; this page only waits for it."""
    status = subscriptions.status(db.session, current_user.id, request_now())
    back = safe_next(request.args.get("next"))
    html = render_template("billing/welcome.html", status=status, next_url=back)
    return private(html)


@bp.get("/digital-plus/status")
def status():
    """JSON for the page after Checkout: has the webhook granted Digital+ yet?"""
    if not current_user.is_authenticated:
        return private(error_response("login_required", _("Log in to continue."), 401))
    state = subscriptions.status(db.session, current_user.id, request_now())
    ends_at = state.ends_at.isoformat() if state.ends_at else None
    return private(jsonify({"digital_plus": state.active, "ends_at": ends_at}))


@bp.post("/account/billing")
@login_required
@limiter.limit(lambda: setting("BILLING_START_LIMIT"), key_func=_start_key, deduct_when=served)
def portal():
    ActionForm().validate_on_submit()  # the token is checked by CSRFProtect before this
    customer = stripe_events.customer_id(db.session, current_user.id)
    if not provider.configured() or customer is None:
        return redirect(url_for("billing.digital_plus"), 303)
    try:
        with provider.gateway() as stripe:
            started = stripe.start_portal(
                customer, site_url(url_for("account.show")), str(get_locale())
            )
    except ProviderUnavailable as failed:
        log.warning("The customer portal could not start: %s", failed)
        return stripe_unreachable()
    return redirect(started["url"], 303)


@bp.post("/stripe/webhook")
@csrf.exempt
def webhook():
    """Stripe's events. 400: not a signed event (nothing changed); 200: applied, applied or
    ignored before, or one that can never apply; 503: not applied now (Stripe delivers it
    again later)."""
    if not provider.configured():
        return error_response("not_found", "Payments are not set up.", 404)
    request.max_content_length = WEBHOOK_MAX_BYTES
    payload = request.get_data(cache=False)
    try:
        event = verify_event(
            payload, request.headers.get("Stripe-Signature"), setting("STRIPE_WEBHOOK_SECRET")
        )
    except InvalidEvent as bad:
        log.warning("Stripe webhook refused: %s", bad)
        return error_response("invalid", "Not a valid Stripe event.", 400)
    try:
        with provider.gateway() as stripe:
            applied = stripe_events.apply_event(
                db.session,
                event,
                stripe.subscription,
                request_now(),
                int(setting("PAST_DUE_GRACE_DAYS")),
            )
        if applied.purchase is not None:
            purchase_mail.send_welcome(applied.purchase)
        db.session.commit()
    except ProviderUnavailable as failed:
        db.session.rollback()
        log.warning("Stripe event %s not applied: %s", event["id"], failed)
        return error_response("technical_error", "Stripe could not be reached.", 503)
    except IntegrityError:
        # Another delivery of the same event, or of one about the same subscription,
        # committed first; the retry finds its effect and answers 200.
        db.session.rollback()
        return error_response("technical_error", "Applied concurrently; retry.", 503)
    return jsonify({"received": event["id"], "outcome": applied.outcome})
