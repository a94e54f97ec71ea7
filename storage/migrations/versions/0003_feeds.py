"""feeds, and what a feed scan records on episodes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 00:08:58.106490
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

_EPISODE_COLUMNS = ('guid', 'transcript_kind', 'transcript_url', 'transcript_attempts', 'notes_insight_ids')


def upgrade() -> None:
    op.create_table('feeds',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('original_url', sa.String(length=2000), nullable=False),
    sa.Column('podcast_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=True),
    sa.Column('etag', sa.String(length=500), nullable=True),
    sa.Column('last_modified', sa.String(length=100), nullable=True),
    sa.Column('last_checked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_new_episode_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('next_check_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('consecutive_failures', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('insights_extracted', sa.Integer(), nullable=False),
    sa.Column('episode_count', sa.Integer(), nullable=False),
    sa.Column('added_by', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['podcast_id'], ['podcasts.id'], name=op.f('fk_feeds_podcast_id_podcasts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feeds')),
    sa.UniqueConstraint('url', name=op.f('uq_feeds_url'))
    )
    with op.batch_alter_table('feeds', schema=None) as batch_op:
        batch_op.create_index('ix_feeds_next_check_at', ['next_check_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_feeds_original_url'), ['original_url'], unique=False)

    # Column adds only: SQLite does them in place (no table rebuild), so rows keep their ids.
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('guid', sa.String(length=1000), nullable=True))
        batch_op.add_column(sa.Column('transcript_kind', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('transcript_url', sa.String(length=2000), nullable=True))
        batch_op.add_column(sa.Column('transcript_attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('notes_insight_ids', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.create_index('ix_episodes_podcast_id_guid', ['podcast_id', 'guid'], unique=True)


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35), not a batch rebuild: rebuilding
    # `episodes` would drop it, and its foreign keys would null every insight's episode_id.
    op.drop_index('ix_episodes_podcast_id_guid', table_name='episodes')
    for column in _EPISODE_COLUMNS:
        op.drop_column('episodes', column)

    with op.batch_alter_table('feeds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feeds_original_url'))
        batch_op.drop_index('ix_feeds_next_check_at')

    op.drop_table('feeds')
