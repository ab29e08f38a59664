"""Preview links: a signed address that shows one article's current text to someone outside
the desk until it expires or is revoked. The token names only a stored link's random id."""

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsroom.core import signing
from newsroom.desk import audit
from newsroom.desk.errors import NotOnDesk
from newsroom.desk.finding import article_for
from newsroom.desk.models import PreviewLink
from newsroom.models import Article, User

PREVIEW_SALT = "preview-link"
DEFAULT_DAYS = 7


def make_link(
    session: Session, user: User, article_id: int, now: datetime, days: int, keys: list[str]
) -> tuple[PreviewLink, str]:
    """A new link (and its token) for anyone on the desk who may see the article."""
    article = article_for(session, user, article_id)
    link = PreviewLink(
        public_id=secrets.token_hex(16),
        article_id=article.id,
        created_by=user.id,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    session.add(link)
    session.flush()
    audit.record(
        session,
        "preview_link_made",
        by=user,
        now=now,
        article=article,
        after={"link": link.id, "expires_at": link.expires_at.isoformat()},
    )
    return link, token_for(link, keys)


def token_for(link: PreviewLink, keys: list[str]) -> str:
    return signing.sign_account({"p": link.public_id}, PREVIEW_SALT, keys, link.created_at)


def links(session: Session, article: Article) -> list[PreviewLink]:
    query = select(PreviewLink).where(PreviewLink.article_id == article.id)
    return list(session.scalars(query.order_by(PreviewLink.created_at.desc(), PreviewLink.id)))


def revoke(
    session: Session, user: User, article_id: int, link_id: int, now: datetime
) -> PreviewLink:
    article = article_for(session, user, article_id)
    link = session.get(PreviewLink, link_id)
    if link is None or link.article_id != article.id:
        raise NotOnDesk()
    if link.revoked_at is None:
        link.revoked_at = now
        audit.record(
            session,
            "preview_link_revoked",
            by=user,
            now=now,
            article=article,
            before={"link": link.id},
            after={"revoked_at": now.isoformat()},
        )
        session.flush()
    return link


def opened(
    session: Session, token: str, keys: list[str], now: datetime, days: int
) -> Article | None:
    """The article a working link shows; None for expired, revoked or forged ones."""
    checked = signing.read_account(token, PREVIEW_SALT, keys, now, days * 86_400)
    public_id = (checked.payload or {}).get("p")
    if not isinstance(public_id, str):
        return None
    link = session.scalar(select(PreviewLink).where(PreviewLink.public_id == public_id))
    if link is None or not link.works_at(now):
        return None
    return session.get(Article, link.article_id)
