"""People and their requests, the details the SEN2 return needs, and the
return itself: `report sen2` (XML valid against the shipped schema) and its
checks before submission."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import xmlschema

from send_cli.reports.sen2xml import SCHEMA

NOW = "2027-01-25T10:00"
GOOD_UPN = "B801200005001"
BAD_UPN = "A801200005001"  # the same number with the wrong check letter
BACKENDS = ("sqlite", "postgresql")


@pytest.fixture
def council(team: Any) -> Any:
    for name, value in (("la-code", "857"), ("dmo", "Y"), ("dco", "Y"), ("dsco", "R")):
        team.ok("setting", "set", name, value, now=NOW)
    return team


def add(cli: Any, ref: str, *extra: str, dob: str = "2016-05-01",
        received: str = "2026-02-03", **kw: Any) -> Any:
    return cli.ok("case", "add", "--ref", ref, "--dob", dob, "--officer", "CO1",
                  "--received", received, *extra, now=NOW, **kw)


def ms(cli: Any, ref: str, *steps: str) -> None:
    for step in steps:
        kind, on, *outcome = step.split()
        cli.ok("case", "milestone", ref, kind, "--on", on,
               *(["--outcome", outcome[0]] if outcome else []), now=NOW)


PLAN_2026 = ("assessment-decision 2026-03-12 agreed", "issue-decision 2026-05-20 agreed",
             "draft-plan 2026-05-27", "final-plan 2026-06-20")


def scenario(cli: Any) -> None:
    """A plan issued in 2026 with a URN placement and ranked needs; a refusal
    to assess; a request awaiting a decision at the census; a plan with no
    need recorded."""
    add(cli, "P-1", "--forename", "Sam", "--surname", "Example", "--sex", "F",
        "--ethnicity", "WBRI", "--postcode", "zz99 9zz", "--upn", GOOD_UPN,
        "--requested-by", "setting")
    ms(cli, "P-1", *PLAN_2026)
    cli.ok("case", "placement", "P-1", "--urn", "100000", "--from", "2026-09-03", now=NOW)
    cli.ok("case", "need", "P-1", "--primary", "ASD", "--secondary", "SLCN", now=NOW)
    add(cli, "R-1", "--name", "Ada Lovelace", "--sex", "F", "--ethnicity", "WIRI",
        "--postcode", "LE15 6HP", "--upn-unknown", "UN2", "--requested-by", "parent",
        dob="2014-02-02", received="2026-04-01")
    ms(cli, "R-1", "assessment-decision 2026-05-10 refused")
    add(cli, "W-1", "--name", "Wil Waiting", "--sex", "M", "--ethnicity", "NOBT",
        "--postcode", "LE15 6HP", "--uln", "1234567890", "--requested-by", "health",
        dob="2008-03-03", received="2026-12-14")
    add(cli, "N-1", "--name", "Nat Noneed", "--sex", "M", "--ethnicity", "ABAN",
        "--postcode", "LE15 6HQ", "--upn-unknown", "UN1", "--requested-by", "social-care",
        dob="2022-07-07", received="2026-02-10")
    ms(cli, "N-1", "assessment-decision 2026-03-20 agreed", "issue-decision 2026-05-29 agreed",
       "draft-plan 2026-06-05", "final-plan 2026-06-26")
    cli.ok("case", "placement", "N-1", "--setting", "EYP", "--from", "2026-06-26", now=NOW)


def requests_by_ref(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The Requests of the file, found by their received date (SEN2 has no
    case reference in it)."""
    out = {}
    for person in data["Persons"]["Person"]:
        for r in person["Requests"]:
            out[(person["Surname"], r["ReceivedDate"])] = r
    return out


def test_the_return_for_the_done_when_scenario(council: Any, tmp_path: Path) -> None:
    scenario(council)
    path = tmp_path / "sen2.xml"
    result = council.ok("report", "sen2", "--year", "2027", "-o", str(path), now=NOW)
    assert "4 people written" in result.stderr and "1 error, 0 queries" in result.stderr
    schema = xmlschema.XMLSchema(str(SCHEMA))
    schema.validate(str(path))
    data = schema.to_dict(str(path))
    assert data["Header"]["CollectionDetails"] == {
        "Collection": "SEN2", "Year": "2027", "ReferenceDate": "2027-01-21"}
    source = data["Header"]["Source"]
    assert (source["LEA"], source["DMO"], source["DCO"], source["DSCO"]) == \
        ("857", "Y", "Y", "R")
    req = requests_by_ref(data)
    plan = req[("Example", "2026-02-03")]
    assert (plan["RequestSource"], plan["RequestOutcome"], plan["RequestOutcomeDate"]) == \
        ("2", "Y", "2026-03-12")
    assessment = plan["Assessment"]
    assert (assessment["AssessmentOutcome"], assessment["AssessmentOutcomeDate"]) == \
        ("Y", "2026-06-20")  # the final plan's date
    named = assessment["NamedPlan"]
    assert named["StartDate"] == "2026-06-20"
    assert named["PlanDetail"] == [{"URN": "100000", "PlacementRank": "1",
                                    "SENunitIndicator": "0",
                                    "ResourcedProvisionIndicator": "0"}]
    active = plan["ActivePlans"]
    assert active["PlacementDetail"][0]["URN"] == "100000"
    assert active["PlacementDetail"][0]["EntryDate"] == "2026-09-03"
    assert [(n["SENtype"], n["SENtypeRank"]) for n in active["SENneed"]] == \
        [("ASD", "1"), ("SLCN", "2")]
    refused = req[("Lovelace", "2026-04-01")]
    assert (refused["RequestSource"], refused["RequestOutcome"],
            refused["RequestOutcomeDate"]) == ("1", "N", "2026-05-10")
    assert "Assessment" not in refused
    waiting = req[("Waiting", "2026-12-14")]
    assert (waiting["RequestSource"], waiting["RequestOutcome"]) == ("3", "A")
    assert "RequestOutcomeDate" not in waiting
    no_need = req[("Noneed", "2026-02-10")]
    assert no_need["RequestSource"] == "4"
    assert "SENneed" not in no_need["ActivePlans"]
    text = path.read_text()
    assert text.index("<Header>") < text.index("<Persons>")
    assert text.index("<NamedPlan>") < text.index("<ActivePlans>")


def test_check_flags_the_plan_without_a_need_and_passes_the_complete_one(council: Any) -> None:
    scenario(council)
    found = council.json("report", "sen2", "--year", "2027", "--check", now=NOW)
    assert all(set(f) == {"case_ref", "item", "severity", "message"} for f in found)
    assert {(f["case_ref"], f["item"], f["severity"]) for f in found} == {
        ("N-1", "SENneed", "error")}
    assert not [f for f in found if f["case_ref"] == "P-1"]
    result = council("report", "sen2", "--year", "2027", "--check", "--exit-code",
                     "--format", "json", now=NOW)
    assert result.exit_code == 4
    council.ok("case", "need", "N-1", "--primary", "DS", now=NOW)
    assert council.json("report", "sen2", "--year", "2027", "--check", now=NOW) == []
    council.ok("report", "sen2", "--year", "2027", "--check", "--exit-code", now=NOW)


def test_a_wrong_upn_check_letter_is_refused_without_repeating_it(team: Any) -> None:
    line = team.fails(2, "case", "add", "--name", "Sam Example", "--dob", "2016-05-01",
                      "--officer", "CO1", "--received", "2026-11-02", "--upn", BAD_UPN)
    assert line == ("error: --upn is not a valid Unique Pupil Number: its check letter does "
                    "not match; the value is not repeated here")
    assert team.json("case", "list") == []
    team.case("C-1")
    line = team.fails(2, "case", "edit", "C-1", "--upn", BAD_UPN)
    assert BAD_UPN not in line
    assert team.fails(2, "case", "edit", "C-1", "--postcode", "NOT A CODE") == (
        "error: --postcode is not a UK postcode (e.g. LE15 6HP); the value is not repeated "
        "here")


def test_a_known_child_is_refused_and_same_child_adds_a_request(team: Any) -> None:
    add(team, "A-1", "--forename", "Sam", "--surname", "Example", "--upn", GOOD_UPN)
    result = team("case", "add", "--ref", "A-2", "--name", "sam example", "--dob",
                  "2016-05-01", "--officer", "CO1", "--received", "2026-11-02", now=NOW)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: this child or young person may already be known: case 'A-1' has the same "
        "forename, surname and date of birth",
        "hint: For a new request for them: --same-child A-1; for a different child with the "
        "same details: --new-child"]
    assert team.fails(1, "case", "add", "--ref", "A-2", "--name", "Other Name", "--dob",
                      "2015-01-01", "--officer", "CO1", "--received", "2026-11-02",
                      "--upn", GOOD_UPN, "--new-child", now=NOW) == (
        "error: this child or young person may already be known: case 'A-1' has the same UPN")
    team.ok("case", "add", "--ref", "A-2", "--same-child", "A-1", "--officer", "CO1",
            "--received", "2026-11-02", now=NOW)
    shown = team.json("case", "show", "A-2", now=NOW)
    assert shown["case"]["name"] == "Sam Example"
    assert shown["case"]["upn"] == GOOD_UPN
    assert [(r["ref"], r["this"]) for r in shown["requests"]] == \
        [("A-1", False), ("A-2", True)]
    team.ok("case", "add", "--ref", "A-3", "--name", "Sam Example", "--dob", "2016-05-01",
            "--officer", "CO1", "--received", "2026-11-02", "--new-child", now=NOW)
    assert [r["ref"] for r in team.json("case", "show", "A-3", now=NOW)["requests"]] == \
        ["A-3"]
    assert team.fails(1, "case", "add", "--ref", "A-4", "--same-child", "A-1", "--dob",
                      "2016-05-02", "--officer", "CO1", "--received", "2026-11-02",
                      now=NOW).startswith("error: the dob given differs from the person of "
                                          "case 'A-1'")


def test_name_is_split_at_its_last_space_and_edit_is_audited(team: Any) -> None:
    add(team, "E-1", "--name", "Mary Jane Smith")
    case = team.json("case", "show", "E-1", now=NOW)["case"]
    assert (case["forename"], case["surname"]) == ("Mary Jane", "Smith")
    add(team, "E-2", "--same-child", "E-1", received="2026-06-01")
    team.ok("case", "edit", "E-1", "--forename", "Mary-Jane", "--sex", "F", "--ethnicity",
            "wbri", "--requested-by", "health", now=NOW)
    for ref in ("E-1", "E-2"):  # the child's details are on both requests
        shown = team.json("case", "show", ref, now=NOW)["case"]
        assert (shown["name"], shown["sex"], shown["ethnicity"]) == \
            ("Mary-Jane Smith", "F", "WBRI")
    assert team.json("case", "show", "E-2", now=NOW)["case"]["requested_by"] is None
    entry = [e for e in team.json("audit", "E-1", now=NOW) if e["action"] == "case.edit"][0]
    assert entry["before"] == {"forename": "Mary Jane", "sex": None, "ethnicity": None,
                               "requested_by": None}
    assert entry["after"]["forename"] == "Mary-Jane"
    assert entry["after"]["cases_of_person"] == 2
    assert team.fails(1, "case", "edit", "E-1", "--sex", "F", now=NOW) == (
        "error: E-1: nothing changed; the values given are already recorded")
    assert team.fails(2, "case", "edit", "E-1", "--upn-unknown", "UN11", now=NOW).startswith(
        "error: --upn-unknown 'UN11' is not known")


def test_needs_and_placements(team: Any) -> None:
    add(team, "P-1", "--name", "Pat Place")
    assert team.fails(2, "case", "need", "P-1", "--primary", "ADHD", now=NOW).startswith(
        "error: --primary 'ADHD' is not a SEN2 need type; use one of: SPLD, MLD")
    assert team.fails(2, "case", "need", "P-1", "--primary", "ASD", "--secondary", "asd",
                      now=NOW).startswith("error: --secondary is the same need")
    assert team.fails(2, "case", "placement", "P-1", "--urn", "12345", "--from",
                      "2026-09-01", now=NOW).startswith("error: --urn '12345' is not a URN")
    assert team.fails(2, "case", "placement", "P-1", "--urn", "123456", "--ukprn",
                      "10012345", "--from", "2026-09-01", now=NOW).startswith(
        "error: give one of --urn, --ukprn or --setting")
    assert team.fails(2, "case", "placement", "P-1", "--setting", "HOME", "--from",
                      "2026-09-01", now=NOW).startswith("error: --setting 'HOME' is not a "
                                                        "SEN2 setting code")
    team.ok("case", "placement", "P-1", "--urn", "123456", "--from", "2026-09-01", now=NOW)
    r = team.ok("case", "placement", "P-1", "--ukprn", "10012345", "--from", "2027-01-04",
                "--resourced", "--wbp", "s", now=NOW)
    assert "the previous one ends 2027-01-03" in r.stderr
    rows = team.json("case", "show", "P-1", now=NOW)["placements"]
    assert [(p["placement"], p["to"], p["details"]) for p in rows] == [
        ("URN 123456", "2027-01-03", ""),
        ("UKPRN 10012345", None, "resourced provision, supported internship")]


def test_settings_and_a_return_without_them(team: Any) -> None:
    assert team.fails(2, "setting", "set", "la-code", "85", now=NOW) == (
        "error: la-code '85' is not an LA code; use the council's 3-digit number, e.g. 855")
    assert team.fails(2, "setting", "set", "dsco", "maybe", now=NOW) == (
        "error: dsco 'maybe' is not known; use Y (yes), N (no) or R (recruiting)")
    assert team.fails(1, "report", "sen2", "--year", "2027", now=NOW).startswith(
        "error: the return cannot be made: the council's LA code is not set")
    found = team.json("report", "sen2", "--year", "2027", "--check", now=NOW)
    assert {f["item"] for f in found} == {"LEA", "DMO", "DCO", "DSCO"}
    assert team.fails(2, "report", "sen2", "--year", "2031", now=NOW).startswith(
        "error: no census date is on record for 2031; give it with --census DATE")
    assert team.fails(2, "report", "sen2", "--year", "2027", "--census", "2026-01-15",
                      now=NOW).startswith("error: --census 2026-01-15 is not in 2027")


def test_plan_ending_with_a_cease_reason_and_review_dates(council: Any) -> None:
    add(council, "T-1", "--name", "Tim Tenner", "--sex", "M", "--ethnicity", "WBRI",
        "--postcode", "LE15 6HP", "--upn-unknown", "UN3", "--requested-by", "parent",
        dob="2010-01-01", received="2024-11-04")
    ms(council, "T-1", "assessment-decision 2024-12-13 agreed",
       "issue-decision 2025-02-21 agreed", "draft-plan 2025-02-28", "final-plan 2025-03-21",
       "annual-review 2026-03-02", "review-decision 2026-03-20 cease")
    assert council.fails(2, "case", "milestone", "T-1", "ceased", "--on", "2026-06-30",
                         "--cease-reason", "bored", now=NOW).startswith(
        "error: --cease-reason 'bored' is not known; use one of: max-age, needs-met")
    council.ok("case", "milestone", "T-1", "ceased", "--on", "2026-06-30", "--cease-reason",
               "needs-met", now=NOW)
    council.ok("case", "placement", "T-1", "--urn", "100000", "--from", "2025-04-01",
               "--to", "2026-06-30", now=NOW)
    xml = council.ok("report", "sen2", "--year", "2027", now=NOW).stdout
    schema = xmlschema.XMLSchema(str(SCHEMA))
    schema.validate(xml)
    request = schema.to_dict(xml)["Persons"]["Person"][0]["Requests"][0]
    assert request["RequestOutcome"] == "H" and "RequestOutcomeDate" not in request
    assert request["Assessment"]["AssessmentOutcome"] == "H"
    named = request["Assessment"]["NamedPlan"]
    assert (named["CeaseDate"], named["CeaseReason"]) == ("2026-06-30", "2")
    assert named["PlanDetail"][0]["URN"] == "100000"
    assert "ActivePlans" not in request
    # a plan still in force carries its review: meeting, outcome, decision letter
    add(council, "T-2", "--same-child", "T-1", "--requested-by", "young-person",
        dob="2010-01-01", received="2026-09-01")
    xml = council.ok("report", "sen2", "--year", "2027", now=NOW).stdout
    requests = schema.to_dict(xml)["Persons"]["Person"][0]["Requests"]
    assert [r["ReceivedDate"] for r in requests] == ["2024-11-04", "2026-09-01"]


def test_reviews_reach_the_active_plan(council: Any) -> None:
    add(council, "V-1", "--name", "Val Review", "--sex", "F", "--ethnicity", "WBRI",
        "--postcode", "LE15 6HP", "--upn", GOOD_UPN, "--requested-by", "parent",
        dob="2012-01-01", received="2025-01-06")
    ms(council, "V-1", "assessment-decision 2025-02-14 agreed",
       "issue-decision 2025-04-25 agreed", "draft-plan 2025-05-02", "final-plan 2025-05-23",
       "annual-review 2026-05-11", "review-decision 2026-05-29 maintain")
    council.ok("case", "need", "V-1", "--primary", "SEMH", now=NOW)
    council.ok("case", "placement", "V-1", "--urn", "100000", "--from", "2025-06-01", now=NOW)
    xml = council.ok("report", "sen2", "--year", "2027", now=NOW).stdout
    active = xmlschema.XMLSchema(str(SCHEMA)).to_dict(xml)[
        "Persons"]["Person"][0]["Requests"][0]["ActivePlans"]
    assert (active["ReviewMeeting"], active["ReviewOutcome"], active["LastReview"]) == \
        ("2026-05-11", "M", "2026-05-29")
    assert council.json("report", "sen2", "--year", "2027", "--check", now=NOW) == []
    # the next meeting is held; its decision is still to come on the census day
    council.ok("case", "milestone", "V-1", "annual-review", "--on", "2027-01-15", now=NOW)
    xml = council.ok("report", "sen2", "--year", "2027", now=NOW).stdout
    active = xmlschema.XMLSchema(str(SCHEMA)).to_dict(xml)[
        "Persons"]["Person"][0]["Requests"][0]["ActivePlans"]
    assert active["ReviewMeeting"] == "2027-01-15"
    assert "ReviewOutcome" not in active and "LastReview" not in active
    assert council.json("report", "sen2", "--year", "2027", "--check", now=NOW) == []


def test_import_takes_the_person_columns(team: Any, tmp_path: Path) -> None:
    team.case("S-1", name="Kim Store", dob="2019-01-01")
    path = tmp_path / "in.csv"
    path.write_text(
        "ref,dob,officer,received,forename,surname,sex,ethnicity,postcode,upn,uln,"
        "upn_unknown,requested_by,transferred_from,same_child,new_child\n"
        f"I-1,2016-05-01,CO1,2026-11-02,Sam,Example,F,WBRI,le15 6hp,{GOOD_UPN},,,setting,,,\n"
        "I-2,,CO1,2026-11-03,,,,,,,,,parent,,I-1,\n"
        "I-3,2019-01-01,CO1,2026-11-03,Kim,Store,M,NOBT,,,,UN1,professional,855,,\n")
    out = team("import", "cases", str(path))
    assert out.exit_code == 2
    assert "line 4: the same forename, surname and date of birth as case 'S-1'" in out.stderr
    path.write_text(path.read_text().replace("855,,\n", "855,,yes\n"))
    team.ok("import", "cases", str(path))
    one, two = (team.json("case", "show", r)["case"] for r in ("I-1", "I-2"))
    assert (one["name"], one["postcode"], one["upn"], one["requested_by"]) == \
        ("Sam Example", "LE15 6HP", GOOD_UPN, "setting")
    assert (two["name"], two["dob"], two["upn"]) == ("Sam Example", "2016-05-01", GOOD_UPN)
    three = team.json("case", "show", "I-3")["case"]
    assert (three["requested_by"], three["transferred_from"], three["upn_unknown"]) == \
        ("other", "855", "UN1")
    bad = tmp_path / "bad.csv"
    bad.write_text(f"ref,name,dob,officer,received,upn\nB-1,Al Bad,2016-05-01,CO1,"
                   f"2026-11-02,{BAD_UPN}\n")
    out = team("import", "cases", str(bad))
    assert out.exit_code == 2 and BAD_UPN not in out.stderr
    assert "line 2: --upn is not a valid Unique Pupil Number" in out.stderr


def test_erase_takes_the_childs_details_with_the_last_request(team: Any) -> None:
    team.ok("case", "add", "--ref", "X-1", "--name", "Eve Gone", "--dob", "2000-01-01",
            "--officer", "CO1", "--received", "2018-01-08", "--upn", GOOD_UPN, "--postcode",
            "LE15 6HP", "--sex", "F", now="2018-01-08T10:00")
    team.ok("case", "close", "X-1", "--reason", "Moved away", now="2018-06-01T10:00")
    team.ok("case", "erase", "X-1", now="2031-02-03T10:00")
    shown = team.json("case", "show", "X-1", now="2031-02-03T10:00")["case"]
    assert (shown["name"], shown["upn"], shown["postcode"], shown["sex"]) == \
        ("[erased]", None, None, None)
    audit = json.dumps(team.json("audit", "X-1", now="2031-02-03T10:00"))
    assert GOOD_UPN not in audit and "LE15 6HP" not in audit and "Eve" not in audit


@pytest.mark.sqlite_only  # the demo makes a SQLite store of its own
def test_the_demo_return_is_valid_and_has_only_its_deliberate_queries(
        cli: Any, tmp_path: Path) -> None:
    from send_cli.commands.demo import NOTES

    db = tmp_path / "demo.db"
    built = cli.ok("demo", "--db", str(db))
    assert "0 errors, 4 queries" in built.stdout + built.stderr
    path = tmp_path / "sen2.xml"
    cli.ok("--db", str(db), "report", "sen2", "--year", "2027", "-o", str(path),
           now="2027-01-04T09:00")
    xmlschema.XMLSchema(str(SCHEMA)).validate(str(path))
    found = cli.json("--db", str(db), "report", "sen2", "--year", "2027", "--check",
                     now="2027-01-04T09:00")
    assert {(f["case_ref"], f["item"], f["severity"]) for f in found} == {
        ("EHC-2026-00014", "SENSetting", "query"), ("EHC-2026-00025", "Sex", "query"),
        ("EHC-2026-00028", "RequestSource", "query"),
        ("EHC-2026-00040", "PersonBirthDate", "query")}
    notes = " ".join(NOTES)
    assert all(f["case_ref"] in notes for f in found)
