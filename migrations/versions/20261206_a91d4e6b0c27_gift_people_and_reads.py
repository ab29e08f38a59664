"""Gifts the giver can shape, and what people did with them: a limit on how many people a
link opens for, a shorter life chosen by the giver, and when a recipient's page saw the end
of the article. Gifts made before this revision have neither limit nor a life of their own.

Revision ID: a91d4e6b0c27
Revises: e2a9c4b7d615
Create Date: 2026-12-06 14:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

import newsroom.core.orm

revision = "a91d4e6b0c27"
down_revision = "a7c3e91d04b2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("gifts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("people_limit", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("link_days", sa.Integer(), nullable=True))
    with op.batch_alter_table("gift_opens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("read_at", newsroom.core.orm.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("gift_opens", schema=None) as batch_op:
        batch_op.drop_column("read_at")
    with op.batch_alter_table("gifts", schema=None) as batch_op:
        batch_op.drop_column("link_days")
        batch_op.drop_column("people_limit")
