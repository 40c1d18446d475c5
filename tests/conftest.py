"""A fresh store per test through SEND_CLI_DB, the clock pinned through
SEND_CLI_NOW, and a `cli` fixture that runs send-cli as users do."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.testing
from typer.testing import CliRunner

from send_cli.cli import app

_ORIGINAL = typer.testing._get_command

# typer rebuilds the whole command tree on every invoke; build it once here.
_COMMAND = typer.testing._get_command(app)
typer.testing._get_command = lambda given: _COMMAND if given is app else _ORIGINAL(given)

DEFAULT_NOW = "2026-11-23T09:00"  # a Monday

TEAM = [
    ("AO1", "Priya Shah", "assessment", "assessment-officer"),
    ("CO1", "Tom Baker", "early-years-primary", "casework-officer"),
    ("CO2", "Aisha Khan", "secondary-post16", "casework-officer"),
    ("BS1", "Jo Hill", "business-support", "business-support"),
    ("SCO1", "Dev Patel", "assessment", "senior-casework-officer"),
    ("LCO1", "Mary Ellis", "assessment", "lead-casework-officer"),
]


@pytest.fixture(scope="session")
def template_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated store, copied for each test (migrating each time is slow)."""
    from send_cli.settings import resolve
    from send_cli.store import open_store

    path = tmp_path_factory.mktemp("template") / "send.db"
    store = open_store(resolve(db=str(path), officer="test", now=DEFAULT_NOW))
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.dispose()
    return path


@pytest.fixture(autouse=True)
def store_path(tmp_path: Path, template_store: Path,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    db = tmp_path / "send.db"
    shutil.copyfile(template_store, db)
    os.chmod(db, 0o600)
    monkeypatch.setenv("SEND_CLI_DB", str(db))
    monkeypatch.setenv("SEND_CLI_OFFICER", "tester")
    monkeypatch.setenv("SEND_CLI_NOW", DEFAULT_NOW)
    monkeypatch.setenv("COLUMNS", "200")
    for var in ("NO_COLOR", "FORCE_COLOR", "SEND_CLI_DEBUG"):
        monkeypatch.delenv(var, raising=False)
    yield db


class Cli:
    """Runs send-cli in-process with typer's CliRunner."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, now: str | None = None, as_: str | None = None,
                 input: str | None = None, env: dict[str, str] | None = None) -> Any:
        argv: list[str] = []
        if now:
            argv += ["--now", now]
        if as_:
            argv += ["--as", as_]
        return self.runner.invoke(app, argv + list(args), input=input, env=env)

    def ok(self, *args: str, **kw: Any) -> Any:
        result = self(*args, **kw)
        assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
        return result

    def json(self, *args: str, **kw: Any) -> Any:
        result = self.ok(*args, "--format", "json", **kw)
        return json.loads(result.stdout)

    def fails(self, code: int, *args: str, **kw: Any) -> str:
        """Run, expect exit CODE and a one-line 'error:' (plus an optional hint);
        returns the error line."""
        result = self(*args, **kw)
        assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert lines and lines[0].startswith("error: "), result.stderr
        assert all(line.startswith("hint: ") for line in lines[1:]), result.stderr
        assert "Traceback" not in result.stderr
        return lines[0]

    def team(self) -> None:
        for code, name, team, role in TEAM:
            self.ok("officer", "add", code, "--name", name,
                    "--email", f"{code.lower()}@council.gov.uk", "--team", team,
                    "--role", role)

    def case(self, ref: str = "C-1", *, received: str = "2026-11-02", officer: str = "CO1",
             dob: str = "2016-05-04", name: str = "Sam Jones", **kw: Any) -> str:
        return self.ok("case", "add", "--ref", ref, "--name", name, "--dob", dob,
                       "--officer", officer, "--received", received, **kw).stdout.strip()


@pytest.fixture
def cli() -> Cli:
    return Cli()


@pytest.fixture
def team(cli: Cli) -> Cli:
    """A store with the standard team of officers."""
    cli.team()
    return cli
