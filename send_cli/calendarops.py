"""The council's closure days, on top of England's bank holidays."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from send_cli.audit import record
from send_cli.errors import Conflict, NotFound, RuleViolation
from send_cli.models import CalendarDay
from send_cli.workdays import Calendar


def close_day(*, session: Session, cal: Calendar, day: date, reason: str, actor: str,
              now: datetime) -> CalendarDay:
    if session.get(CalendarDay, (day, "closure")) is not None:
        raise Conflict(f"{day} is already a closure day",
                       hint="See 'send-cli calendar list'.")
    why = cal.reason_closed(day)
    if why is not None:
        raise RuleViolation(f"{day} ({day:%A}) is already not a working day: {why}")
    closure = CalendarDay(day=day, kind="closure", name=reason)
    session.add(closure)
    record(session, officer=actor, now=now, action="calendar.close", entity="calendar",
           entity_id=day.isoformat(), after={"day": day, "reason": reason})
    return closure


def reopen_day(*, session: Session, day: date, actor: str, now: datetime) -> None:
    closure = session.get(CalendarDay, (day, "closure"))
    if closure is None:
        raise NotFound(f"{day} is not a council closure day",
                       hint="Bank holidays cannot be reopened; see 'send-cli calendar list'.")
    record(session, officer=actor, now=now, action="calendar.reopen", entity="calendar",
           entity_id=day.isoformat(), before={"day": day, "reason": closure.name})
    session.delete(closure)
