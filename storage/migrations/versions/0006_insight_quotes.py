"""insight quotes: the verbatim words a written insight rests on

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 00:50:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('insights', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quote', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('insights', schema=None) as batch_op:
        batch_op.drop_column('quote')
