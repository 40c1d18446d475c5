"""indexes for the KPIs at scale; PostgreSQL's panel id sequence

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    _advance_panel_sequence()
    _deadline_kpi_indexes()
    _advice_received_index()


def _advance_panel_sequence() -> None:
    """0002 inserted the default panels with explicit ids 1-4. PostgreSQL's
    serial sequence did not see them, so the first 'panel add' would take id 1
    again; move the sequence past the highest id. (SQLite needs nothing.)"""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("SELECT setval(pg_get_serial_sequence('panels', 'id'), "
               "COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM panels")


def _deadline_kpi_indexes() -> None:
    """The KPIs count statutory clocks met, or due, in a period, and the
    follow-ups due in one (covering indexes: no table lookups)."""
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.create_index('ix_deadlines_milestone_met',
                              ['milestone', 'met_on', 'due', 'start', 'case_id'], unique=False)
        batch_op.create_index('ix_deadlines_milestone_due', ['milestone', 'due', 'met_on'],
                              unique=False)
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.create_index('ix_followups_due_done', ['due', 'done_at'], unique=False)


def _advice_received_index() -> None:
    """Advice outstanding (KPI) is advice not yet received: the index finds it
    (received IS NULL, or received after the period) without reading every
    advice request ever made."""
    with op.batch_alter_table('advice_requests', schema=None) as batch_op:
        batch_op.create_index('ix_advice_requests_received', ['received'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('advice_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_advice_requests_received')
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.drop_index('ix_followups_due_done')
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.drop_index('ix_deadlines_milestone_due')
        batch_op.drop_index('ix_deadlines_milestone_met')
