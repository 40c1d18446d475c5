"""Decision-making panels as data: the request types each default panel
considers, how often panels meet, when papers are due, and what a decision
promises the family (the council's local offer and the panel's terms of reference).

Pure functions only: they know nothing of the store or the terminal."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from send_cli.rules.calendar import Calendar


@dataclass(frozen=True)
class DefaultPanel:
    """A panel shipped with send-cli (seeded by migration 0002)."""

    code: str
    name: str
    cadence: str
    requests: tuple[str, ...]
    outcome_days: int
    outcome_working_days: bool
    outcome_email: bool
    outcome_by: str
    source: str


# Seed 000 (Oxfordshire local offer). MAP, CAP and CCP: "An EHCP Casework
# Officer will contact you by phone within 5 working days of the meeting,
# followed by an email". JTP: "A nominated allocated professional will
# contact parent or carer within 5 days of the meeting" (days, not working
# days, and no email is promised).
DEFAULT_PANELS: tuple[DefaultPanel, ...] = (
    DefaultPanel("MAP", "Multi-Agency Panel", "weekly",
                 ("ehcna", "issue-decision", "resource", "placement-change", "reassessment",
                  "offsetting"),
                 5, True, True, "casework officer", "local offer: meets weekly all year round"),
    DefaultPanel("CAP", "Countywide Admissions Panel", "fortnightly",
                 ("special-school-admission", "resource-base-admission", "inmss-consultation"),
                 5, True, True, "casework officer", "local offer: meets fortnightly"),
    DefaultPanel("CCP", "Complex Cases Panel", "fortnightly",
                 ("exceptional-placement", "personal-budget", "eotas", "ehe"),
                 5, True, True, "casework officer", "local offer: meets fortnightly"),
    DefaultPanel("JTP", "Joint and Tripartite Panel", "weekly", ("joint-funding",),
                 5, False, False, "nominated allocated professional",
                 "local offer: meets weekly; contact within 5 days, no email promised"),
)

# What each request type means, for people (the local offer's remit wording).
REQUEST_TYPES: dict[str, str] = {
    "ehcna": "an EHC needs assessment request",
    "issue-decision": "whether to issue an EHC plan after assessment",
    "resource": "the resource attached to the plan",
    "placement-change": "a change of placement type after an annual review",
    "reassessment": "a reassessment",
    "offsetting": "education out of the chronological year group",
    "special-school-admission": "admission to an in-county special school",
    "resource-base-admission": "admission to a resource base",
    "inmss-consultation": "whether to consult independent non-maintained special schools",
    "exceptional-placement": "a placement or provision outside the SEND brokerage process",
    "personal-budget": "a personal budget",
    "eotas": "education otherwise than at school, new or continued",
    "ehe": "elective home education from a specialist setting",
    "joint-funding": "a placement funded jointly by education, social care and health",
}
REQUEST_ORDER = {name: i for i, name in enumerate(REQUEST_TYPES)}
REQUEST_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,31}$")
PANEL_CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9-]{1,15}$")

CADENCES = ("weekly", "fortnightly", "monthly")
WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4}
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday")
DEFAULT_TIME = "10:00"
MAX_SCHEDULE_DAYS = 3 * 366  # one schedule command covers at most three years

# Seed 004 (Rutland panel terms of reference): papers are "sent to SEN
# Operations Officer 2 days before the panel date". The domain notes
# read this as 2 working days.
PAPERS_WORKING_DAYS = 2

OUTCOMES = ("agreed", "declined", "deferred")
# Seed 000 says the outcome call is "followed by an email" and gives the
# email no limit of its own; send-cli allows one working day after the call
# is due.
OUTCOME_EMAIL_AFTER_CALL_WORKING_DAYS = 1

# A panel decision on these requests is the statutory decision of the same
# name (reg 4/5 and reg 10): it is recorded on the case's timeline.
STATUTORY_DECISIONS = {"ehcna": "assessment-decision", "issue-decision": "issue-decision"}
MILESTONE_OUTCOME = {"agreed": "agreed", "declined": "refused"}
DECISION_FOR_MILESTONE = {v: k for k, v in MILESTONE_OUTCOME.items()}
# Refusing to assess or to issue a plan is appealable (CFA s51); the notice
# must give the right to mediation and appeal (reg 5(3), 10(3), 32) and seed
# 002 offers a call or meeting first.
APPEAL_RIGHTS = ("the family may discuss the decision with the council, ask for mediation "
                 "(contact the mediation adviser within 2 months of the decision letter, "
                 "reg 33) and appeal to the SEND Tribunal (within 2 months of the letter or "
                 "1 month from the mediation certificate, whichever is later, r20)")


def day_label(d: date) -> str:
    """A day as the panel notes name it: 'Mon 2027-01-04'."""
    return f"{WEEKDAY_NAMES[d.weekday()]} {d.isoformat()}"


def default_panel_for(request: str) -> DefaultPanel | None:
    for panel in DEFAULT_PANELS:
        if request in panel.requests:
            return panel
    return None


def request_sort_key(request: str) -> tuple[int, str]:
    """Known request types in the order of the contract, a council's own after."""
    return REQUEST_ORDER.get(request, len(REQUEST_ORDER)), request


def parse_weekday(value: str) -> int | None:
    """0 (Monday) to 4 (Friday) for mon..fri or a full day name; None otherwise."""
    key = value.strip().lower()
    for short, n in WEEKDAYS.items():
        if key == short or key == FULL_DAY_NAMES[n]:
            return n
    return None


def parse_time(value: str) -> str | None:
    """HH:MM (00:00 to 23:59) normalised to two-digit hours; None when not a time."""
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", value.strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        return None
    return f"{int(m.group(1)):02d}:{m.group(2)}"


def _first_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The Nth WEEKDAY of the month; n=5 means the last one."""
    first = _first_on_or_after(date(year, month, 1), weekday)
    if n < 5:
        return first + timedelta(weeks=n - 1)
    last = first + timedelta(weeks=4)
    return last if last.month == month else last - timedelta(weeks=1)


def week_of_month(day: date) -> int:
    """1 to 4 for the first to fourth WEEKDAY of its month, 5 for a fifth (the last)."""
    return (day.day - 1) // 7 + 1


def meeting_slots(cadence: str, weekday: int, start: date, end: date,
                  anchor: date | None = None) -> list[date]:
    """The regular meeting days from START to END, before any bank-holiday move.

    weekly: every WEEKDAY. fortnightly: every other WEEKDAY, in step with
    ANCHOR (an earlier meeting of the panel) when given, else starting with
    the first WEEKDAY on or after START. monthly: the same week of the month
    as ANCHOR (or the first meeting) each month, e.g. the 2nd Tuesday; a
    fifth WEEKDAY means the last one of each month."""
    if cadence not in CADENCES:
        raise ValueError(f"unknown cadence {cadence!r}")
    if end < start:
        return []
    if anchor is not None and anchor.weekday() != weekday:
        anchor = None
    if cadence == "monthly":
        n = week_of_month(anchor or _first_on_or_after(start, weekday))
        out: list[date] = []
        year, month = start.year, start.month
        while date(year, month, 1) <= end:
            day = _nth_weekday(year, month, weekday, n)
            if start <= day <= end:
                out.append(day)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out
    step = 7 if cadence == "weekly" else 14
    first = _first_on_or_after(start, weekday)
    if anchor is not None and step == 14 and (first - anchor).days % 14:
        first += timedelta(days=7)
    out = []
    day = first
    while day <= end:
        out.append(day)
        day += timedelta(days=step)
    return out


def meeting_day(slot: date, cal: Calendar) -> date:
    """A meeting that falls on a bank holiday or closure day moves to the
    next working day (the local offer's panels meet 'all year round')."""
    return cal.on_or_after(slot)


def papers_due(meeting: date, cal: Calendar) -> date:
    """The last day for a case's papers: PAPERS_WORKING_DAYS working days
    before the meeting (terms of reference: '2 days before the panel date')."""
    return cal.add_working_days(meeting, -PAPERS_WORKING_DAYS)


def outcome_call_due(meeting: date, days: int, working: bool, cal: Calendar) -> date:
    """When the family must have heard the outcome by phone: N working days
    after the meeting (MAP, CAP, CCP), or N calendar days (JTP, the local offer)."""
    if working:
        return cal.add_working_days(meeting, days)
    return meeting + timedelta(days=days)


def outcome_email_due(call_due: date, cal: Calendar) -> date:
    """The email that follows the outcome call."""
    return cal.add_working_days(call_due, OUTCOME_EMAIL_AFTER_CALL_WORKING_DAYS)


def describe_outcome_rule(days: int, working: bool, email: bool, by: str) -> str:
    unit = "working days" if working else "days"
    text = f"a call by the {by} within {days} {unit} of the meeting"
    return text + (", then an email" if email else "")


def milestone_agreement(recorded: str, recorded_on: date, wanted: str, meeting: date) -> str:
    """How a panel's statutory decision (WANTED, as a milestone outcome, at a
    MEETING) stands with the same milestone already on the case's timeline
    (RECORDED on RECORDED_ON, e.g. entered by hand before the chair's record):
    'same': it says the same, and is not recorded twice;
    'later': the panel agrees after a recorded refusal (the council may change
    its mind, e.g. after mediation): the timeline records it after the refusal;
    'contradicts': anything else, which the timeline cannot hold beside it."""
    if recorded == wanted:
        return "same"
    if recorded == "refused" and wanted == "agreed" and meeting > recorded_on:
        return "later"
    return "contradicts"


def same_person(a: str, b: str) -> bool:
    """Two names for one panel member: case and spacing aside."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


PAPERS_STATUSES = ("received", "late", "awaited", "missing")


def papers_status(due: date, received: date | None, today: date) -> str:
    """received (by the deadline), late (received after it), awaited (not
    yet, deadline still ahead or today) or missing (deadline passed)."""
    if received is not None:
        return "received" if received <= due else "late"
    return "awaited" if today <= due else "missing"


def decision_rights(request: str, outcome: str) -> str | None:
    """What a refusal to assess or to issue a plan gives the family."""
    if outcome == "declined" and request in STATUTORY_DECISIONS:
        return APPEAL_RIGHTS
    return None
