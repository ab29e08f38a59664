"""The sentences a reader meets in more than one place: a page without JavaScript, the JSON a
script shows in place, a template. Each is written once here; views call these functions and
templates reach them as `messages`, so a wording (and its translation) cannot drift apart."""

from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup, escape

from newsroom.core.errors import DomainError
from newsroom.gifting.allowance import Allowance
from newsroom.gifting.asked_here import AskedHere
from newsroom.gifting.errors import InvalidNote, InvalidPeopleLimit, InvalidRecipient
from newsroom.gifting.models import NOTE_MAX_LENGTH, PEOPLE_LIMITS
from newsroom.gifting.requests import Asker
from newsroom.models import Gift
from newsroom.web.i18n import local_date


def allowance_given(allowance: Allowance, marked: bool = False) -> Markup:
    """ "You have given X of 5". `marked` wraps the figures in the spans site.js updates when
    the dialog gives an article without reloading."""
    limit, used = str(allowance.limit), str(allowance.used)
    if marked:
        limit = Markup("<span data-gift-limit>%s</span>") % limit
        used = Markup("<span data-gift-used>%s</span>") % used
    sentence = _(
        "Every month you can give access to %(limit)s locked articles. "
        "You have given %(used)s of %(limit)s."
    )
    return escape(sentence) % {"limit": limit, "used": used}


def allowance_renews(allowance: Allowance) -> str:
    """What the dialog says under "You cannot give more articles"."""
    return _(
        "Next calendar month you can give access to %(n)d new articles (from %(date)s).",
        n=allowance.limit,
        date=local_date(allowance.renews_on, "long"),
    )


def allowance_used(allowance: Allowance) -> str:
    return _(
        "You cannot give more articles. Next calendar month you can give access to "
        "%(n)d new articles (from %(date)s).",
        n=allowance.limit,
        date=local_date(allowance.renews_on, "long"),
    )


def gift_failed() -> str:
    return _(
        "The article could not be gifted because of a technical error. "
        "Nothing was charged: try again in a moment."
    )


def gift_upsell(per_month: int) -> str:
    return _(
        "This feature requires Digital+: with Digital+ you can give access "
        "to %(n)d locked articles a month.",
        n=per_month,
    )


def gift_mail_refused(error: DomainError) -> str:
    """Why a gift could not go by mail: the friend's address, or the giver's own unconfirmed."""
    if isinstance(error, InvalidRecipient):
        return _("Enter your friend's e-mail address, such as name@example.com.")
    return _(
        "To send gifts by e-mail, first confirm your own address with the link we sent "
        "you (your account page can send it again). Nothing was charged."
    )


def not_giftable() -> str:
    return _(
        "The editors have chosen not to let this article be given. "
        "Links given earlier keep working."
    )


def note_too_long() -> str:
    return _("The note can be at most %(n)d characters.", n=NOTE_MAX_LENGTH)


def note_problem(error: InvalidNote) -> str:
    if str(error) == "too_long":
        return note_too_long()
    return _("The note can hold only ordinary text: no control or direction characters.")


def shape_problem(error: DomainError, day_choices: list[int]) -> str:
    """Why a limit on people or a life for a link was refused; nothing was given."""
    if isinstance(error, InvalidPeopleLimit):
        return _(
            "A link can open for %(least)d to %(most)d people, or for anyone who has it. "
            "Nothing was given.",
            least=PEOPLE_LIMITS.start,
            most=PEOPLE_LIMITS.stop - 1,
        )
    return _(
        "A link can last %(choices)s days. Nothing was given.",
        choices=", ".join(str(days) for days in day_choices),
    )


def opened_by(opens: int, read: int) -> str:
    """What My gifts says a link achieved with its readers: people, not fetches."""
    people = ngettext("Opened by %(num)d person", "Opened by %(num)d people", opens)
    return _("%(people)s, read to the end by %(read)d", people=people, read=read)


def days_left(days: int) -> str:
    return ngettext("%(num)d day left", "%(num)d days left", days)


def link_works_until(gift: Gift) -> str:
    # expires_at is the first moment the link no longer opens; show the last day it does.
    return _(
        "The link works until %(date)s.",
        date=local_date(gift.expires_at - timedelta(microseconds=1), "long"),
    )


def mail_sent_to(address: str) -> str:
    """What the dialog says at its top once a gift mail is on its way."""
    return _("Sent to %(address)s.", address=address)


def mail_needs_confirmed_address() -> str:
    return _(
        "Sending by e-mail needs a confirmed address. You can still copy the link and "
        "send it yourself."
    )


def asker_address_refused() -> str:
    return _("Enter your own e-mail address, such as name@example.com, or leave it empty.")


def asked_giver(name: str) -> str:
    return _("We have told %(name)s that you would like a new link.", name=name)


def asked_here(asked: AskedHere, giver_name: str | None) -> str:
    """Under an old link, once this browser has asked for a new one."""
    date = local_date(asked.on, "long")
    if asked.by_mail:
        return _("You asked on %(date)s; the new link will come by mail.", date=date)
    if giver_name:
        return _(
            "You asked on %(date)s; the new link will come from %(name)s.",
            date=date,
            name=giver_name,
        )
    return _("You asked on %(date)s.", date=date)


def asker_line(asker: Asker) -> str:
    """Who asked for a new link, on "My gifts"."""
    if asker.name and asker.email:
        return _("%(name)s (%(email)s) asked for a new link.", name=asker.name, email=asker.email)
    if asker.name or asker.email:
        return _("%(who)s asked for a new link.", who=asker.name or asker.email)
    return _("Someone asked you for a new link.")


def new_link_sent(addresses: list[str]) -> str:
    if not addresses:
        return _("Here is a new link. Send it to whoever asked.")
    return _("The new link is on its way to %(addresses)s.", addresses=", ".join(addresses))
