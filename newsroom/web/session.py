"""The session cookie: Flask's signed cookie, cheaper to sign and never on a shared page."""

from flask import Flask, Response
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from itsdangerous import Serializer, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode


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
