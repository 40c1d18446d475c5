"""Contacts: logging a call, email, letter or meeting, and the follow-ups it
owes or settles (the promises the casework charter makes to families)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session

from send_cli.casework.cases import open_case
from send_cli.casework.fields import check_text
from send_cli.casework.followups import aware
from send_cli.errors import BadInput
from send_cli.rules import followups as promises
from send_cli.rules.calendar import Calendar
from send_cli.store.audit import record
from send_cli.store.models import Case, Contact, Followup, Officer

SUMMARY_MAX = 4000


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
    check_text(summary, what="summary", max_len=SUMMARY_MAX, lines=True)
    case = open_case(session, case_ref)
    if at.date() < case.received:
        raise BadInput(f"--at {at:%Y-%m-%dT%H:%M} is before the case was received "
                       f"({case.received.isoformat()}); give when the contact happened")
    contact = Contact(case_id=case.id, at=at, channel=channel, direction=direction,
                      party=party, summary=summary,
                      officer_id=_acting_officer(session, actor, case), created_at=now)
    session.add(contact)
    session.flush()
    created: Followup | None = None
    owed = promises.owed(channel, at, cal) if direction == "in" else None
    if owed is not None:
        kind, due = owed
        created = Followup(case_id=case.id, kind=kind, due=due, officer_id=case.officer_id,
                           contact_id=contact.id, created_at=now)
        session.add(created)
        session.flush()
    settled = _settle(session, case, channel=channel, direction=direction, party=party,
                      at=at, actor=actor, contact=contact)
    settled_before = settled_after = None
    if settled is not None:
        settled_before = {"id": settled.id, "kind": settled.kind, "status": "open",
                          "done_at": None}
        settled_after = {"id": settled.id, "kind": settled.kind, "status": "done",
                         "done_at": settled.done_at, "note": settled.note}
    record(session, officer=actor, now=now, action="contact.log", entity="contact",
           entity_id=contact.id, case_ref=case.ref,
           before=None if settled is None else {"followup_settled": settled_before},
           after={"at": at, "channel": channel, "direction": direction, "party": party,
                  "summary": summary,
                  "followup_created": None if created is None else
                  {"id": created.id, "kind": created.kind, "due": created.due},
                  "followup_settled": settled_after})
    return contact, created, settled


def _settle(session: Session, case: Case, *, channel: str, direction: str, party: str,
            at: datetime, actor: str, contact: Contact) -> Followup | None:
    """The follow-up an outgoing CONTACT settles, marked done at its moment:
    the oldest open one of a kind it settles, owed to the same party (the
    family counted as one), and already owed at AT (a call logged with an
    earlier --at cannot answer a message that came after it)."""
    kinds = promises.settles(channel, direction)
    if not kinds:
        return None
    group = promises.party_group(party)
    rows = session.execute(
        select(Followup, Contact.party, Contact.at)
        .outerjoin(Contact, Contact.id == Followup.contact_id)
        .where(Followup.case_id == case.id, Followup.kind.in_(kinds),
               Followup.done_at.is_(None))).all()
    owed = []
    for followup, their_party, their_at in rows:
        if promises.owed_to(followup.kind, their_party) != group:
            continue
        # owed since the message came, or since it was made (a decision's
        # outcome call, an escalation)
        since = aware(their_at if followup.contact_id is not None else followup.created_at)
        if since <= at:
            owed.append((since, followup.id, followup))
    if not owed:
        return None
    settled = min(owed, key=lambda o: (o[0], o[1]))[2]
    settled.done_at = at
    settled.done_by = actor
    settled.note = f"settled by contact {contact.id}"
    session.add(settled)
    return settled


def due_text(kind: str, due: date) -> str:
    return f"{kind} due {due:%a %d %b %Y}"
