"""What a staff member may see on the desk: their own articles, or all of them for editors."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session

from newsroom.articles.models import PUBLISHED, SCHEDULED
from newsroom.core.pagination import Page, paginate
from newsroom.desk.errors import NotOnDesk
from newsroom.desk.staff import is_editor, on_desk
from newsroom.models import Article, ArticleRevision, User


def _owned_by(user: User):
    """The writer of an article is whoever made its first revision."""
    return Article.id.in_(
        select(ArticleRevision.article_id).where(
            ArticleRevision.number == 1, ArticleRevision.user_id == user.id
        )
    )


def owner_id(session: Session, article: Article) -> int | None:
    return session.scalar(
        select(ArticleRevision.user_id).where(
            ArticleRevision.article_id == article.id, ArticleRevision.number == 1
        )
    )


def article_for(session: Session, user: User, article_id: int) -> Article:
    """The article, if this staff member may see it; 404 otherwise, as for no article."""
    on_desk(user)
    article = session.get(Article, article_id)
    if article is None:
        raise NotOnDesk()
    if not is_editor(user) and owner_id(session, article) != user.id:
        raise NotOnDesk()
    return article


@dataclass(frozen=True)
class DeskFilter:
    state: str = ""
    section: str = ""
    author_id: int | None = None
    headline: str = ""


def _in_state(state: str, now: datetime):
    if state == SCHEDULED:
        return and_(Article.state == PUBLISHED, Article.published_at > now)
    if state == PUBLISHED:
        return and_(Article.state == PUBLISHED, Article.published_at <= now)
    return Article.state == state


def _query(user: User, chosen: DeskFilter, now: datetime) -> Select:
    query = select(Article)
    if not is_editor(user):
        query = query.where(_owned_by(user))
    if chosen.state:
        query = query.where(_in_state(chosen.state, now))
    if chosen.section:
        query = query.where(Article.section == chosen.section)
    if chosen.author_id:
        query = query.where(Article.author_id == chosen.author_id)
    if chosen.headline:
        escaped = chosen.headline.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Article.headline.ilike(f"%{escaped}%", escape="\\"))
    return query.order_by(Article.updated_at.desc(), Article.id.desc())


def desk_listing(
    session: Session, user: User, chosen: DeskFilter, now: datetime, number: int, per_page: int
) -> Page[Article]:
    on_desk(user)
    return paginate(session, _query(user, chosen, now), number, per_page)


def sections(session: Session) -> list[str]:
    return list(session.scalars(select(Article.section).distinct().order_by(Article.section)))
