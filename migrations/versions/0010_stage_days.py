"""the breach forecast's stage durations, kept by triggers

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05

The breach forecast takes, for each stage of the 20-week path, the median
of that stage's duration over the 12 months before the forecast day. At
England's size that is millions of milestones to read on every run, so the
durations are counted as the work is recorded instead, one row per day,
stage and duration in stage_days (n: how many stages of that length ended
that day), as revision 0005 counts the KPIs. Triggers keep them, so every
path that writes (the ORM, the bulk import, `db copy`, this backfill) counts
alike. The stages, each counted on the day it ended:

- 'decision': a decision whether to assess (agreed or refused), in days from
  the request;
- 'asking': an agreed decision to assess, in days to the first advice asked
  on or after it (counted on the decision's day; the forecast leaves out
  those whose first advice was asked on or after its own day);
- 'plan': a final plan, in days from the last advice received on or before it;
- 'advice:SOURCE': advice received, in days from when it was asked.

A duration below 0 days (a date recorded before its start) is not counted.
'asking' and 'plan' depend on a case's advice as well as on its milestone:
a change to a case's advice takes the case's asking and plan counts away
before it (a BEFORE trigger) and counts them again after it.

A later revision that makes SQLite copy milestones, advice_requests or cases
(batch mode's move and copy) drops their triggers with the old table: it
must create them again (call this revision's _sqlite_triggers()).
"""

from alembic import op
import sqlalchemy as sa

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def _sql(postgres: bool) -> dict[str, str]:
    """The dialect's words: whole days between two dates, and adding to a count."""
    return {
        "days": "({a} - {b})" if postgres else
                "CAST(julianday({a}) - julianday({b}) AS INTEGER)",
        "upsert": "ON CONFLICT (day, stage, days) DO UPDATE SET n = stage_days.n + EXCLUDED.n"
                  if postgres else
                  "ON CONFLICT (day, stage, days) DO UPDATE SET n = n + excluded.n",
    }


def _days(w: dict[str, str], a: str, b: str) -> str:
    return w["days"].format(a=a, b=b)


# -- what one row adds (sign 1) or takes away (sign -1) ---------------------------
def _milestone(w: dict[str, str], m: str, sign: int) -> str:
    """The counts of milestone row M (NEW or OLD)."""
    return f"""
    INSERT INTO stage_days (day, stage, days, n)
    SELECT {m}."on", 'decision', {_days(w, f'{m}."on"', 'c.received')}, {sign}
    FROM cases c
    WHERE c.id = {m}.case_id AND {m}.kind = 'assessment-decision' AND {m}."on" >= c.received
    {w['upsert']};
    INSERT INTO stage_days (day, stage, days, n)
    SELECT {m}."on", 'asking', {_days(w, 'f.ask', f'{m}."on"')}, {sign}
    FROM (SELECT min(a.requested) AS ask FROM advice_requests a
          WHERE a.case_id = {m}.case_id AND a.requested >= {m}."on") f
    WHERE f.ask IS NOT NULL AND {m}.kind = 'assessment-decision' AND {m}.outcome = 'agreed'
    {w['upsert']};
    INSERT INTO stage_days (day, stage, days, n)
    SELECT {m}."on", 'plan', {_days(w, f'{m}."on"', 'f.got')}, {sign}
    FROM (SELECT max(a.received) AS got FROM advice_requests a
          WHERE a.case_id = {m}.case_id AND a.received <= {m}."on") f
    WHERE f.got IS NOT NULL AND {m}.kind = 'final-plan'
    {w['upsert']};"""


def _advice(w: dict[str, str], a: str, sign: int) -> str:
    """The count of advice row A (NEW or OLD) itself."""
    return f"""
    INSERT INTO stage_days (day, stage, days, n)
    SELECT {a}.received, 'advice:' || {a}.source, {_days(w, f'{a}.received', f'{a}.requested')},
           {sign}
    WHERE {a}.received IS NOT NULL AND {a}.received >= {a}.requested
    {w['upsert']};"""


def _case_stages(w: dict[str, str], case_id: str, sign: int, where: str = "") -> str:
    """The 'asking' and 'plan' counts of every milestone of case CASE_ID (they
    depend on its advice). WHERE: a further condition."""
    return f"""
    INSERT INTO stage_days (day, stage, days, n)
    SELECT f.on_, 'asking', {_days(w, 'f.ask', 'f.on_')}, {sign} * count(*)
    FROM (SELECT m."on" AS on_,
                 (SELECT min(a.requested) FROM advice_requests a
                  WHERE a.case_id = m.case_id AND a.requested >= m."on") AS ask
          FROM milestones m
          WHERE m.case_id = {case_id} AND m.kind = 'assessment-decision'
            AND m.outcome = 'agreed') f
    WHERE f.ask IS NOT NULL {where}
    GROUP BY f.on_, f.ask
    {w['upsert']};
    INSERT INTO stage_days (day, stage, days, n)
    SELECT f.on_, 'plan', {_days(w, 'f.on_', 'f.got')}, {sign} * count(*)
    FROM (SELECT m."on" AS on_,
                 (SELECT max(a.received) FROM advice_requests a
                  WHERE a.case_id = m.case_id AND a.received <= m."on") AS got
          FROM milestones m WHERE m.case_id = {case_id} AND m.kind = 'final-plan') f
    WHERE f.got IS NOT NULL {where}
    GROUP BY f.on_, f.got
    {w['upsert']};"""


def _case_decisions(w: dict[str, str], row: str, sign: int) -> str:
    """The 'decision' counts of case ROW (NEW or OLD: its received day)."""
    return f"""
    INSERT INTO stage_days (day, stage, days, n)
    SELECT m."on", 'decision', {_days(w, 'm."on"', f'{row}.received')}, {sign} * count(*)
    FROM milestones m
    WHERE m.case_id = {row}.id AND m.kind = 'assessment-decision' AND m."on" >= {row}.received
    GROUP BY m."on"
    {w['upsert']};"""


STAGE_KINDS = "('assessment-decision', 'final-plan')"
ADVICE_CHANGE = "UPDATE OF case_id, source, requested, received"


def _sqlite_triggers() -> None:
    w = _sql(postgres=False)
    other = "AND NEW.case_id <> OLD.case_id"
    for name, timing, event, table, when, body in (
        ("stage_milestones_insert", "AFTER", "INSERT", "milestones",
         f"NEW.kind IN {STAGE_KINDS}", _milestone(w, "NEW", 1)),
        ("stage_milestones_delete", "AFTER", "DELETE", "milestones",
         f"OLD.kind IN {STAGE_KINDS}", _milestone(w, "OLD", -1)),
        ("stage_milestones_update", "AFTER", 'UPDATE OF case_id, kind, "on", outcome',
         "milestones", f"OLD.kind IN {STAGE_KINDS} OR NEW.kind IN {STAGE_KINDS}",
         _milestone(w, "OLD", -1) + _milestone(w, "NEW", 1)),
        ("stage_advice_before_insert", "BEFORE", "INSERT", "advice_requests", None,
         _case_stages(w, "NEW.case_id", -1)),
        ("stage_advice_insert", "AFTER", "INSERT", "advice_requests", None,
         _case_stages(w, "NEW.case_id", 1) + _advice(w, "NEW", 1)),
        ("stage_advice_before_delete", "BEFORE", "DELETE", "advice_requests", None,
         _case_stages(w, "OLD.case_id", -1)),
        ("stage_advice_delete", "AFTER", "DELETE", "advice_requests", None,
         _case_stages(w, "OLD.case_id", 1) + _advice(w, "OLD", -1)),
        ("stage_advice_before_update", "BEFORE", ADVICE_CHANGE, "advice_requests", None,
         _case_stages(w, "OLD.case_id", -1) + _case_stages(w, "NEW.case_id", -1, other)),
        ("stage_advice_update", "AFTER", ADVICE_CHANGE, "advice_requests", None,
         _case_stages(w, "OLD.case_id", 1) + _case_stages(w, "NEW.case_id", 1, other)
         + _advice(w, "OLD", -1) + _advice(w, "NEW", 1)),
        ("stage_cases_update", "AFTER", "UPDATE OF received", "cases",
         "NEW.received IS NOT OLD.received",
         _case_decisions(w, "OLD", -1) + _case_decisions(w, "NEW", 1)),
    ):
        op.execute(f"CREATE TRIGGER {name} {timing} {event} ON {table}"
                   + (f" WHEN {when}" if when else "") + f" BEGIN {body}\nEND")


def _postgresql_triggers() -> None:
    w = _sql(postgres=True)
    op.execute(f"""
    CREATE FUNCTION stage_milestones() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN {_milestone(w, "OLD", -1)}
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN {_milestone(w, "NEW", 1)}
      END IF;
      RETURN NULL;
    END $$""")
    op.execute("""CREATE TRIGGER stage_milestones AFTER INSERT OR DELETE
                  OR UPDATE OF case_id, kind, "on", outcome
                  ON milestones FOR EACH ROW EXECUTE FUNCTION stage_milestones()""")
    op.execute(f"""
    CREATE FUNCTION stage_advice_before() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN {_case_stages(w, "NEW.case_id", -1)}
        RETURN NEW;
      END IF;
      {_case_stages(w, "OLD.case_id", -1)}
      IF TG_OP = 'DELETE' THEN
        RETURN OLD;
      END IF;
      IF NEW.case_id <> OLD.case_id THEN {_case_stages(w, "NEW.case_id", -1)}
      END IF;
      RETURN NEW;
    END $$""")
    op.execute(f"""CREATE TRIGGER stage_advice_before BEFORE INSERT OR DELETE
                  OR {ADVICE_CHANGE}
                  ON advice_requests FOR EACH ROW EXECUTE FUNCTION stage_advice_before()""")
    op.execute(f"""
    CREATE FUNCTION stage_advice() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN {_case_stages(w, "NEW.case_id", 1)} {_advice(w, "NEW", 1)}
        RETURN NULL;
      END IF;
      {_case_stages(w, "OLD.case_id", 1)} {_advice(w, "OLD", -1)}
      IF TG_OP = 'UPDATE' THEN
        IF NEW.case_id <> OLD.case_id THEN {_case_stages(w, "NEW.case_id", 1)}
        END IF;
        {_advice(w, "NEW", 1)}
      END IF;
      RETURN NULL;
    END $$""")
    op.execute(f"""CREATE TRIGGER stage_advice AFTER INSERT OR DELETE OR {ADVICE_CHANGE}
                  ON advice_requests FOR EACH ROW EXECUTE FUNCTION stage_advice()""")
    op.execute(f"""
    CREATE FUNCTION stage_cases() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.received IS DISTINCT FROM OLD.received THEN
        {_case_decisions(w, "OLD", -1)} {_case_decisions(w, "NEW", 1)}
      END IF;
      RETURN NULL;
    END $$""")
    op.execute("""CREATE TRIGGER stage_cases AFTER UPDATE OF received
                  ON cases FOR EACH ROW EXECUTE FUNCTION stage_cases()""")


def _backfill(postgres: bool) -> None:
    """The counts of the rows already in the store (the same as
    send_cli.store.counts works them out for `db check`)."""
    days = ("({a} - {b})" if postgres else
            "CAST(julianday({a}) - julianday({b}) AS INTEGER)").format
    op.execute(f"""
    INSERT INTO stage_days (day, stage, days, n)
    SELECT m."on", 'decision', {days(a='m."on"', b='c.received')}, count(*)
    FROM milestones m JOIN cases c ON c.id = m.case_id
    WHERE m.kind = 'assessment-decision' AND m."on" >= c.received
    GROUP BY m."on", c.received
    UNION ALL
    SELECT f.on_, 'asking', {days(a='f.ask', b='f.on_')}, count(*)
    FROM (SELECT m."on" AS on_,
                 (SELECT min(a.requested) FROM advice_requests a
                  WHERE a.case_id = m.case_id AND a.requested >= m."on") AS ask
          FROM milestones m
          WHERE m.kind = 'assessment-decision' AND m.outcome = 'agreed') f
    WHERE f.ask IS NOT NULL GROUP BY f.on_, f.ask
    UNION ALL
    SELECT f.on_, 'plan', {days(a='f.on_', b='f.got')}, count(*)
    FROM (SELECT m."on" AS on_,
                 (SELECT max(a.received) FROM advice_requests a
                  WHERE a.case_id = m.case_id AND a.received <= m."on") AS got
          FROM milestones m WHERE m.kind = 'final-plan') f
    WHERE f.got IS NOT NULL GROUP BY f.on_, f.got
    UNION ALL
    SELECT received, 'advice:' || source, {days(a='received', b='requested')}, count(*)
    FROM advice_requests WHERE received IS NOT NULL AND received >= requested
    GROUP BY received, source, requested""")


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        'stage_days',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('stage', sa.String(length=40), nullable=False),
        sa.Column('days', sa.Integer(), nullable=False),
        sa.Column('n', sa.Integer(), server_default=sa.text('0'), nullable=False),
        sa.PrimaryKeyConstraint('day', 'stage', 'days', name=op.f('pk_stage_days')),
    )
    _backfill(postgres)
    if postgres:
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS stage_milestones ON milestones")
        op.execute("DROP TRIGGER IF EXISTS stage_advice_before ON advice_requests")
        op.execute("DROP TRIGGER IF EXISTS stage_advice ON advice_requests")
        op.execute("DROP TRIGGER IF EXISTS stage_cases ON cases")
        for function in ("stage_milestones", "stage_advice_before", "stage_advice",
                         "stage_cases"):
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    else:
        for name in ("milestones_insert", "milestones_delete", "milestones_update",
                     "advice_before_insert", "advice_insert", "advice_before_delete",
                     "advice_delete", "advice_before_update", "advice_update", "cases_update"):
            op.execute(f"DROP TRIGGER IF EXISTS stage_{name}")
    op.drop_table('stage_days')
