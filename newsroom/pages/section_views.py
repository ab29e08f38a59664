"""Section pages and their feeds: what else a section has."""

from flask import Blueprint, abort, render_template, url_for

from newsroom.articles import sections
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
        abort(404)
    add_keys(section_key(slug))
    return render_template(
        "sections/show.html", section=found, saved_ids=saved_ids(found.page.items)
    )


@bp.get("/sections/<slug>/feed.xml")
def feed(slug: str):
    items = sections.section_feed(db.session, slug, request_now())
    if not items:
        abort(404)
    add_keys(section_key(slug))
    return atom_feed(
        items,
        title=f"{setting('SITE_NAME')}: {items[0].section}",
        self_url=site_url(url_for("sections.feed", slug=slug)),
        page_url=site_url(url_for("sections.show", slug=slug)),
    )
