"""Saving an article: one operation for the desk and the import. Every save renders and
sanitises the body, records a revision with every field, and announces the change."""

import html
from dataclasses import dataclass, fields
from datetime import datetime

import nh3
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from newsroom.articles.models import Article, ArticleRevision, Author
from newsroom.articles.rendering import render_body
from newsroom.core.errors import DomainError
from newsroom.core.signals import article_changed


class StaleRevision(DomainError):
    """The article was saved by someone else after the saver started: nothing was written."""

    code = "stale_revision"
    status = 409

    def __init__(self, article: Article, base: int) -> None:
        super().__init__(f"article {article.id} is at revision {article.revision}, not {base}")
        self.article = article
        self.base = base


@dataclass(frozen=True)
class Content:
    """Every field a revision keeps, as the saver wrote it (the body in Markdown)."""

    slug: str
    headline: str
    lead: str
    body: str
    section: str
    kind: str
    author: Author
    language: str
    image: str | None
    locked: bool
    giftable: bool
    state: str
    published_at: datetime


def plain_text(text: str) -> str:
    """Text with any markup taken out (script and style with their content): headlines,
    leads and bios are text, whatever was typed or imported."""
    return html.unescape(nh3.clean(text, tags=set())).strip()


def has_source(session: Session, article: Article) -> bool:
    """Whether the article's Markdown is kept: not for one imported before revisions were."""
    return latest(session, article) is not None


def content_of(revision: ArticleRevision) -> Content:
    return Content(**{f.name: getattr(revision, f.name) for f in fields(Content)})


def latest(session: Session, article: Article) -> ArticleRevision | None:
    return session.scalar(
        select(ArticleRevision)
        .where(ArticleRevision.article_id == article.id)
        .order_by(ArticleRevision.number.desc())
        .limit(1)
    )


def _claim(session: Session, article: Article, base: int) -> int:
    """Move the article from revision `base` to the next, or refuse: a compare-and-set in
    the database, so of two saves from the same revision exactly one gets through."""
    if article.id is None:
        return 1
    claimed = session.execute(
        update(Article)
        .where(Article.id == article.id, Article.revision == base)
        .values(revision=base + 1)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        session.refresh(article)
        raise StaleRevision(article, base)
    return base + 1


def save(
    session: Session,
    article: Article,
    content: Content,
    *,
    base: int,
    now: datetime,
    by: str,
    user_id: int | None = None,
) -> ArticleRevision:
    """Write `content` over the article as revision base + 1 (a new article: `base` 0)."""
    number = _claim(session, article, base)
    content = Content(
        **{
            **{f.name: getattr(content, f.name) for f in fields(Content)},
            "headline": plain_text(content.headline),
            "lead": plain_text(content.lead),
        }
    )
    rendered = render_body(content.body)
    if article.id is None:
        session.add(article)
    article.slug = content.slug
    article.headline = content.headline
    article.lead = content.lead
    article.section = content.section
    article.kind = content.kind
    article.author = content.author
    article.language = content.language
    article.image = content.image
    article.locked = content.locked
    article.giftable = content.giftable  # false stops new gifts; links given keep working
    article.state = content.state
    article.published_at = content.published_at
    article.teaser_html = rendered.teaser_html
    article.rest_html = rendered.rest_html
    article.word_count = rendered.word_count
    article.revision = number
    article.updated_at = now
    session.flush()
    revision = ArticleRevision(
        article_id=article.id,
        number=number,
        created_at=now,
        user_id=user_id,
        by=by,
        **{f.name: getattr(content, f.name) for f in fields(Content)},
    )
    session.add(revision)
    session.flush()
    article_changed.send(article, session=session)
    return revision


def change(
    session: Session,
    article: Article,
    *,
    now: datetime,
    by: str,
    user_id: int | None,
    base: int | None = None,
    **values,
) -> ArticleRevision | None:
    """Change fields that need no new text (state, time, lock, headline...) as the next
    revision after `base` (the article's present one if None). An article imported before
    revisions were kept has no Markdown to copy: its fields change and its number moves on
    (so open forms are refused), but no revision is written and its text stays as it is."""
    if "body" in values:
        raise ValueError("change() keeps the text; save() writes a new one")
    base = article.revision if base is None else base
    for name in ("headline", "lead"):
        if name in values:
            values[name] = plain_text(values[name])
    source = latest(session, article)
    if source is None:
        number = _claim(session, article, base)
        for name, value in values.items():
            setattr(article, name, value)
        article.revision = number
        article.updated_at = now
        session.flush()
        article_changed.send(article, session=session)
        return None
    content = Content(**{**content_of(source).__dict__, **values})
    return save(session, article, content, base=base, now=now, by=by, user_id=user_id)
