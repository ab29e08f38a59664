"""Newsroom: a paywalled news-commentary site with article gifting."""

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from newsroom import database, web
from newsroom.accounts.session import init_login_manager
from newsroom.blueprints import BLUEPRINTS
from newsroom.cli import newsroom_cli
from newsroom.config import (
    Config,
    check_production_config,
    environment_overrides,
    mail_settings,
)
from newsroom.delivery import frames, page_cache, public
from newsroom.delivery.app_root import AppRoot, root_of
from newsroom.extensions import babel, csrf, db, limiter, login_manager, mail, migrate
from newsroom.gifting import messages
from newsroom.mail import worker
from newsroom.pages import subscriber_page
from newsroom.web import converters

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, template_folder="../templates")
    app.config.from_object(Config)
    app.config.from_prefixed_env("NEWSROOM")
    app.config.update(environment_overrides())
    if test_config:
        app.config.update(test_config)
    app.config.update(mail_settings(app.config))
    check_production_config(app.config)
    if app.config["ENV"] == "production":
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)

    if proxies := int(app.config["PROXY_COUNT"]):
        # Believe exactly as many X-Forwarded-For/-Proto hops as there are proxies, so rate
        # limits count each client and HTTPS is seen as HTTPS; without it they are ignored.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    register_extensions(app)
    converters.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    web.init_app(app)
    public.init_app(app)
    frames.init_app(app)
    page_cache.init_app(app)
    subscriber_page.init_app(app, app.extensions["newsroom.page_cache"])
    # Outermost: links never take a prefix a request sent (delivery/app_root.py).
    app.wsgi_app = AppRoot(app.wsgi_app, root_of(app.config["SITE_URL"]))
    worker.init_app(app)
    # Templates reach the shared sentences as `messages`, macros included.
    app.jinja_env.globals["messages"] = messages
    app.cli.add_command(newsroom_cli)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            database.configure_engine(engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=web.select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    init_login_manager()
    mail.init_app(app)
