"""The migrations build the schema the models describe, from an empty database, and undo it.

On PostgreSQL each test creates its own database: the session fixture has already made the
test database's tables with create_all, which would hide a missing migration.
"""

import secrets
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, make_url

from newsroom.extensions import db
from newsroom.models import is_search_table
from newsroom.search.models import compared_by_migrations
from tests.conftest import POSTGRES_URL, make_test_app


@pytest.fixture
def empty_database_url(tmp_path) -> Iterator[str]:
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    name = f"newsroom_migrations_{secrets.token_hex(4)}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def migrated_app(empty_database_url):
    app = make_test_app(empty_database_url)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def flask_db(app, *args: str):
    result = app.test_cli_runner().invoke(args=["db", *args])
    assert result.exit_code == 0, result.output
    return result


def tables(app) -> set[str]:
    """The tables the metadata describes; the search tables (one design per database, made
    by their own DDL) are checked in tests/search/test_search_index.py."""
    with app.app_context():
        return {t for t in inspect(db.engine).get_table_names() if not is_search_table(t)}


def test_migrations_upgrade_creates_every_table(migrated_app):
    flask_db(migrated_app, "upgrade")
    expected = {table.name for table in db.metadata.sorted_tables}
    assert tables(migrated_app) == expected | {"alembic_version"}


def test_migrations_match_the_models(migrated_app):
    flask_db(migrated_app, "upgrade")
    with migrated_app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": compared_by_migrations}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_downgrade_to_base_removes_every_table(migrated_app):
    flask_db(migrated_app, "upgrade")
    flask_db(migrated_app, "downgrade", "base")
    assert tables(migrated_app) == {"alembic_version"}


def test_migrations_upgrade_again_after_downgrade(migrated_app):
    flask_db(migrated_app, "upgrade")
    flask_db(migrated_app, "downgrade", "base")
    flask_db(migrated_app, "upgrade")
    assert "articles" in tables(migrated_app)
