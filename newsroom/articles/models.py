"""Articles and their authors."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from newsroom.core.orm import Base, UTCDateTime, utcnow
from newsroom.core.slugs import slugify

COMMENTARY = "commentary"
KINDS = (COMMENTARY, "analysis", "news", "editorial")


def _author_slug(context) -> str:
    """For authors created without one; the importer picks a free slug itself."""
    return slugify(context.get_current_parameters()["name"])


class Author(Base):
    __tablename__ = "authors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # Made once, when the author is first imported, and kept: addresses stay stable.
    slug: Mapped[str] = mapped_column(String(80), unique=True, default=_author_slug)
    title: Mapped[str] = mapped_column(String(200), default="")
    bio: Mapped[str] = mapped_column(Text, default="")


def _section_slug(context) -> str:
    """For rows inserted without one (Core bulk inserts): the slug of their section."""
    return slugify(context.get_current_parameters()["section"])


class Article(Base):
    """A published piece. The body is stored already rendered and sanitised, in two parts:
    the first paragraph (the public teaser) and the rest (never sent without access)."""

    __tablename__ = "articles"
    __table_args__ = (
        Index("ix_articles_listing", "is_published", "published_at"),
        Index("ix_articles_section_published", "section", "published_at"),
        Index("ix_articles_author_published", "author_id", "published_at"),
        Index("ix_articles_section_slug_listing", "section_slug", "is_published", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(160), unique=True)
    section: Mapped[str] = mapped_column(String(80))
    section_slug: Mapped[str] = mapped_column(String(80), default=_section_slug)
    kind: Mapped[str] = mapped_column(String(32), default=COMMENTARY)
    headline: Mapped[str] = mapped_column(String(300))
    lead: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    language: Mapped[str] = mapped_column(String(16))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    locked: Mapped[bool] = mapped_column(default=False)
    is_published: Mapped[bool] = mapped_column(default=True)
    giftable: Mapped[bool] = mapped_column(default=True, server_default=true())
    image: Mapped[str | None] = mapped_column(String(500))
    teaser_html: Mapped[str] = mapped_column(Text)
    rest_html: Mapped[str] = mapped_column(Text, default="")
    word_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    author: Mapped[Author] = relationship(lazy="joined", innerjoin=True)

    @validates("section")
    def _follow_section(self, _key: str, section: str) -> str:
        self.section_slug = slugify(section)
        return section

    @property
    def is_commentary(self) -> bool:
        return self.kind == COMMENTARY

    def is_visible(self, now: datetime) -> bool:
        return visible_at(self, now)


def visible_at(article, now: datetime):
    """ "Readers can see this article now": published and past its publication time.

    One definition for three uses: given an Article row or a cached record it is a bool; given
    the Article class it is the SQL clause every listing filters on. `== True` (not `is`)
    is what makes the second work, and it lets SQLite use the listing index."""
    return (article.is_published == True) & (article.published_at <= now)  # noqa: E712
