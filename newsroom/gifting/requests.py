"""A recipient whose link no longer opens asks the giver for a new one; the giver answers
with one click, and the new link goes by mail to whoever left an address."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsroom.accounts.models import first_name
from newsroom.core import signing
from newsroom.gifting import giving
from newsroom.gifting.allowance import Policy
from newsroom.gifting.errors import InvalidLink
from newsroom.gifting.giving import GiftResult
from newsroom.models import Gift, GiftRequest, User

# Requests waiting on one gift: past this, a new address is not stored (one expired link
# cannot make the giver's "Send a new link" mail any number of strangers).
MAX_WAITING = 10


@dataclass(frozen=True)
class AskResult:
    gift: Gift
    giver: User
    request: GiftRequest  # this ask, or the same one made earlier and not yet answered
    created: bool
    first: bool  # nothing was waiting before: the giver hears of it by mail


def ask_again(
    session: Session,
    token: str,
    article_id: int,
    now: datetime,
    policy: Policy,
    email: str | None = None,
    locale: str | None = None,
    asker_id: int | None = None,
) -> AskResult:
    """A recipient of an expired or revoked link asks the giver for a new one, leaving an
    address (already checked) for it or not. Asking again before the giver answered, with
    the same address or none, records nothing new, and the giver is mailed once a round."""
    check = signing.read_gift(token, policy.keys, now, policy.max_age_seconds)
    if check.public_id is None:
        raise InvalidLink()
    gift = session.scalar(select(Gift).where(Gift.public_id == check.public_id))
    if gift is None or gift.article_id != article_id:
        raise InvalidLink()
    if not check.expired and gift.works(now) and not gift.is_full:
        raise InvalidLink()  # the link works: there is nothing to ask for
    giver = session.get(User, gift.giver_id)
    waiting = list(
        session.scalars(
            select(GiftRequest)
            .where(GiftRequest.gift_id == gift.id, GiftRequest.answered_at.is_(None))
            .order_by(GiftRequest.id)
        )
    )
    same = next((r for r in waiting if r.email == email), None)
    if same is not None or len(waiting) >= MAX_WAITING:
        return AskResult(gift, giver, same or waiting[0], False, False)
    asked = GiftRequest(
        gift_id=gift.id, created_at=now, email=email, locale=locale, asker_id=asker_id
    )
    session.add(asked)
    session.flush()
    return AskResult(gift, giver, asked, True, not waiting)


@dataclass(frozen=True)
class Asker:
    """Who is waiting for a new link, as the giver sees them: a first name when they asked
    logged in, the address they left, or neither ("someone")."""

    name: str | None
    email: str | None


def waiting_askers(session: Session, gift_ids: list[int]) -> dict[int, list[Asker]]:
    """The unanswered requests of a page of gifts, oldest first, in one query."""
    if not gift_ids:
        return {}
    rows = session.execute(
        select(GiftRequest.gift_id, GiftRequest.email, User.name)
        .outerjoin(User, User.id == GiftRequest.asker_id)
        .where(GiftRequest.gift_id.in_(gift_ids), GiftRequest.answered_at.is_(None))
        .order_by(GiftRequest.gift_id, GiftRequest.id)
    )
    askers: dict[int, list[Asker]] = defaultdict(list)
    for gift_id, email, name in rows:
        askers[gift_id].append(Asker(first_name(name or "") or None, email))
    return dict(askers)


@dataclass(frozen=True)
class MailBack:
    """A new link owed to an asker by mail, in the language they asked in."""

    email: str
    locale: str | None


@dataclass(frozen=True)
class NewLink:
    result: GiftResult
    mail_to: list[MailBack]


def send_new_link(
    session: Session, giver: User, gift_id: int, now: datetime, policy: Policy
) -> NewLink:
    """Answer the requests for a new link to one of the giver's gifts: this month's gift of
    the article (a new slot if none yet, AllowanceUsed when none is left). Each address an
    asker left comes back once, for the caller to mail the link to, and is then dropped
    from the request."""
    old = giving.own_gift(session, giver.id, gift_id)
    result = giving.give(session, giver, old.article, now, policy, note=old.note)
    waiting = session.scalars(
        select(GiftRequest).where(GiftRequest.gift_id == old.id, GiftRequest.answered_at.is_(None))
    )
    mail_to: list[MailBack] = []
    for asked in waiting:
        if asked.email and asked.email not in {m.email for m in mail_to}:
            mail_to.append(MailBack(asked.email, asked.locale))
        asked.answered_at, asked.email = now, None
    session.flush()
    return NewLink(result, mail_to)
