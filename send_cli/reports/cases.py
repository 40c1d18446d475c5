"""Read-side queries for cases: the lists of cases, contacts, follow-ups and
the audit trail, in plain SQL (send_cli.store.reader). The whole file of
one case is in send_cli.reports.casefile."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from send_cli.errors import NotFound
from send_cli.settings import LONDON
from send_cli.store.reader import as_reader, day, moment

CASE_KEYS = ("ref", "name", "dob", "officer", "status", "received", "requested_by", "setting")
CONTACT_KEYS = ("id", "case_ref", "at", "channel", "direction", "party", "summary", "officer")
# a record withdrawn as made in error: when, by whom and why ('case show')
WITHDRAWN_KEYS = ("withdrawn_at", "withdrawn_by", "withdrawn_reason")
FOLLOWUP_KEYS = ("id", "case_ref", "kind", "due", "officer", "status", "done_at", "for")
AUDIT_KEYS = ("at", "officer", "action", "case_ref", "entity", "entity_id", "before", "after")


def local(dt: Any) -> Any:
    """A stored (UTC) date-time as Europe/London wall clock."""
    if dt is None:
        return None
    return dt.astimezone(LONDON) if dt.tzinfo else dt.replace(tzinfo=LONDON)


def withdrawn_view(at: Any, by: str | None, reason: str | None) -> dict[str, Any]:
    """The withdrawn_* keys of a contact, advice request or decision withdrawn
    as made in error (all None when it stands), the moment in London time."""
    return dict(zip(WITHDRAWN_KEYS, (local(moment(at)), by, reason), strict=True))


def case_rows(session: Any, *, officer: str | None = None,
              status: str | None = None) -> Iterator[dict[str, Any]]:
    sql = ("SELECT c.ref, c.name, c.dob, o.code, c.status, c.received, c.requested_by,"
           " c.setting FROM cases c JOIN officers o ON o.id = c.officer_id WHERE 1 = 1"
           + (" AND o.code = :officer" if officer else "")
           + (" AND c.status = :status" if status else "") + " ORDER BY c.ref")
    for ref, name, dob, code, status_, received, by, setting in as_reader(session).rows(
            sql, {"officer": officer, "status": status}):
        yield {"ref": ref, "name": name, "dob": day(dob), "officer": code, "status": status_,
               "received": day(received), "requested_by": by, "setting": setting}


def case_count(session: Any, *, officer: str | None = None,
               status: str | None = None) -> int:
    sql = "SELECT count(c.id) FROM cases c"
    if officer:
        sql += " JOIN officers o ON o.id = c.officer_id WHERE o.code = :officer"
    if status:
        sql += (" AND" if officer else " WHERE") + " c.status = :status"
    return int(as_reader(session).scalar(sql, {"officer": officer, "status": status}) or 0)


class _LocalIso:
    """A stored UTC moment as London wall-clock ISO text, minutes precision:
    what local(moment).isoformat(timespec="minutes") gives, without making a
    datetime per row. The offset is the same all through a UTC hour (the
    clocks change on the hour), so it is worked out once per hour."""

    def __init__(self) -> None:
        self._hours: dict[str, tuple[str, str]] = {}

    def __call__(self, value: Any) -> Any:
        if not isinstance(value, str):  # a driver that returns datetimes
            return None if value is None else local(value).isoformat(timespec="minutes")
        if len(value) < 16 or value[10] not in " T" or value[13] != ":":
            from datetime import UTC, datetime

            moment = datetime.fromisoformat(value).replace(tzinfo=UTC)
            return local(moment).isoformat(timespec="minutes")
        hour = self._hours.get(value[:13])
        if hour is None:
            from datetime import UTC, datetime

            there = datetime.fromisoformat(value[:13] + ":00").replace(tzinfo=UTC)
            text = local(there).isoformat(timespec="minutes")  # YYYY-MM-DDTHH:00+HH:MM
            hour = self._hours[value[:13]] = (text[:13], text[16:])
        return f"{hour[0]}:{value[14:16]}{hour[1]}"


def contact_rows(session: Any, *, case_id: int | None = None, iso_times: bool = False,
                 withdrawn: bool = False) -> Iterator[dict[str, Any]]:
    """Contacts, with `at` in London time; ISO_TIMES gives it as ISO text
    (what CSV and JSON write), quicker for an export of millions. Those
    withdrawn as made in error are left out; WITHDRAWN ('case show') keeps
    them, with when (London time), by whom and why."""
    to_local: Any = _LocalIso() if iso_times else (lambda stored: local(moment(stored)))
    keys = (*CONTACT_KEYS, *WITHDRAWN_KEYS) if withdrawn else CONTACT_KEYS
    sql = ("SELECT t.id, c.ref, t.at, t.channel, t.direction, t.party, t.summary, o.code"
           + (", t.withdrawn_at, t.withdrawn_by, t.withdrawn_reason" if withdrawn else "")
           + " FROM contacts t JOIN cases c ON c.id = t.case_id"
           " JOIN officers o ON o.id = t.officer_id"
           + ("" if withdrawn else " WHERE t.withdrawn_at IS NULL"))
    if case_id is not None:
        sql += (" AND" if not withdrawn else " WHERE") + " t.case_id = :case_id"
        sql += " ORDER BY t.at, t.id"
    else:
        sql += " ORDER BY t.id"
    for row in as_reader(session).rows(sql, {"case_id": case_id}):
        d = dict(zip(keys, row, strict=True))
        d["at"] = to_local(d["at"])
        if withdrawn:
            d["withdrawn_at"] = local(moment(d["withdrawn_at"]))
        yield d


def followup_rows(session: Any, *, today: date, case_id: int | None = None,
                  officer: str | None = None,
                  include_done: bool = False) -> Iterator[dict[str, Any]]:
    """Follow-ups, soonest due first, each with the officer who holds it on
    TODAY ('for': the away officer whose follow-up a cover holds)."""
    from send_cli.reports.cover import HOLDERS, for_code, held_by

    held, params = held_by(session, officer, today) if officer else ("", {})
    sql = ("SELECT f.id, c.ref, f.kind, f.due, holder.code, f.done_at, held_for.code"
           " FROM followups f JOIN cases c ON c.id = f.case_id" + HOLDERS + " WHERE 1 = 1"
           + (" AND f.case_id = :case_id" if case_id is not None else "") + held
           + ("" if include_done else " AND f.done_at IS NULL") + " ORDER BY f.due, f.id")
    for fid, ref, kind, due, code, done_at, away in as_reader(session).rows(
            sql, {**params, "case_id": case_id, "today": today}):
        yield {"id": fid, "case_ref": ref, "kind": kind, "due": day(due), "officer": code,
               "status": "open" if done_at is None else "done",
               "done_at": local(moment(done_at)), "for": for_code(away)}


def audit_rows(session: Any, *, case_ref: str | None = None,
               objects: bool = False) -> Iterator[dict[str, Any]]:
    """The audit trail, oldest first. before and after are the stored JSON
    text (for a table or CSV), or with OBJECTS the values themselves (JSON)."""
    sql = ('SELECT at, officer, login, action, case_ref, entity, entity_id, "before", "after"'
           " FROM audit" + (" WHERE case_ref = :ref" if case_ref is not None else "")
           + " ORDER BY id")
    value = audit_value if objects else (lambda text: text)
    for at, officer, login, action, ref, entity, entity_id, before, after in as_reader(
            session).rows(sql, {"ref": case_ref}):
        yield {"at": local(moment(at)), "officer": officer, "login": login, "action": action,
               "case_ref": ref, "entity": entity, "entity_id": entity_id,
               "before": value(before), "after": value(after)}


def audit_count(session: Any, *, case_ref: str | None = None) -> int:
    """How many entries audit_rows gives (a table of the first reads no more):
    a case's from the index of case references; the whole trail's from the
    count the store keeps (revision 0014), not by counting millions."""
    reader = as_reader(session)
    if case_ref is None:
        kept = reader.scalar("SELECT n FROM store_counts WHERE name = 'audit'")
        if kept is not None:
            return int(kept)
    return int(reader.scalar(
        "SELECT count(*) FROM audit" + (" WHERE case_ref = :ref" if case_ref is not None
                                        else ""), {"ref": case_ref}) or 0)


def followup_count(session: Any, *, today: date, case_id: int | None = None,
                   officer: str | None = None, include_done: bool = False) -> int:
    """How many rows followup_rows gives, counted in SQL."""
    from send_cli.reports.cover import HOLDERS, held_by

    held, params = held_by(session, officer, today) if officer else ("", {})
    sql = ("SELECT count(*) FROM followups f" + (HOLDERS if officer else "") + " WHERE 1 = 1"
           + (" AND f.case_id = :case_id" if case_id is not None else "") + held
           + ("" if include_done else " AND f.done_at IS NULL"))
    return int(as_reader(session).scalar(sql, {**params, "case_id": case_id,
                                                "today": today}) or 0)


def audit_value(text: str | None) -> Any:
    """A stored before/after value as the object it holds (text that is not
    JSON, from some older entry, stays text)."""
    if text is None:
        return None
    import json

    try:
        return json.loads(text)
    except ValueError:
        return text


def check_audit_ref(session: Any, ref: str) -> None:
    """NotFound unless REF is a case, or names entries of the audit trail."""
    from send_cli.reports.lookups import case_named

    try:
        case_named(session, ref)
    except NotFound:
        if as_reader(session).scalar("SELECT id FROM audit WHERE case_ref = :ref LIMIT 1",
                                     {"ref": ref}) is None:
            raise


def officer_codes(session: Any, ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    wanted = sorted(set(ids))
    marks = ", ".join(f":i{n}" for n in range(len(wanted)))
    return {int(i): str(code) for i, code in as_reader(session).rows(
        f"SELECT id, code FROM officers WHERE id IN ({marks})",
        {f"i{n}": v for n, v in enumerate(wanted)})}
