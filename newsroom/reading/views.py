"""The reading list page and its add/remove actions. JSON and HTML come from the same handlers.

The list page answers a reader without Digital+ with the offer; the add/remove actions
(their own blueprint, nested in the list's) answer it, and a database fault, in their own
way: a JSON refusal or a redirect to the offer, and a 503 naming the change that failed."""

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
from newsroom.reading import messages, reading_list
from newsroom.web.bodies import body_fields
from newsroom.web.errors import error_response, technical_error
from newsroom.web.helpers import page_number, private, request_now, safe_next, setting, wants_json

bp = Blueprint("reading_list", __name__)
changes = Blueprint("changes", __name__)
log = logging.getLogger("newsroom.reading_list")


@bp.record_once
def _messages_for_templates(state) -> None:
    # A global (not only a context variable) so imported macros see it too.
    state.app.jinja_env.globals["reading_messages"] = messages


def _upsell(status: int, next_url: str) -> Response:
    html = render_template("reading_list/index.html", offer=True, page=None, next_url=next_url)
    return private(html, status)


@bp.get("/reading-list")
@login_required
def index():
    page = reading_list.saved_page(
        db.session,
        current_user.id,
        request_now(),
        page_number(),
        setting("READING_LIST_PER_PAGE"),
    )
    html = render_template("reading_list/index.html", offer=False, page=page, next_url=None)
    return private(html)


@bp.errorhandler(DigitalPlusRequired)
def list_needs_digital_plus(_error: DigitalPlusRequired) -> Response:
    """The list of a reader without Digital+ (kept through a lapse) stays behind the offer."""
    db.session.rollback()
    return _upsell(200, url_for("reading_list.index"))


@bp.get("/reading-list/offer")
def offer():
    """Where a reader without Digital+ lands after pressing "Save" without JavaScript: the
    offer, and the way back to the page they came from (Post/Redirect/Get)."""
    back = safe_next(request.args.get("next")) or url_for("articles.front")
    return _upsell(200, back)


# What adding and removing take, as a form or a JSON object: where to return to.
FIELDS = {"next": str}


@changes.post("/reading-list/<slug>")
def add(slug: str):
    body_fields(**FIELDS)  # a field it does not take is refused before anything changes
    change = reading_list.add(db.session, current_user.id, slug, request_now())
    db.session.commit()
    return _changed(change, adding=True)


@changes.post("/reading-list/<slug>/remove")
def remove(slug: str):
    body_fields(**FIELDS)
    change = reading_list.remove(db.session, current_user.id, slug, request_now())
    db.session.commit()
    return _changed(change, adding=False)


def _back() -> str:
    slug = (request.view_args or {}).get("slug")
    return safe_next(body_fields(**FIELDS).get("next")) or url_for("articles.show", slug=slug)


def _changed(change: reading_list.Change, adding: bool) -> Response:
    """Answer an add or remove as JSON or as a redirect."""
    if wants_json():
        status = 201 if adding and change.changed else 200
        return make_response(jsonify({"saved": change.saved, "slug": change.article.slug}), status)
    flash(_changed_message(change), "success")
    return redirect(_back())


def _changed_message(change: reading_list.Change) -> str:
    title = change.article.headline
    if change.saved:
        return _("“%(title)s” is on your reading list.", title=title)
    return _("“%(title)s” is no longer on your reading list.", title=title)


@changes.errorhandler(DigitalPlusRequired)
def change_needs_digital_plus(_error: DigitalPlusRequired) -> Response:
    """A script is told to log in (401) or to get Digital+ (403); a form goes to the offer."""
    db.session.rollback()
    if wants_json():
        if current_user.is_authenticated:
            return error_response("digital_plus_required", messages.reading_list_upsell(), 403)
        return error_response("login_required", messages.reading_list_upsell(), 401)
    return redirect(url_for("reading_list.offer", next=_back()), 303)


@changes.errorhandler(SQLAlchemyError)
def change_failed(_error: SQLAlchemyError) -> Response:
    db.session.rollback()
    log.exception("reading list change failed; nothing was changed")
    adding = request.endpoint == "reading_list.changes.add"
    return technical_error(messages.reading_list_failed(adding))


bp.register_blueprint(changes)
