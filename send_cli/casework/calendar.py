"""The council's closure days, on top of England's bank holidays."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session

from send_cli.errors import Conflict, NotFound, RuleViolation
from send_cli.rules.calendar import Calendar
from send_cli.store.audit import record
from send_cli.store.models import CalendarDay, Case, Followup


@dataclass
class Closed:
    closure: CalendarDay
    moved: list[str] = field(default_factory=list)  # panel meetings moved off the day
    notes: list[str] = field(default_factory=list)  # meetings that stay, and why
    followups: list[str] = field(default_factory=list)  # follow-ups moved off the day


def close_day(*, session: Session, cal: Calendar, day: date, reason: str, actor: str,
              now: datetime) -> Closed:
    """Make DAY a closure day. The panel meetings on it move to the next
    working day in the same transaction (or the closure is refused, nothing
    written, when one cannot: see panelwork.move_off_closed_day), and so do
    the open follow-ups due that day: a promise cannot fall due on a day the
    council is closed."""
    from send_cli.casework import meetings

    if session.get(CalendarDay, (day, "closure")) is not None:
        raise Conflict(f"{day} is already a closure day",
                       hint="See 'send-cli calendar list'.")
    why = cal.reason_closed(day)
    if why is not None:
        raise RuleViolation(f"{day} ({day:%A}) is already not a working day: {why}")
    moved, notes = meetings.move_off_closed_day(
        session=session, cal=cal.with_closure(day, reason), day=day, reason=reason,
        actor=actor, now=now)
    followups = _move_followups(session=session, cal=cal.with_closure(day, reason), day=day,
                                reason=reason, actor=actor, now=now)
    closure = CalendarDay(day=day, kind="closure", name=reason)
    session.add(closure)
    record(session, officer=actor, now=now, action="calendar.close", entity="calendar",
           entity_id=day.isoformat(),
           after={"day": day, "reason": reason, "meetings_moved": moved,
                  "followups_moved": len(followups)})
    return Closed(closure, moved, notes, followups)


def _move_followups(*, session: Session, cal: Calendar, day: date, reason: str, actor: str,
                    now: datetime) -> list[str]:
    """Open follow-ups due on DAY (now closed in CAL) move to the next
    working day, each audited on its case."""
    rows = session.execute(
        select(Followup, Case.ref).join(Case, Case.id == Followup.case_id)
        .where(Followup.due == day, Followup.done_at.is_(None))
        .order_by(Case.ref, Followup.id)).all()
    new_day = cal.on_or_after(day)
    out = []
    for followup, ref in rows:
        followup.due = new_day
        session.add(followup)
        record(session, officer=actor, now=now, action="followup.move", entity="followup",
               entity_id=followup.id, case_ref=ref,
               before={"kind": followup.kind, "due": day},
               after={"kind": followup.kind, "due": new_day, "why": f"{day} closed: {reason}"})
        out.append(f"follow-up {followup.id} ({followup.kind}) on {ref} moves to "
                   f"{new_day:%a %d %b %Y}")
    session.flush()
    return out


def reopen_day(*, session: Session, day: date, actor: str, now: datetime) -> list[str]:
    """DAY is a working day again. Meetings moved off it stay where they
    are; returns notes saying how to bring each back."""
    from send_cli.casework import meetings

    closure = session.get(CalendarDay, (day, "closure"))
    if closure is None:
        raise NotFound(f"{day} is not a council closure day",
                       hint="Bank holidays cannot be reopened; see 'send-cli calendar list'.")
    record(session, officer=actor, now=now, action="calendar.reopen", entity="calendar",
           entity_id=day.isoformat(), before={"day": day, "reason": closure.name})
    session.delete(closure)
    return meetings.moved_off(session, day=day, now=now)
