"""Deleting an article for good: editors only, and never one readers can see or will see
(unpublish it first). Its revisions, preview links and search entries go with it; the
audit log keeps who deleted what."""

from datetime import datetime

from sqlalchemy.orm import Session

from newsroom.articles.models import PUBLISHED, SCHEDULED
from newsroom.desk import audit
from newsroom.desk.errors import UnpublishFirst
from newsroom.desk.finding import article_for
from newsroom.desk.staff import require_editor
from newsroom.models import User
from newsroom.search import indexing


def delete(session: Session, user: User, article_id: int, now: datetime) -> str:
    """Delete the article; returns its headline, for the message."""
    require_editor(user)
    article = article_for(session, user, article_id)
    state = article.desk_state(now)
    if state in (PUBLISHED, SCHEDULED):
        raise UnpublishFirst()
    audit.record(
        session,
        "delete",
        by=user,
        now=now,
        article=article,
        before={"slug": article.slug, "headline": article.headline, "state": state},
    )
    indexing.remove(session, [article.id])
    session.delete(article)
    session.flush()
    return article.headline
