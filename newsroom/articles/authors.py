"""Author pages: a writer's title and bio, and their articles visible now, newest first."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsroom.articles import queries
from newsroom.core.pagination import Page
from newsroom.models import Article, Author


@dataclass(frozen=True)
class AuthorPage:
    author: Author
    page: Page[Article]


def author_page(
    session: Session, slug: str, now: datetime, number: int, per_page: int
) -> AuthorPage | None:
    """None for an unknown slug and for a page past the last; two queries."""
    author = session.scalar(select(Author).where(Author.slug == slug))
    if author is None:
        return None
    query = (
        queries.visible(now)
        .where(Article.author_id == author.id)
        .order_by(Article.published_at.desc(), Article.id.desc())
    )
    page = queries.paginate(session, query, number, per_page)
    if not page.items and page.has_previous:
        return None
    return AuthorPage(author, page)
