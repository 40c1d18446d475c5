"""Input a person can see: names, summaries and reasons hold nothing that
reads differently from what is stored, values echoed back are short, and
arguments that name files or moments are checked before anything is
written."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from send_cli.errors import mask_secrets

UNSEEN = {"new line": "Sam\nJones", "tab": "Sam\tJones", "bidi override": "Sam \u202eJones",
          "zero-width space": "Sam\u200bJones", "line separator": "Sam\u2028Jones",
          "paragraph separator": "Sam\u2029Jones", "escape": "Sam\x1b[2JJones"}


@pytest.mark.parametrize("value", list(UNSEEN.values()), ids=list(UNSEEN))
def test_names_refuse_what_a_reader_cannot_see(team: Any, value: str) -> None:
    line = team.fails(2, "case", "add", "--ref", "C-1", "--name", value, "--dob",
                      "2016-05-04", "--officer", "CO1", "--received", "2026-11-02")
    assert line.startswith("error: --name contains ")
    assert "U+" in line
    assert team.json("case", "list") == []


@pytest.mark.parametrize("value", ["Mum rang\nback", "Mum \u202erang", "Mum\u200b rang"])
def test_summaries_and_reasons_refuse_them_too(team: Any, value: str) -> None:
    team.case("C-1")
    line = team.fails(2, "contact", "log", "C-1", "--channel", "phone", "--direction", "in",
                      "--party", "parent", "--summary", value)
    assert line.startswith("error: --summary contains ")
    line = team.fails(2, "case", "close", "C-1", "--reason", value)
    assert line.startswith("error: --reason contains ")


def test_names_in_other_scripts_are_fine(team: Any) -> None:
    team.case("C-1", name="Zoë O'Neil-אבי")
    assert team.json("case", "list")[0]["name"] == "Zoë O'Neil-אבי"


def test_echoed_values_are_cut(team: Any) -> None:
    line = team.fails(2, "case", "list", "--format", "x" * 500)
    assert len(line) < 200 and "..." in line


def test_invalid_utf8_in_an_argument_is_bad_input(tmp_path: Path, store_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "send_cli", "case", "add", "--ref", "C-1",
                             "--name", b"Sam \xff Jones", "--dob", "2016-05-04", "--officer",
                             "CO1", "--received", "2026-11-02"],
                            capture_output=True, text=True, timeout=60,
                            env={**os.environ, "SEND_CLI_DB": str(store_path)})
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: argument 6 ")
    assert "not valid UTF-8" in result.stderr
    assert "Traceback" not in result.stderr


def test_at_before_the_case_or_in_the_future_is_refused(team: Any) -> None:
    team.case("C-1", received="2026-11-02")
    base = ["contact", "log", "C-1", "--channel", "phone", "--direction", "in", "--party",
            "parent", "--summary", "Mum rang", "--at"]
    line = team.fails(2, *base, "1900-01-01")
    assert "before the case was received (2026-11-02)" in line
    line = team.fails(2, *base, "2026-11-25T09:01")
    assert "is in the future" in line
    team.ok(*base, "2026-11-02T09:00")


def test_import_reads_regular_files_only(team: Any, tmp_path: Path) -> None:
    line = team.fails(2, "import", "cases", "/dev/zero")
    assert "not a regular file" in line
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    assert "not a regular file" in team.fails(2, "import", "cases", str(fifo))


def test_import_caps_the_line_length(team: Any, tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    big.write_text("ref,name,dob,officer,received\nC-1," + "x" * 2_000_000 + "\n")
    line = team.fails(2, "import", "cases", str(big))
    assert "line 2" in line and "longer than" in line
    assert team.json("case", "list") == []


def test_db_must_be_a_regular_file_or_absent(tmp_path: Path, cli: Any) -> None:
    before = stat.S_IMODE(os.stat("/dev/null").st_mode)
    line = cli.fails(3, "case", "list", env={"SEND_CLI_DB": "/dev/null"})
    assert "not a regular file" in line
    cli.fails(3, "init", env={"SEND_CLI_DB": "/dev/null"})
    assert stat.S_IMODE(os.stat("/dev/null").st_mode) == before
    fifo = tmp_path / "fifo.db"
    os.mkfifo(fifo)
    started = time.monotonic()
    assert "not a regular file" in cli.fails(3, "overdue", env={"SEND_CLI_DB": str(fifo)})
    assert time.monotonic() - started < 5


def test_out_must_name_a_folder(team: Any, tmp_path: Path) -> None:
    for bad in ("", " "):
        line = team.fails(2, "report", "nightly", "--out", bad)
        assert line.startswith("error: --out ")
    assert not list(Path.cwd().glob("overdue*.csv"))


def test_passwords_are_masked_wherever_a_url_is_printed(cli: Any) -> None:
    assert mask_secrets("postgresql+psycopg://u:s3cret@h/db") == "postgresql+psycopg://u:***@h/db"
    assert mask_secrets("postgresql+psycopg://u@h/db?password=s3cret&x=1") == \
        "postgresql+psycopg://u@h/db?password=***&x=1"
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none?password=s3cret&connect_timeout=1"
    result = cli("case", "list", env={"SEND_CLI_DB": url})
    assert result.exit_code == 3
    assert "s3cret" not in result.stderr + result.stdout
    result = cli("--debug", "case", "list", env={"SEND_CLI_DB": url})
    assert "s3cret" not in result.stderr + result.stdout


def test_retention_age_can_be_set(team: Any) -> None:
    team.ok("setting", "set", "retention-age", "35")
    rows = {r["setting"]: r["value"] for r in team.json("setting", "show")}
    assert rows["retention-age"] == "35"
    assert team.fails(2, "setting", "set", "retention-age", "5").startswith(
        "error: retention-age '5'")
