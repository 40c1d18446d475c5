"""send-cli report nightly: the cron bundle, in-process and as cron runs it."""

from __future__ import annotations

import csv
import json
import os
import stat
import subprocess
import sys

import pytest
from test_dashboard import assert_self_contained, check_every_figure

FILES = ["deadlines.csv", "escalations.csv", "forecast.csv", "kpi.html", "kpi.json",
         "overdue.csv", "summary.txt"]
NIGHT = "2027-01-07T02:00"


@pytest.fixture
def office(team):
    team.case("C-1", officer="CO1", received="2026-11-02")
    team.case("C-2", officer="AO1", received="2026-11-30", name="Ann Lee", now="2026-12-01")
    for ref, at in (("C-1", "2026-12-14T10:00"), ("C-2", "2026-12-21T10:00")):
        team.ok("contact", "log", ref, "--channel", "email", "--direction", "in", "--party",
                "parent", "--summary", "any news?", "--at", at, now=at)
    team.ok("escalate", "C-2", "--to", "business-support", "--reason", "chasing",
            now="2027-01-05T09:00")
    return team


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_bundle(office, tmp_path):
    out = tmp_path / "nightly"
    result = office("report", "nightly", "--out", str(out), now=NIGHT)
    assert (result.exit_code, result.stdout, result.stderr) == (4, "", "")
    assert sorted(os.listdir(out)) == FILES
    for name in FILES:
        assert stat.S_IMODE(os.stat(out / name).st_mode) == 0o600, name
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o700
    # the same rows as the reports themselves
    overdue = read_csv(out / "overdue.csv")
    assert overdue == [{k: "" if v is None else str(v) for k, v in r.items()}
                       for r in office.json("overdue", now=NIGHT)]
    assert [(r["case_ref"], r["kind"], r["working_days_overdue"]) for r in overdue] == \
        [("C-1", "reply", "10"), ("C-2", "reply", "5")]
    escalations = read_csv(out / "escalations.csv")
    assert [(r["case_ref"], r["level"], r["owner"], r["kind"]) for r in escalations] == [
        ("C-1", "3", "SCO1", "reply"), ("C-2", "2", "BS1", "escalation-reply"),
        ("C-2", "2", "BS1", "reply")]
    assert list(escalations[0]) == list(office.json("escalations", now=NIGHT)[0])
    deadlines = read_csv(out / "deadlines.csv")
    assert list(deadlines[0]) == ["case_ref", "child", "milestone", "due", "days_left",
                                  "officer", "exception", "source", "note"]
    assert [(r["case_ref"], r["milestone"], r["due"], r["days_left"]) for r in deadlines] == [
        ("C-1", "assessment-decision", "2026-12-14", "-24"),
        ("C-2", "assessment-decision", "2027-01-11", "4")]
    kpi = json.loads((out / "kpi.json").read_text(encoding="utf-8"))
    assert kpi == office.json("report", "kpi", now=NIGHT)
    # the managers' dashboard, drawn from the same figures, as report kpi draws it
    page = (out / "kpi.html").read_text(encoding="utf-8")
    assert check_every_figure(kpi, page) > 100
    assert_self_contained(page)
    office.ok("report", "kpi", "--format", "html", "-o", str(tmp_path / "k.html"), now=NIGHT)
    assert (tmp_path / "k.html").read_text(encoding="utf-8") == page
    forecast = read_csv(out / "forecast.csv")
    assert forecast == [{k: "" if v is None else str(v).lower() if isinstance(v, bool)
                         else str(v) for k, v in r.items()}
                        for r in office.json("forecast", now=NIGHT)]
    assert [(r["case_ref"], r["waiting_for"], r["late"]) for r in forecast] == [
        ("C-1", "assessment decision", "true"), ("C-2", "assessment decision", "false")]
    assert (out / "summary.txt").read_text(encoding="utf-8") == "\n".join([
        "send-cli nightly report for Thu 07 Jan 2027 (run 2027-01-07 02:00)",
        "",
        "Overdue follow-ups:          2",
        "Escalations:                 3 (senior casework officer 1, business support 2)",
        "Statutory deadlines missed:  1",
        "Deadlines due in 30 days:    1",
        "Forecast:                    1 of 2 open requests forecast to miss 20 weeks "
        "(waiting for: 1 assessment decision)",
        "",
        "By team",
        "                               overdue  escalated  missed  due soon",
        "  assessment                         1          2       0         1",
        "  early-years-primary                1          1       1         0",
        "",
        "By officer",
        "                               overdue  escalated  missed  due soon",
        "  AO1 (assessment)                   1          2       0         1",
        "  CO1 (early-years-primary)          1          1       1         0",
        "",
        "Worst cases first",
        "   1. C-1: reply due 2026-12-21, 10 working days late; level 3, senior casework "
        "officer SCO1; named officer CO1",
        "   2. C-2: reply due 2026-12-30, 5 working days late; level 2, business support "
        "BS1; named officer AO1",
        "",
        "Files: overdue.csv, escalations.csv, deadlines.csv, forecast.csv, kpi.json, "
        "kpi.html, summary.txt",
        "",
    ])
    assert "Ann Lee" not in (out / "summary.txt").read_text(encoding="utf-8")


def test_nothing_overdue_exits_0_and_verbose_says_what_it_wrote(office, tmp_path):
    out = tmp_path / "n"
    result = office("report", "nightly", "--out", str(out), "--verbose",
                    now="2026-12-01T02:00")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == (f"wrote overdue.csv, escalations.csv, deadlines.csv, "
                             f"forecast.csv, kpi.json, kpi.html, summary.txt to {out}: "
                             "0 overdue, 1 escalations, 0 deadlines missed, 1 due within "
                             "30 days\n")
    assert read_csv(out / "overdue.csv") == []
    assert (out / "overdue.csv").read_text() == \
        "followup_id,case_ref,child,kind,due,working_days_overdue,officer,team,for\n"


def test_a_second_run_replaces_the_files_whole(office, tmp_path):
    out = tmp_path / "n"
    out.mkdir()
    (out / "overdue.csv").write_text("stale")
    office("report", "nightly", "--out", str(out), now=NIGHT)
    first = {n: (out / n).read_text() for n in FILES}
    assert first["overdue.csv"] != "stale"
    office.ok("followup", "done", "1", now="2027-01-07T09:00")
    office("report", "nightly", "--out", str(out), now="2027-01-07T10:00")
    assert sorted(os.listdir(out)) == FILES  # no temporary file left behind
    assert len(read_csv(out / "overdue.csv")) == 1


def test_a_failed_run_leaves_the_previous_bundle(office, tmp_path, monkeypatch):
    from send_cli.reports import nightly

    out = tmp_path / "n"
    office("report", "nightly", "--out", str(out), now=NIGHT)
    before = {n: (out / n).read_bytes() for n in FILES}
    office.ok("followup", "done", "1", now="2027-01-07T09:00")

    def full_disk(**_):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(nightly, "summary_text", full_disk)
    line = office.fails(1, "report", "nightly", "--out", str(out), now="2027-01-07T10:00")
    assert line == (f"error: cannot write the nightly files in '{out}': No space left on "
                    "device; the previous files were left as they were")
    assert sorted(os.listdir(out)) == FILES
    assert {n: (out / n).read_bytes() for n in FILES} == before


def test_files_are_renamed_into_place_from_the_same_folder(office, tmp_path, monkeypatch):
    moves = []
    real = os.replace

    def spy(src, dst):
        moves.append((os.path.dirname(src), os.path.basename(src), str(dst)))
        real(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    out = tmp_path / "n"
    office("report", "nightly", "--out", str(out), now=NIGHT)
    assert [os.path.basename(d) for _, _, d in moves] == \
        ["overdue.csv", "escalations.csv", "deadlines.csv", "forecast.csv", "kpi.json",
         "kpi.html",
         "summary.txt"]
    assert all(folder == str(out) and name.startswith(".") and name.endswith(".tmp")
               for folder, name, _ in moves)


def test_nightly_refusals(office, tmp_path, monkeypatch):
    afile = tmp_path / "afile"
    afile.write_text("x")
    assert office.fails(2, "report", "nightly", "--out", str(afile)) == \
        f"error: --out '{afile}' is a file, not a folder"
    assert office.fails(2, "report", "nightly") == "error: missing option '--out'"
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    # as root permissions do not bind: make the folder read-only for everyone
    monkeypatch.setattr(os, "access", lambda path, mode: not mode & os.W_OK)
    assert office.fails(1, "report", "nightly", "--out", str(locked)) == \
        f"error: cannot write to the folder '{locked}': permission denied"


@pytest.mark.slow
def test_under_cron(office, store_path, tmp_path):
    """A real process with the empty environment cron gives: no terminal, no
    SEND_CLI_* variables, PATH and HOME only."""
    out = tmp_path / "cron"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home")}
    proc = subprocess.run(
        [sys.executable, "-m", "send_cli", "--db", str(store_path), "--now", NIGHT, "report",
         "nightly", "--out", str(out)],
        env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    assert (proc.returncode, proc.stdout, proc.stderr) == (4, b"", b"")
    assert sorted(os.listdir(out)) == FILES
    for name in FILES:
        assert b"\x1b" not in (out / name).read_bytes()
    # and on the default store, never made: cron is told (exit 3), nothing is made
    proc = subprocess.run([sys.executable, "-m", "send_cli", "report", "nightly", "--out",
                           str(tmp_path / "empty")],
                          env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    assert proc.returncode == 3
    assert proc.stderr.startswith(b"error: no send-cli store at ")
    assert not (tmp_path / "empty").exists() and not (tmp_path / "home").exists()


def test_a_mistyped_store_alerts_instead_of_reporting_all_clear(office, tmp_path):
    out = tmp_path / "nightly"
    typo = tmp_path / "sned.db"
    assert office.fails(3, "--db", str(typo), "report", "nightly", "--out", str(out)) == \
        f"error: no send-cli store at {typo}; run send-cli init"
    assert not typo.exists() and not out.exists()


def test_a_run_that_cannot_replace_a_file_leaves_the_previous_bundle(office, tmp_path):
    out = tmp_path / "nightly"
    office("report", "nightly", "--out", str(out), now="2026-12-15T02:00")
    before = {n: (out / n).read_bytes() for n in FILES if n != "deadlines.csv"}
    (out / "deadlines.csv").unlink()
    (out / "deadlines.csv").mkdir()
    line = office.fails(1, "report", "nightly", "--out", str(out), now=NIGHT)
    assert line == (f"error: cannot write the nightly files: '{out / 'deadlines.csv'}' is a "
                    "folder; the previous files were left as they were")
    assert {n: (out / n).read_bytes() for n in before} == before
    assert not [n for n in os.listdir(out) if n.endswith(".tmp")]
