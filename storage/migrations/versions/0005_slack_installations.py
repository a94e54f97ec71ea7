"""Slack installations and OAuth states (slack_sdk's tables), workspace install lifecycle

The three ``slack_*`` tables have the columns slack_sdk's SQLAlchemy stores read and write
(`tests/integration/test_installations.py` checks they still match), with token columns
wide enough for encrypted values.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 02:30:00
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

#: Encrypted tokens are several times longer than the 200 characters slack_sdk allows for plain ones.
Secret = sa.Text


def _workspace_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column('client_id', sa.String(32), nullable=False),
        sa.Column('app_id', sa.String(32), nullable=False),
        sa.Column('enterprise_id', sa.String(32)),
        sa.Column('enterprise_name', sa.String(200)),
    ]


def _bot_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column('bot_token', Secret()),
        sa.Column('bot_id', sa.String(32)),
        sa.Column('bot_user_id', sa.String(32)),
        sa.Column('bot_scopes', sa.String(1000)),
        sa.Column('bot_refresh_token', Secret()),
        sa.Column('bot_token_expires_at', sa.DateTime()),
    ]


def upgrade() -> None:
    op.create_table(
        'slack_installations',
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=True),
        *_workspace_columns(),
        sa.Column('enterprise_url', sa.String(200)),
        sa.Column('team_id', sa.String(32)),
        sa.Column('team_name', sa.String(200)),
        *_bot_columns(),
        sa.Column('user_id', sa.String(32), nullable=False),
        sa.Column('user_token', Secret()),
        sa.Column('user_scopes', sa.String(1000)),
        sa.Column('user_refresh_token', Secret()),
        sa.Column('user_token_expires_at', sa.DateTime()),
        sa.Column('incoming_webhook_url', Secret()),
        sa.Column('incoming_webhook_channel', sa.String(200)),
        sa.Column('incoming_webhook_channel_id', sa.String(200)),
        sa.Column('incoming_webhook_configuration_url', sa.String(200)),
        sa.Column('is_enterprise_install', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column('token_type', sa.String(32)),
        sa.Column('installed_at', sa.DateTime(), nullable=False, server_default=sa.func.now()),
    )
    op.create_index('slack_installations_idx', 'slack_installations',
                    ['client_id', 'enterprise_id', 'team_id', 'user_id', 'installed_at'])
    op.create_table(
        'slack_bots',
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=True),
        *_workspace_columns(),
        sa.Column('team_id', sa.String(32)),
        sa.Column('team_name', sa.String(200)),
        *_bot_columns(),
        sa.Column('is_enterprise_install', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column('installed_at', sa.DateTime(), nullable=False, server_default=sa.func.now()),
    )
    op.create_index('slack_bots_idx', 'slack_bots', ['client_id', 'enterprise_id', 'team_id', 'installed_at'])
    op.create_table(
        'slack_oauth_states',
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column('state', sa.String(200), nullable=False),
        sa.Column('expire_at', sa.DateTime(), nullable=False),
    )
    with op.batch_alter_table('workspaces', schema=None) as batch_op:
        batch_op.add_column(sa.Column('team_name', sa.String(200), nullable=True))
        batch_op.add_column(sa.Column('enterprise_id', sa.String(32), nullable=True))
        batch_op.add_column(sa.Column('installed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('uninstalled_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('workspaces', schema=None) as batch_op:
        batch_op.drop_column('uninstalled_at')
        batch_op.drop_column('installed_at')
        batch_op.drop_column('enterprise_id')
        batch_op.drop_column('team_name')
    op.drop_table('slack_oauth_states')
    op.drop_index('slack_bots_idx', table_name='slack_bots')
    op.drop_table('slack_bots')
    op.drop_index('slack_installations_idx', table_name='slack_installations')
    op.drop_table('slack_installations')
