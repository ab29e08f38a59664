"""Gifting beyond the link: plans as rows (Digital+ moved into one), a personal note per
gift, the browsers that opened a gift, what gifts led to, requests for a new link, and
articles editors can keep from being given.

The gift allowance used to be only the GIFTS_PER_MONTH setting; it now belongs to the
subscription's plan. Every existing subscription names the plan "digital_plus", so this
revision adds that plan as a row whose number is left empty: it keeps following
GIFTS_PER_MONTH (default 5), and nothing a subscriber could give changes.

Revision ID: d38b9e0e56f8
Revises: 7c41d2a9e0b3
Create Date: 2026-12-02 07:54:56.450668
"""

import sqlalchemy as sa
from alembic import op

import newsroom.core.orm


revision = 'd38b9e0e56f8'
down_revision = '7c41d2a9e0b3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    plans = op.create_table('plans',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('gifts_per_month', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_plans'))
    )
    op.bulk_insert(plans, [{'code': 'digital_plus', 'name': 'Digital+', 'gifts_per_month': None}])
    op.create_table('gift_opens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('gift_id', sa.Integer(), nullable=False),
    sa.Column('browser_id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', newsroom.core.orm.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['gift_id'], ['gifts.id'], name=op.f('fk_gift_opens_gift_id_gifts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_gift_opens_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gift_opens')),
    sa.UniqueConstraint('gift_id', 'browser_id', name=op.f('uq_gift_opens_gift_id_browser_id'))
    )
    with op.batch_alter_table('gift_opens', schema=None) as batch_op:
        batch_op.create_index('ix_gift_opens_browser_opened', ['browser_id', 'opened_at'], unique=False)
        batch_op.create_index('ix_gift_opens_user_opened', ['user_id', 'opened_at'], unique=False)

    op.create_table('gift_outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('gift_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('created_at', newsroom.core.orm.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['gift_id'], ['gifts.id'], name=op.f('fk_gift_outcomes_gift_id_gifts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_gift_outcomes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gift_outcomes')),
    sa.UniqueConstraint('user_id', 'kind', name=op.f('uq_gift_outcomes_user_id_kind'))
    )
    with op.batch_alter_table('gift_outcomes', schema=None) as batch_op:
        batch_op.create_index('ix_gift_outcomes_gift', ['gift_id'], unique=False)

    op.create_table('gift_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('gift_id', sa.Integer(), nullable=False),
    sa.Column('created_at', newsroom.core.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('answered_at', newsroom.core.orm.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['gift_id'], ['gifts.id'], name=op.f('fk_gift_requests_gift_id_gifts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gift_requests'))
    )
    with op.batch_alter_table('gift_requests', schema=None) as batch_op:
        batch_op.create_index('ix_gift_requests_gift', ['gift_id', 'created_at'], unique=False)

    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('giftable', sa.Boolean(), server_default=sa.true(), nullable=False))

    with op.batch_alter_table('gifts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.String(length=280), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('gifts', schema=None) as batch_op:
        batch_op.drop_column('note')

    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_column('giftable')

    with op.batch_alter_table('gift_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_gift_requests_gift')

    op.drop_table('gift_requests')
    with op.batch_alter_table('gift_outcomes', schema=None) as batch_op:
        batch_op.drop_index('ix_gift_outcomes_gift')

    op.drop_table('gift_outcomes')
    with op.batch_alter_table('gift_opens', schema=None) as batch_op:
        batch_op.drop_index('ix_gift_opens_user_opened')
        batch_op.drop_index('ix_gift_opens_browser_opened')

    op.drop_table('gift_opens')
    op.drop_table('plans')
