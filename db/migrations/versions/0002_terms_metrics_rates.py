"""contract terms, metric readings, exchange rates; how a closed SOP step ended; an
event's recurrence rule and time zone

Revision ID: 0002_terms_metrics_rates
Revises: 0001_initial
Create Date: 2026-12-01

Every row is kept. Ticked steps are marked `done`; each account gets the row of its
current contract term (churned accounts' term ended churned).
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0002_terms_metrics_rates'
down_revision: str | None = '0001_initial'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('exchangerate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('base', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('rate', sa.Float(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('currency', 'base', 'as_of', name='uq_rate_day')
    )
    op.create_table('contractterm',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('term', sa.Integer(), nullable=False),
    sa.Column('start', sa.Date(), nullable=True),
    sa.Column('end', sa.Date(), nullable=True),
    sa.Column('arr_minor', sa.Integer(), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('account_id', 'term', name='uq_contract_term')
    )
    with op.batch_alter_table('contractterm', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contractterm_account_id'), ['account_id'], unique=False)

    op.create_table('metricreading',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('metric', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('day', sa.Date(), nullable=True),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('metricreading', schema=None) as batch_op:
        batch_op.create_index('ix_metric_account_name_day', ['account_id', 'metric', 'on_date'], unique=False)

    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_as', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recurrence', sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('tzid', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False, server_default=''))

    op.execute("UPDATE task SET closed_as = 'done' WHERE done_at IS NOT NULL")
    op.execute(
        "INSERT INTO contractterm (account_id, term, start, \"end\", arr_minor, currency, outcome, "
        "closed_on, created_at) "
        "SELECT id, term, contract_start, contract_end, arr_minor, currency, "
        "CASE WHEN stage = 'churned' THEN 'churned' ELSE 'open' END, "
        "CASE WHEN stage = 'churned' THEN stage_entered ELSE NULL END, created_at FROM account")


def downgrade() -> None:
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('tzid')
        batch_op.drop_column('recurrence')

    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_column('closed_as')

    with op.batch_alter_table('metricreading', schema=None) as batch_op:
        batch_op.drop_index('ix_metric_account_name_day')

    op.drop_table('metricreading')
    with op.batch_alter_table('contractterm', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contractterm_account_id'))

    op.drop_table('contractterm')
    op.drop_table('exchangerate')
