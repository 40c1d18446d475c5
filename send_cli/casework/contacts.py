"""Contacts: logging a call, email, letter or meeting, and the follow-ups it
owes or settles (the promises the casework charter makes to families)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session

from send_cli.casework.cases import open_case
from send_cli.casework.fields import check_text
from send_cli.casework.followups import (
    after_done,
    aware,
    get_followup,
    london,
    mark_done,
    not_done,
    owed_since,
)
from send_cli.casework.officers import promise_owner
from send_cli.errors import BadInput, RuleViolation
from send_cli.rules import followups as promises
from send_cli.rules.calendar import Calendar
from send_cli.store.audit import record
from send_cli.store.models import Case, Contact, Followup, Officer

SUMMARY_MAX = 4000


def _acting_officer(session: Session, actor: str, case: Case) -> int:
    """The officer who logs: the acting officer when registered, else the case's."""
    found = session.scalar(select(Officer.id).where(Officer.code == actor))
    return int(found) if found is not None else case.officer_id


def check_answered(channel: str, direction: str, answered: bool, resolved: bool) -> None:
    """--answered is for a phone call that came in; --resolved needs it."""
    if resolved and not answered:
        raise BadInput("--resolved needs --answered: only a call answered live can be "
                       "resolved on it")
    if answered and (channel, direction) != ("phone", "in"):
        raise BadInput("--answered is for a phone call that came in (--channel phone "
                       "--direction in)")


def log_contact(*, session: Session, cal: Calendar, case_ref: str, channel: str,
                direction: str, party: str, summary: str, at: datetime, actor: str,
                now: datetime, answered: bool = False, resolved: bool = False,
                settles: int | None = None, replaces: Followup | None = None) -> Logged:
    """Record a contact, the follow-up it is owed (an incoming message; a call
    answered live is owed a full answer in 5 working days, nothing when
    RESOLVED on the call) and the follow-up it settles: SETTLES when named
    (an open one of the same case), else the oldest owed of its kind.
    REPLACES: the follow-up of a contact withdrawn for this one (a
    correction), which takes what this contact is owed, done or not, or is
    removed when it is owed nothing."""
    if at > now:
        raise BadInput(f"--at {at:%Y-%m-%dT%H:%M} is in the future; use {now:%Y-%m-%dT%H:%M} "
                       "or earlier")
    check_answered(channel, direction, answered, resolved)
    check_text(summary, what="summary", max_len=SUMMARY_MAX, lines=True)
    case = open_case(session, case_ref)
    if at.date() < case.received:
        raise BadInput(f"--at {at:%Y-%m-%dT%H:%M} is before the case was received "
                       f"({case.received.isoformat()}); give when the contact happened")
    named = _named(session, case, settles, at) if settles is not None else None
    contact = Contact(case_id=case.id, at=at, channel=channel, direction=direction,
                      party=party, summary=summary,
                      officer_id=_acting_officer(session, actor, case), created_at=now)
    session.add(contact)
    session.flush()
    created: Followup | None = None
    owed = (promises.owed(channel, at, cal, answered=answered, resolved=resolved)
            if direction == "in" else None)
    if owed is not None and replaces is not None:
        created = replaces
        created.kind, created.due, created.contact_id = owed[0], owed[1], contact.id
        session.add(created)
        session.flush()
    elif owed is not None:
        kind, due = owed
        owner, held_for = promise_owner(session, case.officer_id, london(at).date())
        created = Followup(case_id=case.id, kind=kind, due=due, officer_id=owner,
                           for_officer_id=held_for, contact_id=contact.id, created_at=now)
        session.add(created)
        session.flush()
    elif replaces is not None:
        from send_cli.casework.corrections import remove_followup

        remove_followup(session, replaces, case=case, why=f"contact {contact.id} owes nothing",
                        actor=actor, now=now)
    if named is not None:
        settled: Followup | None = mark_done(named, at=at, actor=actor,
                                              note=f"settled by contact {contact.id}")
    else:
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
                  "followup_settled": settled_after, "answered": answered or None,
                  "resolved": resolved or None})
    opened = after_done(session=session, cal=cal, followup=settled, actor=actor, now=now) \
        if settled is not None else []
    return Logged(contact, created, settled, opened)


@dataclass
class Logged:
    """What a contact did: the follow-up it created and the one it settled,
    and what settling set going (a refusal's appeal window)."""

    contact: Contact
    created: Followup | None
    settled: Followup | None
    notes: list[str]


def _named(session: Session, case: Case, followup_id: int, at: datetime) -> Followup:
    """The follow-up a contact at AT on CASE settles by --settles: an open
    one of the same case, owed to someone a contact answers, owed by AT."""
    followup = get_followup(session, followup_id)
    if followup.case_id != case.id:
        other = session.get(Case, followup.case_id)
        raise RuleViolation(f"follow-up {followup_id} is not on case '{case.ref}' (it is on "
                            f"'{other.ref if other else '?'}')")
    if followup.kind in promises.NOT_SETTLED_BY_CONTACT:
        raise RuleViolation(f"follow-up {followup_id} ({followup.kind}) is owed to the panel; "
                            "no contact settles it")
    not_done(followup)
    since = owed_since(session, followup)
    if aware(at) < since:
        raise RuleViolation(f"follow-up {followup_id} was not yet owed at "
                            f"{london(at):%Y-%m-%d %H:%M} (owed since "
                            f"{london(since):%Y-%m-%d %H:%M})")
    return followup


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


def held_text(session: Session, followup: Followup) -> str:
    """'owed by CO2 while CO1 is away' for a follow-up a cover holds."""
    codes = dict(session.execute(select(Officer.id, Officer.code).where(
        Officer.id.in_((followup.officer_id, followup.for_officer_id or -1)))).all())
    return (f"owed by {codes.get(followup.officer_id)} while "
            f"{codes.get(followup.for_officer_id)} is away")


def due_text(kind: str, due: date) -> str:
    return f"{kind} due {due:%a %d %b %Y}"
