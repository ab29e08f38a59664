"""The mails an account sends: each built from its link and queued in the request's
transaction (newsroom.mailer.queue_mail), so it leaves only if the change commits."""

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

from newsroom.extensions import db
from newsroom.mailer import queue_mail
from newsroom.models import User
from newsroom.services import account_links, tokens
from newsroom.web.helpers import request_now, site_url


def signing_keys() -> list[str]:
    config = current_app.config
    return tokens.signing_keys(config["SECRET_KEY"], list(config["SECRET_KEY_FALLBACKS"]))


def send_verification(user: User) -> None:
    token = account_links.verification_token(user, signing_keys(), request_now())
    queue_mail(
        db.session,
        to=user.email,
        template="verify_email",
        subject=_l("Confirm your e-mail address"),
        user=user,
        link=site_url(url_for("account.verify", token=token)),
        hours=account_links.VERIFY_LINK_SECONDS // 3600,
    )
