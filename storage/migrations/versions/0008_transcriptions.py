"""transcriptions: the queue of episodes to transcribe, and their machine transcripts

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 01:35:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('transcriptions',
    sa.Column('id', _ID, nullable=False),
    sa.Column('episode_id', _ID, nullable=False),
    sa.Column('feed_id', _ID, nullable=True),
    sa.Column('audio_url', sa.String(length=2000), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_by', sa.String(length=100), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('model', sa.String(length=200), nullable=True),
    sa.Column('segments', sa.LargeBinary(), nullable=True),
    sa.Column('audio_seconds', sa.Float(), nullable=True),
    sa.Column('cpu_seconds', sa.Float(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['episode_id'], ['episodes.id'], name=op.f('fk_transcriptions_episode_id_episodes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['feed_id'], ['feeds.id'], name=op.f('fk_transcriptions_feed_id_feeds'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transcriptions')),
    sa.UniqueConstraint('episode_id', name=op.f('uq_transcriptions_episode_id'))
    )
    op.create_index('ix_transcriptions_status_published_at', 'transcriptions', ['status', 'published_at'], unique=False)
    op.create_index(op.f('ix_transcriptions_feed_id'), 'transcriptions', ['feed_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_transcriptions_feed_id'), table_name='transcriptions')
    op.drop_index('ix_transcriptions_status_published_at', table_name='transcriptions')
    op.drop_table('transcriptions')
