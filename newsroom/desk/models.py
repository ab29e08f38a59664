"""The desk's own records: the audit log, preview links and the order of sections."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column

from newsroom.core.orm import Base, UTCDateTime

CONTRIBUTOR, EDITOR, ADMIN = "contributor", "editor", "admin"
ROLES = (CONTRIBUTOR, EDITOR, ADMIN)


class AuditEntry(Base):
    """Who did what to an article or a staff member, with the values before and after.
    Append-only: rows are never updated or deleted (see the listeners below)."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_at", "at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    action: Mapped[str] = mapped_column(String(32))
    # Names are copied, so the log still reads right after an account or article is gone.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    user_name: Mapped[str] = mapped_column(String(254))
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )
    article_slug: Mapped[str | None] = mapped_column(String(160))
    subject: Mapped[str | None] = mapped_column(String(254))  # the staff member a role is for
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _append_only(_mapper, _connection, entry: AuditEntry) -> None:
    raise ValueError(f"audit entry {entry.id} cannot be changed")


class PreviewLink(Base):
    """A signed link that shows one article's current draft to someone outside the desk.
    The token carries only `public_id`; expiry and revocation live here."""

    __tablename__ = "preview_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def works_at(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at
