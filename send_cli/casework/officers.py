"""Officers: adding them, the officer list, and an officer leaving (their cases,
follow-ups and referrals move to a colleague)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlmodel import Session

from send_cli.casework.fields import EMAIL_MAX, NAME_MAX, check_text
from send_cli.errors import BadInput, Conflict, NotFound, RuleViolation
from send_cli.rules.cases import OPEN_STATUSES
from send_cli.rules.followups import away_on
from send_cli.rules.people import CASEWORK_ROLES, COVER_ROLES, ROLES, TEAMS
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


def can_hold_casework(officer: Officer) -> None:
    """Refuse an officer whose role cannot hold a family's casework."""
    if officer.role not in CASEWORK_ROLES:
        raise RuleViolation(f"{officer.code} is {officer.role} and cannot hold casework; give "
                            f"an officer who is: {', '.join(CASEWORK_ROLES)}")


def promise_owner(session: Session, officer_id: int, day: date) -> tuple[int, int | None]:
    """Who owes a promise made on DAY on a case of OFFICER_ID, and for whom:
    (the officer, None), or (their cover, the officer) while they are away
    (the charter's out-of-office redirect to an alternative contact)."""
    officer = session.get(Officer, officer_id)
    if (officer is not None and officer.cover_id is not None
            and away_on(day, officer.away_from, officer.away_to)):
        return officer.cover_id, officer.id
    return officer_id, None


def officer_away(*, session: Session, code: str, start: date, end: date, cover: str,
                 actor: str, now: datetime) -> Officer:
    """CODE is away START..END (both days included); COVER, an active casework
    or assessment officer not away then, owns the promises made on CODE's
    cases in that time and holds CODE's follow-ups that fall due in it."""
    today = now.date()
    officer = get_officer(session, code, active=True)
    if start > end:
        raise BadInput(f"--from {start} is after --to {end}")
    if end < today:
        raise BadInput(f"--to {end} is in the past; an absence is recorded before or while "
                       "it happens")
    if cover == code:
        raise BadInput(f"--cover '{cover}' is the officer who is away; name another officer")
    if officer.away_to is not None and officer.away_to >= today:
        raise Conflict(f"officer '{code}' is already recorded away from {officer.away_from} "
                       f"to {officer.away_to}",
                       hint=f"End it first with 'send-cli officer back {code}'.")
    standin = get_officer(session, cover, active=True)
    if standin.role not in COVER_ROLES:
        raise RuleViolation(f"{cover} is {standin.role} and cannot cover casework; the cover "
                            f"is an active {' or '.join(COVER_ROLES)}")
    if (standin.away_from is not None and standin.away_to is not None
            and standin.away_from <= end and standin.away_to >= start):
        raise RuleViolation(f"{cover} is away from {standin.away_from} to {standin.away_to} "
                            "and cannot cover then")
    covered = session.execute(
        select(Officer.code, Officer.away_from, Officer.away_to)
        .where(Officer.cover_id == officer.id, Officer.away_to >= start,
               Officer.away_from <= end).limit(1)).first()
    if covered is not None:
        raise RuleViolation(f"{code} covers {covered[0]}'s absence from {covered[1]} to "
                            f"{covered[2]}; end it or name another cover first")
    before = {"away_from": officer.away_from, "away_to": officer.away_to}
    officer.away_from, officer.away_to, officer.cover_id = start, end, standin.id
    session.add(officer)
    session.flush()
    record(session, officer=actor, now=now, action="officer.away", entity="officer",
           entity_id=code, before=before,
           after={"away_from": start, "away_to": end, "cover": cover})
    return officer


def officer_back(*, session: Session, code: str, actor: str,
                 now: datetime) -> tuple[str, int]:
    """CODE's absence ends today (or, not begun, is called off): new promises
    are theirs again, and so are their follow-ups. Returns (the cover, how
    many open follow-ups promised in the absence stay with the cover)."""
    officer = get_officer(session, code)
    today = now.date()
    if officer.away_to is None or officer.away_to < today or officer.cover_id is None:
        raise RuleViolation(f"officer '{code}' is not away",
                            hint="See 'send-cli officer list'.")
    cover = session.get(Officer, officer.cover_id)
    before = {"away_from": officer.away_from, "away_to": officer.away_to,
              "cover": cover.code if cover else None}
    officer.away_from = officer.away_to = officer.cover_id = None
    session.add(officer)
    kept = int(session.scalar(select(func.count(Followup.id)).where(
        Followup.for_officer_id == officer.id, Followup.done_at.is_(None))) or 0)
    record(session, officer=actor, now=now, action="officer.back", entity="officer",
           entity_id=code, before=before,
           after={"away_from": None, "away_to": None, "cover": None, "back_on": today,
                  "followups_kept_by_cover": kept})
    return (cover.code if cover else "?"), kept


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
    can_hold_casework(successor)
    covering = session.execute(
        select(Officer.code, Officer.away_to)
        .where(Officer.cover_id == leaver.id, Officer.away_to >= now.date()).limit(1)).first()
    if covering is not None:
        raise RuleViolation(f"{code} covers {covering[0]}'s absence until {covering[1]}",
                            hint=f"End it ('send-cli officer back {covering[0]}') or record "
                                 "it again with another cover first.")
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
        .outerjoin(Decision, (Decision.referral_id == Referral.id)
                   & Decision.withdrawn_at.is_(None))
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
    leaver.away_from = leaver.away_to = leaver.cover_id = None
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


def officer_rows(session: Session, today: date) -> list[dict[str, object]]:
    """Every officer, with the absence recorded (until it is over) and its cover."""
    officers = list(session.execute(select(Officer).order_by(Officer.code)).scalars())
    codes = {o.id: o.code for o in officers}
    out = []
    for o in officers:
        row = snapshot(o, OFFICER_FIELDS)
        current = o.away_to is not None and o.away_to >= today
        row["away_from"] = o.away_from if current else None
        row["away_to"] = o.away_to if current else None
        row["cover"] = codes.get(o.cover_id) if current and o.cover_id else None
        out.append(row)
    return out
