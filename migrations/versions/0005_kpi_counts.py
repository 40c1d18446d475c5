"""counts behind the KPIs, kept by triggers; PostgreSQL's panel id sequence

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

The council's figures (`report kpi`) count a year of activity: at England's
size, well over a million follow-ups and review clocks. Counting them at
report time grows with the store, so the counts are kept as the work is
recorded, one row per measure and day in kpi_days, and open cases per
officer in officer_caseloads. Triggers keep them, so every path that writes
(the ORM, the bulk import, `db copy`, a backfilled upgrade) counts alike.

A later revision that makes SQLite copy followups, deadlines or cases
(batch mode's move and copy) drops their triggers with the old table: it
must create them again (call this revision's _sqlite_triggers()).
"""

from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# deadlines met in a period: each counts on the day it was met
MET = ("final-plan", "assessment-decision", "review-decision", "amended-plan")
MET_SQL = ", ".join(f"'{m}'" for m in MET)


def upgrade() -> None:
    _advance_panel_sequence()
    with op.batch_alter_table('advice_requests', schema=None) as batch_op:
        # advice outstanding (KPI): the advice not yet received, found alone
        batch_op.create_index('ix_advice_requests_received', ['received'], unique=False)
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        # the open clocks by due date, with what the deadlines report filters
        # on beside the case: it counts them without reading the table
        batch_op.drop_index('ix_deadlines_open_due',
                            sqlite_where=sa.text('met_on IS NULL'),
                            postgresql_where=sa.text('met_on IS NULL'))
        batch_op.create_index('ix_deadlines_open', ['due', 'milestone', 'case_id'],
                              unique=False, sqlite_where=sa.text('met_on IS NULL'),
                              postgresql_where=sa.text('met_on IS NULL'))
    with op.batch_alter_table('followups', schema=None) as batch_op:
        # the open follow-ups of one kind (families' escalations, for the ladder)
        batch_op.create_index('ix_followups_open_kind', ['kind', 'due'], unique=False,
                              sqlite_where=sa.text('done_at IS NULL'),
                              postgresql_where=sa.text('done_at IS NULL'))
    op.create_table(
        'kpi_days',
        sa.Column('metric', sa.String(length=32), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('n', sa.Integer(), server_default=sa.text('0'), nullable=False),
        sa.Column('ok', sa.Integer(), server_default=sa.text('0'), nullable=False),
        sa.Column('days', sa.Integer(), server_default=sa.text('0'), nullable=False),
        sa.PrimaryKeyConstraint('metric', 'day', name=op.f('pk_kpi_days')),
    )
    op.create_table(
        'officer_caseloads',
        sa.Column('officer_id', sa.Integer(), nullable=False),
        sa.Column('open_cases', sa.Integer(), server_default=sa.text('0'), nullable=False),
        sa.ForeignKeyConstraint(['officer_id'], ['officers.id'],
                                name=op.f('fk_officer_caseloads_officer_id_officers')),
        sa.PrimaryKeyConstraint('officer_id', name=op.f('pk_officer_caseloads')),
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()
    _backfill()


def _advance_panel_sequence() -> None:
    """0002 inserted the default panels with explicit ids 1-4. PostgreSQL's
    serial sequence did not see them, so the first 'panel add' would take id 1
    again; move the sequence past the highest id. (SQLite needs nothing.)"""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("SELECT setval(pg_get_serial_sequence('panels', 'id'), "
               "COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM panels")


# -- what one row adds to the counts (SQLite) ---------------------------------
# A follow-up counts on the day it was due; kept when done on or before that
# day (the UTC date of done_at, on both backends).
def _followup_add(row: str) -> str:
    return f"""
    INSERT INTO kpi_days (metric, day, n, ok, days)
    VALUES ('followups', {row}.due, 1,
            CASE WHEN {row}.done_at IS NOT NULL AND date({row}.done_at) <= {row}.due
                 THEN 1 ELSE 0 END, 0)
    ON CONFLICT (metric, day) DO UPDATE SET n = n + excluded.n, ok = ok + excluded.ok;"""


def _followup_remove(row: str) -> str:
    return f"""
    UPDATE kpi_days SET n = n - 1,
        ok = ok - CASE WHEN {row}.done_at IS NOT NULL AND date({row}.done_at) <= {row}.due
                       THEN 1 ELSE 0 END
    WHERE metric = 'followups' AND day = {row}.due;"""


def _deadline_add(row: str) -> str:
    return f"""
    INSERT INTO kpi_days (metric, day, n, ok, days)
    SELECT 'met:' || {row}.milestone, {row}.met_on, 1,
           CASE WHEN {row}.met_on <= {row}.due THEN 1 ELSE 0 END,
           CAST(julianday({row}.met_on) - julianday({row}.start) AS INTEGER)
    WHERE {row}.met_on IS NOT NULL AND {row}.milestone IN ({MET_SQL})
    ON CONFLICT (metric, day) DO UPDATE SET n = n + excluded.n, ok = ok + excluded.ok,
        days = days + excluded.days;
    INSERT INTO kpi_days (metric, day, n, ok, days)
    SELECT 'due:annual-review', {row}.due, 1,
           CASE WHEN {row}.met_on IS NOT NULL AND {row}.met_on <= {row}.due THEN 1 ELSE 0 END, 0
    WHERE {row}.milestone = 'annual-review'
    ON CONFLICT (metric, day) DO UPDATE SET n = n + excluded.n, ok = ok + excluded.ok;"""


def _deadline_remove(row: str) -> str:
    return f"""
    UPDATE kpi_days SET n = n - 1,
        ok = ok - CASE WHEN {row}.met_on <= {row}.due THEN 1 ELSE 0 END,
        days = days - CAST(julianday({row}.met_on) - julianday({row}.start) AS INTEGER)
    WHERE {row}.met_on IS NOT NULL AND {row}.milestone IN ({MET_SQL})
      AND metric = 'met:' || {row}.milestone AND day = {row}.met_on;
    UPDATE kpi_days SET n = n - 1,
        ok = ok - CASE WHEN {row}.met_on IS NOT NULL AND {row}.met_on <= {row}.due
                       THEN 1 ELSE 0 END
    WHERE {row}.milestone = 'annual-review' AND metric = 'due:annual-review'
      AND day = {row}.due;"""


def _case_add(row: str) -> str:
    return f"""
    INSERT INTO officer_caseloads (officer_id, open_cases)
    SELECT {row}.officer_id, 1 WHERE {row}.status <> 'closed'
    ON CONFLICT (officer_id) DO UPDATE SET open_cases = open_cases + 1;"""


def _case_remove(row: str) -> str:
    return f"""
    UPDATE officer_caseloads SET open_cases = open_cases - 1
    WHERE officer_id = {row}.officer_id AND {row}.status <> 'closed';"""


# a clock that counts: met, or an annual review (counted on its due day)
DEADLINE_COUNTS = "{row}.met_on IS NOT NULL OR {row}.milestone = 'annual-review'"


def _sqlite_triggers() -> None:
    for name, event, when, body in (
        ("kpi_followups_insert", "INSERT", None, _followup_add("NEW")),
        ("kpi_followups_delete", "DELETE", None, _followup_remove("OLD")),
        ("kpi_followups_update", "UPDATE OF due, done_at", None,
         _followup_remove("OLD") + _followup_add("NEW")),
        # a new case's clocks are neither met nor reviews: no trigger runs
        ("kpi_deadlines_insert", "INSERT", DEADLINE_COUNTS.format(row="NEW"),
         _deadline_add("NEW")),
        ("kpi_deadlines_delete", "DELETE", DEADLINE_COUNTS.format(row="OLD"),
         _deadline_remove("OLD")),
        ("kpi_deadlines_update", "UPDATE OF milestone, start, due, met_on", None,
         _deadline_remove("OLD") + _deadline_add("NEW")),
        ("kpi_cases_insert", "INSERT", None, _case_add("NEW")),
        ("kpi_cases_delete", "DELETE", None, _case_remove("OLD")),
        ("kpi_cases_update", "UPDATE OF officer_id, status", None,
         _case_remove("OLD") + _case_add("NEW")),
    ):
        table = name.split("_")[1]
        op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table}"
                   + (f" WHEN {when}" if when else "") + f" BEGIN {body}\nEND")


def _postgresql_triggers() -> None:
    op.execute(f"""
    CREATE FUNCTION kpi_followups() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE kpi_days SET n = n - 1,
            ok = ok - (OLD.done_at IS NOT NULL
                       AND (OLD.done_at AT TIME ZONE 'UTC')::date <= OLD.due)::int
        WHERE metric = 'followups' AND day = OLD.due;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO kpi_days AS k (metric, day, n, ok, days)
        VALUES ('followups', NEW.due, 1,
                (NEW.done_at IS NOT NULL
                 AND (NEW.done_at AT TIME ZONE 'UTC')::date <= NEW.due)::int, 0)
        ON CONFLICT (metric, day) DO UPDATE SET n = k.n + 1, ok = k.ok + EXCLUDED.ok;
      END IF;
      RETURN NULL;
    END $$""")
    op.execute("""CREATE TRIGGER kpi_followups AFTER INSERT OR DELETE OR UPDATE OF due, done_at
                  ON followups FOR EACH ROW EXECUTE FUNCTION kpi_followups()""")
    op.execute(f"""
    CREATE FUNCTION kpi_deadlines() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF OLD.met_on IS NOT NULL AND OLD.milestone IN ({MET_SQL}) THEN
          UPDATE kpi_days SET n = n - 1, ok = ok - (OLD.met_on <= OLD.due)::int,
              days = days - (OLD.met_on - OLD.start)
          WHERE metric = 'met:' || OLD.milestone AND day = OLD.met_on;
        END IF;
        IF OLD.milestone = 'annual-review' THEN
          UPDATE kpi_days SET n = n - 1,
              ok = ok - (OLD.met_on IS NOT NULL AND OLD.met_on <= OLD.due)::int
          WHERE metric = 'due:annual-review' AND day = OLD.due;
        END IF;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        IF NEW.met_on IS NOT NULL AND NEW.milestone IN ({MET_SQL}) THEN
          INSERT INTO kpi_days AS k (metric, day, n, ok, days)
          VALUES ('met:' || NEW.milestone, NEW.met_on, 1, (NEW.met_on <= NEW.due)::int,
                  NEW.met_on - NEW.start)
          ON CONFLICT (metric, day) DO UPDATE SET n = k.n + 1, ok = k.ok + EXCLUDED.ok,
              days = k.days + EXCLUDED.days;
        END IF;
        IF NEW.milestone = 'annual-review' THEN
          INSERT INTO kpi_days AS k (metric, day, n, ok, days)
          VALUES ('due:annual-review', NEW.due, 1,
                  (NEW.met_on IS NOT NULL AND NEW.met_on <= NEW.due)::int, 0)
          ON CONFLICT (metric, day) DO UPDATE SET n = k.n + 1, ok = k.ok + EXCLUDED.ok;
        END IF;
      END IF;
      RETURN NULL;
    END $$""")
    op.execute("""CREATE TRIGGER kpi_deadlines AFTER INSERT OR DELETE
                  OR UPDATE OF milestone, start, due, met_on
                  ON deadlines FOR EACH ROW EXECUTE FUNCTION kpi_deadlines()""")
    op.execute("""
    CREATE FUNCTION kpi_cases() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status <> 'closed' THEN
        UPDATE officer_caseloads SET open_cases = open_cases - 1
        WHERE officer_id = OLD.officer_id;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status <> 'closed' THEN
        INSERT INTO officer_caseloads AS c (officer_id, open_cases) VALUES (NEW.officer_id, 1)
        ON CONFLICT (officer_id) DO UPDATE SET open_cases = c.open_cases + 1;
      END IF;
      RETURN NULL;
    END $$""")
    op.execute("""CREATE TRIGGER kpi_cases AFTER INSERT OR DELETE OR UPDATE OF officer_id, status
                  ON cases FOR EACH ROW EXECUTE FUNCTION kpi_cases()""")


def _backfill() -> None:
    """The counts of the rows already in the store."""
    postgres = op.get_bind().dialect.name == "postgresql"
    done_day = "(done_at AT TIME ZONE 'UTC')::date" if postgres else "date(done_at)"
    days = "met_on - start" if postgres else \
        "CAST(julianday(met_on) - julianday(start) AS INTEGER)"
    op.execute(f"""
    INSERT INTO kpi_days (metric, day, n, ok, days)
    SELECT 'followups', due, count(*),
           sum(CASE WHEN done_at IS NOT NULL AND {done_day} <= due THEN 1 ELSE 0 END), 0
    FROM followups GROUP BY due""")
    op.execute(f"""
    INSERT INTO kpi_days (metric, day, n, ok, days)
    SELECT 'met:' || milestone, met_on, count(*),
           sum(CASE WHEN met_on <= due THEN 1 ELSE 0 END), sum({days})
    FROM deadlines WHERE met_on IS NOT NULL AND milestone IN ({MET_SQL})
    GROUP BY milestone, met_on""")
    op.execute("""
    INSERT INTO kpi_days (metric, day, n, ok, days)
    SELECT 'due:annual-review', due, count(*),
           sum(CASE WHEN met_on IS NOT NULL AND met_on <= due THEN 1 ELSE 0 END), 0
    FROM deadlines WHERE milestone = 'annual-review' GROUP BY due""")
    op.execute("""
    INSERT INTO officer_caseloads (officer_id, open_cases)
    SELECT officer_id, count(*) FROM cases WHERE status <> 'closed' GROUP BY officer_id""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in ("followups", "deadlines", "cases"):
            op.execute(f"DROP TRIGGER IF EXISTS kpi_{table} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS kpi_{table}()")
    else:
        for table in ("followups", "deadlines", "cases"):
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS kpi_{table}_{event}")
    op.drop_table('officer_caseloads')
    op.drop_table('kpi_days')
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.drop_index('ix_followups_open_kind')
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.drop_index('ix_deadlines_open')
        batch_op.create_index('ix_deadlines_open_due', ['due'], unique=False,
                              sqlite_where=sa.text('met_on IS NULL'),
                              postgresql_where=sa.text('met_on IS NULL'))
    with op.batch_alter_table('advice_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_advice_requests_received')
