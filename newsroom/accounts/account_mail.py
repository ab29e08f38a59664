"""The mails an account sends: each built from its link and queued in the request's
transaction (newsroom.mail.delivery.queue_mail), so it leaves only if the change commits."""

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

from newsroom.accounts import account_links
from newsroom.core import signing
from newsroom.extensions import db
from newsroom.mail.delivery import queue_mail
from newsroom.models import User
from newsroom.web.helpers import request_now, site_url

# Stands in for a missing account so an unknown address costs the same rendering work.
_NOBODY_HASH = "scrypt:32768:8:1$nobody$" + "0" * 128


def signing_keys() -> list[str]:
    config = current_app.config
    return signing.signing_keys(config["SECRET_KEY"], list(config["SECRET_KEY_FALLBACKS"]))


def reset_link(user: User) -> str:
    token = account_links.reset_token(user, signing_keys(), request_now())
    return site_url(url_for("password.reset", token=token))


def _to_account(user: User, template: str, subject: object, **context) -> None:
    """A mail to the account's own address; its templates name the reader as `user`."""
    queue_mail(db.session, to=user.email, template=template, subject=subject, user=user, **context)


def send_verification(user: User, back: str | None = None) -> None:
    """`back`: a path on this site (checked by the caller) the link returns the reader to;
    the link's page checks it again, so an edited one leads nowhere off the site."""
    token = account_links.verification_token(user, signing_keys(), request_now())
    _to_account(
        user,
        "verify_email",
        _l("Confirm your e-mail address"),
        link=site_url(url_for("account.verify", token=token, next=back)),
        hours=account_links.VERIFY_LINK_SECONDS // 3600,
    )


_RESET_SUBJECT = _l("Set a new password")


def send_reset(user: User | None, typed_address: str) -> None:
    """A reset link for an account; for an address without one, a notice saying so (never a
    link). Either way one mail is rendered, signed and queued in the request's transaction,
    so the answer takes the same time and says nothing about who has an account."""
    if user is None:
        nobody = User(id=0, email=typed_address, name="", password_hash=_NOBODY_HASH)
        reset_link(nobody)  # the signing a real link costs, for the same work
        queue_mail(
            db.session,
            to=typed_address,
            template="reset_no_account",
            subject=_l("About a new password at %(site)s", site=current_app.config["SITE_NAME"]),
            email=typed_address,
            forgot_link=site_url(url_for("password.forgot")),
        )
        return
    _to_account(
        user,
        "reset_password",
        _RESET_SUBJECT,
        link=reset_link(user),
        minutes=account_links.RESET_LINK_SECONDS // 60,
    )


def send_password_changed(user: User) -> None:
    _to_account(
        user,
        "password_changed",
        _l("Your password was changed"),
        link=site_url(url_for("password.forgot")),
    )


def send_email_change(user: User, new_email: str) -> None:
    """The link goes to the new address; the old one is told, so a stranger's change of
    address never goes unnoticed."""
    token = account_links.email_change_token(user, new_email, signing_keys(), request_now())
    queue_mail(
        db.session,
        to=new_email,
        template="change_email",
        subject=_l("Confirm your new e-mail address"),
        user=user,
        new_email=new_email,
        link=site_url(url_for("account.confirm_email", token=token)),
        hours=account_links.CHANGE_EMAIL_LINK_SECONDS // 3600,
    )
    _to_account(
        user,
        "email_change_requested",
        _l("Your e-mail address is about to change"),
        new_email=new_email,
        link=site_url(url_for("password.forgot")),
    )
