"""notes on accounts; the history search index

Revision ID: 0003_notes_search
Revises: 0002_terms_metrics_rates
Create Date: 2026-12-01

A new table, and the search index (db/fulltext.py: SQLite FTS5 with its triggers, or
PostgreSQL trigram indexes) built over the touchpoints and tasks already there: every
row is kept as it is.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0003_notes_search'
down_revision: str | None = '0002_terms_metrics_rates'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('author', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_note_account_id'), ['account_id'], unique=False)
    from db.fulltext import create_search_index

    create_search_index(op.get_bind(), backfill=True)


def downgrade() -> None:
    from db.fulltext import drop_search_index

    drop_search_index(op.get_bind())
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_note_account_id'))
    op.drop_table('note')
