from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from newsroom.core.orm import Base, UTCDateTime, utcnow


class ContentVersion(Base):
    """A counter per kind of published content, raised by every editorial change (import,
    re-import, a lock or publication change), so every app server sees the change at once
    and drops the pages it rendered before."""

    __tablename__ = "content_versions"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


class PendingPurge(Base):
    """A purge a shared cache did not take when it was sent, kept for the cache worker to
    send again; the pages' shared lifetime bounds how stale they are meanwhile."""

    __tablename__ = "pending_purges"
    __table_args__ = (Index("ix_pending_purges_due", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    keys: Mapped[str] = mapped_column(Text)  # space-separated, as the xkey header names them
    attempts: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
