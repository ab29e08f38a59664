"""Reading articles: listings and single pages. Only published, already-public articles."""

from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from newsroom.articles.models import COMMENTARY, visible_at
from newsroom.core.pagination import Page, paginate
from newsroom.models import Article, Author


def visible(now: datetime) -> Select:
    return select(Article).where(visible_at(Article, now))


def front_page(session: Session, now: datetime, number: int, per_page: int) -> Page[Article]:
    query = visible(now).order_by(Article.published_at.desc(), Article.id.desc())
    return paginate(session, query, number, per_page)


def next_publication(session: Session, now: datetime) -> datetime | None:
    """When the next scheduled article appears: listings made now are right until then."""
    return session.scalar(
        select(func.min(Article.published_at)).where(
            Article.is_published.is_(True), Article.published_at > now
        )
    )


def find_visible(session: Session, slug: str, now: datetime) -> Article | None:
    return session.scalar(visible(now).where(Article.slug == slug))


@dataclass(frozen=True)
class Byline:
    name: str
    title: str | None
    slug: str


@dataclass(frozen=True)
class ArticleRecord:
    """An article row with its author as plain data, safe to keep between requests. It
    holds the locked rest too: whoever renders it decides, per reader, whether to show it."""

    id: int
    slug: str
    section: str
    section_slug: str
    kind: str
    headline: str
    lead: str
    language: str
    published_at: datetime
    updated_at: datetime
    locked: bool
    is_published: bool
    giftable: bool
    image: str | None
    teaser_html: str
    rest_html: str
    author_id: int
    author: Byline

    @property
    def is_commentary(self) -> bool:
        return self.kind == COMMENTARY

    def is_visible(self, now: datetime) -> bool:
        return visible_at(self, now)


_RECORD_COLUMNS = [getattr(Article, f.name) for f in fields(ArticleRecord) if f.name != "author"]


def record_by_slug(session: Session, slug: str) -> ArticleRecord | None:
    """The article at `slug`, published or not (callers check is_visible), without ORM
    objects: one Core row, cheap to load and to cache."""
    row = session.execute(
        select(*_RECORD_COLUMNS, Author.name, Author.title, Author.slug)
        .join(Author, Author.id == Article.author_id)
        .where(Article.slug == slug)
    ).first()
    if row is None:
        return None
    *values, name, title, author_slug = row
    return ArticleRecord(*values, Byline(name, title, author_slug))


def latest_for_feed(session: Session, now: datetime, limit: int = 50) -> list[Article]:
    return list(session.scalars(visible(now).order_by(Article.published_at.desc()).limit(limit)))
