"""What the site's header and offers show a reader: the sections to browse, the reader's own
pages, and the price of Digital+. Templates reach these as globals (registered by pages/views)."""

from dataclasses import dataclass

from flask import g
from flask_login import current_user
from sqlalchemy import exists, select

from newsroom.billing import provider
from newsroom.extensions import db
from newsroom.models import Gift, ReadingListItem, User


@dataclass(frozen=True)
class ReaderPages:
    """The header's links to the reader's own pages: only those they can use."""

    reading_list: bool
    gifts: bool


NONE = ReaderPages(False, False)
BOTH = ReaderPages(True, True)


def reader_pages() -> ReaderPages:
    """Digital+ readers have both; a reader without it has the ones holding something of
    theirs (a lapsed subscriber's list and gifts are kept), read in one query per request."""
    if not current_user.is_authenticated:
        return NONE
    if current_user.has_digital_plus:
        return BOTH
    if "reader_pages" not in g:
        reader = current_user.id
        row = db.session.execute(
            select(
                exists().where(ReadingListItem.user_id == User.id),
                exists().where(Gift.giver_id == User.id),
            ).where(User.id == reader)
        ).one()
        g.reader_pages = ReaderPages(bool(row[0]), bool(row[1]))
    return g.reader_pages


@dataclass(frozen=True)
class Offer:
    price: str | None  # "99 kr. a month"; None while Stripe cannot tell


def digital_plus_offer() -> Offer | None:
    """Digital+ as the paywall and sign-up state it: None where it is not sold on the site
    (no price then), its price where it can be read."""
    if not provider.configured():
        return None
    price = provider.price()
    return Offer(provider.price_label(price) if price is not None else None)
