"""Operations on officers and cases. Keyword-only; each takes a session and
`now`, returns models or raises SendError, and writes the audit trail."""

from __future__ import annotations

import re
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlmodel import Session

from send_cli.audit import record, snapshot
from send_cli.errors import BadInput, Conflict, NotFound, RuleViolation
from send_cli.models import Case, Followup, Officer
from send_cli.rules.people import MAX_AGE, REQUESTED_BY, ROLES, TEAMS, age_on, birthday

OFFICER_FIELDS = ("code", "name", "email", "team", "role", "active")
CASE_FIELDS = ("ref", "name", "dob", "received", "requested_by", "setting", "status")
CASE_STATUSES = ("requested", "assessing", "drafting", "plan-in-force", "refused", "ceased",
                 "closed")
OPEN_STATUSES = CASE_STATUSES[:-1]
_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/._-]{0,63}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# -- officers -------------------------------------------------------------
def get_officer(session: Session, code: str, *, active: bool = False) -> Officer:
    officer = session.execute(select(Officer).where(Officer.code == code)).scalars().first()
    if officer is None:
        raise NotFound(f"no officer '{code}'", hint="See 'send-cli officer list'.")
    if active and not officer.active:
        raise RuleViolation(f"officer '{code}' has left",
                            hint="Choose an active officer; see 'send-cli officer list'.")
    return officer


def add_officer(*, session: Session, code: str, name: str, email: str, team: str, role: str,
                actor: str, now: datetime) -> Officer:
    if team not in TEAMS:
        raise BadInput(f"team '{team}' is not known; use one of: {', '.join(TEAMS)}")
    if role not in ROLES:
        raise BadInput(f"role '{role}' is not known; use one of: {', '.join(ROLES)}")
    if not _EMAIL.fullmatch(email):
        raise BadInput(f"email '{email}' is not an email address; use name@council.gov.uk")
    if session.scalar(select(Officer.id).where(Officer.code == code)) is not None:
        raise Conflict(f"officer '{code}' already exists", hint="Choose another code.")
    officer = Officer(code=code, name=name, email=email, team=team, role=role, active=True,
                      created_at=now)
    session.add(officer)
    session.flush()
    record(session, officer=actor, now=now, action="officer.add", entity="officer",
           entity_id=code, after=snapshot(officer, OFFICER_FIELDS))
    return officer


def officer_leaves(*, session: Session, code: str, to: str, actor: str,
                   now: datetime) -> tuple[int, int]:
    """CODE leaves: every open case and open follow-up moves to TO.
    Returns (cases moved, follow-ups moved)."""
    leaver = get_officer(session, code)
    if not leaver.active:
        raise RuleViolation(f"officer '{code}' has already left")
    if to == code:
        raise BadInput(f"--to '{to}' is the officer who is leaving; name another officer")
    successor = get_officer(session, to, active=True)
    cases = session.execute(
        update(Case).where(Case.officer_id == leaver.id, Case.status.in_(OPEN_STATUSES))
        .values(officer_id=successor.id)).rowcount
    followups = session.execute(
        update(Followup).where(Followup.officer_id == leaver.id, Followup.done_at.is_(None))
        .values(officer_id=successor.id)).rowcount
    leaver.active = False
    leaver.left_on = now.date()
    session.add(leaver)
    record(session, officer=actor, now=now, action="officer.leave", entity="officer",
           entity_id=code, before={"active": True},
           after={"active": False, "to": to, "cases_moved": cases,
                  "followups_moved": followups})
    return cases, followups


def officer_rows(session: Session) -> list[dict[str, object]]:
    rows = session.execute(select(Officer).order_by(Officer.code)).scalars()
    return [snapshot(o, OFFICER_FIELDS) for o in rows]


# -- cases ----------------------------------------------------------------
def get_case(session: Session, ref: str) -> Case:
    case = session.execute(select(Case).where(Case.ref == ref)).scalars().first()
    if case is None:
        raise NotFound(f"no case '{ref}'", hint="See 'send-cli case list'.")
    return case


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
    while session.scalar(select(Case.id).where(Case.ref == ref)) is not None:
        n += 1
        ref = f"{prefix}{n:05d}"
    return ref


def check_case_fields(*, ref: str | None, name: str, dob: date, received: date,
                      requested_by: str | None, today: date) -> None:
    """The checks on a new case that need no database (shared with import)."""
    if ref is not None and not _REF.fullmatch(ref):
        raise BadInput(f"reference '{ref}' is not valid; use up to 64 letters, digits, "
                       "'/', '.', '_' or '-', starting with a letter or digit")
    if not name.strip():
        raise BadInput("name is empty; give the child's or young person's name")
    if received > today:
        raise BadInput(f"received date {received} is in the future; use {today} or earlier")
    if dob > received:
        raise BadInput(f"date of birth {dob} is after the received date {received}")
    if age_on(dob, received) >= MAX_AGE:
        raise RuleViolation(
            f"the young person was {age_on(dob, received)} on {received} (25 on "
            f"{birthday(dob, MAX_AGE)}); a request for someone 25 or over is refused")
    if requested_by is not None and requested_by not in REQUESTED_BY:
        raise BadInput(f"--requested-by '{requested_by}' is not known; use one of: "
                       f"{', '.join(REQUESTED_BY)}")


def add_case(*, session: Session, ref: str | None, name: str, dob: date, officer: str,
             received: date, requested_by: str | None, setting: str | None, actor: str,
             now: datetime) -> Case:
    check_case_fields(ref=ref, name=name, dob=dob, received=received,
                      requested_by=requested_by, today=now.date())
    owner = get_officer(session, officer, active=True)
    if ref is None:
        ref = next_ref(session, received)
    elif session.scalar(select(Case.id).where(Case.ref == ref)) is not None:
        raise Conflict(f"case '{ref}' already exists", hint="Each reference is used once.")
    case = Case(ref=ref, name=name.strip(), dob=dob, officer_id=owner.id, received=received,
                requested_by=requested_by, setting=setting, status="requested", created_at=now)
    session.add(case)
    session.flush()
    record(session, officer=actor, now=now, action="case.add", entity="case", entity_id=ref,
           case_ref=ref, after={**snapshot(case, CASE_FIELDS), "officer": officer})
    _after_case_change(session, case, now)
    return case


def assign_case(*, session: Session, ref: str, officer: str, actor: str,
                now: datetime) -> tuple[Case, int]:
    """Give the case, and its open follow-ups, to OFFICER."""
    case = open_case(session, ref)
    new = get_officer(session, officer, active=True)
    old = session.get(Officer, case.officer_id)
    if old is not None and old.id == new.id:
        raise RuleViolation(f"case '{ref}' is already with '{officer}'")
    case.officer_id = new.id
    session.add(case)
    moved = session.execute(
        update(Followup).where(Followup.case_id == case.id, Followup.done_at.is_(None),
                               Followup.officer_id == (old.id if old else -1))
        .values(officer_id=new.id)).rowcount
    record(session, officer=actor, now=now, action="case.assign", entity="case", entity_id=ref,
           case_ref=ref, before={"officer": old.code if old else None},
           after={"officer": officer, "followups_moved": moved})
    return case, moved


def close_case(*, session: Session, ref: str, reason: str, actor: str, now: datetime) -> Case:
    case = open_case(session, ref)
    before = snapshot(case, ("status",))
    case.status = "closed"
    case.closed_on = now.date()
    case.close_reason = reason
    session.add(case)
    open_followups = session.execute(
        update(Followup).where(Followup.case_id == case.id, Followup.done_at.is_(None))
        .values(done_at=now, done_by=actor, note="case closed")).rowcount
    record(session, officer=actor, now=now, action="case.close", entity="case", entity_id=ref,
           case_ref=ref, before=before,
           after={"status": "closed", "reason": reason, "followups_closed": open_followups})
    _after_case_change(session, case, now)
    return case


def _after_case_change(session: Session, case: Case, now: datetime) -> None:
    """Keep the stored statutory clocks of CASE current."""
    from send_cli import timeline

    timeline.refresh_deadlines(session=session, case=case, today=now.date())
