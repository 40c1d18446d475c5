"""The escalation ladder (the casework charter, "Escalation"):

    "All team members are expected to meet our requirements for communication
    with parents/families and settings, with responses expected within five
    working days. The escalation process is outlined below if a response is
    not received within these timescales: Assigned EHCP Caseworker Officer or
    Assessment Officer ... Business Support Team ... Senior Casework Officer
    ... Lead Casework Officer: Final escalation step."

A follow-up left unanswered climbs one step for each further 5 working days
late: 5 working days late it sits with business support, 10 with a senior
casework officer, 15 with the lead casework officer, the last step. A
family's own escalation starts at the step they escalated to, is owed a
reply within 5 working days, and climbs from there in the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from send_cli.rules.calendar import Calendar

STEP_WORKING_DAYS = 5  # "responses expected within five working days"
REPLY_WORKING_DAYS = 5  # an escalation is owed a reply within 5 working days
ESCALATION_KIND = "escalation-reply"
NAMED_OFFICER = 1
TOP = 4


@dataclass(frozen=True)
class Step:
    level: int
    role: str | None  # the role that holds this step (None: the case's named officer)
    to: str | None  # the word for `escalate --to`
    title: str


LADDER = (
    Step(1, None, None, "named officer"),
    Step(2, "business-support", "business-support", "business support"),
    Step(3, "senior-casework-officer", "senior", "senior casework officer"),
    Step(4, "lead-casework-officer", "lead", "lead casework officer"),
)
BY_LEVEL = {s.level: s for s in LADDER}
TO_CHOICES = tuple(s.to for s in LADDER if s.to)
LEVEL_OF_TO = {s.to: s.level for s in LADDER if s.to}


def level_for(start: int, working_days_late: int) -> int:
    """The step a follow-up sits at: START (1 for an ordinary follow-up, the
    escalated step for a family's escalation) plus one per full 5 working
    days late, capped at the lead casework officer."""
    climbed = max(working_days_late, 0) // STEP_WORKING_DAYS
    return min(TOP, start + climbed)


def owner_role(level: int, named_role: str | None = None) -> str | None:
    """The role that holds LEVEL; level 1 is the named officer's own role."""
    step = BY_LEVEL[level]
    return step.role if step.role is not None else named_role


def nobody(level: int) -> str:
    """What the report says when no active officer holds LEVEL's role:
    'no lead officer', 'no senior officer', 'no business support officer'."""
    step = BY_LEVEL[level]
    word = (step.to or "named").replace("-", " ")
    return f"no {word} officer"


def reached_on(cal: Calendar, *, start: int, level: int, due: date, raised_on: date) -> date:
    """The day a follow-up reached LEVEL: the day it was raised while it is
    still at its starting step, else the day it became 5, 10 or 15 working
    days late (the working day on which that many had passed since DUE)."""
    if level <= start:
        return raised_on
    return cal.add_working_days(due, STEP_WORKING_DAYS * (level - start))


def late_cutoff(cal: Calendar, today: date, working_days: int) -> date:
    """The latest due date that is at least WORKING_DAYS working days late on
    TODAY: a follow-up is that late exactly when its due date is on or before
    this day, so reports filter `due <= cutoff` on the index."""
    if working_days <= 0:
        return today
    # the WORKING_DAYS-th working day counting back from TODAY (inclusive)
    nth = cal.add_working_days(today + timedelta(days=1), -working_days)
    return nth - timedelta(days=1)


def reply_due(cal: Calendar, raised_on: date) -> date:
    """When the reply to an escalation raised on RAISED_ON is due."""
    return cal.add_working_days(raised_on, REPLY_WORKING_DAYS)


def describe(kind: str, due: date) -> str:
    """Why an ordinary follow-up sits above the named officer, for the report
    (how late it is has a column of its own)."""
    return f"{kind} due {due.isoformat()} unanswered"
