"""Old addresses of renamed sections.

Revision ID: c4e8a1f27d93
Revises: a91d4e6b0c27
Create Date: 2026-12-06 13:00:00
"""

import sqlalchemy as sa
from alembic import op

import newsroom.core.orm

revision = "c4e8a1f27d93"
down_revision = "a91d4e6b0c27"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "old_section_slugs",
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("created_at", newsroom.core.orm.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["sections.id"],
            name=op.f("fk_old_section_slugs_section_id_sections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("slug", name=op.f("pk_old_section_slugs")),
    )
    op.create_index(
        op.f("ix_old_section_slugs_section_id"), "old_section_slugs", ["section_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_old_section_slugs_section_id"), table_name="old_section_slugs")
    op.drop_table("old_section_slugs")
