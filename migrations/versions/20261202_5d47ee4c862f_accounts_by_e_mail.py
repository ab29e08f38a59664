"""Accounts by e-mail: the mail outbox, and on users when the address was confirmed and
when the account was deleted (a deleted account keeps only its id, for the gifts it gave).

Existing accounts start unconfirmed; they can ask for a link from any page.

Revision ID: 5d47ee4c862f
Revises: 5e15a4e452e1
Create Date: 2026-12-02 07:43:33.579758
"""

import sqlalchemy as sa
from alembic import op

import newsroom.core.orm


revision = '5d47ee4c862f'
down_revision = 'd38b9e0e56f8'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outbox_mails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('text_body', sa.Text(), nullable=False),
    sa.Column('html_body', sa.Text(), nullable=False),
    sa.Column('created_at', newsroom.core.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_at', newsroom.core.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claim', sa.String(length=32), nullable=True),
    sa.Column('claimed_until', newsroom.core.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_at', newsroom.core.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('gave_up_at', newsroom.core.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_mails')),
    sa.UniqueConstraint('message_id', name=op.f('uq_outbox_mails_message_id'))
    )
    with op.batch_alter_table('outbox_mails', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_mails_pending', ['sent_at', 'due_at'], unique=False)
        batch_op.create_index('ix_outbox_mails_recipient', ['recipient'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_verified_at', newsroom.core.orm.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('deleted_at', newsroom.core.orm.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('deleted_at')
        batch_op.drop_column('email_verified_at')

    with op.batch_alter_table('outbox_mails', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_mails_recipient')
        batch_op.drop_index('ix_outbox_mails_pending')

    op.drop_table('outbox_mails')