"""Panel meetings: the schedule, cancelling and moving a meeting, and moving
meetings off a day the council closes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from send_cli.casework.panels import get_panel
from send_cli.errors import BadInput, Conflict, NotFound, RuleViolation
from send_cli.rules import panels as rules
from send_cli.rules.calendar import Calendar
from send_cli.rules.panels import day_label as _day
from send_cli.settings import LONDON
from send_cli.store.audit import record
from send_cli.store.models import (
    Case,
    Decision,
    Declaration,
    Followup,
    Meeting,
    Panel,
    Referral,
)


def papers_reason(session: Session, referral: Referral, meeting: Meeting) -> str:
    panel = session.get(Panel, meeting.panel_id)
    return f"papers for {panel.code if panel else '?'} {meeting.date} ({referral.request})"


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


def _check_undecided(session: Session, panel: Panel, meeting: Meeting, verb: str) -> None:
    decided = session.scalar(select(func.count(Decision.id))
                             .where(Decision.meeting_id == meeting.id,
                                    Decision.withdrawn_at.is_(None))) or 0
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
            f.reason = papers_reason(session, ref, meeting)
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
                                     .where(Decision.meeting_id == meeting.id,
                                    Decision.withdrawn_at.is_(None))) or 0
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


def moved_off(session: Session, *, day: date, now: datetime) -> list[str]:
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
