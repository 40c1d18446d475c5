"""Corrections: a contact, an advice request or a panel decision recorded in
error is withdrawn (kept, marked, audited) and what rested on it is put right
or the withdrawal refused, said plainly."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from send_cli.casework.cases import open_case
from send_cli.casework.fields import REASON_MAX, check_text
from send_cli.casework.followups import london
from send_cli.errors import BadInput, Conflict, NotFound, RuleViolation
from send_cli.rules import followups as promises
from send_cli.store.audit import record
from send_cli.store.models import (
    Appeal,
    Case,
    Contact,
    Decision,
    Followup,
    Meeting,
    Milestone,
    Referral,
)


@dataclass
class Withdrawn:
    """What a withdrawal did: notes for people, and (when correcting a
    contact) the follow-up it created, left for the contact logged in its
    place to take over."""

    notes: list[str] = field(default_factory=list)
    kept: Followup | None = None
    row: Any = None


def check_reason(reason: str) -> str:
    if not reason.strip():
        raise BadInput("--reason is empty; say why it is withdrawn")
    return check_text(reason.strip(), what="--reason", max_len=REASON_MAX)


def _mark(row: Any, *, reason: str, actor: str, now: datetime) -> None:
    row.withdrawn_at, row.withdrawn_by, row.withdrawn_reason = now, actor, reason


def _already(row: Any, what: str) -> None:
    if row.withdrawn_at is not None:
        raise Conflict(f"{what} was already withdrawn on {london(row.withdrawn_at):%Y-%m-%d} "
                       f"by {row.withdrawn_by}: {row.withdrawn_reason}")


def _followup_text(f: Followup) -> str:
    return f"follow-up {f.id} ({f.kind} due {f.due:%a %d %b %Y})"


def _whole(f: Followup) -> dict[str, Any]:
    return {"id": f.id, "kind": f.kind, "due": f.due, "officer_id": f.officer_id,
            "reason": f.reason, "done_at": f.done_at, "done_by": f.done_by, "note": f.note}


def remove_followup(session: Session, f: Followup, *, case: Case, why: str, actor: str,
                    now: datetime) -> None:
    """Remove a follow-up that was never owed (what made it was withdrawn):
    the audit entry keeps it whole; the KPI counts drop it (their trigger)."""
    record(session, officer=actor, now=now, action="followup.withdraw", entity="followup",
           entity_id=f.id, case_ref=case.ref, before=_whole(f),
           after={"withdrawn": True, "why": why})
    session.delete(f)
    session.flush()


# -- contacts ------------------------------------------------------------------
def withdraw_contact(*, session: Session, case_ref: str, contact_id: int, reason: str,
                     actor: str, now: datetime, correcting: bool = False) -> Withdrawn:
    """Withdraw contact CONTACT_ID of CASE_REF, logged in error. The follow-up
    it settled is open again; the follow-up it created (a reply or call back
    owed for a message that never came) is removed, or kept for the contact
    logged in its place when CORRECTING. Refused when it settled a
    refusal's outcome email whose appeal window has moved on since."""
    reason = check_reason(reason)
    case = open_case(session, case_ref)
    contact = session.get(Contact, contact_id) if 0 < contact_id < 2**31 else None
    if contact is None:
        raise NotFound(f"no contact {contact_id}", hint=f"See 'send-cli case show {case.ref}'.")
    if contact.case_id != case.id:
        other = session.get(Case, contact.case_id)
        raise RuleViolation(f"contact {contact_id} is not on case '{case.ref}' (it is on "
                            f"'{other.ref if other else '?'}')")
    _already(contact, f"contact {contact_id}")
    out = Withdrawn(row=contact)
    settled = list(session.execute(select(Followup).where(
        Followup.case_id == case.id, Followup.done_at.is_not(None),
        Followup.note == f"settled by contact {contact.id}").order_by(Followup.id)).scalars())
    for f in settled:
        out.notes += _undo_letter(session, f, case=case, actor=actor, now=now)
    reopened = []
    for f in settled:
        before = {"kind": f.kind, "status": "done", "done_at": f.done_at, "note": f.note}
        f.done_at, f.done_by, f.note = None, None, None
        session.add(f)
        session.flush()
        record(session, officer=actor, now=now, action="followup.reopen", entity="followup",
               entity_id=f.id, case_ref=case.ref, before=before,
               after={"kind": f.kind, "status": "open", "done_at": None,
                      "why": f"contact {contact.id} withdrawn"})
        reopened.append(f.id)
        out.notes.append(f"{_followup_text(f)}, which it settled, is open again")
    created = list(session.execute(select(Followup).where(
        Followup.contact_id == contact.id).order_by(Followup.id)).scalars())
    removed = []
    for f in created:
        if correcting and out.kept is None:
            out.kept = f
            continue
        text = _followup_text(f)
        if f.done_at is not None:
            text += f", done on {london(f.done_at):%Y-%m-%d}"
        remove_followup(session, f, case=case, why=f"contact {contact.id} withdrawn",
                        actor=actor, now=now)
        removed.append(f.id)
        out.notes.append(f"{text}, which it created, is no longer owed: removed")
    _mark(contact, reason=reason, actor=actor, now=now)
    session.add(contact)
    session.flush()
    record(session, officer=actor, now=now, action="contact.withdraw", entity="contact",
           entity_id=contact.id, case_ref=case.ref,
           before={"at": contact.at, "channel": contact.channel,
                   "direction": contact.direction, "party": contact.party,
                   "summary": contact.summary},
           after={"withdrawn": True, "reason": reason, "followups_reopened": reopened,
                  "followups_removed": removed})
    return out


def _undo_letter(session: Session, f: Followup, *, case: Case, actor: str,
                 now: datetime) -> list[str]:
    """A refusal's outcome email settled by a contact being withdrawn: the
    appeal window its day opened, and the offer of a discussion it owed,
    go with it; refused when either has moved on."""
    if f.kind != "outcome-email":
        return []
    notes = []
    for appeal in session.execute(select(Appeal).where(Appeal.followup_id == f.id)).scalars():
        if appeal.certificate is not None or appeal.registered is not None:
            raise RuleViolation(
                f"{case.ref}: the email settled follow-up {f.id} (the outcome email), the "
                f"decision letter of {appeal.decision_sent}; the appeal against it has a "
                "mediation certificate or a registration recorded, so it is not withdrawn",
                hint="Correct the appeal's dates with 'send-cli case appeal' instead.")
        talks = list(session.execute(select(Followup).where(
            Followup.case_id == case.id, Followup.decision_id == f.decision_id,
            Followup.kind == promises.DISCUSSION_KIND,
            Followup.created_at == appeal.created_at)).scalars())
        for talk in talks:
            if talk.done_at is not None:
                raise RuleViolation(
                    f"{case.ref}: the email settled follow-up {f.id} (the outcome email), the "
                    f"decision letter of {appeal.decision_sent}, and the discussion it "
                    f"offered (follow-up {talk.id}) was held on "
                    f"{london(talk.done_at):%Y-%m-%d}; it is not withdrawn")
        for talk in talks:
            remove_followup(session, talk, case=case, why=f"outcome email {f.id} reopened",
                            actor=actor, now=now)
            notes.append(f"{_followup_text(talk)} is no longer owed: removed")
        record(session, officer=actor, now=now, action="case.appeal.withdraw",
               entity="appeal", entity_id=appeal.id, case_ref=case.ref,
               before={"decision_sent": appeal.decision_sent, "opened_by_followup": f.id},
               after={"withdrawn": True, "why": f"outcome email {f.id} reopened"})
        session.delete(appeal)
        session.flush()
        notes.append(f"the appeal window opened by the decision letter of "
                     f"{appeal.decision_sent} is closed again")
    if notes:
        from send_cli.casework.timeline import refresh_deadlines

        refresh_deadlines(session=session, case=case, today=now.date())
    return notes


# -- decisions -------------------------------------------------------------------
def standing_decision(session: Session, *, case: Case, meeting: Meeting,
                      request: str | None) -> tuple[Decision, Referral]:
    """The decision (not withdrawn) on CASE at MEETING, for REQUEST."""
    rows = list(session.execute(
        select(Decision, Referral).join(Referral, Referral.id == Decision.referral_id)
        .where(Decision.case_id == case.id, Decision.meeting_id == meeting.id,
               Decision.withdrawn_at.is_(None)).order_by(Decision.id)).all())
    if request is not None:
        rows = [r for r in rows if r[1].request == request]
    if not rows:
        asked = f" ({request})" if request else ""
        raise RuleViolation(f"no decision on '{case.ref}'{asked} at the meeting of "
                            f"{meeting.date} is recorded")
    if len(rows) > 1:
        raise BadInput(f"case '{case.ref}' has decisions at the meeting of {meeting.date} "
                       f"for {', '.join(r[1].request for r in rows)}; name one with --request")
    return rows[0][0], rows[0][1]


def withdraw_decision(*, session: Session, case: Case, meeting: Meeting, request: str | None,
                      reason: str, actor: str, now: datetime) -> Withdrawn:
    """Withdraw the panel's decision on CASE at MEETING, recorded in error.
    The milestone it put on the timeline goes too (refused while a later
    milestone rests on it); the follow-ups it made that are still open are
    no longer owed and are removed; those done stay (the family was told);
    the papers follow-up it closed is open again. Refused once its outcome
    email, the decision letter of a refusal, has opened the appeal window."""
    reason = check_reason(reason)
    decision, referral = standing_decision(session, case=case, meeting=meeting,
                                           request=request)
    made = list(session.execute(select(Followup).where(
        Followup.decision_id == decision.id).order_by(Followup.id)).scalars())
    for f in made:
        letter = session.execute(select(Appeal).where(Appeal.followup_id == f.id)).scalars()
        opened = letter.first()
        if opened is not None:
            raise RuleViolation(
                f"{case.ref}: the decision letter of {opened.decision_sent} (the outcome "
                f"email, follow-up {f.id}) told the family of this decision and opened their "
                "appeal window; a decision sent to the family in writing is not withdrawn",
                hint="Refer the case to the panel again; record the family's appeal with "
                     "'send-cli case appeal'.")
    out = Withdrawn(row=decision)
    milestone = _milestone_of(session, case, decision, referral, meeting)
    if milestone is not None:
        from send_cli.casework.timeline import withdraw_milestone

        later = session.execute(select(Milestone).where(
            Milestone.case_id == case.id, Milestone.id != milestone.id,
            (Milestone.on > milestone.on) | ((Milestone.on == milestone.on)
                                            & (Milestone.id > milestone.id)))
            .order_by(Milestone.on.desc(), Milestone.id.desc())).scalars().first()
        if later is not None:
            raise RuleViolation(
                f"{case.ref}: the decision put the {milestone.kind} of {milestone.on} on the "
                f"timeline, and the {later.kind} of {later.on} rests on it; withdraw that "
                "first (latest first)",
                hint=f"send-cli case milestone {case.ref} {later.kind} --withdraw --reason "
                     "TEXT")
        withdraw_milestone(session=session, case=case, kind=milestone.kind,
                           reason=f"the panel's decision was withdrawn: {reason}",
                           actor=actor, now=now)
        out.notes.append(f"the {milestone.kind} ({milestone.outcome}) of {milestone.on} it "
                         f"put on the timeline is withdrawn; status {case.status}")
    removed, kept = [], []
    for f in made:
        if f.done_at is not None:
            kept.append(f.id)
            out.notes.append(f"{_followup_text(f)} was done on "
                             f"{london(f.done_at):%Y-%m-%d} and stays: tell the family of "
                             "the correction")
            continue
        out.notes.append(f"{_followup_text(f)} is no longer owed: removed")
        remove_followup(session, f, case=case, why=f"decision {decision.id} withdrawn",
                        actor=actor, now=now)
        removed.append(f.id)
    reopened = []
    for f in session.execute(select(Followup).where(
            Followup.referral_id == referral.id, Followup.kind == "papers",
            Followup.done_at == decision.decided_at,
            Followup.note == f"the panel decided on {meeting.date}")).scalars():
        f.done_at, f.done_by, f.note = None, None, None
        session.add(f)
        reopened.append(f.id)
        out.notes.append(f"{_followup_text(f)}, closed by the decision, is open again")
    _mark(decision, reason=reason, actor=actor, now=now)
    session.add(decision)
    session.flush()
    record(session, officer=actor, now=now, action="decision.withdraw", entity="decision",
           entity_id=decision.id, case_ref=case.ref,
           before={"meeting": meeting.date, "request": referral.request,
                   "outcome": decision.outcome, "reason": decision.reason,
                   "revisit_by": decision.revisit_by, "chair": decision.chair},
           after={"withdrawn": True, "reason": reason,
                  "milestone_withdrawn": None if milestone is None else milestone.kind,
                  "followups_removed": removed, "followups_kept": kept,
                  "followups_reopened": reopened})
    return out


def _milestone_of(session: Session, case: Case, decision: Decision, referral: Referral,
                  meeting: Meeting) -> Milestone | None:
    """The milestone the decision recorded (same kind, the meeting's day,
    made in the same moment); None when the timeline had it by hand."""
    from send_cli.rules.panels import STATUTORY_DECISIONS

    kind = STATUTORY_DECISIONS.get(referral.request)
    if kind is None:
        return None
    return session.execute(select(Milestone).where(
        Milestone.case_id == case.id, Milestone.kind == kind, Milestone.on == meeting.date,
        Milestone.created_at == decision.decided_at)).scalars().first()
