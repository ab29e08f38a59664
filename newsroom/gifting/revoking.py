"""Stopping gift links from opening: one by its giver, or many at once by an editor. The
month's slot stays used either way: it was spent when the gift was made."""

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from newsroom.database import begin_write
from newsroom.gifting.giving import own_gift
from newsroom.gifting.models import works_at
from newsroom.models import Article, Gift


def revoke(session: Session, giver_id: int, gift_id: int, now: datetime) -> Gift:
    """Stop a link from opening. The month's slot stays used: it was spent at creation."""
    begin_write(session)
    gift = own_gift(session, giver_id, gift_id)
    if gift.revoked_at is None:
        gift.revoked_at = now
        session.flush()
    return gift


def _live_gifts(slug: str | None, now: datetime):
    query = select(Gift.id).where(works_at(Gift, now))
    if slug is not None:
        query = query.join(Article, Article.id == Gift.article_id).where(Article.slug == slug)
    return query


def count_live(session: Session, now: datetime, slug: str | None = None) -> int:
    """Links that still open: of one article, or of every article."""
    return session.scalar(select(func.count()).select_from(_live_gifts(slug, now).subquery()))


def revoke_all(session: Session, now: datetime, slug: str | None = None) -> int:
    """An editor revokes every live link (of one article, or all): the slots stay used."""
    ids = list(session.scalars(_live_gifts(slug, now)))
    if ids:
        session.execute(
            update(Gift).where(Gift.id.in_(ids), Gift.revoked_at.is_(None)).values(revoked_at=now)
        )
    session.flush()
    return len(ids)
