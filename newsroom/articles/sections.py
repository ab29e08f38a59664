"""Section pages and section feeds: the articles visible now in one section, newest first."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from newsroom.articles import queries
from newsroom.core.pagination import Page
from newsroom.models import Article


@dataclass(frozen=True)
class SectionPage:
    slug: str
    name: str  # as the newest article on the page spells it
    page: Page[Article]


def _newest_in(slug: str, now: datetime):
    return (
        queries.visible(now)
        .where(Article.section_slug == slug)
        .order_by(Article.published_at.desc(), Article.id.desc())
    )


def section_page(
    session: Session, slug: str, now: datetime, number: int, per_page: int
) -> SectionPage | None:
    """None for a section with nothing visible now, and for a page past the last: one query."""
    page = queries.paginate(session, _newest_in(slug, now), number, per_page)
    if not page.items:
        return None
    return SectionPage(slug, page.items[0].section, page)


def section_feed(session: Session, slug: str, now: datetime, limit: int = 50) -> list[Article]:
    return list(session.scalars(_newest_in(slug, now).limit(limit)))
