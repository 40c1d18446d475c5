"""Reviewed defects of the panels, pinned to worked dates: a deferral owes
the family the outcome call and email; a closure day added after the
schedule moves the meetings on it; a schedule tells the truth when a moved
meeting lands on a day the panel meets anyway; declarations come before the
meeting; a statutory milestone recorded by hand does not block the chair's
decision; weekend bank holidays are not listed; integer options are bounded.

Christmas 2026: Fri 25 Dec Christmas Day, Sat 26 Boxing Day (observed Mon 28),
Fri 1 Jan 2027 New Year's Day."""

from __future__ import annotations

import json

import pytest


def log(cli, ref, outcome, *extra, meeting, now, panel="MAP"):
    return cli.json("decision", "log", ref, "--panel", panel, "--meeting", meeting,
                    "--outcome", outcome, "--reason", "the panel's reasons", *extra, now=now)


def open_followups(cli, ref):
    return [(f["kind"], f["due"]) for f in cli.json("followup", "list", ref)]


def close(cli, day, reason="Christmas closure", now=None):
    return cli.ok("calendar", "close", day, "--reason", reason, now=now)


# -- 1. every outcome is owed to the family ---------------------------------
@pytest.fixture
def christmas(team):
    """MAP on Fridays through Christmas 2026 (25 Dec moves to Tue 29 Dec,
    1 Jan to Mon 4 Jan); C-1 (CO1), C-2 (CO2), C-3 (CO1)."""
    team.case("C-1")
    team.case("C-2", name="Ann Lee", officer="CO2")
    team.case("C-3", name="Kit Moss")
    team.ok("panel", "schedule", "MAP", "--from", "2026-12-01", "--to", "2027-01-31",
            "--weekday", "fri")
    return team


def test_every_outcome_at_map_on_29_december_owes_a_call_by_6_and_an_email_by_7_january(
        christmas):
    for ref, request in (("C-1", "resource"), ("C-2", "placement-change"),
                         ("C-3", "offsetting")):
        christmas.ok("panel", "refer", ref, "--panel", "MAP", "--request", request,
                     "--meeting", "2026-12-29", now="2026-12-21T09:00")
    after = "2026-12-29T12:00"
    # 5 working days after Tue 29 Dec: 30, 31 Dec, (1 Jan), 4, 5, 6 Jan
    for ref, outcome in (("C-1", "agreed"), ("C-2", "declined")):
        rows = log(christmas, ref, outcome, meeting="2026-12-29", now=after)
        assert [(r["kind"], r["due"]) for r in rows] == [
            ("outcome-call", "2027-01-06"), ("outcome-email", "2027-01-07")]
    rows = log(christmas, "C-3", "deferred", "--revisit-by", "2027-01-22",
               meeting="2026-12-29", now=after)
    assert [(r["case_ref"], r["kind"], r["due"], r["officer"]) for r in rows] == [
        ("C-3", "outcome-call", "2027-01-06", "CO1"),
        ("C-3", "outcome-email", "2027-01-07", "CO1"),
        ("C-3", "revisit", "2027-01-22", "CO1")]
    # the outgoing call and email to the family settle them; the revisit stays
    christmas.ok("contact", "log", "C-3", "--channel", "phone", "--direction", "out",
                 "--party", "parent", "--summary", "told them it was deferred",
                 now="2027-01-05T10:00")
    christmas.ok("contact", "log", "C-3", "--channel", "email", "--direction", "out",
                 "--party", "parent", "--summary", "deferral letter", now="2027-01-05T11:00")
    assert open_followups(christmas, "C-3") == [("revisit", "2027-01-22")]


def test_a_jtp_deferral_owes_a_call_within_five_calendar_days_and_no_email(christmas):
    christmas.ok("panel", "schedule", "JTP", "--from", "2026-12-01", "--to", "2026-12-31",
                 "--weekday", "wed")
    christmas.ok("panel", "refer", "C-1", "--panel", "JTP", "--request", "joint-funding",
                 "--meeting", "2026-12-23", now="2026-12-18T09:00")
    rows = log(christmas, "C-1", "deferred", "--revisit-by", "2027-01-13", panel="JTP",
               meeting="2026-12-23", now="2026-12-23T15:00")
    # Wed 23 Dec + 5 days: Mon 28 Dec, a bank holiday, as seed 000 says "days"
    assert [(r["kind"], r["due"]) for r in rows] == [("outcome-call", "2026-12-28"),
                                                     ("revisit", "2027-01-13")]


# -- 2. a closure day added after the schedule -------------------------------
@pytest.fixture
def june(team):
    """MAP on Mondays in June 2027 (7, 14, 21, 28); C-1 on the 14 June agenda
    (papers due Thu 10 June), a declaration against it."""
    team.case("C-1")
    team.ok("panel", "schedule", "MAP", "--from", "2027-06-01", "--to", "2027-06-30",
            "--weekday", "mon", now="2027-06-01T09:00")
    team.ok("panel", "refer", "C-1", "--panel", "MAP", "--request", "resource",
            "--meeting", "2027-06-14", now="2027-06-01T09:00")
    team.ok("panel", "declare", "--panel", "MAP", "--meeting", "2027-06-14", "--member",
            "Ann Morgan", "--case", "C-1", "--interest", "neighbour", now="2027-06-01T09:00")
    return team


def test_closing_a_meeting_day_moves_the_meeting_with_its_agenda(june):
    now = "2027-06-02T09:00"
    assert [(f["kind"], f["due"]) for f in june.json("followup", "list", "C-1", now=now)] == [
        ("papers", "2027-06-10")]
    result = close(june, "2027-06-14", "training day", now=now)
    assert result.stderr.splitlines() == [
        "2027-06-14 (Monday) is now a closure day: training day",
        "the MAP meeting of Mon 2027-06-14 moves to the next working day, Tue 2027-06-15 "
        "10:00 (1 case with it; papers due by Thu 2027-06-10)"]
    meetings = june.json("panel", "meetings", "MAP", now=now)
    assert [(m["date"], m["weekday"], m["moved_from"], m["cases"]) for m in meetings] == [
        ("2027-06-07", "Mon", None, 0), ("2027-06-15", "Tue", "2027-06-14", 1),
        ("2027-06-21", "Mon", None, 0), ("2027-06-28", "Mon", None, 0)]
    row = june.json("panel", "agenda", "MAP", "--meeting", "2027-06-15", now=now)[0]
    # papers 2 working days before Tue 15 June, Monday 14 closed: still Thu 10 June
    assert (row["case_ref"], row["papers_due"], row["declarations"]) == (
        "C-1", "2027-06-10", ["Ann Morgan: neighbour"])
    assert [(f["kind"], f["due"]) for f in june.json("followup", "list", "C-1", now=now)] == [
        ("papers", "2027-06-10")]
    assert june.fails(1, "panel", "refer", "C-1", "--panel", "MAP", "--request", "ehcna",
                      "--meeting", "2027-06-14", now=now) == \
        "error: no MAP meeting on 2027-06-14: it moved to 2027-06-15"
    actions = [a["action"] for a in june.json("audit", now=now)]
    assert actions[-3:] == ["referral.move", "meeting.move", "calendar.close"]
    # the schedule again neither brings 14 June back nor makes 15 June twice
    again = june.ok("panel", "schedule", "MAP", "--from", "2027-06-01", "--to", "2027-06-30",
                    "--weekday", "mon", now=now)
    assert again.stderr.splitlines()[-1] == "MAP: 0 meetings created, 4 already there"
    # reopening the day leaves the meeting where it is, and says how to bring it back
    reopened = june.ok("calendar", "reopen", "2027-06-14", now=now)
    assert reopened.stderr.splitlines() == [
        "2027-06-14 is a working day again",
        "note: the MAP meeting moved off 2027-06-14 stays on Tue 2027-06-15; to hold it on "
        "2027-06-14 again: send-cli panel move MAP --meeting 2027-06-15 --to 2027-06-14"]


def test_a_closure_is_refused_when_the_meeting_cannot_move_and_nothing_is_written(christmas):
    christmas.ok("panel", "refer", "C-1", "--panel", "MAP", "--request", "resource",
                 "--meeting", "2026-12-29", now="2026-12-21T09:00")
    now = "2026-12-22T09:00"
    # closing the Christmas week a day at a time walks the meeting along it
    assert close(christmas, "2026-12-29", now=now).stderr.splitlines()[1] == (
        "the MAP meeting of Tue 2026-12-29 moves to the next working day, Wed 2026-12-30 "
        "10:00 (1 case with it; papers due by Wed 2026-12-23)")
    assert close(christmas, "2026-12-30", now=now).stderr.splitlines()[1].startswith(
        "the MAP meeting of Wed 2026-12-30 moves to the next working day, Thu 2026-12-31")
    # ... until the next working day, Mon 4 January, is a day MAP meets anyway
    result = christmas("calendar", "close", "2026-12-31", "--reason", "Christmas closure",
                       now=now)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: 2026-12-31 cannot be closed yet: the MAP meeting that day cannot move to the "
        "next working day, Mon 2027-01-04, when MAP already meets",
        "hint: Merge its agenda into that meeting ('send-cli panel cancel MAP --meeting "
        "2026-12-31 --move-to 2027-01-04') or move it to another day ('send-cli panel move "
        "MAP --meeting 2026-12-31 --to DATE'), then close the day."]
    closures = [d["date"] for d in christmas.json("calendar", "list", "--year", "2026")
                if d["kind"] == "closure"]
    assert closures == ["2026-12-29", "2026-12-30"]
    meetings = christmas.json("panel", "meetings", "MAP", "--from", "2026-12-20", "--to",
                              "2027-01-05", now=now)
    assert [(m["date"], m["moved_from"], m["cases"]) for m in meetings] == [
        ("2026-12-31", "2026-12-25", 1), ("2027-01-04", "2027-01-01", 0)]
    # doing what the hint says, then closing the day
    christmas.ok("panel", "cancel", "MAP", "--meeting", "2026-12-31", "--move-to",
                 "2027-01-04", now=now)
    assert close(christmas, "2026-12-31", now=now).stderr.splitlines() == [
        "2026-12-31 (Thursday) is now a closure day: Christmas closure"]
    assert [r["case_ref"] for r in christmas.json("panel", "agenda", "MAP", "--meeting",
                                                  "2027-01-04", now=now)] == ["C-1"]


def test_closing_a_day_a_panel_already_met_leaves_the_meeting_and_says_so(christmas):
    christmas.ok("panel", "refer", "C-1", "--panel", "MAP", "--request", "resource",
                 "--meeting", "2026-12-18", now="2026-12-14T09:00")
    log(christmas, "C-1", "agreed", meeting="2026-12-18", now="2026-12-18T12:00")
    result = close(christmas, "2026-12-18", "office flood", now="2026-12-21T09:00")
    assert result.stderr.splitlines() == [
        "2026-12-18 (Friday) is now a closure day: office flood",
        "note: the MAP meeting of Fri 2026-12-18 took place (1 decision recorded); it stays "
        "on that day"]
    result = close(christmas, "2027-01-08", "snow", now="2027-01-08T10:30")
    assert result.stderr.splitlines()[1] == (
        "note: the MAP meeting of Fri 2027-01-08 10:00 has already started; it stays on that "
        "day (if it did not take place: send-cli panel cancel MAP --meeting 2027-01-08)")
    dates = [m["date"] for m in christmas.json("panel", "meetings", "MAP")]
    assert "2026-12-18" in dates and "2027-01-08" in dates


# -- 3. a schedule that tells the truth ---------------------------------------
def test_a_moved_slot_landing_on_a_regular_meeting_is_held_with_it(cli):
    for day in ("2026-12-29", "2026-12-30", "2026-12-31"):
        close(cli, day)
    args = ("panel", "schedule", "MAP", "--from", "2026-12-14", "--to", "2027-01-15",
            "--weekday", "mon")
    result = cli.ok(*args, "--format", "json")
    assert result.stderr.splitlines() == [
        "Mon 2026-12-28 is Boxing Day (observed); the next working day is Mon 2027-01-04, "
        "when MAP already meets, so no second meeting is made",
        "MAP: 4 meetings created, 0 already there"]
    rows = json.loads(result.stdout)
    assert [(r["date"], r["moved_from"], r["status"], r["note"]) for r in rows] == [
        ("2026-12-14", None, "created", None), ("2026-12-21", None, "created", None),
        ("2027-01-04", None, "created",
         "Mon 2026-12-28 is Boxing Day (observed): held with this meeting"),
        ("2027-01-11", None, "created", None)]
    again = cli.ok(*args)
    assert again.stderr.splitlines()[-1] == "MAP: 0 meetings created, 4 already there"
    assert len(cli.json("panel", "meetings", "MAP")) == 4


def test_two_moved_slots_landing_on_one_day_make_one_meeting(cli):
    for day in ("2026-12-29", "2026-12-30", "2026-12-31"):
        close(cli, day)
    result = cli.ok("panel", "schedule", "MAP", "--from", "2026-12-14", "--to", "2027-01-10",
                    "--weekday", "fri", "--format", "json")
    assert result.stderr.splitlines() == [
        "Fri 2026-12-25 is Christmas Day: moved to Mon 2027-01-04",
        "Fri 2027-01-01 is New Year's Day; the next working day is Mon 2027-01-04, when MAP "
        "already meets, so no second meeting is made",
        "MAP: 3 meetings created, 0 already there"]
    rows = json.loads(result.stdout)
    assert [(r["date"], r["moved_from"]) for r in rows] == [
        ("2026-12-18", None), ("2027-01-04", "2026-12-25"), ("2027-01-08", None)]
    assert rows[1]["note"] == ("Fri 2026-12-25 is Christmas Day: moved to Mon 2027-01-04; "
                               "Fri 2027-01-01 is New Year's Day: held with this meeting")


def test_a_regular_slot_on_a_day_an_earlier_meeting_moved_to_says_so(cli):
    for day in ("2026-12-29", "2026-12-30", "2026-12-31"):
        close(cli, day)
    first = cli.ok("panel", "schedule", "MAP", "--from", "2026-12-14", "--to", "2026-12-31",
                   "--weekday", "mon")
    assert first.stderr.splitlines() == [
        "Mon 2026-12-28 is Boxing Day (observed): moved to Mon 2027-01-04",
        "MAP: 3 meetings created, 0 already there"]
    later = cli.json("panel", "schedule", "MAP", "--from", "2027-01-01", "--to", "2027-01-15",
                     "--weekday", "mon")
    assert [(r["date"], r["moved_from"], r["status"], r["note"]) for r in later] == [
        ("2027-01-04", "2026-12-28", "exists",
         "the meeting moved from Mon 2026-12-28 is on this day"),
        ("2027-01-11", None, "created", None)]


# -- 4. declarations come before the meeting ----------------------------------
def test_a_declaration_is_refused_once_the_meeting_has_started(christmas):
    christmas.ok("panel", "refer", "C-1", "--panel", "MAP", "--request", "resource",
                 "--meeting", "2026-12-29", now="2026-12-21T09:00")
    args = ("panel", "declare", "--panel", "MAP", "--meeting", "2026-12-29", "--member",
            "Ann Morgan", "--case", "C-1", "--interest", "neighbour")
    assert christmas.fails(1, *args, now="2027-01-20T09:00") == \
        ("error: the MAP meeting of 2026-12-29 10:00 has already taken place; interests are "
         "declared in advance of the panel's discussions (the panel's terms of reference)")
    assert christmas.fails(1, *args, now="2026-12-29T10:00") == \
        ("error: the MAP meeting of 2026-12-29 10:00 has already started; interests are "
         "declared in advance of the panel's discussions (the panel's terms of reference)")
    assert christmas.json("case", "show", "C-1")["declarations"] == []
    christmas.ok(*args, now="2026-12-29T09:59")
    assert len(christmas.json("case", "show", "C-1")["declarations"]) == 1


# -- 5. a statutory milestone already on the timeline ------------------------
@pytest.fixture
def wednesdays(team):
    """MAP on Wednesdays in January 2027 (6, 13, 20, 27); P1 and P2 on the
    13 January agenda for an EHC needs assessment."""
    for ref in ("P1", "P2"):
        team.case(ref)
    team.ok("panel", "schedule", "MAP", "--from", "2027-01-01", "--to", "2027-01-31",
            "--weekday", "wed", now="2027-01-04T09:00")
    for ref in ("P1", "P2"):
        team.ok("panel", "refer", ref, "--panel", "MAP", "--request", "ehcna", "--meeting",
                "2027-01-13", now="2027-01-04T09:00")
    return team


def milestones(cli, ref):
    return [(m["milestone"], m["on"], m["outcome"])
            for m in cli.json("case", "show", ref, now="2027-01-13T12:00")["milestones"]]


def test_a_decision_the_recorded_milestone_agrees_with_is_recorded_once(wednesdays):
    wednesdays.ok("case", "milestone", "P1", "assessment-decision", "--on", "2027-01-05",
                  "--outcome", "agreed", now="2027-01-05T16:00")
    result = wednesdays.ok("decision", "log", "P1", "--panel", "MAP", "--meeting",
                           "2027-01-13", "--outcome", "agreed", "--reason", "may need a plan",
                           "--chair", "Ann Morgan", "--format", "json", now="2027-01-13T12:00")
    assert result.stderr.splitlines()[1] == (
        "note: P1: the timeline already has the assessment-decision (agreed) on 2027-01-05; "
        "the panel's decision agrees with it, so it is not recorded twice (the timeline keeps "
        "2027-01-05, not the meeting's 2027-01-13)")
    # Wed 13 Jan: call by Wed 20 Jan, email by Thu 21 Jan
    assert [(r["kind"], r["due"]) for r in json.loads(result.stdout)] == [
        ("outcome-call", "2027-01-20"), ("outcome-email", "2027-01-21")]
    assert milestones(wednesdays, "P1") == [("assessment-decision", "2027-01-05", "agreed")]
    assert [(d["case_ref"], d["outcome"]) for d in wednesdays.json("decision", "list")] == [
        ("P1", "agreed")]


def test_an_issue_decision_already_recorded_is_not_recorded_twice(wednesdays):
    wednesdays.ok("case", "milestone", "P2", "assessment-decision", "--on", "2026-11-20",
                  "--outcome", "agreed", now="2026-11-20T16:00")
    wednesdays.ok("panel", "refer", "P2", "--panel", "MAP", "--request", "issue-decision",
                  "--meeting", "2027-01-20", now="2027-01-04T09:00")
    wednesdays.ok("case", "milestone", "P2", "issue-decision", "--on", "2027-01-20",
                  "--outcome", "agreed", now="2027-01-20T09:00")
    result = wednesdays.ok("decision", "log", "P2", "--panel", "MAP", "--meeting",
                           "2027-01-20", "--outcome", "agreed", "--reason", "needs a plan",
                           now="2027-01-20T12:00")
    assert ("note: P2: the timeline already has the issue-decision (agreed) on 2027-01-20; "
            "the panel's decision agrees with it, so it is not recorded twice\n"
            in result.stderr)
    assert milestones(wednesdays, "P2") == [("assessment-decision", "2026-11-20", "agreed"),
                                            ("issue-decision", "2027-01-20", "agreed")]


def test_a_declined_decision_agrees_with_a_recorded_refusal(wednesdays):
    wednesdays.ok("case", "milestone", "P1", "assessment-decision", "--on", "2027-01-13",
                  "--outcome", "refused", now="2027-01-13T11:00")
    result = wednesdays.ok("decision", "log", "P1", "--panel", "MAP", "--meeting",
                           "2027-01-13", "--outcome", "declined", "--reason", "SEN support",
                           now="2027-01-13T12:00")
    assert ("note: P1: the timeline already has the assessment-decision (refused) on "
            "2027-01-13; the panel's decision agrees with it, so it is not recorded twice\n"
            in result.stderr)
    assert "declined ehcna: the family may discuss the decision" in result.stderr
    assert milestones(wednesdays, "P1") == [("assessment-decision", "2027-01-13", "refused")]


def test_an_agreed_decision_after_a_recorded_refusal_is_recorded_after_it(wednesdays):
    wednesdays.ok("case", "milestone", "P2", "assessment-decision", "--on", "2027-01-05",
                  "--outcome", "refused", now="2027-01-05T16:00")
    result = wednesdays.ok("decision", "log", "P2", "--panel", "MAP", "--meeting",
                           "2027-01-13", "--outcome", "agreed", "--reason", "after mediation",
                           now="2027-01-13T12:00")
    assert "note:" not in result.stderr
    assert milestones(wednesdays, "P2") == [("assessment-decision", "2027-01-05", "refused"),
                                            ("assessment-decision", "2027-01-13", "agreed")]


def test_a_decision_the_recorded_milestone_contradicts_is_refused(wednesdays):
    wednesdays.ok("case", "milestone", "P1", "assessment-decision", "--on", "2027-01-05",
                  "--outcome", "agreed", now="2027-01-05T16:00")
    result = wednesdays("decision", "log", "P1", "--panel", "MAP", "--meeting", "2027-01-13",
                        "--outcome", "declined", "--reason", "r", now="2027-01-13T12:00")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: P1: the timeline already has the assessment-decision as agreed on "
        "2027-01-05, which a panel decision 'declined' on 2027-01-13 contradicts",
        "hint: If the chair signed 'agreed', log that: --outcome agreed. If the milestone of "
        "2027-01-05 is wrong, correct it on the timeline first (send-cli case milestone P1 "
        "assessment-decision --withdraw --reason TEXT)."]
    # a refusal recorded after the meeting contradicts an agreement at it
    wednesdays.ok("case", "milestone", "P2", "assessment-decision", "--on", "2027-01-13",
                  "--outcome", "refused", now="2027-01-13T11:00")
    assert wednesdays.fails(1, "decision", "log", "P2", "--panel", "MAP", "--meeting",
                            "2027-01-13", "--outcome", "agreed", "--reason", "r",
                            now="2027-01-13T12:00").startswith(
        "error: P2: the timeline already has the assessment-decision as refused on 2027-01-13")
    assert wednesdays.json("decision", "list") == []
    assert [f["kind"] for f in wednesdays.json("followup", "list", "P1",
                                               now="2027-01-13T12:00")] == ["papers"]
    assert milestones(wednesdays, "P1") == [("assessment-decision", "2027-01-05", "agreed")]


# -- 6. the calendar lists weekdays only ---------------------------------------
def test_calendar_list_leaves_out_weekend_bank_holidays(cli):
    rows = cli.json("calendar", "list", "--year", "2026")
    december = [(r["date"], r["weekday"], r["name"]) for r in rows
                if r["date"].startswith("2026-12")]
    assert december == [("2026-12-25", "Friday", "Christmas Day"),
                        ("2026-12-28", "Monday", "Boxing Day (observed)")]
    assert all(r["weekday"] not in ("Saturday", "Sunday") for r in rows)
    # 2027: Christmas on a Saturday, Boxing Day on a Sunday; both observed
    rows = cli.json("calendar", "list", "--year", "2027")
    assert [(r["date"], r["weekday"]) for r in rows if r["date"] >= "2027-12"] == [
        ("2027-12-27", "Monday"), ("2027-12-28", "Tuesday")]


# -- 7. integer options are bounded --------------------------------------------
@pytest.mark.parametrize("argv", [
    ("panel", "add", "SEP", "--name", "S", "--cadence", "weekly", "--requests", "transport",
     "--outcome-days", "99999999999999999999"),
    ("panel", "add", "SEP", "--name", "S", "--cadence", "weekly", "--requests", "transport",
     "--outcome-days", "61"),
    ("panel", "add", "SEP", "--name", "S", "--cadence", "weekly", "--requests", "transport",
     "--outcome-days", "-1"),
    ("calendar", "list", "--year", "99999999999999999999"),
    ("calendar", "add-working-days", "2026-12-23", "99999999999999999999"),
    ("calendar", "add-working-days", "2026-12-23", "--", "-99999999999999999999"),
    ("panel", "schedule", "MAP", "--from", "2026-12-01", "--to", "99999-12-31", "--weekday",
     "fri"),
])
def test_huge_numbers_are_one_line_usage_errors(cli, argv):
    line = cli.fails(2, *argv)
    assert "unexpected" not in line


def test_outcome_days_out_of_range_names_the_value(cli):
    assert cli.fails(2, "panel", "add", "SEP", "--name", "S", "--cadence", "weekly",
                     "--requests", "transport", "--outcome-days", "99999999999999999999") == \
        "error: --outcome-days 99999999999999999999 is out of range; use 1 to 60"
    assert [r["code"] for r in cli.json("panel", "list")] == ["MAP", "CAP", "CCP", "JTP"]
