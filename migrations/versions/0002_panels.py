"""panels: remits, meetings, referrals, declarations, decisions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('panels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('cadence', sa.String(length=16), nullable=False),
    sa.Column('outcome_days', sa.Integer(), server_default=sa.text('5'), nullable=False),
    sa.Column('outcome_working_days', sa.Boolean(), server_default=sa.text('(true)'), nullable=False),
    sa.Column('outcome_email', sa.Boolean(), server_default=sa.text('(true)'), nullable=False),
    sa.Column('outcome_by', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panels')),
    sa.UniqueConstraint('code', name=op.f('uq_panels_code'))
    )

    op.create_table('panel_remits',
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('request', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['panel_id'], ['panels.id'], name=op.f('fk_panel_remits_panel_id_panels')),
    sa.PrimaryKeyConstraint('panel_id', 'request', name=op.f('pk_panel_remits'))
    )

    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('time', sa.String(length=5), nullable=False),
    sa.Column('moved_from', sa.Date(), nullable=True),
    sa.Column('cancelled', sa.Boolean(), server_default=sa.text('(false)'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['panel_id'], ['panels.id'], name=op.f('fk_meetings_panel_id_panels')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings')),
    sa.UniqueConstraint('panel_id', 'date', name='uq_meetings_panel_date')
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_date'), ['date'], unique=False)

    op.create_table('referrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('request', sa.String(length=32), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('papers_due', sa.Date(), nullable=False),
    sa.Column('papers_received', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_referrals_case_id_cases')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_referrals_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_referrals_officer_id_officers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referrals')),
    sa.UniqueConstraint('meeting_id', 'case_id', 'request', name='uq_referrals_item')
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index('ix_referrals_case', ['case_id'], unique=False)

    op.create_table('declarations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('member', sa.String(), nullable=False),
    sa.Column('interest', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_declarations_case_id_cases')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_declarations_meeting_id_meetings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declarations'))
    )
    with op.batch_alter_table('declarations', schema=None) as batch_op:
        batch_op.create_index('ix_declarations_meeting_case', ['meeting_id', 'case_id'], unique=False)

    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(), nullable=False),
    sa.Column('revisit_by', sa.Date(), nullable=True),
    sa.Column('chair', sa.String(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_decisions_case_id_cases')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_decisions_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_decisions_referral_id_referrals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions')),
    sa.UniqueConstraint('referral_id', name=op.f('uq_decisions_referral_id'))
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index('ix_decisions_case', ['case_id'], unique=False)

    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('referral_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_followups_decision_id_decisions'), 'decisions', ['decision_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_followups_referral_id_referrals'), 'referrals', ['referral_id'], ['id'])

    _seed_panels()


def downgrade() -> None:
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_followups_referral_id_referrals'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_followups_decision_id_decisions'), type_='foreignkey')
        batch_op.drop_column('referral_id')
        batch_op.drop_column('decision_id')
    op.drop_table('decisions')
    op.drop_table('declarations')
    op.drop_table('referrals')
    op.drop_table('meetings')
    op.drop_table('panel_remits')
    op.drop_table('panels')


# The panels of DOMAIN.md and seed 000 as they stood when this revision was
# written; a council adds its own with 'send-cli panel add'. JTP's promise is
# seed 000's: a nominated allocated professional contacts the family within
# 5 days (calendar days, and no email is promised).
PANELS = [
    ("MAP", "Multi-Agency Panel", "weekly", 5, True, True, "casework officer",
     ["ehcna", "issue-decision", "resource", "placement-change", "reassessment", "offsetting"]),
    ("CAP", "Countywide Admissions Panel", "fortnightly", 5, True, True, "casework officer",
     ["special-school-admission", "resource-base-admission", "inmss-consultation"]),
    ("CCP", "Complex Cases Panel", "fortnightly", 5, True, True, "casework officer",
     ["exceptional-placement", "personal-budget", "eotas", "ehe"]),
    ("JTP", "Joint and Tripartite Panel", "weekly", 5, False, False,
     "nominated allocated professional", ["joint-funding"]),
]


def _seed_panels() -> None:
    from datetime import datetime, timezone

    panels = sa.table(
        "panels", sa.column("id", sa.Integer), sa.column("code", sa.String),
        sa.column("name", sa.String), sa.column("cadence", sa.String),
        sa.column("outcome_days", sa.Integer), sa.column("outcome_working_days", sa.Boolean),
        sa.column("outcome_email", sa.Boolean), sa.column("outcome_by", sa.String),
        sa.column("created_at", sa.DateTime(timezone=True)))
    remits = sa.table("panel_remits", sa.column("panel_id", sa.Integer),
                      sa.column("request", sa.String))
    now = datetime.now(timezone.utc)
    rows, remit_rows = [], []
    for i, (code, name, cadence, days, working, email, by, requests) in enumerate(PANELS, 1):
        rows.append({"id": i, "code": code, "name": name, "cadence": cadence,
                     "outcome_days": days, "outcome_working_days": working,
                     "outcome_email": email, "outcome_by": by, "created_at": now})
        remit_rows += [{"panel_id": i, "request": r} for r in requests]
    op.bulk_insert(panels, rows)
    op.bulk_insert(remits, remit_rows)
