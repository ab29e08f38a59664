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

from newsroom.api.errors import error_response
from newsroom.extensions import db
from newsroom.services import reading_list
from newsroom.services.errors import DigitalPlusRequired, NotFound
from newsroom.views.articles import page_number
from newsroom.web.errors import RETRY_AFTER_SECONDS, error_page
from newsroom.web.helpers import private, request_now, safe_next, setting, wants_json

bp = Blueprint("reading_list", __name__)
log = logging.getLogger("newsroom.reading_list")


def upsell_message() -> str:
    return _(
        "This feature requires Digital+: with a Digital+ subscription you can make your own "
        "reading list and read the articles when it suits you"
    )


def _upsell(status: int, next_url: str) -> Response:
    html = render_template("reading_list/index.html", upsell=True, page=None, next_url=next_url)
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
    html = render_template("reading_list/index.html", upsell=False, page=page, next_url=None)
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
    if not current_user.is_authenticated:
        if wants_json():
            return error_response("login_required", upsell_message())
        return redirect(url_for("reading_list.offer", next=back), 303)
    try:
        change = action(
            db.session, current_user.id, current_user.has_digital_plus, slug, request_now()
        )
        db.session.commit()
    except DigitalPlusRequired:
        db.session.rollback()
        if wants_json():
            return error_response("digital_plus_required", upsell_message())
        return redirect(url_for("reading_list.offer", next=back), 303)
    except NotFound:
        db.session.rollback()
        return error_page("not_found", _("Page not found"), _("This article does not exist."), 404)
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("reading list change failed; nothing was changed")
        if adding:
            message = _(
                "The article could not be added to the reading list because of a technical "
                "error. Try again later."
            )
        else:
            message = _(
                "The article could not be removed from the reading list because of a "
                "technical error. Try again later."
            )
        response = error_page("technical_error", _("Technical error"), message, 503)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    if wants_json():
        status = 201 if adding and change.changed else 200
        return make_response(jsonify({"saved": change.saved, "slug": change.article.slug}), status)
    if change.saved:
        flash(_("“%(title)s” is on your reading list.", title=change.article.headline), "success")
    else:
        flash(
            _("“%(title)s” is no longer on your reading list.", title=change.article.headline),
            "success",
        )
    return redirect(back)
