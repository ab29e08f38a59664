"""What the domain needs from the two databases: SQLite pragmas, a write-locking transaction
start, and an INSERT that takes ON CONFLICT in either dialect."""

import sqlite3
from pathlib import Path

from flask import has_request_context
from sqlalchemy import Engine, Insert, MetaData, event, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, scoped_session

IMMEDIATE = "sqlite_begin_immediate"


def configure_engine(engine: Engine, busy_timeout_ms: int) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself, so a transaction can
        # ask for BEGIN IMMEDIATE (pysqlite would otherwise start it lazily).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "do_connect")
    def _never_create_in_a_request(_dialect, _record, _cargs, _cparams) -> None:
        # SQLite makes a missing file on connect; a request must find the database the
        # operator made (migrations, the demo, the tests), never leave an empty one behind.
        if has_request_context() and missing_sqlite_file(engine):
            raise sqlite3.OperationalError(f"no database file at {engine.url.database}")

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        options = connection.get_execution_options()
        if options.get("isolation_level") == "AUTOCOMMIT":
            return  # each statement on its own: a BEGIN here would hold one snapshot forever
        connection.exec_driver_sql("BEGIN IMMEDIATE" if options.get(IMMEDIATE) else "BEGIN")


def begin_write(session: Session) -> None:
    """Start the transaction for a read-check-write sequence that must not interleave.

    On SQLite the write lock is taken up front (BEGIN IMMEDIATE): concurrent writers
    wait their turn on the busy timeout instead of failing on a stale read snapshot.
    On PostgreSQL this is a no-op; callers lock the rows they depend on.

    This is the one place below the views that commits, and it commits nothing: SQLite can
    only take the write lock at BEGIN, so a read-only transaction already open (pending
    changes are refused above) is ended first. Every real commit stays with the caller.
    """
    if isinstance(session, scoped_session):
        session = session()
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("begin_write() must come before any change in the transaction")
    if session.in_transaction():
        if session.connection().get_execution_options().get(IMMEDIATE):
            return  # this transaction holds the write lock already
        session.commit()  # only ends the read snapshot: nothing is pending
    session.connection(execution_options={IMMEDIATE: True})


def missing_sqlite_file(engine: Engine) -> bool:
    """A file SQLite database that does not exist yet: connecting would create it empty."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return False
    if url.database.startswith("file:"):
        return False  # a URI filename: its own mode= option decides
    return not Path(url.database).exists()


def missing_tables(session: Session, metadata: MetaData) -> set[str]:
    """The tables of the models that the database does not have (one catalogue query)."""
    present = set(inspect(session.connection()).get_table_names())
    return set(metadata.tables) - present


def upsert_insert(session: Session, model: type) -> Insert:
    """An INSERT that can take ON CONFLICT clauses, in the bound database's dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)
