"""Startup: --help and --version load no database, migration or drawing
library and open no store; the lazy command table matches the real commands;
a store command imports Alembic only when the store needs an upgrade."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from send_cli import cli as cli_mod

HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "rich", "holidays", "pydantic", "psycopg")

# Run send-cli in a fresh interpreter and report which top-level packages it
# imported (sys.modules at exit) and its output.
PROBE = textwrap.dedent("""
    import json, sys, io, contextlib
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            from send_cli.cli import main
            main(sys.argv[1:])
        except SystemExit as exc:
            code = exc.code
    mods = sorted({m.split('.')[0] for m in sys.modules})
    tables = sorted(sys.modules["sqlmodel"].SQLModel.metadata.tables) \
        if "sqlmodel" in sys.modules else []
    dialects = sorted(m.split('.')[2] for m in sys.modules
                      if m.startswith('sqlalchemy.dialects.') and m.count('.') >= 2)
    sys.__stdout__.write(json.dumps({"code": code, "modules": mods, "out": out.getvalue(),
                                     "err": err.getvalue(), "tables": tables,
                                     "dialects": sorted(set(dialects))}))
""")


def probe(*args: str, env: dict[str, str] | None = None) -> dict:
    full_env = {**os.environ, "COLUMNS": "100", **(env or {})}
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True,
                          text=True, env=full_env, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def modules_of(*args: str, env: dict[str, str] | None = None) -> set[str]:
    return set(probe(*args, env=env)["modules"])


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["--version"], []])
def test_help_and_version_import_no_heavy_library_and_open_no_store(
        args: list[str], tmp_path: Path) -> None:
    db = tmp_path / "never.db"
    result = probe(*args, "--db", str(db)) if args else probe("--db", str(db))
    loaded = set(result["modules"])
    if args:  # (typer's own option parsing loads pydantic once options are processed)
        assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
    assert result["code"] == (0 if args else 2)
    assert not db.exists()
    if args == ["--version"]:
        assert result["out"].startswith("send-cli ")
    elif args:
        assert "Commands:" in result["out"]


def test_help_imports_no_command_module() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "send_cli", "--help"],
        capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "100"})
    assert done.returncode == 0, done.stderr
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()
                if line.startswith("import time:")]
    assert "send_cli.cli" in imported
    heavy = [m for m in imported if m.split(".")[0] in HEAVY]
    assert heavy == [], heavy
    boundary = {"send_cli.commands.common", "send_cli.commands.arguments",
                "send_cli.commands.failures",
                "send_cli.commands.coercion"}  # the root's own, no command in them
    commands = [m for m in imported if m.startswith("send_cli.commands.")
                and m not in boundary]
    assert commands == [], commands


def _format_table(table: dict[str, tuple[str, str]]) -> str:
    """COMMANDS as Python source, lines within ruff's 100 columns."""
    def lit(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    out = []
    for name, (loader, help_text) in table.items():
        head = f"    {lit(name)}: ({lit(loader)},"
        one = f"{head} {lit(help_text)}),"
        if len(one) <= 100:
            out.append(one)
            continue
        out.append(head)
        parts = textwrap.wrap(help_text, 84, drop_whitespace=False, break_on_hyphens=False)
        out += [f"        {lit(p)}" for p in parts[:-1]] + [f"        {lit(parts[-1])}),"]
    return "\n".join(out)


def real_table() -> dict[str, list[str]]:
    """What the table should say, from a fresh process that loads everything."""
    code = ("import json; from send_cli import cli; "
            "print(json.dumps(cli.real_command_table()))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_command_table_matches_the_real_commands() -> None:
    real = {name: tuple(v) for name, v in real_table().items()}
    table = dict(cli_mod.COMMANDS)
    assert list(table.items()) == list(real.items()), (
        "send_cli/cli.py COMMANDS is out of date; replace its entries with:\n"
        + _format_table(real))


def test_every_table_entry_loads_its_command_alone() -> None:
    """Each name builds from its loader (in a fresh process: loading is once
    per process) and is what the full tree holds."""
    code = textwrap.dedent("""
        import json, sys
        from send_cli import cli
        out = {}
        for name in cli.COMMANDS:
            cmd = cli.load_command(name)
            out[name] = None if cmd is None else [cmd.name, cmd.help or "",
                                                  [p.name for p in cmd.params]]
        full = {n: [c.name, c.help or "", [p.name for p in c.params]]
                for n, c in cli.load_all().items()}
        print(json.dumps({"lazy": out, "full": full}))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    for name, got in result["lazy"].items():
        assert got is not None, f"{name} did not load from its loader"
        assert got == result["full"][name]


def test_help_lists_what_the_full_tree_would() -> None:
    """The root's --help, drawn from the table, equals the help typer draws
    from the fully built tree, at two widths."""
    code = textwrap.dedent("""
        import json, sys
        import typer
        from typer.core import TyperGroup
        from send_cli import cli
        lazy = typer.main.get_command(cli.app)
        eager = TyperGroup(name=lazy.name, commands=cli.load_all(), params=lazy.params,
                           help=lazy.help, no_args_is_help=True,
                           context_settings=lazy.context_settings, rich_markup_mode=None)
        out = {}
        for width in (80, 140):
            for label, group in (("lazy", typer.main.get_command(cli.app)), ("eager", eager)):
                ctx = group.make_context("send-cli", [], resilient_parsing=True,
                                         terminal_width=width, max_content_width=width)
                out[f"{label}{width}"] = group.get_help(ctx)
        print(json.dumps(out))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    helps = json.loads(done.stdout)
    assert helps["lazy80"] == helps["eager80"]
    assert helps["lazy140"] == helps["eager140"]
    assert "overdue" in helps["lazy80"] and "Commands:" in helps["lazy80"]


def test_help_in_process_lists_every_command(cli: Any) -> None:
    out = cli.ok("--help").stdout
    listed = [line.split()[0] for line in out.split("Commands:")[1].splitlines() if line.strip()]
    assert listed == list(cli_mod.COMMANDS)


def test_unknown_command_is_a_usage_error_with_a_suggestion(cli: Any) -> None:
    line = cli.fails(2, "overdu")
    assert line == "error: no such command 'overdu'. Did you mean 'overdue'?"


def test_sub_command_help_and_errors_still_work(cli: Any) -> None:
    result = cli.ok("case", "--help")
    assert "add" in result.stdout and "show" in result.stdout
    line = cli.fails(2, "case", "frobnicate")
    assert line.startswith("error: no such command 'frobnicate'")


def test_a_command_missing_from_the_table_still_runs(tmp_path: Path) -> None:
    """A command registered by a module but not yet in COMMANDS is found by
    loading everything (and the table test above fails until it is added)."""
    code = textwrap.dedent("""
        import sys
        from send_cli import cli
        del cli.COMMANDS["officer"]
        assert cli.load_command("no-such-thing") is None
        cli.main(sys.argv[1:])
    """)
    assert probe("--db", str(tmp_path / "s.db"), "init")["code"] == 0
    done = subprocess.run([sys.executable, "-c", code, "--db", str(tmp_path / "s.db"),
                           "officer", "list", "--format", "json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_a_read_command_imports_no_alembic_on_a_current_store(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    first = probe("--db", str(db), "init")
    assert first["code"] == 0, first["err"]
    assert "alembic" in first["modules"]  # creating the store runs the migrations
    again = probe("--db", str(db), "officer", "list", "--format", "json")
    assert again["code"] == 0, again["err"]
    assert "alembic" not in again["modules"]
    assert "rich" not in again["modules"]  # JSON needs no drawing library


def test_a_report_builds_only_the_tables_it_reads(tmp_path: Path) -> None:
    """Building a SQLModel class costs ~10 ms: a read that goes the full way
    (SEND_CLI_LEAN=0: through SQLAlchemy) builds none, as `overdue` on the
    lean path imports no SQLModel at all; a write builds the tables it
    touches and every table they refer to, so a flush can be sorted."""
    db = tmp_path / "s.db"
    assert probe("--db", str(db), "init")["code"] == 0
    report = probe("--db", str(db), "overdue", "--format", "json",
                   env={"SEND_CLI_LEAN": "0"})
    assert report["code"] == 0, report["err"]
    assert report["tables"] == []
    lean = probe("--db", str(db), "overdue", "--format", "json")
    assert "sqlmodel" not in lean["modules"]
    write = probe("--db", str(db), "calendar", "close", "2026-12-29", "--reason", "Christmas")
    assert write["code"] == 0, write["err"]
    # closing a day moves follow-ups: their foreign keys reach cases,
    # contacts, decisions, referrals, meetings, panels, officers and persons
    assert {"calendar_days", "followups", "cases", "officers", "persons", "contacts",
            "decisions", "referrals", "meetings", "panels", "audit"} <= set(write["tables"])
    assert "stage_days" not in write["tables"] and "appeals" not in write["tables"]
    # the partial indexes name their predicate for SQLite only: naming it for
    # PostgreSQL too would load that dialect (~30-40 ms) into every write
    assert "postgresql" not in write["dialects"]


def test_the_table_map_names_each_tables_module() -> None:
    """load_referred() finds the module of a table from TABLES: every table
    is there, with the module that defines it."""
    code = textwrap.dedent("""
        import json
        from send_cli.store import models
        models.load_all()
        print(json.dumps({t.name: cls.__module__.rsplit('.', 1)[1]
                          for cls in models.SQLModel.__subclasses__()
                          if (t := getattr(cls, '__table__', None)) is not None}))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    from send_cli.store.models import TABLES

    assert json.loads(done.stdout) == TABLES


def test_a_write_builds_what_its_tables_refer_to_before_it_flushes(
        store_path: Path, cli: Any) -> None:
    """A table first built inside a write (here appeals, which refer to cases
    and follow-ups, neither built yet) still flushes: the tables it refers to
    are built before the flush is sorted."""
    cli.team()
    cli.case("C-1")
    code = textwrap.dedent("""
        import datetime as dt, sys
        from send_cli.settings import resolve
        from send_cli.store.engine import open_store
        from send_cli.store.models import SQLModel
        store = open_store(resolve(db=sys.argv[1], officer="CO1", now="2027-01-04T09:00"))
        with store.write() as session:
            from send_cli.store.models import Appeal
            assert "followups" not in SQLModel.metadata.tables
            session.add(Appeal(case_id=1, decision_sent=dt.date(2027, 1, 4),
                               created_at=dt.datetime(2027, 1, 4, 9, tzinfo=dt.timezone.utc)))
        print(sorted(SQLModel.metadata.tables))
    """)
    done = subprocess.run([sys.executable, "-c", code, str(store_path)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "'followups'" in done.stdout and "'decisions'" in done.stdout
    assert cli.json("case", "show", "C-1")
