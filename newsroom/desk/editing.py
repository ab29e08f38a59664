"""Writing on the desk: a new article, a save over the revision it started from, restoring
an old revision. Contributors write only their own drafts; editors any article."""

from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsroom.articles import old_slugs, revisions
from newsroom.articles.importing import free_author_slug
from newsroom.articles.models import DRAFT, REVIEW
from newsroom.core.slugs import slugify
from newsroom.desk import audit
from newsroom.desk.errors import NotOnDesk, SlugTaken, TextWithoutSource
from newsroom.desk.finding import article_for
from newsroom.desk.staff import is_editor, on_desk
from newsroom.models import Article, ArticleRevision, Author, User


@dataclass(frozen=True)
class Written:
    """What the article form sends."""

    headline: str
    lead: str
    body: str
    section: str
    kind: str
    author_name: str
    author_title: str
    language: str
    image: str | None = None
    locked: bool = False
    giftable: bool = True
    slug: str = ""


def _author(session: Session, name: str, title: str) -> Author:
    name = revisions.plain_text(name)
    author = session.scalar(select(Author).where(Author.name == name))
    if author is None:
        author = Author(name=name, slug=free_author_slug(session, name), title="")
        session.add(author)
    if title.strip():
        author.title = revisions.plain_text(title)
    return author


def _free_slug(session: Session, wanted: str, article: Article | None) -> str:
    taken = select(Article.id).where(Article.slug == wanted)
    if article is not None and article.id is not None:
        taken = taken.where(Article.id != article.id)
    if session.scalar(taken) is not None or old_slugs.is_taken(session, wanted, article):
        raise SlugTaken(wanted)
    return wanted


def _may_write(user: User, article: Article) -> None:
    """Contributors change their own articles only while they are drafts or in review."""
    if not is_editor(user) and article.state not in (DRAFT, REVIEW):
        raise NotOnDesk()


def _content(session: Session, user: User, article: Article, written: Written, now: datetime):
    editor = is_editor(user)
    slug = article.slug
    if not article.was_public(now):
        slug = _free_slug(session, slugify(written.slug or written.headline)[:160], article)
    elif written.slug and written.slug != article.slug:
        # After publication the slug changes only when asked; the old address keeps leading here.
        slug = _free_slug(session, slugify(written.slug)[:160], article)
    return revisions.Content(
        slug=slug,
        headline=written.headline,
        lead=written.lead,
        body=written.body,
        section=written.section,
        kind=written.kind,
        author=_author(session, written.author_name, written.author_title),
        language=written.language,
        image=written.image or None,
        # What only editors decide stays as it is when a contributor saves.
        locked=written.locked if editor else article.locked,
        giftable=written.giftable if editor else article.giftable,
        state=article.state,
        published_at=article.published_at,
    )


def _audit_changes(session: Session, user: User, article: Article, before: dict, now) -> None:
    """One audit entry for each audited field the save changed."""
    for field in ("slug", "locked", "giftable"):
        value = getattr(article, field)
        if before[field] == value:
            continue
        action = ("lock" if value else "unlock") if field == "locked" else field
        audit.record(
            session,
            action,
            by=user,
            now=now,
            article=article,
            before={field: before[field]},
            after={field: value},
        )


def create(session: Session, user: User, written: Written, now: datetime) -> Article:
    """A new draft, revision 1, written by `user`."""
    on_desk(user)
    article = Article(state=DRAFT, published_at=now, locked=False, giftable=True)
    content = _content(session, user, article, written, now)
    revisions.save(session, article, content, base=0, now=now, by=user.name, user_id=user.id)
    return article


def save(
    session: Session, user: User, article_id: int, written: Written, base: int, now: datetime
) -> Article:
    """Save over revision `base`; refused (StaleRevision) when someone saved after it."""
    article = article_for(session, user, article_id)
    _may_write(user, article)
    before = {"slug": article.slug, "locked": article.locked, "giftable": article.giftable}
    content = _content(session, user, article, written, now)
    if revisions.has_source(session, article):
        revisions.save(session, article, content, base=base, now=now, by=user.name, user_id=user.id)
    else:
        _save_beside_imported_text(session, user, article, content, base, now)
    if article.slug != before["slug"] and article.was_public(now):
        old_slugs.remember(session, article, before["slug"], now)
    _audit_changes(session, user, article, before, now)
    return article


def _save_beside_imported_text(
    session: Session,
    user: User,
    article: Article,
    content: revisions.Content,
    base: int,
    now: datetime,
) -> None:
    """An article imported before sources were kept has only its rendered text: the other
    fields may change, but any text typed for the body is refused, as it would replace the
    whole article. Importing the article again once gives it a source to edit."""
    if content.body.strip():
        raise TextWithoutSource()
    values = {f.name: getattr(content, f.name) for f in fields(content) if f.name != "body"}
    revisions.change(session, article, base=base, now=now, by=user.name, user_id=user.id, **values)


def history(session: Session, user: User, article_id: int) -> tuple[Article, list[ArticleRevision]]:
    """Every revision, newest first: none is ever dropped."""
    article = article_for(session, user, article_id)
    rows = session.scalars(
        select(ArticleRevision)
        .where(ArticleRevision.article_id == article.id)
        .order_by(ArticleRevision.number.desc())
    )
    return article, list(rows)


def revision(session: Session, article: Article, number: int) -> ArticleRevision:
    found = session.scalar(
        select(ArticleRevision).where(
            ArticleRevision.article_id == article.id, ArticleRevision.number == number
        )
    )
    if found is None:
        raise NotOnDesk()
    return found


def restore(session: Session, user: User, article_id: int, number: int, now: datetime) -> Article:
    """The old revision's text becomes the newest revision; state, time and locks stay."""
    article = article_for(session, user, article_id)
    _may_write(user, article)
    old = revision(session, article, number)
    written = Written(
        headline=old.headline,
        lead=old.lead,
        body=old.body,
        section=old.section,
        kind=old.kind,
        author_name=old.author.name,
        author_title="",
        language=old.language,
        image=old.image,
        locked=article.locked,
        giftable=article.giftable,
        slug=old.slug,
    )
    return save(session, user, article.id, written, article.revision, now)
