"""A content version counter, raised by every editorial change so cached pages of older
content are dropped at once on every app server.

Revision ID: a7e3c5d1f920
Revises: 5d47ee4c862f
Create Date: 2026-12-02 13:10:00
"""

import sqlalchemy as sa
from alembic import op


revision = 'a7e3c5d1f920'
down_revision = '5d47ee4c862f'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('content_versions',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_content_versions'))
    )


def downgrade() -> None:
    op.drop_table('content_versions')
