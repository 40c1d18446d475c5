"""send-cli escalate and escalations: a month of unanswered emails over New
Year 2027, step by step up the ladder, and families' own escalations."""

from __future__ import annotations

import pytest

ESCALATION_KEYS = ["case_ref", "child", "level", "owner_role", "owner", "since",
                   "working_days_overdue", "reason", "followup_id", "kind", "due", "officer",
                   "team", "for"]


@pytest.fixture
def office(team):
    team.case("C-1", officer="CO1", name="Sam Jones")
    team.case("C-2", officer="AO1", name="Ann Lee")
    return team


def email_in(cli, ref, at):
    cli.ok("contact", "log", ref, "--channel", "email", "--direction", "in", "--party",
           "parent", "--summary", "when is the EP visit?", "--at", at, now=at)


def esc(cli, day, *args):
    return cli.json("escalations", *args, now=day)


def test_a_month_of_unanswered_email_over_new_year(office):
    # an email on Mon 14 Dec 2026 is owed a reply by Mon 21 Dec
    email_in(office, "C-1", "2026-12-14T10:00")
    [f] = office.json("followup", "list", "C-1")
    assert (f["kind"], f["due"], f["officer"]) == ("reply", "2026-12-21", "CO1")
    fid = f["id"]
    # 4 working days late on Tue 29 Dec (22, 23, 24, 29; 25 and 28 Dec closed)
    assert esc(office, "2026-12-29") == []
    assert office("escalations", "--exit-code", now="2026-12-29").exit_code == 0
    # 5 working days late on Wed 30 Dec: business support
    [row] = esc(office, "2026-12-30")
    assert row == {"case_ref": "C-1", "child": "Sam Jones", "level": 2,
                   "owner_role": "business-support", "owner": "BS1", "since": "2026-12-30",
                   "working_days_overdue": 5,
                   "reason": "reply due 2026-12-21 unanswered",
                   "followup_id": fid, "kind": "reply", "due": "2026-12-21", "officer": "CO1",
                   "team": "early-years-primary", "for": ""}
    assert list(row) == ESCALATION_KEYS
    assert office("escalations", "--exit-code", now="2026-12-30").exit_code == 4
    # New Year's Day and the weekend do not count: still business support on Mon 4 Jan
    for day, late in (("2027-01-01", 6), ("2027-01-03", 6), ("2027-01-04", 7),
                      ("2027-01-06", 9)):
        [row] = esc(office, day)
        assert (row["level"], row["since"], row["working_days_overdue"]) == \
            (2, "2026-12-30", late), day
    # 10 working days late on Thu 7 Jan: the senior casework officer
    [row] = esc(office, "2027-01-07")
    assert (row["level"], row["owner_role"], row["owner"], row["since"],
            row["working_days_overdue"]) == (3, "senior-casework-officer", "SCO1",
                                             "2027-01-07", 10)
    [row] = esc(office, "2027-01-13")
    assert (row["level"], row["working_days_overdue"]) == (3, 14)
    # 15 on Thu 14 Jan: the lead casework officer, the last step
    [row] = esc(office, "2027-01-14")
    assert (row["level"], row["owner_role"], row["owner"], row["since"]) == \
        (4, "lead-casework-officer", "LCO1", "2027-01-14")
    [row] = esc(office, "2027-02-12")
    assert (row["level"], row["since"], row["working_days_overdue"]) == (4, "2027-01-14", 36)
    # the reply, at last, settles it and clears the ladder
    office.ok("contact", "log", "C-1", "--channel", "email", "--direction", "out", "--party",
              "parent", "--summary", "EP visit booked", now="2027-02-12T11:00")
    assert esc(office, "2027-02-12") == []


def test_a_closure_day_holds_the_ladder_back(office):
    email_in(office, "C-1", "2026-12-14T10:00")
    office.ok("calendar", "close", "2026-12-29", "--reason", "council closure")
    # 22, 23, 24, 30 Dec: only 4 working days late on the 30th now
    assert esc(office, "2026-12-30") == []
    [row] = esc(office, "2026-12-31")
    assert (row["level"], row["since"]) == (2, "2026-12-31")


def test_followup_done_clears_it(office):
    email_in(office, "C-1", "2026-12-14T10:00")
    [row] = esc(office, "2027-01-07")
    office.ok("followup", "done", str(row["followup_id"]), "--note", "replied by letter",
              now="2027-01-07T12:00")
    assert esc(office, "2027-01-07") == []


def test_escalate_records_a_reply_owed_at_that_step(office):
    result = office.ok("escalate", "C-1", "--to", "senior", "--reason",
                       "no reply to two emails", now="2026-12-22T10:00")
    fid = int(result.stdout.strip())
    assert result.stderr.strip() == ("escalated C-1 to senior casework officer (level 3); "
                                     f"reply due Thu 31 Dec 2026 (follow-up {fid})")
    [f] = office.json("followup", "list", "C-1")
    assert (f["id"], f["kind"], f["due"], f["officer"], f["status"]) == \
        (fid, "escalation-reply", "2026-12-31", "CO1", "open")
    # at its own step from the day it was raised, before the reply is even due
    [row] = esc(office, "2026-12-22")
    assert row == {"case_ref": "C-1", "child": "Sam Jones", "level": 3,
                   "owner_role": "senior-casework-officer", "owner": "SCO1",
                   "since": "2026-12-22", "working_days_overdue": 0,
                   "reason": "no reply to two emails", "followup_id": fid,
                   "kind": "escalation-reply", "due": "2026-12-31", "officer": "CO1",
                   "team": "early-years-primary", "for": ""}
    [row] = esc(office, "2027-01-07")  # 4, 5, 6, 7 Jan: 4 working days late
    assert (row["level"], row["since"], row["working_days_overdue"]) == (3, "2026-12-22", 4)
    [row] = esc(office, "2027-01-08")  # 5 late: climbs to the lead
    assert (row["level"], row["owner"], row["since"], row["working_days_overdue"]) == \
        (4, "LCO1", "2027-01-08", 5)
    [row] = esc(office, "2027-03-01")  # capped at the lead
    assert row["level"] == 4
    entries = [e for e in office.json("audit", "C-1") if e["action"] == "escalation.raise"]
    assert len(entries) == 1
    after = entries[0]["after"]
    assert after == {"kind": "escalation-reply", "to": "senior", "level": 3,
                     "reason": "no reply to two emails", "due": "2026-12-31",
                     "officer": "CO1"}
    assert entries[0]["officer"] == entries[0]["login"]  # no --as: the login
    office.ok("followup", "done", str(fid), now="2027-03-01T09:30")
    assert esc(office, "2027-03-01") == []


@pytest.mark.parametrize(("to", "level", "role"), [
    ("business-support", 2, "business-support"), ("senior", 3, "senior-casework-officer"),
    ("lead", 4, "lead-casework-officer")])
def test_escalate_levels(office, to, level, role):
    office.ok("escalate", "C-2", "--to", to, "--reason", "unhappy", now="2027-01-04T09:00")
    [row] = esc(office, "2027-01-04")
    assert (row["level"], row["owner_role"]) == (level, role)


def test_owner_prefers_the_named_officers_team_and_active_officers(office):
    office.ok("officer", "add", "SCO2", "--name", "Lin Wu", "--email", "lw@council.gov.uk",
              "--team", "early-years-primary", "--role", "senior-casework-officer")
    for ref in ("C-1", "C-2"):
        office.ok("escalate", ref, "--to", "senior", "--reason", "no reply",
                  now="2027-01-04T09:00")
    owners = {r["case_ref"]: r["owner"] for r in esc(office, "2027-01-04")}
    # CO1 is in early-years-primary (SCO2's team); AO1 in assessment (SCO1's)
    assert owners == {"C-1": "SCO2", "C-2": "SCO1"}
    office.ok("officer", "leave", "SCO2", "--to", "SCO1")
    office.ok("officer", "leave", "LCO1", "--to", "SCO1")
    office.ok("escalate", "C-1", "--to", "lead", "--reason", "still nothing",
              now="2027-01-04T10:00")
    rows = esc(office, "2027-01-04")
    assert [(r["case_ref"], r["level"], r["owner"]) for r in rows] == \
        [("C-1", 4, "no lead officer"), ("C-1", 3, "SCO1"), ("C-2", 3, "SCO1")]


def test_highest_step_first_and_filters(office):
    email_in(office, "C-1", "2026-12-14T10:00")  # level 3 on 7 Jan
    email_in(office, "C-2", "2026-12-21T10:00")  # due 30 Dec; 5 late on 7 Jan
    office.ok("escalate", "C-2", "--to", "business-support", "--reason", "chasing",
              now="2027-01-05T09:00")
    rows = esc(office, "2027-01-07")
    assert [(r["case_ref"], r["level"], r["kind"], r["since"]) for r in rows] == [
        ("C-1", 3, "reply", "2027-01-07"),
        ("C-2", 2, "escalation-reply", "2027-01-05"),
        ("C-2", 2, "reply", "2027-01-07"),
    ]
    assert [r["case_ref"] for r in esc(office, "2027-01-07", "--officer", "CO1")] == ["C-1"]
    assert [r["case_ref"] for r in esc(office, "2027-01-07", "--team", "assessment")] == \
        ["C-2", "C-2"]
    assert esc(office, "2027-01-07", "--officer", "CO2") == []
    out = office.ok("escalations", "--format", "csv", now="2027-01-07").stdout
    lines = out.splitlines()
    assert lines[0] == ",".join(ESCALATION_KEYS)
    assert lines[1].startswith("C-1,Sam Jones,3,senior-casework-officer,SCO1,2027-01-07,10,")
    assert len(lines) == 4
    table = office.ok("escalations", now="2027-01-07").stdout
    assert "Escalations on Thu 07 Jan 2027" in table and "senior-casework-officer" in table
    assert "\x1b[" not in table
    empty = office.ok("escalations", "--officer", "CO2", now="2027-01-07")
    assert empty.stdout.strip() == "Escalations on Thu 07 Jan 2027: nothing sits above the " \
        "named officers."


def test_escalate_refusals_write_nothing(office):
    office.ok("case", "close", "C-2", "--reason", "moved away")
    assert office.fails(1, "escalate", "NOPE", "--to", "senior", "--reason", "x") == \
        "error: no case 'NOPE'"
    assert office.fails(1, "escalate", "C-2", "--to", "senior", "--reason", "x") == \
        "error: case 'C-2' is closed"
    assert office.fails(2, "escalate", "C-1", "--to", "manager", "--reason", "x") == \
        "error: --to 'manager' is not known; use one of: business-support, senior, lead"
    assert office.fails(2, "escalate", "C-1", "--to", "lead", "--reason", "  ") == \
        "error: --reason is empty; give some text"
    assert office.fails(2, "escalate", "C-1", "--to", "lead") == \
        "error: missing option '--reason'"
    assert office.json("followup", "list") == []
    office.ok("escalate", "C-1", "--to", "senior", "--reason", "first")
    [f] = office.json("followup", "list")
    assert office.fails(1, "escalate", "C-1", "--to", "senior", "--reason", "again") == (
        f"error: case 'C-1' already has an open escalation to senior casework officer "
        f"(follow-up {f['id']}, reply due 2026-11-30)")
    assert len(office.json("followup", "list")) == 1
    # a step further up is still allowed
    office.ok("escalate", "C-1", "--to", "lead", "--reason", "and again")
    assert len(office.json("followup", "list")) == 2


def test_escalations_refusals(office):
    assert office.fails(1, "escalations", "--officer", "NOPE") == "error: no officer 'NOPE'"
    assert office.fails(2, "escalations", "--team", "finance").startswith(
        "error: --team 'finance' is not known; use one of: assessment,")
    assert office.fails(2, "escalations", "--format", "yaml") == \
        "error: --format 'yaml' is not known; use table, csv, json or xlsx"


def test_the_step_above_is_never_the_named_officer(team):
    """A senior casework officer who is the family's named officer and does
    not reply: the senior step goes to another senior, or to no one."""
    team.ok("officer", "add", "SCO2", "--name", "Ravi Mehta", "--email", "ravi@council.gov.uk",
            "--team", "assessment", "--role", "senior-casework-officer")
    team.case("S-1", officer="SCO1", name="Sam Jones")
    email_in(team, "S-1", "2026-12-14T10:00")
    [row] = esc(team, "2027-01-07")  # 10 working days late
    assert (row["level"], row["owner_role"], row["officer"], row["owner"]) == \
        (3, "senior-casework-officer", "SCO1", "SCO2")
    team.ok("officer", "leave", "SCO2", "--to", "SCO1")
    [row] = esc(team, "2027-01-07")
    assert (row["officer"], row["owner"]) == ("SCO1", "no senior officer")
