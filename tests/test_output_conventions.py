"""Output conventions (CLI.md "Output"): data on stdout, messages on stderr;
no colour or other escape codes when stdout is not a terminal or NO_COLOR is
set; a progress bar only on a terminal."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

import pytest

ESC = "\x1b"


@pytest.fixture
def busy(team):
    team.case("C-1", officer="CO1", name="Sam Jones")
    team.ok("contact", "log", "C-1", "--channel", "email", "--direction", "in", "--party",
            "parent", "--summary", "any news?", "--at", "2026-11-02T10:00", now="2026-11-02T10:00")
    team.ok("escalate", "C-1", "--to", "senior", "--reason", "no reply")
    return team


LISTINGS = [("escalations",), ("overdue",), ("followup", "list"), ("officer", "list"),
            ("case", "list"), ("deadlines",), ("audit",), ("case", "show", "C-1")]


@pytest.mark.parametrize("args", LISTINGS, ids=" ".join)
def test_no_escape_codes_when_stdout_is_not_a_terminal(busy, args):
    result = busy.ok(*args)
    assert result.stdout.strip()
    assert ESC not in result.stdout and ESC not in result.stderr


def test_data_on_stdout_messages_on_stderr(busy, tmp_path):
    added = busy.ok("case", "add", "--ref", "C-2", "--name", "Ann Lee", "--dob", "2019-01-01",
                    "--officer", "AO1", "--received", "2026-11-20")
    assert (added.stdout, added.stderr) == ("C-2\n", "")
    raised = busy.ok("escalate", "C-2", "--to", "lead", "--reason", "unhappy")
    assert raised.stdout.strip().isdigit()
    assert raised.stderr.startswith("escalated C-2 to lead casework officer (level 4)")
    officer = busy.ok("officer", "add", "CO9", "--name", "Al", "--email", "al@council.gov.uk",
                      "--team", "tribunals", "--role", "casework-officer")
    assert (officer.stdout, officer.stderr) == ("", "added officer CO9\n")
    exported = busy.ok("export", "cases", "-o", str(tmp_path / "c.csv"))
    assert (exported.stdout, exported.stderr) == ("", "")
    listed = busy.ok("escalations", "--format", "json")
    assert listed.stdout.startswith("[") and listed.stderr == ""
    refused = busy("escalate", "NOPE", "--to", "lead", "--reason", "x")
    assert refused.exit_code == 1 and refused.stdout == ""
    assert refused.stderr.startswith("error: no case 'NOPE'")
    path = tmp_path / "in.csv"
    path.write_text("ref,name,dob,officer,received\nI-1,Kim,2019-01-01,AO1,2026-11-20\n")
    imported = busy.ok("import", "cases", str(path))
    assert (imported.stdout, imported.stderr) == ("", "imported 1 case from in.csv\n")


def test_json_and_csv_are_plain_whatever_the_terminal(busy):
    for fmt in ("json", "csv"):
        out = busy.ok("escalations", "--format", fmt, env={"FORCE_COLOR": "1"}).stdout
        assert ESC not in out


def _run_on_a_terminal(args, env, *, stderr_tty=False):
    """Run send-cli with stdout (and optionally stderr) on a pseudo-terminal.
    Returns (exit code, what the terminal showed, stderr if not on it)."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "send_cli", *args], stdin=subprocess.DEVNULL,
                            stdout=follower,
                            stderr=follower if stderr_tty else subprocess.PIPE,
                            env={**os.environ, "COLUMNS": "160", **env})
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed
            break
        if not chunk:
            break
        shown += chunk
    err = b"" if stderr_tty else proc.stderr.read()  # type: ignore[union-attr]
    proc.wait(timeout=60)
    os.close(leader)
    return proc.returncode, shown.decode("utf-8", "replace"), err.decode()


@pytest.mark.slow
def test_no_color_on_a_terminal(busy, store_path):
    env = {"SEND_CLI_DB": str(store_path), "SEND_CLI_NOW": "2026-11-23T09:00"}
    env.pop("NO_COLOR", None)
    code, shown, _ = _run_on_a_terminal(["escalations"], {**env})
    assert code == 0 and "no reply" in shown
    assert ESC in shown  # a terminal gets styles...
    code, shown, _ = _run_on_a_terminal(["escalations"], {**env, "NO_COLOR": "1"})
    assert code == 0 and "no reply" in shown
    assert ESC not in shown  # ...unless NO_COLOR is set


@pytest.mark.slow
def test_progress_bar_only_on_a_terminal(busy, store_path, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("ref,name,dob,officer,received,new_child\n" + "".join(
        f"P-{n},Kim,2019-01-01,AO1,2026-11-20,yes\n" for n in range(3000)))
    env = {"SEND_CLI_DB": str(store_path), "SEND_CLI_NOW": "2026-11-23T09:00"}
    code, shown, _ = _run_on_a_terminal(["import", "cases", str(path)], env, stderr_tty=True)
    assert code == 0
    assert "importing in.csv" in shown  # the bar, drawn and then cleared
    assert shown.rstrip().endswith("imported 3000 cases from in.csv")
    path2 = tmp_path / "in2.csv"
    path2.write_text(path.read_text().replace("P-", "Q-"))
    proc = subprocess.run([sys.executable, "-m", "send_cli", "import", "cases", str(path2)],
                          env={**os.environ, **env}, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120)
    assert (proc.returncode, proc.stdout, proc.stderr) == \
        (0, "", "imported 3000 cases from in2.csv\n")


def test_a_long_message_wraps_between_words_on_a_terminal_only(monkeypatch):
    import io
    import os
    import shutil
    import sys

    from send_cli import render

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    text = "13 of 23 open requests forecast to miss 20 weeks (waiting for: " \
           "3 assessment decision, 5 educational-psychology advice, 1 final plan)"
    monkeypatch.setattr(shutil, "get_terminal_size", lambda *a: os.terminal_size((40, 24)))
    shown = Terminal()
    monkeypatch.setattr(sys, "stderr", shown)
    render.message(text)
    lines = shown.getvalue().splitlines()
    assert len(lines) > 1 and all(len(line) <= 40 for line in lines)
    assert " ".join(lines) == text  # between words: nothing cut, nothing lost
    piped = io.StringIO()
    monkeypatch.setattr(sys, "stderr", piped)
    render.message(text)
    assert piped.getvalue() == text + "\n"
