"""Contacts, follow-ups and the overdue report over Christmas 2026."""

from __future__ import annotations


def log(cli, *args, at, now=None):
    return cli.ok("contact", "log", "C-1", *args, "--at", at, now=now or at)


def test_a_day_of_casework_over_christmas(team):
    team.case("C-1", officer="CO1")
    # a voicemail at 15:20 on Christmas Eve is owed a call back after the holidays
    log(team, "--channel", "voicemail", "--direction", "in", "--party", "parent",
        "--summary", "please call", at="2026-12-24T15:20")
    # an email the same afternoon: a reply within 5 working days
    log(team, "--channel", "email", "--direction", "in", "--party", "parent",
        "--summary", "where is the plan?", at="2026-12-24T16:05")
    # a phone message before 15:00 on 29 December: the same day
    log(team, "--channel", "phone", "--direction", "in", "--party", "carer",
        "--summary", "rang", at="2026-12-29T14:59")
    rows = team.json("followup", "list", now="2026-12-29T15:00")
    assert [(r["id"], r["kind"], r["due"], r["status"]) for r in rows] == [
        (1, "callback", "2026-12-29", "open"),
        (3, "callback", "2026-12-29", "open"),
        (2, "reply", "2027-01-05", "open"),
    ]
    assert team.json("overdue", now="2026-12-29T17:00") == []
    over = team.json("overdue", now="2027-01-04T09:00")
    assert [(r["followup_id"], r["working_days_overdue"]) for r in over] == [(1, 3), (3, 3)]
    assert over[0] == {"followup_id": 1, "case_ref": "C-1", "child": "Sam Jones",
                       "kind": "callback", "due": "2026-12-29", "working_days_overdue": 3,
                       "officer": "CO1", "team": "early-years-primary", "for": ""}
    # calling the family back settles the oldest open call back only
    log(team, "--channel", "phone", "--direction", "out", "--party", "parent",
        "--summary", "called back", at="2027-01-04T09:30")
    rows = team.json("followup", "list", "--all", now="2027-01-04T10:00")
    assert {r["id"]: r["status"] for r in rows} == {1: "done", 2: "open", 3: "open"}
    assert [r for r in rows if r["id"] == 1][0]["done_at"] == "2027-01-04T09:30+00:00"
    # a call to the school settles nothing; an email to the family settles the reply
    log(team, "--channel", "phone", "--direction", "out", "--party", "school",
        "--summary", "asked school", at="2027-01-04T10:00")
    log(team, "--channel", "email", "--direction", "out", "--party", "parent",
        "--summary", "replied", at="2027-01-04T11:00")
    assert [r["id"] for r in team.json("followup", "list", now="2027-01-04T12:00")] == [3]
    team.ok("followup", "done", "3", "--note", "spoke to carer", now="2027-01-04T12:00")
    assert team.json("followup", "list", now="2027-01-04T12:00") == []
    assert team.fails(1, "followup", "done", "3", now="2027-01-04T12:00") == \
        "error: follow-up 3 was already done on 2027-01-04"


def test_overdue_filters_and_exit_code(team):
    team.case("C-1", officer="CO1")
    team.case("C-2", officer="CO2")
    team.ok("contact", "log", "C-2", "--channel", "letter", "--direction", "in", "--party",
            "parent", "--summary", "letter", "--at", "2026-11-02T10:00")
    log(team, "--channel", "email", "--direction", "in", "--party", "school",
        "--summary", "school asks", at="2026-11-03T10:00")
    everything = team.json("overdue")
    assert [r["case_ref"] for r in everything] == ["C-2", "C-1"]
    assert [r["working_days_overdue"] for r in everything] == [10, 9]
    assert [r["case_ref"] for r in team.json("overdue", "--officer", "CO1")] == ["C-1"]
    assert [r["case_ref"] for r in team.json("overdue", "--team", "secondary-post16")] == ["C-2"]
    result = team("overdue", "--exit-code")
    assert result.exit_code == 4
    assert team("overdue", "--exit-code", now="2026-11-03T09:00").exit_code == 0
    assert team.fails(2, "overdue", "--team", "finance").startswith("error: --team 'finance'")
    assert team.fails(1, "overdue", "--officer", "ZZ") == "error: no officer 'ZZ'"
    csv_out = team.ok("overdue", "--format", "csv").stdout.splitlines()
    assert csv_out[0] == ("followup_id,case_ref,child,kind,due,working_days_overdue,officer,"
                          "team,for")
    assert csv_out[1] == "1,C-2,Sam Jones,reply,2026-11-09,10,CO2,secondary-post16,"


def test_contact_refusals_write_nothing(team, store_path):
    team.case("C-1")
    assert team.fails(2, "contact", "log", "C-1", "--channel", "fax", "--direction", "in",
                      "--party", "parent", "--summary", "x") == (
        "error: --channel 'fax' is not known; use one of: phone, voicemail, email, letter, "
        "meeting")
    assert team.fails(1, "contact", "log", "NOPE", "--channel", "email", "--direction", "in",
                      "--party", "parent", "--summary", "x") == "error: no case 'NOPE'"
    assert "in the future" in team.fails(
        2, "contact", "log", "C-1", "--channel", "email", "--direction", "in", "--party",
        "parent", "--summary", "x", "--at", "2026-11-23T09:01")
    assert team.fails(2, "contact", "log", "C-1", "--channel", "email", "--direction", "in",
                      "--party", "parent", "--summary", "  ") == \
        "error: --summary is empty; give some text"
    assert team.json("followup", "list") == []
    assert team.fails(1, "followup", "done", "99") == "error: no follow-up 99"
    assert team.fails(2, "followup", "done", "abc").startswith("error: ")


def test_leaving_officer_hands_over_followups(team):
    team.case("C-1", officer="CO1")
    log(team, "--channel", "email", "--direction", "in", "--party", "parent",
        "--summary", "hello", at="2026-11-20T10:00")
    team.ok("officer", "leave", "CO1", "--to", "CO2")
    assert [r["officer"] for r in team.json("followup", "list")] == ["CO2"]
    assert team.json("case", "list")[0]["officer"] == "CO2"


def test_output_file_is_private(team, tmp_path):
    team.case("C-1")
    out = tmp_path / "cases.csv"
    team.ok("case", "list", "--format", "csv", "-o", str(out))
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert out.read_text().splitlines()[0].startswith("ref,name,dob,officer,status")


def test_audit_names_officer_and_time(team):
    team.case("C-1")
    team.ok("contact", "log", "C-1", "--channel", "email", "--direction", "in", "--party",
            "parent", "--summary", "hello", as_="CO1", now="2026-11-23T10:30")
    rows = team.json("audit", "C-1")
    assert [(r["action"], r["officer"], r["at"]) for r in rows] == [
        ("case.add", rows[0]["login"], "2026-11-23T09:00+00:00"),
        ("contact.log", "CO1", "2026-11-23T10:30+00:00"),
    ]
