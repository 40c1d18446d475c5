"""Officers and cases through the command line."""

from __future__ import annotations


def test_add_and_list_officers(cli):
    cli.team()
    rows = cli.json("officer", "list")
    assert [r["code"] for r in rows] == ["AO1", "BS1", "CO1", "CO2", "LCO1", "SCO1"]
    assert set(rows[0]) == {"code", "name", "email", "team", "role", "active", "login",
                            "admin", "away_from", "away_to", "cover"}
    assert all(r["active"] is True for r in rows)


def test_officer_duplicate_and_bad_values(team):
    assert team.fails(1, "officer", "add", "AO1", "--name", "X", "--email", "x@c.gov.uk",
                      "--team", "assessment", "--role", "assessment-officer") == \
        "error: officer 'AO1' already exists"
    line = team.fails(2, "officer", "add", "AO9", "--name", "X", "--email", "x@c.gov.uk",
                      "--team", "finance", "--role", "assessment-officer")
    assert line == ("error: --team 'finance' is not known; use one of: assessment, "
                    "early-years-primary, secondary-post16, tribunals, business-support")


def test_case_add_prints_reference_and_lists(team):
    assert team.case("C-1") == "C-1"
    made = team.ok("case", "add", "--name", "Ann Lee", "--dob", "2019-01-01", "--officer",
                   "AO1", "--received", "2026-11-20").stdout.strip()
    assert made == "EHC-2026-00001"
    rows = team.json("case", "list")
    assert [r["ref"] for r in rows] == ["C-1", "EHC-2026-00001"]
    for key in ("ref", "name", "dob", "officer", "status", "received"):
        assert key in rows[0]
    assert rows[0]["status"] == "requested"
    assert [r["ref"] for r in team.json("case", "list", "--officer", "AO1")] == \
        ["EHC-2026-00001"]


def test_case_refusals_write_nothing(team):
    team.case("C-1")
    assert team.fails(1, "case", "add", "--ref", "C-1", "--name", "B", "--dob", "2016-01-01",
                      "--officer", "CO1", "--received", "2026-11-02") == \
        "error: case 'C-1' already exists"
    assert "not a real date" in team.fails(
        2, "case", "add", "--name", "B", "--dob", "2016-02-30", "--officer", "CO1",
        "--received", "2026-11-02")
    assert "in the future" in team.fails(
        2, "case", "add", "--name", "B", "--dob", "2016-02-01", "--officer", "CO1",
        "--received", "2026-11-24")
    assert team.fails(1, "case", "add", "--name", "B", "--dob", "2016-02-01", "--officer",
                      "NOPE", "--received", "2026-11-02") == "error: no officer 'NOPE'"
    assert [r["ref"] for r in team.json("case", "list")] == ["C-1"]


def test_twenty_fifth_birthday_and_leap_day(team):
    # born 29 Feb 2004: 25 on 1 March 2029 (no 29 February that year)
    team.ok("case", "add", "--ref", "L-1", "--name", "Leap", "--dob", "2004-02-29",
            "--officer", "CO2", "--received", "2029-02-28", now="2029-03-05")
    line = team.fails(1, "case", "add", "--ref", "L-2", "--name", "Leap", "--dob",
                      "2004-02-29", "--officer", "CO2", "--received", "2029-03-01",
                      now="2029-03-05")
    assert "25 or over" in line
    # the day before the 25th birthday is accepted; the birthday itself is not
    team.ok("case", "add", "--ref", "B-1", "--name", "Y", "--dob", "2001-11-23",
            "--officer", "CO2", "--received", "2026-11-22")
    assert "25 or over" in team.fails(1, "case", "add", "--ref", "B-2", "--name", "Y",
                                      "--dob", "2001-11-23", "--officer", "CO2",
                                      "--received", "2026-11-23")


def test_assign_close_and_leave(team):
    team.case("C-1", officer="CO1")
    team.case("C-2", officer="CO1")
    team.ok("case", "assign", "C-1", "CO2")
    assert team.json("case", "list", "--officer", "CO2")[0]["ref"] == "C-1"
    team.ok("case", "close", "C-2", "--reason", "moved away")
    assert team.fails(1, "case", "close", "C-2", "--reason", "again") == \
        "error: case 'C-2' is closed"
    team.ok("officer", "leave", "CO2", "--to", "AO1")
    rows = {r["code"]: r for r in team.json("officer", "list")}
    assert rows["CO2"]["active"] is False
    assert team.json("case", "list", "--officer", "AO1")[0]["ref"] == "C-1"
    assert team.fails(1, "case", "assign", "C-1", "CO2") == "error: officer 'CO2' has left"


def test_unknown_case(team):
    assert team.fails(1, "case", "show", "T-09") == "error: no case 'T-09'"
