"""Section pages and their feeds: what else a section has."""

from flask import Blueprint, abort, redirect, render_template, request, url_for

from newsroom.articles import old_slugs, sections
from newsroom.articles.feeds import atom_feed
from newsroom.delivery.keys import section_key
from newsroom.delivery.public import add_keys
from newsroom.extensions import db
from newsroom.reading.sidebars import saved_ids
from newsroom.web.helpers import page_number, request_now, setting, site_url

bp = Blueprint("sections", __name__)


@bp.get("/sections/<slug>")
def show(slug: str):
    found = sections.section_page(
        db.session, slug, request_now(), page_number(), setting("ARTICLES_PER_PAGE")
    )
    if found is None:
        return _moved_or_missing("sections.show", slug)
    add_keys(section_key(slug))
    return render_template(
        "sections/show.html", section=found, saved_ids=saved_ids(found.page.items)
    )


@bp.get("/sections/<slug>/feed.xml")
def feed(slug: str):
    items = sections.section_feed(db.session, slug, request_now())
    if not items:
        return _moved_or_missing("sections.feed", slug)
    add_keys(section_key(slug))
    return atom_feed(
        items,
        title=f"{setting('SITE_NAME')}: {items[0].section}",
        self_url=site_url(url_for("sections.feed", slug=slug)),
        page_url=site_url(url_for("sections.show", slug=slug)),
    )


def _moved_or_missing(endpoint: str, slug: str):
    """The address of a renamed section leads to its new one (301, the page number kept); any
    other unknown section is 404."""
    moved = old_slugs.section_moved_to(db.session, slug)
    if moved is None:
        abort(404)
    page = request.args.get("page")
    response = redirect(url_for(endpoint, slug=moved, **({"page": page} if page else {})), 301)
    add_keys(section_key(slug))
    return response
