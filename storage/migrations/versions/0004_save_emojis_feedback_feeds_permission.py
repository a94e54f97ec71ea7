"""save emojis, feedback, feeds permission

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 00:47:58.601973
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('feedback',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('channel_id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('insight_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['insight_id'], ['insights.id'], name=op.f('fk_feedback_insight_id_insights'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback')),
    sa.UniqueConstraint('team_id', 'channel_id', 'user_id', 'insight_id', 'kind', name=op.f('uq_feedback_team_id_channel_id_user_id_insight_id_kind'))
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_team_channel_created_at', ['team_id', 'channel_id', 'created_at'], unique=False)

    with op.batch_alter_table('saved_insights', schema=None) as batch_op:
        batch_op.create_index('ix_saved_insights_team_user_saved_at', ['team_id', 'user_id', 'saved_at'], unique=False)

    with op.batch_alter_table('workspaces', schema=None) as batch_op:
        batch_op.add_column(sa.Column('save_emojis', sa.JSON(), nullable=False, server_default='["bookmark"]'))
        batch_op.add_column(sa.Column('save_confirmations', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('feeds_open_to_all', sa.Boolean(), nullable=False, server_default=sa.false()))



def downgrade() -> None:
    with op.batch_alter_table('workspaces', schema=None) as batch_op:
        batch_op.drop_column('feeds_open_to_all')
        batch_op.drop_column('save_confirmations')
        batch_op.drop_column('save_emojis')

    with op.batch_alter_table('saved_insights', schema=None) as batch_op:
        batch_op.drop_index('ix_saved_insights_team_user_saved_at')

    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_team_channel_created_at')

    op.drop_table('feedback')
