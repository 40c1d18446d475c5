"""Panels: remits, meetings, referrals, papers, declarations and decisions.

Operations are keyword-only, take a session, the working-day calendar and
`now`, raise SendError on a refusal before writing anything, and write the
audit trail. Queries return plain rows for render.emit."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from send_cli.audit import record
from send_cli.errors import BadInput, Conflict, NotFound, RuleViolation
from send_cli.models import (
    Case,
    Decision,
    Declaration,
    Followup,
    Meeting,
    Officer,
    Panel,
    PanelRemit,
    Referral,
)
from send_cli.rules import panels as rules
from send_cli.settings import LONDON
from send_cli.workdays import Calendar

PANEL_KEYS = ("code", "name", "cadence", "requests", "outcome", "outcome_days",
              "outcome_working_days", "outcome_email", "outcome_by")
MEETING_KEYS = ("panel", "date", "weekday", "time", "moved_from", "cancelled", "cases")
DECISION_KEYS = ("case_ref", "panel", "meeting", "request", "outcome", "reason", "revisit_by",
                 "chair")
AGENDA_KEYS = ("case_ref", "child", "request", "officer", "papers_due", "papers_received",
               "papers", "declarations", "prior_decisions", "outcome")
PERSONAL_KEYS = ("dob", "setting")


def _day(d: date) -> str:
    return f"{rules.WEEKDAY_NAMES[d.weekday()]} {d.isoformat()}"


# -- panels ---------------------------------------------------------------
def get_panel(session: Session, code: str) -> Panel:
    panel = session.execute(
        select(Panel).where(Panel.code == code.strip().upper())).scalars().first()
    if panel is None:
        raise NotFound(f"no panel '{code}'", hint="See 'send-cli panel list'.")
    return panel


def remit(session: Session, panel: Panel) -> list[str]:
    found = session.execute(
        select(PanelRemit.request).where(PanelRemit.panel_id == panel.id)).scalars()
    return sorted(found, key=rules.request_sort_key)


def known_requests(session: Session) -> list[str]:
    found = set(session.execute(select(PanelRemit.request).distinct()).scalars())
    return sorted(found | set(rules.REQUEST_TYPES), key=rules.request_sort_key)


def add_panel(*, session: Session, code: str, name: str, cadence: str, requests: Sequence[str],
              outcome_days: int, outcome_working_days: bool, outcome_email: bool,
              outcome_by: str, actor: str, now: datetime) -> tuple[Panel, list[str]]:
    """A council's own panel. Returns it and the request types no panel had
    considered before."""
    code = code.strip().upper()
    if not rules.PANEL_CODE_PATTERN.fullmatch(code):
        raise BadInput(f"panel code '{code}' is not valid; use 2-16 capital letters, digits "
                       "or '-', starting with a letter, e.g. SEP")
    if cadence not in rules.CADENCES:
        raise BadInput(f"--cadence '{cadence}' is not known; use one of: "
                       f"{', '.join(rules.CADENCES)}")
    if not requests:
        raise BadInput("--requests is empty; name the request types the panel considers, "
                       "e.g. --requests transport,resource")
    for r in requests:
        if not rules.REQUEST_PATTERN.fullmatch(r):
            raise BadInput(f"request type '{r}' is not valid; use lower-case letters, digits "
                           "and '-', e.g. personal-budget")
    if not 1 <= outcome_days <= 60:
        raise BadInput(f"--outcome-days {outcome_days} is out of range; use 1 to 60")
    if session.scalar(select(Panel.id).where(Panel.code == code)) is not None:
        raise Conflict(f"panel '{code}' already exists", hint="See 'send-cli panel list'.")
    new_types = [r for r in requests if r not in known_requests(session)]
    panel = Panel(code=code, name=name, cadence=cadence, outcome_days=outcome_days,
                  outcome_working_days=outcome_working_days, outcome_email=outcome_email,
                  outcome_by=outcome_by, created_at=now)
    session.add(panel)
    session.flush()
    unique = list(dict.fromkeys(requests))
    session.add_all([PanelRemit(panel_id=panel.id, request=r) for r in unique])
    record(session, officer=actor, now=now, action="panel.add", entity="panel", entity_id=code,
           after={"code": code, "name": name, "cadence": cadence, "requests": unique,
                  "outcome_days": outcome_days, "outcome_working_days": outcome_working_days,
                  "outcome_email": outcome_email, "outcome_by": outcome_by})
    return panel, new_types


def panel_rows(session: Session) -> list[dict[str, Any]]:
    remits: dict[int, list[str]] = {}
    for pid, req in session.execute(select(PanelRemit.panel_id, PanelRemit.request)):
        remits.setdefault(pid, []).append(req)
    out = []
    for p in session.execute(select(Panel).order_by(Panel.id)).scalars():
        out.append({
            "code": p.code, "name": p.name, "cadence": p.cadence,
            "requests": sorted(remits.get(p.id or 0, []), key=rules.request_sort_key),
            "outcome": rules.describe_outcome_rule(p.outcome_days, p.outcome_working_days,
                                                   p.outcome_email, p.outcome_by),
            "outcome_days": p.outcome_days, "outcome_working_days": p.outcome_working_days,
            "outcome_email": p.outcome_email, "outcome_by": p.outcome_by})
    return out


def check_remit(session: Session, panel: Panel, request: str) -> None:
    """Refuse a request type the panel does not consider, naming the panel that does."""
    if request in remit(session, panel):
        return
    if request not in known_requests(session):
        raise BadInput(f"--request '{request}' is not a request type; use one of: "
                       f"{', '.join(known_requests(session))}")
    others = session.execute(
        select(Panel.code, Panel.name).join(PanelRemit, PanelRemit.panel_id == Panel.id)
        .where(PanelRemit.request == request).order_by(Panel.id)).all()
    if not others:
        raise RuleViolation(f"{panel.code} does not consider '{request}', and no panel does",
                            hint="Add it to a panel's remit with 'send-cli panel add'.")
    names = " or ".join(f"the {name} ({code})" for code, name in others)
    raise RuleViolation(
        f"{panel.code} does not consider '{request}'; {names} does",
        hint=f"Refer it there: --panel {others[0][0]}.")


# -- meetings ---------------------------------------------------------------
def meeting_start(meeting: Meeting) -> datetime:
    return datetime.combine(meeting.date, time.fromisoformat(meeting.time), tzinfo=LONDON)


def has_started(meeting: Meeting, now: datetime) -> bool:
    return now >= meeting_start(meeting)


def find_meeting(session: Session, panel: Panel, day: date) -> Meeting | None:
    return session.execute(select(Meeting).where(
        Meeting.panel_id == panel.id, Meeting.date == day)).scalars().first()


def get_meeting(session: Session, panel: Panel, day: date, *,
                live: bool = True) -> Meeting:
    """The panel's meeting on DAY; with LIVE, refuse a cancelled one."""
    meeting = find_meeting(session, panel, day)
    if meeting is None:
        moved = session.execute(select(Meeting).where(
            Meeting.panel_id == panel.id, Meeting.moved_from == day,
            Meeting.cancelled.is_(False))).scalars().first()
        if moved is not None:
            raise NotFound(f"no {panel.code} meeting on {day}: it moved to {moved.date}",
                           hint=f"Use --meeting {moved.date}.")
        raise NotFound(f"no {panel.code} meeting on {day}",
                       hint=f"See 'send-cli panel meetings {panel.code}'.")
    if live and meeting.cancelled:
        raise RuleViolation(f"the {panel.code} meeting of {day} was cancelled",
                            hint=f"See 'send-cli panel meetings {panel.code}'.")
    return meeting


@dataclass
class Scheduled:
    rows: list[dict[str, Any]] = field(default_factory=list)
    created: int = 0
    existing: int = 0
    moves: list[str] = field(default_factory=list)


def schedule(*, session: Session, cal: Calendar, code: str, start: date, end: date,
             weekday: int, at: str, actor: str, now: datetime) -> Scheduled:
    """Create the panel's meetings from START to END on WEEKDAY at its cadence.
    A meeting on a bank holiday or closure day moves to the next working day,
    or, when the panel already meets that day, is held with that meeting;
    meetings already there (moved or cancelled ones included) are kept, so
    running a schedule again creates nothing twice."""
    panel = get_panel(session, code)
    if end < start:
        raise BadInput(f"--to {end} is before --from {start}")
    if (end - start).days > rules.MAX_SCHEDULE_DAYS:
        raise BadInput(f"--from {start} to --to {end} is more than three years; "
                       "schedule a shorter period")
    existing = session.execute(select(Meeting).where(Meeting.panel_id == panel.id)).scalars()
    by_date: dict[date, Meeting] = {}
    by_origin: dict[date, Meeting] = {}
    for m in existing:
        by_date[m.date] = m
        by_origin[m.moved_from or m.date] = m
    # keep a fortnightly or monthly panel in step with the meetings it has
    same_day = sorted(d for d in by_origin if d.weekday() == weekday and d <= end)
    before = [d for d in same_day if d < start]
    anchor = before[-1] if before else (same_day[0] if same_day else None)
    plan = [(slot, rules.meeting_day(slot, cal))
            for slot in rules.meeting_slots(panel.cadence, weekday, start, end, anchor)]
    # The slots kept on their own day go first: a meeting moved off a closed
    # day onto a day the panel meets anyway is held with that day's meeting,
    # which keeps its own date (and no moved_from).
    plan.sort(key=lambda p: p[0] != p[1])
    out = Scheduled()
    touched: dict[int, tuple[Meeting, str, list[str]]] = {}
    said: list[tuple[date, str]] = []
    made: list[str] = []

    def touch(meeting: Meeting, status: str, note: str | None) -> None:
        key = id(meeting)
        if key not in touched:
            touched[key] = (meeting, status, [])
            if status == "exists":
                out.existing += 1
        if note:
            touched[key][2].append(note)

    for slot, day in plan:
        why = cal.reason_closed(slot) if day != slot else None
        own = by_origin.get(slot)
        if own is not None:  # this slot's meeting is there, perhaps moved or cancelled since
            moved = f"{_day(slot)} is {why}: moved to {_day(own.date)}" if why else None
            touch(own, "exists", moved)
            continue
        there = by_date.get(day)
        if there is not None:
            fresh = id(there) in touched and touched[id(there)][1] == "created"
            if why:
                line = (f"{_day(slot)} is {why}; the next working day is {_day(day)}, when "
                        f"{panel.code} already meets, so no second meeting is made")
                said.append((slot, line))
                touch(there, "created" if fresh else "exists",
                      f"{_day(slot)} is {why}: held with this meeting")
            else:
                touch(there, "created" if fresh else "exists",
                      f"the meeting moved from {_day(there.moved_from or day)} is on this day")
            continue
        meeting = Meeting(panel_id=panel.id, date=day, time=at, moved_from=slot if why else None,
                          cancelled=False, created_at=now)
        session.add(meeting)
        by_date[day] = by_origin[slot] = meeting
        out.created += 1
        made.append(day.isoformat())
        note = f"{_day(slot)} is {why}: moved to {_day(day)}" if why else None
        if note:
            said.append((slot, note))
        touch(meeting, "created", note)
    session.flush()
    out.moves = [line for _, line in sorted(said)]
    for meeting, status, notes in sorted(touched.values(),
                                         key=lambda t: (t[0].date, t[0].time)):
        out.rows.append(_meeting_row(panel, meeting, status=status,
                                     note="; ".join(notes) or None))
    if made:
        record(session, officer=actor, now=now, action="meeting.schedule", entity="panel",
               entity_id=panel.code,
               after={"from": start, "to": end, "weekday": rules.WEEKDAY_NAMES[weekday],
                      "time": at, "created": sorted(made), "moved": out.moves})
    return out


def _meeting_row(panel: Panel, m: Meeting, *, cases: int | None = None,
                 status: str | None = None, note: str | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {"panel": panel.code, "date": m.date,
                           "weekday": rules.WEEKDAY_NAMES[m.date.weekday()], "time": m.time,
                           "moved_from": m.moved_from, "cancelled": m.cancelled,
                           "cases": cases}
    if status is not None:
        row["status"] = status
        row["note"] = note
    return row


def meeting_rows(session: Session, *, code: str | None = None, start: date | None = None,
                 end: date | None = None, include_cancelled: bool = False,
                 batch: int = 2000) -> Iterator[dict[str, Any]]:
    counts = (select(Referral.meeting_id, func.count(Referral.id).label("n"))
              .group_by(Referral.meeting_id).subquery())
    stmt = (select(Meeting, Panel, counts.c.n).join(Panel, Panel.id == Meeting.panel_id)
            .outerjoin(counts, counts.c.meeting_id == Meeting.id)
            .order_by(Meeting.date, Meeting.time, Panel.code))
    if code:
        stmt = stmt.where(Panel.code == code.strip().upper())
    if start:
        stmt = stmt.where(Meeting.date >= start)
    if end:
        stmt = stmt.where(Meeting.date <= end)
    if not include_cancelled:
        stmt = stmt.where(Meeting.cancelled.is_(False))
    for meeting, panel, n in session.execute(stmt.execution_options(yield_per=batch)):
        yield _meeting_row(panel, meeting, cases=n or 0)


def _check_undecided(session: Session, panel: Panel, meeting: Meeting, verb: str) -> None:
    decided = session.scalar(select(func.count(Decision.id))
                             .where(Decision.meeting_id == meeting.id)) or 0
    if decided:
        raise RuleViolation(f"cannot {verb} the {panel.code} meeting of {meeting.date}: it has "
                            f"taken place ({decided} decisions recorded)")


def _repoint(session: Session, cal: Calendar, referrals: Sequence[Referral],
             meeting: Meeting) -> None:
    """REFERRALS now belong to MEETING: papers are due before its date."""
    due = rules.papers_due(meeting.date, cal)
    for ref in referrals:
        ref.meeting_id = meeting.id  # type: ignore[assignment]
        ref.papers_due = due
        session.add(ref)
        for f in session.execute(select(Followup).where(
                Followup.referral_id == ref.id, Followup.kind == "papers",
                Followup.done_at.is_(None))).scalars():
            f.due = due
            f.reason = _papers_reason(session, ref, meeting)
            session.add(f)


def _case_refs(session: Session, referrals: Sequence[Referral]) -> dict[int, str]:
    ids = {r.case_id for r in referrals}
    if not ids:
        return {}
    return dict(session.execute(select(Case.id, Case.ref).where(Case.id.in_(ids))).all())


def cancel_meeting(*, session: Session, cal: Calendar, code: str, day: date,
                   move_to: date | None, reason: str | None, actor: str,
                   now: datetime) -> tuple[Meeting, Meeting | None, int]:
    """Cancel one meeting; its agenda (referrals and declarations) moves to the
    meeting on MOVE_TO, or to the panel's next meeting. Returns (cancelled,
    the meeting the agenda went to, cases moved)."""
    panel = get_panel(session, code)
    meeting = get_meeting(session, panel, day)
    _check_undecided(session, panel, meeting, "cancel")
    referrals = list(session.execute(
        select(Referral).where(Referral.meeting_id == meeting.id)
        .order_by(Referral.id)).scalars())
    target: Meeting | None = None
    if move_to is not None:
        if move_to == day:
            raise BadInput(f"--move-to {move_to} is the meeting being cancelled; "
                           "give another meeting's date")
        target = get_meeting(session, panel, move_to)
        if has_started(target, now):
            raise RuleViolation(f"the {panel.code} meeting of {move_to} has already started; "
                                "move the agenda to a later meeting")
    elif referrals:
        target = session.execute(select(Meeting).where(
            Meeting.panel_id == panel.id, Meeting.date > day, Meeting.date >= now.date(),
            Meeting.cancelled.is_(False)).order_by(Meeting.date).limit(1)).scalars().first()
        if target is not None and has_started(target, now):
            target = None
        if target is None:
            raise RuleViolation(
                f"the {panel.code} meeting of {day} has {len(referrals)} "
                f"case{'' if len(referrals) == 1 else 's'} on its agenda "
                "and no later meeting to take them",
                hint=f"Schedule one ('send-cli panel schedule {panel.code} ...') or give "
                     "--move-to DATE.")
    refs = _case_refs(session, referrals)
    if target is not None and referrals:
        there = set(session.execute(select(Referral.case_id, Referral.request).where(
            Referral.meeting_id == target.id)).all())
        for r in referrals:
            if (r.case_id, r.request) in there:
                raise Conflict(f"case '{refs[r.case_id]}' is already on the agenda of "
                               f"{panel.code} {target.date} for '{r.request}'",
                               hint="Move the agenda to another meeting with --move-to.")
    if target is not None:
        _repoint(session, cal, referrals, target)
        declarations = session.execute(select(Declaration).where(
            Declaration.meeting_id == meeting.id)).scalars()
        for d in declarations:
            d.meeting_id = target.id  # type: ignore[assignment]
            session.add(d)
        for r in referrals:
            record(session, officer=actor, now=now, action="referral.move", entity="referral",
                   entity_id=r.id, case_ref=refs[r.case_id],
                   before={"panel": panel.code, "meeting": day},
                   after={"panel": panel.code, "meeting": target.date,
                          "papers_due": r.papers_due, "why": "meeting cancelled"})
    meeting.cancelled = True
    session.add(meeting)
    record(session, officer=actor, now=now, action="meeting.cancel", entity="meeting",
           entity_id=f"{panel.code} {day}", before={"cancelled": False},
           after={"cancelled": True, "reason": reason,
                  "agenda_to": target.date if target is not None else None,
                  "cases_moved": len(referrals)})
    session.flush()
    return meeting, target, len(referrals)


def move_meeting(*, session: Session, cal: Calendar, code: str, day: date, to: date | None,
                 at: str | None, actor: str, now: datetime) -> tuple[Meeting, int]:
    """Hold one meeting on another day (or at another time); its agenda goes
    with it and papers fall due 2 working days before the new day.
    Returns the meeting and how many cases moved with it."""
    panel = get_panel(session, code)
    meeting = get_meeting(session, panel, day)
    _check_undecided(session, panel, meeting, "move")
    new_day = to if to is not None else meeting.date
    if new_day != day:
        why = cal.reason_closed(new_day)
        if why is not None:
            raise RuleViolation(f"{new_day} is not a working day ({why}); choose another day")
        if new_day < now.date():
            raise RuleViolation(f"--to {new_day} is in the past (today is {now.date()})")
        clash = find_meeting(session, panel, new_day)
        if clash is not None:
            raise Conflict(f"{panel.code} already has a meeting on {new_day}",
                           hint=f"To merge the agendas: send-cli panel cancel {panel.code} "
                                f"--meeting {day} --move-to {new_day}")
    elif at is None or at == meeting.time:
        raise BadInput("nothing to change; give --to DATE or a new --time HH:MM")
    return meeting, _move(session=session, cal=cal, panel=panel, meeting=meeting,
                          new_day=new_day, at=at, why="meeting moved", actor=actor, now=now)


def _move(*, session: Session, cal: Calendar, panel: Panel, meeting: Meeting, new_day: date,
          at: str | None, why: str, actor: str, now: datetime) -> int:
    """MEETING is now held on NEW_DAY (at AT): its agenda and declarations go
    with it, papers fall due before the new day. Returns the cases moved."""
    day = meeting.date
    before = {"date": meeting.date, "time": meeting.time, "moved_from": meeting.moved_from}
    if new_day != day and meeting.moved_from is None:
        meeting.moved_from = day
    meeting.date = new_day
    meeting.time = at or meeting.time
    session.add(meeting)
    session.flush()
    referrals = list(session.execute(
        select(Referral).where(Referral.meeting_id == meeting.id)).scalars())
    _repoint(session, cal, referrals, meeting)
    refs = _case_refs(session, referrals)
    for r in referrals:
        record(session, officer=actor, now=now, action="referral.move", entity="referral",
               entity_id=r.id, case_ref=refs[r.case_id],
               before={"panel": panel.code, "meeting": day},
               after={"panel": panel.code, "meeting": new_day, "time": meeting.time,
                      "papers_due": r.papers_due, "why": why})
    record(session, officer=actor, now=now, action="meeting.move", entity="meeting",
           entity_id=f"{panel.code} {day}", before=before,
           after={"date": meeting.date, "time": meeting.time, "moved_from": meeting.moved_from,
                  "cases": len(referrals), "why": why})
    return len(referrals)


def _cases(n: int) -> str:
    return "no cases" if n == 0 else f"{n} case{'' if n == 1 else 's'}"


def move_off_closed_day(*, session: Session, cal: Calendar, day: date, reason: str, actor: str,
                        now: datetime) -> tuple[list[str], list[str]]:
    """DAY is becoming a closure day (CAL has it closed already): each panel
    meeting on it that has not started moves to the next working day, as
    'panel move' would move it. Refused, before anything is written, when a
    panel already meets on that next working day: the administrator merges
    the agendas or picks another day first. A meeting that has started or
    taken place stays where it was. Returns (what moved, notes)."""
    rows = session.execute(
        select(Meeting, Panel).join(Panel, Panel.id == Meeting.panel_id)
        .where(Meeting.date == day, Meeting.cancelled.is_(False))
        .order_by(Meeting.time, Panel.code)).all()
    new_day = cal.on_or_after(day)
    for meeting, panel in rows:
        if has_started(meeting, now):
            continue
        clash = find_meeting(session, panel, new_day)
        if clash is None:
            continue
        if clash.cancelled:
            raise Conflict(
                f"{day} cannot be closed yet: the {panel.code} meeting that day would move to "
                f"the next working day, {_day(new_day)}, where {panel.code} has a cancelled "
                "meeting",
                hint=f"Move it to another day first ('send-cli panel move {panel.code} "
                     f"--meeting {day} --to DATE'), then close the day.")
        raise Conflict(
            f"{day} cannot be closed yet: the {panel.code} meeting that day cannot move to the "
            f"next working day, {_day(new_day)}, when {panel.code} already meets",
            hint=f"Merge its agenda into that meeting ('send-cli panel cancel {panel.code} "
                 f"--meeting {day} --move-to {new_day}') or move it to another day "
                 f"('send-cli panel move {panel.code} --meeting {day} --to DATE'), then close "
                 "the day.")
    moved: list[str] = []
    notes: list[str] = []
    for meeting, panel in rows:
        if has_started(meeting, now):
            decided = session.scalar(select(func.count(Decision.id))
                                     .where(Decision.meeting_id == meeting.id)) or 0
            if decided:
                notes.append(f"the {panel.code} meeting of {_day(day)} took place ({decided} "
                             f"decision{'' if decided == 1 else 's'} recorded); it stays on "
                             "that day")
            else:
                notes.append(f"the {panel.code} meeting of {_day(day)} {meeting.time} has "
                             "already started; it stays on that day (if it did not take "
                             f"place: send-cli panel cancel {panel.code} --meeting {day})")
            continue
        n = _move(session=session, cal=cal, panel=panel, meeting=meeting, new_day=new_day,
                  at=None, why=f"{day} closed: {reason}", actor=actor, now=now)
        line = (f"the {panel.code} meeting of {_day(day)} moves to the next working day, "
                f"{_day(new_day)} {meeting.time} ({_cases(n)} with it")
        if n:
            line += f"; papers due by {_day(rules.papers_due(new_day, cal))}"
        moved.append(line + ")")
    return moved, notes


def moved_off(session: Session, day: date, now: datetime) -> list[str]:
    """Notes for a closure day reopened: the meetings moved off it stay
    where they are, and how to bring each back."""
    out = []
    for meeting, panel in session.execute(
            select(Meeting, Panel).join(Panel, Panel.id == Meeting.panel_id)
            .where(Meeting.moved_from == day, Meeting.cancelled.is_(False),
                   Meeting.date != day).order_by(Meeting.date, Panel.code)):
        if has_started(meeting, now):
            continue
        out.append(f"the {panel.code} meeting moved off {day} stays on {_day(meeting.date)}; "
                   f"to hold it on {day} again: send-cli panel move {panel.code} --meeting "
                   f"{meeting.date} --to {day}")
    return out


# -- referrals and papers ---------------------------------------------------
def _papers_reason(session: Session, referral: Referral, meeting: Meeting) -> str:
    panel = session.get(Panel, meeting.panel_id)
    return f"papers for {panel.code if panel else '?'} {meeting.date} ({referral.request})"


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
    from send_cli.casework import get_officer, open_case

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
        .outerjoin(Decision, Decision.referral_id == Referral.id)
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
                        reason=_papers_reason(session, referral, meeting),
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
    from send_cli.casework import get_case

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


# -- declarations -----------------------------------------------------------
def declare(*, session: Session, code: str, day: date, member: str, ref: str, interest: str,
            actor: str, now: datetime) -> Declaration:
    """A panel member's personal interest in a case at one meeting: they take
    no part in that case (seed 004)."""
    from send_cli.casework import get_case

    panel = get_panel(session, code)
    meeting = get_meeting(session, panel, day)
    case = get_case(session, ref)
    referrals = session.execute(select(Referral.id).where(
        Referral.meeting_id == meeting.id, Referral.case_id == case.id)).scalars().all()
    if not referrals:
        raise RuleViolation(f"case '{case.ref}' is not on the agenda of {panel.code} {day}",
                            hint=f"See 'send-cli panel agenda {panel.code} --meeting {day}'.")
    # seed 004: interests are declared "in advance of the Panel discussions"
    # (a decision can only follow the start, so this also covers decided cases)
    if has_started(meeting, now):
        raise RuleViolation(
            f"the {panel.code} meeting of {day} {meeting.time} has already "
            f"{'started' if meeting.date == now.date() else 'taken place'}; interests are "
            "declared in advance of the panel's discussions (seed 004)")
    for d in session.execute(select(Declaration).where(
            Declaration.meeting_id == meeting.id, Declaration.case_id == case.id)).scalars():
        if rules.same_person(d.member, member):
            raise Conflict(f"{d.member} has already declared an interest in '{case.ref}' at "
                           f"{panel.code} {day}")
    declaration = Declaration(meeting_id=meeting.id, case_id=case.id, member=member,
                              interest=interest, created_at=now)
    session.add(declaration)
    session.flush()
    record(session, officer=actor, now=now, action="declaration.add", entity="declaration",
           entity_id=declaration.id, case_ref=case.ref,
           after={"panel": panel.code, "meeting": day, "member": member, "interest": interest})
    return declaration


def _declarations(session: Session, meeting_id: int,
                  case_ids: Sequence[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    if not case_ids:
        return out
    for cid, member, interest in session.execute(
            select(Declaration.case_id, Declaration.member, Declaration.interest)
            .where(Declaration.meeting_id == meeting_id, Declaration.case_id.in_(case_ids))
            .order_by(Declaration.id)):
        out.setdefault(cid, []).append(f"{member}: {interest}")
    return out


# -- the agenda ---------------------------------------------------------------
def resolve_meeting_day(session: Session, code: str, value: str, now: datetime) -> date:
    """--meeting DATE, or 'next': the panel's first meeting not yet started."""
    from send_cli.settings import parse_date

    if value.strip().lower() != "next":
        return parse_date(value, what="--meeting")
    panel = get_panel(session, code)
    for m in session.execute(select(Meeting).where(
            Meeting.panel_id == panel.id, Meeting.date >= now.date(),
            Meeting.cancelled.is_(False)).order_by(Meeting.date).limit(5)).scalars():
        if not has_started(m, now):
            return m.date
    raise NotFound(f"{panel.code} has no meeting ahead",
                   hint=f"See 'send-cli panel meetings {panel.code}'.")


def agenda(session: Session, *, cal: Calendar, code: str, day: date, today: date,
           personal: bool = False) -> tuple[str, list[dict[str, Any]]]:
    """(title, rows): the cases for one meeting, what the chair needs."""
    panel = get_panel(session, code)
    meeting = get_meeting(session, panel, day)
    title = f"{panel.code} {panel.name}, {_day(meeting.date)} {meeting.time}"
    if meeting.moved_from:
        title += f" (moved from {_day(meeting.moved_from)})"
    presenter, named = aliased(Officer), aliased(Officer)
    rows_db = session.execute(
        select(Referral, Case, presenter.code, presenter.active, named.code, Decision.outcome)
        .join(Case, Case.id == Referral.case_id)
        .join(presenter, presenter.id == Referral.officer_id)
        .join(named, named.id == Case.officer_id)
        .outerjoin(Decision, Decision.referral_id == Referral.id)
        .where(Referral.meeting_id == meeting.id).order_by(Referral.id)).all()
    case_ids = sorted({row[1].id for row in rows_db if row[1].id is not None})
    declared = _declarations(session, meeting.id or 0, case_ids)
    prior: dict[int, list[str]] = {}
    if case_ids:
        for cid, mdate, pcode, req, outcome, reason, revisit in session.execute(
                select(Decision.case_id, Meeting.date, Panel.code, Referral.request,
                       Decision.outcome, Decision.reason, Decision.revisit_by)
                .join(Meeting, Meeting.id == Decision.meeting_id)
                .join(Panel, Panel.id == Meeting.panel_id)
                .join(Referral, Referral.id == Decision.referral_id)
                .where(Decision.case_id.in_(case_ids), Decision.meeting_id != meeting.id,
                       Meeting.date <= meeting.date)
                .order_by(Meeting.date, Decision.id)):
            text = f"{mdate} {pcode} {req}: {outcome}"
            if revisit:
                text += f" (revisit by {revisit})"
            prior.setdefault(cid, []).append(f"{text}; {reason}")
    rows = []
    for referral, case, officer, active, case_officer, outcome in rows_db:
        # a presenting officer who has left is replaced by the case's officer,
        # who inherited the papers follow-up
        row: dict[str, Any] = {
            "case_ref": case.ref, "child": case.name, "request": referral.request,
            "officer": officer if active or outcome else case_officer,
            "papers_due": referral.papers_due,
            "papers_received": referral.papers_received,
            "papers": rules.papers_status(referral.papers_due, referral.papers_received, today),
            "declarations": declared.get(case.id or 0, []),
            "prior_decisions": prior.get(case.id or 0, []), "outcome": outcome}
        if personal:
            row["dob"] = case.dob
            row["setting"] = case.setting
        rows.append(row)
    return title, rows


# -- decisions ----------------------------------------------------------------
@dataclass
class Logged:
    decision: Decision
    referral: Referral
    followups: list[Followup]
    rights: str | None
    notes: list[str] = field(default_factory=list)


def log_decision(*, session: Session, cal: Calendar, ref: str, code: str, day: date,
                 outcome: str, reason: str, revisit_by: date | None, chair: str,
                 request: str | None, actor: str, now: datetime) -> Logged:
    """Record what the panel decided on a case at a meeting, with its reasons
    and chair, and create what the decision promises the family."""
    from send_cli.casework import get_case

    if outcome not in rules.OUTCOMES:
        raise BadInput(f"--outcome '{outcome}' is not known; use one of: "
                       f"{', '.join(rules.OUTCOMES)}")
    if outcome == "deferred" and revisit_by is None:
        raise BadInput("a deferral needs --revisit-by DATE: the date by which the case comes "
                       "back to the panel (seed 004: 'deferred with agreed timescales')")
    if outcome != "deferred" and revisit_by is not None:
        raise BadInput(f"--revisit-by is only for a deferral, not for '{outcome}'")
    panel = get_panel(session, code)
    meeting = get_meeting(session, panel, day)
    if not has_started(meeting, now):
        raise RuleViolation(
            f"the {panel.code} meeting of {day} {meeting.time} has not started yet (it is now "
            f"{now.strftime('%Y-%m-%d %H:%M')}); a decision is recorded once the panel has met")
    case = get_case(session, ref)
    stmt = select(Referral).where(Referral.meeting_id == meeting.id,
                                  Referral.case_id == case.id)
    items = list(session.execute(stmt.order_by(Referral.id)).scalars())
    if not items:
        raise RuleViolation(f"case '{case.ref}' is not on the agenda of {panel.code} {day}",
                            hint=f"See 'send-cli panel agenda {panel.code} --meeting {day}'.")
    if request is not None:
        chosen = [r for r in items if r.request == request]
        if not chosen:
            raise RuleViolation(
                f"case '{case.ref}' is on the agenda of {panel.code} {day} for "
                f"{', '.join(r.request for r in items)}, not '{request}'")
        referral = chosen[0]
    elif len(items) > 1:
        raise BadInput(f"case '{case.ref}' is on the agenda of {panel.code} {day} for "
                       f"{', '.join(r.request for r in items)}; name one with --request")
    else:
        referral = items[0]
    previous = session.execute(select(Decision).where(
        Decision.referral_id == referral.id)).scalars().first()
    if previous is not None:
        raise Conflict(f"the panel's decision on '{case.ref}' ({referral.request}) at "
                       f"{panel.code} {day} is already recorded: {previous.outcome}",
                       hint="A decision is not changed; refer the case again if the panel is "
                            "to reconsider.")
    if case.status == "closed":
        raise RuleViolation(f"case '{case.ref}' is closed", hint="Closed cases cannot change.")
    declared = session.execute(select(Declaration).where(
        Declaration.meeting_id == meeting.id, Declaration.case_id == case.id)
        .order_by(Declaration.id)).scalars().all()
    for d in declared:
        if rules.same_person(d.member, chair):
            raise RuleViolation(
                f"{d.member} declared an interest in '{case.ref}' ({d.interest}) and takes no part "
                "in it (seed 004)", hint="Another member chairs this case: give --chair NAME.")
    if revisit_by is not None and revisit_by <= meeting.date:
        raise BadInput(f"--revisit-by {revisit_by} is not after the meeting on {meeting.date}; "
                       "give a later date")
    notes: list[str] = []
    milestone = _statutory_milestone(session, case, referral.request, outcome, meeting.date,
                                     notes)

    decision = Decision(referral_id=referral.id, case_id=case.id, meeting_id=meeting.id,
                        outcome=outcome, reason=reason, revisit_by=revisit_by, chair=chair,
                        decided_at=now)
    session.add(decision)
    session.flush()
    where = f"{panel.code} {meeting.date}"
    told = f"{referral.request} {outcome}"
    if revisit_by is not None:
        told += f" (back to the panel by {revisit_by})"
    # every outcome is owed to the family, a deferral too (seed 000: a call
    # "to communicate the outcomes", then an email)
    call = rules.outcome_call_due(meeting.date, panel.outcome_days,
                                  panel.outcome_working_days, cal)
    followups = [Followup(
        case_id=case.id, kind="outcome-call", due=call, officer_id=case.officer_id,
        reason=f"tell the family by phone: {where} {told}", decision_id=decision.id,
        created_at=now)]
    if panel.outcome_email:
        followups.append(Followup(
            case_id=case.id, kind="outcome-email", due=rules.outcome_email_due(call, cal),
            officer_id=case.officer_id, reason=f"email the outcome: {where} {told}",
            decision_id=decision.id, created_at=now))
    if revisit_by is not None:
        followups.append(Followup(
            case_id=case.id, kind="revisit", due=revisit_by, officer_id=case.officer_id,
            reason=f"deferred by {where} ({referral.request}): back to the panel by "
                   f"{revisit_by}", decision_id=decision.id, created_at=now))
    session.add_all(followups)
    # the papers are no longer owed once the panel has decided
    for f in session.execute(select(Followup).where(
            Followup.referral_id == referral.id, Followup.kind == "papers",
            Followup.done_at.is_(None))).scalars():
        f.done_at, f.done_by, f.note = now, actor, f"the panel decided on {meeting.date}"
        session.add(f)
    session.flush()
    record(session, officer=actor, now=now, action="decision.log", entity="decision",
           entity_id=decision.id, case_ref=case.ref,
           after={"panel": panel.code, "meeting": meeting.date, "request": referral.request,
                  "outcome": outcome, "reason": reason, "revisit_by": revisit_by,
                  "chair": chair, "declarations": [f"{d.member}: {d.interest}" for d in declared],
                  "followups": {f.kind: f.due for f in followups}, "notes": notes})
    rights = decision_rights(referral.request, outcome)
    if rights:
        record(session, officer=actor, now=now, action="decision.rights", entity="decision",
               entity_id=decision.id, case_ref=case.ref,
               after={"request": referral.request, "outcome": outcome, "rights": rights})
    if milestone is not None:
        from send_cli import timeline

        timeline.record_milestone(session=session, case=case, kind=milestone, on=meeting.date,
                                  outcome=rules.MILESTONE_OUTCOME[outcome], actor=actor,
                                  now=now)
    return Logged(decision, referral, followups, rights, notes)


def _statutory_milestone(session: Session, case: Case, request: str, outcome: str,
                         day: date, notes: list[str]) -> str | None:
    """The timeline milestone a decision on REQUEST records, or None: none
    for this request or outcome, or the same one already recorded (by hand,
    with 'case milestone'), which NOTES then says. Refuses a decision the
    recorded milestone contradicts."""
    from send_cli.models import Milestone

    kind = rules.STATUTORY_DECISIONS.get(request)
    if kind is None or outcome not in rules.MILESTONE_OUTCOME:
        return None
    wanted = rules.MILESTONE_OUTCOME[outcome]
    recorded = session.execute(
        select(Milestone).where(Milestone.case_id == case.id, Milestone.kind == kind)
        .order_by(Milestone.on.desc(), Milestone.id.desc()).limit(1)).scalars().first()
    if recorded is None or recorded.outcome is None:
        return kind
    how = rules.milestone_agreement(recorded.outcome, recorded.on, wanted, day)
    if how == "later":
        return kind
    if how == "same":
        note = (f"{case.ref}: the timeline already has the {kind} ({recorded.outcome}) on "
                f"{recorded.on}; the panel's decision agrees with it, so it is not recorded "
                "twice")
        if recorded.on != day:
            note += f" (the timeline keeps {recorded.on}, not the meeting's {day})"
        notes.append(note)
        return None
    matching = rules.DECISION_FOR_MILESTONE[recorded.outcome]
    raise RuleViolation(
        f"{case.ref}: the timeline already has the {kind} as {recorded.outcome} on "
        f"{recorded.on}, which a panel decision '{outcome}' on {day} contradicts",
        hint=f"If the chair signed '{matching}', log that: --outcome {matching}. If the "
             f"milestone of {recorded.on} is wrong, it must be corrected on the timeline "
             "first (send-cli cannot remove a recorded milestone yet).")


def decision_rights(request: str, outcome: str) -> str | None:
    """What a refusal to assess or to issue a plan gives the family."""
    if outcome == "declined" and request in rules.STATUTORY_DECISIONS:
        return rules.APPEAL_RIGHTS
    return None


def decision_rows(session: Session, panel: str | None = None, start: date | None = None,
                  end: date | None = None, *, batch: int = 5000) -> Iterator[dict[str, Any]]:
    """Every decision (export decisions, decision list): streamed, oldest
    meeting first."""
    stmt = (select(Case.ref, Panel.code, Meeting.date, Referral.request, Decision.outcome,
                   Decision.reason, Decision.revisit_by, Decision.chair)
            .select_from(Decision)
            .join(Referral, Referral.id == Decision.referral_id)
            .join(Meeting, Meeting.id == Decision.meeting_id)
            .join(Panel, Panel.id == Meeting.panel_id)
            .join(Case, Case.id == Decision.case_id)
            .order_by(Meeting.date, Panel.code, Decision.id))
    if panel:
        stmt = stmt.where(Panel.code == panel.strip().upper())
    if start:
        stmt = stmt.where(Meeting.date >= start)
    if end:
        stmt = stmt.where(Meeting.date <= end)
    for row in session.execute(stmt.execution_options(yield_per=batch)):
        yield dict(zip(DECISION_KEYS, row, strict=True))


# -- case show ----------------------------------------------------------------
def case_view(session: Session, case: Case) -> dict[str, Any]:
    """Sections of 'case show' about panels: referrals, decisions (with the
    declarations made and the family's rights) and declarations."""
    referrals = []
    for r, m, pcode, ocode, outcome in session.execute(
            select(Referral, Meeting, Panel.code, Officer.code, Decision.outcome)
            .join(Meeting, Meeting.id == Referral.meeting_id)
            .join(Panel, Panel.id == Meeting.panel_id)
            .join(Officer, Officer.id == Referral.officer_id)
            .outerjoin(Decision, Decision.referral_id == Referral.id)
            .where(Referral.case_id == case.id).order_by(Meeting.date, Referral.id)):
        referrals.append({"panel": pcode, "meeting": m.date, "time": m.time,
                          "request": r.request, "officer": ocode, "papers_due": r.papers_due,
                          "papers_received": r.papers_received, "outcome": outcome})
    declarations = []
    by_meeting: dict[int, list[str]] = {}
    for d, m, pcode in session.execute(
            select(Declaration, Meeting, Panel.code)
            .join(Meeting, Meeting.id == Declaration.meeting_id)
            .join(Panel, Panel.id == Meeting.panel_id)
            .where(Declaration.case_id == case.id).order_by(Meeting.date, Declaration.id)):
        declarations.append({"panel": pcode, "meeting": m.date, "member": d.member,
                             "interest": d.interest})
        by_meeting.setdefault(m.id or 0, []).append(f"{d.member}: {d.interest}")
    decisions = []
    for d, m, pcode, request in session.execute(
            select(Decision, Meeting, Panel.code, Referral.request)
            .join(Meeting, Meeting.id == Decision.meeting_id)
            .join(Panel, Panel.id == Meeting.panel_id)
            .join(Referral, Referral.id == Decision.referral_id)
            .where(Decision.case_id == case.id).order_by(Meeting.date, Decision.id)):
        decisions.append({"panel": pcode, "meeting": m.date, "request": request,
                          "outcome": d.outcome, "reason": d.reason, "revisit_by": d.revisit_by,
                          "chair": d.chair,
                          "declarations": "; ".join(by_meeting.get(m.id or 0, [])) or None,
                          "rights": decision_rights(request, d.outcome)})
    return {"referrals": referrals, "decisions": decisions, "declarations": declarations}


def officer_codes(session: Session, ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(
        select(Officer.id, Officer.code).where(Officer.id.in_(set(ids)))).all())
