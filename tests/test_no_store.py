"""Reads never create: only init and demo make a store. Any other command on
a missing SQLite file (the default path too) or an empty PostgreSQL
database exits 3 and leaves nothing behind, so a cron job pointed at the
wrong place alerts instead of reporting that nothing is late."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

READS = [["overdue"], ["case", "list"], ["report", "kpi"], ["audit"], ["db", "upgrade"],
         ["deadlines", "--exit-code"]]
WRITES = [["case", "add", "--ref", "C-1", "--name", "Sam Jones", "--dob", "2016-05-04",
           "--officer", "CO1", "--received", "2026-11-02"],
          ["calendar", "close", "2026-12-29", "--reason", "Closure"]]


@pytest.mark.parametrize("argv", READS + WRITES, ids=lambda a: " ".join(a[:2]))
def test_a_missing_file_is_refused_and_not_made(tmp_path: Path, cli: Any,
                                                argv: list[str]) -> None:
    db = tmp_path / "typo.db"
    line = cli.fails(3, *argv, env={"SEND_CLI_DB": str(db)})
    assert line == f"error: no send-cli store at {db}; run send-cli init"
    assert sorted(os.listdir(tmp_path)) == ["send.db"]  # the fixture's own store only


def test_the_default_store_is_not_made_either(tmp_path: Path, cli: Any,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SEND_CLI_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    line = cli.fails(3, "overdue")
    assert line.startswith("error: no send-cli store at ")
    assert str(tmp_path / "data") in line
    assert not (tmp_path / "data").exists()
    cli.ok("init")
    assert (tmp_path / "data" / "send-cli" / "send.db").is_file()
    cli.ok("overdue")


def test_an_empty_file_is_no_store(tmp_path: Path, cli: Any) -> None:
    db = tmp_path / "empty.db"
    db.touch()
    cli.fails(3, "case", "list", env={"SEND_CLI_DB": str(db)})
    assert db.stat().st_size == 0
    cli.ok("init", env={"SEND_CLI_DB": str(db)})
    cli.ok("case", "list", env={"SEND_CLI_DB": str(db)})


def test_an_empty_postgresql_database_is_no_store(cli: Any, pg_server: Any) -> None:
    url = pg_server.scratch_database("nostore")
    line = cli.fails(3, "overdue", env={"SEND_CLI_DB": url})
    assert "no send-cli store at" in line and "run send-cli init" in line
    import psycopg

    with psycopg.connect(pg_server._dsn(url)) as conn:
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
                            ).fetchone() == (0,)
    cli.ok("init", env={"SEND_CLI_DB": url})
    cli.ok("overdue", env={"SEND_CLI_DB": url})
