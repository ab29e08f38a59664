"""The page a refused account link shows: what went wrong and the next step to take from
there (a new link, the confirmation sent again, logging in), nothing changed."""

from enum import Enum

from flask import Response, url_for
from flask_babel import gettext as _
from flask_login import current_user

from newsroom.accounts import account_links
from newsroom.web.errors import error_page


class Purpose(Enum):
    """What the refused link was for: it decides the next step offered."""

    VERIFY = "verify"
    RESET = "reset"
    EMAIL_CHANGE = "email_change"


def link_refused(
    refused: account_links.InvalidLink, purpose: Purpose, back: str | None = None
) -> Response:
    """`back`: the page the reader came from (a confirmation link's), checked by the caller."""
    title, message = _why(refused)
    step = _next_step(refused, purpose, back)
    template = "account/link_refused.html"
    return error_page(refused.code, title, message, refused.status, template, step=step)


def _next_step(refused: account_links.InvalidLink, purpose: Purpose, back: str | None) -> dict:
    """{"kind": "link" | "resend" | "logout", "label", ...}: one way on from here."""
    if isinstance(refused, account_links.LinkForAnotherAccount):
        return {"kind": "logout", "label": _("Log out")}
    if purpose is Purpose.RESET:
        return _link(_("Request a new link"), url_for("password.forgot"))
    if purpose is Purpose.EMAIL_CHANGE:
        target = url_for("account.email")
        if current_user.is_authenticated:
            return _link(_("Change e-mail address"), target)
        return _link(_("Log in"), url_for("auth.login", next=target))
    done = isinstance(refused, account_links.AlreadyVerified)
    target = back or url_for("account.show")
    if not current_user.is_authenticated:
        # Logged in, the banner on every page offers to send the confirmation again.
        label = _("Log in") if done else _("Log in to send the confirmation again")
        return _link(label, url_for("auth.login", next=target))
    if done or current_user.is_verified:
        return _link(_("Continue"), target)
    return {"kind": "resend", "label": _("Send the confirmation again"), "back": back}


def _link(label: str, href: str) -> dict:
    return {"kind": "link", "label": label, "href": href}


def _why(refused: account_links.InvalidLink) -> tuple[str, str]:
    if isinstance(refused, account_links.ExpiredLink):
        message = _("This link has expired. Ask for a new one and use it within its time.")
        return _("The link has expired"), message
    if isinstance(refused, account_links.LinkForAnotherAccount):
        message = _(
            "This link belongs to another account than the one you are logged in to. "
            "Log out and open the link again."
        )
        return _("The link is for another account"), message
    if isinstance(refused, account_links.AlreadyVerified):
        message = _("Your e-mail address is already confirmed. There is nothing more to do.")
        return _("Already confirmed"), message
    message = _(
        "This link is not valid: it may have been used already, or replaced by a newer one. "
        "Ask for a new one."
    )
    return _("The link is not valid"), message
