"""The statutory timeline of a case: milestones, advice, exceptions, appeals,
phase transfers, and the stored deadlines that reports read.

Every change here is validated before anything is written, is recorded in
the audit trail, and ends with refresh_deadlines(), which rewrites the case's
rows of the deadlines table from its milestones (rules/statutory.py says how
each clock runs). Reports then filter those rows on an indexed date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select
from sqlmodel import Session

from send_cli.errors import BadInput, Conflict, RuleViolation, shown
from send_cli.rules import figures
from send_cli.rules import statutory as rules
from send_cli.rules.retention import RETENTION_SETTINGS
from send_cli.store.audit import record
from send_cli.store.models import (
    AdviceRequest,
    Appeal,
    CalendarDay,
    Case,
    Deadline,
    Milestone,
    Setting,
    TimeException,
)

# Who may still ask for reg 8 advice: a case being assessed.
ADVICE_STATUSES = ("requested", "assessing", "drafting")
TRANSFER_YEARS_AHEAD = 20
ENDED = ("closed", "ceased")  # a case whose clocks are history

# The council settings a user may see and change: CLI name -> (stored key,
# default, meaning).
SETTINGS: dict[str, tuple[str, str, str]] = {
    "under5-review-months": (
        rules.UNDER5_SETTING, str(rules.DEFAULT_UNDER5_MONTHS),
        "months between reviews of the plan of a child under 5 (1-12; SEND Code of "
        "Practice 9.178 says consider every 3 to 6; the law's limit is 12)"),
    "kpi-target-20-weeks": (
        figures.TARGET_SETTING, figures.TARGET_DEFAULT,
        "the council's own target for new plans issued within 20 weeks, a percentage "
        "(0-100, or none); the KPI dashboard draws it beside England's figure"),
    **{spec.name: (spec.key, spec.default, spec.help) for spec in RETENTION_SETTINGS},
}
# the whole numbers each setting takes, and what they count
SETTING_RANGES: dict[str, tuple[int, int, str]] = {
    "under5-review-months": (1, 12, "months"),
    **{spec.name: (spec.low, spec.high, "years") for spec in RETENTION_SETTINGS},
}


# -- settings ---------------------------------------------------------------
def under5_months(session: Session) -> int:
    cache = session.info.setdefault("send_cli_settings", {})
    if rules.UNDER5_SETTING not in cache:
        row = session.get(Setting, rules.UNDER5_SETTING)
        cache[rules.UNDER5_SETTING] = int(row.value) if row else rules.DEFAULT_UNDER5_MONTHS
    return int(cache[rules.UNDER5_SETTING])


# The council's items in the SEN2 return's header (DfE SEN2 guide).
SEN2_MEANINGS = {
    "la-code": "the council's 3-digit LA number, for the SEN2 return",
    "dmo": "has a Designated Medical Officer: Y, N or R (recruiting), for SEN2",
    "dco": "has a Designated Clinical Officer: Y, N or R (recruiting), for SEN2",
    "dsco": "has a Designated Social Care Officer: Y, N or R (recruiting), for SEN2",
}


def setting_rows(session: Session) -> list[dict[str, Any]]:
    from send_cli.rules.sen2 import SETTINGS as SEN2_SETTINGS

    out = []
    for name, (key, default, meaning) in SETTINGS.items():
        row = session.get(Setting, key)
        out.append({"setting": name, "value": row.value if row else default,
                    "default": default, "meaning": meaning})
    for name, key in SEN2_SETTINGS.items():
        row = session.get(Setting, key)
        out.append({"setting": name, "value": row.value if row else None, "default": None,
                    "meaning": SEN2_MEANINGS[name]})
    return out


def set_sen2_setting(*, session: Session, name: str, value: str, actor: str,
                     now: datetime) -> tuple[str | None, str]:
    """The council's LA code or its designated officers, for the SEN2 header."""
    from send_cli.rules import sen2
    from send_cli.rules.sen2 import SETTINGS as SEN2_SETTINGS

    text = value.strip().upper()
    if name == "la-code":
        if not sen2.is_la_code(text):
            raise BadInput(f"la-code '{value}' is not an LA code; use the council's 3-digit "
                           "number, e.g. 855")
    elif text not in sen2.DESIGNATED:
        raise BadInput(f"{name} '{value}' is not known; use Y (yes), N (no) or R "
                       "(recruiting)")
    key = SEN2_SETTINGS[name]
    row = session.get(Setting, key)
    old = row.value if row else None
    if old == text:
        raise Conflict(f"{name} is already {text}")
    if row is None:
        session.add(Setting(key=key, value=text))
    else:
        row.value = text
        session.add(row)
    session.flush()
    record(session, officer=actor, now=now, action="setting.set", entity="setting",
           entity_id=key, before={name: old}, after={name: text})
    return old, text


def _setting_value(name: str, value: str) -> str:
    """VALUE of setting NAME as stored, or BadInput saying what is accepted."""
    if name == "kpi-target-20-weeks":
        target = figures.parse_target(value)
        if target is None:
            raise BadInput(f"{name} '{shown(value)}' is not a percentage from 0 to 100 (at "
                           "most one decimal place, e.g. 80 or 92.5) or 'none'")
        return target
    low, high, unit = SETTING_RANGES[name]
    number = value.strip()
    if not number.isdigit() or not low <= int(number) <= high:
        raise BadInput(f"{name} '{shown(value)}' is not a number of {unit} from {low} "
                       f"to {high}")
    return str(int(number))


def set_setting(*, session: Session, name: str, value: str, actor: str,
                now: datetime) -> tuple[str, str, int | None]:
    """Change a council setting. Returns (old value, new value, cases whose
    clocks were recomputed; None for a setting that moves no clock)."""
    if name not in SETTINGS:
        raise BadInput(f"setting '{name}' is not known; use one of: "
                       f"{', '.join(list(SETTINGS) + list(SEN2_MEANINGS))}")
    key, default, _ = SETTINGS[name]
    months = _setting_value(name, value)
    row = session.get(Setting, key)
    old = row.value if row else default
    if old == months:
        raise Conflict(f"{name} is already {months}")
    if row is None:
        session.add(Setting(key=key, value=months))
    else:
        row.value = months
        session.add(row)
    session.flush()
    session.info.pop("send_cli_settings", None)
    record(session, officer=actor, now=now, action="setting.set", entity="setting",
           entity_id=key, before={name: old}, after={name: months})
    if key != rules.UNDER5_SETTING:
        return old, months, None
    return old, months, _refresh_under_fives(session, now.date())


def _refresh_under_fives(session: Session, today: date) -> int:
    """Recompute the clocks of cases whose open review cycle started while the
    child was under 5 (cycles begun in the last 3 years): the open clocks the
    setting moves. Other cases pick it up when they next change; a case that
    has ended keeps its clocks as they stood."""
    born_after = rules.add_months(today, -12 * (rules.UNDER5_AGE + 3))
    stmt = (select(Case.id, Case.dob, Deadline.start)
            .join(Deadline, Deadline.case_id == Case.id)
            .where(Deadline.milestone == "annual-review", Deadline.met_on.is_(None),
                   Case.dob.is_not(None), Case.dob > born_after,
                   Case.status.not_in(ENDED)))
    ids = {cid for cid, dob, start in session.execute(stmt)
           if rules.age_on(dob, start) < rules.UNDER5_AGE}
    for cid in sorted(ids):
        case = session.get(Case, cid)
        if case is not None:
            refresh_deadlines(session=session, case=case, today=today)
    return len(ids)


# -- the clocks -------------------------------------------------------------
def _milestones(session: Session, case: Case) -> list[Milestone]:
    return list(session.execute(
        select(Milestone).where(Milestone.case_id == case.id)
        .order_by(Milestone.on, Milestone.id)).scalars())


def _events(milestones: list[Milestone]) -> list[rules.Event]:
    return [rules.Event(m.kind, m.on, m.outcome) for m in milestones]


def _working_day_check(session: Session, start: date, end: date) -> Callable[[date], bool]:
    """Working days as the Tribunal counts them (rule 12(4)): not a weekend,
    not a bank holiday. Council closure days do not count here."""
    bank = set(session.execute(
        select(CalendarDay.day).where(CalendarDay.kind == "bank-holiday",
                                      CalendarDay.day >= start, CalendarDay.day <= end)
    ).scalars())
    return lambda d: d.weekday() < 5 and d not in bank


def _appeal_days_check(session: Session,
                       appeals: list[tuple[date, date | None, date | None]]
                       ) -> Callable[[date], bool]:
    """The Tribunal's working days over the case's appeal windows (one or
    more: decision sent, certificate, registered)."""
    first = min(a[0] for a in appeals)
    last = max(max(a[0], a[1] or a[0]) for a in appeals)
    return _working_day_check(session, first, last + timedelta(days=400))


def _facts(session: Session, case: Case) -> rules.Facts:
    advice = [(a.source, a.requested, a.received) for a in session.execute(
        select(AdviceRequest).where(AdviceRequest.case_id == case.id,
                                    AdviceRequest.withdrawn_at.is_(None))
        .order_by(AdviceRequest.requested, AdviceRequest.id)).scalars()]
    appeals = [(a.decision_sent, a.certificate, a.registered) for a in session.execute(
        select(Appeal).where(Appeal.case_id == case.id)
        .order_by(Appeal.decision_sent, Appeal.id)).scalars()]
    transfer = None
    if case.transfer_year is not None and case.transfer_kind:
        transfer = (case.transfer_year, case.transfer_kind)
    # review cycles met so far, and every cycle of a case that has ended,
    # keep the interval they ran under; the open ones follow the setting
    settled = select(Deadline.start, Deadline.due).where(
        Deadline.case_id == case.id, Deadline.milestone == "annual-review")
    if case.status not in ENDED:
        settled = settled.where(Deadline.met_on.is_not(None))
    reviews_kept = {start: due for start, due in session.execute(settled)}
    return rules.Facts(received=case.received, status=case.status, dob=case.dob,
                       milestones=_events(_milestones(session, case)), advice=advice,
                       appeals=appeals, transfer=transfer,
                       under5_months=under5_months(session),
                       is_working_day=_appeal_days_check(session, appeals) if appeals
                       else None,
                       closed_on=case.closed_on, reviews_kept=reviews_kept)


def refresh_deadlines(*, session: Session, case: Case, today: date) -> None:
    """Recompute the stored statutory clocks (deadlines rows) of CASE."""
    if case.id is None:
        session.flush()
    rows = rules.case_clocks(_facts(session, case))
    session.execute(delete(Deadline).where(Deadline.case_id == case.id))
    if rows:
        session.execute(insert(Deadline), [
            {"case_id": case.id, "milestone": r.milestone, "start": r.start, "due": r.due,
             "basis": r.basis, "met_on": r.met_on, "detail": r.detail} for r in rows])


# -- checks shared by the operations -----------------------------------------
def _not_closed(case: Case) -> None:
    if case.status == "closed":
        raise RuleViolation(f"case '{case.ref}' is closed", hint="Closed cases cannot change.")


def _not_future(day: date, what: str, today: date) -> None:
    if day > today:
        raise BadInput(f"{what} {day} is in the future; use {today} or earlier")


def _not_before_request(day: date, what: str, case: Case) -> None:
    if day < case.received:
        raise RuleViolation(f"{what} {day} is before the request was received on "
                            f"{case.received}")


# -- milestones -------------------------------------------------------------
def record_milestone(*, session: Session, case: Case, kind: str, on: date,
                     outcome: str | None, actor: str, now: datetime,
                     cease_reason: str | None = None) -> Milestone:
    """Record a milestone on CASE (validated), move its status, refresh its
    clocks. A plan that ends ('ceased') carries one of SEN2's nine cease
    reasons, kept as the milestone's outcome."""
    from send_cli.rules.sen2 import CEASE_REASONS

    _not_closed(case)
    if cease_reason is not None:
        if kind != "ceased":
            raise BadInput("--cease-reason goes with the milestone 'ceased'")
        if cease_reason not in CEASE_REASONS:
            raise BadInput(f"--cease-reason '{cease_reason}' is not known; use one of: "
                           f"{', '.join(CEASE_REASONS)}")
    if kind not in rules.MILESTONES:
        raise BadInput(f"milestone '{kind}' is not known; use one of: "
                       f"{', '.join(rules.MILESTONES)}")
    allowed = rules.OUTCOMES.get(kind)
    if allowed:
        if outcome is None:
            raise BadInput(f"{kind} needs --outcome: {' or '.join(allowed)}")
        if outcome not in allowed:
            raise BadInput(f"--outcome '{outcome}' is not known for {kind}; use one of: "
                           f"{', '.join(allowed)}")
    elif outcome is not None:
        raise BadInput(f"{kind} takes no --outcome (only assessment-decision, issue-decision "
                       "and review-decision do)")
    _not_future(on, kind, now.date())
    existing = _milestones(session, case)
    problem = rules.milestone_problem(kind, on, outcome, received=case.received,
                                      status=case.status, milestones=_events(existing))
    if problem is not None:
        error, text = problem
        raise (Conflict if error == "conflict" else RuleViolation)(
            f"{case.ref}: {text}")
    before = case.status
    milestone = Milestone(case_id=case.id, kind=kind, on=on,
                          outcome=cease_reason if kind == "ceased" else outcome,
                          created_at=now)
    session.add(milestone)
    case.status = rules.status_after(kind, outcome, case.status)
    session.add(case)
    session.flush()
    record(session, officer=actor, now=now, action="case.milestone", entity="milestone",
           entity_id=milestone.id, case_ref=case.ref, before={"status": before},
           after={"milestone": kind, "on": on, "outcome": milestone.outcome,
                  "status": case.status})
    refresh_deadlines(session=session, case=case, today=now.date())
    return milestone


def withdraw_milestone(*, session: Session, case: Case, kind: str, reason: str, actor: str,
                       now: datetime) -> Milestone:
    """Withdraw the latest KIND milestone of CASE, recorded in error. Never
    silently: the audit entry keeps it whole with the REASON. Refused while
    a later milestone stands on it (withdraw that first); the case's status
    and statutory clocks (and so the KPI counts) are worked out again."""
    _not_closed(case)
    if kind not in rules.MILESTONES:
        raise BadInput(f"milestone '{kind}' is not known; use one of: "
                       f"{', '.join(rules.MILESTONES)}")
    if not reason.strip():
        raise BadInput("--reason is empty; say why it is withdrawn")
    recorded = _milestones(session, case)
    mine = [m for m in recorded if m.kind == kind]
    if not mine:
        raise RuleViolation(f"{case.ref} has no {kind} recorded")
    target = mine[-1]
    later = recorded[recorded.index(target) + 1:]
    if later:
        raise RuleViolation(
            f"{case.ref}: the {later[-1].kind} of {later[-1].on} was recorded after the {kind} "
            f"of {target.on}; withdraw it first (latest first)")
    before = {"milestone": kind, "on": target.on, "outcome": target.outcome,
              "status": case.status}
    session.delete(target)
    session.flush()
    status = "requested"
    for m in recorded[:-1]:
        status = rules.status_after(m.kind, m.outcome, status)
    case.status = status
    session.add(case)
    session.flush()
    record(session, officer=actor, now=now, action="case.milestone.withdraw",
           entity="milestone", entity_id=target.id, case_ref=case.ref, before=before,
           after={"withdrawn": True, "reason": reason, "status": status})
    refresh_deadlines(session=session, case=case, today=now.date())
    return target


# -- exceptions -------------------------------------------------------------
def record_exception(*, session: Session, case: Case, code: str, reason: str,
                     from_date: date | None, to_date: date | None, actor: str,
                     now: datetime) -> TimeException:
    """A reg 10(4) exception: recorded beside the clocks, which do not move."""
    _not_closed(case)
    if code not in rules.EXCEPTION_CODES:
        raise BadInput(f"--code '{code}' is not known; use one of: "
                       f"{', '.join(rules.EXCEPTION_CODES)} (reg 10(4)(a)-(d))")
    if from_date is not None and to_date is not None and from_date > to_date:
        raise BadInput(f"--from {from_date} is after --to {to_date}")
    limit = rules.due_after(rules.CLOCKS["final-plan"], case.received)
    if from_date is not None and from_date > limit:
        raise RuleViolation(f"--from {from_date} is after the 20-week limit of {limit}: an "
                            "exception excuses a time limit only for what happens within it")
    if to_date is not None and to_date < case.received:
        raise RuleViolation(f"--to {to_date} is before the request was received on "
                            f"{case.received}")
    if from_date is not None and to_date is not None:
        problem = rules.exception_problem(code, from_date, to_date, received=case.received,
                                          limit=limit)
        if problem is not None:
            raise RuleViolation(f"{case.ref}: {problem}")
    same = session.execute(select(TimeException.id).where(
        TimeException.case_id == case.id, TimeException.code == code,
        TimeException.from_date.is_(None) if from_date is None
        else TimeException.from_date == from_date,
        TimeException.to_date.is_(None) if to_date is None
        else TimeException.to_date == to_date)).first()
    if same is not None:
        raise Conflict(f"{case.ref}: exception ({code}) for these dates is already recorded")
    exc = TimeException(case_id=case.id, code=code, reason=reason, from_date=from_date,
                        to_date=to_date, created_at=now)
    session.add(exc)
    session.flush()
    record(session, officer=actor, now=now, action="case.exception", entity="exception",
           entity_id=exc.id, case_ref=case.ref,
           after={"code": code, "reason": reason, "from": from_date, "to": to_date})
    refresh_deadlines(session=session, case=case, today=now.date())
    return exc


# -- appeals ----------------------------------------------------------------
APPEALABLE = (("assessment-decision", "refused"), ("issue-decision", "refused"),
              ("final-plan", None), ("amended-plan", None), ("review-decision", None),
              ("ceased", None))


def record_appeal(*, session: Session, case: Case, decision_sent: date,
                  certificate: date | None, registered: date | None, actor: str,
                  now: datetime) -> tuple[Appeal, bool]:
    """A family's disagreement with a decision letter sent on DECISION_SENT;
    run again to add the mediation certificate or the appeal's registration.
    Returns (the appeal, whether it is new)."""
    _not_closed(case)
    today = now.date()
    _not_future(decision_sent, "--decision-sent", today)
    for value, what in ((certificate, "--certificate"), (registered, "--registered")):
        if value is not None:
            _not_future(value, what, today)
            if value < decision_sent:
                raise RuleViolation(f"{what} {value} is before the decision letter was sent on "
                                    f"{decision_sent}")
    _not_before_request(decision_sent, "--decision-sent", case)
    appealable = [m for m in _milestones(session, case) if m.on <= decision_sent and any(
        m.kind == k and (o is None or m.outcome == o) for k, o in APPEALABLE)]
    if not appealable:
        raise RuleViolation(
            f"{case.ref} has no appealable decision on or before {decision_sent}",
            hint="A family may appeal a refusal to assess or to issue, a final or amended "
                 "plan, a review decision or a cessation; record that milestone first.")
    found = session.execute(select(Appeal).where(
        Appeal.case_id == case.id, Appeal.decision_sent == decision_sent)).scalars().first()
    opened = _opened_for_same_decision(session, case, decision_sent) if found is None else None
    if opened is not None:
        before = {"decision_sent": opened.decision_sent, "certificate": None,
                  "registered": None}
        opened.decision_sent = decision_sent
        opened.certificate, opened.registered = certificate, registered
        session.add(opened)
        session.flush()
        record(session, officer=actor, now=now, action="case.appeal", entity="appeal",
               entity_id=opened.id, case_ref=case.ref, before=before,
               after={"decision_sent": decision_sent, "certificate": certificate,
                      "registered": registered, "corrected": True})
        refresh_deadlines(session=session, case=case, today=today)
        return opened, False
    if found is None:
        appeal = Appeal(case_id=case.id, decision_sent=decision_sent, certificate=certificate,
                        registered=registered, created_at=now)
        session.add(appeal)
        session.flush()
        record(session, officer=actor, now=now, action="case.appeal", entity="appeal",
               entity_id=appeal.id, case_ref=case.ref,
               after={"decision_sent": decision_sent, "certificate": certificate,
                      "registered": registered})
        refresh_deadlines(session=session, case=case, today=today)
        return appeal, True
    before = {"certificate": found.certificate, "registered": found.registered}
    changes = {}
    for key, value in (("certificate", certificate), ("registered", registered)):
        if value is None:
            continue
        old = getattr(found, key)
        if old is not None and old != value:
            raise Conflict(f"{case.ref}: the appeal against the decision of {decision_sent} "
                           f"already has {key} {old}; it is not overwritten")
        if old is None:
            changes[key] = value
    if not changes:
        raise Conflict(f"{case.ref}: the appeal against the decision of {decision_sent} is "
                       "already recorded with these dates",
                       hint="Add --certificate DATE or --registered DATE when they happen.")
    for key, value in changes.items():
        setattr(found, key, value)
    session.add(found)
    session.flush()
    record(session, officer=actor, now=now, action="case.appeal", entity="appeal",
           entity_id=found.id, case_ref=case.ref, before=before,
           after={"certificate": found.certificate, "registered": found.registered})
    refresh_deadlines(session=session, case=case, today=today)
    return found, False


def open_appeal(*, session: Session, case: Case, decision_sent: date, followup_id: int,
                actor: str, now: datetime) -> date:
    """The decision letter of a refusal went on DECISION_SENT (its outcome
    email, follow-up FOLLOWUP_ID): open the family's appeal window, unless
    one from that day is already recorded. Returns the window's last day
    (run on by the Tribunal's rule 12)."""
    found = session.execute(select(Appeal).where(
        Appeal.case_id == case.id, Appeal.decision_sent == decision_sent)).scalars().first()
    if found is None:
        found = Appeal(case_id=case.id, decision_sent=decision_sent, followup_id=followup_id,
                       created_at=now)
        session.add(found)
        session.flush()
        record(session, officer=actor, now=now, action="case.appeal", entity="appeal",
               entity_id=found.id, case_ref=case.ref,
               after={"decision_sent": decision_sent, "certificate": None,
                      "registered": None, "opened_by_followup": followup_id})
        refresh_deadlines(session=session, case=case, today=now.date())
    return appeal_window(session, found)[1]


def _opened_for_same_decision(session: Session, case: Case,
                              decision_sent: date) -> Appeal | None:
    """A window opened by a refusal's outcome email for the decision that a
    letter sent on DECISION_SENT answers (the same latest appealable
    milestone), with nothing recorded on it yet: 'case appeal' corrects its
    date rather than open a second window."""
    ms = [m for m in _milestones(session, case) if any(
        m.kind == k and (o is None or m.outcome == o) for k, o in APPEALABLE)]

    def decided(day: date) -> Milestone | None:
        before = [m for m in ms if m.on <= day]
        return before[-1] if before else None

    target = decided(decision_sent)
    for appeal in session.execute(select(Appeal).where(
            Appeal.case_id == case.id, Appeal.followup_id.is_not(None),
            Appeal.certificate.is_(None), Appeal.registered.is_(None))
            .order_by(Appeal.id)).scalars():
        if target is not None and decided(appeal.decision_sent) is target:
            return appeal
    return None


def appeal_window(session: Session, appeal: Appeal) -> tuple[date, date]:
    """(the last day to appeal under r20, the last day the Tribunal still
    accepts it under its rule 12)."""
    last = rules.appeal_due(appeal.decision_sent, appeal.certificate)
    check = _working_day_check(session, last, last + timedelta(days=60))
    return last, rules.tribunal_in_time_until(last, check)


# -- phase transfers --------------------------------------------------------
def set_transfer(*, session: Session, case: Case, year: int, kind: str, actor: str,
                 now: datetime) -> Case:
    """A phase transfer due in YEAR: the plan amended naming the new setting
    by 15 February (31 March for post-16). Its clock runs once the plan is
    in force."""
    _not_closed(case)
    if kind not in rules.TRANSFER_KINDS:
        raise BadInput(f"--kind '{kind}' is not known; use one of: "
                       f"{', '.join(rules.TRANSFER_KINDS)}")
    today = now.date()
    latest_year = today.year + TRANSFER_YEARS_AHEAD
    if not 1900 <= year <= latest_year:
        raise BadInput(f"--year {year} is out of range; use a year up to {latest_year}")
    if year < case.received.year:
        raise RuleViolation(f"--year {year} is before the request was received on "
                            f"{case.received}")
    # a case still being assessed may record the move its plan must name;
    # the clock runs once a plan is in force (rules.case_clocks)
    if case.status in ("refused", "ceased"):
        raise RuleViolation(f"{case.ref} is {case.status}: a phase transfer amends a plan "
                            "in force (reg 18)")
    if (case.transfer_year, case.transfer_kind) == (year, kind):
        raise Conflict(f"{case.ref}: the {kind} transfer in {year} is already recorded")
    before = {"transfer_year": case.transfer_year, "transfer_kind": case.transfer_kind}
    case.transfer_year, case.transfer_kind = year, kind
    session.add(case)
    session.flush()
    record(session, officer=actor, now=now, action="case.transfer", entity="case",
           entity_id=case.ref, case_ref=case.ref, before=before,
           after={"transfer_year": year, "transfer_kind": kind})
    refresh_deadlines(session=session, case=case, today=today)
    return case
