"""How send-cli is invoked: global options after the command, shell
completion (bash, zsh, fish) with the choices of options, and Ctrl-C
(exit 130, one line saying what was done), tried with real processes."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from send_cli.commands.arguments import hoist_globals


# -- global options anywhere ---------------------------------------------------------------
@pytest.mark.parametrize(("given", "hoisted"), [
    (["overdue", "--now", "2027-01-04", "--db", "x.db"],
     ["--now", "2027-01-04", "--db", "x.db", "overdue"]),
    (["--as", "CO1", "case", "list", "--officer", "CO1", "--db=x.db", "--debug"],
     ["--as", "CO1", "--db=x.db", "--debug", "case", "list", "--officer", "CO1"]),
    (["demo", "--db", "d.db", "--now", "2027-01-04"],  # demo --db is demo's own
     ["--now", "2027-01-04", "demo", "--db", "d.db"]),
    (["contact", "log", "C-1", "--", "--now"], ["contact", "log", "C-1", "--", "--now"]),
    (["overdue", "--now"], ["overdue", "--now"]),  # a missing value: Click says so
])
def test_hoisting(given, hoisted):
    assert hoist_globals(given) == hoisted


def test_global_options_after_the_command(team, store_path, monkeypatch):
    team.case("C-1", officer="CO1")
    team.ok("contact", "log", "C-1", "--channel", "phone", "--direction", "in", "--party",
            "parent", "--summary", "call me", "--at", "2026-11-02T10:00", now="2026-11-02T10:00")
    monkeypatch.setenv("SEND_CLI_DB", str(store_path.parent / "elsewhere.db"))
    monkeypatch.setenv("SEND_CLI_NOW", "2026-01-01")
    after = team.ok("overdue", "--format", "json", "--db", str(store_path),
                    "--now", "2026-11-23T09:00")
    before = team.ok("--db", str(store_path), "--now", "2026-11-23T09:00", "overdue",
                     "--format", "json")
    assert after.stdout == before.stdout and json.loads(after.stdout)[0]["case_ref"] == "C-1"
    added = team.ok("case", "assign", "C-1", "CO2", "--db", str(store_path), "--as", "AO1")
    assert added.exit_code == 0
    audit = team.json("audit", "C-1", "--db", str(store_path))
    assert audit[-1]["officer"] == "AO1"


# -- shell completion ----------------------------------------------------------------------
@pytest.mark.parametrize(("shell", "mark"), [("bash", "complete_bash"), ("zsh", "#compdef"),
                                             ("fish", "complete_fish")])
def test_show_completion(cli, shell, mark):
    out = cli.ok("--show-completion", shell).stdout
    assert mark in out and "_SEND_CLI_COMPLETE" in out


def test_completion_of_an_unknown_shell_is_refused(cli):
    assert cli.fails(2, "--show-completion", "tcsh") == \
        "error: shell completion for 'tcsh' is not offered; use bash, zsh or fish, " \
        "e.g. --show-completion bash"


def test_install_completion(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    result = cli.ok("--install-completion", "bash")
    assert "bash completion installed in" in result.stderr
    assert "_SEND_CLI_COMPLETE" in (tmp_path / ".bash_completions" / "send-cli.sh").read_text()


def complete(words: str) -> list[str]:
    """What bash completion offers for WORDS (a real process, as bash runs it)."""
    parts = words.split(" ")
    env = {**os.environ, "_SEND_CLI_COMPLETE": "complete_bash", "COMP_WORDS": words,
           "COMP_CWORD": str(len(parts) - 1)}
    done = subprocess.run([sys.executable, "-m", "send_cli"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_completion_offers_commands_options_and_choices():
    assert complete("send-cli ov") == ["overdue"]
    assert "--officer" in complete("send-cli overdue --")
    assert complete("send-cli officer add X --team e") == ["early-years-primary"]
    assert "senior-casework-officer" in complete("send-cli officer add X --role ")
    assert complete("send-cli decision log X --panel ") == ["MAP", "CAP", "CCP", "JTP"]
    assert complete("send-cli decision log X --outcome d") == ["declined", "deferred"]
    assert complete("send-cli case milestone X re") == ["review-decision"]


def test_help_stays_light():
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "send_cli", "--help"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    heavy = [line for line in done.stderr.splitlines()
             if any(m in line for m in ("sqlalchemy", "sqlmodel", "alembic"))]
    assert heavy == []


# -- Ctrl-C --------------------------------------------------------------------------------
def run_and_interrupt(args: list[str], after: float, env: dict[str, str],
                      cwd: Path | None = None) -> subprocess.CompletedProcess:
    """ARGS as a process, sent SIGINT (Ctrl-C) AFTER seconds."""
    proc = subprocess.Popen([sys.executable, "-m", "send_cli", *args], env=env, cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(after)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(args, proc.returncode, out, err)


@pytest.mark.sqlite_only
def test_ctrl_c_during_a_large_import_imports_nothing(team, tmp_path):
    big = tmp_path / "big.csv"
    with big.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["ref", "name", "dob", "officer", "received"])
        w.writerows([f"B-{i:06d}", f"Child {i}", "2015-01-01", "CO1", "2026-11-02"]
                    for i in range(300_000))
    for after in (1.0, 4.0):
        done = run_and_interrupt(["import", "cases", str(big)], after, dict(os.environ))
        assert done.returncode == 130, done.stderr
        assert done.stderr == "interrupted: nothing was changed\n"
        assert team.json("case", "list") == []


def test_ctrl_c_while_the_demo_builds(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEND_CLI_")}
    env.update({"HOME": str(tmp_path / "home"), "XDG_DATA_HOME": str(tmp_path / "data")})
    done = run_and_interrupt(["demo"], 1.0, env, cwd=tmp_path)
    assert done.returncode == 130, done.stderr
    assert done.stderr.splitlines()[-1] == (
        f"interrupted: the demo store was not finished and {tmp_path / 'send-demo.db'} was "
        "removed; run 'send-cli demo' again")
    assert "sample data" not in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "send-demo.db").exists()


def test_ctrl_c_in_the_nightly_bundle_says_what_was_kept(team, tmp_path, monkeypatch):
    out = tmp_path / "nightly"
    team.ok("report", "nightly", "--out", str(out))
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    import send_cli.reports.nightly as nightly

    def interrupted(**_):
        raise KeyboardInterrupt

    monkeypatch.setattr(nightly, "summary_text", interrupted)
    result = team("report", "nightly", "--out", str(out))
    assert result.exit_code == 130
    assert result.stderr == "interrupted: no nightly file was replaced; the previous files " \
        "were left as they were\n"
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
