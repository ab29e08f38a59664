"""The audit log: one entry per desk action that readers or staff would need explained."""

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsroom.core.pagination import Page, paginate
from newsroom.desk.models import AuditEntry
from newsroom.models import Article, User

ACTIONS = (
    "publish",
    "unpublish",
    "schedule",
    "lock",
    "unlock",
    "giftable",
    "slug",
    "delete",
    "preview_link_made",
    "preview_link_revoked",
    "role",
)


def record(
    session: Session,
    action: str,
    *,
    by: User | None,
    now: datetime,
    article: Article | None = None,
    subject: str | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Add one entry; `by` None is the command line."""
    entry = AuditEntry(
        at=now,
        action=action,
        user_id=by.id if by else None,
        user_name=by.email if by else "command line",
        article_id=article.id if article else None,
        article_slug=article.slug if article else None,
        subject=subject,
        before=before,
        after=after,
    )
    session.add(entry)
    session.flush()
    return entry


def _newest_first():
    return select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def listing(session: Session, number: int, per_page: int) -> Page[AuditEntry]:
    return paginate(session, _newest_first(), number, per_page)


def every_entry(session: Session) -> Iterator[AuditEntry]:
    """Oldest first, streamed in batches so the export holds little in memory."""
    query = select(AuditEntry).order_by(AuditEntry.at, AuditEntry.id)
    yield from session.scalars(query.execution_options(yield_per=500))


def as_json(entry: AuditEntry) -> dict:
    return {
        "at": entry.at.isoformat(),
        "action": entry.action,
        "article_id": entry.article_id,
        "slug": entry.article_slug,
        "staff": entry.user_name,
        "subject": entry.subject,
        "before": entry.before,
        "after": entry.after,
    }
