"""Declarations of interest: a panel member takes no part in a case at a
meeting."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session

from send_cli.casework.meetings import get_meeting, has_started
from send_cli.casework.panels import get_panel
from send_cli.errors import Conflict, RuleViolation
from send_cli.rules import panels as rules
from send_cli.store.audit import record
from send_cli.store.models import (
    Declaration,
    Referral,
)


# -- declarations -----------------------------------------------------------
def declare(*, session: Session, code: str, day: date, member: str, ref: str, interest: str,
            actor: str, now: datetime) -> Declaration:
    """A panel member's personal interest in a case at one meeting: they take
    no part in that case (the panel's terms of reference)."""
    from send_cli.casework.cases import get_case

    panel = get_panel(session, code)
    meeting = get_meeting(session, panel, day)
    case = get_case(session, ref)
    referrals = session.execute(select(Referral.id).where(
        Referral.meeting_id == meeting.id, Referral.case_id == case.id)).scalars().all()
    if not referrals:
        raise RuleViolation(f"case '{case.ref}' is not on the agenda of {panel.code} {day}",
                            hint=f"See 'send-cli panel agenda {panel.code} --meeting {day}'.")
    # terms of reference: interests are declared "in advance of the Panel discussions"
    # (a decision can only follow the start, so this also covers decided cases)
    if has_started(meeting, now):
        raise RuleViolation(
            f"the {panel.code} meeting of {day} {meeting.time} has already "
            f"{'started' if meeting.date == now.date() else 'taken place'}; interests are "
            "declared in advance of the panel's discussions (the panel's terms of reference)")
    for d in session.execute(select(Declaration).where(
            Declaration.meeting_id == meeting.id, Declaration.case_id == case.id)).scalars():
        if rules.same_person(d.member, member):
            raise Conflict(f"{d.member} has already declared an interest in '{case.ref}' at "
                           f"{panel.code} {day}")
    declaration = Declaration(meeting_id=meeting.id, case_id=case.id, member=member,
                              interest=interest, created_at=now)
    session.add(declaration)
    session.flush()
    record(session, officer=actor, now=now, action="declaration.add", entity="declaration",
           entity_id=declaration.id, case_ref=case.ref,
           after={"panel": panel.code, "meeting": day, "member": member, "interest": interest})
    return declaration


def meeting_declarations(session: Session, meeting_id: int,
                  case_ids: Sequence[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    if not case_ids:
        return out
    for cid, member, interest in session.execute(
            select(Declaration.case_id, Declaration.member, Declaration.interest)
            .where(Declaration.meeting_id == meeting_id, Declaration.case_id.in_(case_ids))
            .order_by(Declaration.id)):
        out.setdefault(cid, []).append(f"{member}: {interest}")
    return out
