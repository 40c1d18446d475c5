"""Contacts and the follow-ups they owe or settle (seed 001's promises)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session

from send_cli.audit import record
from send_cli.casework import open_case
from send_cli.errors import BadInput, NotFound, RuleViolation
from send_cli.models import Case, Contact, Followup, Officer
from send_cli.rules import followups as promises
from send_cli.workdays import Calendar


def _acting_officer(session: Session, actor: str, case: Case) -> int:
    """The officer who logs: the acting officer when registered, else the case's."""
    found = session.scalar(select(Officer.id).where(Officer.code == actor))
    return int(found) if found is not None else case.officer_id


def log_contact(*, session: Session, cal: Calendar, case_ref: str, channel: str,
                direction: str, party: str, summary: str, at: datetime, actor: str,
                now: datetime) -> tuple[Contact, Followup | None, Followup | None]:
    """Record a contact. Returns (contact, follow-up it created, follow-up it settled)."""
    if at > now:
        raise BadInput(f"--at {at:%Y-%m-%dT%H:%M} is in the future; use {now:%Y-%m-%dT%H:%M} "
                       "or earlier")
    case = open_case(session, case_ref)
    contact = Contact(case_id=case.id, at=at, channel=channel, direction=direction,
                      party=party, summary=summary,
                      officer_id=_acting_officer(session, actor, case), created_at=now)
    session.add(contact)
    session.flush()
    created: Followup | None = None
    settled: Followup | None = None
    owed = promises.owed(channel, at, cal) if direction == "in" else None
    if owed is not None:
        kind, due = owed
        created = Followup(case_id=case.id, kind=kind, due=due, officer_id=case.officer_id,
                           contact_id=contact.id, created_at=now)
        session.add(created)
        session.flush()
    kinds = promises.settles(channel, direction, party)
    if kinds:
        settled = session.execute(
            select(Followup).where(Followup.case_id == case.id, Followup.kind.in_(kinds),
                                   Followup.done_at.is_(None))
            .order_by(Followup.due, Followup.id).limit(1)).scalars().first()
        if settled is not None:
            settled.done_at = at
            settled.done_by = actor
            settled.note = f"settled by contact {contact.id}"
            session.add(settled)
    record(session, officer=actor, now=now, action="contact.log", entity="contact",
           entity_id=contact.id, case_ref=case.ref,
           after={"at": at, "channel": channel, "direction": direction, "party": party,
                  "summary": summary,
                  "followup_created": None if created is None else
                  {"id": created.id, "kind": created.kind, "due": created.due},
                  "followup_settled": None if settled is None else settled.id})
    return contact, created, settled


def followup_done(*, session: Session, followup_id: int, note: str | None, actor: str,
                  now: datetime) -> Followup:
    followup = session.get(Followup, followup_id)
    if followup is None:
        raise NotFound(f"no follow-up {followup_id}", hint="See 'send-cli followup list'.")
    if followup.done_at is not None:
        raise RuleViolation(f"follow-up {followup_id} was already done on "
                            f"{followup.done_at:%Y-%m-%d}")
    case = session.get(Case, followup.case_id)
    followup.done_at = now
    followup.done_by = actor
    followup.note = note
    session.add(followup)
    record(session, officer=actor, now=now, action="followup.done", entity="followup",
           entity_id=followup_id, case_ref=case.ref if case else None,
           before={"status": "open"}, after={"status": "done", "note": note})
    return followup


def due_text(kind: str, due: date) -> str:
    return f"{kind} due {due:%a %d %b %Y}"
