"""What gifts achieved: per gift on "My gifts", and per article in the monthly report."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from newsroom.core.pagination import Page, paginate
from newsroom.gifting.models import DIGITAL_PLUS, SIGNUP
from newsroom.models import Article, Gift, GiftOpen, GiftOutcome, GiftRequest


def gifts_of(session: Session, giver_id: int, number: int, per_page: int) -> Page[Gift]:
    query = (
        select(Gift)
        .where(Gift.giver_id == giver_id)
        .order_by(Gift.created_at.desc(), Gift.id.desc())
    )
    return paginate(session, query, number, per_page)


@dataclass(frozen=True)
class Figures:
    """What one gift achieved: the people who opened it (browsers that showed the page),
    those of them whose page reached the end of the article, accounts and Digital+ it led
    to, and the requests for a new link."""

    opens: int = 0
    signups: int = 0
    subscriptions: int = 0
    requests: int = 0
    read: int = 0


def figures(session: Session, gift_ids: list[int]) -> dict[int, Figures]:
    """Figures for a page of gifts, in three grouped queries whatever the page size."""
    if not gift_ids:
        return {}
    opens = {
        gift_id: (n, read)
        for gift_id, n, read in session.execute(
            select(GiftOpen.gift_id, func.count(GiftOpen.id), func.count(GiftOpen.read_at))
            .where(GiftOpen.gift_id.in_(gift_ids))
            .group_by(GiftOpen.gift_id)
        )
    }
    outcomes: dict[tuple[int, str], int] = {
        (gift_id, kind): n
        for gift_id, kind, n in session.execute(
            select(GiftOutcome.gift_id, GiftOutcome.kind, func.count(GiftOutcome.id))
            .where(GiftOutcome.gift_id.in_(gift_ids))
            .group_by(GiftOutcome.gift_id, GiftOutcome.kind)
        )
    }
    requests = {
        gift_id: n
        for gift_id, n in session.execute(
            select(GiftRequest.gift_id, func.count(GiftRequest.id))
            .where(GiftRequest.gift_id.in_(gift_ids))
            .group_by(GiftRequest.gift_id)
        )
    }
    return {
        gift_id: Figures(
            opens.get(gift_id, (0, 0))[0],
            outcomes.get((gift_id, SIGNUP), 0),
            outcomes.get((gift_id, DIGITAL_PLUS), 0),
            requests.get(gift_id, 0),
            read=opens.get(gift_id, (0, 0))[1],
        )
        for gift_id in gift_ids
    }


@dataclass(frozen=True)
class ReportRow:
    slug: str
    headline: str
    gifts: int
    opens: int
    signups: int
    subscriptions: int


def report(session: Session, month: str) -> list[ReportRow]:
    """Per article, the gifts made in `month` (YYYY-MM, site time) and what they achieved."""
    opens = (
        select(GiftOpen.gift_id, func.count(GiftOpen.id).label("n"))
        .group_by(GiftOpen.gift_id)
        .subquery()
    )

    def outcome(kind: str):
        return (
            select(GiftOutcome.gift_id, func.count(GiftOutcome.id).label("n"))
            .where(GiftOutcome.kind == kind)
            .group_by(GiftOutcome.gift_id)
            .subquery()
        )

    signups, subscribed = outcome(SIGNUP), outcome(DIGITAL_PLUS)
    rows = session.execute(
        select(
            Article.slug,
            Article.headline,
            func.count(Gift.id),
            func.coalesce(func.sum(opens.c.n), 0),
            func.coalesce(func.sum(signups.c.n), 0),
            func.coalesce(func.sum(subscribed.c.n), 0),
        )
        .join(Article, Article.id == Gift.article_id)
        .outerjoin(opens, opens.c.gift_id == Gift.id)
        .outerjoin(signups, signups.c.gift_id == Gift.id)
        .outerjoin(subscribed, subscribed.c.gift_id == Gift.id)
        .where(Gift.month == month)
        .group_by(Article.id, Article.slug, Article.headline)
        .order_by(func.count(Gift.id).desc(), Article.slug)
    )
    return [ReportRow(r[0], r[1], int(r[2]), int(r[3]), int(r[4]), int(r[5])) for r in rows]
