"""The SEN2 return as a workbook for people to check (`report sen2 -o
sen2.xlsx`): a sheet per module and one of the checks, the same items as the
XML; the format comes from -o's name; the checks go to CSV too."""

from __future__ import annotations

import csv
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xmlschema

from send_cli.reports.sen2xml import SCHEMA
from tests.test_sen2 import GOOD_UPN, NOW, scenario

BACKENDS = ("sqlite", "postgresql")
SHEETS = ["Header", "Person", "Requests", "Assessment", "NamedPlan", "PlanDetail",
          "ActivePlans", "PlacementDetail", "SENneed", "Checks"]


@pytest.fixture
def council(team: Any) -> Any:
    """The team's store with the council's SEN2 settings."""
    for name, value in (("la-code", "857"), ("dmo", "Y"), ("dco", "Y"), ("dsco", "R")):
        team.ok("setting", "set", name, value, now=NOW)
    return team


def rows_of(ws: Any) -> list[dict[str, Any]]:
    header = [c.value for c in ws[1]]
    return [dict(zip(header, row, strict=True))
            for row in ws.iter_rows(min_row=2, values_only=True)]


def by_ref(ws: Any) -> dict[str, dict[str, Any]]:
    return {r["case ref"]: r for r in rows_of(ws)}


def test_the_workbook_has_a_sheet_per_module_with_the_returns_items(
        council: Any, tmp_path: Path) -> None:
    scenario(council)
    target = tmp_path / "sen2.xlsx"
    result = council.ok("report", "sen2", "--year", "2027", "-o", str(target), now=NOW)
    assert result.stdout == ""
    assert result.stderr.strip() == (
        f"SEN2 2027 (census 2027-01-21): 4 people written to {target}; 1 error, 0 queries "
        "(see 'send-cli report sen2 --year 2027 --check')")
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == SHEETS
    for ws in book.worksheets:  # a frozen bold header on every sheet
        assert ws.freeze_panes == "A2"
        assert all(c.font.bold for c in ws[1])
    (head,) = rows_of(book["Header"])
    assert (head["Collection"], head["Year"], head["ReferenceDate"], head["LEA"],
            head["DMO"], head["DCO"], head["DSCO"]) == (
        "SEN2", 2027, datetime(2027, 1, 21), "857", "Y", "Y", "R")
    assert [c.value for c in book["Person"][1]] == [
        "person", "case refs", "Surname", "Forename", "PersonBirthDate", "Sex", "Ethnicity",
        "PostCode", "UPN", "UniqueLearnerNumber", "UPNunknown"]
    people = {r["Surname"]: r for r in rows_of(book["Person"])}
    assert people["Example"] == {
        "person": 1, "case refs": "P-1", "Surname": "Example", "Forename": "Sam",
        "PersonBirthDate": datetime(2016, 5, 1), "Sex": "F", "Ethnicity": "WBRI",
        "PostCode": "ZZ99 9ZZ", "UPN": GOOD_UPN, "UniqueLearnerNumber": None,
        "UPNunknown": None}
    assert people["Waiting"]["UniqueLearnerNumber"] == "1234567890"  # text, as typed
    requests = by_ref(book["Requests"])
    assert set(requests) == {"P-1", "R-1", "W-1", "N-1"}
    assert (requests["P-1"]["ReceivedDate"], requests["P-1"]["RequestSource"],
            requests["P-1"]["RequestOutcome"], requests["P-1"]["RequestOutcomeDate"]) == (
        datetime(2026, 2, 3), "2", "Y", datetime(2026, 3, 12))
    assert (requests["R-1"]["RequestOutcome"], requests["R-1"]["RequestOutcomeDate"]) == (
        "N", datetime(2026, 5, 10))
    assert (requests["W-1"]["RequestOutcome"], requests["W-1"]["RequestOutcomeDate"]) == (
        "A", None)
    assessment = by_ref(book["Assessment"])
    assert set(assessment) == {"P-1", "N-1"}  # the refusal and the wait have none
    assert (assessment["P-1"]["AssessmentOutcome"],
            assessment["P-1"]["AssessmentOutcomeDate"]) == ("Y", datetime(2026, 6, 20))
    assert by_ref(book["NamedPlan"])["P-1"]["StartDate"] == datetime(2026, 6, 20)
    detail = by_ref(book["PlanDetail"])["P-1"]
    assert (detail["URN"], detail["PlacementRank"], detail["SENunitIndicator"]) == \
        ("100000", 1, 0)
    held = by_ref(book["PlacementDetail"])
    assert (held["P-1"]["URN"], held["P-1"]["EntryDate"]) == ("100000", datetime(2026, 9, 3))
    assert held["N-1"]["SENSetting"] == "EYP"
    assert set(by_ref(book["ActivePlans"])) == {"P-1", "N-1"}
    assert [(r["case ref"], r["SENtype"], r["SENtypeRank"]) for r in rows_of(book["SENneed"])] \
        == [("P-1", "ASD", 1), ("P-1", "SLCN", 2)]
    assert [(r["case ref"], r["item"], r["severity"]) for r in rows_of(book["Checks"])] == [
        ("N-1", "SENneed", "error")]
    cell = book["Person"]["I2"]  # an identifier is text, never a number
    assert cell.data_type == "s" and book["Person"]["E2"].number_format == "yyyy-mm-dd"
    # the workbook and the XML agree on what the return holds
    xml = council.ok("report", "sen2", "--year", "2027", now=NOW).stdout
    data = xmlschema.XMLSchema(str(SCHEMA)).to_dict(xml)
    assert len(data["Persons"]["Person"]) == len(rows_of(book["Person"]))
    assert sum(len(p["Requests"]) for p in data["Persons"]["Person"]) == len(requests)


def test_a_name_like_a_formula_is_text_in_the_workbook(council: Any,
                                                       tmp_path: Path) -> None:
    council.ok("case", "add", "--ref", "F-1", "--forename", "=1+2", "--surname",
               "@SUM(A1)", "--dob", "2016-05-01", "--officer", "CO1", "--received",
               "2026-03-02", now=NOW)
    target = tmp_path / "sen2.xlsx"
    council.ok("report", "sen2", "--year", "2027", "-o", str(target), now=NOW)
    ws = openpyxl.load_workbook(target)["Person"]
    assert (ws["C2"].value, ws["D2"].value) == ("@SUM(A1)", "=1+2")
    assert ws["D2"].data_type == "s"
    with zipfile.ZipFile(target) as z:
        assert not any("<f>" in z.read(n).decode() for n in z.namelist()
                       if n.startswith("xl/worksheets/"))


@pytest.mark.parametrize(("args", "line"), [
    (("-o", "sen2.csv"), "error: 'sen2.csv' names a csv file, which is not offered here; "
     "use xml or xlsx"),
    (("--format", "xlsx"), "error: --format xlsx writes a file; add -o FILE.xlsx"),
    (("--format", "xml", "-o", "sen2.xlsx"),
     "error: --format xml contradicts the file name 'sen2.xlsx' (xlsx); change one of them"),
    (("--format", "json"), "error: --format 'json' is not offered here; use xml or xlsx"),
    (("--check", "--format", "xml"),
     "error: --format 'xml' is not offered here; use table, csv, json or xlsx"),
    (("--exit-code",), "error: --exit-code goes with --check"),
])
def test_the_format_comes_from_the_file_name(council: Any, tmp_path: Path, monkeypatch: Any,
                                             args: tuple[str, ...], line: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    assert council.fails(2, "report", "sen2", "--year", "2027", *args, now=NOW) == line
    assert list(out.iterdir()) == []


def test_the_return_and_its_checks_go_to_any_file(council: Any,
                                                  tmp_path: Path) -> None:
    scenario(council)
    named = tmp_path / "return.txt"  # a name that says nothing: the return is XML
    council.ok("report", "sen2", "--year", "2027", "-o", str(named), now=NOW)
    xmlschema.XMLSchema(str(SCHEMA)).validate(str(named))
    council.ok("report", "sen2", "--year", "2027", "--format", "xlsx", "-o",
               str(tmp_path / "book"), now=NOW)
    with open(tmp_path / "book", "rb") as fh:  # a workbook, whatever its name
        assert openpyxl.load_workbook(fh).sheetnames == SHEETS
    council.ok("report", "sen2", "--year", "2027", "--check", "-o",
               str(tmp_path / "checks.csv"), now=NOW)
    with open(tmp_path / "checks.csv", newline="", encoding="utf-8") as fh:
        assert list(csv.DictReader(fh)) == [{
            "case_ref": "N-1", "item": "SENneed", "severity": "error",
            "message": "the plan is active but has no primary (rank 1) need; use "
                       "'send-cli case need'"}]
    result = council("report", "sen2", "--year", "2027", "--check", "--exit-code", "-o",
                     str(tmp_path / "checks.xlsx"), now=NOW)
    assert result.exit_code == 4  # written, and still exit 4 on an error
    ws = openpyxl.load_workbook(tmp_path / "checks.xlsx").active
    assert [c.value for c in ws[2]] == ["N-1", "SENneed", "error",
                                        "the plan is active but has no primary (rank 1) "
                                        "need; use 'send-cli case need'"]
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("send.db")) \
        == ["book", "checks.csv", "checks.xlsx", "return.txt"]  # no part files left


@pytest.mark.sqlite_only
def test_the_return_never_overwrites_the_store_and_replaces_a_file_whole(
        council: Any, tmp_path: Path, store_path: Path) -> None:
    scenario(council)
    before = store_path.read_bytes()
    for args in (("--format", "xml", "-o", str(store_path)),
                 ("--format", "xlsx", "-o", f"{store_path}-wal")):
        assert council.fails(1, "report", "sen2", "--year", "2027", *args, now=NOW) == (
            f"error: '{args[-1]}' is the store itself (or one of its files); nothing was "
            "written")
    assert store_path.read_bytes() == before
    target = tmp_path / "out" / "sen2.xml"
    target.parent.mkdir()
    target.write_text("the old return\n")
    council.fails(2, "report", "sen2", "--year", "2027", "--census", "2027-01-32", "-o",
                  str(target), now=NOW)
    assert target.read_text() == "the old return\n"
    council.ok("report", "sen2", "--year", "2027", "-o", str(target), now=NOW)
    assert target.read_text().startswith('<?xml version="1.0"')
    assert [p.name for p in target.parent.iterdir()] == ["sen2.xml"]


@pytest.mark.sqlite_only
def test_a_request_tied_to_no_person_is_an_error_not_left_out_in_silence(
        council: Any, tmp_path: Path, store_path: Path) -> None:
    import sqlite3

    scenario(council)
    with sqlite3.connect(store_path) as con:  # as a hand-edited store might have it
        con.execute("UPDATE cases SET person_id = NULL WHERE ref = 'W-1'")
    con.close()
    found = council.json("report", "sen2", "--year", "2027", "--check", now=NOW)
    assert [(f["case_ref"], f["item"], f["severity"]) for f in found] == [
        ("W-1", "Person", "error"), ("N-1", "SENneed", "error")]
    target = tmp_path / "sen2.xlsx"
    result = council.ok("report", "sen2", "--year", "2027", "-o", str(target), now=NOW)
    assert "3 people written" in result.stderr and "2 errors, 0 queries" in result.stderr
    book = openpyxl.load_workbook(target)
    assert [r["case ref"] for r in rows_of(book["Checks"])] == ["W-1", "N-1"]
    assert "W-1" not in by_ref(book["Requests"])
    shown = council.json("case", "show", "W-1", now=NOW)
    assert [r["ref"] for r in shown["requests"]] == ["W-1"]
