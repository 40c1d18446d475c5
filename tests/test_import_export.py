"""send-cli import cases|officers and export cases|contacts|decisions|followups."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import stat

import pytest

CASE_HEADER = "ref,name,dob,officer,received,requested_by,setting,status"
HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+44 1865 815275", "-2+3",
           "@SUM(A1:A9)", "=cmd|' /C calc'!A0"]


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


def bad_rows(result):
    """(exit code, stderr lines) of a refused import."""
    return result.exit_code, result.stderr.strip().splitlines()


@pytest.fixture
def other_store(tmp_path, template_store):
    """A second, empty store."""
    db = tmp_path / "other.db"
    shutil.copyfile(template_store, db)
    return str(db)


# -- export ----------------------------------------------------------------------
def test_export_cases_neutralises_formulas_in_csv_only(team, tmp_path):
    for n, name in enumerate(HOSTILE, 1):
        team.case(f"H-{n}", name=name)
    team.ok("case", "add", "--ref", "H-9", "--name", "Ann Lee", "--dob", "2019-01-01",
            "--officer", "AO1", "--received", "2026-11-20", "--requested-by", "school",
            "--setting", "=St Mary's, \"Big\" school")
    out = team.ok("export", "cases").stdout
    rows = list(csv.reader(io.StringIO(out)))
    assert ",".join(rows[0]) == CASE_HEADER
    assert [r[1] for r in rows[1:6]] == ["'" + name for name in HOSTILE]
    assert rows[6] == ["H-9", "Ann Lee", "2019-01-01", "AO1", "2026-11-20", "setting",
                       "'=St Mary's, \"Big\" school", "requested"]
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)
    data = json.loads(team.ok("export", "cases", "--format", "json").stdout)
    assert [r["name"] for r in data[:5]] == HOSTILE
    assert list(data[5]) == CASE_HEADER.split(",")
    assert data[5]["setting"] == "=St Mary's, \"Big\" school"
    # to a file readable by its owner only; nothing on stdout
    target = tmp_path / "cases.csv"
    result = team.ok("export", "cases", "-o", str(target))
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8") == out
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


def test_export_contacts_and_followups_keys(team):
    team.case("C-1")
    team.ok("contact", "log", "C-1", "--channel", "email", "--direction", "in", "--party",
            "parent", "--summary", "=1+1 where is the plan?", "--at", "2026-11-20T10:00")
    team.ok("contact", "log", "C-1", "--channel", "phone", "--direction", "in", "--party",
            "parent", "--summary", "rang", "--at", "2026-11-20T11:00")
    team.ok("contact", "log", "C-1", "--channel", "phone", "--direction", "out", "--party",
            "parent", "--summary", "called back", "--at", "2026-11-20T12:00")
    contacts = json.loads(team.ok("export", "contacts", "--format", "json").stdout)
    assert list(contacts[0]) == ["id", "case_ref", "at", "channel", "direction", "party",
                                 "summary", "officer"]
    assert [c["summary"] for c in contacts] == ["=1+1 where is the plan?", "rang",
                                                "called back"]
    lines = team.ok("export", "contacts").stdout.splitlines()
    assert lines[0] == "id,case_ref,at,channel,direction,party,summary,officer"
    assert ",'=1+1 where is the plan?," in lines[1]
    followups = json.loads(team.ok("export", "followups", "-f", "json").stdout)
    # settled ones too, with the keys of 'followup list'
    assert [(f["kind"], f["status"]) for f in followups] == [("callback", "done"),
                                                             ("reply", "open")]
    assert list(followups[0]) == list(team.json("followup", "list", "--all")[0])
    assert team.ok("export", "followups").stdout.splitlines()[0] == \
        "id,case_ref,kind,due,officer,status,done_at,for"


def test_export_decisions_header(team):
    assert team.ok("export", "decisions").stdout == \
        "case_ref,panel,meeting,request,outcome,reason,revisit_by,chair\n"
    assert team.ok("export", "decisions", "--format", "json").stdout == "[]\n"


def test_export_refusals(team):
    assert team.fails(2, "export", "cases", "--format", "table") == \
        "error: --format 'table' is not offered here; use csv, json or xlsx"
    assert team.fails(2, "export", "people").startswith("error: no such command 'people'")


# -- round trip ----------------------------------------------------------------------
def test_round_trip_into_an_empty_store(team, tmp_path, other_store):
    for n, name in enumerate(HOSTILE, 1):
        team.case(f"H-{n}", name=name, officer="CO1" if n % 2 else "AO1")
    team.ok("case", "add", "--ref", "H-9", "--name", "Zoë O'Neill, \"Zo\"", "--dob",
            "2019-01-01", "--officer", "AO1", "--received", "2026-11-20", "--requested-by",
            "school", "--setting", "St Mary's, annexe")
    officers = tmp_path / "officers.csv"
    cases = tmp_path / "cases.csv"
    team.ok("officer", "list", "--format", "csv", "-o", str(officers))
    team.ok("export", "cases", "-o", str(cases))
    env = {"SEND_CLI_DB": other_store}
    r = team.ok("import", "officers", str(officers), env=env)
    assert r.stderr.strip() == "imported 6 officers from officers.csv"
    r = team.ok("import", "cases", str(cases), env=env)
    assert r.stderr.strip() == "imported 6 cases from cases.csv"
    assert r.stdout == ""
    again = tmp_path / "again.csv"
    team.ok("export", "cases", "-o", str(again), env=env)
    assert again.read_bytes() == cases.read_bytes()
    assert team.json("case", "list", env=env) == team.json("case", "list")
    assert team.json("officer", "list", env=env) == team.json("officer", "list")


# -- import cases ----------------------------------------------------------------------
def test_import_cases_all_or_none(team, tmp_path):
    team.case("C-1")
    team.ok("officer", "leave", "CO2", "--to", "AO1")
    path = write(tmp_path / "cases.csv", "\n".join([
        "ref,name,dob,officer,received,requested_by,setting,status",
        "N-1,Ann Lee,2019-01-01,AO1,2026-11-20,parent,,requested",   # 2: fine
        "C-1,Sam Jones,2016-05-04,CO1,2026-11-02,,,",                # 3: in the store
        "N-2,Bo,2020-02-30,AO1,2026-11-20,,,",                       # 4: not a date
        "N-3,Cy,2019-01-01,NOPE,2026-11-20,,,",                      # 5: no officer
        "N-4,Di,2019-01-01,CO2,2026-11-20,,,",                       # 6: left
        "N-1,Ed,2019-01-01,AO1,2026-11-20,,,",                       # 7: twice in file
        "N-5,Fay,2019-01-01,AO1,2026-11-24,,,",                      # 8: future
        "N-6,Gus,2000-01-01,AO1,2026-11-20,,,",                      # 9: 25 or over
        "N-7,Hal,2019-01-01,AO1,2026-11-20,neighbour,,",             # 10: requested_by
        "N-8,Ivy,2019-01-01,AO1,2026-11-20,,,assessing",             # 11: status
        "N 9,Jo,2019-01-01,AO1,2026-11-20,,,",                       # 12: bad ref
        ",Kim,2019-01-01,AO1,2026-11-20,,,",                         # 13: no ref
        "N-10,,2019-01-01,AO1,2026-11-20,,,",                        # 14: no name
        "N-11,Lu,2019-01-01,AO1",                                    # 15: short row
        "",
        "N-12,\"Moore, Max\",2019-01-01,AO1,2026-11-20,,,",          # 17: fine
        "N-13,Ned,19/01/2019,AO1,2026-11-20,,,",                     # 18: date form
    ]) + "\n")
    code, lines = bad_rows(team("import", "cases", path))
    assert code == 2
    assert lines == [
        "error: 14 bad rows in cases.csv; nothing was imported",
        "line 3: case 'C-1' already exists",
        "line 4: dob is not a real date; use YYYY-MM-DD",
        "line 5: no officer 'NOPE'",
        "line 6: officer 'CO2' has left",
        "line 7: ref 'N-1' is also on line 2",
        "line 8: received date 2026-11-24 is in the future; use 2026-11-23 or earlier",
        "line 9: the young person was 25 or over on the received date; a request for "
        "someone 25 or over is refused (a plan can last to 25)",
        "line 10: requested_by 'neighbour' is not known; use one of: parent, young-person, "
        "setting, health, social-care, other, or leave it empty",
        "line 11: status 'assessing' cannot be imported; an import registers new requests "
        "(status 'requested' or empty)",
        "line 12: reference 'N 9' is not valid; use up to 64 letters, digits, '/', '.', '_' "
        "or '-', starting with a letter or digit",
        "line 13: ref is empty; give each case its reference",
        "line 14: name is empty; give the child's or young person's name",
        "line 15: has 4 fields; the header has 8",
        "line 18: dob is not a real date; use YYYY-MM-DD",
        "hint: Fix the rows listed and import the whole file again.",
    ]
    assert [r["ref"] for r in team.json("case", "list")] == ["C-1"]
    assert [e for e in team.json("audit") if e["action"] == "case.import"] == []


def test_a_bad_row_deep_in_a_large_file(team, tmp_path):
    lines = ["ref,name,dob,officer,received"]
    for n in range(1, 20_001):
        dob = "2019-02-29" if n == 17_345 else "2019-01-01"
        lines.append(f"B-{n:05d},Child {n},{dob},{'AO1' if n % 2 else 'CO1'},2026-11-20")
    path = write(tmp_path / "big.csv", "\n".join(lines) + "\n")
    code, err = bad_rows(team("import", "cases", path))
    assert code == 2
    assert err == ["error: 1 bad row in big.csv; nothing was imported",
                   "line 17346: dob is not a real date; use YYYY-MM-DD",
                   "hint: Fix the rows listed and import the whole file again."]
    assert team.json("case", "list") == []
    # fixed, the whole file goes in, with one audit entry
    path = write(tmp_path / "big.csv", "\n".join(lines).replace("2019-02-29", "2019-02-28")
                 + "\n")
    result = team.ok("import", "cases", path, as_="AO1")
    assert result.stderr == "imported 20000 cases from big.csv\n"
    assert len(team.json("case", "list", "--officer", "CO1")) == 10_000
    [entry] = [e for e in team.json("audit") if e["action"] == "case.import"]
    assert entry["officer"] == "AO1"
    assert entry["after"] == {"file": "big.csv", "cases": 20000,
                                          "by_officer": {"AO1": 10000, "CO1": 10000}}
    assert entry["case_ref"] is None


def test_imported_cases_behave_like_added_ones(team, tmp_path):
    path = write(tmp_path / "c.csv", "ref,name,dob,officer,received\n"
                 "I-1,Ann Lee,2019-01-01,CO1,2026-11-02\n")
    team.ok("import", "cases", path)
    [case] = team.json("case", "list")
    assert case == {"ref": "I-1", "name": "Ann Lee", "dob": "2019-01-01", "officer": "CO1",
                    "status": "requested", "received": "2026-11-02", "requested_by": None,
                    "setting": None}
    team.ok("contact", "log", "I-1", "--channel", "email", "--direction", "in", "--party",
            "parent", "--summary", "hello", "--at", "2026-11-20T10:00")
    assert team.json("followup", "list", "I-1")[0]["kind"] == "reply"


def test_import_file_refusals(team, tmp_path):
    assert team.fails(2, "import", "cases", str(tmp_path / "nope.csv")) == \
        f"error: no file '{tmp_path / 'nope.csv'}'"
    assert team.fails(2, "import", "cases", write(tmp_path / "e.csv", "")) == \
        "error: e.csv is empty; its first line must name the columns: " \
        "ref,name,dob,officer,received"
    assert team.fails(2, "import", "cases", write(tmp_path / "m.csv",
                                                  "ref,name,dob,officer\n")) == \
        "error: m.csv has no column 'received'; it needs at least ref,name,dob,officer,received"
    assert team.fails(2, "import", "cases", write(tmp_path / "u.csv",
                                                  "ref,name,dob,officer,received,nhs\n")) == \
        "error: u.csv has a column 'nhs' that import does not know; the columns are " \
        "ref,name,dob,officer,received,requested_by,setting,status,forename,surname,sex," \
        "ethnicity,postcode,upn,uln,upn_unknown,transferred_from,same_child,new_child"
    latin = tmp_path / "l.csv"
    latin.write_bytes(b"ref,name,dob,officer,received\nL-1,Zo\xeb,2019-01-01,AO1,2026-11-20\n")
    assert team.fails(2, "import", "cases", str(latin)) == \
        "error: l.csv is not UTF-8 text (line 2)"
    assert team.json("case", "list") == []


def test_import_accepts_a_spreadsheet_bom_and_blank_lines(team, tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes("\ufeffRef,Name,DOB,Officer,Received\r\n\r\nX-1,Zoë,2019-01-01,AO1,"
                     "2026-11-20\r\n".encode())
    assert team.ok("import", "cases", str(path)).stderr == "imported 1 case from x.csv\n"
    assert team.json("case", "list")[0]["name"] == "Zoë"
    empty = write(tmp_path / "h.csv", "ref,name,dob,officer,received\n")
    assert team.ok("import", "cases", empty).stderr == "h.csv has no rows; nothing was imported\n"


# -- import officers ------------------------------------------------------------------
def test_import_officers(cli, tmp_path):
    path = write(tmp_path / "team.csv", "code,name,email,team,role\n"
                 "AO1,Priya Shah,priya.shah@council.gov.uk,assessment,assessment-officer\n"
                 "BS1,Jo Hill,jo.hill@council.gov.uk,business-support,business-support\n")
    assert cli.ok("import", "officers", path).stderr == "imported 2 officers from team.csv\n"
    assert [o["code"] for o in cli.json("officer", "list")] == ["AO1", "BS1"]
    bad = write(tmp_path / "bad.csv", "code,name,email,team,role,active\n"
                "CO1,Tom,tom@council.gov.uk,early-years-primary,casework-officer,true\n"
                "AO1,Dup,x@council.gov.uk,assessment,assessment-officer,true\n"
                "CO1,Tom,tom@council.gov.uk,early-years-primary,casework-officer,true\n"
                "CO2,Aisha,not-an-email,secondary-post16,casework-officer,\n"
                "CO3,Al,al@council.gov.uk,finance,casework-officer,\n"
                "CO4,Bo,bo@council.gov.uk,assessment,boss,\n"
                "C O5,Cy,cy@council.gov.uk,assessment,casework-officer,\n"
                "CO6,Di,di@council.gov.uk,assessment,casework-officer,maybe\n")
    code, lines = bad_rows(cli("import", "officers", bad))
    assert code == 2
    assert lines == [
        "error: 7 bad rows in bad.csv; nothing was imported",
        "line 3: officer 'AO1' already exists",
        "line 4: code 'CO1' is also on line 2",
        "line 5: email 'not-an-email' is not an email address; use name@council.gov.uk",
        "line 6: team 'finance' is not known; use one of: assessment, early-years-primary, "
        "secondary-post16, tribunals, business-support",
        "line 7: role 'boss' is not known; use one of: assessment-officer, casework-officer, "
        "business-support, senior-casework-officer, lead-casework-officer",
        "line 8: code 'C O5' is not valid; use 1-32 letters, digits, '.', '_' or '-'",
        "line 9: active 'maybe' is not true or false",
        "hint: Fix the rows listed and import the whole file again.",
    ]
    assert [o["code"] for o in cli.json("officer", "list")] == ["AO1", "BS1"]


def test_imported_cases_get_the_same_statutory_clocks_as_added_ones(team, tmp_path):
    team.case("A-1", received="2026-11-02", dob="2023-05-01")
    path = write(tmp_path / "c.csv", "ref,name,dob,officer,received,new_child\n"
                 "I-1,Sam Jones,2023-05-01,CO1,2026-11-02,yes\n"
                 "I-2,Sam Jones,2016-05-04,CO1,2026-11-02,yes\n")
    team.ok("import", "cases", path)
    added = team.json("case", "show", "A-1")["clocks"]
    assert sorted(c["milestone"] for c in added) == ["assessment-decision", "draft-plan",
                                                     "final-plan", "issue-decision"]
    assert team.json("case", "show", "I-1")["clocks"] == added
    assert team.json("case", "show", "I-2")["clocks"] == added
    due = {(r["case_ref"], r["milestone"]): r["due"] for r in team.json("deadlines")}
    assert due[("I-1", "assessment-decision")] == due[("A-1", "assessment-decision")] == \
        "2026-12-14"
