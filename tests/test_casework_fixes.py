"""The casework rules reviewers found unprotected: what an outgoing contact
settles (only what was owed at its moment, and owed to its party), what the
audit trail records of a handover, duplicates differing in letter case,
unknown references, messages without the date of birth, officer fields
without control characters, ids within 32 bits, audit values as objects."""

from __future__ import annotations

import json

import pytest


def log(cli, *args, at, now=None, ref="C-1"):
    """contact log REF ARGS --at AT; returns its message (stderr)."""
    return cli.ok("contact", "log", ref, *args, "--summary", "x", "--at", at,
                  now=now or at).stderr


def followups(cli, now="2027-01-04T12:00", ref="C-1"):
    return {f["id"]: (f["kind"], f["status"], f["done_at"])
            for f in cli.json("followup", "list", ref, "--all", now=now)}


IN = ("--direction", "in")
OUT = ("--direction", "out")


# -- 1. only a follow-up already owed at the contact's moment is settled ----------
def test_christmas_2026_promises(team):
    team.case("C-1")
    log(team, "--channel", "voicemail", *IN, "--party", "parent", at="2026-12-24T14:59")
    log(team, "--channel", "voicemail", *IN, "--party", "parent", at="2026-12-24T15:00")
    log(team, "--channel", "email", *IN, "--party", "parent", at="2026-12-24T16:00")
    assert [(f["id"], f["kind"], f["due"]) for f in
            team.json("followup", "list", now="2026-12-24T16:00")] == [
        (1, "callback", "2026-12-24"), (2, "callback", "2026-12-29"),
        (3, "reply", "2027-01-05")]


def test_a_backdated_call_does_not_answer_a_later_message(team):
    team.case("C-1")
    log(team, "--channel", "voicemail", *IN, "--party", "parent", at="2026-12-24T14:59")
    log(team, "--channel", "voicemail", *IN, "--party", "parent", at="2026-12-24T15:00")
    # settles the 14:59 voicemail's call back, the oldest
    note = log(team, "--channel", "phone", *OUT, "--party", "parent", at="2026-12-24T15:10",
               now="2026-12-24T16:00")
    assert "settled follow-up 1 (callback)" in note
    # a call logged at 09:00 came before the 15:00 voicemail: it settles nothing
    note = log(team, "--channel", "phone", *OUT, "--party", "parent", at="2026-12-24T09:00",
               now="2026-12-24T16:05")
    assert "settled" not in note
    assert followups(team) == {1: ("callback", "done", "2026-12-24T15:10+00:00"),
                               2: ("callback", "open", None)}
    # a call at the moment of the voicemail answers it
    assert "settled follow-up 2" in log(team, "--channel", "phone", *OUT, "--party", "carer",
                                        at="2026-12-24T15:00", now="2026-12-24T16:10")


@pytest.fixture
def decided(team):
    """C-1 (CO1) decided by MAP on Friday 27 November 2026 at 12:00: an
    outcome call and an outcome email owed to the family."""
    team.case("C-1")
    team.ok("panel", "schedule", "MAP", "--from", "2026-11-27", "--to", "2026-12-31",
            "--weekday", "fri")
    team.ok("panel", "refer", "C-1", "--panel", "MAP", "--request", "resource", "--meeting",
            "2026-11-27")
    team.ok("decision", "log", "C-1", "--panel", "MAP", "--meeting", "2026-11-27",
            "--outcome", "agreed", "--reason", "r", now="2026-11-27T12:00")
    return team


def test_a_call_before_the_decision_does_not_settle_its_outcome_call(decided):
    before = {i: f for i, f in followups(decided, now="2026-11-27T13:00").items()
              if f[0].startswith("outcome")}
    assert sorted(f[0] for f in before.values()) == ["outcome-call", "outcome-email"]
    note = log(decided, "--channel", "phone", *OUT, "--party", "parent",
               at="2026-11-27T11:00", now="2026-11-27T13:00")
    assert "settled" not in note
    # nor does a call to the school, though after it: the outcome is owed to the family
    assert "settled" not in log(decided, "--channel", "phone", *OUT, "--party", "school",
                                at="2026-11-27T12:30", now="2026-11-27T13:00")
    note = log(decided, "--channel", "phone", *OUT, "--party", "young-person",
               at="2026-11-27T12:30", now="2026-11-27T13:00")
    call = next(i for i, f in before.items() if f[0] == "outcome-call")
    assert f"settled follow-up {call} (outcome-call)" in note
    email = next(i for i, f in before.items() if f[0] == "outcome-email")
    assert f"settled follow-up {email} (outcome-email)" in log(
        decided, "--channel", "email", *OUT, "--party", "parent", at="2026-11-27T12:40",
        now="2026-11-27T13:00")


# -- 2. the follow-up settled is the one owed to the same party ---------------------
def test_a_reply_is_owed_to_whoever_wrote(team):
    team.case("C-1")
    log(team, "--channel", "email", *IN, "--party", "school", at="2026-11-16T10:00")  # 1
    log(team, "--channel", "letter", *IN, "--party", "parent", at="2026-11-17T10:00")  # 2
    log(team, "--channel", "voicemail", *IN, "--party", "professional",
        at="2026-11-18T10:00")  # 3
    log(team, "--channel", "voicemail", *IN, "--party", "carer", at="2026-11-19T10:00")  # 4
    # a letter to the parent answers the parent's letter, not the school's older email
    assert "settled follow-up 2 (reply)" in log(
        team, "--channel", "letter", *OUT, "--party", "parent", at="2026-11-20T10:00")
    # a reply to the school settles the school's
    assert "settled follow-up 1 (reply)" in log(
        team, "--channel", "email", *OUT, "--party", "school", at="2026-11-20T10:05")
    # a call to the school is no call back to the professional, nor to the carer
    assert "settled" not in log(team, "--channel", "phone", *OUT, "--party", "school",
                                at="2026-11-20T10:10")
    # the family is one: a call to the parent is the carer's call back
    assert "settled follow-up 4 (callback)" in log(
        team, "--channel", "phone", *OUT, "--party", "parent", at="2026-11-20T10:15")
    assert "settled follow-up 3 (callback)" in log(
        team, "--channel", "phone", *OUT, "--party", "professional", at="2026-11-20T10:20")
    assert {i: f[1] for i, f in followups(team, now="2026-11-20T11:00").items()} == {
        1: "done", 2: "done", 3: "done", 4: "done"}


def test_what_settles_what(team):
    team.case("C-1")
    log(team, "--channel", "voicemail", *IN, "--party", "parent", at="2026-11-16T10:00")  # 1
    log(team, "--channel", "email", *IN, "--party", "parent", at="2026-11-16T11:00")  # 2
    # a voicemail left for the family is an attempt, not a call back
    assert "settled" not in log(team, "--channel", "voicemail", *OUT, "--party", "parent",
                                at="2026-11-16T12:00")
    # a meeting settles nothing; a letter does not call back
    assert "settled" not in log(team, "--channel", "meeting", *OUT, "--party", "parent",
                                at="2026-11-16T12:05")
    assert "settled follow-up 2 (reply)" in log(
        team, "--channel", "letter", *OUT, "--party", "parent", at="2026-11-16T12:10")
    assert "settled" not in log(team, "--channel", "letter", *OUT, "--party", "parent",
                                at="2026-11-16T12:15")
    assert followups(team, now="2026-11-16T13:00")[1][1] == "open"


def test_the_settling_rules_as_data():
    from send_cli.rules.followups import owed_to, party_group, same_party, settles

    assert settles("phone", "out") == ("callback", "outcome-call", "discussion")
    assert settles("email", "out") == ("reply", "outcome-email")
    assert settles("letter", "out") == ("reply",)
    assert settles("voicemail", "out") == () and settles("meeting", "out") == ("discussion",)
    assert settles("phone", "in") == ()
    assert same_party("carer") == ("parent", "carer", "young-person")
    assert same_party("school") == ("school",) and party_group("professional") == "professional"
    assert owed_to("reply", "school") == "school" and owed_to("reply", "young-person") == "family"
    for kind in ("outcome-call", "outcome-email", "escalation-reply"):
        assert owed_to(kind, None) == "family"
    assert owed_to("papers", None) is None and owed_to("revisit", None) is None


# -- 3. what moved is in the audit trail ----------------------------------------------
def test_officer_leave_moves_referrals_and_audits_each_case(team):
    team.case("C-1", officer="CO1")
    team.case("C-2", officer="CO2")
    team.case("C-3", officer="CO1")
    team.ok("case", "close", "C-3", "--reason", "moved away")
    log(team, "--channel", "email", *IN, "--party", "parent", at="2026-11-20T10:00")  # 1
    team.ok("panel", "schedule", "MAP", "--from", "2026-11-20", "--to", "2026-12-31",
            "--weekday", "fri", now="2026-11-16T09:00")
    # CO1 presented C-2 to the meeting already held and decided; and presents it
    # and C-1 to meetings ahead
    team.ok("panel", "refer", "C-2", "--panel", "MAP", "--request", "resource", "--meeting",
            "2026-11-20", "--officer", "CO1", now="2026-11-16T09:00")
    team.ok("decision", "log", "C-2", "--panel", "MAP", "--meeting", "2026-11-20",
            "--outcome", "agreed", "--reason", "r", now="2026-11-20T12:00")
    team.ok("panel", "refer", "C-2", "--panel", "MAP", "--request", "placement-change",
            "--meeting", "2026-12-04", "--officer", "CO1")
    team.ok("panel", "refer", "C-1", "--panel", "MAP", "--request", "resource",
            "--meeting", "2026-12-04")
    result = team.ok("officer", "leave", "CO1", "--to", "AO1", now="2026-11-23T10:00")
    assert result.stderr == ("CO1 has left: 1 open cases, 3 open follow-ups and 2 panel "
                             "referrals moved to AO1\n")
    agenda = team.json("panel", "agenda", "MAP", "--meeting", "2026-12-04")
    assert {a["case_ref"]: a["officer"] for a in agenda} == {"C-1": "AO1", "C-2": "AO1"}
    held = team.json("panel", "agenda", "MAP", "--meeting", "2026-11-20")
    assert [a["officer"] for a in held] == ["CO1"]  # the history stays
    assert {f["officer"] for f in team.json("followup", "list")} == {"AO1", "CO2"}
    papers = [f for f in team.json("followup", "list") if f["kind"] == "papers"]
    assert {f["officer"] for f in papers} == {"AO1"}

    [entry] = [e for e in team.json("audit", "C-1") if e["action"] == "officer.leave"]
    # no --as: the login is the officer recorded
    assert (entry["entity"], entry["entity_id"], entry["officer"]) == ("case", "C-1",
                                                                       entry["login"])
    assert entry["before"]["officer"] == "CO1" and entry["after"]["officer"] == "AO1"
    assert [(f["kind"], f["officer"]) for f in entry["before"]["open_followups"]] == [
        ("reply", "CO1"), ("papers", "CO1")]
    assert [(f["kind"], f["officer"]) for f in entry["after"]["open_followups"]] == [
        ("reply", "AO1"), ("papers", "AO1")]
    assert entry["after"]["open_referrals"] == [{"id": 3, "panel": "MAP", "meeting": "2026-12-04",
                                            "request": "resource", "officer": "AO1"}]
    # C-2 stays CO2's; its referral and papers that CO1 was to present move
    [entry] = [e for e in team.json("audit", "C-2") if e["action"] == "officer.leave"]
    assert "officer" not in entry["before"]
    assert [r["request"] for r in entry["after"]["open_referrals"]] == ["placement-change"]
    # the closed case did not move, and has no entry
    assert [e for e in team.json("audit", "C-3") if e["action"] == "officer.leave"] == []
    summary = [e for e in team.json("audit") if e["entity"] == "officer"
               and e["action"] == "officer.leave"]
    assert summary[0]["after"] == {"active": False, "to": "AO1", "cases_moved": 1,
                                   "followups_moved": 3, "referrals_moved": 2}
    # case show holds the handover
    shown = team.json("case", "show", "C-1")
    assert [e["after"].get("officer") for e in shown["audit"]
            if e["action"] == "officer.leave"] == ["AO1"]


def test_close_and_contact_log_record_the_follow_ups_they_change(team):
    team.case("C-1")
    log(team, "--channel", "voicemail", *IN, "--party", "parent", at="2026-11-20T10:00")
    log(team, "--channel", "email", *IN, "--party", "parent", at="2026-11-20T11:00")
    log(team, "--channel", "letter", *IN, "--party", "school", at="2026-11-20T12:00")
    log(team, "--channel", "phone", *OUT, "--party", "parent", at="2026-11-20T13:00")
    entry = [e for e in team.json("audit", "C-1") if e["action"] == "contact.log"][-1]
    assert entry["before"] == {"followup_settled": {"id": 1, "kind": "callback",
                                                    "status": "open", "done_at": None}}
    assert entry["after"]["followup_settled"] == {
        "id": 1, "kind": "callback", "status": "done", "done_at": "2026-11-20T13:00:00+00:00",
        "note": "settled by contact 4"}
    team.ok("case", "close", "C-1", "--reason", "moved away")
    entry = [e for e in team.json("audit", "C-1") if e["action"] == "case.close"][0]
    assert entry["after"]["followups_closed"] == [{"id": 2, "kind": "reply"},
                                                  {"id": 3, "kind": "reply"}]
    assert entry["before"] == {"status": "requested", "followups_open": [
        {"id": 2, "kind": "reply"}, {"id": 3, "kind": "reply"}]}


# -- 4. duplicates differing only in letter case ------------------------------------
def test_duplicates_differing_in_letter_case_are_refused(team):
    team.case("EHC-2026-00001")
    trail = team.json("audit")
    assert team.fails(1, "case", "add", "--ref", "ehc-2026-00001", "--name", "B", "--dob",
                      "2016-01-01", "--officer", "CO1", "--received", "2026-11-02") == \
        "error: case 'ehc-2026-00001' already exists as 'EHC-2026-00001'"
    assert team.fails(1, "officer", "add", "co2", "--name", "X", "--email", "x@c.gov.uk",
                      "--team", "assessment", "--role", "casework-officer") == \
        "error: officer 'co2' already exists as 'CO2'"
    assert team.json("audit") == trail
    # a made reference never takes the place of one in other letters
    made = team.ok("case", "add", "--name", "Ann Lee", "--dob", "2019-01-01", "--officer",
                   "AO1", "--received", "2026-11-20").stdout.strip()
    assert made == "EHC-2026-00002"
    # look-ups stay exact, with a hint
    result = team("case", "show", "ehc-2026-00001")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: no case 'ehc-2026-00001'",
        "hint: Did you mean 'EHC-2026-00001'? References are exact about letter case."]
    assert team.fails(1, "case", "assign", "EHC-2026-00001", "co2") == "error: no officer 'co2'"


# -- 5. unknown references --------------------------------------------------------
def test_unknown_references_are_refused(team):
    team.case("C-1")
    result = team("case", "list", "--officer", "ZZ")
    assert (result.exit_code, result.stderr.splitlines()) == (
        1, ["error: no officer 'ZZ'", "hint: See 'send-cli officer list'."])
    assert result.stdout == ""
    result = team("audit", "EHC-9")
    assert (result.exit_code, result.stderr.splitlines()) == (
        1, ["error: no case 'EHC-9'", "hint: See 'send-cli case list'."])
    assert [e["action"] for e in team.json("audit", "C-1")] == ["case.add"]
    team.ok("officer", "leave", "CO2", "--to", "AO1")
    assert team.json("case", "list", "--officer", "CO2") == []  # a leaver is known


# -- 6. no date of birth in messages ----------------------------------------------
@pytest.mark.parametrize("dob, code, told", [
    ("2030-01-01", 2, "error: the date of birth is after the received date; check both "
                      "dates"),
    ("2026-11-03", 2, "error: the date of birth is after the received date; check both "
                      "dates"),
    ("1990-01-01", 1, "error: the young person was 25 or over on the received date; a "
                      "request for someone 25 or over is refused (a plan can last to 25)"),
    ("2016-02-30", 2, "error: --dob is not a real date of the form YYYY-MM-DD (a year from "
                      "1900 to 2100); the value is not repeated here"),
])
def test_refusals_do_not_give_the_date_of_birth(team, dob, code, told):
    trail = team.json("audit")
    result = team("case", "add", "--ref", "D-1", "--name", "Dana Fox", "--dob", dob,
                  "--officer", "CO1", "--received", "2026-11-02")
    assert result.exit_code == code, result.stderr
    assert result.stderr.splitlines()[0] == told
    for part in (dob, dob[:4], "Dana", "2015", "2001-11-02"):
        assert part not in result.stderr
    assert team.json("audit") == trail
    assert team.json("case", "list") == []


def test_import_errors_do_not_give_the_date_of_birth(team, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("ref,name,dob,officer,received\n"
                    "I-1,Ann Lee,2030-01-01,CO1,2026-11-02\n"
                    "I-2,Bo Lee,1990-01-01,CO1,2026-11-02\n")
    result = team("import", "cases", str(path))
    assert result.exit_code != 0
    assert "line 2: the date of birth is after the received date" in result.stderr
    assert "line 3: the young person was 25 or over on the received date" in result.stderr
    assert "2030" not in result.stderr and "1990" not in result.stderr
    assert "2015" not in result.stderr


# -- 8. control characters and length -------------------------------------------------
CC = "a control character (a new line, a tab...)"
ONE = "use plain text on one line"


@pytest.mark.parametrize("field, value, told", [
    ("--email", "a@b.cc\x1b[2J", f"error: --email contains {CC} (U+001B, character 7); "
                                f"{ONE}"),
    ("--email", "a@b.cc\x9b2J", f"error: --email contains {CC} (U+009B, character 7); {ONE}"),
    ("--email", "a" * 250 + "@b.cc", "error: --email is 255 characters long; the limit is "
                                     "254"),
    ("--name", "Ann\x85Lee", f"error: --name contains {CC} (U+0085, character 4); {ONE}"),
    ("--name", "Ann\nLee", f"error: --name contains {CC} (U+000A, character 4); {ONE}"),
    ("--name", "Ann\u2028Lee", "error: --name contains a line separator (U+2028, character "
                               f"4); {ONE}"),
])
def test_officer_fields_refuse_control_characters(team, field, value, told):
    argv = {"--name": "Zed Five", "--email": "z5@c.gov.uk", field: value}
    result = team("officer", "add", "Z5", "--name", argv["--name"], "--email",
                  argv["--email"], "--team", "assessment", "--role", "casework-officer")
    assert result.exit_code == 2, result.stderr
    assert result.stderr.splitlines()[0] == told
    assert "\x1b" not in result.stderr and "\x9b" not in result.stderr
    assert "Z5" not in [o["code"] for o in team.json("officer", "list")]
    assert "\x1b" not in team.ok("officer", "list").stdout


def test_case_and_contact_texts_refuse_c1_controls(team):
    team.case("C-1")
    assert team.fails(2, "case", "add", "--name", "Ann Lee", "--dob", "2016-01-01",
                      "--officer", "CO1", "--received", "2026-11-02", "--setting",
                      "Meadow\x9b2J") == (
        f"error: --setting contains {CC} (U+009B, character 7); {ONE}")
    assert team.fails(2, "contact", "log", "C-1", "--channel", "phone", "--direction", "in",
                      "--party", "parent", "--summary", "rang\x9b2J") == (
        f"error: --summary contains {CC} (U+009B, character 5); {ONE}")
    assert team.fails(2, "case", "close", "C-1", "--reason", "gone\x85away") == (
        f"error: --reason contains {CC} (U+0085, character 5); {ONE}")
    # what people write survives: accents, right-to-left text, emoji (a new line
    # or a zero-width joiner does not: a reader cannot see it as it is stored)
    team.ok("contact", "log", "C-1", "--channel", "phone", "--direction", "in", "--party",
            "parent", "--summary", "Zoë rang: אבי 😀")
    assert [c["summary"] for c in team.json("export", "contacts")] == ["Zoë rang: אבי 😀"]


# -- 9. ids within PostgreSQL's integers ------------------------------------------------
def test_followup_ids_are_bounded(team):
    assert team.fails(2, "followup", "done", "2147483648").startswith("error: ")
    assert team.fails(2, "followup", "done", "0").startswith("error: ")
    assert team.fails(1, "followup", "done", "2147483647") == "error: no follow-up 2147483647"


# -- 10. audit values as objects ---------------------------------------------------------
def test_audit_json_gives_objects_and_csv_json_text(team):
    team.case("C-1")
    log(team, "--channel", "email", *IN, "--party", "parent", at="2026-11-20T10:00")
    entries = team.json("audit", "C-1")
    assert entries[1]["after"]["followup_created"] == {"id": 1, "kind": "reply",
                                                       "due": "2026-11-27"}
    assert entries[0]["before"] is None and entries[0]["after"]["ref"] == "C-1"
    assert set(entries[0]) == {"at", "officer", "login", "action", "case_ref", "entity",
                               "entity_id", "before", "after"}
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(team.ok("audit", "C-1", "--format",
                                                   "csv").stdout)))
    assert json.loads(rows[1]["after"])["followup_created"]["kind"] == "reply"
