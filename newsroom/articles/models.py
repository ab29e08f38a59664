"""Articles and their authors."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from newsroom.core.orm import Base, UTCDateTime, utcnow
from newsroom.core.slugs import slugify

COMMENTARY = "commentary"
KINDS = (COMMENTARY, "analysis", "news", "editorial")

# Where an article is on the desk. "Scheduled" is not stored: it is PUBLISHED with a
# publication time still ahead, so visible_at stays the one rule of what readers see.
DRAFT, REVIEW, PUBLISHED, UNPUBLISHED = "draft", "review", "published", "unpublished"
SCHEDULED = "scheduled"
STATES = (DRAFT, REVIEW, PUBLISHED, UNPUBLISHED)


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


def _state_of(context) -> str:
    """For rows inserted without a state: what their published flag says."""
    return PUBLISHED if context.get_current_parameters().get("is_published", True) else DRAFT


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
        Index("ix_articles_desk", "state", "updated_at"),
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
    # Set through `state` only: a published state is what makes is_published true.
    state: Mapped[str] = mapped_column(String(16), default=_state_of, server_default=PUBLISHED)
    # The number of the newest revision: a save names the one it started from (no lost work).
    revision: Mapped[int] = mapped_column(default=0, server_default="0")
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

    @validates("state")
    def _follow_state(self, _key: str, state: str) -> str:
        self.is_published = state == PUBLISHED
        return state

    @property
    def is_commentary(self) -> bool:
        return self.kind == COMMENTARY

    def desk_state(self, now: datetime) -> str:
        """The state the desk shows: a published article before its time is scheduled."""
        if self.state == PUBLISHED and self.published_at > now:
            return SCHEDULED
        return self.state

    def was_public(self, now: datetime) -> bool:
        """Readers may have seen it (so its address must not change): published and past its
        time, or unpublished after that."""
        return self.state == UNPUBLISHED or (self.state == PUBLISHED and self.published_at <= now)

    def is_visible(self, now: datetime) -> bool:
        return visible_at(self, now)


def visible_at(article, now: datetime):
    """ "Readers can see this article now": published and past its publication time.

    One definition for three uses: given an Article row or a cached record it is a bool; given
    the Article class it is the SQL clause every listing filters on. `== True` (not `is`)
    is what makes the second work, and it lets SQLite use the listing index."""
    return (article.is_published == True) & (article.published_at <= now)  # noqa: E712


class ArticleRevision(Base):
    """One save of an article (on the desk or by the import): every field, who and when.
    Rows are only ever added; restoring an old one adds a new one."""

    __tablename__ = "article_revisions"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    number: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    by: Mapped[str] = mapped_column(String(120))  # the staff member's name, or "import"
    slug: Mapped[str] = mapped_column(String(160))
    headline: Mapped[str] = mapped_column(String(300))
    lead: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)  # the Markdown as written
    section: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(32))
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    language: Mapped[str] = mapped_column(String(16))
    image: Mapped[str | None] = mapped_column(String(500))
    locked: Mapped[bool]
    giftable: Mapped[bool]
    state: Mapped[str] = mapped_column(String(16))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())

    author: Mapped[Author] = relationship(lazy="joined", innerjoin=True)


class OldSlug(Base):
    """An address an article had after readers could see it: it keeps leading there (301)
    once the slug has changed. Several old slugs may lead to one article; none to two."""

    __tablename__ = "old_slugs"

    slug: Mapped[str] = mapped_column(String(160), primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Section(Base):
    """A section as the desk names and orders it: the site's order of sections, on the desk
    and in the header. Articles carry their section's name; a section in use that has no
    row here is still a section, listed after those that have one."""

    __tablename__ = "sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)  # its page: /sections/<slug>
    position: Mapped[int] = mapped_column(default=0)


class OldSectionSlug(Base):
    """An address a section had before the desk renamed it: its page and feed keep leading to
    the section (301), so links and feed subscriptions survive a rename."""

    __tablename__ = "old_section_slugs"

    slug: Mapped[str] = mapped_column(String(80), primary_key=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("sections.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
