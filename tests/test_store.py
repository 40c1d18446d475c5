"""Opening the store: a new store is private, and a store that cannot be used
(not SQLite, someone else's database, a newer schema, locked past the
timeout, an unreachable server) is refused with exit 3 and one line."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from send_cli.errors import StoreUnavailable
from send_cli.settings import resolve
from send_cli.store import engine as store_mod
from send_cli.store.engine import HEAD, open_store


def mode(path: Path | str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_new_store_and_its_wal_are_owner_only(tmp_path: Path, cli,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The default store: send.db in the user data folder (platformdirs),
    made with its folder on first use, owner only."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "new"))
    old = os.umask(0o022)
    try:
        path = tmp_path / "new" / "send-cli" / "send.db"
        settings = resolve(db=None, officer="t", now="2026-11-23")
        assert (settings.db, settings.default_db) == (str(path), True)
        store = open_store(settings)
        try:
            with store.write() as session:  # keep the -wal and -shm alive
                from send_cli.store.models import Setting

                session.add(Setting(key="probe", value="1"))
            assert Path(f"{path}-wal").exists() and Path(f"{path}-shm").exists()
            assert mode(path) == 0o600
            assert mode(f"{path}-wal") == 0o600
            assert mode(f"{path}-shm") == 0o600
            assert mode(path.parent) == 0o700
        finally:
            store.dispose()
    finally:
        os.umask(old)


def test_an_empty_file_becomes_a_store(tmp_path: Path, cli) -> None:
    path = tmp_path / "empty.db"
    path.touch(mode=0o644)
    os.chmod(path, 0o644)
    cli.fails(3, "officer", "list", env={"SEND_CLI_DB": str(path)})  # only init makes it
    cli.ok("init", env={"SEND_CLI_DB": str(path)})
    assert cli.json("officer", "list", env={"SEND_CLI_DB": str(path)}) == []
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD,)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


@pytest.mark.parametrize("content, expected", [
    (b"name,dob\nSam,2016-01-01\n", "is not a send-cli database (not a SQLite file)"),
    (b"SQLite format 3\x00" + b"\xff" * 200, "is not a send-cli database"),
])
def test_a_file_that_is_not_a_store(tmp_path: Path, cli, content: bytes, expected: str) -> None:
    path = tmp_path / "cases.csv"
    path.write_bytes(content)
    line = cli.fails(3, "officer", "list", env={"SEND_CLI_DB": str(path)})
    assert expected in line
    assert path.read_bytes() == content  # untouched


def test_a_folder_is_not_a_store(tmp_path: Path, cli) -> None:
    assert cli.fails(3, "case", "list", env={"SEND_CLI_DB": str(tmp_path)}) == \
        f"error: '{tmp_path}' is a directory, not a send-cli database"


def test_someone_elses_database(tmp_path: Path, cli) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    line = cli.fails(3, "officer", "list", env={"SEND_CLI_DB": str(path)})
    assert line == f"error: '{path}' is not a send-cli database (it has other tables)"
    with sqlite3.connect(path) as con:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert names == {"invoices"}


def test_a_newer_schema_is_refused(store_path: Path, cli) -> None:
    with sqlite3.connect(store_path) as con:
        con.execute("UPDATE alembic_version SET version_num = '0999'")
    line = cli.fails(3, "officer", "list")
    assert line == (f"error: the store '{store_path}' has schema revision '0999', newer than "
                    f"this send-cli knows (latest {HEAD})")


def test_locked_past_the_timeout(store_path: Path, team, monkeypatch) -> None:
    """Another writer holds the store: a write waits for the busy timeout,
    then gives up with exit 3 and changes nothing; reads still work (WAL)."""
    monkeypatch.setattr(store_mod, "BUSY_TIMEOUT_MS", 300)
    holder = sqlite3.connect(store_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = team("officer", "add", "AO9", "--name", "New Person", "--email",
                      "ao9@c.gov.uk", "--team", "assessment", "--role", "assessment-officer")
        assert result.exit_code == 3, result.stderr
        assert result.stderr.splitlines() == [
            "error: the store is locked by another send-cli past the timeout; nothing was "
            "changed", "hint: Try again in a moment."]
        assert len(team.json("officer", "list")) == 6  # readers are not blocked
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "AO9" not in [o["code"] for o in team.json("officer", "list")]


def test_a_missing_store_is_not_created_by_db_current(tmp_path: Path, cli) -> None:
    path = tmp_path / "nothing.db"
    assert cli.fails(3, "db", "current", env={"SEND_CLI_DB": str(path)}) == \
        f"error: no send-cli store at {path}; run send-cli init"
    assert not path.exists()


@pytest.mark.parametrize("url, expected", [
    ("postgresql+psycopg://someone:s3cret@127.0.0.1:1/send", "cannot open the store "
     "'postgresql+psycopg://someone:***@127.0.0.1:1/send'"),
    ("nosuchdb+driver://x/y", "cannot use database 'nosuchdb+driver://x/y'"),
])
def test_unreachable_or_unknown_databases(cli, url: str, expected: str) -> None:
    result = cli("officer", "list", env={"SEND_CLI_DB": url})
    assert result.exit_code == 3, result.stderr
    assert result.stderr.startswith(f"error: {expected}")
    assert "s3cret" not in result.stderr + result.stdout


def test_open_store_without_upgrading_refuses_a_store_behind(tmp_path: Path) -> None:
    from send_cli.store.engine import Store, make_engine, run_migrations

    path = tmp_path / "old.db"
    store_mod.create_private_file(path)
    old = Store(url=f"sqlite:///{path}", engine=make_engine(f"sqlite:///{path}"), path=path)
    run_migrations(old, "0002")
    old.dispose()
    settings = resolve(db=str(path), officer="t", now="2026-11-23")
    with pytest.raises(StoreUnavailable, match="behind"):
        open_store(settings, upgrade=False)
    peeked = open_store(settings, upgrade=False, allow_behind=True)
    assert peeked.revision() == "0002"
    peeked.dispose()
    opened = open_store(settings)
    assert opened.revision() == HEAD and opened.upgraded_from == "0002"
    opened.dispose()


@pytest.mark.parametrize("command", [["overdue"], ["report", "nightly", "--out", "n"],
                                     ["case", "list"], ["export", "cases"]])
def test_a_report_on_a_missing_store_named_by_db_refuses(tmp_path: Path, cli,
                                                        command: list[str]) -> None:
    """A mistyped --db in a crontab must alert, not report an empty store."""
    path = tmp_path / "sned.db"
    assert cli.fails(3, *command, env={"SEND_CLI_DB": str(path)}) == \
        f"error: no send-cli store at {path}; run send-cli init"
    assert not path.exists()


def test_init_creates_the_store_named_by_db_but_not_its_folder(tmp_path: Path,
                                                                cli) -> None:
    path = tmp_path / "new.db"
    cli.fails(3, "calendar", "close", "2026-12-29", "--reason", "closure",
              env={"SEND_CLI_DB": str(path)})  # a write does not make it either
    assert not path.exists()
    cli.ok("init", env={"SEND_CLI_DB": str(path)})
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    deep = tmp_path / "no" / "such" / "send.db"
    assert cli.fails(3, "init", env={"SEND_CLI_DB": str(deep)}) == \
        f"error: cannot create the store at '{deep}': the folder '{deep.parent}' does not exist"
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///", "sqlite:///:memory:"])
def test_an_in_memory_store_is_refused(cli, url: str) -> None:
    """Every change to it would be lost when the command ends."""
    line = cli.fails(3, "officer", "add", "AO9", "--name", "A", "--email", "a@b.cc",
                     "--team", "assessment", "--role", "assessment-officer",
                     env={"SEND_CLI_DB": url})
    assert line == f"error: --db '{url}' names no file: an in-memory store would lose " \
        "every change"
