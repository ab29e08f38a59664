"""What the kept pages and frames share in one process: the content version they were made
from, the store of whole public responses, the store of Digital+ frames and their parts,
and the placeholder that stands for a reader's CSRF token while a frame is rendered to keep."""

import math
import os
import secrets
import threading

from flask import Flask, current_app, g
from sqlalchemy import Connection, Engine, event
from sqlalchemy.exc import SQLAlchemyError

from newsroom import database
from newsroom.delivery import content_version
from newsroom.delivery.store import ByteBoundStore
from newsroom.extensions import db

VERSION_KEY = "content-version"


class PageKeeper:
    """The content version, the kept responses and the frames' placeholder for one app."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.marker = "nrtoken" + secrets.token_hex(16)  # nobody can put it in an article
        self.held: dict = {}  # a connection per (process, thread) for the version
        # Each store has its own bound: frames for many articles never push out the pages.
        self.pages = ByteBoundStore(int(app.config["PAGE_CACHE_BYTES"]))
        self.frames = ByteBoundStore(int(app.config["PAGE_CACHE_BYTES"]))
        # A reader's CSRF token by their session's secret (kept across content versions).
        self.tokens = ByteBoundStore(int(app.config["PAGE_CACHE_BYTES"]) // 16)
        with app.app_context():
            self.engine: Engine = db.engine
        event.listen(self.engine, "engine_disposed", lambda _engine: self.close())

    @property
    def store(self) -> dict:
        # The app's in-process cache (web/cache.py): article rows, sidebars, a reader's picks.
        return self.app.extensions.setdefault("newsroom.cache", {})

    def connection(self) -> Connection | None:
        """This thread's own connection for the reads made before the app (autocommit: no
        transaction stays open between requests); None when a SQLite file is missing (a
        request never creates it)."""
        slot = (os.getpid(), threading.get_ident())
        connection = self.held.get(slot)
        if connection is None:
            if database.missing_sqlite_file(self.engine):
                return None
            connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            self.held[slot] = connection
        return connection

    def drop_connection(self) -> None:
        """After a failure: the next request connects afresh."""
        connection = self.held.pop((os.getpid(), threading.get_ident()), None)
        if connection is not None:
            connection.invalidate()

    def read_version(self) -> int | None:
        """The shared content version, or None when the database cannot say (then nothing
        is served from or put into a store)."""
        try:
            connection = self.connection()
            if connection is None:
                return None
            cursor = connection.connection.dbapi_connection.cursor()
            try:
                cursor.execute(content_version.READ_SQL)
                row = cursor.fetchone()
            finally:
                cursor.close()
        except (SQLAlchemyError, self.engine.dialect.loaded_dbapi.Error):
            self.drop_connection()
            return None
        return row[0] if row else 0

    def sync_version(self) -> int | None:
        """Read the version; a new one empties this process's stores (responses, frames,
        article rows, sidebars), which were all made from older content."""
        version = self.read_version()
        store = self.store
        seen = store.get(VERSION_KEY)
        if version is None or seen is None or seen[1] != version:
            store.clear()
            self.pages.clear()
            self.frames.clear()
            if version is not None:
                store[VERSION_KEY] = (math.inf, version)
        return version

    def close(self) -> None:
        for slot, connection in list(self.held.items()):
            self.held.pop(slot, None)
            if slot[0] == os.getpid():
                connection.invalidate()  # closes the database connection itself
                connection.close()


def keeper() -> PageKeeper:
    return current_app.extensions["newsroom.page_cache"]


def sync_content_version() -> int | None:
    """The content version for this request, read once (see PageKeeper.sync_version)."""
    if "content_version" not in g:
        g.content_version = keeper().sync_version()
    return g.content_version
