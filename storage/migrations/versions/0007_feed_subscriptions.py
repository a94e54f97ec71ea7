"""feed subscriptions: each workspace follows feeds of its own

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 00:58:00

Feeds followed before this migration did not record which workspace added them (only the
person), so each becomes an operator-wide subscription (team "*"): every workspace keeps
seeing what it saw before; a workspace's admin can follow them for the workspace itself.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('feed_subscriptions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('feed_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('added_by', sa.String(length=64), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['feed_id'], ['feeds.id'], name=op.f('fk_feed_subscriptions_feed_id_feeds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feed_subscriptions')),
    sa.UniqueConstraint('team_id', 'feed_id', name=op.f('uq_feed_subscriptions_team_id_feed_id'))
    )
    op.create_index('ix_feed_subscriptions_feed_id', 'feed_subscriptions', ['feed_id'], unique=False)
    op.execute(
        "INSERT INTO feed_subscriptions (team_id, feed_id, added_by, added_at) "
        "SELECT '*', id, added_by, created_at FROM feeds"
    )


def downgrade() -> None:
    op.drop_index('ix_feed_subscriptions_feed_id', table_name='feed_subscriptions')
    op.drop_table('feed_subscriptions')
