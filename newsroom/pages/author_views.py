"""Author pages: who the writer is and what else they wrote."""

from flask import Blueprint, abort, render_template

from newsroom.articles import authors
from newsroom.delivery.keys import author_key
from newsroom.delivery.public import add_keys
from newsroom.extensions import db
from newsroom.reading.sidebars import saved_ids
from newsroom.web.helpers import page_number, request_now, setting

bp = Blueprint("authors", __name__)


@bp.get("/authors/<slug>")
def show(slug: str):
    found = authors.author_page(
        db.session, slug, request_now(), page_number(), setting("ARTICLES_PER_PAGE")
    )
    if found is None:
        abort(404)
    add_keys(author_key(found.author.id))
    return render_template("authors/show.html", writer=found, saved_ids=saved_ids(found.page.items))
