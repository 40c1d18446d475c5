"""Statutory deadlines due or missed: one indexed query on the stored clocks
(the deadlines table, kept current by timeline.refresh_deadlines), never a
pass over every case."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from send_cli.rules.statutory import (
    DEADLINE_NAMES,
    EXCEPTION_CLOCKS,
    FAMILY_WINDOWS,
    advice_source,
    appeal_note,
)
from send_cli.store.reader import Reader, as_reader, day

DEADLINE_KEYS = ("case_ref", "child", "milestone", "due", "days_left", "officer", "exception")
# The contract's keys, then what tells two rows of one case apart: the
# source of an advice request, and a note (an appeal window open past its
# r20 day).
DEADLINE_COLUMNS = DEADLINE_KEYS + ("source", "note")
# A case that ended owes nothing more; a refused or ceased one keeps the
# family's appeal window, which is still open to them.
ENDED_STATUSES = ("closed", "ceased", "refused")


def _listed(names: tuple[str, ...]) -> str:
    return ", ".join(f"'{n}'" for n in names)


# The first recorded reg 10(4) exception that bears on a clock of the
# 20-week path (its dates, if any, overlap the clock), as 'code: reason'.
EXCEPTION_TEXT = f"""CASE WHEN d.milestone IN ({_listed(EXCEPTION_CLOCKS)}) THEN
    (SELECT e.code || ': ' || e.reason FROM exceptions e
     WHERE e.case_id = d.case_id AND (e.from_date IS NULL OR e.from_date <= d.due)
       AND (e.to_date IS NULL OR e.to_date >= d.start)
     ORDER BY e.id LIMIT 1) END"""
# EXCEPTION_TEXT is not empty: there is such an exception.
HAS_EXCEPTION = """EXISTS (SELECT 1 FROM exceptions e WHERE e.case_id = d.case_id
    AND (e.from_date IS NULL OR e.from_date <= d.due)
    AND (e.to_date IS NULL OR e.to_date >= d.start))"""
# The mediation certificate of an appeal clock's decision letter.
CERTIFICATE = """CASE WHEN d.milestone = 'appeal' THEN
    (SELECT a.certificate FROM appeals a
     WHERE a.case_id = d.case_id AND a.decision_sent = d.start LIMIT 1) END"""


def _clocks(*, within: int | None, breached: bool) -> str:
    """The open clocks (deadlines d) of the report's days, whatever their case."""
    # a family's window that has passed is over, not missed by the council
    sql = (" WHERE d.met_on IS NULL"
           f" AND NOT (d.milestone IN ({_listed(FAMILY_WINDOWS)}) AND d.due < :today)")
    if breached:
        sql += " AND d.due < :today"
    if within is not None:
        sql += " AND d.due <= :until"
    return sql


def _where(*, within: int | None, breached: bool, officer: str | None) -> str:
    """The open clocks the report lists (over deadlines d joined to cases c,
    and officers o when OFFICER)."""
    sql = (_clocks(within=within, breached=breached)
           # the clocks of a case that ended are its history, not work to do
           + f" AND (c.status NOT IN ({_listed(ENDED_STATUSES)})"
           " OR (c.status <> 'closed' AND d.milestone = 'appeal'))")
    if officer:
        sql += " AND o.code = :officer"
    return sql


def _params(today: date, within: int | None, officer: str | None) -> dict[str, Any]:
    return {"today": today, "officer": officer,
            "until": today + timedelta(days=within) if within is not None else None}


def deadline_summary(session: Any, *, today: date, within: int | None = None,
                     breached: bool = False, officer: str | None = None) -> tuple[int, int, int]:
    """(rows, missed, with an exception) of deadline_rows, counted in SQL so
    a table of the first rows reads no more than it shows, however many
    clocks a backlog has breached. Without OFFICER the clocks are added up
    from the counts the store keeps per due day: the open clocks (revision
    0009) less those of the ended cases (revision 0012); the exceptions are
    counted from the few cases that have one."""
    reader = as_reader(session)
    params = _params(today, within, officer)
    base = " FROM deadlines d JOIN cases c ON c.id = d.case_id"
    if officer:
        base += " JOIN officers o ON o.id = c.officer_id"
    base += _where(within=within, breached=breached, officer=officer)
    excepted = (" AND d.case_id IN (SELECT DISTINCT case_id FROM exceptions)"
                f" AND d.milestone IN ({_listed(EXCEPTION_CLOCKS)}) AND {HAS_EXCEPTION}")
    if officer:  # one officer's caseload: its clocks counted one by one
        rows, missed = reader.first("SELECT count(*), coalesce(sum(CASE WHEN d.due < :today"
                                    " THEN 1 ELSE 0 END), 0)" + base, params) or (0, 0)
        with_exception = reader.scalar("SELECT count(*)" + base + excepted, params)
    else:
        rows, missed = _kept_clocks(reader, params, within=within, breached=breached)
        # the clocks of the cases with an exception, less those of the cases
        # that ended (none of these clocks is an appeal window), found on the
        # index of cases by status rather than by reading each case
        with_exception = reader.scalar(
            "SELECT count(*) FROM deadlines d" + _clocks(within=within, breached=breached)
            + excepted + " AND d.case_id NOT IN (SELECT c.id FROM cases c WHERE c.status IN"
            f" ({_listed(ENDED_STATUSES)}) AND c.id IN (SELECT case_id FROM exceptions))",
            params)
    return int(rows or 0), int(missed or 0), int(with_exception or 0)


# The counts kept per due day: the open clocks, and those of them the ended
# cases hold (which the list leaves out).
OPEN_METRICS = tuple(f"open:{m}" for m in DEADLINE_NAMES)
ENDED_METRICS = tuple(f"ended:{m}" for m in DEADLINE_NAMES)
WINDOW_METRICS = tuple(f"{kind}:{m}" for kind in ("open", "ended") for m in FAMILY_WINDOWS)


def _kept_clocks(reader: Reader, params: dict[str, Any], *, within: int | None,
                 breached: bool) -> tuple[int, int]:
    """(rows, missed) of the whole list from the counts kept per due day and
    milestone: the open clocks less those of the cases that ended."""
    signed = f"CASE WHEN metric IN ({_listed(OPEN_METRICS)}) THEN n ELSE -n END"
    found = reader.first(
        f"SELECT coalesce(sum({signed}), 0),"
        f" coalesce(sum(CASE WHEN day < :today THEN {signed} ELSE 0 END), 0) FROM kpi_days"
        f" WHERE metric IN ({_listed(OPEN_METRICS + ENDED_METRICS)})"
        # a family's window that has passed is over, not missed by the council
        f" AND NOT (metric IN ({_listed(WINDOW_METRICS)}) AND day < :today)"
        + (" AND day < :today" if breached else "")
        + (" AND day <= :until" if within is not None else ""), params) or (0, 0)
    return int(found[0]), int(found[1])


def rows_sql(*, within: int | None, breached: bool, officer: str | None,
             limited: bool = False) -> str:
    """The query text of deadline_rows (parameters :today, :until, :officer,
    and :limit when LIMITED)."""
    return (f"SELECT c.ref, c.name, d.milestone, d.due, o.code, {EXCEPTION_TEXT}, d.start,"
            f" d.detail, {CERTIFICATE} FROM deadlines d JOIN cases c ON c.id = d.case_id"
            " JOIN officers o ON o.id = c.officer_id"
            + _where(within=within, breached=breached, officer=officer)
            + " ORDER BY d.due, c.ref, d.milestone, d.id" + (" LIMIT :limit" if limited else ""))


def deadline_rows(session: Any, *, today: date, within: int | None = None,
                  breached: bool = False, officer: str | None = None,
                  limit: int | None = None) -> Iterator[dict[str, Any]]:
    """Open statutory deadlines: with WITHIN, those due on or before today +
    WITHIN days (missed ones included); with BREACHED, only those missed;
    the first LIMIT of them when LIMIT (a table of the first rows reads no
    more). Rows carry DEADLINE_COLUMNS."""
    sql = rows_sql(within=within, breached=breached, officer=officer, limited=bool(limit))
    params = _params(today, within, officer)
    if limit:
        params["limit"] = limit
    for ref, child, milestone, due, code, exc, start, detail, certificate in \
            as_reader(session).rows(sql, params):
        due = day(due)
        yield {"case_ref": ref, "child": child, "milestone": milestone, "due": due,
               "days_left": (due - today).days, "officer": code, "exception": exc,
               "source": advice_source(detail) if milestone == "advice" else None,
               "note": appeal_note(day(start), day(certificate), due)
               if milestone == "appeal" else None}
