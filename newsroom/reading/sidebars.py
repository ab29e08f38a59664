"""The boxes beside every listing and article: jobs, most read, the reader's picks, and
which listed articles the reader has saved. Each shared box is cached for every reader."""

from dataclasses import dataclass
from datetime import datetime

from flask_login import current_user
from sqlalchemy import func, select

from newsroom.articles.models import Section, visible_at
from newsroom.core import clock
from newsroom.extensions import db
from newsroom.jobs import listings
from newsroom.models import Article
from newsroom.reading import reading_list, recommendations
from newsroom.web.cache import cached
from newsroom.web.helpers import request_now, setting


def top_jobs() -> list[dict]:
    def load() -> list[dict]:
        return [
            {"title": j.title, "employer": j.employer, "location": j.location, "url": j.url}
            for j in listings.newest(db.session, limit=5)
        ]

    return cached("top-jobs", load)


def most_read_key(now: datetime, tz: str) -> str:
    return f"most-read:{clock.local_date(now, tz).isoformat()}"


def picks_key(reader: int | None) -> str:
    return f"picks:{reader}"


@dataclass(frozen=True)
class SectionLink:
    slug: str
    name: str


def site_sections() -> list[SectionLink]:
    """The sections with an article visible now, in the site's order (the desk's, and by
    name for sections the desk has not placed): the header's section bar. Kept like the
    other boxes."""

    def load() -> list[SectionLink]:
        shown = _sections_visible_at(request_now())
        positions = select(Section.slug, Section.position).where(
            Section.slug.in_([s.slug for s in shown])
        )
        placed = dict(db.session.execute(positions).all())
        return sorted(
            shown, key=lambda s: (s.slug not in placed, placed.get(s.slug, 0), s.name.casefold())
        )

    return cached("site-sections", load)


def _sections_visible_at(now) -> list[SectionLink]:
    """One step along the sections' listing index per section (a loose index scan), so the
    cost follows the number of sections, not of articles; each named as its newest article
    spells it."""
    visible = visible_at(Article, now)
    first = select(func.min(Article.section_slug).label("slug")).where(visible)
    steps = first.cte(recursive=True)
    after = (
        select(func.min(Article.section_slug))
        .where(visible, Article.section_slug > steps.c.slug)
        .scalar_subquery()
    )
    steps = steps.union_all(select(after).where(steps.c.slug.is_not(None)))
    name = (
        select(Article.section)
        .where(visible, Article.section_slug == steps.c.slug)
        .order_by(Article.published_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    rows = db.session.execute(select(steps.c.slug, name).where(steps.c.slug.is_not(None)))
    return [SectionLink(slug, section) for slug, section in rows]


def most_read() -> recommendations.Recommendations:
    now, tz = request_now(), setting("TIMEZONE")
    return cached(most_read_key(now, tz), lambda: recommendations.popular(db.session, now, tz))


def recommended(exclude_id: int | None = None) -> recommendations.Recommendations:
    reader = current_user.id if current_user.is_authenticated else None
    now = request_now()

    def picks() -> list[recommendations.SidebarArticle]:
        # Public teasers of the reader's own picks: a just-read article may linger for
        # the sidebar's few seconds, as in any cached sidebar.
        return cached(
            picks_key(reader), lambda: recommendations.reader_picks(db.session, reader, now)
        )

    return recommendations.recommend(db.session, reader, now, most_read, exclude_id, picks=picks)


def saved_ids(items: list[Article]) -> set[int]:
    """The listed articles on the reader's list; only Digital+ readers see their list."""
    if not (current_user.is_authenticated and current_user.has_digital_plus):
        return set()
    return reading_list.saved_ids(db.session, current_user.id, [a.id for a in items])
