"""A request for a new gift link may carry the asker's address (until the new link is mailed
to it), their language and their account.

Revision ID: a7c3e91d04b2
Revises: e2a9c4b7d615
Create Date: 2026-12-06 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "a7c3e91d04b2"
down_revision = "a7d3e5c91b04"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("gift_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("locale", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("asker_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_gift_requests_asker_id_users"),
            "users",
            ["asker_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("gift_requests", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_gift_requests_asker_id_users"), type_="foreignkey")
        batch_op.drop_column("asker_id")
        batch_op.drop_column("locale")
        batch_op.drop_column("email")
