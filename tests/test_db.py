"""send-cli init and send-cli db current|history|upgrade|check|copy."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import LOGIN

from send_cli.store.engine import HEAD, REVISIONS, Store, make_engine, run_migrations


def old_store(path: Path, revision: str) -> Path:
    """A store left at an earlier schema revision."""
    from send_cli.store.engine import create_private_file

    create_private_file(path)
    store = Store(url=f"sqlite:///{path}", engine=make_engine(f"sqlite:///{path}"), path=path)
    run_migrations(store, revision)
    store.dispose()
    return path


def revision_of(path: Path) -> str:
    with sqlite3.connect(path) as con:
        return str(con.execute("SELECT version_num FROM alembic_version").fetchone()[0])


# -- init ---------------------------------------------------------------------
def test_init_creates_then_is_safe_to_run_again(tmp_path: Path, cli) -> None:
    path = tmp_path / "new.db"
    env = {"SEND_CLI_DB": str(path)}
    refused = cli("--as", "LCO1", "init", env=env)  # a new store has no officers yet
    assert refused.exit_code == 2 and not path.exists()
    first = cli("--now", "2026-11-20T08:30", "init", env=env)
    assert first.exit_code == 0, first.stderr
    assert first.stdout == f"store: {path}\nschema: {HEAD} (latest)\n"
    assert first.stderr == f"created a new store at {path}\n"
    with sqlite3.connect(path) as con:  # a bank holiday goes missing...
        con.execute("DELETE FROM calendar_days WHERE day = '2026-12-28'")
    again = cli("init", env=env)
    assert again.exit_code == 0
    assert again.stderr == "the store was already at the latest schema\n"
    with sqlite3.connect(path) as con:  # ...and init puts it back
        assert con.execute("SELECT name FROM calendar_days WHERE day = '2026-12-28'"
                           ).fetchone() == ("Boxing Day (observed)",)
    entries = [e for e in cli.json("audit", env=env) if e["action"] == "store.init"]
    assert len(entries) == 2
    assert entries[0]["officer"] == LOGIN and entries[0]["at"].startswith("2026-11-20T08:30")


def test_init_upgrades_an_older_store(tmp_path: Path, cli) -> None:
    path = old_store(tmp_path / "old.db", "0002")
    result = cli("init", env={"SEND_CLI_DB": str(path)})
    assert result.exit_code == 0, result.stderr
    assert f"upgraded the store from schema 0002 to {HEAD}" in result.stderr
    assert revision_of(path) == HEAD
    upgrade = [e for e in cli.json("audit", env={"SEND_CLI_DB": str(path)})
               if e["action"] == "store.upgrade"]
    assert len(upgrade) == 1 and upgrade[0]["officer"] == LOGIN
    assert upgrade[0]["before"] == {"schema": "0002"}


# -- current, history, upgrade ------------------------------------------------------
def test_current_and_history(store_path: Path, cli) -> None:
    assert cli.json("db", "current") == {
        "store": str(store_path), "backend": "sqlite", "revision": HEAD, "latest": HEAD,
        "up_to_date": True}
    rows = cli.json("db", "history")
    assert [r["revision"] for r in rows] == list(REVISIONS)
    assert all(r["applied"] for r in rows)
    assert [r["current"] for r in rows] == [False] * (len(REVISIONS) - 1) + [True]
    assert rows[0]["description"].startswith("foundation")


def test_current_and_history_do_not_upgrade(tmp_path: Path, cli) -> None:
    path = old_store(tmp_path / "old.db", "0002")
    env = {"SEND_CLI_DB": str(path)}
    current = cli.json("db", "current", env=env)
    assert (current["revision"], current["up_to_date"]) == ("0002", False)
    history = cli.json("db", "history", env=env)
    assert [r["applied"] for r in history][:3] == [True, True, False]
    assert revision_of(path) == "0002"
    upgrade = cli("db", "upgrade", env=env)
    assert upgrade.exit_code == 0
    assert upgrade.stderr == f"upgraded the store from schema 0002 to {HEAD}\n"
    assert revision_of(path) == HEAD
    again = cli("db", "upgrade", env=env)
    assert again.stderr == f"the store is already at the latest schema, {HEAD}\n"


# -- check -------------------------------------------------------------------------
def test_check_a_healthy_store(cli) -> None:
    assert cli.json("db", "check") == [
        {"check": "integrity", "result": "ok"},
        {"check": "foreign_keys", "result": "ok"},
        {"check": "schema", "result": f"{HEAD} (latest)"},
        {"check": "kpi_counts", "result": "ok"},
        {"check": "audit_chain", "result": "ok: 0 entries sealed"}]


def test_check_a_store_behind_is_not_damage(tmp_path: Path, cli) -> None:
    path = old_store(tmp_path / "old.db", "0003")
    rows = cli.json("db", "check", env={"SEND_CLI_DB": str(path)})
    assert rows[2] == {"check": "schema",
                       "result": f"0003, behind the latest {HEAD}: 'send-cli init' upgrades it"}
    assert revision_of(path) == "0003"


def test_check_finds_broken_foreign_keys(store_path: Path, team) -> None:
    team.case("C-1")
    with sqlite3.connect(store_path) as con:  # foreign keys are off in plain sqlite3
        con.execute("UPDATE cases SET officer_id = 999")
    result = team("db", "check", "--format", "json")
    assert result.exit_code == 3
    rows = json.loads(result.stdout)
    assert rows[1] == {"check": "foreign_keys",
                       "result": "2 rows point at missing rows: officer_caseloads row 999 "
                                 "-> officers; cases row 1 -> officers"}
    assert result.stderr.splitlines() == [
        "error: the store failed its check; see above",
        "hint: Restore the latest backup: send-cli db restore FILE."]


def test_check_finds_a_damaged_file(store_path: Path, team) -> None:
    for n in range(40):
        team.case(f"C-{n}", name="Name " + "x" * 190)
    raw = bytearray(store_path.read_bytes())
    page = 4096
    for p in range(2, len(raw) // page):  # scribble over every page but the first
        raw[p * page + 100: p * page + 300] = b"\xa5" * 200
    store_path.write_bytes(bytes(raw))
    result = team("db", "check", "--format", "json")
    assert result.exit_code == 3, result.stderr
    rows = json.loads(result.stdout)
    assert rows[0]["check"] == "integrity" and rows[0]["result"] != "ok"
    assert "Traceback" not in result.stderr


def test_check_something_that_is_not_a_store(tmp_path: Path, cli) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    assert cli.fails(3, "db", "check", env={"SEND_CLI_DB": str(path)}) == \
        f"error: '{path}' is not a send-cli database (not a SQLite file)"


# -- copy ----------------------------------------------------------------------------
def casework(cli: Any) -> None:
    cli.team()
    cli.case("C-1", name="Zoë O'Neil")
    cli.case("C-2", name="Amir אבי", officer="CO2")
    cli.ok("contact", "log", "C-1", "--channel", "phone", "--direction", "in", "--party",
           "parent", "--summary", "Mum rang", "--at", "2026-11-23T08:00")
    cli.ok("case", "close", "C-2", "--reason", "moved away")


def dump(cli: Any, env: dict[str, str]) -> dict[str, Any]:
    return {what: cli.json("export", what, env=env)
            for what in ("cases", "contacts", "followups")} | {
        "officers": cli.json("officer", "list", env=env),
        "panels": cli.json("panel", "list", env=env)}


def test_copy_to_an_empty_sqlite_store(tmp_path: Path, cli) -> None:
    casework(cli)
    target = tmp_path / "copy.db"
    result = cli("--as", "LCO1", "db", "copy", "--to", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == f"creating the schema in {target}"
    assert "officers: 6 rows" in result.stderr
    env = {"SEND_CLI_DB": str(target)}
    assert dump(cli, env) == dump(cli, {})
    audit = cli.json("audit", env=env)
    assert audit[:-1] == cli.json("audit")
    assert audit[-1]["action"] == "store.copy" and audit[-1]["officer"] == "LCO1"
    assert (target.stat().st_mode & 0o777) == 0o600
    # the copy is a store like any other: ids carry on
    cli.ok("case", "add", "--ref", "C-3", "--name", "New", "--dob", "2015-01-01",
           "--officer", "CO1", "--received", "2026-11-20", env=env)


def test_copy_refuses_a_store_with_data(tmp_path: Path, cli) -> None:
    casework(cli)
    target = tmp_path / "copy.db"
    cli.ok("db", "copy", "--to", str(target))
    before = target.read_bytes()
    line = cli.fails(1, "db", "copy", "--to", str(target))
    assert line.startswith(f"error: '{target}' already holds data (audit (")
    assert target.read_bytes() == before
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as con:
        con.execute("CREATE TABLE t (x)")
    assert cli.fails(1, "db", "copy", "--to", str(other)) == \
        f"error: '{other}' is not empty (it has tables of its own); nothing was copied"


def test_copy_into_a_freshly_initialised_store(tmp_path: Path, cli) -> None:
    casework(cli)
    target = tmp_path / "fresh.db"
    cli.ok("init", env={"SEND_CLI_DB": str(target)})
    cli.ok("db", "copy", "--to", str(target))
    assert dump(cli, {"SEND_CLI_DB": str(target)}) == dump(cli, {})


def test_copy_onto_itself_is_refused(store_path: Path, cli) -> None:
    assert cli.fails(2, "db", "copy", "--to", str(store_path)) == \
        "error: --to is the store being copied; give another database"


@pytest.mark.postgres
def test_copy_sqlite_to_postgresql(cli, pg_server: Any) -> None:
    """A team moving from a shared file to PostgreSQL: everything arrives,
    and the sequences carry on after the copied ids."""
    casework(cli)
    cli.ok("panel", "add", "LOC", "--name", "Local Panel", "--cadence", "monthly",
           "--requests", "ehcna")
    url = pg_server.scratch_database("copy")
    result = cli("db", "copy", "--to", url)
    assert result.exit_code == 0, result.stderr
    assert "sendcli:" not in result.stderr or ":***@" in result.stderr
    env = {"SEND_CLI_DB": url}
    assert dump(cli, env) == dump(cli, {})
    cli.ok("officer", "add", "CO9", "--name", "Nine", "--email", "co9@c.gov.uk", "--team",
           "assessment", "--role", "casework-officer", env=env)
    cli.ok("panel", "add", "LC2", "--name", "Second", "--cadence", "weekly",
           "--requests", "resource", env=env)
    cli.ok("contact", "log", "C-1", "--channel", "email", "--direction", "in", "--party",
           "parent", "--summary", "Thanks", "--at", "2026-11-23T08:30", env=env)
    assert cli.fails(1, "db", "copy", "--to", url).startswith("error: 'postgresql+psycopg://")
