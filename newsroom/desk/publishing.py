"""Moving an article towards readers and back: submit, publish, schedule, unpublish, lock.
Each is a revision (so open forms are refused rather than undo it) and an audit entry."""

from datetime import datetime

from sqlalchemy.orm import Session

from newsroom.articles import revisions
from newsroom.articles.models import DRAFT, PUBLISHED, REVIEW, SCHEDULED, UNPUBLISHED
from newsroom.desk import audit
from newsroom.desk.errors import InvalidTransition
from newsroom.desk.finding import article_for
from newsroom.desk.staff import require_editor
from newsroom.models import Article, User


def _moment(article: Article) -> dict:
    return {"state": article.state, "published_at": article.published_at.isoformat()}


def _change(session: Session, user: User, article: Article, now: datetime, **values) -> None:
    revisions.change(session, article, now=now, by=user.name, user_id=user.id, **values)


def _move(
    session: Session, user: User, article: Article, now: datetime, action: str, **values
) -> None:
    """Change the article's state or time as `action`, with its audit entry."""
    before = _moment(article)
    _change(session, user, article, now, **values)
    audit.record(
        session, action, by=user, now=now, article=article, before=before, after=_moment(article)
    )


def submit(session: Session, user: User, article_id: int, now: datetime) -> Article:
    """A draft goes to the editors (its writer or an editor may send it)."""
    article = article_for(session, user, article_id)
    if article.state != DRAFT:
        raise InvalidTransition()
    _change(session, user, article, now, state=REVIEW)
    return article


def publish(session: Session, user: User, article_id: int, now: datetime) -> Article:
    """Out now. An article readers saw before keeps its first publication time."""
    require_editor(user)
    article = article_for(session, user, article_id)
    if article.desk_state(now) == PUBLISHED:
        raise InvalidTransition()
    published_at = article.published_at if article.state == UNPUBLISHED else now
    _move(session, user, article, now, "publish", state=PUBLISHED, published_at=published_at)
    return article


def schedule(session: Session, user: User, article_id: int, at: datetime, now: datetime) -> Article:
    """Readers see it from `at` on, not a second before: visible_at decides, no job."""
    require_editor(user)
    article = article_for(session, user, article_id)
    if at <= now or article.desk_state(now) == PUBLISHED:
        raise InvalidTransition()
    _move(session, user, article, now, "schedule", state=PUBLISHED, published_at=at)
    return article


def unpublish(session: Session, user: User, article_id: int, now: datetime) -> Article:
    """Gone from readers. A scheduled article that never appeared goes back to draft."""
    require_editor(user)
    article = article_for(session, user, article_id)
    state = article.desk_state(now)
    if state not in (PUBLISHED, SCHEDULED):
        raise InvalidTransition()
    _move(
        session, user, article, now, "unpublish", state=UNPUBLISHED if state == PUBLISHED else DRAFT
    )
    return article


def set_locked(
    session: Session, user: User, article_id: int, locked: bool, now: datetime
) -> Article:
    """Locked articles need Digital+; free ones anyone may read."""
    require_editor(user)
    article = article_for(session, user, article_id)
    if article.locked == locked:
        return article
    _change(session, user, article, now, locked=locked)
    audit.record(
        session,
        "lock" if locked else "unlock",
        by=user,
        now=now,
        article=article,
        before={"locked": not locked},
        after={"locked": locked},
    )
    return article
