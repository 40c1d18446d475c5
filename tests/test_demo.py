"""send-cli demo: a fresh demo store from sample_data/, the reports for the
demo's reference moment, and never anyone's real store."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from send_cli.store.engine import HEAD

REFERENCE = "2027-01-04T09:00"
HEADINGS = ["== Promises to families that are late ==", "== Next MAP agenda ==",
            "== Statutory deadlines due this week ==", "== KPIs ==",
            "== What sits above the named officers (the escalation ladder) =="]


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    """`send-cli demo` as a newcomer runs it: a real process, in a folder of
    their own, with no store configured."""
    folder = tmp_path_factory.mktemp("newcomer")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEND_CLI_")}
    env.update({"HOME": str(folder / "home"), "XDG_DATA_HOME": str(folder / "data"),
                "COLUMNS": "200"})
    done = subprocess.run([sys.executable, "-m", "send_cli", "demo"], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=300)
    return folder, done


def test_the_demo_builds_its_store_and_prints_the_reports(demo_run) -> None:
    folder, done = demo_run
    assert done.returncode == 0, done.stderr
    db = folder / "send-demo.db"
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
    assert not (folder / "data").exists()  # the real (default) store was never touched
    first = done.stderr.splitlines()[0]
    assert first.startswith(f"built {db} from ") and first.endswith(f"reports for {REFERENCE}")
    positions = [done.stdout.index(h) for h in HEADINGS]
    assert positions == sorted(positions)
    assert "MAP Multi-Agency Panel, Mon 2027-01-04 10:00 (moved from Fri 2027-01-01)" \
        in done.stdout
    assert "Try next:" in done.stdout
    assert "\x1b" not in done.stdout  # not a terminal: no escape codes


def test_the_demo_store_answers_the_try_next_commands(demo_run) -> None:
    folder, _ = demo_run
    env = {**os.environ, "SEND_CLI_DB": str(folder / "send-demo.db"), "SEND_CLI_NOW": REFERENCE}
    done = subprocess.run([sys.executable, "-m", "send_cli", "overdue", "--format", "json"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    overdue = json.loads(done.stdout)
    assert overdue and all(row["working_days_overdue"] > 0 for row in overdue)
    # a follow-up due on Tue 29 Dec 2026 is 3 working days late on Mon 4 Jan 2027
    assert {row["working_days_overdue"] for row in overdue if row["due"] == "2026-12-29"} \
        == {3}


def test_the_demo_replaces_only_a_demo_store(tmp_path: Path, cli) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    line = cli.fails(2, "demo", "--db", str(notes))
    assert line == (f"error: '{notes}' is there and is not a demo store; the demo replaces "
                    "only a demo store it built")
    assert notes.read_text() == "my notes\n"


def test_the_demo_never_builds_over_the_real_store(store_path: Path, cli) -> None:
    before = store_path.read_bytes()
    line = cli.fails(2, "demo", "--db", str(store_path))
    assert line.startswith(f"error: --db '{store_path}' is your real store")
    assert store_path.read_bytes() == before


def test_the_demo_store_passes_its_check(demo_run) -> None:
    """Built through every kind of command: the store is whole and the
    counts its triggers kept for the KPIs equal the rows they count."""
    folder, _ = demo_run
    done = subprocess.run([sys.executable, "-m", "send_cli", "--db",
                           str(folder / "send-demo.db"), "db", "check", "--format", "json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert {r["check"]: r["result"] for r in json.loads(done.stdout)} == {
        "integrity": "ok", "foreign_keys": "ok", "schema": f"{HEAD} (latest)",
        "kpi_counts": "ok"}


@pytest.mark.parametrize("args", [[], ["--within", "7"], ["--breached"], ["--officer", "CO3"]])
def test_the_deadlines_summary_counts_what_the_list_holds(demo_run, args: list[str]) -> None:
    """The table's closing line is counted in SQL; the JSON list is the rows."""
    folder, _ = demo_run
    env = {**os.environ, "SEND_CLI_DB": str(folder / "send-demo.db"), "SEND_CLI_NOW": REFERENCE}
    listed = subprocess.run([sys.executable, "-m", "send_cli", "deadlines", *args, "--format",
                             "json"], env=env, capture_output=True, text=True, timeout=120)
    rows = json.loads(listed.stdout)
    table = subprocess.run([sys.executable, "-m", "send_cli", "deadlines", *args, "--limit",
                            "3"], env=env, capture_output=True, text=True, timeout=120)
    assert table.returncode == 0, table.stderr
    missed = sum(r["days_left"] < 0 for r in rows)
    excepted = sum(r["exception"] is not None for r in rows)
    assert rows and table.stderr.splitlines()[-1] == (
        f"{len(rows)} deadlines, {missed} missed; {excepted} with a reg 10(4) exception recorded")
    assert f"and {len(rows) - 3} more" in table.stdout


@pytest.mark.parametrize("command", [["escalations"], ["overdue"]])
def test_a_table_counts_what_the_list_holds(demo_run, command: list[str]) -> None:
    """A table shows its first rows and counts the rest in SQL; the count
    agrees with the streamed list, and so does --exit-code."""
    folder, _ = demo_run
    env = {**os.environ, "SEND_CLI_DB": str(folder / "send-demo.db"), "SEND_CLI_NOW": REFERENCE}
    listed = subprocess.run([sys.executable, "-m", "send_cli", *command, "--format", "json"],
                            env=env, capture_output=True, text=True, timeout=120)
    rows = json.loads(listed.stdout)
    table = subprocess.run([sys.executable, "-m", "send_cli", *command, "--limit", "2",
                            "--exit-code"], env=env, capture_output=True, text=True, timeout=120)
    assert table.returncode == 4, table.stderr
    assert len(rows) > 2 and f"and {len(rows) - 2} more" in table.stdout
    shown = [r["case_ref"] for r in rows[:2]]
    assert all(ref in table.stdout for ref in shown)


def test_the_builder_runs_each_sample_line_through_the_runner_it_is_given(tmp_path) -> None:
    """The builder never imports the command line: the face hands it a runner,
    and a callback hears of each step done."""
    import typer

    from send_cli.casework import demo as builder
    from send_cli.cli import app

    command = typer.main.get_command(app)
    seen: list[list[str]] = []

    def run(argv: list[str]) -> int:
        seen.append(argv)
        return int(command.main(args=argv, prog_name="send-cli", standalone_mode=False) or 0)

    ticks: list[int] = []
    steps, reference = builder.build(tmp_path / "d.db", run=run, progress=ticks.append)
    assert reference == REFERENCE
    assert len(seen) == steps == len(ticks) > 100 and set(ticks) == {1}
    assert all(argv[:2] == ["--db", str(tmp_path / "d.db")] for argv in seen)
    assert builder.is_demo_store(tmp_path / "d.db")


def test_a_failing_sample_line_stops_the_build(tmp_path) -> None:
    from send_cli.casework import demo as builder
    from send_cli.errors import SendError

    steps, _ = builder.read_script(builder.sample_dir())
    calls: list[list[str]] = []

    def run(argv: list[str]) -> int:
        calls.append(argv)
        return 2 if len(calls) == 3 else 0

    with pytest.raises(SendError) as failed:
        builder.build(tmp_path / "d.db", run=run)
    third = steps[2]
    assert failed.value.message == (f"sample data {third.file} line {third.line} failed: "
                                    "exit 2")
    assert len(calls) == 3
