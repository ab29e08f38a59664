"""Authors on the desk: name, title and bio, as text. An author's address (slug) is made
once and kept; a change reaches every page that shows them through their articles."""

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from newsroom.articles.importing import free_author_slug
from newsroom.articles.revisions import plain_text
from newsroom.core.signals import article_changed, author_changed
from newsroom.desk.errors import InUse, NameTaken, NotOnDesk
from newsroom.desk.staff import require_editor
from newsroom.models import Article, ArticleRevision, Author, User


def listing(session: Session, user: User) -> list[tuple[Author, int]]:
    """Every author with the number of their articles, by name."""
    require_editor(user)
    counts = (
        select(Article.author_id, func.count(Article.id).label("n"))
        .group_by(Article.author_id)
        .subquery()
    )
    query = (
        select(Author, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.author_id == Author.id)
        .order_by(Author.name)
    )
    return [(author, n) for author, n in session.execute(query)]


def _name(session: Session, name: str, author: Author | None) -> str:
    name = plain_text(name)
    taken = select(Author.id).where(Author.name == name)
    if author is not None:
        taken = taken.where(Author.id != author.id)
    if not name or session.scalar(taken) is not None:
        raise NameTaken(name)
    return name


def add(session: Session, user: User, name: str, title: str, bio: str) -> Author:
    require_editor(user)
    name = _name(session, name, None)
    slug = free_author_slug(session, name)
    author = Author(name=name, slug=slug, title=plain_text(title), bio=plain_text(bio))
    session.add(author)
    session.flush()
    return author


def find(session: Session, user: User, author_id: int) -> Author:
    require_editor(user)
    author = session.get(Author, author_id)
    if author is None:
        raise NotOnDesk()
    return author


def edit(session: Session, user: User, author_id: int, name: str, title: str, bio: str) -> Author:
    """The byline changes on every article of theirs, and their own page, at once (each page
    is purged, even the page of an author with no article yet)."""
    author = find(session, user, author_id)
    author.name = _name(session, name, author)
    author.title = plain_text(title)
    author.bio = plain_text(bio)
    session.flush()
    author_changed.send(author, session=session)
    for article in session.scalars(select(Article).where(Article.author_id == author.id)):
        article_changed.send(article, session=session)
    return author


def is_used(session: Session, author: Author) -> bool:
    """Whether any article, or any revision of one (which restoring brings back), is theirs."""
    for model in (Article, ArticleRevision):
        if session.scalar(select(model.id).where(model.author_id == author.id).limit(1)):
            return True
    return False


def remove(session: Session, user: User, author_id: int) -> str:
    """An author with no article goes, and their page with them; their name is returned.
    One with articles, or in an article's revisions, is refused: those keep their byline."""
    author = find(session, user, author_id)
    if is_used(session, author):
        raise InUse()
    author_changed.send(author, session=session)
    try:
        with session.begin_nested():  # an article given them meanwhile: refused, not a 500
            session.delete(author)
    except IntegrityError:
        raise InUse() from None
    return author.name
