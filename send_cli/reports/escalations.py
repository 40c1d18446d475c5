"""The escalation ladder in the store: a family's escalation recorded as a
follow-up owed a reply, and the report of everything that sits, or should
sit, above the named officer (send_cli.rules.escalation has the rules)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select, union_all
from sqlmodel import Session

from send_cli.audit import record
from send_cli.casework import get_officer, open_case
from send_cli.errors import BadInput, Conflict
from send_cli.models import Case, Followup, Officer
from send_cli.rules import escalation as ladder
from send_cli.settings import LONDON
from send_cli.workdays import Calendar

ESCALATION_KEYS = ("case_ref", "child", "level", "owner_role", "owner", "since",
                   "working_days_overdue", "reason", "followup_id", "kind", "due", "officer",
                   "team")


def raise_escalation(*, session: Session, cal: Calendar, case_ref: str, to: str, reason: str,
                     actor: str, now: datetime) -> Followup:
    """Record a family's escalation on CASE_REF to step TO: a follow-up of kind
    escalation-reply at that step, with the case's named officer, owed a reply
    within 5 working days."""
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
    followup = Followup(case_id=case.id, kind=ladder.ESCALATION_KIND, due=due,
                        officer_id=case.officer_id, level=level, reason=reason,
                        created_at=now)
    session.add(followup)
    session.flush()
    owner = session.get(Officer, case.officer_id)
    record(session, officer=actor, now=now, action="escalation.raise", entity="followup",
           entity_id=followup.id, case_ref=case.ref,
           after={"kind": ladder.ESCALATION_KIND, "to": to, "level": level,
                  "reason": reason, "due": due,
                  "officer": owner.code if owner is not None else None})
    return followup


class _Owners:
    """Who holds each role: the officers table is small, so it is read once.
    The step above the named officer is never the named officer: a senior
    casework officer's own late reply goes to another senior, or no one."""

    def __init__(self, session: Session) -> None:
        self.in_team: dict[tuple[str, str], list[str]] = {}
        self.anywhere: dict[str, list[str]] = {}
        for code, team, role in session.execute(
                select(Officer.code, Officer.team, Officer.role)
                .where(Officer.active.is_(True)).order_by(Officer.code)):
            self.in_team.setdefault((role, team), []).append(code)
            self.anywhere.setdefault(role, []).append(code)

    def owner(self, role: str | None, team: str, *, named: str) -> str | None:
        if role is None:
            return None
        for codes in (self.in_team.get((role, team), ()), self.anywhere.get(role, ())):
            for code in codes:
                if code != named:
                    return code
        return None


def _local_day(dt: datetime) -> date:
    """The London day of a stored moment (SQLite keeps the wall clock, naive)."""
    return dt.astimezone(LONDON).date() if dt.tzinfo else dt.date()


def escalation_rows(session: Session, *, cal: Calendar, today: date,
                    officer: str | None = None, team: str | None = None) -> list[dict[str, Any]]:
    """Open follow-ups at step 2 or above on TODAY, the highest step first.

    Two indexed range reads on open follow-ups: those at least 5 working days
    late (due on or before the cut-off day), and the families' escalations
    that are not yet that late. The step of each row is worked out here."""
    cutoff = ladder.late_cutoff(cal, today, ladder.STEP_WORKING_DAYS)
    cols = (Followup.id.label("fid"), Followup.kind, Followup.due, Followup.level,
            Followup.reason, Followup.created_at, Case.ref, Case.name,
            Officer.code, Officer.team, Officer.role)

    def base() -> Any:
        stmt = (select(*cols).join(Case, Case.id == Followup.case_id)
                .join(Officer, Officer.id == Followup.officer_id)
                .where(Followup.done_at.is_(None)))
        if officer:
            stmt = stmt.where(Followup.officer_id == get_officer(session, officer).id)
        if team:
            stmt = stmt.where(Officer.team == team)
        return stmt

    late = base().where(Followup.due <= cutoff)
    raised = base().where(Followup.due > cutoff, Followup.kind == ladder.ESCALATION_KIND)
    owners = _Owners(session)
    rows: list[dict[str, Any]] = []
    for (fid, kind, due, start, reason, created_at, ref, child, code, team_,
         role) in session.execute(union_all(late, raised)):
        start = max(int(start or 1), 1)
        days_late = max(cal.working_days_between(due, today), 0)
        level = ladder.level_for(start, days_late)
        if level <= ladder.NAMED_OFFICER:
            continue
        held_by = ladder.owner_role(level, role)
        rows.append({
            "case_ref": ref, "child": child, "level": level, "owner_role": held_by,
            "owner": owners.owner(held_by, team_, named=code),
            "since": ladder.reached_on(cal, start=start, level=level, due=due,
                                       raised_on=_local_day(created_at)),
            "working_days_overdue": days_late,
            "reason": reason if kind == ladder.ESCALATION_KIND and reason
            else ladder.describe(kind, due),
            "followup_id": fid, "kind": kind, "due": due, "officer": code, "team": team_,
        })
    rows.sort(key=lambda r: (-r["level"], r["since"], -r["working_days_overdue"],
                             r["case_ref"], r["followup_id"]))
    return rows
