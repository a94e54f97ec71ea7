"""digest delivery and workspace settings

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 23:42:51.146123
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('settings_changes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('channel_id', sa.String(length=32), nullable=True),
    sa.Column('user_id', sa.String(length=32), nullable=True),
    sa.Column('change', sa.String(length=500), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settings_changes'))
    )
    with op.batch_alter_table('settings_changes', schema=None) as batch_op:
        batch_op.create_index('ix_settings_changes_team_channel', ['team_id', 'channel_id'], unique=False)

    op.create_table('workspaces',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('restrict_settings', sa.Boolean(), nullable=False),
    sa.Column('quiet_day_note', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('inactive_reason', sa.String(length=500), nullable=True),
    sa.Column('updated_by', sa.String(length=32), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('team_id', name=op.f('pk_workspaces'))
    )
    with op.batch_alter_table('delivered_insights', schema=None) as batch_op:
        batch_op.add_column(sa.Column('position', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('reasons', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('also_on', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('posted_ts', sa.String(length=32), nullable=True))

    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('post_channel', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('header_ts', sa.String(length=32), nullable=True))
        batch_op.create_index('ix_deliveries_status_lease', ['status', 'lease_until'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_deliveries_status_lease')
        batch_op.drop_column('header_ts')
        batch_op.drop_column('post_channel')
        batch_op.drop_column('attempts')
        batch_op.drop_column('lease_until')

    with op.batch_alter_table('delivered_insights', schema=None) as batch_op:
        batch_op.drop_column('posted_ts')
        batch_op.drop_column('also_on')
        batch_op.drop_column('reasons')
        batch_op.drop_column('position')

    op.drop_table('workspaces')
    with op.batch_alter_table('settings_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_settings_changes_team_channel')

    op.drop_table('settings_changes')
