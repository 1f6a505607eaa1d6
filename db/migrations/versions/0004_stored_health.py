"""stored health: each account's derived state (health, flags, touches, sort keys)

Revision ID: 0004_stored_health
Revises: 0003_notes_search
Create Date: 2026-12-02

A new table only: every row is kept as it is. The table starts empty and the first
open of the upgraded database fills it (the stored state is always what a full
recompute gives, so it is computed by the domain, not by this script).
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0004_stored_health'
down_revision: str | None = '0003_notes_search'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('accountstate',
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('health', sa.Integer(), nullable=False),
    sa.Column('flags', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('flag_count', sa.Integer(), nullable=False),
    sa.Column('last_touch_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('last_touch_on', sa.Date(), nullable=True),
    sa.Column('next_due', sa.Date(), nullable=True),
    sa.Column('cadence_due', sa.Date(), nullable=True),
    sa.Column('sort_key', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('search', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('basis', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id')
    )
    with op.batch_alter_table('accountstate', schema=None) as batch_op:
        batch_op.create_index('ix_accountstate_basis', ['basis'], unique=False)
        batch_op.create_index('ix_accountstate_cadence', ['next_due', 'cadence_due'],
                              unique=False)
        batch_op.create_index('ix_accountstate_health', ['health'], unique=False)
        batch_op.create_index('ix_accountstate_sort_key', ['sort_key'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('accountstate', schema=None) as batch_op:
        batch_op.drop_index('ix_accountstate_sort_key')
        batch_op.drop_index('ix_accountstate_health')
        batch_op.drop_index('ix_accountstate_cadence')
        batch_op.drop_index('ix_accountstate_basis')
    op.drop_table('accountstate')
