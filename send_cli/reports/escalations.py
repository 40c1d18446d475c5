"""The escalation ladder in the store: a family's escalation recorded as a
follow-up owed a reply, and the report of everything that sits, or should
sit, above the named officer (send_cli.rules.escalation has the rules)."""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from send_cli.errors import BadInput, Conflict
from send_cli.reports.cover import HOLDERS, for_code, held_by
from send_cli.reports.lookups import officer_named
from send_cli.rules import escalation as ladder
from send_cli.rules.calendar import Calendar
from send_cli.settings import LONDON
from send_cli.store.reader import Reader, as_reader, day, moment

ESCALATION_KEYS = ("case_ref", "child", "level", "owner_role", "owner", "since",
                   "working_days_overdue", "reason", "followup_id", "kind", "due", "officer",
                   "team", "for")


def raise_escalation(*, session: Any, cal: Calendar, case_ref: str, to: str, reason: str,
                     actor: str, now: datetime) -> Any:
    """Record a family's escalation on CASE_REF to step TO: a follow-up of kind
    escalation-reply at that step, with the case's named officer, owed a reply
    within 5 working days. (A write: SQLModel, imported here only.)"""
    from sqlalchemy import select

    from send_cli.casework.cases import open_case
    from send_cli.casework.officers import promise_owner
    from send_cli.store.audit import record
    from send_cli.store.models import Followup, Officer

    level = ladder.LEVEL_OF_TO.get(to)
    if level is None:
        raise BadInput(f"--to '{to}' is not known; use one of: {', '.join(ladder.TO_CHOICES)}")
    case = open_case(session, case_ref)
    already = session.execute(
        select(Followup.id, Followup.due)
        .where(Followup.case_id == case.id, Followup.kind == ladder.ESCALATION_KIND,
               Followup.done_at.is_(None), Followup.level == level)
        .order_by(Followup.id).limit(1)).first()
    if already is not None:
        raise Conflict(
            f"case '{case.ref}' already has an open escalation to "
            f"{ladder.BY_LEVEL[level].title} (follow-up {already[0]}, reply due {already[1]})",
            hint=f"Settle it with 'send-cli followup done {already[0]}', or escalate to the "
                 "next step.")
    today = now.date()
    due = ladder.reply_due(cal, today)
    officer_id, held_for = promise_owner(session, case.officer_id, today)
    followup = Followup(case_id=case.id, kind=ladder.ESCALATION_KIND, due=due,
                        officer_id=officer_id, for_officer_id=held_for, level=level,
                        reason=reason, created_at=now)
    session.add(followup)
    session.flush()
    owner = session.get(Officer, officer_id)
    record(session, officer=actor, now=now, action="escalation.raise", entity="followup",
           entity_id=followup.id, case_ref=case.ref,
           after={"kind": ladder.ESCALATION_KIND, "to": to, "level": level,
                  "reason": reason, "due": due,
                  "officer": owner.code if owner is not None else None})
    return followup


# What a row of the report needs from an open follow-up (f), its case (c)
# and its named officer (o).
# and who holds it today: the named officer, or their cover while they are
# away (send_cli.reports.cover).
CLIMBING = ("SELECT f.id, f.kind, f.due, f.level, f.reason, f.created_at, c.ref, c.name,"
            " holder.code, holder.team, holder.role, held_for.code FROM followups f"
            " JOIN cases c ON c.id = f.case_id" + HOLDERS + " WHERE f.done_at IS NULL")


class _Owners:
    """Who holds each step above the named officer: those officers (a few
    hundred at England's size, of thousands) are read once per reader. The
    step above the named officer is never the named officer: a senior
    casework officer's own late reply goes to another senior, or no one."""

    ROLES = tuple(step.role for step in ladder.LADDER if step.role)

    def __init__(self, reader: Reader) -> None:
        self.in_team: dict[tuple[str, str], list[str]] = {}
        self.anywhere: dict[str, list[str]] = {}
        roles = ", ".join(f"'{role}'" for role in self.ROLES)
        for code, team, role in reader.rows(
                "SELECT code, team, role FROM officers WHERE active = :yes"
                f" AND role IN ({roles}) ORDER BY code", {"yes": True}):
            self.in_team.setdefault((role, team), []).append(code)
            self.anywhere.setdefault(role, []).append(code)

    @classmethod
    def of(cls, reader: Reader) -> _Owners:
        """The owners of READER's snapshot, read once (the count and the rows
        of one report share them)."""
        owners = reader.memo.get("escalation-owners")
        if owners is None:
            owners = reader.memo["escalation-owners"] = cls(reader)
        return owners

    def owner(self, role: str | None, team: str, *, named: str) -> str | None:
        if role not in self.ROLES:  # the named officer's own step
            return None
        for codes in (self.in_team.get((role, team), ()), self.anywhere.get(role, ())):
            for code in codes:
                if code != named:
                    return code
        return None


def _local_day(dt: datetime) -> date:
    """The London day of a stored moment (SQLite keeps the wall clock, naive)."""
    return dt.astimezone(LONDON).date() if dt.tzinfo else dt.date()


def _scope(reader: Reader, today: date, officer: str | None,
           team: str | None) -> tuple[str, dict[str, Any]]:
    """The report kept to what OFFICER holds today, or TEAM's officers hold."""
    sql, params = held_by(reader, officer, today) if officer else ("", {})
    if team:
        sql += " AND holder.team = :team"
    return sql, {**params, "today": today, "team": team}


def _cutoffs(cal: Calendar, today: date) -> list[date]:
    """The latest due date 5, 10 and 15 working days late on TODAY: an
    ordinary follow-up due on or before the k-th sits k steps up."""
    return [ladder.late_cutoff(cal, today, ladder.STEP_WORKING_DAYS * k)
            for k in range(1, ladder.TOP)]


def _key(row: dict[str, Any]) -> tuple[Any, ...]:
    """The report's order: the highest step first, then the longest there."""
    return (-row["level"], row["since"], -row["working_days_overdue"], row["case_ref"],
            row["followup_id"])


def escalation_count(session: Any, *, cal: Calendar, today: date,
                     officer: str | None = None, team: str | None = None) -> int:
    """How many rows escalation_rows gives, counted in SQL (the late
    follow-ups on the partial index of open follow-ups' due dates)."""
    reader = as_reader(session)
    if officer:
        officer_named(reader, officer)
    scope, params = _scope(reader, today, officer, team)
    params.update({"cut": _cutoffs(cal, today)[0], "kind": ladder.ESCALATION_KIND})

    def late(where: str = "") -> int:
        sql = "SELECT count(*) FROM followups f"
        if officer or team:
            sql += HOLDERS
        sql += " WHERE f.done_at IS NULL AND f.due <= :cut" + where + scope
        return int(reader.scalar(sql, params) or 0)

    # every late follow-up (the due-date index alone), less the families'
    # escalations among them (the index of open follow-ups by kind), which
    # are counted with the others raised, at their own steps
    ordinary = late() - late(" AND f.kind = :kind")
    return ordinary + len(_raised(reader, cal=cal, today=today, officer=officer, team=team,
                                  owners=_Owners.of(reader)))


def escalation_rows(session: Any, *, cal: Calendar, today: date,
                    officer: str | None = None, team: str | None = None
                    ) -> Iterator[dict[str, Any]]:
    """Open follow-ups at step 2 or above on TODAY, the highest step first,
    streamed: a table of the first 50 reads little more than 50 rows.

    The ordinary follow-ups of each step are one indexed range of due dates
    (due on or before the 15-working-day cut-off: the lead; then the senior's
    range; then business support's), read in due order, which is the
    report's order within a step (the later the due date, the later it got
    there and the fewer days late); rows due the same day are put in
    reference order. Families' escalations start higher and climb from
    their own step: there are few, and they are worked out one by one and
    merged in."""
    reader = as_reader(session)
    if officer:
        officer_named(reader, officer)
    owners = _Owners.of(reader)
    raised = _raised(reader, cal=cal, today=today, officer=officer, team=team,
                     owners=owners)
    scope, scoped = _scope(reader, today, officer, team)
    cuts = _cutoffs(cal, today)
    bounds = [(ladder.TOP, None, cuts[2]), (3, cuts[2], cuts[1]), (2, cuts[1], cuts[0])]

    def ordinary() -> Iterator[dict[str, Any]]:
        for level, after, upto in bounds:
            sql = (CLIMBING + " AND f.kind <> :kind AND f.due <= :upto"
                   + (" AND f.due > :after" if after is not None else "")
                   + scope + " ORDER BY f.due")
            params = {**scoped, "kind": ladder.ESCALATION_KIND, "upto": upto, "after": after}
            group: list[dict[str, Any]] = []
            for found in reader.rows(sql, params):
                row = _row(found, cal=cal, today=today, owners=owners, level=level)
                if group and _key(group[0])[:3] != _key(row)[:3]:
                    yield from sorted(group, key=_key)
                    group = []
                group.append(row)
            yield from sorted(group, key=_key)

    return heapq.merge(ordinary(), raised, key=_key)


def _raised(reader: Reader, *, cal: Calendar, today: date, officer: str | None,
            team: str | None, owners: _Owners | None) -> list[dict[str, Any]]:
    """Families' escalations (and anything else that starts above the named
    officer), each at its step today, in the report's order: worked out once
    per reader (the count and the rows of one report share them)."""
    key = ("raised", today, officer, team, owners is not None)
    if key in reader.memo:
        return list(reader.memo[key])
    rows = []
    scope, params = _scope(reader, today, officer, team)
    for found in reader.rows(CLIMBING + " AND f.kind = :kind" + scope,
                             {**params, "kind": ladder.ESCALATION_KIND}):
        row = _row(found, cal=cal, today=today, owners=owners, level=None)
        if row["level"] > ladder.NAMED_OFFICER:
            rows.append(row)
    rows.sort(key=_key)
    reader.memo[key] = rows
    return list(rows)


def _row(found: Any, *, cal: Calendar, today: date, owners: _Owners | None,
         level: int | None) -> dict[str, Any]:
    """A row of the report from a follow-up; LEVEL when its range gave it."""
    fid, kind, due, start, reason, created_at, ref, child, code, team_, role, away = found
    due = day(due)
    start = max(int(start or 1), 1)
    days_late = max(cal.working_days_between(due, today), 0)
    if level is None:
        level = ladder.level_for(start, days_late)
    role_above = ladder.owner_role(level, role)
    owner = None
    if owners is not None:
        owner = owners.owner(role_above, team_, named=code)
        if owner is None and level > ladder.NAMED_OFFICER:
            owner = ladder.nobody(level)
    return {
        "case_ref": ref, "child": child, "level": level, "owner_role": role_above,
        "owner": owner,
        "since": ladder.reached_on(cal, start=start, level=level, due=due,
                                   raised_on=_local_day(moment(created_at)))
        if level > ladder.NAMED_OFFICER else due,
        "working_days_overdue": days_late,
        "reason": reason if kind == ladder.ESCALATION_KIND and reason
        else ladder.describe(kind, due),
        "followup_id": fid, "kind": kind, "due": due, "officer": code, "team": team_,
        "for": for_code(away),
    }
