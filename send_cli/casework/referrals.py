"""Referrals to a panel meeting and the papers for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session

from send_cli.casework.meetings import get_meeting, has_started, papers_reason
from send_cli.casework.panels import check_remit, get_panel
from send_cli.errors import BadInput, Conflict, RuleViolation
from send_cli.rules import panels as rules
from send_cli.rules.calendar import Calendar
from send_cli.store.audit import record
from send_cli.store.models import (
    Decision,
    Followup,
    Meeting,
    Officer,
    Panel,
    Referral,
)


# -- referrals and papers ---------------------------------------------------
def next_meeting(session: Session, cal: Calendar, panel: Panel, now: datetime) -> Meeting:
    """The panel's next meeting whose papers deadline has not passed."""
    today = now.date()
    upcoming = session.execute(select(Meeting).where(
        Meeting.panel_id == panel.id, Meeting.date >= today, Meeting.cancelled.is_(False))
        .order_by(Meeting.date).limit(20)).scalars()
    for m in upcoming:
        if rules.papers_due(m.date, cal) >= today and not has_started(m, now):
            return m
    raise RuleViolation(
        f"{panel.code} has no meeting ahead whose papers deadline has not passed "
        f"(papers are due {rules.PAPERS_WORKING_DAYS} working days before a meeting)",
        hint=f"Schedule meetings: send-cli panel schedule {panel.code} --from DATE --to DATE "
             "--weekday DAY")


@dataclass
class Referred:
    referral: Referral
    meeting: Meeting
    notes: list[str]


def refer(*, session: Session, cal: Calendar, ref: str, code: str, request: str,
          day: date | None, officer: str | None, actor: str, now: datetime) -> Referred:
    """Put a case on a meeting's agenda for one request type. Its papers are
    a follow-up of the presenting officer, due 2 working days before."""
    from send_cli.casework.cases import open_case
    from send_cli.casework.officers import get_officer

    panel = get_panel(session, code)
    check_remit(session, panel, request)
    case = open_case(session, ref)
    if day is None:
        meeting = next_meeting(session, cal, panel, now)
    else:
        meeting = get_meeting(session, panel, day)
        if has_started(meeting, now):
            raise RuleViolation(f"the {panel.code} meeting of {day} has already "
                                f"{'started' if meeting.date == now.date() else 'taken place'}",
                                hint="Refer the case to a later meeting (leave out --meeting "
                                     "for the next one).")
    presenter = (get_officer(session, officer, active=True) if officer
                 else session.get(Officer, case.officer_id))
    assert presenter is not None
    waiting = session.execute(
        select(Meeting.date).join(Referral, Referral.meeting_id == Meeting.id)
        .outerjoin(Decision, (Decision.referral_id == Referral.id)
                   & Decision.withdrawn_at.is_(None))
        .where(Referral.case_id == case.id, Referral.request == request,
               Meeting.panel_id == panel.id, Meeting.cancelled.is_(False),
               Decision.id.is_(None), Meeting.date >= now.date())
        .order_by(Meeting.date)).scalars().first()
    if waiting is not None:
        raise Conflict(f"case '{case.ref}' is already on the agenda of {panel.code} {waiting} "
                       f"for '{request}'",
                       hint=f"See 'send-cli panel agenda {panel.code} --meeting {waiting}'.")
    due = rules.papers_due(meeting.date, cal)
    referral = Referral(meeting_id=meeting.id, case_id=case.id, request=request,
                        officer_id=presenter.id, papers_due=due, created_at=now)
    session.add(referral)
    session.flush()
    notes = []
    if due < now.date():
        notes.append(f"the papers deadline ({due}) has passed: the papers are late")
    followup = Followup(case_id=case.id, kind="papers", due=due, officer_id=presenter.id,
                        reason=papers_reason(session, referral, meeting),
                        referral_id=referral.id, created_at=now)
    session.add(followup)
    # a deferred case comes back: its revisit follow-up is settled
    settled = []
    for f in session.execute(
            select(Followup).join(Decision, Decision.id == Followup.decision_id)
            .join(Referral, Referral.id == Decision.referral_id)
            .where(Followup.case_id == case.id, Followup.kind == "revisit",
                   Followup.done_at.is_(None), Referral.request == request)
            .order_by(Followup.due, Followup.id)).scalars():
        f.done_at, f.done_by = now, actor
        f.note = f"re-referred to {panel.code} {meeting.date}"
        session.add(f)
        settled.append(f)
        if f.due < meeting.date:
            notes.append(f"the meeting is after the revisit-by date {f.due} agreed at deferral")
    session.flush()
    record(session, officer=actor, now=now, action="referral.add", entity="referral",
           entity_id=referral.id, case_ref=case.ref,
           after={"panel": panel.code, "meeting": meeting.date, "request": request,
                  "officer": presenter.code, "papers_due": due, "papers_followup": followup.id,
                  "revisit_settled": [f.id for f in settled]})
    return Referred(referral, meeting, notes)


def record_papers(*, session: Session, ref: str, code: str, day: date, received: date,
                  actor: str, now: datetime) -> list[Referral]:
    """The case's papers for a meeting arrived on RECEIVED; the papers
    follow-up is settled."""
    from send_cli.casework.cases import get_case

    if received > now.date():
        raise BadInput(f"--received {received} is in the future; use {now.date()} or earlier")
    panel = get_panel(session, code)
    meeting = get_meeting(session, panel, day)
    case = get_case(session, ref)
    referrals = list(session.execute(select(Referral).where(
        Referral.meeting_id == meeting.id, Referral.case_id == case.id)
        .order_by(Referral.id)).scalars())
    if not referrals:
        raise RuleViolation(f"case '{case.ref}' is not on the agenda of {panel.code} {day}",
                            hint=f"See 'send-cli panel agenda {panel.code} --meeting {day}'.")
    if all(r.papers_received is not None for r in referrals):
        raise Conflict(f"the papers of '{case.ref}' for {panel.code} {day} were recorded as "
                       f"received on {referrals[0].papers_received}")
    settled = []
    for r in referrals:
        if r.papers_received is not None:
            continue
        r.papers_received = received
        session.add(r)
        for f in session.execute(select(Followup).where(
                Followup.referral_id == r.id, Followup.kind == "papers",
                Followup.done_at.is_(None))).scalars():
            f.done_at, f.done_by, f.note = now, actor, f"papers received {received}"
            session.add(f)
            settled.append(f.id)
    record(session, officer=actor, now=now, action="referral.papers", entity="referral",
           entity_id=referrals[0].id, case_ref=case.ref, before={"papers_received": None},
           after={"panel": panel.code, "meeting": day, "papers_received": received,
                  "papers_due": referrals[0].papers_due, "followups_settled": settled})
    return referrals
