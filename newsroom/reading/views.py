"""The reading list page and its add/remove actions. JSON and HTML come from the same handlers."""

import logging

from flask import (
    Blueprint,
    Response,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from newsroom.core.errors import DigitalPlusRequired
from newsroom.extensions import db
from newsroom.gifting import messages
from newsroom.reading import reading_list
from newsroom.web.errors import error_response, technical_error
from newsroom.web.helpers import page_number, private, request_now, safe_next, setting, wants_json

bp = Blueprint("reading_list", __name__)
log = logging.getLogger("newsroom.reading_list")


def _upsell(status: int, next_url: str) -> Response:
    html = render_template("reading_list/index.html", offer=True, page=None, next_url=next_url)
    return private(html, status)


@bp.get("/reading-list")
@login_required
def index():
    try:
        page = reading_list.saved_page(
            db.session,
            current_user.id,
            current_user.has_digital_plus,
            request_now(),
            page_number(),
            setting("READING_LIST_PER_PAGE"),
        )
    except DigitalPlusRequired:
        return _upsell(200, url_for("reading_list.index"))
    html = render_template("reading_list/index.html", offer=False, page=page, next_url=None)
    return private(html)


@bp.get("/reading-list/offer")
def offer():
    """Where a reader without Digital+ lands after pressing "Save" without JavaScript: the
    offer, and the way back to the page they came from (Post/Redirect/Get)."""
    back = safe_next(request.args.get("next")) or url_for("articles.front")
    return _upsell(200, back)


@bp.post("/reading-list/<slug>")
def add(slug: str):
    return _change(slug, reading_list.add)


@bp.post("/reading-list/<slug>/remove")
def remove(slug: str):
    return _change(slug, reading_list.remove)


def _change(slug: str, action) -> Response:
    """Run an add or remove for the current reader and answer as JSON or as a redirect."""
    adding = action is reading_list.add
    back = safe_next(request.form.get("next")) or url_for("articles.show", slug=slug)
    try:
        if not current_user.is_authenticated:
            raise DigitalPlusRequired()
        change = action(
            db.session, current_user.id, current_user.has_digital_plus, slug, request_now()
        )
        db.session.commit()
    except DigitalPlusRequired:
        db.session.rollback()
        if wants_json():
            code = "digital_plus_required" if current_user.is_authenticated else "login_required"
            return error_response(
                code, messages.reading_list_upsell(), 403 if current_user.is_authenticated else 401
            )
        return redirect(url_for("reading_list.offer", next=back), 303)
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("reading list change failed; nothing was changed")
        return technical_error(messages.reading_list_failed(adding))
    if wants_json():
        status = 201 if adding and change.changed else 200
        return make_response(jsonify({"saved": change.saved, "slug": change.article.slug}), status)
    flash(_changed_message(change), "success")
    return redirect(back)


def _changed_message(change: reading_list.Change) -> str:
    title = change.article.headline
    if change.saved:
        return _("“%(title)s” is on your reading list.", title=title)
    return _("“%(title)s” is no longer on your reading list.", title=title)
