"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-26 23:26:24.668374
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

from storage.fulltext import create_fulltext_index, drop_fulltext_index


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('channels',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('channel_id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.Column('digest_time', sa.String(length=5), nullable=True),
    sa.Column('timezone', sa.String(length=64), nullable=True),
    sa.Column('weekdays_only', sa.Boolean(), nullable=False),
    sa.Column('paused', sa.Boolean(), nullable=False),
    sa.Column('paused_reason', sa.String(length=500), nullable=True),
    sa.Column('thread_mode', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.String(length=32), nullable=True),
    sa.Column('updated_by', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channels')),
    sa.UniqueConstraint('team_id', 'channel_id', name=op.f('uq_channels_team_id_channel_id'))
    )
    op.create_table('deliveries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('channel_id', sa.String(length=32), nullable=False),
    sa.Column('local_date', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('claimed_by', sa.String(length=100), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliveries')),
    sa.UniqueConstraint('team_id', 'channel_id', 'local_date', name=op.f('uq_deliveries_team_id_channel_id_local_date'))
    )
    op.create_table('podcasts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('title_key', sa.String(length=300), nullable=False),
    sa.Column('feed_url', sa.String(length=2000), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_podcasts')),
    sa.UniqueConstraint('feed_url', name=op.f('uq_podcasts_feed_url')),
    sa.UniqueConstraint('title_key', name=op.f('uq_podcasts_title_key'))
    )
    op.create_table('search_terms',
    sa.Column('term', sa.String(length=64), nullable=False),
    sa.Column('doc_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('term', name=op.f('pk_search_terms'))
    )
    op.create_table('episodes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('podcast_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('episode_key', sa.String(length=500), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('audio_url', sa.String(length=2000), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['podcast_id'], ['podcasts.id'], name=op.f('fk_episodes_podcast_id_podcasts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_episodes')),
    sa.UniqueConstraint('podcast_id', 'episode_key', name=op.f('uq_episodes_podcast_id_episode_key'))
    )
    op.create_table('insights',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('content_hash', sa.LargeBinary(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('podcast_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('episode_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('audio_url', sa.String(length=2000), nullable=True),
    sa.Column('start_seconds', sa.Float(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.Column('quality', sa.Float(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['episode_id'], ['episodes.id'], name=op.f('fk_insights_episode_id_episodes'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['podcast_id'], ['podcasts.id'], name=op.f('fk_insights_podcast_id_podcasts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insights')),
    sa.UniqueConstraint('content_hash', name=op.f('uq_insights_content_hash'))
    )
    with op.batch_alter_table('insights', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_insights_episode_id'), ['episode_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_insights_podcast_id'), ['podcast_id'], unique=False)
        batch_op.create_index('ix_insights_published_at', ['published_at'], unique=False)

    create_fulltext_index(op.get_bind())

    op.create_table('delivered_insights',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('channel_id', sa.String(length=32), nullable=False),
    sa.Column('insight_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('delivery_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['delivery_id'], ['deliveries.id'], name=op.f('fk_delivered_insights_delivery_id_deliveries'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['insight_id'], ['insights.id'], name=op.f('fk_delivered_insights_insight_id_insights'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivered_insights')),
    sa.UniqueConstraint('team_id', 'channel_id', 'insight_id', name=op.f('uq_delivered_insights_team_id_channel_id_insight_id'))
    )
    op.create_table('posted_messages',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('channel_id', sa.String(length=32), nullable=False),
    sa.Column('ts', sa.String(length=32), nullable=False),
    sa.Column('insight_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['insight_id'], ['insights.id'], name=op.f('fk_posted_messages_insight_id_insights'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_posted_messages')),
    sa.UniqueConstraint('team_id', 'channel_id', 'ts', name=op.f('uq_posted_messages_team_id_channel_id_ts'))
    )
    op.create_table('saved_insights',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('insight_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['insight_id'], ['insights.id'], name=op.f('fk_saved_insights_insight_id_insights'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_insights')),
    sa.UniqueConstraint('team_id', 'user_id', 'insight_id', name=op.f('uq_saved_insights_team_id_user_id_insight_id'))
    )


def downgrade() -> None:
    op.drop_table('saved_insights')
    drop_fulltext_index(op.get_bind())
    op.drop_table('posted_messages')
    op.drop_table('delivered_insights')
    with op.batch_alter_table('insights', schema=None) as batch_op:
        batch_op.drop_index('ix_insights_published_at')
        batch_op.drop_index(batch_op.f('ix_insights_podcast_id'))
        batch_op.drop_index(batch_op.f('ix_insights_episode_id'))

    op.drop_table('insights')
    op.drop_table('episodes')
    op.drop_table('search_terms')
    op.drop_table('podcasts')
    op.drop_table('deliveries')
    op.drop_table('channels')
