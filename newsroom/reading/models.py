"""What readers keep (the reading list) and what they have read."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from newsroom.articles.models import Article
from newsroom.core.orm import Base, UTCDateTime, utcnow


class ReadingListItem(Base):
    __tablename__ = "reading_list_items"
    __table_args__ = (
        UniqueConstraint("user_id", "article_id"),
        Index("ix_reading_list_items_user_saved", "user_id", "saved_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    article: Mapped[Article] = relationship(lazy="joined", innerjoin=True)


class ArticleRead(Base):
    """That a logged-in reader has opened an article; written at most once a day per pair."""

    __tablename__ = "article_reads"
    __table_args__ = (Index("ix_article_reads_article", "article_id"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    first_read_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_read_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_read_on: Mapped[date] = mapped_column(Date)


class DailyArticleViews(Base):
    """Readers per article per day (site time zone): the source of "most read"."""

    __tablename__ = "daily_article_views"
    __table_args__ = (Index("ix_daily_article_views_day", "day"),)

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    views: Mapped[int] = mapped_column(default=0)
