from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from newsroom.models.article import Article
from newsroom.models.base import Base, UTCDateTime, utcnow


class Gift(Base):
    """One locked article given by a subscriber in one calendar month (site time zone)."""

    __tablename__ = "gifts"
    __table_args__ = (
        # The same article twice in a month is the same gift: one row, one slot.
        UniqueConstraint("giver_id", "article_id", "month"),
        Index("ix_gifts_giver_month", "giver_id", "month"),
        Index("ix_gifts_giver_created", "giver_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    giver_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    month: Mapped[str] = mapped_column(String(7))  # "YYYY-MM" in the site time zone
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    open_count: Mapped[int] = mapped_column(default=0)

    article: Mapped[Article] = relationship(lazy="joined", innerjoin=True)

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
