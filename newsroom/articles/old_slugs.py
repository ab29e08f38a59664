"""Addresses an article had before its slug changed after publication: they lead to it (301),
so links shared and pages indexed keep working."""

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from newsroom.articles.models import Article, OldSlug, visible_at


def moved_to(session: Session, slug: str, now: datetime) -> str | None:
    """The present slug of the article readers can see now that once had `slug`."""
    return session.scalar(
        select(Article.slug)
        .join(OldSlug, OldSlug.article_id == Article.id)
        .where(OldSlug.slug == slug, visible_at(Article, now))
    )


def is_taken(session: Session, slug: str, article: Article | None) -> bool:
    """Whether `slug` leads to another article: a new one must not take its address."""
    query = select(OldSlug.article_id).where(OldSlug.slug == slug)
    if article is not None and article.id is not None:
        query = query.where(OldSlug.article_id != article.id)
    return session.scalar(query) is not None


def remember(session: Session, article: Article, old: str, now: datetime) -> None:
    """`old` leads to the article from now on; its new slug is an old one no longer."""
    session.execute(delete(OldSlug).where(OldSlug.slug == article.slug))
    if old != article.slug:
        session.add(OldSlug(slug=old, article_id=article.id, created_at=now))
    session.flush()
