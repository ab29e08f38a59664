"""Health checks for the load balancer and the orchestrator: up, and ready for traffic."""

from flask import Blueprint
from sqlalchemy.exc import DBAPIError

from newsroom import database
from newsroom.extensions import db

bp = Blueprint("health", __name__)


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
