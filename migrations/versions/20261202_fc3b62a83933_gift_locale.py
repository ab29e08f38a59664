"""The giver's language on each gift, so mails that reach the giver about it later (a
recipient asking for a new link) are in the language they gave it in. Gifts made before
this revision have none and get the site's default language.

Revision ID: fc3b62a83933
Revises: a7e3c5d1f920
Create Date: 2026-12-02 13:53:46.004818
"""

import sqlalchemy as sa
from alembic import op

revision = "fc3b62a83933"
down_revision = "a7e3c5d1f920"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("gifts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("gifts", schema=None) as batch_op:
        batch_op.drop_column("locale")
