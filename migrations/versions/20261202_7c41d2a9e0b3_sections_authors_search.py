"""Finding articles: section and author slugs, author bios, and the search index tables.

Slugs are filled for the rows that exist (authors whose names fold to the same slug get
-2, -3 ...). The search tables are made empty: fill them once with
`flask --app app newsroom reindex` (importing an article also indexes it).

Revision ID: 7c41d2a9e0b3
Revises: 5e15a4e452e1
Create Date: 2026-12-02 08:10:00
"""

import sqlalchemy as sa
from alembic import op

from newsroom.search.models import create_statements, drop_statements
from newsroom.core.slugs import slugify

revision = "7c41d2a9e0b3"
down_revision = "5e15a4e452e1"
branch_labels = None
depends_on = None

articles = sa.table("articles", sa.column("id"), sa.column("section"), sa.column("section_slug"))
authors = sa.table("authors", sa.column("id"), sa.column("name"), sa.column("slug"))


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("section_slug", sa.String(length=80), nullable=True))
    with op.batch_alter_table("authors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("slug", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("bio", sa.Text(), nullable=False, server_default=""))

    connection = op.get_bind()
    sections = connection.execute(sa.select(articles.c.section).distinct()).scalars().all()
    for section in sections:
        connection.execute(
            articles.update()
            .where(articles.c.section == section)
            .values(section_slug=slugify(section))
        )
    taken: set[str] = set()
    for author_id, name in connection.execute(
        sa.select(authors.c.id, authors.c.name).order_by(authors.c.id)
    ):
        base = candidate = slugify(name)
        n = 1
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        taken.add(candidate)
        connection.execute(
            authors.update().where(authors.c.id == author_id).values(slug=candidate)
        )

    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.alter_column("section_slug", existing_type=sa.String(length=80), nullable=False)
        batch_op.create_index(
            "ix_articles_section_slug_listing",
            ["section_slug", "is_published", "published_at"],
            unique=False,
        )
    with op.batch_alter_table("authors", schema=None) as batch_op:
        batch_op.alter_column("slug", existing_type=sa.String(length=80), nullable=False)
        batch_op.alter_column("bio", existing_type=sa.Text(), server_default=None)
        batch_op.create_unique_constraint(batch_op.f("uq_authors_slug"), ["slug"])

    for statement in create_statements(connection.dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
    with op.batch_alter_table("authors", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_authors_slug"), type_="unique")
        batch_op.drop_column("bio")
        batch_op.drop_column("slug")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index("ix_articles_section_slug_listing")
        batch_op.drop_column("section_slug")
