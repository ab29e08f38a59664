"""Addresses an article had before its slug changed after publication, and a section before the
desk renamed it: they lead to it (301), so links shared, pages indexed and feeds subscribed to
keep working."""

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from newsroom.articles.models import Article, OldSectionSlug, OldSlug, Section, visible_at


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


def section_moved_to(session: Session, slug: str) -> str | None:
    """The present slug of the section that once had `slug`."""
    return session.scalar(
        select(Section.slug)
        .join(OldSectionSlug, OldSectionSlug.section_id == Section.id)
        .where(OldSectionSlug.slug == slug)
    )


def remember_section(session: Session, section: Section, old: str | None, now: datetime) -> None:
    """`old` (None for a new section) leads to the section from now on; the section's own slug
    leads nowhere else any more: a live section's address is its own."""
    session.execute(delete(OldSectionSlug).where(OldSectionSlug.slug == section.slug))
    if old is not None and old != section.slug:
        session.add(OldSectionSlug(slug=old, section_id=section.id, created_at=now))
    session.flush()
