"""The gift dialog's state for the reader at hand, shared by the article page and the gift
page that stands in for the dialog without JavaScript."""

from dataclasses import dataclass, field

from flask import url_for
from flask_login import current_user

from newsroom.articles.share import ShareLink, share_links
from newsroom.extensions import db
from newsroom.gifting import messages
from newsroom.gifting.allowance import Allowance, allowance, this_months_gift
from newsroom.gifting.giving import link_day_choices
from newsroom.gifting.links import token_for
from newsroom.gifting.models import PEOPLE_LIMITS
from newsroom.gifting.policy import gift_policy
from newsroom.models import Gift
from newsroom.web.helpers import request_now, site_url


def allowance_json(allowance: Allowance) -> dict:
    return {
        "used": allowance.used,
        "limit": allowance.limit,
        "remaining": allowance.remaining,
        "renews_on": allowance.renews_on.isoformat(),
    }


def gift_url(gift: Gift) -> str:
    """The link the site hands out: the token in the path, where URL cleaners leave it."""
    return site_url(url_for("gift_links.open", token=token_for(gift, gift_policy())))


@dataclass
class Dialog:
    """The state a reader's gift dialog (or the gift page without JavaScript) opens in."""

    state: str
    allowance: Allowance | None = None
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
    mailed: bool = False  # a mail just went: the send form is folded away
    mail_blocked: bool = False  # the giver's address is unconfirmed: no mail, copy the link
    # The giver's choices for a new link: how many people, how many days (giving.Shape).
    people_choices: list[int] = field(default_factory=list)
    day_choices: list[int] = field(default_factory=list)
    shape_error: str | None = None


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
        return Dialog("not_giftable", message=messages.not_giftable())
    dialog = _giving_dialog(article)
    dialog.mail_blocked = not current_user.is_verified
    return dialog


def _giving_dialog(article) -> Dialog:
    now, policy = request_now(), gift_policy()
    this_month = allowance(db.session, current_user.id, now, policy)
    gift = this_months_gift(db.session, current_user.id, article.id, now, policy)
    state = subscriber_state(gift is not None and gift.works(now), this_month)
    if state == "given":
        url = gift_url(gift)
        share = share_links(url, article.headline)
        return Dialog(
            "given", this_month, gift, url, share, expires_text=messages.link_works_until(gift)
        )
    if state == "allowance_used":
        message = messages.allowance_renews(this_month)
        return Dialog("allowance_used", this_month, message=message)
    days = [d for d in link_day_choices(policy) if d < policy.link_days]  # the longest: default
    return Dialog("intro", this_month, people_choices=list(PEOPLE_LIMITS), day_choices=days)


def subscriber_state(given: bool, this_month: Allowance) -> str:
    """Where a Digital+ reader's dialog for a giftable article opens: their working link of
    it this month, the allowance-used message, or the introduction."""
    if given:
        return "given"
    return "allowance_used" if this_month.remaining == 0 else "intro"
