"""insight_vectors: each insight's sentence embedding (the meaning extra) and its embedding claim

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 02:10:00

Nothing is computed here: the background embedding worker fills the table, newest insights first.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('insight_vectors',
    sa.Column('insight_id', _ID, nullable=False),
    sa.Column('model_id', sa.String(length=200), nullable=True),
    sa.Column('vector', sa.LargeBinary(), nullable=True),
    sa.Column('stored_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claimed_by', sa.String(length=100), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['insight_id'], ['insights.id'], name=op.f('fk_insight_vectors_insight_id_insights'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('insight_id', name=op.f('pk_insight_vectors'))
    )
    op.create_index(op.f('ix_insight_vectors_stored_at'), 'insight_vectors', ['stored_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_insight_vectors_stored_at'), table_name='insight_vectors')
    op.drop_table('insight_vectors')
