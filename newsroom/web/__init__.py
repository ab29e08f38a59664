"""Request-level wiring: locale, sessions, headers, access log, error pages."""

from flask import Flask, current_app, request
from flask_babel import get_locale
from flask_login import current_user

from newsroom.web import errors, headers, health, i18n, logs
from newsroom.web.helpers import site_url
from newsroom.web.session import CacheSafeSessionInterface


def select_locale() -> str:
    """The reader's choice (cookie), else the browser's languages, else the site default."""
    config = current_app.config
    return i18n.choose_locale(
        request.cookies.get("lang"),
        request.headers.get("Accept-Language", ""),
        tuple(config["LANGUAGES"]),
        config["BABEL_DEFAULT_LOCALE"],
    )


def init_app(app: Flask) -> None:
    app.session_interface = CacheSafeSessionInterface()
    headers.init_app(app)
    logs.init_app(app)
    errors.init_app(app)
    i18n.init_app(app)
    app.register_blueprint(health.bp)
    app.jinja_env.globals["site_url"] = site_url
    # A global (not only a context variable) so imported macros see it too.
    app.jinja_env.globals["current_user"] = current_user

    @app.context_processor
    def locale_context() -> dict:
        return {"current_locale": str(get_locale())}
