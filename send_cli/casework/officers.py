"""Officers: adding them, the officer list, and an officer leaving (their cases,
follow-ups and referrals move to a colleague)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlmodel import Session

from send_cli.casework.fields import EMAIL_MAX, NAME_MAX, check_text
from send_cli.errors import BadInput, Conflict, NotFound, RuleViolation
from send_cli.rules.cases import OPEN_STATUSES
from send_cli.rules.people import ROLES, TEAMS
from send_cli.store.audit import record, snapshot
from send_cli.store.models import Case, Followup, Officer

OFFICER_FIELDS = ("code", "name", "email", "team", "role", "active", "login", "admin")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


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
                actor: str, now: datetime, login: str | None = None,
                admin: bool = False) -> Officer:
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
    _login_free(session, login, code)
    officer = Officer(code=code, name=name, email=email, team=team, role=role, active=True,
                      created_at=now, login=login, admin=admin)
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


def _login_free(session: Session, login: str | None, code: str) -> None:
    """Conflict when LOGIN is another officer's: one login, one officer."""
    if login is None:
        return
    other = session.scalar(select(Officer.code).where(Officer.login == login,
                                                      Officer.code != code))
    if other is not None:
        raise Conflict(f"the login '{login}' is already officer {other}'s",
                       hint=f"Take it from {other} first: send-cli officer set {other} "
                            "--login OTHER")


def set_officer(*, session: Session, code: str, login: str | None, admin: bool | None,
                actor: str, now: datetime) -> dict[str, object]:
    """Give officer CODE a login, or make them an admin or not. Returns what
    changed (nothing when already so)."""
    officer = get_officer(session, code)
    before = {"login": officer.login, "admin": officer.admin}
    changed: dict[str, object] = {}
    if login is not None and login != officer.login:
        _login_free(session, login, code)
        officer.login = login
        changed["login"] = login
    if admin is not None and admin != officer.admin:
        officer.admin = admin
        changed["admin"] = admin
    if changed:
        session.add(officer)
        session.flush()
        record(session, officer=actor, now=now, action="officer.set", entity="officer",
               entity_id=code, before={k: before[k] for k in changed}, after=changed)
    return changed


def officer_leaves(*, session: Session, code: str, to: str, actor: str,
                   now: datetime) -> Handover:
    """CODE leaves: every open case, open follow-up and panel referral still
    to be presented moves to TO, so nothing is left with someone who has
    gone. One audit entry per case touched, with what moved
    before and after ('officer' when the case itself moved, 'open_followups',
    'open_referrals'), and one for the officer with the counts."""
    from send_cli.casework.meetings import has_started
    from send_cli.store.models import Decision, Meeting, Panel, Referral

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
