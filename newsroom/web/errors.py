"""Error pages and JSON errors. A failure rolls back, so nothing half-done is kept.

Every JSON error has one shape: {"error": code, "message": text}."""

import logging
import time

from flask import Flask, Response, g, jsonify, make_response, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from newsroom.core.errors import DomainError, NotFound
from newsroom.extensions import db, limiter, login_manager
from newsroom.web.bodies import InvalidBody
from newsroom.web.helpers import wants_json

log = logging.getLogger("newsroom.errors")
RETRY_AFTER_SECONDS = 5


def error_response(code: str, message: str, status: int, **extra) -> Response:
    response = jsonify({"error": code, "message": message, **extra})
    response.status_code = status
    return response


def error_page(
    code: str,
    title: str,
    message: str,
    status: int,
    template: str = "errors/error.html",
    **context,
) -> Response:
    """A failure as the JSON error shape or as a page in the site's look, as the client asked;
    `context` goes to the page's template only."""
    if wants_json():
        return error_response(code, message, status)
    html = render_template(template, title=title, message=message, status=status, **context)
    return make_response(html, status)


def technical_error(message: str, template: str = "errors/error.html") -> Response:
    """A fault outside the reader's control: nothing was changed, and the client may retry."""
    return retry_later(error_page("technical_error", _("Technical error"), message, 503, template))


def retry_later(response: Response) -> Response:
    """Tell clients and crawlers when a 503 is worth trying again."""
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def database_unavailable(error: OperationalError) -> Response:
    """The site's answer to a database fault: rolled back, the 503 technical page. A
    blueprint that answers some faults in its own words hands it the others."""
    _rollback()
    # The driver's first line says which fault (lock, refused, lost); never the statement.
    detail = str(error.orig).strip().splitlines()[0][:200] if str(error.orig).strip() else ""
    log.warning("database unavailable: %s: %s", type(error.orig).__name__, detail)
    # Render as anonymous: loading the user would need the database that just failed.
    g._login_user = login_manager.anonymous_user()
    return technical_error(
        _("We could not reach our database. Nothing was changed. Try again in a moment."),
        "errors/500.html",
    )


def _rollback() -> None:
    try:
        db.session.rollback()
    except DBAPIError:  # the connection itself is gone; the pool replaces it
        log.warning("rollback failed after a database error")


def init_app(app: Flask) -> None:
    @app.errorhandler(404)
    def not_found(_error):
        return error_page(
            "not_found",
            _("Page not found"),
            _("We could not find that page. It may have moved, or the address may be wrong."),
            404,
            "errors/404.html",
        )

    @app.errorhandler(405)
    def method_not_allowed(_error):
        return error_page(
            "method_not_allowed",
            _("Not allowed"),
            _("That action is not available at this address."),
            405,
        )

    @app.errorhandler(CSRFError)
    def csrf_failed(_error):
        return error_page(
            "csrf_failed",
            _("The form has expired"),
            _("For your security the form could not be sent. Reload the page and try again."),
            400,
        )

    @app.errorhandler(429)
    def rate_limited(_error):
        response = error_page(
            "rate_limited",
            _("Too many attempts"),
            _("You have tried that too many times. Wait a minute and try again."),
            429,
        )
        if (limit := limiter.current_limit) is not None:
            response.headers["Retry-After"] = str(max(1, int(limit.reset_at - time.time())))
        return response

    app.register_error_handler(OperationalError, database_unavailable)

    @app.errorhandler(InvalidBody)
    def body_refused(error: InvalidBody):
        """A body with fields the endpoint does not take: nothing was done; the message
        names the field."""
        _rollback()
        return error_page(error.code, _("The request could not be read"), error.message, 400)

    @app.errorhandler(DomainError)
    def domain_refused(error: DomainError):
        """A refusal no view answers in its own way: rolled back, with its status."""
        _rollback()
        if isinstance(error, NotFound):
            return not_found(error)
        message = _("That could not be done, and nothing was changed.")
        return error_page(error.code, _("Not allowed"), message, error.status)

    @app.errorhandler(InternalServerError)
    def internal_error(_error):
        _rollback()
        return error_page(
            "internal_error",
            _("Technical error"),
            _("Something went wrong on our side. Nothing was changed. Try again later."),
            500,
            "errors/500.html",
        )

    @app.errorhandler(SecurityError)
    def untrusted_host(_error):
        # A Host outside TRUSTED_HOSTS leaves no URL adapter, so no page with links can render.
        message = _("This site does not answer to that host name.")
        if wants_json():
            return error_response("invalid", message, 400)
        return Response(message, 400, mimetype="text/plain")

    @app.errorhandler(HTTPException)
    def other_http_error(error: HTTPException):
        return error_page(
            "invalid" if error.code == 400 else "error",
            error.name,
            error.description or error.name,
            error.code or 500,
        )
