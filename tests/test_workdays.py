"""The working-day calendar against known dates."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from send_cli.rules.calendar import Calendar, england_bank_holidays
from send_cli.settings import LONDON


@pytest.fixture(scope="module")
def cal() -> Calendar:
    return Calendar.england(range(2024, 2029))


def test_christmas_2026_and_substitute_boxing_day(cal):
    assert date(2026, 12, 25).strftime("%A") == "Friday"
    assert cal.reason_closed(date(2026, 12, 25)) == "Christmas Day"
    assert cal.reason_closed(date(2026, 12, 26)) == "Boxing Day"  # a Saturday
    assert cal.reason_closed(date(2026, 12, 28)) == "Boxing Day (observed)"
    assert cal.is_working_day(date(2026, 12, 29))
    assert cal.reason_closed(date(2027, 1, 1)) == "New Year's Day"
    assert cal.next_working_day(date(2026, 12, 24)) == date(2026, 12, 29)


def test_easter_2027_and_england_only_days(cal):
    assert cal.reason_closed(date(2027, 3, 26)) == "Good Friday"
    assert cal.reason_closed(date(2027, 3, 29)) == "Easter Monday"
    assert cal.reason_closed(date(2027, 8, 30)) == "Late Summer Bank Holiday"
    # Scotland's 2 January and St Andrew's Day are not England's
    assert cal.is_working_day(date(2025, 1, 2))
    assert cal.is_working_day(date(2026, 11, 30))


def test_substitute_days_of_other_years():
    days = england_bank_holidays([2021, 2022])
    assert {date(2021, 12, 27), date(2021, 12, 28), date(2022, 12, 26),
            date(2022, 12, 27)} <= set(days)


def test_add_working_days_over_christmas(cal):
    assert cal.add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 24)
    assert cal.add_working_days(date(2026, 12, 23), 2) == date(2026, 12, 29)
    assert cal.add_working_days(date(2026, 12, 24), 5) == date(2027, 1, 5)
    assert cal.add_working_days(date(2026, 12, 26), 0) == date(2026, 12, 29)
    assert cal.add_working_days(date(2027, 1, 4), -2) == date(2026, 12, 30)
    assert cal.add_working_days(date(2027, 3, 25), 1) == date(2027, 3, 30)


def test_working_days_between(cal):
    assert cal.working_days_between(date(2026, 12, 24), date(2027, 1, 4)) == 4
    assert cal.working_days_between(date(2027, 1, 4), date(2026, 12, 24)) == -4
    assert cal.working_days_between(date(2027, 1, 5), date(2027, 1, 5)) == 0
    # a brute-force count agrees everywhere over two years
    start = date(2026, 1, 1)
    for offset in range(0, 730, 7):
        a = date.fromordinal(start.toordinal() + offset)
        b = date.fromordinal(a.toordinal() + 40)
        expected = sum(cal.is_working_day(date.fromordinal(a.toordinal() + k))
                       for k in range(1, 41))
        assert cal.working_days_between(a, b) == expected


@pytest.mark.parametrize(("at", "due"), [
    ("2026-12-24T14:59", date(2026, 12, 24)),  # before 15:00 on a working day
    ("2026-12-24T15:00", date(2026, 12, 29)),  # at 15:00: next working day
    ("2026-12-25T10:00", date(2026, 12, 29)),  # Christmas Day
    ("2026-12-28T09:00", date(2026, 12, 29)),  # substitute Boxing Day
    ("2027-01-01T11:00", date(2027, 1, 4)),
    ("2027-03-26T09:00", date(2027, 3, 30)),  # Good Friday -> after Easter Monday
    ("2026-11-21T09:00", date(2026, 11, 23)),  # a Saturday
])
def test_callback_rule(cal, at, due):
    when = datetime.fromisoformat(at).replace(tzinfo=LONDON)
    assert cal.callback_due(when) == due


def test_closure_days_count(cal):
    closed = Calendar(dict(england_bank_holidays([2026, 2027])),
                      {date(2026, 12, 29): "Christmas closure", date(2026, 12, 30): "closure",
                       date(2026, 12, 31): "closure"}, years=[2026, 2027])
    assert closed.next_working_day(date(2026, 12, 24)) == date(2027, 1, 4)
    assert closed.working_days_between(date(2026, 12, 24), date(2027, 1, 4)) == 1
    assert closed.non_working_days(date(2026, 12, 29), date(2026, 12, 29)) == \
        [(date(2026, 12, 29), "closure", "Christmas closure")]


def test_non_working_days_are_weekdays_only(cal):
    # Boxing Day 2026 is a Saturday: its substitute, Monday 28 December, is listed
    assert cal.non_working_days(date(2026, 12, 24), date(2027, 1, 3)) == [
        (date(2026, 12, 25), "bank-holiday", "Christmas Day"),
        (date(2026, 12, 28), "bank-holiday", "Boxing Day (observed)"),
        (date(2027, 1, 1), "bank-holiday", "New Year's Day")]
    assert cal.reason_closed(date(2026, 12, 26)) == "Boxing Day"  # still not a working day


def test_with_closure_is_a_new_calendar(cal):
    closed = cal.with_closure(date(2026, 12, 29), "Christmas closure")
    assert closed.next_working_day(date(2026, 12, 24)) == date(2026, 12, 30)
    assert closed.add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 30)
    assert cal.next_working_day(date(2026, 12, 24)) == date(2026, 12, 29)  # unchanged
    assert closed.reason_closed(date(2026, 12, 29)) == "Christmas closure"


def test_calendar_commands(cli):
    assert cli.ok("calendar", "add-working-days", "2026-12-23", "2").stdout == "2026-12-29\n"
    assert cli.ok("calendar", "working-days", "2026-12-24", "2027-01-04").stdout == "4\n"
    assert cli.ok("calendar", "next-working-day", "2027-03-25").stdout == "2027-03-30\n"
    rows = cli.json("calendar", "list", "--year", "2026")
    assert rows[-1] == {"date": "2026-12-28", "weekday": "Monday", "kind": "bank-holiday",
                        "name": "Boxing Day (observed)"}
    cli.ok("calendar", "close", "2026-12-29", "--reason", "Christmas closure")
    assert cli.ok("calendar", "next-working-day", "2026-12-24").stdout == "2026-12-30\n"
    assert cli.json("calendar", "list", "--year", "2026")[-1]["kind"] == "closure"
    assert cli.fails(1, "calendar", "close", "2026-12-29", "--reason", "x") == \
        "error: 2026-12-29 is already a closure day"
    assert cli.fails(1, "calendar", "close", "2026-12-28", "--reason", "x") == \
        "error: 2026-12-28 (Monday) is already not a working day: Boxing Day (observed)"
    assert "not a real date" in cli.fails(2, "calendar", "close", "2026-02-30", "--reason", "x")
    cli.ok("calendar", "reopen", "2026-12-29")
    assert cli.ok("calendar", "next-working-day", "2026-12-24").stdout == "2026-12-29\n"
    assert cli.fails(1, "calendar", "reopen", "2026-12-25") == \
        "error: 2026-12-25 is not a council closure day"
