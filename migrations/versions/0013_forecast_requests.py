"""the breach forecast's open requests, kept by triggers

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06

The breach forecast works out, for every open request before its final
plan, when the plan is expected. At England's size that read 38,000 requests
with their 46,000 milestones and 83,000 advice requests on every run. What
the forecast needs of a request is now kept in forecast_requests, one row
per request being assessed (status requested, assessing or drafting), days
counted from 1 January 1970 so that the forecast adds and compares numbers:

- received_day: the request;
- decided_day: the first decision to assess (agreed), if any;
- issue_day: the first decision to issue a plan (agreed), if any;
- drafted: 1 once a draft plan is recorded, else 0;
- advice: how many advice requests (not withdrawn);
- advice_got_day: the last advice received (not withdrawn), if any;
- waiting_<source>: the last advice asked of that source and not yet
  received nor withdrawn, if any.

Triggers on cases (added, its reference, officer, request day or status
changed, removed), milestones (a decision or draft plan added, changed or
taken away) and advice_requests (added, changed, withdrawn, taken away) work
the request's row out again, so every path that writes (the ORM, the bulk
import, `db copy`, this backfill) keeps it alike.

A later revision that makes SQLite copy cases, milestones or advice_requests
(batch mode's move and copy) drops these triggers with the old table: it
must create them again (_sqlite_triggers()).
"""

from alembic import op
import sqlalchemy as sa

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

OPEN_STATUSES = "('requested', 'assessing', 'drafting')"
SOURCES = {"educational-psychology": "waiting_educational_psychology",
           "health": "waiting_health", "social-care": "waiting_social_care",
           "school": "waiting_school", "other": "waiting_other"}
COLUMNS = ("case_id, ref, officer_id, received_day, decided_day, issue_day, drafted, "
           "advice, advice_got_day, " + ", ".join(SOURCES.values()))
MILESTONE_KINDS = "('assessment-decision', 'issue-decision', 'draft-plan')"
CASE_CHANGE = "UPDATE OF ref, officer_id, received, status"
MILESTONE_CHANGE = 'UPDATE OF case_id, kind, "on", outcome'
ADVICE_CHANGE = "UPDATE OF case_id, source, requested, received, withdrawn_at"


def _day(postgres: bool, x: str) -> str:
    """Date X as days since 1 January 1970."""
    return f"({x} - DATE '1970-01-01')" if postgres else \
        f"CAST(julianday({x}) - 2440587.5 AS INTEGER)"


def _select(postgres: bool, where: str) -> str:
    """The rows of the open requests WHERE says (c: the case)."""
    earliest = _day(postgres, 'min(m."on")')

    def first(kind: str, outcome: str | None) -> str:
        agreed = f" AND m.outcome = '{outcome}'" if outcome else ""
        return (f"(SELECT {earliest} FROM milestones m "
                f"WHERE m.case_id = c.id AND m.kind = '{kind}'{agreed})")

    live = "FROM advice_requests a WHERE a.case_id = c.id AND a.withdrawn_at IS NULL"
    waiting = ",\n      ".join(
        f"(SELECT {_day(postgres, 'max(a.requested)')} {live} AND a.received IS NULL"
        f" AND a.source = '{source}')" for source in SOURCES)
    return f"""
    SELECT c.id, c.ref, c.officer_id, {_day(postgres, 'c.received')},
      {first('assessment-decision', 'agreed')},
      {first('issue-decision', 'agreed')},
      CASE WHEN EXISTS (SELECT 1 FROM milestones m WHERE m.case_id = c.id
                        AND m.kind = 'draft-plan') THEN 1 ELSE 0 END,
      (SELECT count(*) {live}),
      (SELECT {_day(postgres, 'max(a.received)')} {live}),
      {waiting}
    FROM cases c WHERE {where} AND c.status IN {OPEN_STATUSES}"""


def _refresh(postgres: bool, case_id: str) -> str:
    """Work out again the row of the case CASE_ID (gone if not open)."""
    return f"""
    DELETE FROM forecast_requests WHERE case_id = {case_id};
    INSERT INTO forecast_requests ({COLUMNS}) {_select(postgres, f'c.id = {case_id}')};"""


def _sqlite_triggers() -> None:
    def both() -> str:
        return _refresh(False, "OLD.case_id") + _refresh(False, "NEW.case_id")

    for name, event, table, when, body in (
        ("cases_insert", "INSERT", "cases", None, _refresh(False, "NEW.id")),
        ("cases_update", CASE_CHANGE, "cases", None, _refresh(False, "NEW.id")),
        ("cases_delete", "DELETE", "cases", None,
         "DELETE FROM forecast_requests WHERE case_id = OLD.id;"),
        ("milestones_insert", "INSERT", "milestones", f"NEW.kind IN {MILESTONE_KINDS}",
         _refresh(False, "NEW.case_id")),
        ("milestones_delete", "DELETE", "milestones", f"OLD.kind IN {MILESTONE_KINDS}",
         _refresh(False, "OLD.case_id")),
        ("milestones_update", MILESTONE_CHANGE, "milestones",
         f"OLD.kind IN {MILESTONE_KINDS} OR NEW.kind IN {MILESTONE_KINDS}", both()),
        ("advice_insert", "INSERT", "advice_requests", None, _refresh(False, "NEW.case_id")),
        ("advice_delete", "DELETE", "advice_requests", None, _refresh(False, "OLD.case_id")),
        ("advice_update", ADVICE_CHANGE, "advice_requests", None, both()),
    ):
        op.execute(f"CREATE TRIGGER forecast_{name} AFTER {event} ON {table}"
                   + (f" WHEN {when}" if when else "") + f" BEGIN {body}\nEND")


def _postgresql_triggers() -> None:
    op.execute(f"""
    CREATE FUNCTION forecast_refresh(cid integer) RETURNS void LANGUAGE sql AS $$
    {_refresh(True, 'cid')}
    $$""")
    op.execute("""
    CREATE FUNCTION forecast_cases() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        DELETE FROM forecast_requests WHERE case_id = OLD.id;
      ELSE
        PERFORM forecast_refresh(NEW.id);
      END IF;
      RETURN NULL;
    END $$""")
    op.execute(f"""CREATE TRIGGER forecast_cases AFTER INSERT OR DELETE OR {CASE_CHANGE}
                  ON cases FOR EACH ROW EXECUTE FUNCTION forecast_cases()""")
    op.execute("""
    CREATE FUNCTION forecast_case_rows() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM forecast_refresh(OLD.case_id);
      END IF;
      IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.case_id <> OLD.case_id) THEN
        PERFORM forecast_refresh(NEW.case_id);
      END IF;
      RETURN NULL;
    END $$""")
    op.execute(f"""CREATE TRIGGER forecast_milestones AFTER INSERT OR DELETE
                  OR {MILESTONE_CHANGE} ON milestones FOR EACH ROW
                  EXECUTE FUNCTION forecast_case_rows()""")
    op.execute(f"""CREATE TRIGGER forecast_advice AFTER INSERT OR DELETE OR {ADVICE_CHANGE}
                  ON advice_requests FOR EACH ROW EXECUTE FUNCTION forecast_case_rows()""")


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        'forecast_requests',
        sa.Column('case_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('ref', sa.String(length=64), nullable=False),
        sa.Column('officer_id', sa.Integer(), nullable=False),
        sa.Column('received_day', sa.Integer(), nullable=False),
        sa.Column('decided_day', sa.Integer(), nullable=True),
        sa.Column('issue_day', sa.Integer(), nullable=True),
        sa.Column('drafted', sa.Integer(), server_default=sa.text('0'), nullable=False),
        sa.Column('advice', sa.Integer(), server_default=sa.text('0'), nullable=False),
        sa.Column('advice_got_day', sa.Integer(), nullable=True),
        *(sa.Column(column, sa.Integer(), nullable=True) for column in SOURCES.values()),
        sa.PrimaryKeyConstraint('case_id', name=op.f('pk_forecast_requests')),
    )
    op.create_index('ix_forecast_requests_officer', 'forecast_requests', ['officer_id'],
                    unique=False)
    op.execute(f"INSERT INTO forecast_requests ({COLUMNS}) {_select(postgres, '1 = 1')}")
    if postgres:
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS forecast_cases ON cases")
        op.execute("DROP TRIGGER IF EXISTS forecast_milestones ON milestones")
        op.execute("DROP TRIGGER IF EXISTS forecast_advice ON advice_requests")
        for function in ("forecast_cases()", "forecast_case_rows()",
                         "forecast_refresh(integer)"):
            op.execute(f"DROP FUNCTION IF EXISTS {function}")
    else:
        for name in ("cases_insert", "cases_update", "cases_delete", "milestones_insert",
                     "milestones_delete", "milestones_update", "advice_insert",
                     "advice_delete", "advice_update"):
            op.execute(f"DROP TRIGGER IF EXISTS forecast_{name}")
    op.drop_index('ix_forecast_requests_officer', table_name='forecast_requests')
    op.drop_table('forecast_requests')
