"""Reading history: who opened what, once a local day, and the daily counts behind "most read"."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from newsroom.articles.queries import visible
from newsroom.core import clock
from newsroom.database import begin_write, upsert_insert
from newsroom.models import Article, ArticleRead, DailyArticleViews, ReadingListItem


@dataclass(frozen=True)
class ReaderState:
    """A reader's relation to one article, loaded together with the article."""

    last_read_on: date | None = None
    last_read_at: datetime | None = None
    saved_at: datetime | None = None

    @property
    def saved(self) -> bool:
        return self.saved_at is not None

    def due(self, today: date) -> bool:
        """A read is written once a local day, and once more after a save, so that the
        reading list can tell whether the article was opened since it was saved."""
        if self.last_read_on is None or self.last_read_on < today:
            return True
        return (
            self.saved_at is not None
            and self.last_read_at is not None
            and self.last_read_at < self.saved_at
        )


def state_query(user_id: int, article_id: int) -> Select:
    """The reader's history and reading-list entry for one article, as one row."""
    return (
        select(ArticleRead.last_read_on, ArticleRead.last_read_at, ReadingListItem.saved_at)
        .select_from(Article)
        .outerjoin(
            ArticleRead,
            (ArticleRead.article_id == Article.id) & (ArticleRead.user_id == user_id),
        )
        .outerjoin(
            ReadingListItem,
            (ReadingListItem.article_id == Article.id) & (ReadingListItem.user_id == user_id),
        )
        .where(Article.id == article_id)
    )


def state_of(session: Session, user_id: int, article_id: int) -> ReaderState:
    row = session.execute(state_query(user_id, article_id)).first()
    return ReaderState(*row) if row else ReaderState()


def record_read(
    session: Session,
    user_id: int,
    article_id: int,
    now: datetime,
    tz: str,
    state: ReaderState | None = None,
) -> bool:
    """Note that a logged-in reader opened an article; True when something was written.

    At most one write per reader, article and local day (plus one after a save). The day's
    view is counted in the same transaction, and only by the request whose upsert changed
    the row, so simultaneous opens count once. Pass `state` when it is already
    loaded to skip the lookup.
    """
    today = clock.local_date(now, tz)
    if state is None:
        state = state_of(session, user_id, article_id)
    if not state.due(today):
        return False
    begin_write(session)
    stale = ArticleRead.last_read_on < today
    if state.saved_at is not None:
        stale = or_(stale, ArticleRead.last_read_at < state.saved_at)
    insert = upsert_insert(session, ArticleRead).values(
        user_id=user_id,
        article_id=article_id,
        first_read_at=now,
        last_read_at=now,
        last_read_on=today,
    )
    upsert = insert.on_conflict_do_update(
        index_elements=[ArticleRead.user_id, ArticleRead.article_id],
        set_={"last_read_at": now, "last_read_on": today},
        where=stale,
    )
    if session.execute(upsert.returning(ArticleRead.user_id)).first() is None:
        return False  # another request recorded it first
    if state.last_read_on is None or state.last_read_on < today:
        count = upsert_insert(session, DailyArticleViews).values(
            article_id=article_id, day=today, views=1
        )
        session.execute(
            count.on_conflict_do_update(
                index_elements=[DailyArticleViews.article_id, DailyArticleViews.day],
                set_={"views": DailyArticleViews.views + 1},
            )
        )
    return True


def most_read(
    session: Session, now: datetime, tz: str, days: int = 7, limit: int = 5
) -> list[Article]:
    """Articles visible now with the most readers over the `days` local days up to today; one
    moved into the future or unpublished after it was read drops out at once."""
    today = clock.local_date(now, tz)
    since = today - timedelta(days=days - 1)
    total = func.sum(DailyArticleViews.views).label("total")
    counts = (
        select(DailyArticleViews.article_id, total)
        .where(DailyArticleViews.day >= since, DailyArticleViews.day <= today)
        .group_by(DailyArticleViews.article_id)
        .subquery()
    )
    query = (
        visible(now)
        .join(counts, counts.c.article_id == Article.id)
        .order_by(counts.c.total.desc(), Article.published_at.desc(), Article.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))
