"""channels: digest_days (custom delivery days) replaces weekdays_only

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 02:40:00

A digest or personal brief goes out on chosen days of the week: a 7-bit mask, bit 0 Monday
(`insights.schedule.days_mask`); NULL is every day. A digest set to weekdays only becomes
Monday to Friday (31). The boolean is dropped: the mask says everything it did.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

MONDAY_TO_FRIDAY = 0b0011111


def upgrade() -> None:
    op.add_column('channels', sa.Column('digest_days', sa.Integer(), nullable=True))
    op.execute(f"UPDATE channels SET digest_days = {MONDAY_TO_FRIDAY} WHERE weekdays_only")
    with op.batch_alter_table('channels') as batch:
        batch.drop_column('weekdays_only')


def downgrade() -> None:
    # Custom days other than Monday to Friday have no boolean form: they go back to every day.
    op.add_column('channels', sa.Column('weekdays_only', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(f"UPDATE channels SET weekdays_only = (digest_days = {MONDAY_TO_FRIDAY}) WHERE digest_days IS NOT NULL")
    with op.batch_alter_table('channels') as batch:
        batch.drop_column('digest_days')
