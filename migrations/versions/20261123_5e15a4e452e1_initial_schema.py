"""Initial schema: accounts, Digital+ periods, articles and authors, jobs, gifts,
reading list, reading history and daily read counts.

Revision ID: 5e15a4e452e1
Revises:
Create Date: 2026-11-23 09:39:45.240494
"""

import sqlalchemy as sa
from alembic import op

import newsroom.core.orm


revision = '5e15a4e452e1'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('authors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_authors')),
    sa.UniqueConstraint('name', name=op.f('uq_authors_name'))
    )
    op.create_table('jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('employer', sa.String(length=200), nullable=False),
    sa.Column('location', sa.String(length=120), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('posted_at', newsroom.core.orm.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs')),
    sa.UniqueConstraint('url', name=op.f('uq_jobs_url'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index('ix_jobs_posted_at', ['posted_at'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('created_at', newsroom.core.orm.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('articles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=160), nullable=False),
    sa.Column('section', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('headline', sa.String(length=300), nullable=False),
    sa.Column('lead', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('published_at', newsroom.core.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('locked', sa.Boolean(), nullable=False),
    sa.Column('is_published', sa.Boolean(), nullable=False),
    sa.Column('image', sa.String(length=500), nullable=True),
    sa.Column('teaser_html', sa.Text(), nullable=False),
    sa.Column('rest_html', sa.Text(), nullable=False),
    sa.Column('word_count', sa.Integer(), nullable=False),
    sa.Column('created_at', newsroom.core.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', newsroom.core.orm.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['authors.id'], name=op.f('fk_articles_author_id_authors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_articles')),
    sa.UniqueConstraint('slug', name=op.f('uq_articles_slug'))
    )
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.create_index('ix_articles_author_published', ['author_id', 'published_at'], unique=False)
        batch_op.create_index('ix_articles_listing', ['is_published', 'published_at'], unique=False)
        batch_op.create_index('ix_articles_section_published', ['section', 'published_at'], unique=False)

    op.create_table('subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('plan', sa.String(length=32), nullable=False),
    sa.Column('starts_at', newsroom.core.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', newsroom.core.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', newsroom.core.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', newsroom.core.orm.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_subscriptions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subscriptions'))
    )
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.create_index('ix_subscriptions_user_period', ['user_id', 'ends_at'], unique=False)

    op.create_table('article_reads',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('first_read_at', newsroom.core.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_read_at', newsroom.core.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_read_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_article_reads_article_id_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_article_reads_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'article_id', name=op.f('pk_article_reads'))
    )
    with op.batch_alter_table('article_reads', schema=None) as batch_op:
        batch_op.create_index('ix_article_reads_article', ['article_id'], unique=False)

    op.create_table('daily_article_views',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('views', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_daily_article_views_article_id_articles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', 'day', name=op.f('pk_daily_article_views'))
    )
    with op.batch_alter_table('daily_article_views', schema=None) as batch_op:
        batch_op.create_index('ix_daily_article_views_day', ['day'], unique=False)

    op.create_table('gifts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('giver_id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('created_at', newsroom.core.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', newsroom.core.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', newsroom.core.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('open_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_gifts_article_id_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['giver_id'], ['users.id'], name=op.f('fk_gifts_giver_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gifts')),
    sa.UniqueConstraint('giver_id', 'article_id', 'month', name=op.f('uq_gifts_giver_id_article_id_month')),
    sa.UniqueConstraint('public_id', name=op.f('uq_gifts_public_id'))
    )
    with op.batch_alter_table('gifts', schema=None) as batch_op:
        batch_op.create_index('ix_gifts_giver_created', ['giver_id', 'created_at'], unique=False)
        batch_op.create_index('ix_gifts_giver_month', ['giver_id', 'month'], unique=False)

    op.create_table('reading_list_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('saved_at', newsroom.core.orm.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_reading_list_items_article_id_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reading_list_items_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reading_list_items')),
    sa.UniqueConstraint('user_id', 'article_id', name=op.f('uq_reading_list_items_user_id_article_id'))
    )
    with op.batch_alter_table('reading_list_items', schema=None) as batch_op:
        batch_op.create_index('ix_reading_list_items_user_saved', ['user_id', 'saved_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('reading_list_items', schema=None) as batch_op:
        batch_op.drop_index('ix_reading_list_items_user_saved')

    op.drop_table('reading_list_items')
    with op.batch_alter_table('gifts', schema=None) as batch_op:
        batch_op.drop_index('ix_gifts_giver_month')
        batch_op.drop_index('ix_gifts_giver_created')

    op.drop_table('gifts')
    with op.batch_alter_table('daily_article_views', schema=None) as batch_op:
        batch_op.drop_index('ix_daily_article_views_day')

    op.drop_table('daily_article_views')
    with op.batch_alter_table('article_reads', schema=None) as batch_op:
        batch_op.drop_index('ix_article_reads_article')

    op.drop_table('article_reads')
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.drop_index('ix_subscriptions_user_period')

    op.drop_table('subscriptions')
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_index('ix_articles_section_published')
        batch_op.drop_index('ix_articles_listing')
        batch_op.drop_index('ix_articles_author_published')

    op.drop_table('articles')
    op.drop_table('users')
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_posted_at')

    op.drop_table('jobs')
    op.drop_table('authors')
