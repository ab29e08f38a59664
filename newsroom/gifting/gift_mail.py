"""Mail about gifts: the link to a friend, a request for a new link to the giver, and the new
link back to whoever asked. A friend's or an asker's address is checked, used for one mail
and kept nowhere (the outbox forgets a gift mail once it is sent or given up)."""

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext
from sqlalchemy.orm import Session

from newsroom.gifting import messages
from newsroom.gifting.errors import InvalidAskerAddress, InvalidRecipient
from newsroom.gifting.requests import AskResult, MailBack
from newsroom.mail.delivery import queue_mail
from newsroom.models import Article, Gift, User

MAX_ADDRESS_LENGTH = 254
# The outbox drops mails of this kind, address and all, once they are sent or given up.
GIFT_LINK = "gift_link"


def _normalised(raw: str) -> str | None:
    address = raw.strip()
    if not address or len(address) > MAX_ADDRESS_LENGTH:
        return None
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def recipient_address(raw: str) -> str:
    """The friend's address, normalised; InvalidRecipient for anything that is not one."""
    address = _normalised(raw)
    if address is None:
        raise InvalidRecipient()
    return address


def asker_address(raw: str) -> str | None:
    """The address an asker left for the new link: None when left empty, InvalidAskerAddress
    when what was typed is not an address."""
    if not raw.strip():
        return None
    address = _normalised(raw)
    if address is None:
        raise InvalidAskerAddress()
    return address


def mail_gift_link(
    session: Session, giver: User, article: Article, url: str, to: str, gift: Gift | None
) -> None:
    """The link (and the note) to the friend, in the giver's language."""
    queue_mail(
        session,
        to=to,
        template="gift_link",
        kind=GIFT_LINK,
        subject=lazy_gettext(
            "%(name)s gave you an article: %(title)s",
            name=giver.first_name,
            title=article.headline,
        ),
        giver=giver.first_name,
        article=article,
        url=url,
        note=gift.note if gift is not None else None,
        works_until=messages.link_works_until(gift) if gift is not None else None,
    )


def mail_request_to_giver(session: Session, asked: AskResult, gifts_url: str, locale: str) -> None:
    """The giver hears of a request by mail too, in the language they gave the gift in."""
    queue_mail(
        session,
        to=asked.giver.email,
        template="gift_request",
        subject=lazy_gettext(
            "Someone asks for a new link to %(title)s", title=asked.gift.article.headline
        ),
        locale=asked.gift.locale or locale,
        name=asked.giver.first_name,
        article=asked.gift.article,
        gifts_url=gifts_url,
        mail_back=asked.request.email is not None,
    )


def mail_new_link(session: Session, giver: User, gift: Gift, url: str, back: MailBack) -> None:
    """The giver's new link, to an asker who left their address, in the asker's language."""
    queue_mail(
        session,
        to=back.email,
        template="gift_request_answered",
        kind=GIFT_LINK,
        subject=lazy_gettext(
            "%(name)s sent you a new link: %(title)s",
            name=giver.first_name,
            title=gift.article.headline,
        ),
        locale=back.locale,
        giver=giver.first_name,
        article=gift.article,
        url=url,
        note=gift.note,
        gift=gift,
    )
