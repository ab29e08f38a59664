"""The page a refused account link shows: what went wrong and what to do, nothing changed."""

from flask import Response
from flask_babel import gettext as _

from newsroom.accounts import account_links
from newsroom.web.errors import error_page


def link_refused(refused: account_links.InvalidLink) -> Response:
    title, message = _why(refused)
    return error_page(refused.code, title, message, refused.status)


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
