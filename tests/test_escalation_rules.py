"""The escalation ladder as pure functions, against known dates over
Christmas 2026 and New Year 2027 (25 Dec Fri, 28 Dec Mon substitute Boxing
Day, 1 Jan 2027 Fri) and Easter 2027 (Good Friday 26 Mar, Easter Monday 29 Mar)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from send_cli.rules import escalation as ladder
from send_cli.rules.calendar import Calendar


@pytest.fixture(scope="module")
def cal() -> Calendar:
    return Calendar.england(range(2025, 2029))


def test_the_ladder_follows_the_charter():
    assert [(s.level, s.role) for s in ladder.LADDER] == [
        (1, None), (2, "business-support"), (3, "senior-casework-officer"),
        (4, "lead-casework-officer")]
    assert ladder.LEVEL_OF_TO == {"business-support": 2, "senior": 3, "lead": 4}
    assert ladder.TO_CHOICES == ("business-support", "senior", "lead")


@pytest.mark.parametrize(("start", "late", "level"), [
    (1, -3, 1), (1, 0, 1), (1, 4, 1), (1, 5, 2), (1, 9, 2), (1, 10, 3), (1, 14, 3),
    (1, 15, 4), (1, 40, 4),
    (2, 0, 2), (2, 4, 2), (2, 5, 3), (2, 10, 4), (2, 99, 4),
    (3, 4, 3), (3, 5, 4), (4, 0, 4), (4, 30, 4),
])
def test_level_for(start, late, level):
    assert ladder.level_for(start, late) == level


def test_owner_role():
    assert ladder.owner_role(1, "casework-officer") == "casework-officer"
    assert ladder.owner_role(2, "casework-officer") == "business-support"
    assert ladder.owner_role(3) == "senior-casework-officer"
    assert ladder.owner_role(4) == "lead-casework-officer"


def test_reply_due_over_christmas(cal):
    # raised Tue 22 Dec 2026: 23, 24, 29, 30, 31 Dec (25 and 28 Dec are holidays)
    assert ladder.reply_due(cal, date(2026, 12, 22)) == date(2026, 12, 31)
    # raised on a Saturday: the five working days start on Monday
    assert ladder.reply_due(cal, date(2026, 12, 19)) == date(2026, 12, 29)
    # over Easter 2027: raised Thu 25 Mar -> 30, 31 Mar, 1, 2, 5 Apr
    assert ladder.reply_due(cal, date(2027, 3, 25)) == date(2027, 4, 5)


def test_reached_on_over_new_year(cal):
    due = date(2026, 12, 21)  # a reply due Monday 21 December 2026
    # 5 working days late: 22, 23, 24, 29, 30 Dec
    assert ladder.reached_on(cal, start=1, level=2, due=due, raised_on=date(2026, 12, 14)) == \
        date(2026, 12, 30)
    # 10: 31 Dec, 4, 5, 6, 7 Jan (1 Jan New Year's Day)
    assert ladder.reached_on(cal, start=1, level=3, due=due, raised_on=date(2026, 12, 14)) == \
        date(2027, 1, 7)
    assert ladder.reached_on(cal, start=1, level=4, due=due, raised_on=date(2026, 12, 14)) == \
        date(2027, 1, 14)
    # an escalation still at its own step reached it the day it was raised
    assert ladder.reached_on(cal, start=3, level=3, due=due, raised_on=date(2026, 12, 14)) == \
        date(2026, 12, 14)
    assert ladder.reached_on(cal, start=3, level=4, due=due, raised_on=date(2026, 12, 14)) == \
        date(2026, 12, 30)


@pytest.mark.parametrize("today", [
    date(2027, 1, 4), date(2027, 1, 1), date(2027, 1, 2), date(2026, 12, 28),
    date(2026, 12, 25), date(2027, 3, 29), date(2027, 4, 7), date(2027, 8, 30),
    date(2026, 11, 23),
])
def test_late_cutoff_agrees_with_working_days_between(cal, today):
    for n in range(0, 21):
        cut = ladder.late_cutoff(cal, today, n)
        for back in range(0, 60):
            due = today - timedelta(days=back)
            assert (cal.working_days_between(due, today) >= n) == (due <= cut), (today, n, due)


def test_late_cutoff_known_dates(cal):
    # on Mon 4 Jan 2027 a follow-up is 5 working days late if it was due on
    # or before Wed 23 Dec (24, 29, 30, 31 Dec and 4 Jan have passed since)
    assert ladder.late_cutoff(cal, date(2027, 1, 4), 5) == date(2026, 12, 23)
    assert ladder.late_cutoff(cal, date(2027, 1, 4), 10) == date(2026, 12, 16)
    assert ladder.late_cutoff(cal, date(2027, 1, 4), 0) == date(2027, 1, 4)


def test_describe():
    assert ladder.describe("reply", date(2026, 12, 21)) == "reply due 2026-12-21 unanswered"
