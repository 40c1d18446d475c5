"""Shared use: several officers' send-cli processes writing at once while
reports run. Nothing is lost (every contact, follow-up and audit entry is
there) and nothing is refused (every command exits 0): writers queue on
BEGIN IMMEDIATE and the busy timeout (SQLite, WAL) or on the writers'
advisory lock (PostgreSQL); readers never wait."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow
BACKENDS = ("sqlite", "postgresql")

# Runs send-cli commands in a loop inside one process, exactly as the
# console script does (the group's main with its error boundary), so each
# command opens the store, begins, commits and closes like a real run;
# prints one JSON line of exit codes at the end.
LOOP = """
import io, json, sys, contextlib, time
import typer
from send_cli.cli import app

cmd = typer.main.get_command(app)
mode, ref, n, stop_file = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
codes, errors, seen = [], [], []
def run(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cmd.main(args=argv, prog_name="send-cli", standalone_mode=False)
    code = int(code or 0)
    codes.append(code)
    if code:
        errors.append(err.getvalue())
    return out.getvalue()
if mode == "write":
    for i in range(n):
        run(["--now", f"2026-11-23T09:{i % 60:02d}", "contact", "log", ref, "--channel",
             "phone", "--direction", "in", "--party", "parent", "--summary",
             f"{ref} call {i}", "--at", f"2026-11-23T08:{i % 60:02d}"])
else:
    import os
    while not os.path.exists(stop_file):
        seen.append(len(json.loads(run(["export", "contacts", "--format", "json"]))))
        run(["overdue", "--format", "json"])
        run(["followup", "list", "--format", "csv"])
        run(["report", "kpi", "--format", "json"])
        time.sleep(0.1)  # an officer's pace, not a busy loop stealing the CPUs
print(json.dumps({"codes": codes, "errors": errors[:3], "seen": seen}))
"""

WRITERS = 4
PER_WRITER = 25  # each of the first three writers, in one process
PER_PROCESS = 6  # the fourth writer starts `python -m send_cli` for each contact


def _start(mode: str, ref: str, n: int, stop: Path, env: dict[str, str]) -> Any:
    return subprocess.Popen([sys.executable, "-c", LOOP, mode, ref, str(n), str(stop)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


PROCESS_LOOP = """
import json, subprocess, sys
ref, n = sys.argv[1], int(sys.argv[2])
codes, errors = [], []
for i in range(n):
    done = subprocess.run([sys.executable, "-m", "send_cli", "--now",
                           f"2026-11-23T09:{i:02d}", "contact", "log", ref, "--channel",
                           "phone", "--direction", "in", "--party", "parent", "--summary",
                           f"{ref} call {i}", "--at", f"2026-11-23T08:{i:02d}"],
                          capture_output=True, text=True)
    codes.append(done.returncode)
    if done.returncode:
        errors.append(done.stderr)
print(json.dumps({"codes": codes, "errors": errors[:3], "seen": []}))
"""


def test_four_writers_and_a_reader(tmp_path: Path, team) -> None:
    for w in range(WRITERS):
        team.case(f"W-{w}", officer=("CO1", "CO2", "AO1", "SCO1")[w])
    env = {**os.environ, "SEND_CLI_OFFICER": "CO1"}
    stop = tmp_path / "stop"
    reader = _start("read", "-", 0, stop, env)
    counts = [PER_WRITER] * (WRITERS - 1) + [PER_PROCESS]
    writers = [_start("write", f"W-{w}", counts[w], stop, env) for w in range(WRITERS - 1)]
    writers.append(subprocess.Popen(
        [sys.executable, "-c", PROCESS_LOOP, f"W-{WRITERS - 1}", str(PER_PROCESS)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    started = time.monotonic()
    results = []
    for proc in writers:
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
        results.append(json.loads(out))
    took = time.monotonic() - started
    stop.touch()
    out, err = reader.communicate(timeout=60)
    assert reader.returncode == 0, err
    read = json.loads(out)

    for n, r in zip(counts, results, strict=True):  # nothing refused
        assert r["codes"] == [0] * n, r["errors"]
    assert read["codes"] and set(read["codes"]) == {0}, read["errors"]
    assert read["seen"] == sorted(read["seen"])  # reports only ever see whole commits

    total = sum(counts)
    contacts = team.json("export", "contacts")  # nothing lost
    assert len(contacts) == total
    for w in range(WRITERS):
        mine = sorted(c["summary"] for c in contacts if c["case_ref"] == f"W-{w}")
        assert mine == sorted(f"W-{w} call {i}" for i in range(counts[w]))
    assert len(team.json("followup", "list")) == total
    logged = [e for e in team.json("audit") if e["action"] == "contact.log"]
    assert len(logged) == total
    assert took < 180


def test_many_processes_start_on_a_new_store_at_once(tmp_path: Path, backend: str,
                                                    request: pytest.FixtureRequest) -> None:
    """Several officers run init on a new store at once: one creates and
    migrates it, the others wait their turn and find it ready."""
    (tmp_path / "shared").mkdir()
    db = str(tmp_path / "shared" / "new.db")
    if backend == "postgresql":
        db = request.getfixturevalue("pg_server").scratch_database("first_use")
    env = {**os.environ, "SEND_CLI_DB": db, "SEND_CLI_NOW": "2026-11-23T09:00"}
    # only init makes a store: several officers run it at once
    procs = [subprocess.Popen([sys.executable, "-m", "send_cli", "init"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for n in range(4)]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    for n in range(4):
        subprocess.run([sys.executable, "-m", "send_cli", "officer", "add", f"AO{n}", "--name",
                        f"Officer {n}", "--email", f"ao{n}@c.gov.uk", "--team", "assessment",
                        "--role", "assessment-officer"], env=env, check=True, timeout=120,
                       capture_output=True)
    listed = subprocess.run([sys.executable, "-m", "send_cli", "officer", "list", "--format",
                             "json"], env=env, capture_output=True, text=True, timeout=60)
    assert sorted(o["code"] for o in json.loads(listed.stdout)) == [f"AO{n}" for n in range(4)]
