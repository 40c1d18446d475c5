"""send-cli db backup and db restore: consistent copies while others write,
owner-only files, and a restore that refuses to lose newer changes and keeps
the store it replaces."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import LOGIN

from send_cli.store.engine import HEAD


def mode(path: Path | str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def refs(cli: Any, env: dict[str, str] | None = None) -> list[str]:
    return [c["ref"] for c in cli.json("case", "list", env=env)]


# -- backup -------------------------------------------------------------------
def test_backup_is_a_private_working_store(tmp_path: Path, team) -> None:
    team.case("C-1", name="Zoë O'Neil")
    dest = tmp_path / "backups" / "monday.db"
    dest.parent.mkdir()
    old = os.umask(0o022)
    try:
        result = team("db", "backup", str(dest))
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{dest}\n"
    assert result.stderr.startswith("backed up ")
    assert mode(dest) == 0o600
    assert sorted(p.name for p in dest.parent.iterdir()) == ["monday.db"]  # no -wal, no temp
    with sqlite3.connect(dest) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD,)
    assert refs(team, {"SEND_CLI_DB": str(dest)}) == ["C-1"]


def test_backup_into_a_folder_names_the_file_by_the_clock(tmp_path: Path, cli) -> None:
    result = cli("db", "backup", str(tmp_path), now="2026-11-23T18:05")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{tmp_path / 'send-20261123T180500.db'}\n"


def test_backup_never_overwrites_without_force(tmp_path: Path, team) -> None:
    dest = tmp_path / "b.db"
    dest.write_bytes(b"precious")
    assert team.fails(1, "db", "backup", str(dest)) == \
        f"error: '{dest}' already exists; nothing was written"
    assert dest.read_bytes() == b"precious"
    team.ok("db", "backup", str(dest), "--force")
    assert dest.read_bytes().startswith(b"SQLite format 3\x00")
    assert mode(dest) == 0o600


def test_backup_refusals(tmp_path: Path, store_path: Path, cli) -> None:
    assert cli.fails(2, "db", "backup", str(store_path)) == \
        f"error: '{store_path}' is the store itself; back up to another file"
    missing = tmp_path / "no" / "such" / "b.db"
    assert cli.fails(2, "db", "backup", str(missing)) == \
        f"error: the folder '{missing.parent}' does not exist; create it or choose " \
        "another destination"
    assert not missing.parent.exists()
    folder = tmp_path / "backups"
    assert cli.fails(2, "db", "backup", f"{folder}/") == \
        f"error: the folder '{folder}' does not exist; create it or choose another destination"
    assert not folder.exists()


@pytest.mark.postgres
def test_backup_of_postgresql_points_at_pg_dump(cli, pg_server: Any, tmp_path: Path) -> None:
    url = pg_server.fresh_database()
    result = cli("db", "backup", str(tmp_path / "b.db"), env={"SEND_CLI_DB": url})
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: 'send-cli db backup' works on SQLite stores; this store is on postgresql",
        "hint: Use the server's own tools: pg_dump -Fc -f send.dump DBNAME."]
    assert not (tmp_path / "b.db").exists()


# -- restore ------------------------------------------------------------------
def test_restore_refuses_to_lose_newer_changes(tmp_path: Path, store_path: Path, team) -> None:
    team.case("C-1")
    backup = tmp_path / "b.db"
    team.ok("db", "backup", str(backup))
    team.case("C-2", now="2026-11-24T10:15", as_="CO2")
    result = team("db", "restore", str(backup))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: the store has changes newer than the backup (store: 2026-11-24T10:15 by CO2; "
        f"backup: 2026-11-23T09:00 by {LOGIN}); nothing was restored",
        "hint: Pass --force to restore anyway; the replaced store is kept beside it."]
    assert refs(team) == ["C-1", "C-2"]
    assert not list(tmp_path.glob("send.db.replaced-*"))


def test_restore_with_force_keeps_the_replaced_store(tmp_path: Path, store_path: Path,
                                                     team) -> None:
    team.case("C-1")
    backup = tmp_path / "b.db"
    team.ok("db", "backup", str(backup))
    team.case("C-2")
    result = team("--as", "LCO1", "db", "restore", str(backup), "--force",
                  now="2026-11-25T07:45:30")
    assert result.exit_code == 0, result.stderr
    kept = tmp_path / "send.db.replaced-20261125T074530"
    assert result.stderr.splitlines() == [
        f"restored {store_path} from {backup}", f"the replaced store is kept at {kept}"]
    assert refs(team) == ["C-1"]
    assert refs(team, {"SEND_CLI_DB": str(kept)}) == ["C-1", "C-2"]
    assert mode(kept) == 0o600 and mode(store_path) == 0o600
    last = team.json("audit")[-1]
    assert (last["action"], last["officer"]) == ("store.restore", "LCO1")
    assert last["before"] == {"kept": str(kept)}
    # the same moment again: a second kept file, never an overwrite
    team.ok("db", "restore", str(backup), "--force", now="2026-11-25T07:45:30")
    assert (tmp_path / "send.db.replaced-20261125T074530-2").exists()


def test_restore_an_older_backup_is_upgraded(tmp_path: Path, store_path: Path, cli) -> None:
    from send_cli.store.engine import Store, create_private_file, make_engine, run_migrations

    old = tmp_path / "old.db"
    create_private_file(old)
    store = Store(url=f"sqlite:///{old}", engine=make_engine(f"sqlite:///{old}"), path=old)
    run_migrations(store, "0002")
    store.dispose()
    result = cli("db", "restore", str(old))
    assert result.exit_code == 0, result.stderr
    assert f"upgraded the store from schema 0002 to {HEAD}" in result.stderr
    assert [e["action"] for e in cli.json("audit")] == ["store.upgrade", "store.restore"]
    assert cli.json("db", "current")["revision"] == HEAD
    with sqlite3.connect(old) as con:  # the backup itself is left as it was
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == ("0002",)


def test_restore_into_a_missing_store(tmp_path: Path, team) -> None:
    team.case("C-1")
    backup = tmp_path / "b.db"
    team.ok("db", "backup", str(backup))
    target = tmp_path / "fresh" / "send.db"
    target.parent.mkdir()
    result = team("db", "restore", str(backup), env={"SEND_CLI_DB": str(target)})
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [f"restored {target} from {backup}"]
    assert refs(team, {"SEND_CLI_DB": str(target)}) == ["C-1"]
    assert mode(target) == 0o600


def test_restore_refuses_what_is_not_a_backup(tmp_path: Path, store_path: Path, cli) -> None:
    before = store_path.read_bytes()
    missing = tmp_path / "nope.db"
    assert cli.fails(2, "db", "restore", str(missing)) == \
        f"error: there is no backup file '{missing}'"
    text = tmp_path / "cases.csv"
    text.write_text("ref,name\n")
    assert cli.fails(3, "db", "restore", str(text)) == \
        f"error: '{text}' is not a send-cli database (not a SQLite file)"
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as con:
        con.execute("CREATE TABLE t (x)")
    assert cli.fails(3, "db", "restore", str(other)) == \
        f"error: '{other}' is not a send-cli store (it has other tables)"
    newer = tmp_path / "newer.db"
    cli.ok("db", "backup", str(newer))
    with sqlite3.connect(newer) as con:
        con.execute("UPDATE alembic_version SET version_num = '0999'")
    assert cli.fails(3, "db", "restore", str(newer), "--force") == (
        f"error: '{newer}' has schema revision '0999', newer than this send-cli knows "
        f"(latest {HEAD})")
    assert cli.fails(2, "db", "restore", str(store_path)) == \
        f"error: '{store_path}' is the store itself; give a backup file"
    assert store_path.read_bytes() == before
    assert not list(tmp_path.glob("*.replaced-*"))


# -- with other processes writing ---------------------------------------------
WRITER = """
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
con.execute("PRAGMA busy_timeout=10000")
officer = con.execute("SELECT id FROM officers").fetchone()[0]
case = con.execute("SELECT id FROM cases").fetchone()[0]
n = 0
deadline = time.time() + float(sys.argv[2])
print("ready", flush=True)
while time.time() < deadline:
    con.execute("BEGIN IMMEDIATE")
    con.execute("INSERT INTO contacts (case_id, at, channel, direction, party, summary, "
                "officer_id, created_at) VALUES (?, '2026-11-23 09:00:00', 'phone', 'in', "
                "'parent', ?, ?, '2026-11-23 09:00:00')", (case, f"call {n}", officer))
    con.execute("COMMIT")
    n += 1
print(n, flush=True)
"""


@pytest.mark.slow
def test_backup_while_another_process_writes(tmp_path: Path, store_path: Path, team) -> None:
    team.case("C-1")
    with sqlite3.connect(store_path) as con:  # a store of some size: many steps
        con.execute("CREATE TABLE IF NOT EXISTS ballast (x)")
        con.executemany("INSERT INTO ballast VALUES (?)", [("x" * 1000,)] * 60_000)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(store_path), "30"],
                              stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "ready"
    time.sleep(0.3)
    dest = tmp_path / "live.db"
    env = {**os.environ, "SEND_CLI_DB": str(store_path)}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "send_cli", "db", "backup", str(dest)],
                          env=env, capture_output=True, text=True, timeout=60)
    took = time.monotonic() - started
    writer.terminate()
    writer.wait(timeout=10)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(dest) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        in_backup = con.execute("SELECT count(*) FROM contacts").fetchone()[0]
        summaries = [r[0] for r in con.execute("SELECT summary FROM contacts ORDER BY id")]
    with sqlite3.connect(store_path) as con:
        in_store = con.execute("SELECT count(*) FROM contacts").fetchone()[0]
    assert 0 < in_backup < in_store  # taken mid-stream, yet whole:
    assert summaries == [f"call {n}" for n in range(in_backup)]  # no gaps, no half rows
    assert mode(dest) == 0o600
    assert took < 30


def test_restore_over_a_store_with_changes_still_in_its_wal(tmp_path: Path,
                                                           store_path: Path, team) -> None:
    """Another connection keeps the store open, so the newer changes sit in
    the -wal file: the restore goes through SQLite, not a file copy, so the
    result is the backup and nothing of the WAL leaks back."""
    team.case("C-1")
    backup = tmp_path / "b.db"
    team.ok("db", "backup", str(backup))
    reader = sqlite3.connect(store_path)
    reader.execute("SELECT count(*) FROM cases").fetchone()
    try:
        team.case("C-2")
        team.case("C-3")
        assert Path(f"{store_path}-wal").stat().st_size > 0
        team.ok("db", "restore", str(backup), "--force")
        assert reader.execute("SELECT ref FROM cases ORDER BY ref").fetchall() == [("C-1",)]
    finally:
        reader.close()
    assert refs(team) == ["C-1"]
    with sqlite3.connect(store_path) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    kept = next(tmp_path.glob("send.db.replaced-*"))
    assert refs(team, {"SEND_CLI_DB": str(kept)}) == ["C-1", "C-2", "C-3"]
