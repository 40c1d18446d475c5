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
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from send_cli.errors import StoreUnavailable, mask_secrets

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from send_cli.rules.calendar import Calendar
    from send_cli.settings import Settings

# The revisions in migrations/versions, oldest first. tests/test_migrations.py
# checks this against Alembic's own view, so the store's revision can be
# compared with the head without importing Alembic on every command.
REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009",
             "0010", "0011", "0012", "0013", "0014")
HEAD = REVISIONS[-1]

BUSY_TIMEOUT_MS = 10_000
# The key of the PostgreSQL advisory lock that write transactions queue on.
PG_WRITE_LOCK = 0x5E4D_C11
# When a dict, open stores are kept by their --db value and reused (the demo
# replays hundreds of commands in one process).
STORE_CACHE: dict[str, Store] | None = None
SQLITE_MAGIC = b"SQLite format 3\x00"
BANK_HOLIDAY_YEARS = range(2000, 2061)


def package_dir() -> Path:
    """The send_cli package folder (this module sits in send_cli/store/)."""
    return Path(__file__).resolve().parent.parent


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
    """DB without any password, for messages (USER:PASS@, ?password=...)."""
    return mask_secrets(db)


def make_engine(url: str) -> Engine:
    from sqlalchemy import create_engine, event

    if not url.startswith("sqlite"):
        connect_args: dict[str, Any] = {}
        if url.startswith("postgresql"):
            connect_args["connect_timeout"] = 5
            # A send-cli killed in the middle of a write (kill -9, a closed
            # laptop) holds the writers' lock until the server notices it has
            # gone; PostgreSQL 14+ looks every second while a query runs.
            # JIT compiling takes longer (0.4 s seen) than any query send-cli
            # makes, and the planner turns it on for a merely costly estimate.
            connect_args["options"] = "-c client_connection_check_interval=1000 -c jit=off"
        # hide_parameters: an error's text (and --debug's traceback) never
        # holds row values, a child's name or date of birth
        engine = create_engine(url, connect_args=connect_args, pool_pre_ping=False,
                               hide_parameters=True)
        if url.startswith("postgresql"):

            @event.listens_for(engine, "begin")
            def _pg_begin(conn: Any) -> None:
                # Writers queue on one advisory lock for the length of their
                # transaction, as BEGIN IMMEDIATE makes them queue on SQLite:
                # read-then-write steps (the next reference, "already exists")
                # then never race. Readers take no lock.
                if conn.get_execution_options().get("sqlite_begin") == "IMMEDIATE":
                    conn.exec_driver_sql(f"SET LOCAL lock_timeout = {BUSY_TIMEOUT_MS}")
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_WRITE_LOCK})")

        return engine

    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
                           hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_con: sqlite3.Connection, _record: Any) -> None:
        dbapi_con.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_con.cursor()
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        # what is deleted or replaced (an erased child's details) is overwritten
        # in the file, whatever the build's default
        cur.execute("PRAGMA secure_delete=ON")
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
    created: bool = False  # this open created the store
    upgraded_from: str | None = None  # the revision this open upgraded from
    login: str | None = None  # who is acting, recorded beside the officer

    def login_for(self, session: Session) -> str:
        """The login acting on this store: the operating-system user of the
        real user id (SQLite), or the role that connected (PostgreSQL)."""
        from send_cli.store import identity

        if self.is_sqlite:
            return identity.os_login()
        return identity.server_login(session.connection())

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def is_postgres(self) -> bool:
        return self.url.startswith("postgresql")

    @property
    def where(self) -> str:
        """Where the store is, for messages (no password)."""
        return str(self.path) if self.path is not None else describe(self.url)

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose transaction is begun for writing up front: on SQLite
        BEGIN IMMEDIATE, on PostgreSQL the writers' advisory lock. Before
        each flush the tables referred to by those built are built: a flush
        is sorted by their foreign keys."""
        from sqlalchemy import event
        from sqlmodel import Session

        from send_cli.store.models import load_referred

        load_referred()
        bind = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        with Session(bind, expire_on_commit=False) as session:
            event.listen(session, "before_flush", lambda *_: load_referred())
            audit_trail(session, login=self.login, seal=self.is_sqlite)
            try:
                yield session
                session.commit()
            except BaseException as exc:
                session.rollback()
                if is_lock_timeout(exc):
                    raise StoreUnavailable(
                        "the store is locked by another send-cli past the timeout; "
                        "nothing was changed", hint="Try again in a moment.") from None
                raise

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading. On PostgreSQL it sees one snapshot (REPEATABLE
        READ), as a SQLite read transaction does, so a report's totals agree."""
        from sqlmodel import Session

        bind: Any = self.engine
        if self.is_postgres:
            bind = self.engine.execution_options(isolation_level="REPEATABLE READ")
        with Session(bind, expire_on_commit=False) as session:
            yield session

    def revision(self) -> str | None:
        with self.engine.connect() as conn:
            rev, _ = stored_revision(conn)
            conn.rollback()
        return rev

    def calendar(self) -> Calendar:
        """The council's working-day calendar, from the stored bank holidays
        and closure days."""
        if self._calendar is None:
            from datetime import date

            from sqlalchemy import text

            from send_cli.rules.calendar import Calendar

            bank: dict[Any, str] = {}
            closures: dict[Any, str] = {}
            with self.engine.connect() as conn:
                rows = conn.execute(text("SELECT day, kind, name FROM calendar_days")).all()
                years = conn.execute(
                    text("SELECT value FROM settings WHERE key = 'bank_holiday_years'")
                ).scalar()
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


def audit_trail(session: Session, *, login: str | None, seal: bool) -> None:
    """Every audit entry SESSION writes records LOGIN (on PostgreSQL a trigger
    writes the connected role over it); with SEAL (SQLite) the new entries
    are sealed, chained to the entries before them, before the commit."""
    from sqlalchemy import event

    from send_cli.store import identity
    from send_cli.store.models import AuditEntry

    who = login or identity.os_login()
    new_ids: list[int] = []

    def before_flush(sess: Any, _ctx: Any, _instances: Any) -> None:
        for obj in sess.new:
            if isinstance(obj, AuditEntry) and obj.login is None:
                obj.login = who

    def after_flush(sess: Any, _ctx: Any) -> None:
        new_ids.extend(obj.id for obj in sess.new if isinstance(obj, AuditEntry))

    def before_commit(sess: Any) -> None:
        sess.flush()
        start = sess.info.pop(identity.RESEAL_FROM, None)
        if new_ids:
            start = min(new_ids) if start is None else min(start, min(new_ids))
        if start is not None:
            identity.seal_from(sess.connection(), start)
        new_ids.clear()

    event.listen(session, "before_flush", before_flush)
    if seal:
        event.listen(session, "after_flush", after_flush)
        event.listen(session, "before_commit", before_commit)


def is_lock_timeout(exc: BaseException) -> bool:
    """A database error that means another writer held the store too long."""
    if not type(exc).__module__.startswith(("sqlalchemy", "sqlite3", "psycopg")):
        return False
    text = str(getattr(exc, "orig", None) or exc).lower()
    return "database is locked" in text or "lock timeout" in text or "database is busy" in text


def create_private_file(path: Path, *, make_folder: bool = True) -> bool:
    """An empty file readable by its owner only (SQLite gives its -wal and
    -shm files the mode of the database). False if it already exists. The
    folder is made (owner only) when MAKE_FOLDER, else it must exist."""
    if make_folder:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:  # another send-cli made it a moment ago
        return False
    os.close(fd)
    os.chmod(path, 0o600)  # whatever the umask
    return True


def check_sqlite_file(path: Path) -> None:
    """StoreUnavailable unless PATH is missing, empty or a SQLite file. Only
    a regular file is opened (a FIFO would never answer; a device is never
    a store, and its mode is never changed)."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return
    except PermissionError as exc:  # a team's folder, outside its group
        raise StoreUnavailable(f"cannot use '{path}' as a store: {exc.strerror}",
                               hint="A team store: ask its admin to add your login to the "
                                    "store's group.") from None
    except OSError as exc:  # a name too long, a file used as a folder...
        raise StoreUnavailable(f"cannot use '{path}' as a store: {exc.strerror}",
                               hint="Pass --db a file path or a database URL.") from None
    if stat.S_ISDIR(found.st_mode):
        raise StoreUnavailable(f"'{path}' is a directory, not a send-cli database",
                               hint="Pass --db a file path or a database URL.")
    if not stat.S_ISREG(found.st_mode):
        raise StoreUnavailable(f"'{path}' is not a regular file, so not a send-cli "
                               "database (a device, a pipe or a socket)",
                               hint="Pass --db a file path or a database URL.")
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreUnavailable(f"cannot read the store '{path}': {exc.strerror}",
                               hint="Check the file's permissions (a team store: are you "
                                    "in its group?), or pass --db.") from None
    if head and head != SQLITE_MAGIC:
        raise StoreUnavailable(f"'{path}' is not a send-cli database (not a SQLite file)",
                               hint="Check --db / SEND_CLI_DB.")


def no_store(where: str) -> StoreUnavailable:
    """The refusal of every command but init and demo on a missing store."""
    return StoreUnavailable(f"no send-cli store at {where}; run send-cli init",
                            hint="Check --db / SEND_CLI_DB if the store is elsewhere.")


def stored_revision(conn: Any) -> tuple[str | None, bool]:
    """(revision, has_other_tables) without Alembic."""
    from sqlalchemy import inspect, text

    names = set(inspect(conn).get_table_names())
    if "alembic_version" not in names:
        return None, bool(names)
    rev = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return rev, True


def open_store(settings: Settings, *, upgrade: bool = True,
               allow_behind: bool = False, create: bool = True) -> Store:
    """Open the store at settings.db, upgrading it as needed. Only with
    CREATE (init and demo) is a missing store made: any other command on a
    missing SQLite file (the default path too), an empty file or an empty
    PostgreSQL database is refused and nothing is made, so a mistyped path
    in a crontab alerts instead of reporting that nothing is late. With
    upgrade=False nothing is created or changed: a store behind the latest
    schema (unless ALLOW_BEHIND) is refused.

    Raises StoreUnavailable (exit 3) for a store this program cannot use."""
    if STORE_CACHE is not None and settings.db in STORE_CACHE:
        return STORE_CACHE[settings.db]
    url, path = to_url(settings.db)
    created = False
    make = create and upgrade
    if path is None and url.startswith("sqlite"):
        raise StoreUnavailable(
            f"--db '{settings.db}' names no file: an in-memory store would lose every change",
            hint="Give a file path, e.g. --db send.db or sqlite:///send.db.")
    if path is not None:
        check_sqlite_file(path)
        if not path.exists():
            if not make:
                raise no_store(str(path))
            if not settings.default_db and not path.parent.is_dir():
                raise StoreUnavailable(
                    f"cannot create the store at '{path}': the folder '{path.parent}' "
                    "does not exist", hint="Check --db / SEND_CLI_DB, or make the folder.")
            try:
                created = create_private_file(path, make_folder=settings.default_db)
            except OSError as exc:
                raise StoreUnavailable(
                    f"cannot create the store at '{path}': {exc.strerror}",
                    hint="Check the folder exists and is writable, or pass --db.",
                ) from None
        elif path.stat().st_size == 0:
            if not make:
                raise no_store(str(path))
            # an empty file (`touch send.db`) becomes the store: owner only
            with contextlib.suppress(OSError):
                os.chmod(path, 0o600)
    try:
        engine = make_engine(url)
    except Exception as exc:  # a malformed URL or a missing driver
        raise StoreUnavailable(f"cannot use database '{describe(settings.db)}': "
                               f"{_first_line(exc)}",
                               hint="Use a file path, sqlite:///PATH or "
                                    "postgresql+psycopg://USER:PASS@HOST/DB.") from None
    store = Store(url=url, engine=engine, path=path, created=created)
    try:
        rev = _usable_revision(store, settings.db)
        if rev is None and not make:
            raise no_store(describe(settings.db))
        if rev != HEAD and not (allow_behind and not upgrade):
            if not upgrade:
                raise StoreUnavailable(
                    f"the store's schema is at {rev or 'nothing'}, behind {HEAD}",
                    hint="Run 'send-cli init' to upgrade it.")
            run_migrations(store)
            seed(store, refresh_holidays=True)
            if rev is not None:
                store.upgraded_from = rev
                _record_upgrade(store, settings, rev)
                sys.stderr.write(f"upgraded the store from schema {rev} to {HEAD}\n")
            else:
                store.created = True
    except StoreUnavailable:
        engine.dispose()
        raise
    except Exception as exc:
        engine.dispose()
        raise _unavailable(settings.db, exc) from None
    if STORE_CACHE is not None:
        STORE_CACHE[settings.db] = store
    return store


def _record_upgrade(store: Store, settings: Settings, rev: str) -> None:
    from send_cli.store.audit import record

    # --as is not checked yet (the officers are in the store being upgraded):
    # the login, which is, stands for the officer
    with store.write() as session:
        store.login = store.login_for(session)
        record(session, officer=store.login, now=settings.now, action="store.upgrade",
               entity="store", before={"schema": rev}, after={"schema": HEAD})


def _usable_revision(store: Store, db: str) -> str | None:
    """The store's revision, or StoreUnavailable for a database that is not
    a send-cli store or is newer than this program."""
    with store.engine.connect() as conn:
        rev, has_tables = stored_revision(conn)
        conn.rollback()
    if rev is None and has_tables:
        raise StoreUnavailable(
            f"'{describe(db)}' is not a send-cli database (it has other tables)",
            hint="Point --db at a send-cli store or an empty database.")
    if rev is not None and rev not in REVISIONS:
        raise StoreUnavailable(
            f"the store '{describe(db)}' has schema revision '{rev}', newer than "
            f"this send-cli knows (latest {HEAD})",
            hint="Upgrade send-cli to use this store.")
    return rev


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _unavailable(db: str, exc: BaseException) -> StoreUnavailable:
    text = _first_line(exc)
    if "file is not a database" in text:
        return StoreUnavailable(f"'{describe(db)}' is not a send-cli database ({text})")
    if is_lock_timeout(exc):
        return StoreUnavailable("the store is locked by another send-cli past the timeout; "
                                "nothing was changed", hint="Try again in a moment.")
    # psycopg puts the password in some messages; never repeat it
    text = mask_secrets(text.replace(db, describe(db)))
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
    cascades) and are checked before the transaction commits; and renaming
    the copy into place leaves trigger bodies as they are (legacy_alter_table:
    a trigger on milestones that reads cases would otherwise stop the rename,
    cases being gone for that moment), as SQLite's own steps for changing a
    table advise. The transaction
    is a writer's (BEGIN IMMEDIATE, or the advisory lock on PostgreSQL), so
    two send-cli starting on a new store take turns: the second finds the
    schema current and Alembic does nothing."""
    from alembic import command
    from sqlalchemy import text

    with store.engine.connect() as conn:
        conn.execution_options(sqlite_begin="IMMEDIATE")
        raw = conn.connection.driver_connection if store.is_sqlite else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")
            raw.execute("PRAGMA legacy_alter_table=ON")
        try:
            with conn.begin():
                command.upgrade(alembic_config(conn), target)
                if raw is not None:
                    bad = conn.execute(text("PRAGMA foreign_key_check")).all()
                    if bad:
                        raise StoreUnavailable(
                            f"the upgrade would break {len(bad)} foreign keys; nothing changed")
        finally:
            if raw is not None:
                raw.execute("PRAGMA legacy_alter_table=OFF")
                raw.execute("PRAGMA foreign_keys=ON")


def seed(store: Store, *, refresh_holidays: bool) -> None:
    """Fill what a new store needs: England's bank holidays."""
    if not refresh_holidays:
        return
    from sqlalchemy import delete, insert
    from sqlmodel import col

    from send_cli.rules.calendar import england_bank_holidays
    from send_cli.store.models import CalendarDay, Setting

    days = england_bank_holidays(BANK_HOLIDAY_YEARS)
    span = f"{BANK_HOLIDAY_YEARS[0]}-{BANK_HOLIDAY_YEARS[-1]}"
    with store.write() as session:
        session.execute(delete(CalendarDay).where(col(CalendarDay.kind) == "bank-holiday"))
        session.execute(insert(CalendarDay), [
            {"day": d, "kind": "bank-holiday", "name": n} for d, n in days.items()])
        existing = session.get(Setting, "bank_holiday_years")
        if existing:
            existing.value = span
        else:
            session.add(Setting(key="bank_holiday_years", value=span))
    store.forget_calendar()
