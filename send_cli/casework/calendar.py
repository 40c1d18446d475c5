"""The council's closure days, on top of England's bank holidays."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from send_cli.errors import Conflict, NotFound, RuleViolation
from send_cli.rules.calendar import Calendar
from send_cli.store.audit import record
from send_cli.store.models import CalendarDay


@dataclass
class Closed:
    closure: CalendarDay
    moved: list[str] = field(default_factory=list)  # panel meetings moved off the day
    notes: list[str] = field(default_factory=list)  # meetings that stay, and why


def close_day(*, session: Session, cal: Calendar, day: date, reason: str, actor: str,
              now: datetime) -> Closed:
    """Make DAY a closure day. The panel meetings on it move to the next
    working day in the same transaction (or the closure is refused, nothing
    written, when one cannot: see meetings.move_off_closed_day)."""
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
    closure = CalendarDay(day=day, kind="closure", name=reason)
    session.add(closure)
    record(session, officer=actor, now=now, action="calendar.close", entity="calendar",
           entity_id=day.isoformat(),
           after={"day": day, "reason": reason, "meetings_moved": moved})
    return Closed(closure, moved, notes)


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
