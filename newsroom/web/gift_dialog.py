"""The gift dialog's state for the reader at hand, shared by the article page and the gift
page that stands in for the dialog without JavaScript."""

from dataclasses import dataclass, field
from datetime import timedelta

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from newsroom.extensions import db
from newsroom.models import Gift
from newsroom.models.gift import NOTE_MAX_LENGTH
from newsroom.services import gifting
from newsroom.services.errors import InvalidNote
from newsroom.web.helpers import request_now, site_url
from newsroom.web.i18n import local_date
from newsroom.web.policy import gift_policy
from newsroom.web.share import ShareLink, share_links


def allowance_json(allowance: gifting.Allowance) -> dict:
    return {
        "used": allowance.used,
        "limit": allowance.limit,
        "remaining": allowance.remaining,
        "renews_on": allowance.renews_on.isoformat(),
    }


def renewal_message(allowance: gifting.Allowance) -> str:
    """What the dialog says under "You cannot give more articles"."""
    return _(
        "Next calendar month you can give access to %(n)d new articles (from %(date)s).",
        n=allowance.limit,
        date=local_date(allowance.renews_on, "long"),
    )


def not_giftable_message() -> str:
    return _(
        "The editors have chosen not to let this article be given. "
        "Links given earlier keep working."
    )


def note_problem(error: InvalidNote) -> str:
    if str(error) == "too_long":
        return _("The note can be at most %(n)d characters.", n=NOTE_MAX_LENGTH)
    return _("The note can hold only ordinary text: no control or direction characters.")


def allowance_used_message(allowance: gifting.Allowance) -> str:
    return _(
        "You cannot give more articles. Next calendar month you can give access to "
        "%(n)d new articles (from %(date)s).",
        n=allowance.limit,
        date=local_date(allowance.renews_on, "long"),
    )


def link_works_until(gift: Gift) -> str:
    # expires_at is the first moment the link no longer opens; show the last day it does.
    return _(
        "The link works until %(date)s.",
        date=local_date(gift.expires_at - timedelta(microseconds=1), "long"),
    )


def gift_url(gift: Gift, slug: str) -> str:
    token = gifting.token_for(gift, gift_policy())
    return site_url(url_for("articles.show", slug=slug, gift=token))


@dataclass
class Dialog:
    """The state a reader's gift dialog (or the gift page without JavaScript) opens in."""

    state: str
    allowance: gifting.Allowance | None = None
    gift: Gift | None = None
    url: str | None = None
    share: list[ShareLink] = field(default_factory=list)
    message: str | None = None
    expires_text: str | None = None
    note: str = ""  # what the giver typed, kept when the form comes back with a problem
    note_error: str | None = None
    # The friend's address comes back only to the form it was typed in, with its problem.
    email_form: str | None = None
    email: str = ""
    email_error: str | None = None
    mailed_text: str | None = None


def dialog_for(article) -> Dialog:
    """Open straight into what pressing the button would show: this month's link for an
    article already given, the allowance-used message when nothing is left."""
    if not article.locked:
        url = site_url(url_for("articles.show", slug=article.slug))
        return Dialog("free", url=url, share=share_links(url, article.headline))
    if not current_user.is_authenticated:
        return Dialog("login_required")
    if not current_user.has_digital_plus:
        return Dialog("digital_plus_required")
    if not article.giftable:
        return Dialog("not_giftable", message=not_giftable_message())
    now, policy = request_now(), gift_policy()
    allowance = gifting.allowance(db.session, current_user.id, now, policy)
    gift = gifting.this_months_gift(db.session, current_user.id, article.id, now, policy)
    if gift is not None and not gift.is_revoked:
        url = gift_url(gift, article.slug)
        share = share_links(url, article.headline)
        return Dialog("given", allowance, gift, url, share, expires_text=link_works_until(gift))
    if allowance.remaining == 0:
        return Dialog("allowance_used", allowance, message=renewal_message(allowance))
    return Dialog("intro", allowance)
