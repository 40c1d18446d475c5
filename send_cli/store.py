"""The store: engine, pragmas, sessions and schema upgrades.

open_store() is the only place migrations run. On SQLite every connection
gets WAL, a busy timeout and foreign keys; SQLAlchemy (not pysqlite) emits
BEGIN, and write sessions begin IMMEDIATE so that two writers queue on the
busy timeout instead of failing on a read-to-write lock upgrade.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from send_cli.errors import StoreUnavailable

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from send_cli.settings import Settings
    from send_cli.workdays import Calendar

# The revisions in migrations/versions, oldest first. tests/test_migrations.py
# checks this against Alembic's own view, so the store's revision can be
# compared with the head without importing Alembic on every command.
REVISIONS = ("0001", "0002", "0003", "0004")
HEAD = REVISIONS[-1]

BUSY_TIMEOUT_MS = 10_000
# When a dict, open stores are kept by their --db value and reused (the demo
# replays hundreds of commands in one process).
STORE_CACHE: dict[str, Store] | None = None
SQLITE_MAGIC = b"SQLite format 3\x00"
BANK_HOLIDAY_YEARS = range(2000, 2061)


def package_dir() -> Path:
    return Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """migrations/ or sample_data/: inside the installed wheel, or the checkout."""
    inside = package_dir() / name
    if inside.is_dir():
        return inside
    return package_dir().parent / name


def to_url(db: str) -> tuple[str, Path | None]:
    """A SQLAlchemy URL for DB, and the file path when it is SQLite."""
    if "://" in db:
        if db.startswith("sqlite:///"):
            raw = db[len("sqlite:///"):]
            return db, Path(raw).expanduser() if raw and raw != ":memory:" else None
        return db, None
    path = Path(db).expanduser().resolve()
    return f"sqlite:///{path}", path


def describe(db: str) -> str:
    """DB without any password, for messages."""
    if "://" not in db or "@" not in db:
        return db
    scheme, rest = db.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in creds else db


def make_engine(url: str) -> Engine:
    from sqlalchemy import create_engine, event

    if not url.startswith("sqlite"):
        connect_args: dict[str, Any] = {}
        if url.startswith("postgresql"):
            connect_args["connect_timeout"] = 5
        return create_engine(url, connect_args=connect_args, pool_pre_ping=False)

    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_con: sqlite3.Connection, _record: Any) -> None:
        dbapi_con.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_con.cursor()
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())

    return engine


@dataclass
class Store:
    """An open, up-to-date store."""

    url: str
    engine: Engine
    path: Path | None
    _calendar: Calendar | None = field(default=None, repr=False)

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose transaction is begun for writing up front."""
        from sqlmodel import Session

        bind = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        with Session(bind, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        from sqlmodel import Session

        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def calendar(self) -> Calendar:
        """The council's working-day calendar, from the stored bank holidays
        and closure days."""
        if self._calendar is None:
            from sqlalchemy import text

            from send_cli.workdays import Calendar

            bank: dict[Any, str] = {}
            closures: dict[Any, str] = {}
            with self.engine.connect() as conn:
                rows = conn.execute(text("SELECT day, kind, name FROM calendar_days")).all()
                years = conn.execute(
                    text("SELECT value FROM settings WHERE key = 'bank_holiday_years'")
                ).scalar()
            from datetime import date

            for day, kind, name in rows:
                d = day if isinstance(day, date) else date.fromisoformat(day)
                (bank if kind == "bank-holiday" else closures)[d] = name
            first, last = (int(x) for x in (years or "0-0").split("-"))
            self._calendar = Calendar(bank, closures, years=range(first, last + 1))
        return self._calendar

    def forget_calendar(self) -> None:
        self._calendar = None

    def dispose(self) -> None:
        self.engine.dispose()


def _create_private_file(path: Path) -> None:
    """An empty file readable by its owner only: SQLite creates its -wal and
    -shm files with the same mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def _check_sqlite_file(path: Path) -> None:
    if path.is_dir():
        raise StoreUnavailable(f"'{path}' is a directory, not a send-cli database",
                               hint="Pass --db a file path or a database URL.")
    with contextlib.suppress(FileNotFoundError):
        with open(path, "rb") as fh:
            head = fh.read(16)
        if head and head != SQLITE_MAGIC:
            raise StoreUnavailable(f"'{path}' is not a send-cli database (not a SQLite file)",
                                   hint="Check --db / SEND_CLI_DB.")


def stored_revision(conn: Any) -> tuple[str | None, bool]:
    """(revision, has_other_tables) without Alembic."""
    from sqlalchemy import inspect, text

    names = set(inspect(conn).get_table_names())
    if "alembic_version" not in names:
        return None, bool(names)
    rev = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return rev, True


def open_store(settings: Settings, *, upgrade: bool = True) -> Store:
    """Open the store at settings.db, creating or upgrading it as needed.

    Raises StoreUnavailable (exit 3) for a store this program cannot use."""
    if STORE_CACHE is not None and settings.db in STORE_CACHE:
        return STORE_CACHE[settings.db]
    url, path = to_url(settings.db)
    created = False
    if path is not None:
        _check_sqlite_file(path)
        if not path.exists():
            try:
                _create_private_file(path)
            except OSError as exc:
                raise StoreUnavailable(
                    f"cannot create the store at '{path}': {exc.strerror}",
                    hint="Check the folder exists and is writable, or pass --db.",
                ) from None
            created = True
    try:
        engine = make_engine(url)
    except Exception as exc:  # a malformed URL or a missing driver
        raise StoreUnavailable(f"cannot use database '{describe(settings.db)}': {exc}",
                               hint="Use a file path, sqlite:///PATH or "
                                    "postgresql+psycopg://USER:PASS@HOST/DB.") from None
    store = Store(url=url, engine=engine, path=path)
    try:
        with engine.connect() as conn:
            rev, has_tables = stored_revision(conn)
            conn.rollback()
    except StoreUnavailable:
        raise
    except Exception as exc:
        engine.dispose()
        raise _unavailable(settings.db, exc) from None
    if rev is None and has_tables:
        engine.dispose()
        raise StoreUnavailable(
            f"'{describe(settings.db)}' is not a send-cli database (it has other tables)",
            hint="Point --db at a send-cli store or an empty database.")
    if rev is not None and rev not in REVISIONS:
        engine.dispose()
        raise StoreUnavailable(
            f"the store '{describe(settings.db)}' has schema revision '{rev}', newer than "
            f"this send-cli knows (latest {HEAD})",
            hint="Upgrade send-cli to use this store.")
    if rev != HEAD:
        if not upgrade:
            raise StoreUnavailable(
                f"the store's schema is at {rev or 'nothing'}, behind {HEAD}",
                hint="Run 'send-cli init' to upgrade it.")
        run_migrations(store)
        seed(store, refresh_holidays=True)
        if rev is not None:
            print(f"upgraded the store from schema {rev} to {HEAD}", file=sys.stderr)
    elif created:
        seed(store, refresh_holidays=True)
    if STORE_CACHE is not None:
        STORE_CACHE[settings.db] = store
    return store


def _unavailable(db: str, exc: BaseException) -> StoreUnavailable:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    if "file is not a database" in text:
        return StoreUnavailable(f"'{describe(db)}' is not a send-cli database ({text})")
    if "locked" in text or "busy" in text:
        return StoreUnavailable("the store is locked by another user past the timeout",
                                hint="Try again in a moment.")
    return StoreUnavailable(f"cannot open the store '{describe(db)}': {text}",
                            hint="Check --db / SEND_CLI_DB and that the server is reachable.")


def alembic_config(connection: Any = None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resource_dir("migrations")))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def run_migrations(store: Store, target: str = "head") -> None:
    """Upgrade in one transaction. On SQLite foreign keys are off while batch
    mode copies tables (with them on, dropping a parent table deletes through
    cascades) and are checked before the transaction commits."""
    from alembic import command
    from sqlalchemy import text

    with store.engine.connect() as conn:
        if store.is_sqlite:
            raw = conn.connection.driver_connection
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                command.upgrade(alembic_config(conn), target)
                if store.is_sqlite:
                    bad = conn.execute(text("PRAGMA foreign_key_check")).all()
                    if bad:
                        raise StoreUnavailable(
                            f"the upgrade would break {len(bad)} foreign keys; nothing changed")
        finally:
            if store.is_sqlite:
                raw.execute("PRAGMA foreign_keys=ON")


def seed(store: Store, *, refresh_holidays: bool) -> None:
    """Fill what a new store needs: England's bank holidays."""
    if not refresh_holidays:
        return
    from sqlalchemy import delete, insert

    from send_cli.models import CalendarDay, Setting
    from send_cli.workdays import england_bank_holidays

    days = england_bank_holidays(BANK_HOLIDAY_YEARS)
    span = f"{BANK_HOLIDAY_YEARS[0]}-{BANK_HOLIDAY_YEARS[-1]}"
    with store.write() as session:
        session.execute(delete(CalendarDay).where(CalendarDay.kind == "bank-holiday"))
        session.execute(insert(CalendarDay), [
            {"day": d, "kind": "bank-holiday", "name": n} for d, n in days.items()])
        existing = session.get(Setting, "bank_holiday_years")
        if existing:
            existing.value = span
        else:
            session.add(Setting(key="bank_holiday_years", value=span))
    store.forget_calendar()
