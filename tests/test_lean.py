"""The daily reads on the lean path: on a current SQLite store they run on the
standard library's sqlite3 and import no SQLAlchemy, SQLModel, pydantic or
Alembic; their output is the same, byte for byte, as the same queries run
through SQLAlchemy (SEND_CLI_LEAN=0); a store that needs upgrading goes the
full way."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from send_cli.store.engine import HEAD, REVISIONS, Store, make_engine, run_migrations, to_url
from send_cli.store.reader import LEAN_ENV, open_lean

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = "2027-01-04T09:00"
HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "alembic")

# Run send-cli in a fresh interpreter; report the top-level packages imported.
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
    sys.__stdout__.write(json.dumps({"code": code, "modules": mods, "out": out.getvalue(),
                                     "err": err.getvalue()}))
""")


def probe(db: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    full = {**os.environ, "COLUMNS": "100", "SEND_CLI_DB": str(db),
            "SEND_CLI_NOW": REFERENCE, **(env or {})}
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True,
                          text=True, env=full, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("demo") / "send-demo.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEND_CLI_")}
    done = subprocess.run([sys.executable, "-m", "send_cli", "demo", "--db", str(db)],
                          env={**env, "COLUMNS": "200"}, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return db


@pytest.fixture(scope="module")
def variety_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated store (benchmarks/generate.py): every status, late promises,
    panels, appeals and exceptions, and two officers away with a cover."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import generate  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    db = tmp_path_factory.mktemp("variety") / "send.db"
    generate.generate(str(db), 500, now_text=REFERENCE, workers=0, echo=lambda _: None)
    env = {**os.environ, "SEND_CLI_DB": str(db), "SEND_CLI_NOW": "2027-01-02T09:00"}
    for argv in (["officer", "away", "CO1", "--from", "2027-01-02", "--to", "2027-01-15",
                  "--cover", "CO2"],
                 ["officer", "away", "CO3", "--from", "2026-12-20", "--to", "2027-01-06",
                  "--cover", "CO2"]):
        done = subprocess.run([sys.executable, "-m", "send_cli", "--as", "LCO1", *argv],
                              env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    return db


def _case_with(db: Path, sql: str) -> str:
    import sqlite3

    con = sqlite3.connect(db)
    try:
        return str(con.execute(sql).fetchone()[0])
    finally:
        con.close()


def daily_reads(db: Path) -> list[list[str]]:
    """The ten daily reads and the forecast, with the options officers give
    them."""
    first = "(SELECT ref FROM cases ORDER BY id LIMIT 1)"
    ref = _case_with(db, "SELECT coalesce((SELECT c.ref FROM cases c WHERE EXISTS (SELECT 1"
                         " FROM referrals r WHERE r.case_id = c.id) ORDER BY c.id LIMIT 1),"
                         f" {first})")
    appeal = _case_with(db, "SELECT coalesce((SELECT c.ref FROM cases c JOIN appeals a"
                            f" ON a.case_id = c.id ORDER BY a.id LIMIT 1), {first})")
    panel = _case_with(db, "SELECT coalesce((SELECT p.code FROM meetings m JOIN panels p"
                           " ON p.id = m.panel_id JOIN referrals r ON r.meeting_id = m.id"
                           " WHERE m.date >= '2027-01-04' ORDER BY m.date LIMIT 1), 'MAP')")
    return [
        ["overdue"], ["overdue", "--officer", "CO2"], ["overdue", "--team", "assessment"],
        ["escalations"], ["escalations", "--officer", "CO2"],
        ["escalations", "--team", "early-years-primary"],
        ["deadlines", "--within", "7"], ["deadlines", "--breached"],
        ["deadlines", "--within", "30", "--officer", "CO1"],
        ["followup", "list"], ["followup", "list", "--all", "--officer", "CO2"],
        ["followup", "list", ref, "--all"],
        ["case", "list"], ["case", "list", "--officer", "CO1", "--status", "plan-in-force"],
        ["case", "show", ref], ["case", "show", appeal],
        ["panel", "agenda", panel, "--meeting", "next"], ["panel", "meetings"],
        ["panel", "meetings", "MAP", "--all", "--from", "2026-12-01"],
        ["report", "kpi"], ["report", "kpi", "--from", "2025-01-01", "--to", "2026-12-31"],
        ["audit"], ["audit", ref],
        ["forecast"], ["forecast", "--officer", "CO1", "--within", "8"],
        ["forecast", "--summary"],
        ["overdue", "--officer", "NOPE"], ["case", "show", "nope"],
    ]


def _formats(argv: list[str]) -> list[str]:
    if argv[:2] == ["case", "show"]:
        return ["json", "table"]
    return ["json", "csv", "table"]


@pytest.fixture(scope="module")
def backlog_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated requests, none decided: every clock breached."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import generate  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    db = tmp_path_factory.mktemp("backlog") / "send.db"
    generate.generate(str(db), 300, now_text=REFERENCE, workers=0, backlog=True,
                      echo=lambda _: None)
    return db


@pytest.mark.parametrize("which", ["demo_store", "variety_store", "backlog_store"])
def test_lean_and_full_paths_give_the_same_output(which: str, cli: Any,
                                                  request: pytest.FixtureRequest) -> None:
    db = request.getfixturevalue(which)
    env = {"SEND_CLI_DB": str(db), "SEND_CLI_NOW": REFERENCE, "COLUMNS": "100"}
    compared = 0
    for argv in daily_reads(db):
        for fmt in _formats(argv):
            lean = cli(*argv, "--format", fmt, env={**env, LEAN_ENV: "1"})
            full = cli(*argv, "--format", fmt, env={**env, LEAN_ENV: "0"})
            assert (lean.exit_code, lean.stdout, lean.stderr) == \
                (full.exit_code, full.stdout, full.stderr), (argv, fmt)
            compared += lean.exit_code == 0 and bool(lean.stdout.strip())
    assert compared > 30  # most reads have something to show


def test_each_daily_read_imports_no_heavy_library(demo_store: Path) -> None:
    for argv in daily_reads(demo_store)[:-2]:
        for extra in (["--limit", "5"], ["--format", "json"]):
            if argv[:2] == ["case", "show"] or argv[:2] == ["panel", "agenda"]:
                extra = [] if extra[0] == "--limit" else extra
            result = probe(demo_store, *argv, *extra)
            assert result["code"] == 0, (argv, result["err"])
            assert result["out"].strip(), argv
            loaded = set(result["modules"]) & set(HEAVY)
            assert not loaded, (argv, sorted(loaded))


def test_the_full_path_imports_them_when_asked(demo_store: Path) -> None:
    """The probe can fail: the same read through SQLAlchemy shows it."""
    result = probe(demo_store, "overdue", env={LEAN_ENV: "0"})
    assert result["code"] == 0
    assert {"sqlalchemy", "sqlmodel", "pydantic"} <= set(result["modules"])


def test_a_store_to_upgrade_goes_the_full_way(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    url, path = to_url(str(db))
    store = Store(url=url, engine=make_engine(url), path=path)
    run_migrations(store, REVISIONS[-2])
    store.dispose()
    assert open_lean(str(db), HEAD) is None
    result = probe(db, "overdue", "--format", "json")
    assert result["code"] == 0, result["err"]
    assert f"upgraded the store from schema {REVISIONS[-2]} to {HEAD}" in result["err"]
    assert "alembic" in result["modules"]
    again = probe(db, "overdue", "--format", "json")  # now current: lean
    assert not set(again["modules"]) & set(HEAVY)
    assert json.loads(again["out"]) == json.loads(result["out"]) == []


@pytest.mark.parametrize("name", ["missing.db", "empty.db", "text.db", "folder"])
def test_what_is_not_a_current_store_is_left_to_the_full_path(tmp_path: Path,
                                                              name: str) -> None:
    target = tmp_path / name
    if name == "empty.db":
        target.touch()
    elif name == "text.db":
        target.write_text("not a database at all")
    elif name == "folder":
        target.mkdir()
    assert open_lean(str(target), HEAD) is None
    assert open_lean(f"sqlite:///{target}", HEAD) is None
    assert not target.with_name(name + "-wal").exists()
    result = probe(target, "overdue")
    assert result["code"] == 3, result  # refused as before, by the full path
    assert result["err"].startswith("error: ")


def test_a_database_url_is_never_opened_by_sqlite3(store_path: Path) -> None:
    assert open_lean("postgresql+psycopg://u:p@localhost/x", HEAD) is None
    assert open_lean(f"sqlite:///{store_path}", HEAD) is not None


def test_plain_option_values_are_taken_without_pydantic_and_bad_ones_refused(
        demo_store: Path) -> None:
    good = probe(demo_store, "deadlines", "--within", "7", "--limit", "3")
    assert good["code"] == 0 and not set(good["modules"]) & set(HEAVY)
    for bad, words in ((["--within", "soon"], "--within 'soon' is not a whole number"),
                       (["--limit", "-1"], "--limit '-1' is too small; use 0 or more")):
        refused = probe(demo_store, "deadlines", *bad)
        assert refused["code"] == 2
        assert refused["err"].splitlines()[0] == f"error: {words}"
