"""episodes: indexes on the page and audio URLs, for pasted links that unfurl

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 02:05:00

A pasted episode link is looked up by its URL (`storage.episode_links`); without these, each
lookup scanned every episode (0.7 s at 100k episodes on SQLite, bench/unfurl_lookup_bench.py).
PostgreSQL gets hash indexes: equality is all the lookup needs, and a B-tree refuses rows over
about 2.7 kB, which a 2,000-character URL of non-ASCII text can exceed.
"""
from __future__ import annotations

from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_episodes_url', 'episodes', ['url'], postgresql_using='hash')
    op.create_index('ix_episodes_audio_url', 'episodes', ['audio_url'], postgresql_using='hash')


def downgrade() -> None:
    op.drop_index('ix_episodes_audio_url', table_name='episodes')
    op.drop_index('ix_episodes_url', table_name='episodes')
