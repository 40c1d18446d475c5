"""the daily reads at England's size: clocks of ended cases counted, indexes
that answer alone

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05

`deadlines` adds up the open clocks kept per due day (revision 0009) and
took away those of the cases that ended, found one case at a time: 95,000
ended cases on England's store. Those clocks are now kept too, in kpi_days
under 'ended:<milestone>' on the clock's due day: the open clocks of a
closed case, and of a ceased or refused one except its appeal window (the
clocks the report leaves out). Triggers on deadlines (a clock added, taken
away or changed) and on cases (its status changed, the case erased) keep
them, as 0009's keep the open clocks.

Four indexes let a daily read answer from the index alone:
- the open clocks of one case carry their start too (the reg 10(4)
  exceptions are matched against a clock's span): ix_deadlines_open_case;
- the milestones that end what is owed on advice (a plan ceased, an
  assessment or a plan refused), a few per case: ix_milestones_ending;
- the advice not yet received nor withdrawn: ix_advice_requests_open (its
  first two columns are NULL throughout: they are there so that a query on
  them finds every column it reads in the index);
- the closed cases and the day each closed: ix_cases_closed.

A later revision that makes SQLite copy deadlines or cases (batch mode)
drops these triggers with the old table: it must create them again
(_sqlite_triggers()).
"""

from alembic import op
import sqlalchemy as sa

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

OPEN = sa.text("met_on IS NULL")
ENDING = sa.text("kind = 'ceased' OR (kind IN ('assessment-decision', 'issue-decision') "
                 "AND outcome = 'refused')")
ADVICE_OPEN = sa.text("received IS NULL AND withdrawn_at IS NULL")
CLOSED = sa.text("status = 'closed'")


def ended(status: str, milestone: str) -> str:
    """SQL: a clock MILESTONE of a case of STATUS is not listed (the case ended)."""
    return (f"({status} = 'closed' OR ({status} IN ('ceased', 'refused')"
            f" AND {milestone} <> 'appeal'))")


def upgrade() -> None:
    op.drop_index('ix_deadlines_open_case', table_name='deadlines',
                  sqlite_where=OPEN, postgresql_where=OPEN)
    op.create_index('ix_deadlines_open_case', 'deadlines',
                    ['case_id', 'due', 'milestone', 'start'], unique=False,
                    sqlite_where=OPEN, postgresql_where=OPEN)
    op.create_index('ix_milestones_ending', 'milestones', ['case_id', 'on', 'kind', 'outcome'],
                    unique=False, sqlite_where=ENDING, postgresql_where=ENDING)
    op.create_index('ix_advice_requests_open', 'advice_requests',
                    ['received', 'withdrawn_at', 'source', 'requested', 'case_id'],
                    unique=False, sqlite_where=ADVICE_OPEN, postgresql_where=ADVICE_OPEN)
    op.create_index('ix_cases_closed', 'cases', ['status', 'closed_on'], unique=False,
                    sqlite_where=CLOSED, postgresql_where=CLOSED)
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()
    op.execute(f"""INSERT INTO kpi_days (metric, day, n, ok, days)
                   SELECT 'ended:' || d.milestone, d.due, count(*), 0, 0
                   FROM deadlines d JOIN cases c ON c.id = d.case_id
                   WHERE d.met_on IS NULL AND {ended('c.status', 'd.milestone')}
                   GROUP BY d.milestone, d.due""")


# -- SQLite ---------------------------------------------------------------------
def _clock_add(row: str) -> str:
    return f"""
    INSERT INTO kpi_days (metric, day, n, ok, days)
    SELECT 'ended:' || {row}.milestone, {row}.due, 1, 0, 0 FROM cases c
    WHERE {row}.met_on IS NULL AND c.id = {row}.case_id AND {ended('c.status', row + '.milestone')}
    ON CONFLICT (metric, day) DO UPDATE SET n = n + 1;"""


def _clock_remove(row: str) -> str:
    return f"""
    UPDATE kpi_days SET n = n - 1
    WHERE {row}.met_on IS NULL AND metric = 'ended:' || {row}.milestone AND day = {row}.due
      AND EXISTS (SELECT 1 FROM cases c WHERE c.id = {row}.case_id
                  AND {ended('c.status', row + '.milestone')});"""


def _case_clocks(row: str, sign: int) -> str:
    """The open clocks of case ROW (OLD or NEW) as its status makes them ended,
    added (SIGN 1) or taken away (-1)."""
    chosen = (f"FROM deadlines d WHERE d.case_id = {row}.id AND d.met_on IS NULL"
              f" AND {ended(row + '.status', 'd.milestone')}")
    if sign > 0:
        return f"""
    INSERT INTO kpi_days (metric, day, n, ok, days)
    SELECT 'ended:' || d.milestone, d.due, count(*), 0, 0 {chosen}
    GROUP BY d.milestone, d.due
    ON CONFLICT (metric, day) DO UPDATE SET n = n + excluded.n;"""
    return f"""
    UPDATE kpi_days SET n = n - (SELECT count(*) {chosen}
        AND 'ended:' || d.milestone = kpi_days.metric AND d.due = kpi_days.day)
    WHERE (metric, day) IN (SELECT 'ended:' || d.milestone, d.due {chosen});"""


def _sqlite_triggers() -> None:
    for name, table, event, when, body in (
        ("ended_deadlines_insert", "deadlines", "INSERT", "NEW.met_on IS NULL",
         _clock_add("NEW")),
        ("ended_deadlines_delete", "deadlines", "DELETE", "OLD.met_on IS NULL",
         _clock_remove("OLD")),
        ("ended_deadlines_update", "deadlines", "UPDATE OF case_id, milestone, due, met_on",
         None, _clock_remove("OLD") + _clock_add("NEW")),
        ("ended_cases_update", "cases", "UPDATE OF status", "NEW.status IS NOT OLD.status",
         _case_clocks("OLD", -1) + _case_clocks("NEW", 1)),
        ("ended_cases_delete", "cases", "DELETE", None, _case_clocks("OLD", -1)),
    ):
        op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table}"
                   + (f" WHEN {when}" if when else "") + f" BEGIN {body}\nEND")


# -- PostgreSQL -----------------------------------------------------------------
def _postgresql_triggers() -> None:
    def case_ended(row: str) -> str:
        return (f"EXISTS (SELECT 1 FROM cases c WHERE c.id = {row}.case_id"
                f" AND {ended('c.status', row + '.milestone')})")

    op.execute(f"""
    CREATE FUNCTION ended_deadlines() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.met_on IS NULL AND {case_ended('OLD')} THEN
        UPDATE kpi_days SET n = n - 1
        WHERE metric = 'ended:' || OLD.milestone AND day = OLD.due;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.met_on IS NULL AND {case_ended('NEW')} THEN
        INSERT INTO kpi_days AS k (metric, day, n, ok, days)
        VALUES ('ended:' || NEW.milestone, NEW.due, 1, 0, 0)
        ON CONFLICT (metric, day) DO UPDATE SET n = k.n + 1;
      END IF;
      RETURN NULL;
    END $$""")
    op.execute("""CREATE TRIGGER ended_deadlines AFTER INSERT OR DELETE
                  OR UPDATE OF case_id, milestone, due, met_on
                  ON deadlines FOR EACH ROW EXECUTE FUNCTION ended_deadlines()""")

    def chosen(row: str) -> str:
        return (f"SELECT 'ended:' || d.milestone AS metric, d.due AS day, count(*) AS n"
                f" FROM deadlines d WHERE d.case_id = {row}.id AND d.met_on IS NULL"
                f" AND {ended(row + '.status', 'd.milestone')} GROUP BY d.milestone, d.due")

    op.execute(f"""
    CREATE FUNCTION ended_cases() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND NEW.status IS NOT DISTINCT FROM OLD.status THEN
        RETURN NULL;
      END IF;
      UPDATE kpi_days k SET n = k.n - s.n FROM ({chosen('OLD')}) s
      WHERE k.metric = s.metric AND k.day = s.day;
      IF TG_OP = 'UPDATE' THEN
        INSERT INTO kpi_days AS k (metric, day, n, ok, days)
        SELECT s.metric, s.day, s.n, 0, 0 FROM ({chosen('NEW')}) s
        ON CONFLICT (metric, day) DO UPDATE SET n = k.n + EXCLUDED.n;
      END IF;
      RETURN NULL;
    END $$""")
    op.execute("""CREATE TRIGGER ended_cases AFTER DELETE OR UPDATE OF status
                  ON cases FOR EACH ROW EXECUTE FUNCTION ended_cases()""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ended_cases ON cases")
        op.execute("DROP FUNCTION IF EXISTS ended_cases()")
        op.execute("DROP TRIGGER IF EXISTS ended_deadlines ON deadlines")
        op.execute("DROP FUNCTION IF EXISTS ended_deadlines()")
    else:
        for name in ("ended_deadlines_insert", "ended_deadlines_delete",
                     "ended_deadlines_update", "ended_cases_update", "ended_cases_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DELETE FROM kpi_days WHERE metric LIKE 'ended:%'")
    op.drop_index('ix_cases_closed', table_name='cases', sqlite_where=CLOSED,
                  postgresql_where=CLOSED)
    op.drop_index('ix_advice_requests_open', table_name='advice_requests',
                  sqlite_where=ADVICE_OPEN, postgresql_where=ADVICE_OPEN)
    op.drop_index('ix_milestones_ending', table_name='milestones',
                  sqlite_where=ENDING, postgresql_where=ENDING)
    op.drop_index('ix_deadlines_open_case', table_name='deadlines',
                  sqlite_where=OPEN, postgresql_where=OPEN)
    op.create_index('ix_deadlines_open_case', 'deadlines', ['case_id', 'due', 'milestone'],
                    unique=False, sqlite_where=OPEN, postgresql_where=OPEN)
