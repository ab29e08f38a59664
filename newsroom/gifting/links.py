"""Gift links: the signed token for a gift, and what opening one gives the reader.

Opening a link writes nothing: mail scanners and chat previews fetch links before people
do. An open is counted when a person's browser showed the page (gifting/opens.py)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from newsroom.accounts.models import first_name
from newsroom.articles.paywall import GiftState
from newsroom.core import signing
from newsroom.gifting.allowance import Policy
from newsroom.gifting.models import has_room, works_at
from newsroom.models import Article, Gift, GiftOpen, User


def token_for(gift: Gift, policy: Policy) -> str:
    return signing.sign_gift(gift.public_id, gift.created_at, policy.keys)


@dataclass(frozen=True)
class LinkCheck:
    """What opening a gift link (or an account's earlier open) gives the reader."""

    state: GiftState
    giver_first_name: str | None = None
    note: str | None = None
    # Set for a link that once was good (expired, revoked, full): its recipient may ask anew.
    can_ask: bool = False
    token: str | None = None  # the link's token, when the reader came with one
    public_id: str | None = None  # the gift's, when the link opens: the page counts it


def article_of(session: Session, token: str, now: datetime, policy: Policy) -> str | None:
    """The slug of the article a gift link (`/g/<token>`) was given for, expired or not;
    None for a token the site did not sign or whose gift is gone."""
    check = signing.read_gift(token, policy.keys, now, policy.max_age_seconds)
    if check.public_id is None:
        return None
    return session.scalar(
        select(Article.slug)
        .join(Gift, Gift.article_id == Article.id)
        .where(Gift.public_id == check.public_id)
    )


def open_gift(
    session: Session,
    token: str,
    article_id: int,
    now: datetime,
    policy: Policy,
    browser_id: str | None = None,
    user_id: int | None = None,
) -> LinkCheck:
    """Check a gift link for this article. Opening never charges anything (the allowance
    was spent when the gift was made) and counts nothing.

    A link its giver limited to N people is FULL once N browsers opened it, except for
    those N (`browser_id`, the recipient's signed cookie) and the giver (`user_id`)."""
    check = signing.read_gift(token, policy.keys, now, policy.max_age_seconds)
    if check.public_id is None:
        return LinkCheck(GiftState.EXPIRED if check.expired else GiftState.INVALID, token=token)
    row = session.execute(
        select(
            Gift.id,
            Gift.giver_id,
            Gift.article_id,
            Gift.expires_at,
            Gift.revoked_at,
            Gift.note,
            Gift.open_count,
            Gift.people_limit,
            User.name,
        )
        .join(User, User.id == Gift.giver_id)
        .where(Gift.public_id == check.public_id)
    ).first()
    if row is None:
        return LinkCheck(GiftState.INVALID, token=token)
    if row.article_id != article_id:
        return LinkCheck(GiftState.WRONG_ARTICLE, token=token)
    name = first_name(row.name) or None  # a deleted giver is named by nobody
    if check.expired or not works_at(row, now):
        state = GiftState.REVOKED if row.revoked_at is not None else GiftState.EXPIRED
        return LinkCheck(state, name, can_ask=name is not None, token=token)
    full = not has_room(row)
    if full and user_id != row.giver_id and not _opened_by(session, row.id, browser_id):
        return LinkCheck(GiftState.FULL, name, can_ask=name is not None, token=token)
    return LinkCheck(GiftState.VALID, name, row.note, token=token, public_id=check.public_id)


def _opened_by(session: Session, gift_id: int, browser_id: str | None) -> bool:
    if browser_id is None:
        return False
    opened = exists().where(GiftOpen.gift_id == gift_id, GiftOpen.browser_id == browser_id)
    return bool(session.scalar(select(opened)))


def account_gift(session: Session, user_id: int, article_id: int, now: datetime) -> LinkCheck:
    """A gift of this article that this account opened and that still works: a recipient
    who created an account keeps reading it for the link's remaining days without the link."""
    row = session.execute(
        select(Gift.note, User.name)
        .join(GiftOpen, GiftOpen.gift_id == Gift.id)
        .join(User, User.id == Gift.giver_id)
        .where(
            GiftOpen.user_id == user_id,
            Gift.article_id == article_id,
            works_at(Gift, now),
        )
        .order_by(GiftOpen.opened_at.desc())  # the latest gift opened; the index gives the order
        .limit(1)
    ).first()
    if row is None:
        return LinkCheck(GiftState.INVALID)
    return LinkCheck(GiftState.VALID, first_name(row.name) or None, row.note)


def claim_browser(session: Session, user_id: int, browser_id: str) -> None:
    """The gifts this browser opened now belong to the account that logged in on it."""
    session.execute(
        update(GiftOpen)
        .where(GiftOpen.browser_id == browser_id, GiftOpen.user_id.is_(None))
        .values(user_id=user_id)
    )
