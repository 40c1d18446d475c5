"""The panel rules as pure functions, against known dates (Christmas 2026:
25 Dec Fri, 28 Dec Mon substitute Boxing Day, 1 Jan 2027 Fri; Easter 2027:
Good Friday 26 Mar, Easter Monday 29 Mar; August bank holiday 30 Aug 2027)."""

from __future__ import annotations

from datetime import date

import pytest

from send_cli.rules import panels as rules
from send_cli.rules.calendar import Calendar

D = date.fromisoformat


@pytest.fixture(scope="module")
def cal() -> Calendar:
    return Calendar.england([2026, 2027])


def test_default_panels_cover_the_contract_request_types():
    assert [p.code for p in rules.DEFAULT_PANELS] == ["MAP", "CAP", "CCP", "JTP"]
    every = [r for p in rules.DEFAULT_PANELS for r in p.requests]
    assert every == list(rules.REQUEST_TYPES)
    assert len(set(every)) == len(every)
    jtp = rules.DEFAULT_PANELS[3]
    assert (jtp.outcome_days, jtp.outcome_working_days, jtp.outcome_email) == (5, False, False)
    assert rules.default_panel_for("eotas").code == "CCP"
    assert rules.default_panel_for("transport") is None


def test_weekly_slots_before_any_move():
    assert rules.meeting_slots("weekly", 4, D("2026-12-01"), D("2027-01-10")) == [
        D("2026-12-04"), D("2026-12-11"), D("2026-12-18"), D("2026-12-25"),
        D("2027-01-01"), D("2027-01-08")]
    assert rules.meeting_slots("weekly", 0, D("2026-12-08"), D("2026-12-01")) == []


def test_fortnightly_slots_keep_step_with_an_anchor():
    start, end = D("2027-01-01"), D("2027-02-28")
    assert rules.meeting_slots("fortnightly", 0, start, end) == [
        D("2027-01-04"), D("2027-01-18"), D("2027-02-01"), D("2027-02-15")]
    # an earlier meeting on Monday 28 December puts the next on 11 January
    assert rules.meeting_slots("fortnightly", 0, start, end, anchor=D("2026-12-28")) == [
        D("2027-01-11"), D("2027-01-25"), D("2027-02-08"), D("2027-02-22")]
    # an anchor on another weekday is ignored
    assert rules.meeting_slots("fortnightly", 0, start, end, anchor=D("2026-12-29"))[0] == \
        D("2027-01-04")


def test_monthly_slots_are_the_same_week_of_the_month():
    assert rules.meeting_slots("monthly", 1, D("2026-12-01"), D("2027-03-31")) == [
        D("2026-12-01"), D("2027-01-05"), D("2027-02-02"), D("2027-03-02")]
    assert rules.meeting_slots("monthly", 2, D("2026-12-10"), D("2027-02-28")) == [
        D("2026-12-16"), D("2027-01-20"), D("2027-02-17")]
    # a fifth Tuesday means the last Tuesday of each month
    assert rules.meeting_slots("monthly", 1, D("2027-01-01"), D("2027-03-31"),
                               anchor=D("2026-12-29")) == [
        D("2027-01-26"), D("2027-02-23"), D("2027-03-30")]
    with pytest.raises(ValueError):
        rules.meeting_slots("daily", 1, D("2027-01-01"), D("2027-03-31"))


@pytest.mark.parametrize(("slot", "held"), [
    ("2026-12-25", "2026-12-29"),  # Christmas Day, then the substitute Boxing Day
    ("2026-12-28", "2026-12-29"),
    ("2027-01-01", "2027-01-04"),
    ("2027-03-26", "2027-03-30"),  # Good Friday, Easter Monday
    ("2027-08-30", "2027-08-31"),
    ("2026-12-24", "2026-12-24"),
])
def test_a_meeting_on_a_bank_holiday_moves_to_the_next_working_day(cal, slot, held):
    assert rules.meeting_day(D(slot), cal) == D(held)


def test_a_closure_day_moves_a_meeting_too():
    closed = Calendar.england([2026, 2027], closures={D("2026-12-29"): "council closed",
                                                      D("2026-12-30"): "council closed"})
    assert rules.meeting_day(D("2026-12-28"), closed) == D("2026-12-31")


@pytest.mark.parametrize(("meeting", "due"), [
    ("2026-12-04", "2026-12-02"),
    ("2026-12-29", "2026-12-23"),  # back over the substitute Boxing Day and Christmas Day
    ("2027-01-04", "2026-12-30"),  # back over New Year's Day
    ("2027-01-08", "2027-01-06"),
    ("2027-03-30", "2027-03-24"),  # back over Easter Monday and Good Friday
    ("2027-08-31", "2027-08-26"),
])
def test_papers_are_due_two_working_days_before(cal, meeting, due):
    assert rules.papers_due(D(meeting), cal) == D(due)


@pytest.mark.parametrize(("meeting", "call", "email"), [
    ("2026-12-18", "2026-12-29", "2026-12-30"),
    ("2026-12-29", "2027-01-06", "2027-01-07"),
    ("2027-01-04", "2027-01-11", "2027-01-12"),
    ("2027-03-24", "2027-04-02", "2027-04-05"),
])
def test_outcome_call_in_working_days_then_email(cal, meeting, call, email):
    due = rules.outcome_call_due(D(meeting), 5, True, cal)
    assert due == D(call)
    assert rules.outcome_email_due(due, cal) == D(email)


def test_jtp_outcome_in_calendar_days(cal):
    # seed 000: "within 5 days of the meeting", holidays and weekends count
    assert rules.outcome_call_due(D("2026-12-23"), 5, False, cal) == D("2026-12-28")
    assert rules.outcome_call_due(D("2026-12-29"), 5, False, cal) == D("2027-01-03")


def test_papers_status():
    due = D("2026-12-23")
    assert rules.papers_status(due, D("2026-12-22"), D("2026-12-29")) == "received"
    assert rules.papers_status(due, D("2026-12-23"), D("2026-12-29")) == "received"
    assert rules.papers_status(due, D("2026-12-24"), D("2026-12-29")) == "late"
    assert rules.papers_status(due, None, D("2026-12-23")) == "awaited"
    assert rules.papers_status(due, None, D("2026-12-24")) == "missing"


def test_parse_weekday_and_time():
    assert [rules.parse_weekday(v) for v in ("mon", "Tue", "WEDNESDAY", "thu", "fri")] == \
        [0, 1, 2, 3, 4]
    assert [rules.parse_weekday(v) for v in ("sat", "sun", "monx", "m", "")] == \
        [None] * 5
    assert rules.parse_time("9:30") == "09:30"
    assert rules.parse_time("14:00") == "14:00"
    assert [rules.parse_time(v) for v in ("24:00", "10:60", "10", "ten")] == [None] * 4


def test_statutory_decisions_and_rights():
    assert rules.STATUTORY_DECISIONS == {"ehcna": "assessment-decision",
                                         "issue-decision": "issue-decision"}
    assert rules.MILESTONE_OUTCOME == {"agreed": "agreed", "declined": "refused"}
    assert "mediation" in rules.APPEAL_RIGHTS and "SEND Tribunal" in rules.APPEAL_RIGHTS


def test_a_panel_decision_against_the_milestone_already_recorded():
    jan5, jan13, jan20 = D("2027-01-05"), D("2027-01-13"), D("2027-01-20")
    assert rules.milestone_agreement("agreed", jan5, "agreed", jan13) == "same"
    assert rules.milestone_agreement("refused", jan13, "refused", jan13) == "same"
    # the council may agree after a refusal (mediation): recorded after it
    assert rules.milestone_agreement("refused", jan5, "agreed", jan13) == "later"
    assert rules.milestone_agreement("refused", jan13, "agreed", jan13) == "contradicts"
    assert rules.milestone_agreement("refused", jan20, "agreed", jan13) == "contradicts"
    # an agreement is never followed by a refusal of the same decision
    assert rules.milestone_agreement("agreed", jan5, "refused", jan13) == "contradicts"
    assert rules.DECISION_FOR_MILESTONE == {"agreed": "agreed", "refused": "declined"}


def test_describe_outcome_rule():
    assert rules.describe_outcome_rule(5, True, True, "casework officer") == \
        "a call by the casework officer within 5 working days of the meeting, then an email"
    assert rules.describe_outcome_rule(5, False, False, "nominated allocated professional") == \
        "a call by the nominated allocated professional within 5 days of the meeting"


def test_same_person():
    assert rules.same_person("Ann  Morgan", "ann morgan")
    assert not rules.same_person("Ann Morgan", "Anne Morgan")
