"""Crashes: a send-cli process killed (SIGKILL, no clean-up at all) in the
middle of a write leaves the store whole and with none of the half-done
change; the next command carries on."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from send_cli.store.engine import HEAD

pytestmark = pytest.mark.slow


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as con:
        return str(con.execute("PRAGMA integrity_check").fetchone()[0])


def count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as con:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def kill_when(proc: subprocess.Popen[Any], ready: Any, timeout: float = 60) -> None:
    """SIGKILL PROC as soon as READY() is true; fail if it ends first."""
    deadline = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None, "the process finished before it could be killed"
        assert time.monotonic() < deadline, "the write never got under way"
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=10) == -signal.SIGKILL


def env_for(path: Path) -> dict[str, str]:
    return {**os.environ, "SEND_CLI_DB": str(path), "SEND_CLI_NOW": "2026-11-23T09:00",
            "SEND_CLI_OFFICER": "CO1"}


def test_killed_in_the_middle_of_a_large_import(tmp_path: Path, store_path: Path,
                                                team) -> None:
    team.case("C-0")
    before = {t: count(store_path, t) for t in ("cases", "audit", "deadlines")}
    big = tmp_path / "cases.csv"
    with big.open("w", encoding="utf-8") as fh:
        fh.write("ref,name,dob,officer,received\n")
        for n in range(120_000):
            fh.write(f"IMP-{n:06d},Child {n} Zoë,2016-05-04,CO1,2026-11-02\n")
    wal = Path(f"{store_path}-wal")
    proc = subprocess.Popen([sys.executable, "-m", "send_cli", "import", "cases", str(big)],
                            env=env_for(store_path), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    # killed once the transaction has spilled well into the -wal file
    kill_when(proc, lambda: wal.exists() and wal.stat().st_size > 4_000_000)
    assert integrity(store_path) == "ok"
    assert {t: count(store_path, t) for t in before} == before  # none of the import
    assert [c["ref"] for c in team.json("case", "list")] == ["C-0"]
    small = tmp_path / "small.csv"
    small.write_text("ref,name,dob,officer,received\nIMP-1,Ann,2016-01-01,CO1,2026-11-02\n")
    team.ok("import", "cases", str(small))
    assert integrity(store_path) == "ok"


BIG_WRITE = """
import sys
from datetime import datetime, timezone

from sqlalchemy import insert, select

from send_cli.store.audit import record
from send_cli.store.models import Case, Contact
from send_cli.settings import resolve
from send_cli.store.engine import open_store

store = open_store(resolve(db=sys.argv[1], officer="CO1", now="2026-11-23T09:00"))
now = datetime(2026, 11, 23, 9, tzinfo=timezone.utc)
with store.write() as session:
    case = session.execute(select(Case)).scalars().first()
    for batch in range(10_000):
        session.execute(insert(Contact), [
            {"case_id": case.id, "at": now, "channel": "phone", "direction": "in",
             "party": "parent", "summary": f"half-done {batch}-{n}",
             "officer_id": case.officer_id, "created_at": now} for n in range(500)])
        record(session, officer="CO1", now=now, action="contact.log", entity="contact")
        if batch == 20:
            print("writing", flush=True)
"""


def test_killed_in_the_middle_of_a_write_transaction(store_path: Path, team) -> None:
    team.case("C-1")
    team.ok("contact", "log", "C-1", "--channel", "email", "--direction", "in", "--party",
            "parent", "--summary", "kept", "--at", "2026-11-23T08:00")
    before = {t: count(store_path, t) for t in ("contacts", "audit", "followups")}
    proc = subprocess.Popen([sys.executable, "-c", BIG_WRITE, str(store_path)],
                            env=env_for(store_path),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line == "writing\n", proc.stderr.read() if proc.stderr else ""
    time.sleep(0.2)
    kill_when(proc, lambda: True)
    assert integrity(store_path) == "ok"
    assert {t: count(store_path, t) for t in before} == before
    # the hot -wal is recovered by the next opener, and writing carries on
    team.ok("contact", "log", "C-1", "--channel", "phone", "--direction", "in", "--party",
            "parent", "--summary", "after", "--at", "2026-11-23T08:30")
    assert [c["summary"] for c in team.json("export", "contacts")] == ["kept", "after"]
    assert team.json("db", "check")[0] == {"check": "integrity", "result": "ok"}


SLOW_MIGRATION = '''"""test only: a long upgrade

Revision ID: 9999
Revises: {head}
"""
import sys
import time

from alembic import op

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", recreate="always"):
        pass
    op.execute("DELETE FROM contacts")
    print("migrating", flush=True)
    sys.stdout.flush()
    time.sleep(60)


def downgrade() -> None:
    pass
'''

UPGRADE = """
import sys
from pathlib import Path
from send_cli.store import engine as store_mod
from send_cli.settings import resolve

folder = Path(sys.argv[2])
store_mod.REVISIONS = store_mod.REVISIONS + ("9999",)
store_mod.HEAD = "9999"
real = store_mod.resource_dir
store_mod.resource_dir = lambda name: folder if name == "migrations" else real(name)
store_mod.open_store(resolve(db=sys.argv[1], officer="CO1", now="2026-11-23T09:00"))
"""


def test_killed_in_the_middle_of_a_schema_upgrade(tmp_path: Path, store_path: Path,
                                                  team) -> None:
    """The upgrade is one transaction: killed after it had copied a table and
    deleted rows, the store is still at the old revision with every row."""
    import shutil

    from send_cli.store.engine import resource_dir

    team.case("C-1")
    team.ok("contact", "log", "C-1", "--channel", "phone", "--direction", "in", "--party",
            "parent", "--summary", "kept", "--at", "2026-11-23T08:00")
    folder = tmp_path / "migrations"
    shutil.copytree(resource_dir("migrations"), folder,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "versions" / "9999_slow.py").write_text(SLOW_MIGRATION.format(head=HEAD))
    before = {t: count(store_path, t) for t in ("cases", "contacts", "followups", "audit")}
    proc = subprocess.Popen([sys.executable, "-c", UPGRADE, str(store_path), str(folder)],
                            env=env_for(store_path), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line == "migrating\n", proc.stderr.read() if proc.stderr else ""
    kill_when(proc, lambda: True)
    assert integrity(store_path) == "ok"
    with sqlite3.connect(store_path) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD,)
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    assert {t: count(store_path, t) for t in before} == before
    assert [c["summary"] for c in team.json("export", "contacts")] == ["kept"]
