"""Operations on officers and cases. Keyword-only; each takes a session and
`now`, returns models or raises SendError, and writes the audit trail."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlmodel import Session

from send_cli.audit import record, snapshot
from send_cli.errors import BadInput, Conflict, NotFound, RuleViolation
from send_cli.models import Case, Followup, Officer
from send_cli.rules.people import MAX_AGE, REQUESTED_BY, ROLES, TEAMS, age_on

OFFICER_FIELDS = ("code", "name", "email", "team", "role", "active")
CASE_FIELDS = ("ref", "name", "dob", "received", "requested_by", "setting", "status")
CASE_STATUSES = ("requested", "assessing", "drafting", "plan-in-force", "refused", "ceased",
                 "closed")
OPEN_STATUSES = CASE_STATUSES[:-1]
_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/._-]{0,63}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NAME_MAX = 200
EMAIL_MAX = 254  # RFC 5321: the longest address a mail server takes
SETTING_MAX = 200
REASON_MAX = 500


def check_text(value: str, *, what: str, max_len: int, lines: bool = False) -> str:
    """VALUE, refused (BadInput) when longer than MAX_LEN or holding a control
    character: C0, DEL and C1 (a terminal runs ESC and CSI sequences), and
    line breaks unless LINES (then new lines and tabs are kept). The message
    never repeats the value: it may be a child's name."""
    if len(value) > max_len:
        raise BadInput(f"{what} is {len(value)} characters long; the limit is {max_len}")
    allowed = "\n\t" if lines else ""
    for ch in value:
        if ch in allowed:
            continue
        if unicodedata.category(ch) == "Cc" or (
                not lines and unicodedata.category(ch) in ("Zl", "Zp")):
            raise BadInput(f"{what} contains control characters"
                           f"{'' if lines else ' or line breaks'}; use plain text")
    return value


# -- officers -------------------------------------------------------------
def get_officer(session: Session, code: str, *, active: bool = False) -> Officer:
    officer = session.execute(select(Officer).where(Officer.code == code)).scalars().first()
    if officer is None:
        other = _officer_like(session, code)
        raise NotFound(f"no officer '{code}'",
                       hint=f"Did you mean '{other}'? Codes are exact about letter case."
                       if other else "See 'send-cli officer list'.")
    if active and not officer.active:
        raise RuleViolation(f"officer '{code}' has left",
                            hint="Choose an active officer; see 'send-cli officer list'.")
    return officer


def _officer_like(session: Session, code: str) -> str | None:
    """The code of an officer whose code is CODE but for letter case."""
    found = session.scalar(select(Officer.code)
                           .where(func.lower(Officer.code) == code.lower()).limit(1))
    return None if found is None else str(found)


def add_officer(*, session: Session, code: str, name: str, email: str, team: str, role: str,
                actor: str, now: datetime) -> Officer:
    check_text(name, what="name", max_len=NAME_MAX)
    if not name.strip():
        raise BadInput("name is empty; give the officer's full name")
    check_text(email, what="email", max_len=EMAIL_MAX)
    if team not in TEAMS:
        raise BadInput(f"team '{team}' is not known; use one of: {', '.join(TEAMS)}")
    if role not in ROLES:
        raise BadInput(f"role '{role}' is not known; use one of: {', '.join(ROLES)}")
    if not _EMAIL.fullmatch(email):
        raise BadInput(f"email '{email}' is not an email address; use name@council.gov.uk")
    same = _officer_like(session, code)
    if same is not None:  # CO2 and co2 would be told apart by nobody
        raise Conflict(f"officer '{code}' already exists"
                       + ("" if same == code else f" as '{same}'"),
                       hint="Choose another code (codes differing only in letter case are "
                            "the same code)." if same != code else "Choose another code.")
    officer = Officer(code=code, name=name, email=email, team=team, role=role, active=True,
                      created_at=now)
    session.add(officer)
    session.flush()
    record(session, officer=actor, now=now, action="officer.add", entity="officer",
           entity_id=code, after=snapshot(officer, OFFICER_FIELDS))
    return officer


@dataclass
class Handover:
    """What moved when an officer left."""

    cases: int
    followups: int
    referrals: int


def officer_leaves(*, session: Session, code: str, to: str, actor: str,
                   now: datetime) -> Handover:
    """CODE leaves: every open case, open follow-up and panel referral still
    to be presented moves to TO, so nothing is left with someone who has
    gone (DOMAIN.md). One audit entry per case touched, with what moved
    before and after ('officer' when the case itself moved, 'open_followups',
    'open_referrals'), and one for the officer with the counts."""
    from send_cli.models import Decision, Meeting, Panel, Referral
    from send_cli.panelwork import has_started

    leaver = get_officer(session, code)
    if not leaver.active:
        raise RuleViolation(f"officer '{code}' has already left")
    if to == code:
        raise BadInput(f"--to '{to}' is the officer who is leaving; name another officer")
    successor = get_officer(session, to, active=True)
    moved_cases = dict(session.execute(
        select(Case.id, Case.ref).where(Case.officer_id == leaver.id,
                                        Case.status.in_(OPEN_STATUSES))).all())
    moved_followups = session.execute(
        select(Followup.id, Followup.case_id, Followup.kind)
        .where(Followup.officer_id == leaver.id, Followup.done_at.is_(None))
        .order_by(Followup.id)).all()
    # a referral the leaver was to present: no decision yet, meeting not held
    pending = session.execute(
        select(Referral.id, Referral.case_id, Referral.request, Panel.code, Meeting)
        .join(Meeting, Meeting.id == Referral.meeting_id)
        .join(Panel, Panel.id == Meeting.panel_id)
        .outerjoin(Decision, Decision.referral_id == Referral.id)
        .where(Referral.officer_id == leaver.id, Decision.id.is_(None))
        .order_by(Referral.id)).all()
    moved_referrals = [(rid, case_id, request, panel, meeting.date)
                       for rid, case_id, request, panel, meeting in pending
                       if not has_started(meeting, now)]
    session.execute(
        update(Case).where(Case.officer_id == leaver.id, Case.status.in_(OPEN_STATUSES))
        .values(officer_id=successor.id))
    session.execute(
        update(Followup).where(Followup.officer_id == leaver.id, Followup.done_at.is_(None))
        .values(officer_id=successor.id))
    if moved_referrals:
        session.execute(update(Referral).where(Referral.id.in_([r[0] for r in moved_referrals]))
                        .values(officer_id=successor.id))
    leaver.active = False
    leaver.left_on = now.date()
    session.add(leaver)

    touched = (set(moved_cases) | {f[1] for f in moved_followups}
               | {r[1] for r in moved_referrals})
    refs = dict(moved_cases)
    missing = touched - set(refs)
    if missing:
        refs.update(session.execute(select(Case.id, Case.ref)
                                    .where(Case.id.in_(missing))).all())
    followups_of: dict[int, list[tuple[int, str]]] = {}
    for fid, cid, kind in moved_followups:
        followups_of.setdefault(cid, []).append((fid, kind))
    referrals_of: dict[int, list[tuple[Any, ...]]] = {}
    for item in moved_referrals:
        referrals_of.setdefault(item[1], []).append(item)
    for case_id in sorted(touched, key=lambda i: refs[i]):
        before: dict[str, object] = {}
        after: dict[str, object] = {}
        if case_id in moved_cases:
            before["officer"], after["officer"] = code, to
        followups = followups_of.get(case_id, [])
        if followups:
            before["open_followups"] = [{"id": f, "kind": k, "officer": code}
                                        for f, k in followups]
            after["open_followups"] = [{"id": f, "kind": k, "officer": to}
                                       for f, k in followups]
        referrals = referrals_of.get(case_id, [])
        if referrals:
            before["open_referrals"] = [{"id": r[0], "panel": r[3], "meeting": r[4],
                                         "request": r[2], "officer": code} for r in referrals]
            after["open_referrals"] = [{"id": r[0], "panel": r[3], "meeting": r[4],
                                        "request": r[2], "officer": to} for r in referrals]
        record(session, officer=actor, now=now, action="officer.leave", entity="case",
               entity_id=refs[case_id], case_ref=refs[case_id], before=before, after=after)
    done = Handover(len(moved_cases), len(moved_followups), len(moved_referrals))
    record(session, officer=actor, now=now, action="officer.leave", entity="officer",
           entity_id=code, before={"active": True},
           after={"active": False, "to": to, "cases_moved": done.cases,
                  "followups_moved": done.followups, "referrals_moved": done.referrals})
    return done


def officer_rows(session: Session) -> list[dict[str, object]]:
    rows = session.execute(select(Officer).order_by(Officer.code)).scalars()
    return [snapshot(o, OFFICER_FIELDS) for o in rows]


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
    to cron logs (issue 6)."""
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
    if requested_by is not None and requested_by not in REQUESTED_BY:
        raise BadInput(f"--requested-by '{requested_by}' is not known; use one of: "
                       f"{', '.join(REQUESTED_BY)}")


def add_case(*, session: Session, ref: str | None, name: str, dob: date, officer: str,
             received: date, requested_by: str | None, setting: str | None, actor: str,
             now: datetime) -> Case:
    check_case_fields(ref=ref, name=name, dob=dob, received=received,
                      requested_by=requested_by, today=now.date(), setting=setting)
    owner = get_officer(session, officer, active=True)
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
    from send_cli import timeline

    timeline.refresh_deadlines(session=session, case=case, today=now.date())
