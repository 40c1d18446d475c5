"""The agenda of a panel meeting: the cases referred, their papers, the
declarations made and the decisions before."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any, NamedTuple

from send_cli.errors import NotFound, RuleViolation
from send_cli.reports.lookups import PanelRow
from send_cli.rules import panels as rules
from send_cli.rules.calendar import Calendar
from send_cli.settings import LONDON
from send_cli.store.reader import Reader, as_reader, day, flag

AGENDA_KEYS = ("case_ref", "child", "request", "officer", "papers_due", "papers_received",
               "papers", "declarations", "prior_decisions", "outcome")
PERSONAL_KEYS = ("dob", "setting")
MEETING_KEYS = ("panel", "date", "weekday", "time", "moved_from", "cancelled", "cases")


class MeetingRow(NamedTuple):
    id: int
    date: date
    time: str
    moved_from: date | None
    cancelled: bool


MEETING = "SELECT id, date, time, moved_from, cancelled FROM meetings"


def _meeting(found: Any) -> MeetingRow:
    mid, on, at, moved_from, cancelled = found
    return MeetingRow(mid, day(on), at, day(moved_from), bool(flag(cancelled)))  # type: ignore[arg-type]


def panel_named(source: Any, code: str) -> PanelRow:
    """The panel whose code is CODE (any letter case); NotFound otherwise."""
    found = as_reader(source).first("SELECT id, code, name FROM panels WHERE code = :code"
                                    " LIMIT 1", {"code": code.strip().upper()})
    if found is None:
        raise NotFound(f"no panel '{code}'", hint="See 'send-cli panel list'.")
    return PanelRow(*found)


def meeting_on(reader: Reader, panel: PanelRow, on: date) -> MeetingRow:
    """The panel's meeting on ON, not cancelled (as casework's get_meeting)."""
    found = reader.first(MEETING + " WHERE panel_id = :panel AND date = :on LIMIT 1",
                         {"panel": panel.id, "on": on})
    if found is None:
        moved = reader.first(MEETING + " WHERE panel_id = :panel AND moved_from = :on"
                             " AND cancelled = :no LIMIT 1",
                             {"panel": panel.id, "on": on, "no": False})
        if moved is not None:
            to = _meeting(moved).date
            raise NotFound(f"no {panel.code} meeting on {on}: it moved to {to}",
                           hint=f"Use --meeting {to}.")
        raise NotFound(f"no {panel.code} meeting on {on}",
                       hint=f"See 'send-cli panel meetings {panel.code}'.")
    meeting = _meeting(found)
    if meeting.cancelled:
        raise RuleViolation(f"the {panel.code} meeting of {on} was cancelled",
                            hint=f"See 'send-cli panel meetings {panel.code}'.")
    return meeting


def meeting_rows(session: Any, *, code: str | None = None, start: date | None = None,
                 end: date | None = None, include_cancelled: bool = False
                 ) -> Iterator[dict[str, Any]]:
    """Panel meetings in date order, with how many cases each has (counted
    per meeting on the index of its referrals: a table of the first reads no
    more)."""
    sql, params = _meetings_where(code, start, end, include_cancelled)
    sql = ("SELECT p.code, m.date, m.time, m.moved_from, m.cancelled, (SELECT count(*)"
           " FROM referrals r WHERE r.meeting_id = m.id) FROM meetings m"
           " JOIN panels p ON p.id = m.panel_id" + sql + " ORDER BY m.date, m.time, p.code")
    for pcode, on, at, moved_from, cancelled, n in as_reader(session).rows(sql, params):
        on = day(on)
        yield {"panel": pcode, "date": on, "weekday": rules.WEEKDAY_NAMES[on.weekday()],
               "time": at, "moved_from": day(moved_from), "cancelled": flag(cancelled),
               "cases": n or 0}


def meeting_count(session: Any, *, code: str | None = None, start: date | None = None,
                  end: date | None = None, include_cancelled: bool = False) -> int:
    """How many rows meeting_rows gives."""
    sql, params = _meetings_where(code, start, end, include_cancelled)
    return int(as_reader(session).scalar("SELECT count(*) FROM meetings m"
                                         " JOIN panels p ON p.id = m.panel_id" + sql,
                                         params) or 0)


def _meetings_where(code: str | None, start: date | None, end: date | None,
                    include_cancelled: bool) -> tuple[str, dict[str, Any]]:
    sql = (" WHERE 1 = 1" + (" AND p.code = :code" if code else "")
           + (" AND m.date >= :start" if start else "") + (" AND m.date <= :end" if end else "")
           + ("" if include_cancelled else " AND m.cancelled = :no"))
    return sql, {"code": code.strip().upper() if code else None, "start": start, "end": end,
                 "no": False}


# -- the agenda ---------------------------------------------------------------
def resolve_meeting_day(session: Any, code: str, value: str, now: datetime) -> date:
    """--meeting DATE, or 'next': the panel's first meeting not yet started."""
    from send_cli.settings import parse_date

    if value.strip().lower() != "next":
        return parse_date(value, what="--meeting")
    reader = as_reader(session)
    panel = panel_named(reader, code)
    for found in reader.rows(MEETING + " WHERE panel_id = :panel AND date >= :today"
                             " AND cancelled = :no ORDER BY date LIMIT 5",
                             {"panel": panel.id, "today": now.date(), "no": False}):
        m = _meeting(found)
        if now < datetime.combine(m.date, time.fromisoformat(m.time), tzinfo=LONDON):
            return m.date
    raise NotFound(f"{panel.code} has no meeting ahead",
                   hint=f"See 'send-cli panel meetings {panel.code}'.")


def _marks(name: str, values: list[int]) -> tuple[str, dict[str, int]]:
    """Named parameters for an IN list."""
    return (", ".join(f":{name}{i}" for i in range(len(values))),
            {f"{name}{i}": v for i, v in enumerate(values)})


def agenda(session: Any, *, cal: Calendar, code: str, day: date, today: date,
           personal: bool = False) -> tuple[str, list[dict[str, Any]]]:
    """(title, rows): the cases for one meeting, what the chair needs."""
    reader = as_reader(session)
    panel = panel_named(reader, code)
    meeting = meeting_on(reader, panel, day)
    title = f"{panel.code} {panel.name}, {rules.day_label(meeting.date)} {meeting.time}"
    if meeting.moved_from:
        title += f" (moved from {rules.day_label(meeting.moved_from)})"
    rows_db = reader.all(
        "SELECT c.id, c.ref, c.name, c.dob, c.setting, r.request, r.papers_due,"
        " r.papers_received, p.code, p.active, n.code, d.outcome FROM referrals r"
        " JOIN cases c ON c.id = r.case_id JOIN officers p ON p.id = r.officer_id"
        " JOIN officers n ON n.id = c.officer_id"
        " LEFT OUTER JOIN decisions d ON d.referral_id = r.id AND d.withdrawn_at IS NULL"
        " WHERE r.meeting_id = :meeting ORDER BY r.id", {"meeting": meeting.id})
    case_ids = sorted({row[0] for row in rows_db if row[0] is not None})
    declared: dict[int, list[str]] = {}
    prior: dict[int, list[str]] = {}
    if case_ids:
        marks, params = _marks("c", case_ids)
        for cid, member, interest in reader.rows(
                "SELECT case_id, member, interest FROM declarations WHERE meeting_id = :meeting"
                f" AND case_id IN ({marks}) ORDER BY id", {**params, "meeting": meeting.id}):
            declared.setdefault(cid, []).append(f"{member}: {interest}")
        for cid, mdate, pcode, req, outcome, reason, revisit in reader.rows(
                "SELECT d.case_id, m.date, p.code, r.request, d.outcome, d.reason,"
                " d.revisit_by FROM decisions d JOIN meetings m ON m.id = d.meeting_id"
                " JOIN panels p ON p.id = m.panel_id JOIN referrals r ON r.id = d.referral_id"
                f" WHERE d.case_id IN ({marks}) AND d.meeting_id <> :meeting"
                " AND d.withdrawn_at IS NULL"
                " AND m.date <= :on ORDER BY m.date, d.id",
                {**params, "meeting": meeting.id, "on": meeting.date}):
            text = f"{day_of(mdate)} {pcode} {req}: {outcome}"
            if revisit:
                text += f" (revisit by {day_of(revisit)})"
            prior.setdefault(cid, []).append(f"{text}; {reason}")
    rows = []
    for (cid, ref, child, dob, setting, request, papers_due, papers_received, officer, active,
         case_officer, outcome) in rows_db:
        # a presenting officer who has left is replaced by the case's officer,
        # who inherited the papers follow-up
        papers_due, papers_received = day_of(papers_due), day_of(papers_received)
        row: dict[str, Any] = {
            "case_ref": ref, "child": child, "request": request,
            "officer": officer if flag(active) or outcome else case_officer,
            "papers_due": papers_due, "papers_received": papers_received,
            "papers": rules.papers_status(papers_due, papers_received, today),
            "declarations": declared.get(cid, []),
            "prior_decisions": prior.get(cid, []), "outcome": outcome}
        if personal:
            row["dob"] = day_of(dob)
            row["setting"] = setting
        rows.append(row)
    return title, rows


day_of = day  # `day` is also agenda()'s parameter
