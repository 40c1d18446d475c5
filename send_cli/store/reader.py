"""Reading the store with plain SQL: one query text, two executors. On a
current SQLite store the daily reads run on the standard library's sqlite3
(no SQLAlchemy, SQLModel or pydantic imported: a read answers in tens of
milliseconds); anywhere else the same text runs through SQLAlchemy's text().

Query texts use named parameters (`:today`), which both executors take.
Values come back as each driver gives them (SQLite: dates as ISO text), so
the reports read them through day(), moment() and flag() below.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from send_cli.rules.calendar import Calendar

# Set to 0 to send every read through SQLAlchemy (the parity tests compare).
LEAN_ENV = "SEND_CLI_LEAN"
BUSY_TIMEOUT_S = 10.0
CALENDAR_SQL = "SELECT day, kind, name FROM calendar_days"
YEARS_SQL = "SELECT value FROM settings WHERE key = 'bank_holiday_years'"


def day(value: Any) -> date | None:
    """A stored date as a date (SQLite gives ISO text)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def moment(value: Any) -> datetime | None:
    """A stored date-time as the models read it: aware, in UTC (SQLite keeps
    the UTC wall clock as text)."""
    if value is None:
        return None
    found = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def flag(value: Any) -> bool | None:
    """A stored boolean as a bool (SQLite gives 0 or 1)."""
    return None if value is None else bool(value)


class Reader:
    """Runs query texts; subclasses say how."""

    dialect = "sqlite"
    _calendar: Calendar | None = None
    _memo: dict[Any, Any] | None = None

    @property
    def memo(self) -> dict[Any, Any]:
        """What a report works out once and uses twice (its count, its rows)
        within this reader's one snapshot."""
        if self._memo is None:
            self._memo = {}
        return self._memo

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> Iterator[tuple[Any, ...]]:
        raise NotImplementedError

    def all(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        return list(self.rows(sql, params))

    def first(self, sql: str, params: Mapping[str, Any] | None = None) -> tuple[Any, ...] | None:
        return next(iter(self.rows(sql, params)), None)

    def scalar(self, sql: str, params: Mapping[str, Any] | None = None) -> Any:
        row = self.first(sql, params)
        return None if row is None else row[0]

    def calendar(self) -> Calendar:
        """The council's working-day calendar: the stored bank holidays and
        closure days."""
        if self._calendar is None:
            from send_cli.rules.calendar import Calendar

            bank: dict[date, str] = {}
            closures: dict[date, str] = {}
            for stored, kind, name in self.rows(CALENDAR_SQL):
                (bank if kind == "bank-holiday" else closures)[day(stored)] = name
            first, last = (int(x) for x in (self.scalar(YEARS_SQL) or "0-0").split("-"))
            self._calendar = Calendar(bank, closures, years=range(first, last + 1))
        return self._calendar


class SqliteReader(Reader):
    """The standard library's sqlite3, in one read transaction (a report's
    totals and rows see the same store)."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> Iterator[tuple[Any, ...]]:
        bound = {k: v.isoformat() if isinstance(v, date) else v
                 for k, v in (params or {}).items()}
        cur = self.con.execute(sql, bound)
        while True:
            batch = cur.fetchmany(500)
            if not batch:
                return
            yield from batch

    def close(self) -> None:
        try:
            self.con.execute("ROLLBACK")
        except sqlite3.Error:
            pass
        self.con.close()


class SessionReader(Reader):
    """A SQLAlchemy session (PostgreSQL, or a store opened the full way)."""

    def __init__(self, session: Any, calendar: Calendar | None = None) -> None:
        self.session = session
        self._calendar = calendar
        self.dialect = session.get_bind().dialect.name

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> Iterator[tuple[Any, ...]]:
        from sqlalchemy import text

        result = self.session.connection().execute(
            text(sql).execution_options(yield_per=500), dict(params or {}))
        for row in result:
            yield tuple(row)


def as_reader(source: Any) -> Reader:
    """SOURCE as a Reader: a Reader stays one, a SQLAlchemy session is wrapped."""
    return source if isinstance(source, Reader) else SessionReader(source)


def open_lean(db: str, head: str) -> SqliteReader | None:
    """A sqlite3 reader on the SQLite store DB when its schema is at HEAD (one
    read of alembic_version); None when the store must go the full way: a
    database URL, a missing or empty file, a store to upgrade or refuse."""
    if os.environ.get(LEAN_ENV, "1") == "0" or ("://" in db and not db.startswith("sqlite:///")):
        return None
    raw = db[len("sqlite:///"):] if db.startswith("sqlite:///") else db
    if not raw or raw == ":memory:":
        return None
    path = Path(raw).expanduser()
    try:
        if path.stat().st_size == 0 or not path.is_file():
            return None
        with open(path, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                return None
    except OSError:
        return None
    try:
        # mode=rw: a file that went away is not made again
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True,
                              timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        con.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        con.execute("BEGIN")
        found = con.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        con.close()
        return None
    if found is None or found[0] != head:
        con.execute("ROLLBACK")
        con.close()
        return None
    return SqliteReader(con)
