"""Buying Digital+ with Stripe: each Stripe subscription mirrored by one Digital+ period,
the reader's Stripe customer, and the webhook events already applied.

Revision ID: b4f1c9e27a53
Revises: fc3b62a83933
Create Date: 2026-12-02 16:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

import newsroom.core.orm

revision = "b4f1c9e27a53"
down_revision = "fc3b62a83933"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stripe_customers",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.String(length=255), nullable=False),
        sa.Column("created_at", newsroom.core.orm.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_stripe_customers_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_stripe_customers")),
        sa.UniqueConstraint("customer_id", name=op.f("uq_stripe_customers_customer_id")),
    )
    op.create_table(
        "stripe_events",
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("received_at", newsroom.core.orm.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stripe_events")),
    )
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stripe_subscription_id", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("billing_status", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("renews", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_subscriptions_stripe_subscription_id"), ["stripe_subscription_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_subscriptions_stripe_subscription_id"), type_="unique"
        )
        batch_op.drop_column("renews")
        batch_op.drop_column("billing_status")
        batch_op.drop_column("stripe_subscription_id")
    op.drop_table("stripe_events")
    op.drop_table("stripe_customers")
