"""The reading list: Digital+ subscribers keep articles to read when it suits them."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, contains_eager

from newsroom.articles.models import visible_at
from newsroom.articles.queries import visible
from newsroom.billing.subscriptions import active_clause, has_digital_plus
from newsroom.core.errors import DigitalPlusRequired, NotFound
from newsroom.core.pagination import Page, paginate
from newsroom.database import begin_write, upsert_insert
from newsroom.models import Article, ArticleRead, ReadingListItem


@dataclass(frozen=True)
class Change:
    """The outcome of an add or remove: the article and whether it is now on the list."""

    article: Article
    saved: bool
    changed: bool


@dataclass(frozen=True)
class SavedArticle:
    article: Article
    saved_at: datetime
    opened: bool  # opened since it was saved


def _article(session: Session, user_id: int | None, slug: str, now: datetime) -> Article:
    """The visible article at `slug`, for a reader with Digital+ at `now`; their Digital+ is
    read in the same query as the article."""
    if user_id is None:
        raise DigitalPlusRequired()
    # Take the write lock before reading: on SQLite a read snapshot could not become a write
    # once another request has saved something in between.
    begin_write(session)
    query = visible(now).add_columns(active_clause(user_id, now)).where(Article.slug == slug)
    row = session.execute(query).first()
    if row is None:
        # Refusal comes before "no such article", as it would without the article.
        if not has_digital_plus(session, user_id, now):
            raise DigitalPlusRequired()
        raise NotFound(slug)
    article, digital_plus = row
    if not digital_plus:
        raise DigitalPlusRequired()
    return article


def add(session: Session, user_id: int | None, slug: str, now: datetime) -> Change:
    """Save a visible article; saving it again changes nothing, even when two requests race
    (the unique (user, article) pair absorbs the second insert). Digital+ only."""
    article = _article(session, user_id, slug, now)
    insert = upsert_insert(session, ReadingListItem).values(
        user_id=user_id, article_id=article.id, saved_at=now
    )
    inserted = session.execute(
        insert.on_conflict_do_nothing(
            index_elements=[ReadingListItem.user_id, ReadingListItem.article_id]
        ).returning(ReadingListItem.id)
    ).first()
    return Change(article, saved=True, changed=inserted is not None)


def remove(session: Session, user_id: int | None, slug: str, now: datetime) -> Change:
    """Take an article off the list; removing what is not there changes nothing. Digital+
    only."""
    article = _article(session, user_id, slug, now)
    removed = session.execute(
        delete(ReadingListItem)
        .where(ReadingListItem.user_id == user_id, ReadingListItem.article_id == article.id)
        .returning(ReadingListItem.id)
    ).first()
    return Change(article, saved=False, changed=removed is not None)


def saved_ids(session: Session, user_id: int, article_ids: Iterable[int]) -> set[int]:
    """Which of these articles the reader has saved, in one query (for buttons on cards)."""
    ids = list(article_ids)
    if not ids:
        return set()
    query = select(ReadingListItem.article_id).where(
        ReadingListItem.user_id == user_id, ReadingListItem.article_id.in_(ids)
    )
    return set(session.scalars(query))


def saved_page(
    session: Session,
    user_id: int,
    now: datetime,
    number: int,
    per_page: int,
) -> Page[SavedArticle]:
    """Newest saved first, in one query, for a reader with Digital+. Unpublished articles
    drop out; the rows stay, so they come back if the article does, as a lapsed subscriber's
    list does on renewal."""
    opened = ArticleRead.last_read_at >= ReadingListItem.saved_at
    query = (
        select(ReadingListItem, opened)
        .join(ReadingListItem.article)
        .options(contains_eager(ReadingListItem.article))
        .outerjoin(
            ArticleRead,
            (ArticleRead.user_id == ReadingListItem.user_id)
            & (ArticleRead.article_id == ReadingListItem.article_id),
        )
        .where(
            ReadingListItem.user_id == user_id,
            visible_at(Article, now),
            active_clause(user_id, now),
        )
        .order_by(ReadingListItem.saved_at.desc(), ReadingListItem.id.desc())
    )

    def saved(row) -> SavedArticle:
        entry, seen = row
        return SavedArticle(entry.article, entry.saved_at, bool(seen))

    page = paginate(session, query, number, per_page, item=saved)
    # Only an empty page leaves open whether the list is empty or Digital+ is missing.
    if not page.items and not has_digital_plus(session, user_id, now):
        raise DigitalPlusRequired()
    return page
