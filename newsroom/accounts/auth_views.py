"""Log in, register, log out."""

from urllib.parse import parse_qs, urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from markupsafe import Markup
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RoutingException

from newsroom.accounts import account_mail, operations
from newsroom.accounts.forms import (
    LoginForm,
    RegisterForm,
    invalid_name_message,
    weak_password_message,
)
from newsroom.accounts.session import start_session
from newsroom.articles import queries
from newsroom.billing import subscriptions
from newsroom.core.signals import account_created, reader_logged_in
from newsroom.database import begin_write
from newsroom.extensions import db, limiter
from newsroom.models import User
from newsroom.web.helpers import request_now, safe_next, setting
from newsroom.web.limits import client_address, count_failure, credential_check, served

bp = Blueprint("auth", __name__)


def _login_account() -> str:
    return operations.normalise_email(request.form.get("email", ""))


def _go_next(target: str | None):
    return redirect(safe_next(target) or url_for("articles.front"))


@bp.route("/login", methods=["GET", "POST"])
@credential_check(
    "login",
    account=_login_account,
    per_account="LOGIN_LIMIT_PER_ACCOUNT",
    per_client="LOGIN_LIMIT_PER_ADDRESS",
)
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if request.method == "GET" and current_user.is_authenticated:
        return _go_next(form.next.data)
    if form.validate_on_submit():
        try:
            user = operations.authenticate(
                db.session,
                form.email.data,
                form.password.data,
                hash_method=setting("PASSWORD_HASH_METHOD"),
            )
        except operations.WrongPassword:
            count_failure()
            form.password.errors.append(_("Wrong e-mail or password."))
        else:
            begin_write(db.session)  # what follows a log-in writes (the gifts opened here)
            reader_logged_in.send(user, session=db.session, now=request_now())
            db.session.commit()
            start_session(user)
            _tell_what_the_account_opens(user, safe_next(form.next.data))
            return _go_next(form.next.data)
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


def _tell_what_the_account_opens(user: User, target: str | None) -> None:
    """A reader who logs in on the way to Digital+ (the paywall's "Log in", the offer's)
    without having it is told so, instead of meeting the same paywall without a word."""
    if target is None:
        return
    place = urlsplit(target)
    try:
        endpoint, args = current_app.url_map.bind("site").match(place.path, method="GET")
    except (HTTPException, RoutingException):
        return
    if endpoint not in ("billing.digital_plus", "articles.show"):
        return  # only those two pages offer Digital+: no need to ask what the account has
    if subscriptions.has_digital_plus(db.session, user.id, request_now()):
        return
    message = _("You are logged in, but your account does not include Digital+.")
    if endpoint == "billing.digital_plus":
        flash(message, "info")  # the page itself is the offer
    elif endpoint == "articles.show" and "gift" not in parse_qs(place.query):
        article = queries.find_visible(db.session, args["slug"], request_now())
        if article is not None and article.locked:
            offer = url_for("billing.digital_plus", next=target)
            link = Markup('<a href="{}">{}</a>').format(offer, _("See what Digital+ gives"))
            flash(Markup("{} {}").format(message, link), "info")


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(
    lambda: setting("REGISTER_LIMIT"),
    key_func=lambda: f"register-client:{client_address()}",
    methods=["POST"],
    # Accounts made and taken addresses tried count; a rejected password is only a typo.
    deduct_when=lambda response: bool(g.get("sign_up_tried")) and served(response),
)
def register():
    form = RegisterForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = _create_account(form)
        if user is not None:
            account_created.send(user, session=db.session, now=request_now())
            # The link returns the reader here, to the page they signed up from.
            account_mail.send_verification(user, safe_next(form.next.data))
            db.session.commit()
            start_session(user)
            # The banner below says where the confirmation link went: said once, not twice.
            flash(_("Welcome, %(name)s. Your account is ready.", name=user.first_name), "success")
            return _go_next(form.next.data)
    status = 400 if request.method == "POST" else 200
    return render_template("auth/register.html", form=form), status


def _create_account(form: RegisterForm) -> User | None:
    """The account, or None with the reason on the form's field."""
    # The check for a taken address and the insert must not interleave with another
    # writer (another sign-up, a mail marked sent after its response) on SQLite.
    begin_write(db.session)
    try:
        user = operations.register(
            db.session,
            form.email.data,
            form.name.data,
            form.password.data,
            hash_method=setting("PASSWORD_HASH_METHOD"),
            min_length=setting("PASSWORD_MIN_LENGTH"),
        )
    except operations.EmailTaken:
        g.sign_up_tried = True
        form.email.errors.append(_("An account with this e-mail already exists. Log in instead."))
    except operations.InvalidName:
        form.name.errors.append(invalid_name_message())
    except operations.WeakPassword:
        form.password.errors.append(weak_password_message())
    else:
        g.sign_up_tried = True
        return user
    return None


@bp.post("/logout")
@login_required
def logout():
    # A new session version makes any copy of the old cookie worthless (it is replayable).
    operations.end_all_sessions(db.session, current_user)
    db.session.commit()
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("articles.front"))
