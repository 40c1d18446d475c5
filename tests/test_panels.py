"""Panels through the command line: remits, schedules across Christmas 2026,
referrals, papers, declarations and the chair's agenda."""

from __future__ import annotations

import csv
import json

import pytest

MAP_DATES = ["2026-12-04", "2026-12-11", "2026-12-18", "2026-12-29", "2027-01-04",
             "2027-01-08", "2027-01-15", "2027-01-22", "2027-01-29"]


@pytest.fixture
def panels(team):
    """The team, two cases, and MAP on Fridays through Christmas 2026."""
    team.case("C-1", name="Sam Jones")
    team.case("C-2", name="Ann Lee", officer="CO2", dob="2012-03-04")
    team.ok("panel", "schedule", "MAP", "--from", "2026-12-01", "--to", "2027-01-31",
            "--weekday", "fri")
    return team


def agenda(cli, day, *extra, now=None):
    return cli.json("panel", "agenda", "MAP", "--meeting", day, *extra, now=now)


def test_default_panels_after_init(cli):
    rows = cli.json("panel", "list")
    assert [(r["code"], r["name"], r["cadence"]) for r in rows] == [
        ("MAP", "Multi-Agency Panel", "weekly"),
        ("CAP", "Countywide Admissions Panel", "fortnightly"),
        ("CCP", "Complex Cases Panel", "fortnightly"),
        ("JTP", "Joint and Tripartite Panel", "weekly")]
    by = {r["code"]: r for r in rows}
    assert by["MAP"]["requests"] == ["ehcna", "issue-decision", "resource", "placement-change",
                                     "reassessment", "offsetting"]
    assert by["CAP"]["requests"] == ["special-school-admission", "resource-base-admission",
                                     "inmss-consultation"]
    assert by["CCP"]["requests"] == ["exceptional-placement", "personal-budget", "eotas", "ehe"]
    assert by["JTP"]["requests"] == ["joint-funding"]
    assert (by["MAP"]["outcome_days"], by["MAP"]["outcome_working_days"],
            by["MAP"]["outcome_email"]) == (5, True, True)
    assert (by["JTP"]["outcome_days"], by["JTP"]["outcome_working_days"],
            by["JTP"]["outcome_email"], by["JTP"]["outcome_by"]) == \
        (5, False, False, "nominated allocated professional")


def test_panel_list_matches_the_rules_module(cli):
    from send_cli.rules.panels import DEFAULT_PANELS

    rows = {r["code"]: r for r in cli.json("panel", "list")}
    for p in DEFAULT_PANELS:
        row = rows[p.code]
        assert (row["name"], row["cadence"], tuple(row["requests"]), row["outcome_days"],
                row["outcome_working_days"], row["outcome_email"], row["outcome_by"]) == \
            (p.name, p.cadence, p.requests, p.outcome_days, p.outcome_working_days,
             p.outcome_email, p.outcome_by)


def test_panel_add_and_refusals(cli):
    result = cli.ok("panel", "add", "sep", "--name", "Sensory Panel", "--cadence", "monthly",
                    "--requests", "transport,resource", "--outcome-days", "3",
                    "--no-outcome-email")
    assert "new request types: transport" in result.stderr
    row = cli.json("panel", "list")[-1]
    assert row == {"code": "SEP", "name": "Sensory Panel", "cadence": "monthly",
                   "requests": ["resource", "transport"],
                   "outcome": "a call by the casework officer within 3 working days of the "
                              "meeting",
                   "outcome_days": 3, "outcome_working_days": True, "outcome_email": False,
                   "outcome_by": "casework officer"}
    assert cli.fails(1, "panel", "add", "SEP", "--name", "X", "--cadence", "weekly",
                     "--requests", "transport") == "error: panel 'SEP' already exists"
    assert cli.fails(2, "panel", "add", "NEW", "--name", "X", "--cadence", "daily",
                     "--requests", "transport") == \
        "error: --cadence 'daily' is not known; use one of: weekly, fortnightly, monthly"
    assert cli.fails(2, "panel", "add", "NEW", "--name", "X", "--cadence", "weekly",
                     "--requests", "Bad Type") == \
        ("error: request type 'Bad Type' is not valid; use lower-case letters, digits and "
         "'-', e.g. personal-budget")
    assert cli.fails(2, "panel", "add", "NEW", "--name", "X", "--cadence", "weekly",
                     "--requests", ",") == \
        ("error: --requests is empty; name the request types the panel considers, e.g. "
         "--requests transport,resource")
    assert cli.fails(2, "panel", "add", "N", "--name", "X", "--cadence", "weekly",
                     "--requests", "x1").startswith("error: panel code 'N' is not valid")
    assert cli.fails(2, "panel", "add", "NEW", "--name", "X", "--cadence", "weekly",
                     "--requests", "x1", "--outcome-days", "0") == \
        "error: --outcome-days 0 is out of range; use 1 to 60"
    assert [r["code"] for r in cli.json("panel", "list")] == ["MAP", "CAP", "CCP", "JTP", "SEP"]


def test_schedule_across_christmas_moves_bank_holiday_meetings(cli):
    result = cli.ok("panel", "schedule", "MAP", "--from", "2026-12-01", "--to", "2027-01-31",
                    "--weekday", "fri", "--format", "json")
    assert result.stderr.splitlines() == [
        "Fri 2026-12-25 is Christmas Day: moved to Tue 2026-12-29",
        "Fri 2027-01-01 is New Year's Day: moved to Mon 2027-01-04",
        "MAP: 9 meetings created, 0 already there"]
    rows = json.loads(result.stdout)
    assert [r["date"] for r in rows] == MAP_DATES
    assert {r["status"] for r in rows} == {"created"}
    meetings = cli.json("panel", "meetings", "MAP")
    assert [(m["date"], m["moved_from"]) for m in meetings] == [
        (d, {"2026-12-29": "2026-12-25", "2027-01-04": "2027-01-01"}.get(d))
        for d in MAP_DATES]
    assert meetings[0] == {"panel": "MAP", "date": "2026-12-04", "weekday": "Fri",
                           "time": "10:00", "moved_from": None, "cancelled": False, "cases": 0}


def test_schedule_again_makes_nothing_twice(cli):
    args = ("panel", "schedule", "MAP", "--from", "2026-12-01", "--to", "2027-01-31",
            "--weekday", "fri")
    cli.ok(*args)
    again = cli.ok(*args, "--format", "json")
    assert again.stderr.splitlines()[-1] == "MAP: 0 meetings created, 9 already there"
    assert {r["status"] for r in json.loads(again.stdout)} == {"exists"}
    # overlapping a longer period creates only the new ones
    more = cli.ok("panel", "schedule", "MAP", "--from", "2026-12-20", "--to", "2027-02-10",
                  "--weekday", "friday")
    assert more.stderr.splitlines()[-1] == "MAP: 1 meeting created, 6 already there"
    assert len(cli.json("panel", "meetings", "MAP")) == 10
    audit = [a for a in cli.json("audit") if a["action"] == "meeting.schedule"]
    assert len(audit) == 2


def test_fortnightly_schedule_keeps_its_fortnight(cli):
    first = cli.json("panel", "schedule", "CAP", "--from", "2026-11-30", "--to",
                     "2026-12-31", "--weekday", "mon", "--time", "14:00")
    assert [(r["date"], r["moved_from"], r["time"]) for r in first] == [
        ("2026-11-30", None, "14:00"), ("2026-12-14", None, "14:00"),
        ("2026-12-29", "2026-12-28", "14:00")]
    later = cli.json("panel", "schedule", "CAP", "--from", "2027-01-01", "--to",
                     "2027-02-28", "--weekday", "mon", "--time", "14:00")
    assert [r["date"] for r in later] == ["2027-01-11", "2027-01-25", "2027-02-08",
                                          "2027-02-22"]


def test_schedule_refusals(cli):
    assert cli.fails(2, "panel", "schedule", "MAP", "--from", "2026-12-01", "--to",
                     "2027-01-31", "--weekday", "sat") == \
        "error: --weekday 'sat' is not a working weekday; use one of: mon, tue, wed, thu, fri"
    assert cli.fails(2, "panel", "schedule", "MAP", "--from", "2026-12-01", "--to",
                     "2026-11-01", "--weekday", "mon") == \
        "error: --to 2026-11-01 is before --from 2026-12-01"
    assert cli.fails(2, "panel", "schedule", "MAP", "--from", "2026-12-01", "--to",
                     "2030-12-01", "--weekday", "mon") == \
        ("error: --from 2026-12-01 to --to 2030-12-01 is more than three years; schedule a "
         "shorter period")
    assert cli.fails(2, "panel", "schedule", "MAP", "--from", "2026-12-01", "--to",
                     "2026-12-31", "--weekday", "mon", "--time", "25:00") == \
        "error: --time '25:00' is not a time; use HH:MM from 00:00 to 23:59, e.g. 10:00"
    assert cli.fails(1, "panel", "schedule", "XYZ", "--from", "2026-12-01", "--to",
                     "2026-12-31", "--weekday", "mon") == "error: no panel 'XYZ'"
    assert cli.json("panel", "meetings") == []


def test_meetings_filters(panels):
    panels.ok("panel", "schedule", "CAP", "--from", "2026-12-01", "--to", "2026-12-31",
              "--weekday", "mon")
    rows = panels.json("panel", "meetings", "--from", "2026-12-20", "--to", "2027-01-05")
    assert [(r["panel"], r["date"]) for r in rows] == [
        ("CAP", "2026-12-21"), ("MAP", "2026-12-29"), ("MAP", "2027-01-04")]
    assert panels.fails(1, "panel", "meetings", "NOPE") == "error: no panel 'NOPE'"


def test_refer_checks_the_remit(panels):
    assert panels.fails(1, "panel", "refer", "C-1", "--panel", "MAP", "--request", "eotas") == \
        "error: MAP does not consider 'eotas'; the Complex Cases Panel (CCP) does"
    assert panels.fails(1, "panel", "refer", "C-1", "--panel", "CAP", "--request", "ehcna") == \
        "error: CAP does not consider 'ehcna'; the Multi-Agency Panel (MAP) does"
    assert panels.fails(1, "panel", "refer", "C-1", "--panel", "MAP",
                        "--request", "joint-funding") == \
        "error: MAP does not consider 'joint-funding'; the Joint and Tripartite Panel (JTP) does"
    line = panels.fails(2, "panel", "refer", "C-1", "--panel", "MAP", "--request", "ehcnaa")
    assert line.startswith("error: --request 'ehcnaa' is not a request type; use one of: "
                           "ehcna, issue-decision,")
    assert panels.fails(1, "panel", "refer", "C-1", "--panel", "XX", "--request", "ehcna") == \
        "error: no panel 'XX'"
    assert panels.fails(1, "panel", "refer", "C-9", "--panel", "MAP", "--request", "ehcna") == \
        "error: no case 'C-9'"
    # every request type of the contract is accepted by its own panel
    panels.ok("panel", "schedule", "CCP", "--from", "2026-12-01", "--to", "2026-12-31",
              "--weekday", "wed")
    assert panels.ok("panel", "refer", "C-1", "--panel", "CCP", "--request", "eotas").stdout \
        == "2026-12-02\n"
    assert panels.ok("panel", "refer", "C-1", "--panel", "MAP", "--request", "ehcna").stdout \
        == "2026-12-04\n"
    assert len(panels.json("followup", "list", "C-1")) == 2


@pytest.mark.parametrize(("now", "meeting", "papers_due"), [
    ("2026-12-16T16:59", "2026-12-18", "2026-12-16"),
    ("2026-12-17T09:00", "2026-12-29", "2026-12-23"),
    ("2026-12-23T17:30", "2026-12-29", "2026-12-23"),  # the deadline is today: not passed
    ("2026-12-24T09:00", "2027-01-04", "2026-12-30"),  # Christmas Eve: too late for the 29th
    ("2026-12-30T23:59", "2027-01-04", "2026-12-30"),
    ("2026-12-31T08:00", "2027-01-08", "2027-01-06"),
])
def test_default_meeting_is_the_next_with_a_papers_deadline_ahead(panels, now, meeting,
                                                                   papers_due):
    result = panels.ok("panel", "refer", "C-1", "--panel", "MAP", "--request", "ehcna", now=now)
    assert result.stdout == meeting + "\n"
    assert result.stderr.startswith(f"C-1 is on the agenda of MAP {meeting} 10:00 for 'ehcna'; "
                                    f"papers due by {papers_due}")
    rows = panels.json("followup", "list", "C-1")
    assert [(r["kind"], r["due"], r["officer"]) for r in rows] == [
        ("papers", papers_due, "CO1")]


def test_no_meeting_ahead_is_refused(panels):
    assert panels.fails(1, "panel", "refer", "C-1", "--panel", "MAP", "--request", "ehcna",
                        now="2027-01-28T09:00") == \
        ("error: MAP has no meeting ahead whose papers deadline has not passed (papers are "
         "due 2 working days before a meeting)")
    assert panels.fails(1, "panel", "refer", "C-1", "--panel", "CAP",
                        "--request", "special-school-admission").startswith(
        "error: CAP has no meeting ahead")


def test_refer_to_a_named_meeting(panels):
    # a late referral to a named meeting is allowed, and says the papers are late
    result = panels.ok("panel", "refer", "C-1", "--panel", "MAP", "--request", "resource",
                       "--meeting", "2026-12-29", "--officer", "CO2", now="2026-12-24T10:00")
    assert "note: the papers deadline (2026-12-23) has passed: the papers are late" in \
        result.stderr
    row = agenda(panels, "2026-12-29", now="2026-12-24T10:00")[0]
    assert (row["officer"], row["papers"]) == ("CO2", "missing")
    assert panels.fails(1, "panel", "refer", "C-1", "--panel", "MAP", "--request", "resource",
                        "--meeting", "2027-01-04", now="2026-12-24T10:00") == \
        "error: case 'C-1' is already on the agenda of MAP 2026-12-29 for 'resource'"
    assert panels.fails(1, "panel", "refer", "C-2", "--panel", "MAP", "--request", "ehcna",
                        "--meeting", "2026-12-25") == \
        "error: no MAP meeting on 2026-12-25: it moved to 2026-12-29"
    assert panels.fails(1, "panel", "refer", "C-2", "--panel", "MAP", "--request", "ehcna",
                        "--meeting", "2026-12-30") == "error: no MAP meeting on 2026-12-30"
    assert panels.fails(1, "panel", "refer", "C-2", "--panel", "MAP", "--request", "ehcna",
                        "--meeting", "2026-12-29", now="2026-12-29T10:00") == \
        "error: the MAP meeting of 2026-12-29 has already started"
    assert panels.fails(1, "panel", "refer", "C-2", "--panel", "MAP", "--request", "ehcna",
                        "--meeting", "2026-12-18", now="2026-12-29T10:00") == \
        "error: the MAP meeting of 2026-12-18 has already taken place"
    assert panels.fails(1, "panel", "refer", "C-2", "--panel", "MAP", "--request", "ehcna",
                        "--officer", "NOPE") == "error: no officer 'NOPE'"
    panels.ok("case", "close", "C-2", "--reason", "moved away")
    assert panels.fails(1, "panel", "refer", "C-2", "--panel", "MAP", "--request", "ehcna") == \
        "error: case 'C-2' is closed"
    assert len(agenda(panels, "2026-12-29")) == 1


def test_papers_settle_the_papers_followup(panels):
    panels.ok("panel", "refer", "C-1", "--panel", "MAP", "--request", "ehcna",
              now="2026-12-21T09:00")
    panels.ok("panel", "refer", "C-2", "--panel", "MAP", "--request", "ehcna",
              now="2026-12-21T09:00")
    panels.ok("panel", "papers", "C-1", "--panel", "MAP", "--meeting", "2026-12-29",
              "--received", "2026-12-22", now="2026-12-22T12:00")
    late = panels.ok("panel", "papers", "C-2", "--panel", "MAP", "--meeting", "2026-12-29",
                     "--received", "2026-12-24", now="2026-12-24T12:00")
    assert late.stderr.strip() == ("papers for C-2 at MAP 2026-12-29 received 2026-12-24 "
                                   "(late: they were due by 2026-12-23)")
    rows = agenda(panels, "2026-12-29", now="2026-12-24T12:00")
    assert [(r["case_ref"], r["papers_due"], r["papers_received"], r["papers"]) for r in rows] \
        == [("C-1", "2026-12-23", "2026-12-22", "received"),
            ("C-2", "2026-12-23", "2026-12-24", "late")]
    followups = panels.json("followup", "list", "--all")
    assert [(f["case_ref"], f["kind"], f["status"], f["done_at"]) for f in followups] == [
        ("C-1", "papers", "done", "2026-12-22T12:00+00:00"),
        ("C-2", "papers", "done", "2026-12-24T12:00+00:00")]
    assert panels.json("followup", "list") == []
    assert panels.fails(1, "panel", "papers", "C-1", "--panel", "MAP", "--meeting",
                        "2026-12-29", "--received", "2026-12-23", now="2026-12-24T12:00") == \
        ("error: the papers of 'C-1' for MAP 2026-12-29 were recorded as received on "
         "2026-12-22")
    assert panels.fails(2, "panel", "papers", "C-1", "--panel", "MAP", "--meeting",
                        "2026-12-29", "--received", "2026-12-25", now="2026-12-24T12:00") == \
        "error: --received 2026-12-25 is in the future; use 2026-12-24 or earlier"
    assert panels.fails(1, "panel", "papers", "C-1", "--panel", "MAP", "--meeting",
                        "2027-01-08", "--received", "2026-12-23", now="2026-12-24T12:00") == \
        "error: case 'C-1' is not on the agenda of MAP 2027-01-08"


def test_missing_papers_show_on_the_agenda_and_as_a_followup(panels):
    panels.ok("panel", "refer", "C-1", "--panel", "MAP", "--request", "ehcna",
              now="2026-12-21T09:00")
    assert agenda(panels, "2026-12-29", now="2026-12-23T17:00")[0]["papers"] == "awaited"
    assert agenda(panels, "2026-12-29", now="2026-12-24T09:00")[0]["papers"] == "missing"
    overdue = panels.json("followup", "list", "C-1")
    assert [(f["kind"], f["due"], f["officer"], f["status"]) for f in overdue] == [
        ("papers", "2026-12-23", "CO1", "open")]


def test_agenda_keys_and_personal_details(panels):
    panels.ok("panel", "refer", "C-1", "--panel", "MAP", "--request", "ehcna",
              now="2026-12-21T09:00")
    rows = agenda(panels, "2026-12-29", now="2026-12-21T09:00")
    assert rows == [{"case_ref": "C-1", "child": "Sam Jones", "request": "ehcna",
                     "officer": "CO1", "papers_due": "2026-12-23", "papers_received": None,
                     "papers": "awaited", "declarations": [], "prior_decisions": [],
                     "outcome": None}]
    assert "dob" not in rows[0] and "setting" not in rows[0]
    full = agenda(panels, "2026-12-29", "--with-personal-details", now="2026-12-21T09:00")
    assert (full[0]["dob"], full[0]["setting"]) == ("2016-05-04", None)
    table = panels.ok("panel", "agenda", "MAP", "--meeting", "2026-12-29",
                      now="2026-12-21T09:00").stdout
    assert "MAP Multi-Agency Panel, Tue 2026-12-29 10:00 (moved from Fri 2026-12-25)" in table
    assert "2016-05-04" not in table
    assert agenda(panels, "2027-01-08") == []
    assert panels.fails(1, "panel", "agenda", "MAP", "--meeting", "2026-12-25") == \
        "error: no MAP meeting on 2026-12-25: it moved to 2026-12-29"
    assert panels.fails(2, "panel", "agenda", "MAP", "--meeting", "soon") == \
        "error: --meeting 'soon' is not a date; use YYYY-MM-DD, e.g. 2026-12-24"


def test_agenda_next_is_the_first_meeting_not_started(panels):
    panels.ok("panel", "refer", "C-1", "--panel", "MAP", "--request", "ehcna",
              now="2026-12-29T09:00")
    rows = panels.json("panel", "agenda", "MAP", "--meeting", "next", now="2027-01-04T09:59")
    assert [r["case_ref"] for r in rows] == ["C-1"]
    assert panels.json("panel", "agenda", "MAP", "--meeting", "next",
                       now="2027-01-04T10:00") == []
    assert panels.fails(1, "panel", "agenda", "MAP", "--meeting", "next",
                        now="2027-02-01T09:00") == "error: MAP has no meeting ahead"


def test_chairs_csv_export_opens_safely_in_a_spreadsheet(panels, tmp_path):
    panels.case("C-3", name="=HYPERLINK(\"http://x\")", officer="CO1")
    for ref in ("C-1", "C-3"):
        panels.ok("panel", "refer", ref, "--panel", "MAP", "--request", "ehcna",
                  now="2026-12-21T09:00")
    panels.ok("panel", "declare", "--panel", "MAP", "--meeting", "2026-12-29", "--member",
              "Ann Morgan", "--case", "C-1", "--interest", "+44 neighbour", now="2026-12-21")
    panels.ok("panel", "declare", "--panel", "MAP", "--meeting", "2026-12-29", "--member",
              "Raj Okafor", "--case", "C-1", "--interest", "school governor", now="2026-12-21")
    out = tmp_path / "agenda.csv"
    panels.ok("panel", "agenda", "MAP", "--meeting", "2026-12-29", "--format", "csv", "-o",
              str(out), now="2026-12-22T09:00")
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    with open(out, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["case_ref", "child", "request", "officer", "papers_due",
                             "papers_received", "papers", "declarations", "prior_decisions",
                             "outcome"]
    assert rows[0]["declarations"] == "Ann Morgan: +44 neighbour; Raj Okafor: school governor"
    assert rows[1]["child"] == "'=HYPERLINK(\"http://x\")"
    assert all(not v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())


def test_declarations(panels):
    panels.ok("panel", "refer", "C-1", "--panel", "MAP", "--request", "ehcna",
              now="2026-12-21T09:00")
    args = ("panel", "declare", "--panel", "MAP", "--meeting", "2026-12-29", "--member",
            "Ann Morgan", "--case", "C-1", "--interest", "neighbour of the family")
    result = panels.ok(*args, now="2026-12-21T10:00")
    assert result.stderr.strip() == ("Ann Morgan declared an interest in C-1 at MAP 2026-12-29 "
                                     "and takes no part in that case")
    assert panels.fails(1, "panel", "declare", "--panel", "MAP", "--meeting", "2026-12-29",
                        "--member", "ann  morgan", "--case", "C-1", "--interest", "x") == \
        "error: Ann Morgan has already declared an interest in 'C-1' at MAP 2026-12-29"
    assert panels.fails(1, "panel", "declare", "--panel", "MAP", "--meeting", "2026-12-29",
                        "--member", "Raj", "--case", "C-2", "--interest", "x") == \
        "error: case 'C-2' is not on the agenda of MAP 2026-12-29"
    assert panels.fails(2, "panel", "declare", "--panel", "MAP", "--meeting", "2026-12-29",
                        "--member", "Raj", "--case", "C-1", "--interest", " ") == \
        "error: --interest is empty; give some text"
    assert agenda(panels, "2026-12-29")[0]["declarations"] == [
        "Ann Morgan: neighbour of the family"]
    show = panels.json("case", "show", "C-1")
    assert show["declarations"] == [{"panel": "MAP", "meeting": "2026-12-29",
                                     "member": "Ann Morgan",
                                     "interest": "neighbour of the family"}]
    assert show["referrals"] == [{"panel": "MAP", "meeting": "2026-12-29", "time": "10:00",
                                  "request": "ehcna", "officer": "CO1",
                                  "papers_due": "2026-12-23", "papers_received": None,
                                  "outcome": None}]
    assert [a["action"] for a in panels.json("audit", "C-1")][-2:] == [
        "referral.add", "declaration.add"]


def test_move_a_meeting_takes_its_agenda(panels):
    panels.ok("panel", "refer", "C-1", "--panel", "MAP", "--request", "ehcna",
              now="2026-12-21T09:00")
    panels.ok("panel", "declare", "--panel", "MAP", "--meeting", "2026-12-29", "--member",
              "Ann Morgan", "--case", "C-1", "--interest", "neighbour", now="2026-12-21")
    result = panels.ok("panel", "move", "MAP", "--meeting", "2026-12-29", "--to",
                       "2026-12-31", "--time", "14:00", now="2026-12-21T09:00")
    assert result.stderr.strip() == ("the MAP meeting of 2026-12-29 is now on 2026-12-31 14:00 "
                                     "(1 case with it)")
    rows = agenda(panels, "2026-12-31", now="2026-12-21T09:00")
    assert [(r["case_ref"], r["papers_due"], r["declarations"]) for r in rows] == [
        ("C-1", "2026-12-29", ["Ann Morgan: neighbour"])]
    assert [(f["kind"], f["due"]) for f in panels.json("followup", "list", "C-1")] == [
        ("papers", "2026-12-29")]
    moved = [m for m in panels.json("panel", "meetings", "MAP") if m["date"] == "2026-12-31"]
    assert moved == [{"panel": "MAP", "date": "2026-12-31", "weekday": "Thu", "time": "14:00",
                      "moved_from": "2026-12-25", "cancelled": False, "cases": 1}]
    # the schedule again does not bring the 25 December meeting back
    again = panels.ok("panel", "schedule", "MAP", "--from", "2026-12-01", "--to", "2027-01-31",
                      "--weekday", "fri", now="2026-12-21T09:00")
    assert again.stderr.splitlines()[-1] == "MAP: 0 meetings created, 9 already there"
    # only the time
    panels.ok("panel", "move", "MAP", "--meeting", "2027-01-08", "--time", "9:30")
    assert [m["time"] for m in panels.json("panel", "meetings", "MAP", "--from", "2027-01-08",
                                           "--to", "2027-01-08")] == ["09:30"]


def test_move_refusals(panels):
    assert panels.fails(1, "panel", "move", "MAP", "--meeting", "2027-01-08", "--to",
                        "2027-01-04") == \
        "error: MAP already has a meeting on 2027-01-04"
    assert panels.fails(1, "panel", "move", "MAP", "--meeting", "2027-01-08", "--to",
                        "2026-12-28") == \
        "error: 2026-12-28 is not a working day (Boxing Day (observed)); choose another day"
    assert panels.fails(1, "panel", "move", "MAP", "--meeting", "2027-01-08", "--to",
                        "2027-01-09").startswith("error: 2027-01-09 is not a working day")
    assert panels.fails(1, "panel", "move", "MAP", "--meeting", "2027-01-08", "--to",
                        "2026-11-20") == \
        "error: --to 2026-11-20 is in the past (today is 2026-11-23)"
    assert panels.fails(2, "panel", "move", "MAP", "--meeting", "2027-01-08") == \
        "error: nothing to change; give --to DATE or a new --time HH:MM"
    assert panels.fails(1, "panel", "move", "MAP", "--meeting", "2027-01-09", "--to",
                        "2027-01-07") == "error: no MAP meeting on 2027-01-09"


def test_cancel_moves_the_agenda_to_the_next_meeting(panels):
    panels.ok("panel", "refer", "C-1", "--panel", "MAP", "--request", "ehcna",
              now="2026-12-21T09:00")
    panels.ok("panel", "refer", "C-2", "--panel", "MAP", "--request", "resource",
              now="2026-12-21T09:00")
    panels.ok("panel", "declare", "--panel", "MAP", "--meeting", "2026-12-29", "--member",
              "Ann Morgan", "--case", "C-2", "--interest", "aunt", now="2026-12-21")
    result = panels.ok("panel", "cancel", "MAP", "--meeting", "2026-12-29", "--reason",
                       "not quorate", now="2026-12-22T09:00")
    assert result.stderr.strip() == ("cancelled the MAP meeting of 2026-12-29; 2 cases moved "
                                     "to 2027-01-04")
    rows = agenda(panels, "2027-01-04", now="2026-12-22T09:00")
    assert [(r["case_ref"], r["papers_due"], r["declarations"]) for r in rows] == [
        ("C-1", "2026-12-30", []), ("C-2", "2026-12-30", ["Ann Morgan: aunt"])]
    assert [(f["case_ref"], f["due"]) for f in panels.json("followup", "list")] == [
        ("C-1", "2026-12-30"), ("C-2", "2026-12-30")]
    assert "2026-12-29" not in [m["date"] for m in panels.json("panel", "meetings", "MAP")]
    cancelled = [m for m in panels.json("panel", "meetings", "MAP", "--all")
                 if m["date"] == "2026-12-29"]
    assert cancelled[0]["cancelled"] is True and cancelled[0]["cases"] == 0
    assert panels.fails(1, "panel", "agenda", "MAP", "--meeting", "2026-12-29") == \
        "error: the MAP meeting of 2026-12-29 was cancelled"
    assert panels.fails(1, "panel", "refer", "C-1", "--panel", "MAP", "--request", "reassessment",
                        "--meeting", "2026-12-29") == \
        "error: the MAP meeting of 2026-12-29 was cancelled"
    # the schedule again does not bring a cancelled meeting back
    again = panels.ok("panel", "schedule", "MAP", "--from", "2026-12-01", "--to", "2027-01-31",
                      "--weekday", "fri", now="2026-12-22T09:00")
    assert again.stderr.splitlines()[-1] == "MAP: 0 meetings created, 9 already there"
    assert [a["action"] for a in panels.json("audit", "C-2")][-1] == "referral.move"


def test_cancel_with_move_to_and_refusals(panels):
    panels.ok("panel", "refer", "C-1", "--panel", "MAP", "--request", "ehcna",
              now="2026-12-21T09:00")
    panels.ok("panel", "cancel", "MAP", "--meeting", "2026-12-29", "--move-to", "2027-01-08",
              now="2026-12-22T09:00")
    assert [r["papers_due"] for r in agenda(panels, "2027-01-08")] == ["2027-01-06"]
    panels.ok("panel", "refer", "C-1", "--panel", "MAP", "--request", "resource",
              "--meeting", "2027-01-15", now="2026-12-22T09:00")
    assert panels.fails(2, "panel", "cancel", "MAP", "--meeting", "2027-01-08", "--move-to",
                        "2027-01-08") == \
        ("error: --move-to 2027-01-08 is the meeting being cancelled; give another meeting's "
         "date")
    assert panels.fails(1, "panel", "cancel", "MAP", "--meeting", "2027-01-08", "--move-to",
                        "2027-01-09") == "error: no MAP meeting on 2027-01-09"
    assert panels.fails(1, "panel", "cancel", "MAP", "--meeting", "2027-01-08", "--move-to",
                        "2026-12-29") == "error: the MAP meeting of 2026-12-29 was cancelled"
    # the last meeting has nowhere to send its agenda
    panels.ok("panel", "refer", "C-2", "--panel", "MAP", "--request", "ehcna",
              "--meeting", "2027-01-29")
    assert panels.fails(1, "panel", "cancel", "MAP", "--meeting", "2027-01-29") == \
        ("error: the MAP meeting of 2027-01-29 has 1 case on its agenda and no later "
         "meeting to take them")
    # a meeting with nothing on it is simply cancelled
    panels.ok("panel", "cancel", "MAP", "--meeting", "2027-01-22")
    assert len(panels.json("panel", "meetings", "MAP")) == 7


def test_cancel_refuses_a_clash_on_the_target(panels):
    # the 18 December meeting did not reach C-1, which went on to the 29th
    panels.ok("panel", "refer", "C-1", "--panel", "MAP", "--request", "ehcna",
              now="2026-12-14T09:00")
    panels.ok("panel", "refer", "C-1", "--panel", "MAP", "--request", "ehcna",
              now="2026-12-21T09:00")
    assert panels.fails(1, "panel", "cancel", "MAP", "--meeting", "2026-12-18",
                        now="2026-12-21T09:00") == \
        "error: case 'C-1' is already on the agenda of MAP 2026-12-29 for 'ehcna'"
    assert len(panels.json("panel", "meetings", "MAP")) == 9
    assert [r["case_ref"] for r in agenda(panels, "2026-12-18")] == ["C-1"]


def test_a_presenting_officer_who_leaves_is_replaced_on_the_agenda(panels):
    panels.ok("panel", "refer", "C-1", "--panel", "MAP", "--request", "ehcna",
              now="2026-12-21T09:00")
    panels.ok("officer", "leave", "CO1", "--to", "AO1", now="2026-12-22T09:00")
    row = agenda(panels, "2026-12-29", now="2026-12-22T09:00")[0]
    assert row["officer"] == "AO1"
    assert [(f["kind"], f["officer"]) for f in panels.json("followup", "list", "C-1")] == [
        ("papers", "AO1")]
