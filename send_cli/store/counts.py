"""The counts behind the KPIs (kpi_days, officer_caseloads, advice_owed), the
audit trail's size (store_counts) and
the breach forecast's stage durations (stage_days) and open requests
(forecast_requests), worked out again from the rows they count: `db check`
compares them with what the triggers of migrations 0005, 0007, 0009, 0010,
0012, 0013 and 0014 have kept (0009: the open statutory clocks per due
day, 'open:<milestone>'; 0012: those of them the ended cases hold,
'ended:<milestone>'), and `db recount` puts them right.
Plain SQL on both backends; nothing here imports the models."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MET = ("final-plan", "assessment-decision", "review-decision", "amended-plan")
_MET_SQL = ", ".join(f"'{m}'" for m in MET)
# An open clock d the deadlines report leaves out: its case c ended (closed;
# ceased or refused, but for the family's appeal window).
ENDED_CLOCK = ("(c.status = 'closed' OR (c.status IN ('ceased', 'refused')"
               " AND d.milestone <> 'appeal'))")


def london_day(column: str, dialect: str) -> str:
    """SQL for the Europe/London date of a stored moment (a follow-up is kept
    when done on or before its due day, London time: revision 0007). SQLite
    stores UTC text and has no time zones: British Summer Time runs from
    01:00 UTC on the last Sunday of March (the first Sunday on or after the
    25th) to 01:00 UTC on the last Sunday of October."""
    if dialect == "postgresql":
        return f"({column} AT TIME ZONE 'Europe/London')::date"
    year = f"strftime('%Y', {column})"
    return (f"date({column}, CASE WHEN {column} >= datetime({year} || '-03-31', '-6 days', "
            f"'weekday 0', '+1 hour') AND {column} < datetime({year} || '-10-31', '-6 days', "
            f"'weekday 0', '+1 hour') THEN '+1 hour' ELSE '+0 hours' END)")


def _day_counts(dialect: str) -> str:
    """(metric, day, n, ok, days) for every measure and day, from the rows."""
    postgres = dialect == "postgresql"
    done_day = london_day("done_at", dialect)
    days = "met_on - start" if postgres else \
        "CAST(julianday(met_on) - julianday(start) AS INTEGER)"
    return f"""
    SELECT 'followups', due, count(*),
           sum(CASE WHEN done_at IS NOT NULL AND {done_day} <= due THEN 1 ELSE 0 END), 0
    FROM followups GROUP BY due
    UNION ALL
    SELECT 'met:' || milestone, met_on, count(*),
           sum(CASE WHEN met_on <= due THEN 1 ELSE 0 END), sum({days})
    FROM deadlines WHERE met_on IS NOT NULL AND milestone IN ({_MET_SQL})
    GROUP BY milestone, met_on
    UNION ALL
    SELECT 'due:annual-review', due, count(*),
           sum(CASE WHEN met_on IS NOT NULL AND met_on <= due THEN 1 ELSE 0 END), 0
    FROM deadlines WHERE milestone = 'annual-review' GROUP BY due
    UNION ALL
    SELECT 'open:' || milestone, due, count(*), 0, 0
    FROM deadlines WHERE met_on IS NULL GROUP BY milestone, due
    UNION ALL
    SELECT 'ended:' || d.milestone, d.due, count(*), 0, 0
    FROM deadlines d JOIN cases c ON c.id = d.case_id
    WHERE d.met_on IS NULL AND {ENDED_CLOCK}
    GROUP BY d.milestone, d.due"""


CASELOADS = """SELECT officer_id, count(*) FROM cases WHERE status <> 'closed'
               GROUP BY officer_id"""


def stage_counts(dialect: str) -> str:
    """(day, stage, days, n) of the forecast's stage durations, from the rows
    (what migration 0010's triggers keep)."""
    def days(a: str, b: str) -> str:
        return f"({a} - {b})" if dialect == "postgresql" else \
            f"CAST(julianday({a}) - julianday({b}) AS INTEGER)"

    return f"""
    SELECT m."on", 'decision', {days('m."on"', 'c.received')}, count(*)
    FROM milestones m JOIN cases c ON c.id = m.case_id
    WHERE m.kind = 'assessment-decision' AND m."on" >= c.received
    GROUP BY m."on", c.received
    UNION ALL
    SELECT f.on_, 'asking', {days('f.ask', 'f.on_')}, count(*)
    FROM (SELECT m."on" AS on_,
                 (SELECT min(a.requested) FROM advice_requests a
                  WHERE a.case_id = m.case_id AND a.requested >= m."on") AS ask
          FROM milestones m
          WHERE m.kind = 'assessment-decision' AND m.outcome = 'agreed') f
    WHERE f.ask IS NOT NULL GROUP BY f.on_, f.ask
    UNION ALL
    SELECT f.on_, 'plan', {days('f.on_', 'f.got')}, count(*)
    FROM (SELECT m."on" AS on_,
                 (SELECT max(a.received) FROM advice_requests a
                  WHERE a.case_id = m.case_id AND a.received <= m."on") AS got
          FROM milestones m WHERE m.kind = 'final-plan') f
    WHERE f.got IS NOT NULL GROUP BY f.on_, f.got
    UNION ALL
    SELECT received, 'advice:' || source, {days('received', 'requested')}, count(*)
    FROM advice_requests WHERE received IS NOT NULL AND received >= requested
    GROUP BY received, source, requested"""


def stage_month_counts(dialect: str) -> str:
    """(month, stage, days, n): stage_days added up by calendar month (what
    migration 0014's triggers keep); stage_days is itself checked against
    the rows it counts."""
    month = ("CAST(date_trunc('month', day) AS date)" if dialect == "postgresql"
             else "date(day, 'start of month')")
    return (f"SELECT {month}, stage, days, sum(n) FROM stage_days"
            f" GROUP BY {month}, stage, days")


# What the breach forecast keeps of each request being assessed (revision
# 0013), in its columns' order; days counted from 1 January 1970.
FORECAST_SOURCES = {"educational-psychology": "waiting_educational_psychology",
                    "health": "waiting_health", "social-care": "waiting_social_care",
                    "school": "waiting_school", "other": "waiting_other"}
FORECAST_COLUMNS = ("case_id, ref, officer_id, received_day, decided_day, issue_day, "
                    "drafted, advice, advice_got_day, " + ", ".join(FORECAST_SOURCES.values()))


def epoch_day(x: str, dialect: str) -> str:
    """SQL: date X as days since 1 January 1970."""
    return f"({x} - DATE '1970-01-01')" if dialect == "postgresql" else \
        f"CAST(julianday({x}) - 2440587.5 AS INTEGER)"


def forecast_requests(dialect: str) -> str:
    """The rows of forecast_requests (FORECAST_COLUMNS), from the cases, their
    milestones and their advice (what migration 0013's triggers keep)."""
    earliest = epoch_day('min(m."on")', dialect)

    def first(kind: str) -> str:
        return (f"(SELECT {earliest} FROM milestones m WHERE m.case_id = c.id"
                f" AND m.kind = '{kind}' AND m.outcome = 'agreed')")

    live = "FROM advice_requests a WHERE a.case_id = c.id AND a.withdrawn_at IS NULL"
    waiting = ",\n      ".join(
        f"(SELECT {epoch_day('max(a.requested)', dialect)} {live} AND a.received IS NULL"
        f" AND a.source = '{source}')" for source in FORECAST_SOURCES)
    return f"""
    SELECT c.id, c.ref, c.officer_id, {epoch_day('c.received', dialect)},
      {first('assessment-decision')}, {first('issue-decision')},
      CASE WHEN EXISTS (SELECT 1 FROM milestones m WHERE m.case_id = c.id
                        AND m.kind = 'draft-plan') THEN 1 ELSE 0 END,
      (SELECT count(*) {live}),
      (SELECT {epoch_day('max(a.received)', dialect)} {live}),
      {waiting}
    FROM cases c WHERE c.status IN ('requested', 'assessing', 'drafting')"""


ADVICE_OWED_COLUMNS = "advice_id, case_id, source, requested, owed_until"


def advice_owed(dialect: str) -> str:
    """The rows of advice_owed (ADVICE_OWED_COLUMNS), from the advice, its
    case's closure and the milestones that end what is owed (what migration
    0014's triggers keep)."""
    closed = ("(SELECT CASE WHEN c.status = 'closed' THEN coalesce(c.closed_on, a.requested)"
              " END FROM cases c WHERE c.id = a.case_id)")
    ended = ('(SELECT min(m."on") FROM milestones m WHERE m.case_id = a.case_id'
             ' AND m."on" >= a.requested AND (m.kind = \'ceased\' OR (m.kind IN'
             " ('assessment-decision', 'issue-decision') AND m.outcome = 'refused')))")
    if dialect == "postgresql":
        until = f"LEAST(a.received, {closed}, {ended})"
    else:  # SQLite's min() of several values is NULL when one is
        until = ("nullif(min(" + ", ".join(f"coalesce({x}, '9999-12-31')"
                                           for x in ("a.received", closed, ended))
                 + "), '9999-12-31')")
    return (f"SELECT a.id, a.case_id, a.source, a.requested, {until}"
            " FROM advice_requests a WHERE a.withdrawn_at IS NULL")


def differences(fetch: Callable[[str], list[tuple[Any, ...]]], dialect: str) -> list[str]:
    """What the kept counts get wrong, as 'metric day' labels (empty: none).
    FETCH runs a query and returns its rows."""
    def norm(rows: list[tuple[Any, ...]]) -> dict[tuple[str, str], tuple[int, ...]]:
        return {(str(r[0]), str(r[1])): tuple(int(v or 0) for v in r[2:]) for r in rows
                if any(int(v or 0) for v in r[2:])}

    want = norm(fetch(_day_counts(dialect)))
    have = norm(fetch("SELECT metric, day, n, ok, days FROM kpi_days"))
    wrong: list[tuple[str, str] | str] = sorted(
        k for k in want.keys() | have.keys() if want.get(k) != have.get(k))
    loads_want = {int(o): int(n) for o, n in fetch(CASELOADS) if n}
    loads_have = {int(o): int(n) for o, n in fetch(
        "SELECT officer_id, open_cases FROM officer_caseloads") if n}
    wrong += [f"caseload of officer {o}" for o in sorted(loads_want.keys() | loads_have.keys())
              if loads_want.get(o) != loads_have.get(o)]
    def stages(sql: str) -> dict[tuple[str, str, int], int]:
        return {(str(d), str(s), int(n_days)): int(n) for d, s, n_days, n in fetch(sql) if n}

    stages_want = stages(stage_counts(dialect))
    stages_have = stages("SELECT day, stage, days, n FROM stage_days")
    wrong += sorted({f"stage {s} ending {d}" for d, s, n_days in
                     stages_want.keys() | stages_have.keys()
                     if stages_want.get((d, s, n_days)) != stages_have.get((d, s, n_days))})
    months_want = stages(stage_month_counts(dialect))
    months_have = stages("SELECT month, stage, days, n FROM stage_months")
    wrong += sorted({f"stage {s} in the month of {d}" for d, s, n_days in
                     months_want.keys() | months_have.keys()
                     if months_want.get((d, s, n_days)) != months_have.get((d, s, n_days))})
    kept_want = {int(r[0]): tuple(r[1:]) for r in fetch(forecast_requests(dialect))}
    kept_have = {int(r[0]): tuple(r[1:]) for r in fetch(
        f"SELECT {FORECAST_COLUMNS} FROM forecast_requests")}
    wrong += [f"forecast of {(kept_want.get(c) or kept_have[c])[0]}"
              for c in sorted(kept_want.keys() | kept_have.keys())
              if kept_want.get(c) != kept_have.get(c)]
    kept_audit = fetch("SELECT n FROM store_counts WHERE name = 'audit'")
    if [int(r[0]) for r in kept_audit] != [int(fetch("SELECT count(*) FROM audit")[0][0])]:
        wrong.append("the number of audit entries")
    # two million pieces of advice at England's size: compared in the database
    owed, kept_owed = advice_owed(dialect), f"SELECT {ADVICE_OWED_COLUMNS} FROM advice_owed"
    owed_cases = sorted({int(c) for (c,) in fetch(
        f"SELECT case_id FROM ({owed} EXCEPT {kept_owed}) w UNION"
        f" SELECT case_id FROM ({kept_owed} EXCEPT {owed}) h")})
    if owed_cases:
        refs = dict(fetch("SELECT id, ref FROM cases WHERE id IN ("
                          + ", ".join(str(c) for c in owed_cases[:100]) + ")"))
        wrong += [f"advice owed on {refs.get(c, f'case #{c}')}" for c in owed_cases]
    return [" ".join(k) if isinstance(k, tuple) else k for k in wrong]


def recount(execute: Callable[[str], Any], dialect: str) -> None:
    """Replace the kept counts by the counts of the rows (in the caller's
    write transaction)."""
    execute("DELETE FROM kpi_days")
    execute("DELETE FROM officer_caseloads")
    execute("INSERT INTO kpi_days (metric, day, n, ok, days) " + _day_counts(dialect))
    execute("INSERT INTO officer_caseloads (officer_id, open_cases) " + CASELOADS)
    execute("DELETE FROM stage_days")
    execute("DELETE FROM stage_months")  # after stage_days: its triggers write here
    execute("INSERT INTO stage_days (day, stage, days, n) " + stage_counts(dialect))
    execute("DELETE FROM forecast_requests")
    execute(f"INSERT INTO forecast_requests ({FORECAST_COLUMNS}) "
            + forecast_requests(dialect))
    execute("DELETE FROM store_counts")
    execute("INSERT INTO store_counts (name, n) SELECT 'audit', count(*) FROM audit")
    execute("DELETE FROM advice_owed")
    execute(f"INSERT INTO advice_owed ({ADVICE_OWED_COLUMNS}) " + advice_owed(dialect))
