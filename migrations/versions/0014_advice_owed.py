"""the advice owed, the forecast's stage durations by month, the audit's size, kept by triggers

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06

`report kpi` counts the advice outstanding as the period ended: asked for by
then, not received by then, and still owed: not once the case was closed,
nor once the council refused to assess or to issue a plan, or the plan
ceased, on or after the day it was asked. At England's size that checked
26,000 pieces of advice, each against its case's closure and its milestones,
on every run (about 40 ms of the report's 60). What the count needs of each
piece of advice is now kept in advice_owed, one row per advice request not
withdrawn:

- case_id, source, requested: as asked;
- owed_until: the first day it is owed no more (received, the case closed,
  or the assessment or the plan ended), or NULL while it is still owed.

Advice is outstanding at the end of a day E when requested <= E and
(owed_until IS NULL OR owed_until > E): ranges of ix_advice_owed_until,
in the order of the sources counted.
A case closed without a day recorded has ended for every day: its advice is
owed until the day it was asked, that is never.

Triggers on advice_requests (added, changed, withdrawn, taken away), cases
(closed or reopened, the day of closure changed, removed) and milestones (a
refusal or a cessation added, changed or taken away) work the rows out again,
so every path that writes (the ORM, the bulk import, `db copy`, this
backfill) keeps them alike.

The breach forecast's medians add up the stage durations of the twelve
months before the day (stage_days, revision 0010): 56,000 rows of days at
England's size, about 40 ms of every `forecast`. stage_months holds the same
counts added up by calendar month (month: its first day), kept by triggers
on stage_days itself, so the medians read the whole months from it and only
the days of the two months cut by the window from stage_days.

`audit` counts its entries for the table's "... and N more": a count of
England's 2 million entries took about 40 ms, and grows with the trail.
store_counts holds the number ('audit'), kept by triggers on audit (on
PostgreSQL once per statement, from its transition table).

A later revision that makes SQLite copy cases, milestones, advice_requests,
stage_days or audit (batch mode's move and copy) drops these triggers with
the old table: it must create them again (_sqlite_triggers(),
_sqlite_month_triggers(), _audit_count_triggers()).
"""

from alembic import op
import sqlalchemy as sa

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

COLUMNS = "advice_id, case_id, source, requested, owed_until"
# a milestone that ends what is owed (the predicate of ix_milestones_ending)
ENDING = ("(m.kind = 'ceased' OR (m.kind IN ('assessment-decision', 'issue-decision')"
          " AND m.outcome = 'refused'))")
ENDING_NEW = ENDING.replace("m.", "NEW.")
ENDING_OLD = ENDING.replace("m.", "OLD.")
CASE_CHANGE = "UPDATE OF status, closed_on"
MILESTONE_CHANGE = 'UPDATE OF case_id, kind, "on", outcome'
ADVICE_CHANGE = "UPDATE OF case_id, source, requested, received, withdrawn_at"


def _select(postgres: bool, where: str) -> str:
    """The rows of the advice WHERE says (a: the advice request)."""
    closed = ("(SELECT CASE WHEN c.status = 'closed' THEN coalesce(c.closed_on, a.requested)"
              " END FROM cases c WHERE c.id = a.case_id)")
    ended = (f'(SELECT min(m."on") FROM milestones m WHERE m.case_id = a.case_id'
             f' AND m."on" >= a.requested AND {ENDING})')
    if postgres:
        until = f"LEAST(a.received, {closed}, {ended})"
    else:  # SQLite's min() of several values is NULL when one is
        until = ("nullif(min(" + ", ".join(f"coalesce({x}, '9999-12-31')"
                                           for x in ("a.received", closed, ended))
                 + "), '9999-12-31')")
    return f"""
    SELECT a.id, a.case_id, a.source, a.requested, {until}
    FROM advice_requests a WHERE {where} AND a.withdrawn_at IS NULL"""


def _refresh(postgres: bool, column: str, value: str) -> str:
    """Work out again the rows whose COLUMN (advice_id or case_id) is VALUE."""
    of = "a.id" if column == "advice_id" else "a.case_id"
    return f"""
    DELETE FROM advice_owed WHERE {column} = {value};
    INSERT INTO advice_owed ({COLUMNS}) {_select(postgres, f'{of} = {value}')};"""


def _sqlite_triggers() -> None:
    def cases_of_milestone() -> str:
        return _refresh(False, "case_id", "OLD.case_id") + _refresh(False, "case_id",
                                                                   "NEW.case_id")

    for name, event, table, when, body in (
        ("advice_insert", "INSERT", "advice_requests", None,
         _refresh(False, "advice_id", "NEW.id")),
        ("advice_update", ADVICE_CHANGE, "advice_requests", None,
         _refresh(False, "advice_id", "NEW.id")),
        ("advice_delete", "DELETE", "advice_requests", None,
         "DELETE FROM advice_owed WHERE advice_id = OLD.id;"),
        ("cases_update", CASE_CHANGE, "cases",
         "OLD.status = 'closed' OR NEW.status = 'closed'",
         _refresh(False, "case_id", "NEW.id")),
        ("cases_delete", "DELETE", "cases", None,
         "DELETE FROM advice_owed WHERE case_id = OLD.id;"),
        ("milestones_insert", "INSERT", "milestones", ENDING_NEW,
         _refresh(False, "case_id", "NEW.case_id")),
        ("milestones_delete", "DELETE", "milestones", ENDING_OLD,
         _refresh(False, "case_id", "OLD.case_id")),
        ("milestones_update", MILESTONE_CHANGE, "milestones",
         f"{ENDING_OLD} OR {ENDING_NEW}", cases_of_milestone()),
    ):
        op.execute(f"CREATE TRIGGER advice_owed_{name} AFTER {event} ON {table}"
                   + (f" WHEN {when}" if when else "") + f" BEGIN {body}\nEND")


def _postgresql_triggers() -> None:
    op.execute(f"""
    CREATE FUNCTION advice_owed_refresh(column_name text, key integer) RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
      IF column_name = 'advice_id' THEN
        {_refresh(True, 'advice_id', 'key')}
      ELSE
        {_refresh(True, 'case_id', 'key')}
      END IF;
    END $$""")
    op.execute("""
    CREATE FUNCTION advice_owed_advice() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        DELETE FROM advice_owed WHERE advice_id = OLD.id;
      ELSE
        PERFORM advice_owed_refresh('advice_id', NEW.id);
      END IF;
      RETURN NULL;
    END $$""")
    op.execute(f"""CREATE TRIGGER advice_owed_advice AFTER INSERT OR DELETE OR {ADVICE_CHANGE}
                  ON advice_requests FOR EACH ROW EXECUTE FUNCTION advice_owed_advice()""")
    op.execute("""
    CREATE FUNCTION advice_owed_cases() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        DELETE FROM advice_owed WHERE case_id = OLD.id;
      ELSIF OLD.status = 'closed' OR NEW.status = 'closed' THEN
        PERFORM advice_owed_refresh('case_id', NEW.id);
      END IF;
      RETURN NULL;
    END $$""")
    op.execute(f"""CREATE TRIGGER advice_owed_cases AFTER DELETE OR {CASE_CHANGE}
                  ON cases FOR EACH ROW EXECUTE FUNCTION advice_owed_cases()""")
    op.execute(f"""
    CREATE FUNCTION advice_owed_milestones() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') AND {ENDING_OLD} THEN
        PERFORM advice_owed_refresh('case_id', OLD.case_id);
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') AND {ENDING_NEW} THEN
        PERFORM advice_owed_refresh('case_id', NEW.case_id);
      END IF;
      RETURN NULL;
    END $$""")
    op.execute(f"""CREATE TRIGGER advice_owed_milestones AFTER INSERT OR DELETE
                  OR {MILESTONE_CHANGE} ON milestones FOR EACH ROW
                  EXECUTE FUNCTION advice_owed_milestones()""")


def _month_change(postgres: bool, row: str, sign: str) -> str:
    """Add (SIGN '+') or take away ('-') stage_days row ROW (NEW or OLD) in its month."""
    month = (f"CAST(date_trunc('month', {row}.day) AS date)" if postgres
             else f"date({row}.day, 'start of month')")
    total = "stage_months.n + EXCLUDED.n" if postgres else "n + excluded.n"
    return f"""
    INSERT INTO stage_months (month, stage, days, n)
    VALUES ({month}, {row}.stage, {row}.days, {sign}{row}.n)
    ON CONFLICT (month, stage, days) DO UPDATE SET n = {total};"""


def _sqlite_month_triggers() -> None:
    for name, event, body in (
        ("insert", "INSERT", _month_change(False, "NEW", "+")),
        ("update", "UPDATE", _month_change(False, "OLD", "-") + _month_change(False, "NEW", "+")),
        ("delete", "DELETE", _month_change(False, "OLD", "-")),
    ):
        op.execute(f"CREATE TRIGGER stage_months_{name} AFTER {event} ON stage_days"
                   f" BEGIN {body}\nEND")


def _postgresql_month_triggers() -> None:
    op.execute(f"""
    CREATE FUNCTION stage_months_days() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        {_month_change(True, 'OLD', '-')}
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {_month_change(True, 'NEW', '+')}
      END IF;
      RETURN NULL;
    END $$""")
    op.execute("""CREATE TRIGGER stage_months_days AFTER INSERT OR UPDATE OR DELETE
                  ON stage_days FOR EACH ROW EXECUTE FUNCTION stage_months_days()""")


def _audit_count_triggers(postgres: bool) -> None:
    if postgres:
        for event, table, sign in (("INSERT", "NEW", "+"), ("DELETE", "OLD", "-")):
            name = f"store_counts_audit_{event.lower()}"
            op.execute(f"""
            CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              UPDATE store_counts SET n = n {sign} (SELECT count(*) FROM changed)
              WHERE name = 'audit';
              RETURN NULL;
            END $$""")
            op.execute(f"""CREATE TRIGGER {name} AFTER {event} ON audit
                          REFERENCING {table} TABLE AS changed
                          FOR EACH STATEMENT EXECUTE FUNCTION {name}()""")
        return
    for event, sign in (("INSERT", "+"), ("DELETE", "-")):
        op.execute(f"CREATE TRIGGER store_counts_audit_{event.lower()} AFTER {event} ON audit"
                   f" BEGIN UPDATE store_counts SET n = n {sign} 1 WHERE name = 'audit'; END")


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        'advice_owed',
        sa.Column('advice_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=32), nullable=False),
        sa.Column('requested', sa.Date(), nullable=False),
        sa.Column('owed_until', sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint('advice_id', name=op.f('pk_advice_owed')),
    )
    op.execute(f"INSERT INTO advice_owed ({COLUMNS}) {_select(postgres, '1 = 1')}")
    # after the backfill: a sort each instead of 2 million inserts into an index
    op.create_index('ix_advice_owed_case', 'advice_owed', ['case_id'], unique=False)
    op.create_index('ix_advice_owed_until', 'advice_owed',
                    ['owed_until', 'source', 'requested'], unique=False)
    op.create_table(
        'stage_months',
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('stage', sa.String(length=40), nullable=False),
        sa.Column('days', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('n', sa.Integer(), server_default=sa.text('0'), nullable=False),
        sa.PrimaryKeyConstraint('month', 'stage', 'days', name=op.f('pk_stage_months')),
    )
    month = "CAST(date_trunc('month', day) AS date)" if postgres else \
        "date(day, 'start of month')"
    op.execute(f"""INSERT INTO stage_months (month, stage, days, n)
                   SELECT {month}, stage, days, sum(n) FROM stage_days
                   GROUP BY {month}, stage, days""")
    op.create_table(
        'store_counts',
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('n', sa.Integer(), server_default=sa.text('0'), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_store_counts')),
    )
    op.execute("INSERT INTO store_counts (name, n) SELECT 'audit', count(*) FROM audit")
    _audit_count_triggers(postgres)
    if postgres:
        _postgresql_triggers()
        _postgresql_month_triggers()
    else:
        _sqlite_triggers()
        _sqlite_month_triggers()


def downgrade() -> None:
    for event in ("insert", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS store_counts_audit_{event}"
                   + (" ON audit" if op.get_bind().dialect.name == "postgresql" else ""))
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP FUNCTION IF EXISTS store_counts_audit_{event}()")
    op.drop_table('store_counts')
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS advice_owed_advice ON advice_requests")
        op.execute("DROP TRIGGER IF EXISTS advice_owed_cases ON cases")
        op.execute("DROP TRIGGER IF EXISTS advice_owed_milestones ON milestones")
        op.execute("DROP TRIGGER IF EXISTS stage_months_days ON stage_days")
        for function in ("stage_months_days()", "advice_owed_advice()", "advice_owed_cases()",
                         "advice_owed_milestones()", "advice_owed_refresh(text, integer)"):
            op.execute(f"DROP FUNCTION IF EXISTS {function}")
    else:
        for name in ("advice_insert", "advice_update", "advice_delete", "cases_update",
                     "cases_delete", "milestones_insert", "milestones_delete",
                     "milestones_update"):
            op.execute(f"DROP TRIGGER IF EXISTS advice_owed_{name}")
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS stage_months_{name}")
    op.drop_table('stage_months')
    op.drop_index('ix_advice_owed_until', table_name='advice_owed')
    op.drop_index('ix_advice_owed_case', table_name='advice_owed')
    op.drop_table('advice_owed')
