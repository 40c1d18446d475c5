"""people and their requests; what the SEN2 return needs

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-05

A child or young person (persons) now has one or more cases (requests).
Every case already in the store becomes its own person: the name is split at
its last space into forename and surname, the date of birth is copied, and
the person takes the case's id. The cases table gains the person, the
primary and secondary SEN need, and the council a plan was transferred from;
placements are a new table. Requests made by a 'school' are now from an
education 'setting', and by a 'professional' from 'other' (SEN2's sources).

SQLite keeps cases where it is (ADD COLUMN; no move and copy), so the KPI
triggers of revision 0005 on cases stay. The new person column is nullable
in the schema for that reason (SQLite cannot add a NOT NULL column that
references another table); send-cli gives every case a person.
"""

from alembic import op
import sqlalchemy as sa

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

CHUNK = 5000


def upgrade() -> None:
    op.create_table(
        'persons',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('forename', sa.String(), nullable=False),
        sa.Column('surname', sa.String(), nullable=False),
        sa.Column('dob', sa.Date(), nullable=True),
        sa.Column('sex', sa.String(length=1), nullable=True),
        sa.Column('ethnicity', sa.String(length=4), nullable=True),
        sa.Column('postcode', sa.String(length=8), nullable=True),
        sa.Column('upn', sa.String(length=13), nullable=True),
        sa.Column('uln', sa.String(length=10), nullable=True),
        sa.Column('upn_unknown', sa.String(length=4), nullable=True),
        sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_persons')),
    )
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.create_index('ix_persons_dob_surname', ['dob', 'surname'], unique=False)
        batch_op.create_index(batch_op.f('ix_persons_upn'), ['upn'], unique=False)
    op.create_table(
        'placements',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('urn', sa.String(length=6), nullable=True),
        sa.Column('ukprn', sa.String(length=8), nullable=True),
        sa.Column('setting_code', sa.String(length=4), nullable=True),
        sa.Column('rank', sa.Integer(), nullable=False),
        sa.Column('entry', sa.Date(), nullable=False),
        sa.Column('leaving', sa.Date(), nullable=True),
        sa.Column('unit', sa.Boolean(), nullable=False),
        sa.Column('resourced', sa.Boolean(), nullable=False),
        sa.Column('residential', sa.String(length=1), nullable=True),
        sa.Column('wbp', sa.String(length=1), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'],
                                name=op.f('fk_placements_case_id_cases')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_placements')),
    )
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.create_index('ix_placements_case', ['case_id', 'entry'], unique=False)

    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.add_column('cases', sa.Column('person_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_cases_person_id_persons'), 'cases', 'persons',
                              ['person_id'], ['id'])
    else:  # ADD COLUMN with its reference: no move and copy of cases
        op.execute("ALTER TABLE cases ADD COLUMN person_id INTEGER "
                   "CONSTRAINT fk_cases_person_id_persons REFERENCES persons (id)")
    op.add_column('cases', sa.Column('primary_need', sa.String(length=4), nullable=True))
    op.add_column('cases', sa.Column('secondary_need', sa.String(length=4), nullable=True))
    op.add_column('cases', sa.Column('transferred_from', sa.String(length=3), nullable=True))
    op.create_index(op.f('ix_cases_person_id'), 'cases', ['person_id'], unique=False)

    _people_from_cases(postgres)
    op.execute("UPDATE cases SET requested_by = 'other' WHERE requested_by = 'professional'")
    op.execute("UPDATE cases SET requested_by = 'setting' WHERE requested_by = 'school'")


def _people_from_cases(postgres: bool) -> None:
    """One person per case, with the case's id, name and date of birth."""
    conn = op.get_bind()
    persons = sa.table('persons', sa.column('id', sa.Integer),
                       sa.column('forename', sa.String), sa.column('surname', sa.String),
                       sa.column('dob', sa.Date),
                       sa.column('erased_at', sa.DateTime(timezone=True)),
                       sa.column('created_at', sa.DateTime(timezone=True)))
    cases = sa.table('cases', sa.column('id', sa.Integer), sa.column('name', sa.String),
                     sa.column('dob', sa.Date),
                     sa.column('erased_at', sa.DateTime(timezone=True)),
                     sa.column('created_at', sa.DateTime(timezone=True)))
    last = 0
    while True:  # a chunk at a time, by id: memory stays flat on a big store
        rows = conn.execute(sa.select(cases.c.id, cases.c.name, cases.c.dob,
                                      cases.c.erased_at, cases.c.created_at)
                            .where(cases.c.id > last).order_by(cases.c.id)
                            .limit(CHUNK)).all()
        if not rows:
            break
        last = rows[-1][0]
        batch = []
        for cid, name, dob, erased_at, created_at in rows:
            text = " ".join((name or "").split())
            forename, _, surname = text.rpartition(" ")
            batch.append({"id": cid, "forename": forename, "surname": surname, "dob": dob,
                          "erased_at": erased_at, "created_at": created_at})
        conn.execute(persons.insert(), batch)
    op.execute("UPDATE cases SET person_id = id")
    if postgres and last:
        op.execute("SELECT setval(pg_get_serial_sequence('persons', 'id'), "
                   "(SELECT max(id) FROM persons))")


def downgrade() -> None:
    op.execute("UPDATE cases SET requested_by = 'school' WHERE requested_by = 'setting'")
    op.execute("UPDATE cases SET requested_by = 'professional' "
               "WHERE requested_by IN ('other', 'health', 'social-care')")
    op.drop_index(op.f('ix_cases_person_id'), table_name='cases')
    columns = ('transferred_from', 'secondary_need', 'primary_need', 'person_id')
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f('fk_cases_person_id_persons'), 'cases', type_='foreignkey')
        for column in columns:
            op.drop_column('cases', column)
    else:
        # SQLite drops no column that references another table: cases is
        # moved and copied, which drops its KPI triggers; 0005's come back
        with op.batch_alter_table('cases', schema=None, recreate='always') as batch_op:
            for column in columns:
                batch_op.drop_column(column)
        _case_triggers_0005()
    op.drop_table('placements')
    op.drop_table('persons')


def _case_triggers_0005() -> None:
    """Revision 0005's triggers on cases (SQLite), from that revision's code."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).with_name("0005_kpi_counts.py")
    spec = importlib.util.spec_from_file_location("send_cli_revision_0005", path)
    assert spec is not None and spec.loader is not None
    kpi = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(kpi)
    for name, event, body in (
            ("kpi_cases_insert", "INSERT", kpi._case_add("NEW")),
            ("kpi_cases_delete", "DELETE", kpi._case_remove("OLD")),
            ("kpi_cases_update", "UPDATE OF officer_id, status",
             kpi._case_remove("OLD") + kpi._case_add("NEW"))):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"CREATE TRIGGER {name} AFTER {event} ON cases BEGIN {body}\nEND")
