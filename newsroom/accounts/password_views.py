"""Forgotten passwords: ask for a link, then set a new password with it."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from newsroom.accounts import account_links, account_mail, operations
from newsroom.accounts.forms import ForgotPasswordForm, ResetPasswordForm, weak_password_message
from newsroom.accounts.link_pages import Purpose, link_refused
from newsroom.core import signing
from newsroom.database import begin_write
from newsroom.extensions import db, limiter
from newsroom.web.helpers import request_now, setting
from newsroom.web.limits import client_address, count_failure, credential_check, served

bp = Blueprint("password", __name__)


def _typed_address() -> str:
    """The mailbox the limit counts: every spelling of one address is one count."""
    try:
        return "forgot-address:" + operations.mailbox(request.form.get("email", ""))
    except operations.InvalidAddress:
        return "forgot-address:-"  # refused by the form: no mail goes anywhere


def _reset_account() -> str:
    token = (request.view_args or {}).get("token", "")
    return signing.account_of(token, signing.RESET_PASSWORD_SALT, account_mail.signing_keys())


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(
    lambda: setting("PASSWORD_FORGOT_LIMIT_PER_CLIENT"),
    key_func=lambda: "forgot-client:" + client_address(),
    methods=["POST"],
    deduct_when=served,
)
@limiter.limit(
    lambda: setting("PASSWORD_FORGOT_LIMIT_PER_ADDRESS"),
    key_func=_typed_address,
    methods=["POST"],
    deduct_when=served,
)
def forgot():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        address = operations.mailbox(form.email.data)
        begin_write(db.session)  # the look-up and the queued mail: one write transaction
        # The same steps for every address: one mail queued (a link for an account, a notice
        # for an address without one), so the answer and its time say nothing of who is here.
        account_mail.send_reset(operations.find_by_email(db.session, address), address)
        db.session.commit()
        return render_template(
            "password/forgot_sent.html",
            email=address,
            minutes=account_links.RESET_LINK_SECONDS // 60,
        )
    status = 400 if request.method == "POST" else 200
    return render_template("password/forgot.html", form=form), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@credential_check("password-reset", account=_reset_account, methods=("GET", "POST"))
def reset(token: str):
    keys = account_mail.signing_keys()
    form = ResetPasswordForm()
    try:
        if not form.validate_on_submit():
            account_links.check_reset(db.session, token, keys, request_now(), current_user.id)
            status = 400 if request.method == "POST" else 200
            return render_template("password/reset.html", form=form, token=token), status
        user = account_links.reset_password(
            db.session,
            token,
            form.password.data,
            keys,
            request_now(),
            hash_method=setting("PASSWORD_HASH_METHOD"),
            min_length=setting("PASSWORD_MIN_LENGTH"),
            viewer_id=current_user.id,
        )
    except account_links.InvalidLink as refused:
        count_failure()
        return link_refused(refused, Purpose.RESET)
    except operations.WeakPassword:
        form.password.errors.append(weak_password_message())
        return render_template("password/reset.html", form=form, token=token), 400
    account_mail.send_password_changed(user)
    db.session.commit()
    logout_user()  # the link never logs in: the reader logs in with the new password
    flash(
        _("Your new password is set, and every device has been logged out. Log in with it."),
        "success",
    )
    return redirect(url_for("auth.login"))
