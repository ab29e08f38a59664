"""Flask-Login wiring: who is asking, loaded with their Digital+ status in one query."""

from flask import Flask, Response, flash, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin, login_user
from itsdangerous import Serializer, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode

from newsroom.accounts import operations
from newsroom.extensions import db, login_manager
from newsroom.web.errors import error_response
from newsroom.web.helpers import request_now, wants_json


class SmallPayloadSerializer(URLSafeTimedSerializer):
    """itsdangerous' URL-safe serializer, without trying zlib on payloads too small to gain
    from it (a session with a CSRF secret, a CSRF token): the same tokens, which any
    URLSafeTimedSerializer reads, at a fraction of the cost per request."""

    def dump_payload(self, obj) -> bytes:
        payload = Serializer.dump_payload(self, obj)
        if len(payload) > SMALL_PAYLOAD:
            return super().dump_payload(obj)
        return base64_encode(payload)


SMALL_PAYLOAD = 200


class CacheSafeSessionInterface(SecureCookieSessionInterface):
    """A response shared caches may keep (`Cache-Control: public`) carries no cookie at all:
    a cache would hand one reader's session to everyone after them. Saving the session is
    the last step of a response, after every after_request hook, so nothing slips past."""

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Made once per set of keys, not on every request."""
        if not app.secret_key:
            return None
        keys = (*app.config["SECRET_KEY_FALLBACKS"], app.secret_key)  # current key last
        made = self.__dict__.get("_serializer")
        if made is None or made[0] != keys:
            serializer = SmallPayloadSerializer(
                list(keys),
                salt=self.salt,
                serializer=self.serializer,
                signer_kwargs={
                    "key_derivation": self.key_derivation,
                    "digest_method": self.digest_method,
                },
            )
            made = self._serializer = (keys, serializer)
        return made[1]

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if "public" in response.headers.get("Cache-Control", "") and response.cache_control.public:
            del response.headers["Set-Cookie"]
            return
        super().save_session(app, session, response)


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
