"""Site-wide endpoints: language choice and health checks."""

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from sqlalchemy.exc import DBAPIError

from newsroom import database
from newsroom.extensions import db
from newsroom.web.helpers import safe_next

bp = Blueprint("site", __name__)

ONE_YEAR = 60 * 60 * 24 * 365


@bp.post("/language")
def choose_language():
    response = redirect(safe_next(request.form.get("next")) or url_for("articles.front"))
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie(
            "lang",
            lang,
            max_age=ONE_YEAR,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
        )
    return response


@bp.get("/digital-plus")
def digital_plus():
    """What Digital+ offers; where the paywall's "subscribe" leads."""
    return render_template("digital_plus.html", next_url=safe_next(request.args.get("next")))


@bp.get("/healthz")
def healthz():
    """The process is up and answering."""
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    """The database answers and has the schema, so this instance can take traffic. A missing
    SQLite file is reported, never created."""
    if database.missing_sqlite_file(db.engine):
        return {"status": "unavailable", "database": "missing"}, 503
    try:
        missing = database.missing_tables(db.session, db.metadata)
    except DBAPIError:
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    if missing:
        return {"status": "unavailable", "database": "no schema"}, 503
    return {"status": "ok", "database": "ok"}
