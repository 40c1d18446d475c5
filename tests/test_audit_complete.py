"""Audit completeness: every command that changes the store leaves an audit
entry naming the officer (--as), the moment (--now) and the change, and
every other command changes nothing.

The commands are found by walking the CLI itself. Each must be listed
below, in WRITES (with a way to run it successfully) or in READS: a command
added without being classified fails test_every_command_is_classified, and
one classified as a read that writes fails test_reads_write_nothing."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer
from conftest import LOGIN

from send_cli.cli import app

WHO = "AUDIT9"
WHEN = "2026-11-24T10:17"

Recipe = Callable[[Any, Path], "tuple[list[str], str, dict[str, str] | None]"]


def plain(*argv: str) -> Recipe:
    return lambda cli, tmp: (list(argv), WHEN, None)


def at(when: str, *argv: str) -> Recipe:
    return lambda cli, tmp: (list(argv), when, None)


def _papers(cli: Any, tmp: Path) -> tuple[list[str], str, None]:
    cli.ok("panel", "refer", "C-3", "--panel", "MAP", "--request", "resource", "--meeting",
           "2026-11-27", as_="CO2")
    return (["panel", "papers", "C-3", "--panel", "MAP", "--meeting", "2026-11-27",
             "--received", "2026-11-24"], WHEN, None)


def _declare(cli: Any, tmp: Path) -> tuple[list[str], str, None]:
    cli.ok("panel", "refer", "C-3", "--panel", "MAP", "--request", "resource", "--meeting",
           "2026-11-27", as_="CO2")
    return (["panel", "declare", "--panel", "MAP", "--meeting", "2026-11-27", "--member",
             "Ms Ray", "--case", "C-3", "--interest", "Friend of the family"], WHEN, None)


def _appeal(cli: Any, tmp: Path) -> tuple[list[str], str, None]:
    cli.ok("case", "milestone", "C-3", "issue-decision", "--on", "2026-11-20", "--outcome",
           "refused", as_="CO2")
    return ["case", "appeal", "C-3", "--decision-sent", "2026-11-20"], WHEN, None


def _decision(cli: Any, tmp: Path) -> tuple[list[str], str, None]:
    cli.ok("panel", "refer", "C-3", "--panel", "MAP", "--request", "resource", "--meeting",
           "2026-11-27", as_="CO2")
    return (["decision", "log", "C-3", "--panel", "MAP", "--meeting", "2026-11-27",
             "--outcome", "agreed", "--reason", "Agreed", "--chair", "Dr Marsh"],
            "2026-11-27T12:00", None)


def _import_cases(cli: Any, tmp: Path) -> tuple[list[str], str, None]:
    path = tmp / "cases.csv"
    path.write_text("ref,name,dob,officer,received\nI-1,Ann Lee,2016-01-01,CO1,2026-11-02\n")
    return ["import", "cases", str(path)], WHEN, None


def _import_officers(cli: Any, tmp: Path) -> tuple[list[str], str, None]:
    path = tmp / "team.csv"
    path.write_text("code,name,email,team,role\nIO1,Ivy Ode,ivy@c.gov.uk,assessment,"
                    "casework-officer\n")
    return ["import", "officers", str(path)], WHEN, None


def _db_upgrade(cli: Any, tmp: Path) -> tuple[list[str], str, None]:
    from send_cli.store.engine import Store, make_engine, run_migrations

    store = Path(cli.store_path)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    old = Store(url=f"sqlite:///{store}", engine=make_engine(f"sqlite:///{store}"), path=store)
    run_migrations(old, "0003")
    old.dispose()
    return ["db", "upgrade"], WHEN, None


def _db_restore(cli: Any, tmp: Path) -> tuple[list[str], str, None]:
    cli.ok("db", "backup", str(tmp / "b.db"))
    return ["db", "restore", str(tmp / "b.db"), "--force"], WHEN, None


def _db_copy(cli: Any, tmp: Path) -> tuple[list[str], str, dict[str, str]]:
    target = tmp / "copy.db"
    return ["db", "copy", "--to", str(target)], WHEN, {"SEND_CLI_DB": str(target)}


# Every command that changes the store, and how to run it successfully on the
# prepared store (see conftest.PREPARED_SCRIPT): (argv, --now, env to read
# the audit trail from, when not the store itself).
WRITES: dict[str, Recipe] = {
    "officer add": plain("officer", "add", "NEW1", "--name", "New Person", "--email",
                         "new@c.gov.uk", "--team", "assessment", "--role",
                         "casework-officer"),
    "officer leave": plain("officer", "leave", "CO2", "--to", "CO1"),
    "officer set": plain("officer", "set", "CO2", "--login", "akhan", "--admin"),
    "db share": plain("db", "share"),
    "db compact": plain("db", "compact"),
    "officer away": plain("officer", "away", "CO1", "--from", "2026-11-30", "--to",
                          "2026-12-04", "--cover", "CO2"),
    "officer back": lambda cli, tmp: (
        cli.ok("officer", "away", "CO1", "--from", "2026-11-24", "--to", "2026-11-27",
               "--cover", "CO2", now=WHEN) and ["officer", "back", "CO1"], WHEN, None),
    "case add": plain("case", "add", "--ref", "A-1", "--name", "Ann Lee", "--dob",
                      "2016-01-01", "--officer", "CO1", "--received", "2026-11-02"),
    "case assign": plain("case", "assign", "C-1", "CO2"),
    "case close": plain("case", "close", "C-1", "--reason", "Moved away"),
    "case milestone": plain("case", "milestone", "C-3", "issue-decision", "--on",
                            "2026-11-20", "--outcome", "agreed"),
    "case transfer": plain("case", "transfer", "C-3", "--year", "2027", "--kind", "school"),
    "case exception": plain("case", "exception", "C-3", "--code", "c", "--reason",
                            "Family away"),
    "case advice": plain("case", "advice", "C-3", "--from", "educational-psychology",
                         "--requested", "2026-11-20"),
    "case appeal": _appeal,
    "case edit": plain("case", "edit", "C-1", "--sex", "F", "--upn-unknown", "UN1"),
    "case need": plain("case", "need", "C-1", "--primary", "ASD"),
    "case placement": plain("case", "placement", "C-1", "--urn", "100000", "--from",
                            "2026-09-01"),
    "case erase": at("2031-02-03T10:17", "case", "erase", "OLD-1"),
    "setting set": plain("setting", "set", "under5-review-months", "6"),
    "panel add": plain("panel", "add", "LOC", "--name", "Local Panel", "--cadence", "monthly",
                       "--requests", "short-breaks"),
    "panel schedule": plain("panel", "schedule", "CAP", "--from", "2026-11-30", "--to",
                            "2026-12-31", "--weekday", "mon"),
    "panel cancel": plain("panel", "cancel", "MAP", "--meeting", "2026-12-11"),
    "panel move": plain("panel", "move", "MAP", "--meeting", "2026-12-11", "--to",
                        "2026-12-10"),
    "panel refer": plain("panel", "refer", "C-3", "--panel", "MAP", "--request", "resource"),
    "panel papers": _papers,
    "panel declare": _declare,
    "decision log": _decision,
    "contact log": plain("contact", "log", "C-1", "--channel", "phone", "--direction", "out",
                         "--party", "parent", "--summary", "Called back", "--at",
                         "2026-11-24T10:00"),
    "followup done": plain("followup", "done", "1", "--note", "Done"),
    "escalate": plain("escalate", "C-1", "--to", "senior", "--reason", "No reply"),
    "calendar close": plain("calendar", "close", "2026-12-30", "--reason", "Closure"),
    "calendar reopen": plain("calendar", "reopen", "2026-12-29"),
    "import cases": _import_cases,
    "import officers": _import_officers,
    "init": plain("init"),
    "db upgrade": _db_upgrade,
    "db recount": plain("db", "recount"),
    "db restore": _db_restore,
    "db copy": _db_copy,
}

# Every command that never changes the store, with arguments that work.
READS: dict[str, Callable[[Path], list[str]]] = {
    "overdue": lambda tmp: [],
    "escalations": lambda tmp: [],
    "deadlines": lambda tmp: [],
    "audit": lambda tmp: [],
    "db current": lambda tmp: [],
    "db history": lambda tmp: [],
    "db check": lambda tmp: [],
    "db backup": lambda tmp: [str(tmp / "b.db")],
    "calendar list": lambda tmp: [],
    "calendar add-working-days": lambda tmp: ["2026-12-24", "3"],
    "calendar working-days": lambda tmp: ["2026-12-24", "2027-01-04"],
    "calendar next-working-day": lambda tmp: ["2026-12-24"],
    "officer list": lambda tmp: [],
    "case list": lambda tmp: [],
    "case show": lambda tmp: ["C-1"],
    "setting show": lambda tmp: [],
    "panel list": lambda tmp: [],
    "panel meetings": lambda tmp: [],
    "panel agenda": lambda tmp: ["MAP", "--meeting", "2026-11-20"],
    "decision list": lambda tmp: [],
    "followup list": lambda tmp: [],
    "report kpi": lambda tmp: [],
    "report sen2": lambda tmp: ["--year", "2027", "--check"],
    "forecast": lambda tmp: [],
    "report nightly": lambda tmp: ["--out", str(tmp / "night")],
    "export cases": lambda tmp: [],
    "export contacts": lambda tmp: [],
    "export decisions": lambda tmp: [],
    "export followups": lambda tmp: [],
}

# Neither: with the reason.
EXEMPT = {
    "db roles": "PostgreSQL only, and makes roles for the whole server; its audit entry "
                "is checked in tests/test_pg_roles.py",
    "demo": "builds its own demo store (never the --db store) by replaying sample "
            "commands, each of which is audited like any other",
}


def commands_found() -> set[str]:
    root = typer.main.get_command(app)
    found: set[str] = set()

    def walk(cmd: Any, path: list[str]) -> None:
        names = getattr(cmd, "list_commands", None)
        if names is None:
            found.add(" ".join(path))
            return
        ctx = typer.Context(cmd)
        for name in names(ctx):
            walk(cmd.get_command(ctx, name), path + [name])

    walk(root, [])
    return found


def test_every_command_is_classified() -> None:
    found = commands_found()
    listed = set(WRITES) | set(READS) | set(EXEMPT)
    assert not set(WRITES) & set(READS)
    unclassified = sorted(found - listed)
    assert not unclassified, (
        f"new commands {unclassified}: add each to WRITES in tests/test_audit_complete.py "
        "with a successful run (and make it record an audit entry), or to READS")
    assert sorted(listed - found) == [], "listed commands that no longer exist"


# Commands that work on a store file only; on PostgreSQL they refuse (the
# server's own tools do their work) or their recipe builds a file.
SQLITE_ONLY = {"db restore", "db upgrade", "db backup"}


def _sqlite_only(name: str, backend: str) -> None:
    if backend == "postgresql" and name in SQLITE_ONLY:
        pytest.skip(f"'send-cli {name}' works on a SQLite store file")


@pytest.mark.parametrize("name", sorted(WRITES))
def test_each_write_is_audited(name: str, prepared: Any, tmp_path: Path, cli: Any,
                               backend: str) -> None:
    _sqlite_only(name, backend)
    cli.store_path = prepared
    cli.ok("officer", "add", WHO, "--name", "Audit Nine", "--email", "a9@c.gov.uk", "--team",
           "assessment", "--role", "lead-casework-officer", now="2026-11-24T08:00")
    argv, when, env = WRITES[name](cli, tmp_path)
    # 'db upgrade' runs on a store made again at an old schema, with no officers:
    # the login alone is recorded
    who = LOGIN if name == "db upgrade" else WHO
    result = cli(*(["--as", who] if who == WHO else []), "--now", when, *argv)
    assert result.exit_code == 0, (argv, result.stderr)
    entries = [e for e in cli.json("audit", env=env)
               if e["officer"] == who and e["at"][:16] == when]
    assert entries, f"'send-cli {name}' changed the store without an audit entry"
    for entry in entries:
        assert entry["login"] == LOGIN or backend == "postgresql", entry
        assert entry["action"], entry
        assert entry["before"] is not None or entry["after"] is not None, entry


def _fingerprint(store: Any) -> str:
    """Every row of every table: the SQLite file's dump, or on a server each
    table read in full, in order."""
    if not str(store).startswith("postgresql"):
        with sqlite3.connect(store) as con:
            return "\n".join(con.iterdump())
    from sqlalchemy import create_engine, select
    from sqlmodel import SQLModel

    from send_cli.store.models import load_all

    load_all()
    engine = create_engine(str(store))
    try:
        with engine.connect() as conn:
            return "\n".join(
                f"{table.name}: {row!r}" for table in SQLModel.metadata.sorted_tables
                for row in conn.execute(select(table).order_by(*table.primary_key.columns)))
    finally:
        engine.dispose()


@pytest.mark.parametrize("name", sorted(READS))
def test_reads_write_nothing(name: str, prepared: Any, tmp_path: Path, cli: Any,
                             backend: str) -> None:
    _sqlite_only(name, backend)
    before = _fingerprint(prepared)
    result = cli("--as", WHO, "--now", WHEN, *name.split(), *READS[name](tmp_path))
    assert result.exit_code in (0, 4), result.stderr
    assert _fingerprint(prepared) == before, f"'send-cli {name}' changed the store"
