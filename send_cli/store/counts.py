"""The counts behind the KPIs (kpi_days, officer_caseloads), worked out
again from the rows they count: `db check` compares them with what the
triggers of migrations 0005, 0007 and 0009 have kept (0009: the open
statutory clocks per due day, 'open:<milestone>'), and `db recount` puts
them right.
Plain SQL on both backends; nothing here imports the models."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MET = ("final-plan", "assessment-decision", "review-decision", "amended-plan")
_MET_SQL = ", ".join(f"'{m}'" for m in MET)


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
    FROM deadlines WHERE met_on IS NULL GROUP BY milestone, due"""


CASELOADS = """SELECT officer_id, count(*) FROM cases WHERE status <> 'closed'
               GROUP BY officer_id"""


def differences(fetch: Callable[[str], list[tuple[Any, ...]]], dialect: str) -> list[str]:
    """What the kept counts get wrong, as 'metric day' labels (empty: none).
    FETCH runs a query and returns its rows."""
    def norm(rows: list[tuple[Any, ...]]) -> dict[tuple[str, str], tuple[int, ...]]:
        return {(str(r[0]), str(r[1])): tuple(int(v or 0) for v in r[2:]) for r in rows
                if any(int(v or 0) for v in r[2:])}

    want = norm(fetch(_day_counts(dialect)))
    have = norm(fetch("SELECT metric, day, n, ok, days FROM kpi_days"))
    wrong = sorted(k for k in want.keys() | have.keys() if want.get(k) != have.get(k))
    loads_want = {int(o): int(n) for o, n in fetch(CASELOADS) if n}
    loads_have = {int(o): int(n) for o, n in fetch(
        "SELECT officer_id, open_cases FROM officer_caseloads") if n}
    wrong += [f"caseload of officer {o}" for o in sorted(loads_want.keys() | loads_have.keys())
              if loads_want.get(o) != loads_have.get(o)]
    return [" ".join(k) if isinstance(k, tuple) else k for k in wrong]


def recount(execute: Callable[[str], Any], dialect: str) -> None:
    """Replace the kept counts by the counts of the rows (in the caller's
    write transaction)."""
    execute("DELETE FROM kpi_days")
    execute("DELETE FROM officer_caseloads")
    execute("INSERT INTO kpi_days (metric, day, n, ok, days) " + _day_counts(dialect))
    execute("INSERT INTO officer_caseloads (officer_id, open_cases) " + CASELOADS)
