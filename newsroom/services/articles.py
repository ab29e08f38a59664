"""Reading articles: listings and single pages. Only published, already-public articles."""

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from newsroom.models import Article

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def visible(now: datetime) -> Select:
    return select(Article).where(Article.is_published.is_(True), Article.published_at <= now)


def paginate(session: Session, query: Select, number: int, per_page: int) -> Page:
    """One query: fetch a row beyond the page to learn whether another page follows."""
    number = max(1, number)
    rows = list(session.scalars(query.offset((number - 1) * per_page).limit(per_page + 1)))
    return Page(rows[:per_page], number, len(rows) > per_page)


def front_page(session: Session, now: datetime, number: int, per_page: int) -> Page[Article]:
    query = visible(now).order_by(Article.published_at.desc(), Article.id.desc())
    return paginate(session, query, number, per_page)


def find_visible(session: Session, slug: str, now: datetime) -> Article | None:
    return session.scalar(visible(now).where(Article.slug == slug))


def latest_for_feed(session: Session, now: datetime, limit: int = 50) -> list[Article]:
    return list(session.scalars(visible(now).order_by(Article.published_at.desc()).limit(limit)))
