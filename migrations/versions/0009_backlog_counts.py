"""open statutory clocks counted per due day and milestone; clocks by case

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05

A backlog of breached clocks (an imported caseload of requests not yet
decided) made `deadlines` count every open clock at report time: 800,000 of
them for 200,000 requests. The count of open clocks is kept as the work is
recorded instead, in kpi_days under the metric 'open:<milestone>' on the
clock's due day (n: how many), by triggers on deadlines as revision 0005's
counts are; the report adds up the days it lists and takes away the clocks
of ended cases, found through the open clocks of each case (a new partial
index), so a backlog costs what a small store does. The KPIs' plans under
an exception are found through the met clocks of each case (another).

A later revision that makes SQLite copy deadlines (batch mode) drops these
triggers with the old table: it must create them again (_sqlite_triggers()).
"""

from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # the open clocks of one case: those of the ended cases, which the
    # deadlines report leaves out, found without reading the others (a plain
    # CREATE INDEX: the table is not copied, its triggers stay)
    op.create_index('ix_deadlines_open_case', 'deadlines', ['case_id', 'due', 'milestone'],
                    unique=False, sqlite_where=sa.text('met_on IS NULL'),
                    postgresql_where=sa.text('met_on IS NULL'))
    # the clocks met of one case: the plans made under an exception (KPIs),
    # from the cases that have one, however many other clocks they hold
    op.create_index('ix_deadlines_met_case', 'deadlines', ['case_id', 'milestone', 'met_on'],
                    unique=False, sqlite_where=sa.text('met_on IS NOT NULL'),
                    postgresql_where=sa.text('met_on IS NOT NULL'))
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()
    op.execute("""INSERT INTO kpi_days (metric, day, n, ok, days)
                  SELECT 'open:' || milestone, due, count(*), 0, 0 FROM deadlines
                  WHERE met_on IS NULL GROUP BY milestone, due""")


def _open_add(row: str) -> str:
    return f"""
    INSERT INTO kpi_days (metric, day, n, ok, days)
    SELECT 'open:' || {row}.milestone, {row}.due, 1, 0, 0 WHERE {row}.met_on IS NULL
    ON CONFLICT (metric, day) DO UPDATE SET n = n + 1;"""


def _open_remove(row: str) -> str:
    return f"""
    UPDATE kpi_days SET n = n - 1
    WHERE {row}.met_on IS NULL AND metric = 'open:' || {row}.milestone AND day = {row}.due;"""


def _sqlite_triggers() -> None:
    for name, event, when, body in (
        ("open_deadlines_insert", "INSERT", "NEW.met_on IS NULL", _open_add("NEW")),
        ("open_deadlines_delete", "DELETE", "OLD.met_on IS NULL", _open_remove("OLD")),
        ("open_deadlines_update", "UPDATE OF milestone, due, met_on", None,
         _open_remove("OLD") + _open_add("NEW")),
    ):
        op.execute(f"CREATE TRIGGER {name} AFTER {event} ON deadlines"
                   + (f" WHEN {when}" if when else "") + f" BEGIN {body}\nEND")


def _postgresql_triggers() -> None:
    op.execute("""
    CREATE FUNCTION open_deadlines() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.met_on IS NULL THEN
        UPDATE kpi_days SET n = n - 1
        WHERE metric = 'open:' || OLD.milestone AND day = OLD.due;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.met_on IS NULL THEN
        INSERT INTO kpi_days AS k (metric, day, n, ok, days)
        VALUES ('open:' || NEW.milestone, NEW.due, 1, 0, 0)
        ON CONFLICT (metric, day) DO UPDATE SET n = k.n + 1;
      END IF;
      RETURN NULL;
    END $$""")
    op.execute("""CREATE TRIGGER open_deadlines AFTER INSERT OR DELETE
                  OR UPDATE OF milestone, due, met_on
                  ON deadlines FOR EACH ROW EXECUTE FUNCTION open_deadlines()""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS open_deadlines ON deadlines")
        op.execute("DROP FUNCTION IF EXISTS open_deadlines()")
    else:
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS open_deadlines_{event}")
    op.execute("DELETE FROM kpi_days WHERE metric LIKE 'open:%'")
    op.drop_index('ix_deadlines_met_case', table_name='deadlines',
                  sqlite_where=sa.text('met_on IS NOT NULL'),
                  postgresql_where=sa.text('met_on IS NOT NULL'))
    op.drop_index('ix_deadlines_open_case', table_name='deadlines',
                  sqlite_where=sa.text('met_on IS NULL'),
                  postgresql_where=sa.text('met_on IS NULL'))
