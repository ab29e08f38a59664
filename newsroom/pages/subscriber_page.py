"""The Digital+ article page served before the app: the frame every subscriber shares, kept
per article and language, filled with the reader's own parts found by one SQL statement.

A WSGI layer in front of Flask. It answers a GET of an article's own address (nothing
added) from a logged-in reader, read from Flask's own session cookie through the app's
session interface, when everything the page needs is kept already: the frame, each part
in the state the statement found, the reader's CSRF token, the reader's picks. Anything
else goes to the app, which renders the page and keeps what the next request needs.

The database stays the authority: the statement checks the account, the session version
and Digital+ on every request, so a lapse, a log-out everywhere or a deleted account takes
effect on the very next one. A first read of the day is written after the page has gone.
"""

import json
import logging
import time
from dataclasses import dataclass

from flask import Flask
from itsdangerous import BadSignature
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from werkzeug.http import parse_cookie

from newsroom.accounts.operations import parse_session_id
from newsroom.accounts.session import SESSION_USER
from newsroom.core import clock
from newsroom.delivery.frames import fill, reader_token
from newsroom.delivery.keeper import PageKeeper
from newsroom.delivery.page_cache import host_refused, prefers_json
from newsroom.delivery.store import ByteBoundStore
from newsroom.gifting.allowance import Policy
from newsroom.gifting.dialog import subscriber_state
from newsroom.gifting.policy import policy_of
from newsroom.pages import article_page as keys
from newsroom.pages.reader_parts import ReaderParts, read_parts
from newsroom.reading import history
from newsroom.reading.recommendations import recommend
from newsroom.reading.sidebars import most_read_key, picks_key
from newsroom.web.i18n import choose_locale, date_locale
from newsroom.web.logs import access_log

log = logging.getLogger("newsroom.articles")
PREFIX = "/articles/"
SESSIONS_KEPT_BYTES = 2 * 1024 * 1024  # some thousands of readers' cookies, each verified once


@dataclass(frozen=True)
class FramePage:
    """What the app's own answer with a frame showed beyond the frame: its headers and the
    facts of the article the gift dialog depends on."""

    headers: tuple[tuple[str, str], ...]
    article_id: int
    locked: bool
    giftable: bool
    version: int  # the content version it was made from


class NotKept(Exception):
    """Something the page needs is not kept: the app answers."""


class SubscriberPages:
    def __init__(self, app: Flask, inner, keeper: PageKeeper) -> None:
        self.app = app
        self.inner = inner
        self.keeper = keeper
        self._policy: Policy | None = None
        self.sessions = ByteBoundStore(SESSIONS_KEPT_BYTES)  # verified cookies, by value

    @property
    def policy(self) -> Policy:
        if self._policy is None:
            self._policy = policy_of(self.app.config)
        return self._policy

    def session_of(self, environ: dict) -> tuple[dict, dict] | None:
        """The request's cookies and its decoded session, when this layer may answer it."""
        config = self.app.config
        if environ.get("REQUEST_METHOD") != "GET" or environ.get("QUERY_STRING"):
            return None
        if config["PAGE_CACHE_SECONDS"] <= 0 or not environ.get("HTTP_COOKIE"):
            return None
        slug = environ.get("PATH_INFO", "")[len(PREFIX) :]
        if not environ.get("PATH_INFO", "").startswith(PREFIX) or not slug or "/" in slug:
            return None
        if prefers_json(environ.get("HTTP_ACCEPT", "")) or host_refused(config, environ):
            return None
        cookies = parse_cookie(environ)
        data = self.session_data(cookies.get(config["SESSION_COOKIE_NAME"]))
        if not isinstance(data, dict) or "_flashes" in data:
            return None  # a message waits: the app shows it
        return cookies, data

    def session_data(self, cookie: str | None):
        """Flask's session from its signed cookie, read with the app's session interface. The
        same bytes always verify the same way, so each cookie is verified once and kept; the
        signature's age is checked on every request."""
        if not cookie:
            return None
        max_age = int(self.app.permanent_session_lifetime.total_seconds())
        found = self.sessions.get(cookie)
        if found is None:
            serializer = self.app.session_interface.get_signing_serializer(self.app)
            if serializer is None:
                return None
            try:
                data, signed = serializer.loads(cookie, max_age=max_age, return_timestamp=True)
            except BadSignature:
                return None
            found = (data, signed.timestamp())
            self.sessions.put(cookie, found, len(cookie))
        data, signed_at = found
        return data if time.time() - signed_at <= max_age else None

    def __call__(self, environ: dict, start_response):
        found = self.session_of(environ)
        if found is None:
            return self.inner(environ, start_response)
        try:
            return self.serve(environ, start_response, *found)
        except NotKept:
            return self.through_app(environ, start_response)

    def serve(self, environ: dict, start_response, cookies: dict, data: dict):
        started = time.perf_counter()
        config = self.app.config
        signed_in = parse_session_id(data.get(SESSION_USER))
        secret = data.get(config["WTF_CSRF_FIELD_NAME"])
        if signed_in is None or not isinstance(secret, str):
            raise NotKept  # making a CSRF secret changes the session: the app does that
        user_id, session_version = signed_in
        slug = environ["PATH_INFO"][len(PREFIX) :]
        accept_language = environ.get("HTTP_ACCEPT_LANGUAGE", "")
        language = choose_locale(
            cookies.get("lang"),
            accept_language,
            tuple(config["LANGUAGES"]),
            config["BABEL_DEFAULT_LOCALE"],
        )
        locale = (language, date_locale(language, accept_language))
        frame_key = keys.frame_key(slug, locale)
        # Nothing is known about the version before the statement: any kept frame will do
        # to learn the article's id, and the version then picks the frame to serve.
        page = self.keeper.frames.get(("page", *frame_key))
        if page is None:
            raise NotKept
        now = clock.now()
        parts = self.read(user_id, page.article_id, now)
        if not parts.holds_session(session_version) or not parts.digital_plus:
            raise NotKept  # the app answers a lapsed, logged-out or deleted reader
        version = parts.content_version
        frame = self.keeper.frames.get(("frame", *frame_key, version))
        if frame is None or page.version != version:
            raise NotKept
        own = self.parts(slug, locale, page, parts, user_id, now)
        # Only now, for a reader the page is for: a missing token costs a request context.
        token = self.keeper.tokens.get(("csrf", secret)) or self.new_token(environ)
        body = fill(frame, token, [fill(part, token) for part in own]).encode()
        headers = [*page.headers, ("Content-Length", str(len(body)))]
        start_response("200 OK", headers)
        access_log.info(
            json.dumps(
                {
                    "method": "GET",
                    "path": environ["PATH_INFO"],
                    "endpoint": "articles.show",
                    "kept": "digital_plus",
                    "status": 200,
                    "ms": round((time.perf_counter() - started) * 1000, 2),
                    "user": str(user_id),
                }
            )
        )
        today = clock.local_date(now, config["TIMEZONE"])
        if parts.reading.due(today):
            return Afterwards(
                body, lambda: self.remember_read(user_id, page.article_id, now, parts)
            )
        return [body]

    def new_token(self, environ: dict) -> str:
        """Flask-WTF's token for a session that has its secret already (nothing in the session
        changes), made in a request context of the app's own, then remembered."""
        with self.app.request_context(dict(environ)):
            return reader_token()

    def read(self, user_id: int, article_id: int, now) -> ReaderParts:
        try:
            connection = self.keeper.connection()
            if connection is None:
                raise NotKept
            parts = read_parts(connection, user_id, article_id, now, self.policy)
        except SQLAlchemyError:
            self.keeper.drop_connection()
            raise NotKept from None  # the app answers, with its own error page if need be
        if parts is None:
            raise NotKept
        return parts

    def parts(self, slug, locale, page: FramePage, parts: ReaderParts, user_id, now) -> list:
        """The reader's own parts, kept under the keys the app filed them under."""
        version = parts.content_version
        if not page.locked:
            gift_key = keys.gift_part_key(slug, locale, "free", None, parts.verified)
        elif not page.giftable:
            gift_key = keys.gift_part_key(slug, locale, "not_giftable", None, parts.verified)
        else:
            allowance = parts.allowance(now, self.policy)
            state = subscriber_state(parts.given, allowance)
            gift_key = keys.gift_part_key(slug, locale, state, allowance, parts.verified)
        banner_key = keys.banner_part_key(locale, parts.verified, user_id, parts.email)
        picks = recommend(
            None,
            user_id,
            now,
            lambda: self.recall(most_read_key(now, self.app.config["TIMEZONE"])),
            page.article_id,
            picks=lambda: self.recall(picks_key(user_id)),
        )
        found = [
            gift_key and self.keeper.frames.get(("part", *gift_key, version)),
            self.keeper.frames.get(
                ("part", *keys.reading_list_part_key(slug, locale, parts.reading.saved), version)
            ),
            self.keeper.frames.get(("part", *keys.sidebar_part_key(picks, locale), version)),
            self.keeper.frames.get(("part", *banner_key, version)),
            self.keeper.frames.get(
                ("part", *keys.jobs_part_key(self.recall("top-jobs"), locale), version)
            ),
        ]
        if any(part is None for part in found):
            raise NotKept
        return found

    def recall(self, key: str):
        """A sidebar list the app keeps (web/cache.py), while it is fresh."""
        entry = self.keeper.store.get(key)
        if entry is None or entry[0] <= time.monotonic():
            raise NotKept
        return entry[1]

    def remember_read(self, user_id: int, article_id: int, now, parts: ReaderParts) -> None:
        """Written after the page has gone; a failure costs the reader nothing."""
        with Session(self.keeper.engine) as session:
            try:
                tz = self.app.config["TIMEZONE"]
                if history.record_read(session, user_id, article_id, now, tz, parts.reading):
                    session.commit()
            except SQLAlchemyError:
                session.rollback()
                log.warning("could not record a read of article %s", article_id)

    def through_app(self, environ: dict, start_response):
        """The app's answer; one made from a frame leaves its headers for the next reader."""
        answered: list = []

        def capture(status: str, headers: list, exc_info=None):
            answered[:] = [status, headers, exc_info]
            return start_response(status, headers, exc_info)

        body = self.inner(environ, capture)
        made = environ.get(keys.FRAME_PAGE)
        if made is not None and answered and answered[0].startswith("200 ") and not answered[2]:
            frame_key, article, version = made
            kept = tuple(
                (name, value)
                for name, value in answered[1]
                if name.lower() not in ("set-cookie", "content-length")
            )
            page = FramePage(kept, article.id, article.locked, article.giftable, version)
            size = sum(len(name) + len(value) for name, value in kept)
            self.keeper.frames.put(("page", *frame_key), page, size)
        return body


class Afterwards:
    """A body whose close() (called by the server once the page has been sent) does `then`."""

    def __init__(self, body: bytes, then) -> None:
        self.body = body
        self.then = then

    def __iter__(self):
        yield self.body

    def close(self) -> None:
        self.then()


def init_app(app: Flask, keeper: PageKeeper) -> None:
    app.wsgi_app = SubscriberPages(app, app.wsgi_app, keeper)
