"""The desk's order of sections, and the old addresses of articles whose slug changed.

Revision ID: a7d3e5c91b04
Revises: e2a9c4b7d615
Create Date: 2026-12-06 12:00:00
"""

import sqlalchemy as sa
from alembic import op

import newsroom.core.orm

revision = "a7d3e5c91b04"
down_revision = "e2a9c4b7d615"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sections")),
        sa.UniqueConstraint("name", name=op.f("uq_sections_name")),
        sa.UniqueConstraint("slug", name=op.f("uq_sections_slug")),
    )
    op.create_table(
        "old_slugs",
        sa.Column("slug", sa.String(length=160), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("created_at", newsroom.core.orm.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_old_slugs_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("slug", name=op.f("pk_old_slugs")),
    )
    op.create_index(op.f("ix_old_slugs_article_id"), "old_slugs", ["article_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_old_slugs_article_id"), table_name="old_slugs")
    op.drop_table("old_slugs")
    op.drop_table("sections")
