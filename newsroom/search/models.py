"""Full-text search storage: one design per database, made together with the articles table.

Each article has two indexed texts: its public part (headline, lead, first paragraph; the
whole body when the article is free) and its whole body.

- SQLite: two FTS5 tables, `article_search_public` and `article_search_full`, whose rowid is
  the article id. Their text is already stemmed (Snowball, in the article's language) by
  `services/search_index.py`; FTS5's unicode61 tokenizer splits it into words.
- PostgreSQL: `article_search`, one row per article with two `tsvector` columns, each with a
  GIN index, built by `to_tsvector` with the article's language configuration.

They are not ORM models, because their column types exist on one database only. The same DDL
runs from `create_all` (through the events below) and from the migration that added search;
the migration comparison leaves these tables out (`compared_by_migrations`, used by
`migrations/env.py` and `tests/test_migrations.py`).
"""

from sqlalchemy import event
from sqlalchemy.engine import Connection

from newsroom.articles.models import Article

POSTGRES_TABLE = "article_search"
SQLITE_PUBLIC = "article_search_public"
SQLITE_FULL = "article_search_full"

SQLITE_DDL = [
    f"CREATE VIRTUAL TABLE {name} USING fts5("
    "headline, body, tokenize = 'unicode61 remove_diacritics 0')"
    for name in (SQLITE_PUBLIC, SQLITE_FULL)
]
SQLITE_DROP = [f"DROP TABLE IF EXISTS {name}" for name in (SQLITE_PUBLIC, SQLITE_FULL)]

POSTGRES_DDL = [
    f"""CREATE TABLE {POSTGRES_TABLE} (
        article_id INTEGER NOT NULL,
        public_vector TSVECTOR NOT NULL,
        full_vector TSVECTOR NOT NULL,
        CONSTRAINT pk_{POSTGRES_TABLE} PRIMARY KEY (article_id),
        CONSTRAINT fk_{POSTGRES_TABLE}_article_id_articles FOREIGN KEY (article_id)
            REFERENCES articles (id) ON DELETE CASCADE
    )""",
    f"CREATE INDEX ix_{POSTGRES_TABLE}_public_vector ON {POSTGRES_TABLE} USING gin (public_vector)",
    f"CREATE INDEX ix_{POSTGRES_TABLE}_full_vector ON {POSTGRES_TABLE} USING gin (full_vector)",
]
POSTGRES_DROP = [f"DROP TABLE IF EXISTS {POSTGRES_TABLE}"]


def create_statements(dialect: str) -> list[str]:
    return {"sqlite": SQLITE_DDL, "postgresql": POSTGRES_DDL}.get(dialect, [])


def drop_statements(dialect: str) -> list[str]:
    return {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(dialect, [])


def is_search_table(name: str) -> bool:
    """The search tables and FTS5's own shadow tables (`article_search_full_data`, ...)."""
    return name == POSTGRES_TABLE or name.startswith(POSTGRES_TABLE + "_")


def compared_by_migrations(name: str | None, type_: str, _parent_names=None) -> bool:
    """Alembic's `include_name` hook: autogenerate must neither offer to drop the search
    tables nor look into them."""
    return not (type_ == "table" and name is not None and is_search_table(name))


@event.listens_for(Article.__table__, "after_create")
def _create_search_tables(_table, connection: Connection, **_kw) -> None:
    for statement in create_statements(connection.dialect.name):
        connection.exec_driver_sql(statement)


@event.listens_for(Article.__table__, "before_drop")
def _drop_search_tables(_table, connection: Connection, **_kw) -> None:
    for statement in drop_statements(connection.dialect.name):
        connection.exec_driver_sql(statement)
