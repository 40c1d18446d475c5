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
from send_cli.settings import default_officer

_ORIGINAL = typer.testing._get_command

# typer rebuilds the whole command tree on every invoke; build it once here.
_COMMAND = typer.testing._get_command(app)
typer.testing._get_command = lambda given: _COMMAND if given is app else _ORIGINAL(given)

DEFAULT_NOW = "2026-11-23T09:00"  # a Monday
LOGIN = default_officer()  # the login running the tests: recorded when --as is not given

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
    from send_cli.store.engine import open_store

    path = tmp_path_factory.mktemp("template") / "send.db"
    store = open_store(resolve(db=str(path), officer="test", now=DEFAULT_NOW))
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.dispose()
    return path


@pytest.fixture(autouse=True)
def store_path(tmp_path: Path, template_store: Path, monkeypatch: pytest.MonkeyPatch,
               backend: str, request: pytest.FixtureRequest) -> Iterator[Path]:
    if backend == "postgresql":  # the server's test database, as a new store
        db: Any = request.getfixturevalue("pg_server").fresh_database()
    else:
        db = tmp_path / "send.db"
        shutil.copyfile(template_store, db)
        os.chmod(db, 0o600)
    monkeypatch.setenv("SEND_CLI_DB", str(db))
    monkeypatch.delenv("SEND_CLI_OFFICER", raising=False)  # the login is recorded
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
        # each case a child of its own, though the default name and date of
        # birth are the same (a known child is refused without --new-child)
        return self.ok("case", "add", "--ref", ref, "--name", name, "--dob", dob,
                       "--officer", officer, "--received", received, "--new-child",
                       **kw).stdout.strip()


@pytest.fixture
def cli() -> Cli:
    return Cli()


@pytest.fixture
def team(cli: Cli) -> Cli:
    """A store with the standard team of officers."""
    cli.team()
    return cli


# -- PostgreSQL: the same command tests against a server (issue 6) -----------
# With SEND_CLI_TEST_PG_URL set (a SQLAlchemy URL of a role that may CREATE
# DATABASE), the tests of the modules below run twice, [sqlite] and
# [postgresql], each PostgreSQL test on a store as new (one database, migrated
# once, emptied and refilled before each test). A module opts in with
# BACKENDS = ("sqlite", "postgresql"). Without the variable, or without a
# server, the [postgresql] runs are skipped with the reason; SQLite-only runs
# never touch a server.
PG_ENV = "SEND_CLI_TEST_PG_URL"
PG_MODULES = {"test_cases", "test_postgres", "test_contacts", "test_escalations",
              "test_nightly", "test_import_export", "test_errors", "test_output_conventions",
              "test_decisions", "test_panels", "test_timeline", "test_deadlines", "test_kpi",
              "test_privacy", "test_audit_complete", "test_kpi_counts", "test_escalation_rules",
              "test_panel_fixes", "test_timeline_fixes", "test_casework_fixes"}


def module_backends(module: Any) -> tuple[str, ...]:
    name = module.__name__.rsplit(".", 1)[-1]
    default = ("sqlite", "postgresql") if name in PG_MODULES else ("sqlite",)
    return tuple(getattr(module, "BACKENDS", default))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames or metafunc.module is None:
        return
    wanted = module_backends(metafunc.module)
    if metafunc.definition.get_closest_marker("sqlite_only"):  # files, pragmas, plans
        wanted = ("sqlite",)
    if wanted != ("sqlite",):
        metafunc.parametrize("backend", [
            pytest.param(b, marks=[pytest.mark.postgres] if b == "postgresql" else [])
            for b in wanted], indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """sqlite, or postgresql for the modules that also run on a server."""
    return str(getattr(request, "param", "sqlite"))


class PgServer:
    """The test server: one database migrated once; before each test every
    table is emptied (TRUNCATE ... RESTART IDENTITY) and refilled with what a
    new store holds, which is much faster than a database per test (CREATE
    and DROP DATABASE each force a checkpoint)."""

    SEEDED = ("settings", "calendar_days", "panels", "panel_remits")

    def __init__(self, url: str) -> None:
        import psycopg

        from send_cli.store.engine import describe

        self.where = describe(url)
        self.name = f"sendcli_t{os.getpid()}"
        self.scratch: set[str] = set()
        admin = psycopg.connect(self._dsn(url), autocommit=True, connect_timeout=3)
        try:
            self._drop_stale(admin, url)
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{self.name}"')
        finally:
            admin.close()
        self.admin_url = url
        self.url = url.rpartition("/")[0] + "/" + self.name
        from send_cli.settings import resolve
        from send_cli.store.engine import open_store

        open_store(resolve(db=self.url, officer="test", now=DEFAULT_NOW)).dispose()
        self.conn = psycopg.connect(self._dsn(self.url), autocommit=True)
        from sqlmodel import SQLModel

        from send_cli.store.models import load_all

        load_all()

        # children first, so DELETE never trips a foreign key
        self.tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
        self.sequences = [r[0] for r in self.conn.execute(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()")]
        self.seed = {t: self.conn.execute(f'SELECT * FROM "{t}"').fetchall()
                     for t in self.SEEDED}

    @staticmethod
    def _dsn(url: str) -> str:
        return url.replace("postgresql+psycopg://", "postgresql://", 1)

    def fresh_database(self) -> str:
        """The test database, emptied and refilled as a new store."""
        with self.conn.transaction():
            self.conn.execute("SET LOCAL lock_timeout = '5s'")
            for table in self.tables:
                self.conn.execute(f'DELETE FROM "{table}"')
            for seq in self.sequences:
                self.conn.execute(f"ALTER SEQUENCE \"{seq}\" RESTART")
            for table in reversed(self.tables):
                rows = self.seed.get(table)
                if rows:
                    marks = ", ".join(["%s"] * len(rows[0]))
                    with self.conn.cursor() as cur:
                        cur.executemany(f'INSERT INTO "{table}" VALUES ({marks})', rows)
            # what a new store counts of its (emptied) audit trail
            self.conn.execute("INSERT INTO store_counts (name, n) SELECT 'audit', count(*)"
                              " FROM audit")
            self.conn.execute("SELECT setval(pg_get_serial_sequence('panels', 'id'), "
                              "COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM panels")
        return self.url

    def scratch_database(self, suffix: str) -> str:
        """An empty database of its own (e.g. to migrate, or to copy into),
        emptied again on each call and dropped at the end of the session."""
        import psycopg

        name = f"{self.name}_{suffix}"
        with psycopg.connect(self._dsn(self.admin_url), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        self.scratch.add(name)
        return self.url.rpartition("/")[0] + "/" + name

    def _drop_stale(self, admin: Any, url: str) -> None:
        """Databases left by killed test runs on this machine's server."""
        if not any(f"@{h}" in url for h in ("localhost", "127.0.0.1", "[::1]")):
            return
        rows = admin.execute("SELECT datname FROM pg_database WHERE datname LIKE "
                             "'sendcli\\_t%'").fetchall()
        for (name,) in rows:
            pid = name[len("sendcli_t"):].split("_", 1)[0]
            if pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        import psycopg

        self.conn.close()
        with psycopg.connect(self._dsn(self.admin_url), autocommit=True) as admin:
            for name in sorted(self.scratch) + [self.name]:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# Set by .ci/run once it has started a server: then a server that cannot be
# used fails the run instead of skipping every PostgreSQL test quietly.
PG_REQUIRED_ENV = "SEND_CLI_TEST_PG_REQUIRED"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    url = os.environ.get(PG_ENV)
    required = bool(os.environ.get(PG_REQUIRED_ENV))
    if not url:
        reason = f"PostgreSQL runs need {PG_ENV}=postgresql+psycopg://USER:PASS@HOST/DB"
        if required:
            pytest.fail(f"{PG_REQUIRED_ENV} is set but {reason}", pytrace=False)
        pytest.skip(reason)
    try:
        server = PgServer(url)
    except Exception as exc:  # no driver, no server, no right to create databases
        from send_cli.store.engine import describe

        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        reason = f"PostgreSQL at {describe(url)} is not usable: {first}"
        if required:
            pytest.fail(f"{reason} ({PG_REQUIRED_ENV} is set)", pytrace=False)
        pytest.skip(reason)
    try:
        yield server
    finally:
        server.close()


# -- a store with some of everything (issue 6: hostile input, audit) --------
# Built once per session through the CLI, copied over the test's store by
# tests that need real cases, panels and follow-ups to aim at.
PREPARED_SCRIPT = [
    ("2026-11-02T09:00", "LCO1", ["calendar", "close", "2026-12-29", "--reason", "Closure"]),
    ("2026-11-02T09:00", "AO1", ["case", "add", "--ref", "C-1", "--name", "Zoë O'Neil",
                                 "--dob", "2016-05-04", "--officer", "CO1", "--received",
                                 "2026-11-02", "--setting", "Meadow Primary"]),
    ("2026-11-02T09:00", "AO1", ["case", "add", "--ref", "C-3", "--name", "Amir אבי",
                                 "--dob", "2012-02-29", "--officer", "CO2", "--received",
                                 "2026-09-01", "--requested-by", "school"]),
    ("2020-01-06T09:00", "AO1", ["case", "add", "--ref", "OLD-1", "--name", "Ada Old",
                                 "--dob", "2000-01-01", "--officer", "CO1", "--received",
                                 "2020-01-06"]),
    ("2020-06-01T09:00", "CO1", ["case", "close", "OLD-1", "--reason", "Moved away"]),
    ("2026-11-10T10:00", "CO2", ["case", "milestone", "C-3", "assessment-decision", "--on",
                                 "2026-10-12", "--outcome", "agreed"]),
    ("2026-11-10T10:05", "CO2", ["case", "advice", "C-3", "--from", "health", "--requested",
                                 "2026-10-13"]),
    ("2026-11-16T15:30", "CO1", ["contact", "log", "C-1", "--channel", "phone", "--direction",
                                 "in", "--party", "parent", "--summary", "Mum rang",
                                 "--at", "2026-11-16T15:30"]),
    ("2026-11-16T16:00", "CO2", ["contact", "log", "C-3", "--channel", "email", "--direction",
                                 "in", "--party", "school", "--summary", "SENCo asks",
                                 "--at", "2026-11-16T16:00"]),
    ("2026-11-16T16:10", "BS1", ["panel", "schedule", "MAP", "--from", "2026-11-20", "--to",
                                 "2027-01-29", "--weekday", "fri", "--time", "10:00"]),
    ("2026-11-16T16:20", "AO1", ["panel", "refer", "C-1", "--panel", "MAP", "--request",
                                 "ehcna", "--meeting", "2026-11-20"]),
    ("2026-11-17T09:00", "BS1", ["panel", "papers", "C-1", "--panel", "MAP", "--meeting",
                                 "2026-11-20", "--received", "2026-11-17"]),
    ("2026-11-18T09:00", "BS1", ["panel", "declare", "--panel", "MAP", "--meeting",
                                 "2026-11-20", "--member", "Cllr Lang", "--case", "C-1",
                                 "--interest", "Neighbour"]),
    ("2026-11-20T12:00", "AO1", ["decision", "log", "C-1", "--panel", "MAP", "--meeting",
                                 "2026-11-20", "--outcome", "deferred", "--revisit-by",
                                 "2026-12-04", "--reason", "More evidence", "--chair",
                                 "Dr Marsh"]),
    ("2026-11-20T12:30", "BS1", ["escalate", "C-3", "--to", "business-support", "--reason",
                                 "No reply"]),
]


def prepare(db: str) -> None:
    """Fill the store DB with the prepared casework, through the CLI."""
    runner = CliRunner()
    env = {"SEND_CLI_DB": db, "COLUMNS": "200"}
    steps: list[tuple[str, str | None, list[str]]] = [
        ("2026-11-02T08:00", None, ["officer", "add", code, "--name", name, "--email",
                                    f"{code.lower()}@council.gov.uk", "--team", team,
                                    "--role", role])
        for code, name, team, role in TEAM]
    for now, who, argv in steps + list(PREPARED_SCRIPT):
        as_ = ["--as", who] if who else []
        result = runner.invoke(app, ["--now", now, *as_, *argv], env=env)
        assert result.exit_code == 0, (argv, result.stderr)


@pytest.fixture(scope="session")
def prepared_store(template_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the team, open and closed cases, contacts, follow-ups,
    a panel with meetings, a referral, a declaration, a decision and an
    escalation. Copy it (copy_prepared) over a test's store to use it."""
    path = tmp_path_factory.mktemp("prepared") / "send.db"
    shutil.copyfile(template_store, path)
    prepare(str(path))
    return path


def copy_prepared(prepared: Path, store: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(prepared, store)
    os.chmod(store, 0o600)


@pytest.fixture
def prepared(request: pytest.FixtureRequest, store_path: Any, backend: str) -> Any:
    """The test's store, holding the prepared casework (see PREPARED_SCRIPT):
    a copy of the file on SQLite, made again through the CLI on a server."""
    if backend == "postgresql":
        prepare(os.environ["SEND_CLI_DB"])
        return store_path
    copy_prepared(request.getfixturevalue("prepared_store"), store_path)
    return store_path
