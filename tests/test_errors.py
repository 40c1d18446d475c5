"""The one error boundary: one line, the right exit code, no traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest


def test_usage_errors_are_one_line_exit_2(cli):
    assert cli.fails(2, "case", "add", "--nope") == \
        "error: no such option: --nope (Possible options: --name)"
    assert cli.fails(2, "frobnicate").startswith("error: no such command 'frobnicate'")
    line = cli.fails(2, "--now", "2026-13-01", "case", "list")
    assert line == "error: --now '2026-13-01' is not a real date; use YYYY-MM-DD"
    assert cli.fails(2, "--now", "tomorrow", "case", "list") == (
        "error: --now 'tomorrow' is not a date-time; use YYYY-MM-DD or YYYY-MM-DDTHH:MM")
    assert cli.fails(2, "--as", "bad code!", "case", "list").startswith("error: --as 'bad code!'")
    assert cli.fails(2, "case", "list", "--format", "yaml") == \
        "error: --format 'yaml' is not known; use table, csv, json or xlsx"
    # the SEN2 return's own format, named as not offered here
    assert cli.fails(2, "case", "list", "--format", "xml") == \
        "error: --format 'xml' is not offered here; use table, csv, json or xlsx"


def test_a_bug_shows_one_line_and_a_hint(cli, monkeypatch):
    from send_cli.reports import cases as case_reports

    def broken(*_args, **_kwargs):
        raise RuntimeError("Sam Jones secret detail")

    monkeypatch.setattr(case_reports, "case_rows", broken)
    result = cli("case", "list", "--format", "json")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: send-cli failed unexpectedly (RuntimeError); any change in progress was "
        "rolled back\nhint: run again with --debug to see the traceback, and report it\n")
    debug = cli("--debug", "case", "list", "--format", "json")
    assert debug.exit_code == 1
    assert "Traceback" in debug.stderr and "RuntimeError" in debug.stderr


def test_not_a_database_exits_3(cli, tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are not the tables you are looking for\n")
    result = cli("--db", str(bogus), "case", "list")
    assert result.exit_code == 3
    assert result.stderr.splitlines()[0] == \
        f"error: '{bogus}' is not a send-cli database (not a SQLite file)"
    assert bogus.read_text() == "these are not the tables you are looking for\n"


@pytest.mark.sqlite_only
def test_new_store_is_private(cli, tmp_path):
    fresh = tmp_path / "new.db"
    cli.ok("--db", str(fresh), "init")
    assert oct(fresh.stat().st_mode & 0o777) == "0o600"


def test_help_and_version_without_a_store(cli, tmp_path):
    missing = tmp_path / "never.db"
    assert cli.ok("--db", str(missing), "--help").stdout.startswith("Usage: send-cli")
    assert cli.ok("--db", str(missing), "--version").stdout.startswith("send-cli ")
    assert not missing.exists()


@pytest.mark.slow
def test_real_process_error_and_module_entry(tmp_path):
    db = tmp_path / "s.db"
    env = {"PATH": "/usr/bin:/bin", "SEND_CLI_DB": str(db), "SEND_CLI_NOW": "2026-11-23"}
    subprocess.run([sys.executable, "-m", "send_cli", "init"], capture_output=True,
                   env=env, timeout=60, check=True)
    done = subprocess.run([sys.executable, "-m", "send_cli", "case", "show", "T-09"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == "error: no case 'T-09'\nhint: See 'send-cli case list'.\n"
