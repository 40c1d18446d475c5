"""Panel decisions: what the panel decided on a case, the follow-ups and
milestones that follow, and the decision list."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from send_cli.casework.meetings import get_meeting, has_started
from send_cli.casework.panels import get_panel
from send_cli.errors import BadInput, Conflict, RuleViolation
from send_cli.rules import panels as rules
from send_cli.rules.calendar import Calendar
from send_cli.rules.panels import decision_rights
from send_cli.store.audit import record
from send_cli.store.models import (
    Case,
    Decision,
    Declaration,
    Followup,
    Meeting,
    Panel,
    Referral,
)

DECISION_KEYS = ("case_ref", "panel", "meeting", "request", "outcome", "reason", "revisit_by",
                 "chair")


# -- decisions ----------------------------------------------------------------
@dataclass
class Logged:
    decision: Decision
    referral: Referral
    followups: list[Followup]
    rights: str | None
    notes: list[str] = field(default_factory=list)


def log_decision(*, session: Session, cal: Calendar, ref: str, code: str, day: date,
                 outcome: str, reason: str, revisit_by: date | None, chair: str,
                 request: str | None, actor: str, now: datetime) -> Logged:
    """Record what the panel decided on a case at a meeting, with its reasons
    and chair, and create what the decision promises the family."""
    from send_cli.casework.cases import get_case
    from send_cli.casework.officers import promise_owner

    if outcome not in rules.OUTCOMES:
        raise BadInput(f"--outcome '{outcome}' is not known; use one of: "
                       f"{', '.join(rules.OUTCOMES)}")
    if outcome == "deferred" and revisit_by is None:
        raise BadInput("a deferral needs --revisit-by DATE: the date by which the case comes "
                       "back to the panel (the panel's terms of reference: 'deferred with "
                       "agreed timescales')")
    if outcome != "deferred" and revisit_by is not None:
        raise BadInput(f"--revisit-by is only for a deferral, not for '{outcome}'")
    panel = get_panel(session, code)
    meeting = get_meeting(session, panel, day)
    if not has_started(meeting, now):
        raise RuleViolation(
            f"the {panel.code} meeting of {day} {meeting.time} has not started yet (it is now "
            f"{now.strftime('%Y-%m-%d %H:%M')}); a decision is recorded once the panel has met")
    case = get_case(session, ref)
    stmt = select(Referral).where(Referral.meeting_id == meeting.id,
                                  Referral.case_id == case.id)
    items = list(session.execute(stmt.order_by(Referral.id)).scalars())
    if not items:
        raise RuleViolation(f"case '{case.ref}' is not on the agenda of {panel.code} {day}",
                            hint=f"See 'send-cli panel agenda {panel.code} --meeting {day}'.")
    if request is not None:
        chosen = [r for r in items if r.request == request]
        if not chosen:
            raise RuleViolation(
                f"case '{case.ref}' is on the agenda of {panel.code} {day} for "
                f"{', '.join(r.request for r in items)}, not '{request}'")
        referral = chosen[0]
    elif len(items) > 1:
        raise BadInput(f"case '{case.ref}' is on the agenda of {panel.code} {day} for "
                       f"{', '.join(r.request for r in items)}; name one with --request")
    else:
        referral = items[0]
    previous = session.execute(select(Decision).where(
        Decision.referral_id == referral.id, Decision.withdrawn_at.is_(None))).scalars().first()
    if previous is not None:
        raise Conflict(f"the panel's decision on '{case.ref}' ({referral.request}) at "
                       f"{panel.code} {day} is already recorded: {previous.outcome}",
                       hint="If it was recorded in error, record it again with --correct "
                            "--why TEXT; refer the case again if the panel is to reconsider.")
    if case.status == "closed":
        raise RuleViolation(f"case '{case.ref}' is closed", hint="Closed cases cannot change.")
    declared = session.execute(select(Declaration).where(
        Declaration.meeting_id == meeting.id, Declaration.case_id == case.id)
        .order_by(Declaration.id)).scalars().all()
    for d in declared:
        if rules.same_person(d.member, chair):
            raise RuleViolation(
                f"{d.member} declared an interest in '{case.ref}' ({d.interest}) and takes no part "
                "in it (the panel's terms of reference)",
                hint="Another member chairs this case: give --chair NAME.")
    if revisit_by is not None and revisit_by <= meeting.date:
        raise BadInput(f"--revisit-by {revisit_by} is not after the meeting on {meeting.date}; "
                       "give a later date")
    notes: list[str] = []
    milestone = _statutory_milestone(session, case, referral.request, outcome, meeting.date,
                                     notes)

    decision = Decision(referral_id=referral.id, case_id=case.id, meeting_id=meeting.id,
                        outcome=outcome, reason=reason, revisit_by=revisit_by, chair=chair,
                        decided_at=now)
    session.add(decision)
    session.flush()
    where = f"{panel.code} {meeting.date}"
    told = f"{referral.request} {outcome}"
    if revisit_by is not None:
        told += f" (back to the panel by {revisit_by})"
    # every outcome is owed to the family, a deferral too (local offer: a call
    # "to communicate the outcomes", then an email)
    call = rules.outcome_call_due(meeting.date, panel.outcome_days,
                                  panel.outcome_working_days, cal)
    # made today on the named officer's case: owed by their cover while away
    owner, held_for = promise_owner(session, case.officer_id, now.date())
    followups = [Followup(
        case_id=case.id, kind="outcome-call", due=call, officer_id=owner,
        for_officer_id=held_for, reason=f"tell the family by phone: {where} {told}",
        decision_id=decision.id, created_at=now)]
    if panel.outcome_email:
        followups.append(Followup(
            case_id=case.id, kind="outcome-email", due=rules.outcome_email_due(call, cal),
            officer_id=owner, for_officer_id=held_for,
            reason=f"email the outcome: {where} {told}", decision_id=decision.id,
            created_at=now))
    if revisit_by is not None:
        followups.append(Followup(
            case_id=case.id, kind="revisit", due=revisit_by, officer_id=owner,
            for_officer_id=held_for,
            reason=f"deferred by {where} ({referral.request}): back to the panel by "
                   f"{revisit_by}", decision_id=decision.id, created_at=now))
    session.add_all(followups)
    # the papers are no longer owed once the panel has decided
    for f in session.execute(select(Followup).where(
            Followup.referral_id == referral.id, Followup.kind == "papers",
            Followup.done_at.is_(None))).scalars():
        f.done_at, f.done_by, f.note = now, actor, f"the panel decided on {meeting.date}"
        session.add(f)
    session.flush()
    record(session, officer=actor, now=now, action="decision.log", entity="decision",
           entity_id=decision.id, case_ref=case.ref,
           after={"panel": panel.code, "meeting": meeting.date, "request": referral.request,
                  "outcome": outcome, "reason": reason, "revisit_by": revisit_by,
                  "chair": chair, "declarations": [f"{d.member}: {d.interest}" for d in declared],
                  "followups": {f.kind: f.due for f in followups}, "notes": notes})
    rights = decision_rights(referral.request, outcome)
    if rights:
        record(session, officer=actor, now=now, action="decision.rights", entity="decision",
               entity_id=decision.id, case_ref=case.ref,
               after={"request": referral.request, "outcome": outcome, "rights": rights})
    if milestone is not None:
        from send_cli.casework import timeline

        timeline.record_milestone(session=session, case=case, kind=milestone, on=meeting.date,
                                  outcome=rules.MILESTONE_OUTCOME[outcome], actor=actor,
                                  now=now)
    return Logged(decision, referral, followups, rights, notes)


def _statutory_milestone(session: Session, case: Case, request: str, outcome: str,
                         day: date, notes: list[str]) -> str | None:
    """The timeline milestone a decision on REQUEST records, or None: none
    for this request or outcome, or the same one already recorded (by hand,
    with 'case milestone'), which NOTES then says. Refuses a decision the
    recorded milestone contradicts."""
    from send_cli.store.models import Milestone

    kind = rules.STATUTORY_DECISIONS.get(request)
    if kind is None or outcome not in rules.MILESTONE_OUTCOME:
        return None
    wanted = rules.MILESTONE_OUTCOME[outcome]
    recorded = session.execute(
        select(Milestone).where(Milestone.case_id == case.id, Milestone.kind == kind)
        .order_by(Milestone.on.desc(), Milestone.id.desc()).limit(1)).scalars().first()
    if recorded is None or recorded.outcome is None:
        return kind
    how = rules.milestone_agreement(recorded.outcome, recorded.on, wanted, day)
    if how == "later":
        return kind
    if how == "same":
        note = (f"{case.ref}: the timeline already has the {kind} ({recorded.outcome}) on "
                f"{recorded.on}; the panel's decision agrees with it, so it is not recorded "
                "twice")
        if recorded.on != day:
            note += f" (the timeline keeps {recorded.on}, not the meeting's {day})"
        notes.append(note)
        return None
    matching = rules.DECISION_FOR_MILESTONE[recorded.outcome]
    raise RuleViolation(
        f"{case.ref}: the timeline already has the {kind} as {recorded.outcome} on "
        f"{recorded.on}, which a panel decision '{outcome}' on {day} contradicts",
        hint=f"If the chair signed '{matching}', log that: --outcome {matching}. If the "
             f"milestone of {recorded.on} is wrong, correct it on the timeline "
             f"first (send-cli case milestone {case.ref} {kind} --withdraw --reason TEXT).")


def decision_rows(session: Session, *, panel: str | None = None, start: date | None = None,
                  end: date | None = None, batch: int = 5000) -> Iterator[dict[str, Any]]:
    """Every decision (export decisions, decision list): streamed, oldest
    meeting first."""
    stmt = (select(Case.ref, Panel.code, Meeting.date, Referral.request, Decision.outcome,
                   Decision.reason, Decision.revisit_by, Decision.chair)
            .select_from(Decision)
            .join(Referral, Referral.id == Decision.referral_id)
            .join(Meeting, Meeting.id == Decision.meeting_id)
            .join(Panel, Panel.id == Meeting.panel_id)
            .join(Case, Case.id == Decision.case_id)
            .where(Decision.withdrawn_at.is_(None))
            .order_by(Meeting.date, Panel.code, Decision.id))
    if panel:
        stmt = stmt.where(Panel.code == panel.strip().upper())
    if start:
        stmt = stmt.where(Meeting.date >= start)
    if end:
        stmt = stmt.where(Meeting.date <= end)
    for row in session.execute(stmt.execution_options(yield_per=batch)):
        yield dict(zip(DECISION_KEYS, row, strict=True))
