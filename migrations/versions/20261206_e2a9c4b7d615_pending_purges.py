"""Purges a shared cache did not take, kept for the cache worker to send again.

Revision ID: e2a9c4b7d615
Revises: f2230f55ad0f
Create Date: 2026-12-06 10:00:00
"""

import sqlalchemy as sa
from alembic import op

import newsroom.core.orm

revision = "e2a9c4b7d615"
down_revision = "f2230f55ad0f"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_purges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("keys", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", newsroom.core.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", newsroom.core.orm.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_purges")),
    )
    op.create_index("ix_pending_purges_due", "pending_purges", ["next_attempt_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_pending_purges_due", table_name="pending_purges")
    op.drop_table("pending_purges")
