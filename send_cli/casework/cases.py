"""Cases: adding, assigning and closing them. Keyword-only; each takes a session
and `now`, returns models or raises SendError, and writes the audit trail."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlmodel import Session

from send_cli.casework import persons
from send_cli.casework.fields import NAME_MAX, REASON_MAX, SETTING_MAX, check_text
from send_cli.casework.officers import can_hold_casework, get_officer
from send_cli.errors import BadInput, Conflict, NotFound, RuleViolation
from send_cli.rules.people import MAX_AGE, REQUESTED_BY, REQUESTED_BY_OLD, age_on
from send_cli.rules.sen2 import split_name
from send_cli.store.audit import record, snapshot
from send_cli.store.models import Case, Followup, Officer, Person

CASE_FIELDS = ("ref", "name", "dob", "received", "requested_by", "setting", "status")
_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/._-]{0,63}$")


# -- cases ----------------------------------------------------------------
def get_case(session: Session, ref: str) -> Case:
    case = session.execute(select(Case).where(Case.ref == ref)).scalars().first()
    if case is None:
        other = _case_like(session, ref)
        raise NotFound(f"no case '{ref}'",
                       hint=f"Did you mean '{other}'? References are exact about letter case."
                       if other else "See 'send-cli case list'.")
    return case


def _case_like(session: Session, ref: str) -> str | None:
    """The reference of a case whose reference is REF but for letter case.
    (References are ASCII, so SQL's lower() and Python's agree.)"""
    found = session.scalar(select(Case.ref).where(func.lower(Case.ref) == ref.lower())
                           .limit(1))
    return None if found is None else str(found)


def open_case(session: Session, ref: str) -> Case:
    """A case that can still change (not closed, not erased)."""
    case = get_case(session, ref)
    if case.status == "closed":
        raise RuleViolation(f"case '{ref}' is closed", hint="Closed cases cannot change.")
    return case


def next_ref(session: Session, received: date) -> str:
    prefix = f"EHC-{received.year}-"
    last = session.scalar(select(func.max(Case.ref)).where(Case.ref.like(prefix + "%")))
    n = 1
    if last:
        tail = last[len(prefix):]
        n = int(tail) + 1 if tail.isdigit() else 1
    ref = f"{prefix}{n:05d}"
    while _case_like(session, ref) is not None:
        n += 1
        ref = f"{prefix}{n:05d}"
    return ref


def check_case_fields(*, ref: str | None, name: str, dob: date, received: date,
                      requested_by: str | None, today: date,
                      setting: str | None = None) -> None:
    """The checks on a new case that need no database (shared with import).
    Their messages never give the date of birth, nor anything worked out from
    it (an age on a date gives the birthday away): they go to terminals and
    to cron logs."""
    if ref is not None and not _REF.fullmatch(ref):
        raise BadInput(f"reference '{ref}' is not valid; use up to 64 letters, digits, "
                       "'/', '.', '_' or '-', starting with a letter or digit")
    if not name.strip():
        raise BadInput("name is empty; give the child's or young person's name")
    # new lines are kept, as an import's quoted cells may hold them; escapes not
    check_text(name, what="name", max_len=NAME_MAX, lines=True)
    if setting is not None:
        check_text(setting, what="setting", max_len=SETTING_MAX, lines=True)
    if received > today:
        raise BadInput(f"received date {received} is in the future; use {today} or earlier")
    if dob > received:
        raise BadInput("the date of birth is after the received date; check both dates")
    if age_on(dob, received) >= MAX_AGE:
        raise RuleViolation(
            "the young person was 25 or over on the received date; a request for someone "
            "25 or over is refused (a plan can last to 25)")
    if requested_by is not None and requested_by not in REQUESTED_BY \
            and requested_by not in REQUESTED_BY_OLD:
        raise BadInput(f"--requested-by '{requested_by}' is not known; use one of: "
                       f"{', '.join(REQUESTED_BY)}")


def add_case(*, session: Session, ref: str | None, name: str | None, dob: date | None,
             officer: str, received: date, requested_by: str | None, setting: str | None,
             actor: str, now: datetime, details: persons.Details | None = None,
             same_child: str | None = None, new_child: bool = False,
             transferred_from: str | None = None) -> Case:
    """A new request. DETAILS (persons.Details) are the child's; the case is
    for the person of case SAME_CHILD, or for a new person unless one with
    the same details is known (refused unless NEW_CHILD)."""
    requested_by = REQUESTED_BY_OLD.get(requested_by or "", requested_by)
    d = persons.checked(details or persons.Details())
    if name is not None or d.surname is not None:
        d.forename, d.surname = persons.names(name, d.forename, d.surname)
    d.dob = dob
    if same_child is None:
        if dob is None:
            raise BadInput("--dob is needed for a new child (or --same-child REF)")
        check_case_fields(ref=ref, name=persons.full_name(d.forename or "", d.surname or ""),
                          dob=dob, received=received, requested_by=requested_by,
                          today=now.date(), setting=setting)
    owner = get_officer(session, officer, active=True)
    if transferred_from is not None:
        transferred_from = persons.check_la(transferred_from, what="--transferred-from",
                                            session=session)
    if ref is None:
        ref = next_ref(session, received)
    else:
        same = _case_like(session, ref)
        if same is not None:  # ehc-2026-00001 beside EHC-2026-00001 would be a trap
            raise Conflict(f"case '{ref}' already exists"
                           + ("" if same == ref else f" as '{same}'"),
                           hint="Each reference is used once (references differing only in "
                                "letter case are the same reference)." if same != ref
                           else "Each reference is used once.")
    person, new = persons.person_for_new_case(session, d, same_child=same_child,
                                              new_child=new_child, now=now)
    if not new:
        assert person.dob is not None
        check_case_fields(ref=ref, name=persons.full_name(person.forename, person.surname),
                          dob=person.dob, received=received, requested_by=requested_by,
                          today=now.date(), setting=setting)
    case = Case(ref=ref, name=persons.full_name(person.forename, person.surname),
                dob=person.dob, officer_id=owner.id, received=received,
                requested_by=requested_by, setting=setting, status="requested",
                created_at=now, person_id=person.id, transferred_from=transferred_from)
    session.add(case)
    session.flush()
    record(session, officer=actor, now=now, action="case.add", entity="case", entity_id=ref,
           case_ref=ref, after={**snapshot(case, CASE_FIELDS), "officer": officer,
                                "transferred_from": transferred_from,
                                "person": persons.person_values(person) if new
                                else {"same_child": same_child}})
    _after_case_change(session, case, now)
    return case


def assign_case(*, session: Session, ref: str, officer: str, actor: str,
                now: datetime) -> tuple[Case, int, int]:
    """Give the case, its open follow-ups and its panel referrals still to be
    presented to OFFICER. Returns (case, follow-ups moved, referrals moved)."""
    from send_cli.casework.meetings import has_started
    from send_cli.store.models import Decision, Meeting, Panel, Referral

    case = open_case(session, ref)
    new = get_officer(session, officer, active=True)
    can_hold_casework(new)
    old = session.get(Officer, case.officer_id)
    if old is not None and old.id == new.id:
        raise RuleViolation(f"case '{ref}' is already with '{officer}'")
    case.officer_id = new.id
    session.add(case)
    moved = session.execute(
        update(Followup).where(Followup.case_id == case.id, Followup.done_at.is_(None),
                               Followup.officer_id == (old.id if old else -1))
        .values(officer_id=new.id)).rowcount
    pending = session.execute(
        select(Referral, Panel.code, Meeting)
        .join(Meeting, Meeting.id == Referral.meeting_id)
        .join(Panel, Panel.id == Meeting.panel_id)
        .outerjoin(Decision, (Decision.referral_id == Referral.id)
                   & Decision.withdrawn_at.is_(None))
        .where(Referral.case_id == case.id, Decision.id.is_(None),
               Referral.officer_id != new.id)
        .order_by(Referral.id)).all()
    referrals = []
    for referral, panel, meeting in pending:
        if has_started(meeting, now):
            continue
        presenter = session.get(Officer, referral.officer_id)
        referrals.append({"id": referral.id, "panel": panel, "meeting": meeting.date,
                          "request": referral.request,
                          "officer": presenter.code if presenter else None})
        referral.officer_id = new.id
        session.add(referral)
    record(session, officer=actor, now=now, action="case.assign", entity="case", entity_id=ref,
           case_ref=ref, before={"officer": old.code if old else None,
                                 "open_referrals": referrals},
           after={"officer": officer, "followups_moved": moved,
                  "open_referrals": [{**r, "officer": officer} for r in referrals]})
    return case, moved, len(referrals)

def close_case(*, session: Session, ref: str, reason: str, actor: str, now: datetime) -> Case:
    check_text(reason, what="reason", max_len=REASON_MAX, lines=True)
    case = open_case(session, ref)
    before = snapshot(case, ("status",))
    case.status = "closed"
    case.closed_on = now.date()
    case.close_reason = reason
    session.add(case)
    closing = session.execute(
        select(Followup.id, Followup.kind).where(Followup.case_id == case.id,
                                                 Followup.done_at.is_(None))
        .order_by(Followup.id)).all()
    session.execute(
        update(Followup).where(Followup.case_id == case.id, Followup.done_at.is_(None))
        .values(done_at=now, done_by=actor, note="case closed"))
    record(session, officer=actor, now=now, action="case.close", entity="case", entity_id=ref,
           case_ref=ref,
           before={**before, "followups_open": [{"id": i, "kind": k} for i, k in closing]},
           after={"status": "closed", "reason": reason,
                  "followups_closed": [{"id": i, "kind": k} for i, k in closing]})
    _after_case_change(session, case, now)
    return case


def _after_case_change(session: Session, case: Case, now: datetime) -> None:
    """Keep the stored statutory clocks of CASE current."""
    from send_cli.casework import timeline

    timeline.refresh_deadlines(session=session, case=case, today=now.date())


# -- case edit ----------------------------------------------------------------
# what `case edit` changes on the request (the person's details: persons)
REQUEST_FIELDS = ("requested_by", "transferred_from", "setting")


def edit_case(*, session: Session, ref: str, changes: dict[str, str | None], actor: str,
              now: datetime) -> list[str]:
    """Change fields of the case REF's person and request (CHANGES: field ->
    new value, '' to clear an optional one). Returns the fields changed."""
    if not changes:
        raise BadInput("nothing to change; give at least one --FIELD VALUE")
    case = open_case(session, ref)
    person = session.get(Person, case.person_id)
    if person is None:
        raise RuleViolation(f"case '{ref}' has no person on record")
    given: dict[str, Any] = {}
    name = changes.pop("name", None)
    if name is not None:
        if "forename" in changes or "surname" in changes:
            raise BadInput("--name is --forename and --surname together; give one or the "
                           "others")
        given["forename"], given["surname"] = split_name(name)
    for key in persons.PERSON_FIELDS:
        if key in changes:
            value = changes[key]
            if key == "dob":
                given[key] = value
            else:
                given[key] = None if value == "" else value
    if "surname" in given and not given["surname"]:
        raise BadInput("--surname cannot be cleared")
    if "dob" in given:
        from send_cli.settings import parse_date

        if not given["dob"]:
            raise BadInput("--dob cannot be cleared")
        try:
            given["dob"] = parse_date(str(given["dob"]), what="--dob")
        except BadInput:
            raise BadInput("--dob is not a real date of the form YYYY-MM-DD; the value is "
                           "not repeated here") from None
        check_case_fields(ref=None, name=case.name, dob=given["dob"], received=case.received,
                          requested_by=None, today=now.date())
    d = persons.checked(persons.Details(**{k: v for k, v in given.items()
                           if k != "forename" or v is not None}))
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key in given:
        value = getattr(d, key)
        if key == "forename" and given[key] is None:
            value = ""
        if key == "upn" and value is not None and person.upn_unknown is not None \
                and "upn_unknown" not in given:
            before["upn_unknown"], after["upn_unknown"] = person.upn_unknown, None
            person.upn_unknown = None
        if getattr(person, key) != value:
            before[key], after[key] = getattr(person, key), value
            setattr(person, key, value)
    if person.upn_unknown is not None and (person.upn or person.uln):
        raise BadInput("--upn-unknown is the reason there is no UPN or ULN; clear the UPN "
                       "or ULN first (--upn '' / --uln '')")
    if "upn" in after and person.upn is not None:
        other = session.scalar(select(Case.ref).join(Person, Person.id == Case.person_id)
                               .where(Person.upn == person.upn, Person.id != person.id)
                               .limit(1))
        if other is not None:
            raise Conflict(f"case '{other}' has a person with this UPN; a UPN belongs to one "
                           "child", hint=f"If it is the same child, add new requests with "
                                         f"--same-child {other}.")
    if "forename" in after or "surname" in after:
        renamed = persons.full_name(person.forename, person.surname)
        for other in session.execute(select(Case).where(Case.person_id == person.id)).scalars():
            other.name = renamed
            session.add(other)
    if "dob" in after:
        for other in session.execute(select(Case).where(Case.person_id == person.id)).scalars():
            other.dob = person.dob
            session.add(other)
    session.add(person)
    for key in REQUEST_FIELDS:
        if key not in changes:
            continue
        value = changes[key] or None
        if key == "requested_by" and value is not None and value not in REQUESTED_BY:
            raise BadInput(f"--requested-by '{value}' is not known; use one of: "
                           f"{', '.join(REQUESTED_BY)}")
        if key == "transferred_from" and value is not None:
            value = persons.check_la(value, what="--transferred-from", session=session)
        if key == "setting" and value is not None:
            check_text(value, what="--setting", max_len=SETTING_MAX)
        if getattr(case, key) != value:
            before[key], after[key] = getattr(case, key), value
            setattr(case, key, value)
    if not after:
        raise Conflict(f"{ref}: nothing changed; the values given are already recorded")
    session.add(case)
    session.flush()
    shared = session.scalar(select(func.count()).select_from(Case)
                            .where(Case.person_id == person.id))
    record(session, officer=actor, now=now, action="case.edit", entity="case", entity_id=ref,
           case_ref=ref, before=before,
           after={**after, **({"cases_of_person": shared} if shared and shared > 1 else {})})
    return list(after)
