"""Flask-Login wiring: who is asking, loaded with their Digital+ status in one query."""

from flask import flash, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin, login_user

from newsroom.accounts import operations
from newsroom.extensions import db, login_manager
from newsroom.web.errors import error_response
from newsroom.web.helpers import request_now, wants_json

# Where Flask-Login keeps the logged-in reader's id ("<id>:<session version>") in the session:
# the Digital+ page served before the app reads it there (pages/subscriber_page.py).
SESSION_USER = "_user_id"


def start_session(user) -> None:
    """Log in with a new session: nothing from before (the CSRF secret, flashed messages,
    anything planted in the cookie) carries over."""
    session.clear()
    login_user(user, remember=True)


class Anonymous(AnonymousUserMixin):
    has_digital_plus = False
    id = None


def init_login_manager() -> None:
    login_manager.anonymous_user = Anonymous
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(raw_id: str):
        return operations.load_session_user(db.session, raw_id, request_now())

    @login_manager.unauthorized_handler
    def unauthorized():
        if wants_json():
            return error_response("login_required", str(_l("Log in to continue.")), 401)
        flash(_l("Log in to continue."), "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
