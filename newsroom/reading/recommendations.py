"""What to read next: the reader's own sections and authors, else what most people read."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session

from newsroom.articles.queries import visible
from newsroom.models import Article, ArticleRead, ReadingListItem
from newsroom.reading.history import most_read

LIMIT = 5
# A reader's strongest interests only, so the candidate query stays small however much
# they have read.
MAX_SECTIONS = 6
MAX_AUTHORS = 10


class Source(StrEnum):
    PERSONAL = "personal"
    MOST_READ = "most_read"
    NEWEST = "newest"


@dataclass(frozen=True)
class SidebarArticle:
    """The public face of an article in a sidebar box; plain data, safe to cache."""

    id: int
    slug: str
    headline: str
    section: str
    author: str
    locked: bool

    @classmethod
    def of(cls, article: Article) -> "SidebarArticle":
        return cls(
            article.id,
            article.slug,
            article.headline,
            article.section,
            article.author.name,
            article.locked,
        )


@dataclass(frozen=True)
class Recommendations:
    source: Source
    items: list[SidebarArticle]

    @property
    def personal(self) -> bool:
        return self.source is Source.PERSONAL


def popular(session: Session, now: datetime, tz: str, limit: int = LIMIT + 1) -> Recommendations:
    """The most read of the last 7 days; the newest articles when nobody has read anything.
    One more than shown, so the page can leave out the article it is on."""
    read = most_read(session, now, tz, days=7, limit=limit)
    if read:
        return Recommendations(Source.MOST_READ, [SidebarArticle.of(a) for a in read])
    newest = session.scalars(
        visible(now).order_by(Article.published_at.desc(), Article.id.desc()).limit(limit)
    )
    return Recommendations(Source.NEWEST, [SidebarArticle.of(a) for a in newest])


def interests(session: Session, user_id: int) -> tuple[list[str], list[int]]:
    """The sections and authors of what the reader has read or saved, most frequent first."""
    history = union_all(
        select(ArticleRead.article_id.label("article_id")).where(ArticleRead.user_id == user_id),
        select(ReadingListItem.article_id).where(ReadingListItem.user_id == user_id),
    ).subquery()
    rows = session.execute(
        select(Article.section, Article.author_id, func.count())
        .join(history, history.c.article_id == Article.id)
        .group_by(Article.section, Article.author_id)
    ).all()
    sections: Counter[str] = Counter()
    authors: Counter[int] = Counter()
    for section, author_id, times in rows:
        sections[section] += times
        authors[author_id] += times
    return (
        [s for s, _ in sections.most_common(MAX_SECTIONS)],
        [a for a, _ in authors.most_common(MAX_AUTHORS)],
    )


def personal(
    session: Session,
    user_id: int,
    now: datetime,
    exclude_id: int | None = None,
    limit: int = LIMIT,
) -> list[Article]:
    """Unread published articles from the reader's sections and authors, newest first.

    Two queries whatever the data size: the reader's interests, then one query whose
    branches each walk a (section or author, published_at) index for a few unread rows.
    """
    sections, authors = interests(session, user_id)
    if not sections and not authors:
        return []
    unread = ~(
        select(ArticleRead.article_id)
        .where(ArticleRead.user_id == user_id, ArticleRead.article_id == Article.id)
        .exists()
    )
    conditions = [Article.section == s for s in sections]
    conditions += [Article.author_id == a for a in authors]
    branches = []
    for condition in conditions:
        branch = visible(now).with_only_columns(Article.id).where(condition, unread)
        if exclude_id is not None:
            branch = branch.where(Article.id != exclude_id)
        newest = branch.order_by(Article.published_at.desc()).limit(limit).subquery()
        branches.append(select(newest.c.id))
    candidates = union_all(*branches).subquery()
    query = (
        visible(now)
        .where(Article.id.in_(select(candidates.c.id)))
        .order_by(Article.published_at.desc(), Article.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def reader_picks(
    session: Session, user_id: int, now: datetime, limit: int = LIMIT + 1
) -> list[SidebarArticle]:
    """A reader's own picks as plain data, one more than shown: leaving the current article
    out of these gives the same list as leaving it out of the query, so one list (and one
    cache entry) serves every page the reader opens."""
    return [SidebarArticle.of(a) for a in personal(session, user_id, now, None, limit)]


def recommend(
    session: Session,
    user_id: int | None,
    now: datetime,
    fallback: Callable[[], Recommendations],
    exclude_id: int | None = None,
    limit: int = LIMIT,
    picks: Callable[[], list[SidebarArticle]] | None = None,
) -> Recommendations:
    """For a reader with history, their own picks; for anyone else the (cached) fallback,
    without the article being read. `picks` may supply reader_picks from a cache."""
    if user_id is not None:
        pool = picks() if picks else reader_picks(session, user_id, now, limit + 1)
        own = [t for t in pool if t.id != exclude_id][:limit]
        if own:
            return Recommendations(Source.PERSONAL, own)
    general = fallback()
    items = [t for t in general.items if t.id != exclude_id][:limit]
    return Recommendations(general.source, items)
