"""The reader's own account: Digital+ status, password, address, deletion and export."""

import json

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from newsroom.accounts import account_links, account_mail, operations, personal_data
from newsroom.accounts.forms import (
    DeleteAccountForm,
    EmailChangeForm,
    PasswordForm,
    weak_password_message,
)
from newsroom.accounts.link_pages import Purpose, link_refused
from newsroom.billing import provider, stripe_events, subscriptions
from newsroom.billing.gateway import ProviderUnavailable
from newsroom.core import signing
from newsroom.database import begin_write
from newsroom.extensions import db, limiter
from newsroom.web.errors import error_page
from newsroom.web.forms import ActionForm
from newsroom.web.helpers import private, request_now, safe_next, setting
from newsroom.web.limits import count_failure, credential_check, served

bp = Blueprint("account", __name__)


@bp.route("/account", methods=["GET", "POST"])
@login_required
@credential_check("password-change", account=lambda: str(current_user.id))
def show():
    form = PasswordForm()
    if form.validate_on_submit() and _password_changed(form):
        db.session.commit()
        login_user(current_user._get_current_object(), remember=True)
        flash(_("Your password is changed. Other devices have been logged out."), "success")
        return redirect(url_for("account.show"))
    paid = stripe_events.account_billing(db.session, current_user.id)
    status = subscriptions.status(db.session, current_user.id, request_now())
    on_sale = provider.configured()
    price = provider.price() if on_sale and status.active and paid.renews else None
    html = render_template(
        "account/show.html",
        form=form,
        status=status,
        billing=paid,
        renewal_price=provider.amount_label(price.amount, price.currency) if price else None,
        on_sale=on_sale,
    )
    return private(html, 400 if form.errors else 200)


def _password_changed(form: PasswordForm) -> bool:
    """True once the new password is set; otherwise the reason is on the form's field."""
    begin_write(db.session)  # read the account, then write it: take the lock first
    try:
        operations.change_password(
            db.session,
            current_user,
            form.current_password.data,
            form.new_password.data,
            hash_method=setting("PASSWORD_HASH_METHOD"),
            min_length=setting("PASSWORD_MIN_LENGTH"),
        )
    except operations.WrongPassword:
        count_failure()
        form.current_password.errors.append(_("That is not your current password."))
    except operations.WeakPassword:
        form.new_password.errors.append(weak_password_message())
    else:
        return True
    return False


def _link_account(salt: str):
    """Names the account a link is for, so failed link checks are counted per account."""

    def account() -> str:
        token = (request.view_args or {}).get("token", "")
        return signing.account_of(token, salt, account_mail.signing_keys())

    return account


@bp.get("/account/verify/<token>")
@credential_check("verify", account=_link_account(signing.VERIFY_EMAIL_SALT), methods=("GET",))
def verify(token: str):
    """Confirm the address, then back to the page the reader was on when it was sent: in
    this browser at once, in another (a phone's mail app) after logging in there."""
    back = safe_next(request.args.get("next"))
    try:
        account_links.verify_email(
            db.session,
            token,
            account_mail.signing_keys(),
            request_now(),
            viewer_id=current_user.id,
        )
    except account_links.InvalidLink as refused:
        if not isinstance(refused, account_links.AlreadyVerified):
            count_failure()
        return link_refused(refused, Purpose.VERIFY, back)
    db.session.commit()
    flash(_("Thank you: your e-mail address is confirmed."), "success")
    if current_user.is_authenticated:
        return redirect(back or url_for("account.show"))
    return redirect(url_for("auth.login", next=back))


@bp.post("/account/verify")
@login_required
@limiter.limit(
    lambda: setting("VERIFY_RESEND_LIMIT"),
    key_func=lambda: f"verify:{current_user.id}",
    deduct_when=served,
)
def resend_verification():
    form = ActionForm()
    back = safe_next(form.next.data)
    if not form.validate_on_submit():
        return redirect(back or url_for("account.show"))
    begin_write(db.session)  # the account is read again under the lock the mail needs
    if current_user.is_verified:
        flash(_("Your e-mail address is already confirmed."), "info")
    else:
        account_mail.send_verification(current_user, back)
        db.session.commit()
        flash(_("We have sent a new link to %(email)s.", email=current_user.email), "success")
    return redirect(back or url_for("account.show"))


def _own_account() -> str:
    return str(current_user.id)


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
@credential_check("email-change", account=_own_account)
def email():
    form = EmailChangeForm()
    hours = account_links.CHANGE_EMAIL_LINK_SECONDS // 3600
    new_email = _email_change_asked(form) if form.validate_on_submit() else None
    if new_email is not None:
        account_mail.send_email_change(current_user, new_email)
        db.session.commit()
        flash(
            _(
                "We have sent a link to %(email)s. Open it within %(hours)d hours to start "
                "using that address; until then your account keeps %(current)s.",
                email=new_email,
                hours=hours,
                current=current_user.email,
            ),
            "success",
        )
        return redirect(url_for("account.show"))
    code = 400 if form.errors else 200
    return render_template("account/email.html", form=form, hours=hours), code


def _email_change_asked(form: EmailChangeForm) -> str | None:
    """The new address to send the link to, or None with the reason on the form's field."""
    begin_write(db.session)  # the address checked free, then the mails queued
    try:
        return account_links.request_email_change(
            db.session,
            current_user,
            form.email.data,
            form.current_password.data,
            hash_method=setting("PASSWORD_HASH_METHOD"),
        )
    except operations.WrongPassword:
        count_failure()
        form.current_password.errors.append(_("That is not your current password."))
    except account_links.SameEmail:
        form.email.errors.append(_("That is already the address of your account."))
    except operations.EmailTaken:
        form.email.errors.append(_("Another account already uses this address."))
    return None


@bp.get("/account/email/<token>")
@credential_check(
    "email-confirm", account=_link_account(signing.CHANGE_EMAIL_SALT), methods=("GET",)
)
def confirm_email(token: str):
    try:
        user, _former = account_links.change_email(
            db.session, token, account_mail.signing_keys(), request_now(), current_user.id
        )
    except account_links.InvalidLink as refused:
        count_failure()
        return link_refused(refused, Purpose.EMAIL_CHANGE)
    except operations.EmailTaken as taken:
        db.session.rollback()
        message = _(
            "Another account started using %(email)s after the link was sent, so your account "
            "keeps its address. Choose another one.",
            email=str(taken),
        )
        return error_page("email_taken", _("The address is taken"), message, 409)
    db.session.commit()
    flash(_("Your account now uses %(email)s.", email=user.email), "success")
    return redirect(url_for("account.show" if current_user.is_authenticated else "auth.login"))


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
@credential_check("account-delete", account=_own_account)
def delete():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if operations.password_matches(
            user, form.current_password.data, hash_method=setting("PASSWORD_HASH_METHOD")
        ):
            try:
                with provider.gateway_if_sold() as stripe:
                    personal_data.delete_account(db.session, user, request_now(), stripe)
            except ProviderUnavailable:
                db.session.rollback()
                return error_page(
                    "technical_error",
                    _("Your account is not deleted yet"),
                    _(
                        "We could not reach our payment provider to stop your Digital+ "
                        "subscription, so nothing was deleted. Try again in a moment."
                    ),
                    503,
                    "errors/500.html",
                )
            db.session.commit()
            logout_user()
            flash(_("Your account is deleted. Thank you for reading."), "success")
            return redirect(url_for("articles.front"))
        count_failure()
        form.current_password.errors.append(_("That is not your current password."))
    code = 400 if form.errors else 200
    return render_template("account/delete.html", form=form), code


@bp.get("/account/export")
@login_required
def export():
    data = personal_data.export(db.session, current_user, request_now())
    day = request_now().date().isoformat()
    response = Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="newsroom-account-{day}.json"'},
    )
    response.headers["Cache-Control"] = "no-store"
    return response
