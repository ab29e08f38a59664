"""Sections as the desk names and orders them. Renaming one renames it in every article that
carries it, each as a revision, so pages, search and the caches follow; its old address keeps
leading to it."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from newsroom.articles import old_slugs, revisions
from newsroom.articles.models import Section
from newsroom.core.signals import section_renamed
from newsroom.core.slugs import slugify
from newsroom.desk.errors import InUse, NameTaken, NotOnDesk
from newsroom.desk.staff import require_editor
from newsroom.models import Article, User


def listing(session: Session, user: User) -> list[Section]:
    require_editor(user)
    return list(session.scalars(select(Section).order_by(Section.position, Section.name)))


def unlisted(session: Session, user: User) -> list[str]:
    """Sections articles carry that have no row yet (imported ones, say)."""
    require_editor(user)
    return _unlisted(session)


def _unlisted(session: Session) -> list[str]:
    query = select(Article.section).where(Article.section_slug.not_in(select(Section.slug)))
    return sorted(set(session.scalars(query.distinct())))


def names(session: Session) -> list[str]:
    """Every section's name for the article form: the listed ones in order, then the rest."""
    listed = session.scalars(select(Section.name).order_by(Section.position, Section.name))
    return [*listed, *_unlisted(session)]


def _name(session: Session, name: str, section: Section | None) -> tuple[str, str]:
    name = revisions.plain_text(name)
    slug = slugify(name)
    if not name or not slug:
        raise NameTaken(name)
    taken = select(Section.id).where((Section.slug == slug) | (Section.name == name))
    if section is not None:
        taken = taken.where(Section.id != section.id)
    if session.scalar(taken) is not None:
        raise NameTaken(name)
    return name, slug


def add(session: Session, user: User, name: str, position: int | None, now: datetime) -> Section:
    """A new section; without a position it goes last. An old address of another section that
    it takes is its own from now on."""
    require_editor(user)
    name, slug = _name(session, name, None)
    if position is None:
        position = (session.scalar(select(func.max(Section.position))) or 0) + 1
    section = Section(name=name, slug=slug, position=position)
    session.add(section)
    session.flush()
    old_slugs.remember_section(session, section, None, now)
    return section


@dataclass(frozen=True)
class Rename:
    """What renaming a section to `name` would do: its new address and the articles it changes."""

    name: str
    slug: str
    articles: int


def rename_of(session: Session, section: Section, name: str) -> Rename | None:
    """What a rename to `name` changes, for the editor to confirm; None when the name stays,
    or when no article carries the section (nothing but the section's row changes).
    NameTaken at once for a name that cannot be had: no confirming what would fail."""
    if revisions.plain_text(name) == section.name:
        return None
    name, slug = _name(session, name, section)
    articles = articles_in(session, section)
    return Rename(name, slug, articles) if articles else None


def articles_in(session: Session, section: Section) -> int:
    """How many articles carry the section, in any state."""
    query = select(func.count(Article.id)).where(Article.section_slug == section.slug)
    return session.scalar(query) or 0


def remove(session: Session, user: User, section_id: int) -> str:
    """A section no article carries (a name made by mistake, say) goes; its name is returned.
    One in use is refused: renaming it is the way to change it."""
    section = find(session, user, section_id)
    if articles_in(session, section):
        raise InUse()
    session.delete(section)
    session.flush()
    return section.name


def find(session: Session, user: User, section_id: int) -> Section:
    require_editor(user)
    section = session.get(Section, section_id)
    if section is None:
        raise NotOnDesk()
    return section


def edit(
    session: Session, user: User, section_id: int, name: str, position: int, now: datetime
) -> Section:
    """A new name or place; a new name is carried into every article of the section."""
    section = find(session, user, section_id)
    old_slug = section.slug
    section.name, section.slug = _name(session, name, section)
    section.position = position
    session.flush()
    if section.slug != old_slug:
        old_slugs.remember_section(session, section, old_slug, now)
        section_renamed.send(section, session=session, old_slug=old_slug)
    renamed = select(Article).where(
        Article.section_slug == old_slug, Article.section != section.name
    )
    for article in session.scalars(renamed).all():
        revisions.change(
            session, article, now=now, by=user.name, user_id=user.id, section=section.name
        )
    return section
