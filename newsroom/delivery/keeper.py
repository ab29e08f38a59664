"""What the pages kept for anonymous readers share in one process: the store they are kept
in, the content version they were made from, the placeholder that stands for a reader's
CSRF token while a page is rendered to keep, and the token serializers."""

import math
import os
import secrets
import threading

from flask import Flask, current_app, g
from sqlalchemy import Engine, event
from sqlalchemy.exc import SQLAlchemyError

from newsroom.delivery import content_version
from newsroom.extensions import db
from newsroom.web.i18n import choose_locale, date_locale
from newsroom.web.session import SmallPayloadSerializer

MAX_ADDRESS = 512  # longer addresses (a 10 kB search) are rendered each time
VERSION_KEY = "content-version"
# What an anonymous session may hold and still get a kept page: anything else (a flashed
# message, a logged-in user, a permanent session) goes to the app.
ANONYMOUS_SESSION_KEYS = frozenset({"csrf_token", "_fresh"})
CSRF_SALT = "wtf-csrf-token"  # Flask-WTF's
KEEP = "newsroom.page_cache.keep"  # environ key: what the app asks the layer to keep


class PageKeeper:
    """The kept pages' store, content version, placeholder and serializers for one app."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.marker = "nrtoken" + secrets.token_hex(16)  # nobody can put it in an article
        self.marker_bytes = self.marker.encode()
        self.held: dict = {}  # a connection per (process, thread) for the version
        with app.app_context():
            self.engine: Engine = db.engine
        event.listen(self.engine, "engine_disposed", lambda _engine: self.close())
        self.serializers: dict = {}

    @property
    def store(self) -> dict:
        # The app's in-process cache (web/cache.py): one store, one place to empty.
        return self.app.extensions.setdefault("newsroom.cache", {})

    # -- the content version ---------------------------------------------------------

    def read_version(self) -> int | None:
        """The shared content version, or None when the database cannot say (then nothing
        is served from or put into the cache)."""
        slot = (os.getpid(), threading.get_ident())
        connection = self.held.get(slot)
        try:
            if connection is None:
                connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
                self.held[slot] = connection
            cursor = connection.connection.dbapi_connection.cursor()
            try:
                cursor.execute(content_version.READ_SQL)
                row = cursor.fetchone()
            finally:
                cursor.close()
        except (SQLAlchemyError, self.engine.dialect.loaded_dbapi.Error):
            self.held.pop(slot, None)
            if connection is not None:
                connection.invalidate()
            return None
        return row[0] if row else 0

    def sync_version(self) -> int | None:
        """Read the version; a new one empties this process's cache (pages, article rows,
        sidebars), which were all made from older content."""
        version = self.read_version()
        store = self.store
        seen = store.get(VERSION_KEY)
        if version is None or seen is None or seen[1] != version:
            store.clear()
            if version is not None:
                store[VERSION_KEY] = (math.inf, version)
        return version

    def close(self) -> None:
        for slot, connection in list(self.held.items()):
            self.held.pop(slot, None)
            if slot[0] == os.getpid():
                connection.invalidate()  # closes the database connection itself
                connection.close()

    # -- tokens ----------------------------------------------------------------------

    def serializer(self, secret, salt: str, **kwargs) -> SmallPayloadSerializer:
        key = (secret if isinstance(secret, str | bytes) else tuple(secret), salt)
        made = self.serializers.get(key)
        if made is None:
            made = self.serializers[key] = SmallPayloadSerializer(secret, salt=salt, **kwargs)
        return made

    def csrf_serializer(self) -> SmallPayloadSerializer:
        secret = self.app.config.get("WTF_CSRF_SECRET_KEY") or self.app.secret_key
        return self.serializer(secret, CSRF_SALT)

    # -- keys ------------------------------------------------------------------------

    def key_for(self, path: str, query: str, chosen: str | None, accept_language: str):
        config = self.app.config
        locale = choose_locale(
            chosen,
            accept_language,
            tuple(config["LANGUAGES"]),
            config["BABEL_DEFAULT_LOCALE"],
        )
        return (path, query, locale, date_locale(locale, accept_language))


def keeper() -> PageKeeper:
    return current_app.extensions["newsroom.page_cache"]


def sync_content_version() -> int | None:
    """The content version for this request, read once (see PageKeeper.sync_version)."""
    if "content_version" not in g:
        g.content_version = keeper().sync_version()
    return g.content_version
