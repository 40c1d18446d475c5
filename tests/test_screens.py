"""Every report drawn from the demo store at 80 and 120 columns, piped and in
a real terminal: identifiers and dates whole, lines within the width, no
trailing spaces, and a footer naming what was left out."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from rich.cells import cell_len

REFERENCE = "2027-01-04T09:00"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
REF = re.compile(r"\b[A-Z]{3}-\d{4}-[A-Z0-9]+\S*")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from typer.testing import CliRunner

    from send_cli.cli import app

    folder = tmp_path_factory.mktemp("demo")
    db = folder / "send-demo.db"
    done = CliRunner().invoke(app, ["demo", "--db", str(db)],
                              env={"SEND_CLI_DB": str(folder / "real.db"), "COLUMNS": "80"})
    assert done.exit_code == 0, done.stderr
    return db


@pytest.fixture
def show(cli, demo_db, monkeypatch):
    """Run a command on the demo store at WIDTH columns (None: no COLUMNS)."""
    monkeypatch.setenv("SEND_CLI_DB", str(demo_db))
    monkeypatch.setenv("SEND_CLI_NOW", REFERENCE)

    def run(*args: str, width: int | None = 80) -> str:
        if width is None:
            monkeypatch.delenv("COLUMNS", raising=False)
        else:
            monkeypatch.setenv("COLUMNS", str(width))
        return cli.ok(*args).stdout

    def data(*args: str) -> list[dict]:
        return json.loads(cli.ok(*args, "--format", "json").stdout)

    run.data = data  # type: ignore[attr-defined]
    return run


# (the command, the JSON keys of identifiers and dates it must show whole)
REPORTS = [
    (("overdue",), ("followup_id", "case_ref", "due")),
    (("overdue", "--officer", "CO1"), ("followup_id", "case_ref", "due")),
    (("followup", "list"), ("id", "case_ref", "due")),
    (("escalations",), ("case_ref", "since")),
    (("deadlines", "--within", "7"), ("case_ref", "due")),
    (("case", "list"), ("ref", "received")),
    (("panel", "agenda", "MAP", "--meeting", "2027-01-04"), ("case_ref",)),
    (("panel", "meetings", "MAP"), ("date",)),
    (("decision", "list"), ("case_ref", "meeting")),
    (("officer", "list"), ("code",)),
    (("audit", "EHC-2026-00023"), ("case_ref", "at")),
]


def text(value: object) -> str:
    if isinstance(value, str) and len(value) > 10 and value[10:11] == "T":
        return value[:10]  # a date-time: its date is whole
    return str(value)


def check_lines(out: str, width: int) -> None:
    for line in out.splitlines():
        assert line == line.rstrip(), f"trailing spaces: {line!r}"
        assert cell_len(line) <= width, f"wider than {width}: {line!r}"


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize(("args", "keys"), REPORTS, ids=[" ".join(a) for a, _ in REPORTS])
def test_reports_fit_with_identifiers_and_dates_whole(show, args, keys, width):
    out = show(*args, width=width)
    check_lines(out, width)
    rows = show.data(*args)[:50]  # what the table shows (its default --limit)
    assert rows, args
    words = set(out.split())
    for row in rows:
        for key in keys:
            if row.get(key) not in (None, ""):
                assert text(row[key]) in words, (key, row[key])
    for ref in REF.findall(out):  # no reference cut short anywhere
        assert "…" not in ref


def test_a_filter_leaves_its_constant_columns_out(show):
    out = show("overdue", "--officer", "CO1")
    lines = out.splitlines()
    assert lines[0] == "Overdue for CO1 Tom Baker, Mon 04 Jan 2027: 5 follow-ups"
    header = lines[2].split()
    assert header == ["id", "case", "ref", "child", "kind", "due", "late"]
    assert "Finley Kettering" in out  # room for the child's name once officer and team go
    assert "Officer and team left out (one officer)." in " ".join(out.split())


def test_narrow_tables_say_what_they_left_out(show):
    narrow = show("overdue")
    wide = show("overdue", width=120)
    assert "team" not in narrow.splitlines()[2] and "team" in wide.splitlines()[2]
    flat = " ".join(narrow.split())
    assert "left out to fit the width. All columns with --format csv, json or xlsx." in flat
    assert "left out" not in wide


def test_piped_output_without_columns_is_80_wide(show):
    out = show("deadlines", width=None)
    check_lines(out, 80)
    assert max(cell_len(line) for line in out.splitlines()) > 60


def test_free_text_is_cut_in_tables_and_whole_elsewhere(show):
    agenda = show("panel", "agenda", "MAP", "--meeting", "2027-01-04")
    before = next(line for line in agenda.splitlines() if line.startswith("    before:"))
    assert before.endswith("…") and cell_len(before) == 80
    rows = show.data("panel", "agenda", "MAP", "--meeting", "2027-01-04")
    whole = next(r["prior_decisions"][0] for r in rows if r["prior_decisions"])
    assert whole.endswith("Awaiting the health visitor's report")
    assert "    declared: Cllr Peter Lang: Neighbour of the family" in agenda
    assert "For the chair: send-cli panel agenda MAP --meeting 2027-01-04 -o agenda.xlsx" \
        in agenda


def test_case_show_is_stacked_and_reads_at_80(show):
    out = show("case", "show", "EHC-2026-00023")
    check_lines(out, 80)
    lines = out.splitlines()
    assert lines[0] == "EHC-2026-00023  Reuben Whitlock, born 2015-12-15"
    assert lines[1] == "CO1 (early-years-primary) · plan in force · received 2026-07-20 " \
        "from parent"
    assert "Statutory clocks as at Mon 04 Jan 2027" in out
    detail = show.data("case", "show", "EHC-2026-00023")
    for clock in detail["clocks"]:
        assert clock["due"] in out
    assert "  final-plan           2026-12-07  met on the day, 2026-12-07" in lines
    assert "    summary: Christmas Eve message, please call" in lines
    narrow = show("case", "show", "EHC-2026-00023", width=60)
    check_lines(narrow, 60)
    assert "2027-12-06" in narrow


def test_kpi_titles_fit(show):
    out = show("report", "kpi")
    check_lines(out, 80)
    assert out.splitlines()[0] == "KPIs 2026-01-05 to 2027-01-04"
    assert "Caseload: 56 open cases, 9 officers" in out.splitlines()


def test_plural_forms(show, cli):
    out = show("overdue", "--officer", "CO2")
    assert out.splitlines()[0].endswith(": 1 follow-up")


def in_terminal(args: list[str], env: dict[str, str], cols: int = 80, rows: int = 24) -> str:
    """ARGS run in a pseudo-terminal COLS wide, as a user's terminal runs
    them; the output without colour codes."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "send_cli", *args], stdin=follower,
                            stdout=follower, stderr=follower, env=env, close_fds=True)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=60)
    os.close(leader)
    return ANSI.sub("", b"".join(chunks).decode()).replace("\r\n", "\n")


TERMINAL = {"overdue": "due", "followup list": "due", "escalations": "since",
            "deadlines --within 7": "due", "case show EHC-2026-00023": None,
            "panel agenda MAP --meeting 2027-01-04": None}


@pytest.mark.parametrize("command", list(TERMINAL))
def test_in_an_80_column_terminal(demo_db, command):
    args = command.split()
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env.update({"SEND_CLI_DB": str(demo_db), "SEND_CLI_NOW": REFERENCE, "TERM": "xterm"})
    out = in_terminal(args, env)
    assert "error" not in out
    for line in out.splitlines():
        assert cell_len(line.rstrip()) <= 80, line
    json_out = subprocess.run([sys.executable, "-m", "send_cli", *args, "--format", "json"],
                              env=env, capture_output=True, text=True, timeout=60).stdout
    data = json.loads(json_out)
    if isinstance(data, dict):  # case show
        wanted = {data["case"]["ref"]} | {c["due"] for c in data["clocks"]}
    else:
        first = data[:20]  # on screen (a table shows 50)
        day = TERMINAL[command]
        wanted = {r["case_ref"] for r in first} | ({r[day] for r in first} if day else set())
    words = set(out.split())
    assert wanted <= words, wanted - words
    for ref in REF.findall(out):
        assert "…" not in ref
