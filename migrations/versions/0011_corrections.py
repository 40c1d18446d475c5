"""corrections: a contact, an advice request or a panel decision recorded in
error is withdrawn, not deleted

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05

- contacts, advice_requests and decisions: withdrawn_at, withdrawn_by and
  withdrawn_reason. A withdrawn row stays (shown marked in 'case show'; the
  audit trail keeps it whole) and drops out of lists, clocks and figures.
- decisions: one decision per agenda item held while it stands, so the
  unique constraint on referral_id becomes a unique index on the decisions
  not withdrawn: a corrected decision stands beside the withdrawn one.
  SQLite copies decisions to drop the constraint (batch mode); no trigger
  sits on that table. contacts and advice_requests only gain columns.
"""

from alembic import op
import sqlalchemy as sa

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

TABLES = ('contacts', 'advice_requests', 'decisions')
STANDING = sa.text('withdrawn_at IS NULL')


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True),
                                          nullable=True))
            batch_op.add_column(sa.Column('withdrawn_by', sa.String(length=64),
                                          nullable=True))
            batch_op.add_column(sa.Column('withdrawn_reason', sa.String(), nullable=True))
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_constraint('uq_decisions_referral_id', type_='unique')
        batch_op.create_index('ix_decisions_referral_standing', ['referral_id'], unique=True,
                              sqlite_where=STANDING, postgresql_where=STANDING)


def downgrade() -> None:
    # the withdrawn decisions go: the constraint holds one decision per item
    op.execute("UPDATE followups SET decision_id = NULL WHERE decision_id IN "
               "(SELECT id FROM decisions WHERE withdrawn_at IS NOT NULL)")
    op.execute("DELETE FROM decisions WHERE withdrawn_at IS NOT NULL")
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_decisions_referral_standing')
        batch_op.create_unique_constraint('uq_decisions_referral_id', ['referral_id'])
    # ALTER TABLE ... DROP COLUMN on both (SQLite 3.35+): batch mode would copy
    # advice_requests and lose the forecast's triggers on it (revision 0010)
    for table in TABLES:
        for column in ('withdrawn_reason', 'withdrawn_by', 'withdrawn_at'):
            op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
