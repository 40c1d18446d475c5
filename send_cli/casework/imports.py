"""Data in: `import cases|officers` from CSV, all rows or none.

An import is checked with the same rules as `case add` / `officer add`,
row by row, inside one write transaction; rows go to the store in chunks
with SQLAlchemy Core (no ORM object per row). If any row is bad the
transaction is rolled back and every bad row is reported by its line in
the file, so nothing is ever half imported."""

from __future__ import annotations

import contextlib
import csv
import functools
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlmodel import Session

from send_cli.casework.cases import check_case_fields
from send_cli.casework.exports import CASE_EXPORT_KEYS
from send_cli.casework.officers import add_officer
from send_cli.errors import BadInput, SendError
from send_cli.rules.cells import FORMULA_LEADERS
from send_cli.rules.people import REQUESTED_BY, REQUESTED_BY_OLD
from send_cli.settings import parse_date, parse_officer_code
from send_cli.store.audit import record
from send_cli.store.models import Case, Officer

CHUNK = 10_000
IMPORT_CACHE_KIB = 256 * 1024  # SQLite page cache while importing (grows only as used)
NAME_MAX = 200
SETTING_MAX = 200

CASE_REQUIRED = ("ref", "name", "dob", "officer", "received")
CASE_OPTIONAL = ("requested_by", "setting", "status")
# An import registers new requests: a status other than this would claim
# milestones the store has no record of.
IMPORT_STATUS = "requested"
# The columns an import writes, in this order.
CASE_COLUMNS = ("ref", "name", "dob", "officer_id", "received", "requested_by", "setting",
                "person_id", "transferred_from", "status", "created_at")
OFFICER_REQUIRED = ("code", "name", "email", "team", "role")
# as `officer list --format csv` writes them; an absence is not imported (it
# is recorded with 'officer away' in the store it applies to)
OFFICER_OPTIONAL = ("active", "login", "admin", "away_from", "away_to", "cover")


Progress = Callable[[int], None]


class BadRows(SendError):
    """Some rows of an import file are bad; nothing was imported (exit 2).
    `problems` holds (line, reason) for every bad row, in file order."""

    exit_code = 2

    def __init__(self, file: str, problems: list[tuple[int, str]]):
        rows = len({line for line, _ in problems})
        super().__init__(f"{rows} bad row{'s' if rows != 1 else ''} in {file}; "
                         "nothing was imported",
                         hint="Fix the rows listed and import the whole file again.")
        self.problems = problems


# -- reading a CSV file ------------------------------------------------------
@dataclass
class _Sheet:
    """A CSV file read row by row, with the line each row starts on."""

    path: Path
    required: tuple[str, ...]
    optional: tuple[str, ...]
    instead: dict[str, str] = field(default_factory=dict)  # a required column -> another
    columns: dict[str, int] = field(default_factory=dict)
    width: int = 0

    @property
    def name(self) -> str:
        return self.path.name

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """Open the file and check its header now; then (line, cells) of each
        row that is not blank, as a generator."""
        regular_file(self.path)
        try:
            fh = open(self.path, encoding="utf-8-sig", newline="")  # noqa: SIM115
        except FileNotFoundError:
            raise BadInput(f"no file '{self.path}'",
                           hint="Give the path of a CSV file.") from None
        except IsADirectoryError:
            raise BadInput(f"'{self.path}' is a folder, not a CSV file") from None
        except OSError as exc:
            raise BadInput(f"cannot read '{self.path}': {exc.strerror}") from None
        reader = csv.reader(capped_lines(fh, self.name), strict=True)
        try:
            with self._reading(reader):
                header = next(reader, None)
                if header is None:
                    raise BadInput(f"{self.name} is empty; its first line must name the "
                                   f"columns: {','.join(self.required)}")
                self._read_header(header)
        except BaseException:
            fh.close()
            raise
        return self._rest(fh, reader)

    def _rest(self, fh: Any, reader: Any) -> Iterator[tuple[int, list[str]]]:
        with fh, self._reading(reader):
            end = reader.line_num
            for row in reader:
                start, end = end + 1, reader.line_num
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                yield start, row

    @contextlib.contextmanager
    def _reading(self, reader: Any) -> Iterator[None]:
        """A file that is not UTF-8 or not CSV, as BadInput naming the line."""
        try:
            yield
        except UnicodeDecodeError:
            raise BadInput(f"{self.name} is not UTF-8 text (line {_bad_utf8_line(self.path)})",
                           hint="Save it as 'CSV UTF-8' and import it again.") from None
        except csv.Error as exc:
            raise BadInput(f"{self.name} line {reader.line_num}: {exc}") from None

    def _read_header(self, header: list[str]) -> None:
        names = [h.strip().lower() for h in header]
        known = self.required + self.optional
        for i, name in enumerate(names):
            if name not in known:
                raise BadInput(f"{self.name} has a column '{header[i].strip()}' that import "
                               f"does not know; the columns are {','.join(known)}")
            if name in self.columns:
                raise BadInput(f"{self.name} has the column '{name}' twice")
            self.columns[name] = i
        missing = [c for c in self.required if c not in self.columns
                   and self.instead.get(c) not in self.columns]
        if missing:
            raise BadInput(f"{self.name} has no column '{missing[0]}'; it needs at least "
                           f"{','.join(self.required)}")
        self.width = len(names)

    def getter(self, row: list[str]) -> Callable[[str], str]:
        def get(column: str) -> str:
            i = self.columns.get(column)
            return "" if i is None else row[i].strip()

        return get

    def picker(self, names: Sequence[str]) -> Callable[[list[str]], list[str]]:
        """A function giving a row's cells for NAMES, trimmed ('' if absent)."""
        idx = [self.columns.get(n, -1) for n in names]

        def pick(row: list[str]) -> list[str]:
            return [row[i].strip() if i >= 0 else "" for i in idx]

        return pick


# the longest line an import reads (a row of cases is well under 1,000
# characters): a file with no line ends is refused, not read into memory
LINE_MAX = 100_000


def regular_file(path: Path) -> None:
    """BadInput unless PATH is a regular file (not a device such as
    /dev/zero, a pipe or a socket, which could be read for ever)."""
    import stat

    try:
        found = os.stat(path)
    except FileNotFoundError:
        raise BadInput(f"no file '{path}'", hint="Give the path of a CSV file.") from None
    except OSError as exc:
        raise BadInput(f"cannot read '{path}': {exc.strerror}") from None
    if stat.S_ISDIR(found.st_mode):
        raise BadInput(f"'{path}' is a folder, not a CSV file")
    if not stat.S_ISREG(found.st_mode):
        raise BadInput(f"'{path}' is not a regular file (a device, a pipe or a socket); "
                       "give the path of a CSV file")


def capped_lines(fh: Any, name: str) -> Iterator[str]:
    """The lines of FH, each at most LINE_MAX characters (BadInput naming the
    line otherwise)."""
    n = 0
    while True:
        line = fh.readline(LINE_MAX + 1)
        if not line:
            return
        n += 1
        if len(line) > LINE_MAX:
            raise BadInput(f"{name} line {n} is longer than {LINE_MAX:,} characters; "
                           "nothing was imported", hint="Is it the CSV file you meant?")
        yield line


def _bad_utf8_line(path: Path) -> int:
    """The first line of PATH that is not UTF-8 (a character never spans lines)."""
    with open(path, "rb") as fh:
        for n, raw in enumerate(fh, 1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return n
    return 0


def count_lines(path: Path) -> int:
    """Lines in PATH, quickly (for a progress bar's total); 0 if unreadable."""
    n = 0
    try:
        regular_file(path)
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                n += chunk.count(b"\n")
    except (OSError, BadInput):
        return 0
    return n


def unneutralise(value: str) -> str:
    """Undo export's guard against spreadsheet formulas ('=... -> =...), so
    an exported file imports as the same values."""
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_LEADERS:
        return value[1:]
    return value


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # new lines and tabs are allowed
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _plain_text(value: str, *, what: str, max_len: int) -> str:
    """The checks `case add` makes on free text (commands.common.text)."""
    if len(value) > max_len:
        raise BadInput(f"{what} is {len(value)} characters long; the limit is {max_len}")
    if _CONTROL.search(value):
        raise BadInput(f"{what} contains control characters; use plain text")
    return value


@functools.lru_cache(maxsize=1 << 16)
def _date(value: str, what: str) -> date:
    """settings.parse_date, with a fast path for the common case (and dates
    repeat: many children share a birthday, many requests a day)."""
    if _ISO_DATE.fullmatch(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            pass
        else:
            if 1900 <= day.year <= 2100:
                return day
    return parse_date(value, what=what)


# -- writing rows in bulk --------------------------------------------------------
class _BulkInsert:
    """Rows for one table, written in chunks by one executemany each.

    Values go through the column types' own bind processors, as Core would
    store them, but memoised (dates repeat) and without Core's per-row
    statement machinery, which cost three times the insert itself. Dialects
    whose parameter style is not positional fall back to Core inserts."""

    def __init__(self, session: Session, table: Any, columns: Sequence[str]) -> None:
        self.conn = session.connection()
        self.table = table
        self.columns = tuple(columns)
        dialect = self.conn.dialect
        mark = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(dialect.paramstyle)
        self.sql = None
        if mark is not None:
            prep = dialect.identifier_preparer
            self.sql = (f"INSERT INTO {prep.format_table(table)} "
                        f"({', '.join(prep.quote(c) for c in self.columns)}) "
                        f"VALUES ({', '.join([mark] * len(self.columns))})")
        # (position, processor, memo) of the columns whose values need one
        self.slots: list[tuple[int, Callable[[Any], Any], dict[Any, Any]]] = []
        if self.sql is not None:
            for i, c in enumerate(self.columns):
                proc = table.c[c].type.dialect_impl(dialect).bind_processor(dialect)
                if proc is not None:
                    self.slots.append((i, proc, {}))
        self.pending: list[tuple[Any, ...]] = []
        self.count = 0

    def add(self, values: tuple[Any, ...]) -> None:
        if self.slots:
            row = list(values)
            for i, proc, memo in self.slots:
                v = row[i]
                if v is not None:
                    done = memo.get(v)
                    if done is None:
                        if len(memo) > 100_000:
                            memo.clear()
                        done = memo[v] = proc(v)
                    row[i] = done
            values = tuple(row)
        self.pending.append(values)
        if len(self.pending) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        rows, self.pending = self.pending, []
        self.count += len(rows)
        if self.sql is None:
            self.conn.execute(insert(self.table), [dict(zip(self.columns, r, strict=True))
                                                   for r in rows])
        else:
            self.conn.exec_driver_sql(self.sql, rows)


# -- import cases --------------------------------------------------------------
def import_cases(*, session: Session, path: Path, actor: str, now: datetime,
                 progress: Progress | None = None) -> int:
    """Import every row of PATH as a new case, or none. Returns how many.

    Raises BadRows listing every bad row (nothing is written), or BadInput
    for a file that cannot be read as the expected CSV at all."""
    from send_cli.casework.persons import IMPORT_COLUMNS

    sheet = _Sheet(path, CASE_REQUIRED, CASE_OPTIONAL + IMPORT_COLUMNS,
                   instead={"name": "surname"})
    with _big_cache(session):
        return _import_cases(session=session, sheet=sheet, actor=actor, now=now,
                             progress=progress)


@contextlib.contextmanager
def _big_cache(session: Session) -> Iterator[None]:
    """A larger SQLite page cache while the import writes: the indexes of
    cases and deadlines take rows in no particular order, and with the
    default 8 MB cache most of the time went on re-reading their pages."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    yield  # on an error (or Ctrl-C) the transaction is rolled back before anything else
    conn.exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")


def _import_cases(*, session: Session, sheet: _Sheet, actor: str, now: datetime,
                  progress: Progress | None) -> int:
    today = now.date()
    officers = {code: (oid, active) for oid, code, active in
                session.execute(select(Officer.id, Officer.code, Officer.active))}
    # references are unique whatever their letter case, as `case add` has them
    existing = {ref.casefold(): ref for ref in session.scalars(select(Case.ref))}
    first_id = int(session.scalar(select(func.max(Case.id))) or 0)
    seen: dict[str, int] = {}
    problems: list[tuple[int, str]] = []
    per_officer: dict[str, int] = {}
    from send_cli.casework.persons import IMPORT_COLUMNS, PERSON_COLUMNS, PeopleImport
    from send_cli.store.models import Person

    cases = _BulkInsert(session, Case.__table__, CASE_COLUMNS)
    people_rows = _BulkInsert(session, Person.__table__, PERSON_COLUMNS)
    people = PeopleImport(session, now, people_rows.add)
    count = 0
    ticks = 0
    rows = sheet.rows()  # reads the header
    pick = sheet.picker(CASE_EXPORT_KEYS)
    pick_person = sheet.picker(IMPORT_COLUMNS)

    for line, row in rows:
        if progress is not None:
            ticks += 1
            if ticks == 1000:
                progress(ticks)
                ticks = 0
        if len(row) != sheet.width:
            problems.append((line, f"has {len(row)} fields; the header has {sheet.width}"))
            continue
        try:
            values = _case_values(*pick(row), officers=officers, today=today, people=people,
                                  line=line, person=dict(zip(IMPORT_COLUMNS,
                                                             pick_person(row), strict=True)))
        except SendError as exc:
            problems.append((line, exc.message))
            continue
        ref = values[0]
        key = ref.casefold()
        if key in seen:
            problems.append((line, f"ref '{ref}' is also on line {seen[key]}"))
            continue
        seen[key] = line
        if key in existing:
            there = existing[key]
            problems.append((line, f"case '{ref}' already exists"
                             + (f" (as '{there}')" if there != ref else "")))
            continue
        count += 1
        people.keep()
        if problems:  # the import will be refused: keep checking, stop writing
            continue
        code = values[-1]
        per_officer[code] = per_officer.get(code, 0) + 1
        if len(cases.pending) == CHUNK - 1:  # the people a chunk of cases refers to first
            people_rows.flush()
        cases.add(values[:-1] + (IMPORT_STATUS, now))
    if progress is not None and ticks:
        progress(ticks)
    problems = sorted(problems + people.store_duplicates())
    if problems:
        raise BadRows(sheet.name, problems)
    people_rows.flush()
    cases.flush()
    if people_rows.count and session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT setval(pg_get_serial_sequence('persons', 'id'), "
                             "(SELECT max(id) FROM persons))"))
    if count:
        _refresh_clocks(session, first_id, today)
        record(session, officer=actor, now=now, action="case.import", entity="import",
               entity_id=sheet.name[:64],
               after={"file": sheet.name, "cases": count, "by_officer": per_officer})
    return count


def _case_values(ref: str, name: str, dob_text: str, code: str, received_text: str,
                 requested_by_text: str, setting: str, status: str, *,
                 officers: dict[str, tuple[int, bool]], today: date, people: Any, line: int,
                 person: dict[str, str]) -> tuple[Any, ...]:
    """One row's values for the cases table, checked as `case add` checks them:
    CASE_COLUMNS but status and created_at, then the officer's code. The
    arguments are the cells in the order of CASE_EXPORT_KEYS."""
    if not ref:
        raise BadInput("ref is empty; give each case its reference")
    name = _plain_text(unneutralise(name), what="name", max_len=NAME_MAX)
    for key in ("forename", "surname"):
        person[key] = _plain_text(unneutralise(person[key]), what=key, max_len=NAME_MAX)
    dob = None
    if dob_text:
        try:
            dob = _date(dob_text, "dob")
        except BadInput:  # never repeat a date of birth, even a mistyped one
            raise BadInput("dob is not a real date; use YYYY-MM-DD") from None
    if not received_text:
        raise BadInput("received is empty; give the day the request came, YYYY-MM-DD")
    received = _date(received_text, "received")
    requested_by = requested_by_text or None
    requested_by = REQUESTED_BY_OLD.get(requested_by or "", requested_by)
    if requested_by is not None and requested_by not in REQUESTED_BY:
        raise BadInput(f"requested_by '{requested_by}' is not known; use one of: "
                       f"{', '.join(REQUESTED_BY)}, or leave it empty")
    if status and status != IMPORT_STATUS:
        raise BadInput(f"status '{status}' cannot be imported; an import registers new "
                       f"requests (status '{IMPORT_STATUS}' or empty)")
    person_id, name, dob, transferred_from = people.person(line=line, ref=ref, name=name,
                                                           dob=dob, cells=person)
    check_case_fields(ref=ref, name=name, dob=dob, received=received,
                      requested_by=requested_by, today=today)
    if not code:
        raise BadInput("officer is empty; give the named officer's code")
    found = officers.get(code)
    if found is None:
        raise BadInput(f"no officer '{code}'")
    if not found[1]:
        raise BadInput(f"officer '{code}' has left")
    setting_value = _plain_text(unneutralise(setting), what="setting",
                                max_len=SETTING_MAX) or None
    return (ref, name.strip(), dob, found[0], received, requested_by, setting_value,
            person_id, transferred_from, code)


def _refresh_clocks(session: Session, after_id: int, today: date) -> None:
    """Start the statutory clocks of the cases just imported (ids above
    AFTER_ID: this write transaction is the only writer)."""
    from send_cli.casework import timeline

    bulk = getattr(timeline, "refresh_deadlines_bulk", None)
    if bulk is not None:
        ids = list(session.scalars(select(Case.id).where(Case.id > after_id)
                                   .order_by(Case.id)))
        bulk(session=session, case_ids=ids, today=today)
        return
    # Until the timeline offers a bulk refresh: a new case has no milestones,
    # advice, appeals or transfer yet, so its clocks follow from the day the
    # request came and its status alone (the date of birth only matters once
    # a plan is in force): what timeline.refresh_deadlines would store. They
    # are worked out once per distinct day, put in a temporary table, and
    # copied to every new case by one INSERT ... SELECT inside the database.
    from sqlalchemy import Column, Date, Index, Integer, MetaData, String, Table, Text

    from send_cli.rules import statutory
    from send_cli.store.models import Deadline

    months = timeline.under5_months(session)
    conn = session.connection()
    temp = Table("import_clocks", MetaData(), Column("seq", Integer), Column("received", Date),
                 Column("status", String(32)), Column("milestone", String(32)),
                 Column("start", Date), Column("due", Date), Column("basis", Text),
                 Column("met_on", Date), Column("detail", Text), prefixes=["TEMPORARY"])
    # the new cases are read in id order and each finds its day's clocks here
    Index("ix_import_clocks_day", temp.c.received, temp.c.status, temp.c.seq)
    temp.create(conn)
    try:
        templates = []
        for received, status in session.execute(
                select(Case.received, Case.status).where(Case.id > after_id).distinct()):
            facts = statutory.Facts(received=received, status=status, under5_months=months)
            for seq, r in enumerate(statutory.case_clocks(facts)):
                templates.append({"seq": seq, "received": received, "status": status,
                                  "milestone": r.milestone, "start": r.start, "due": r.due,
                                  "basis": r.basis, "met_on": r.met_on, "detail": r.detail})
        if templates:
            conn.execute(insert(temp), templates)
            deadlines = Deadline.__table__
            names = ("milestone", "start", "due", "basis", "met_on", "detail")
            source = (select(Case.id, *(temp.c[n] for n in names))
                      .join(temp, (temp.c.received == Case.received)
                            & (temp.c.status == Case.status))
                      .where(Case.id > after_id).order_by(Case.id, temp.c.seq))
            conn.execute(insert(deadlines).from_select(("case_id",) + names, source))
    finally:
        temp.drop(conn)


# -- import officers -------------------------------------------------------------
def import_officers(*, session: Session, path: Path, actor: str, now: datetime,
                    progress: Progress | None = None) -> int:
    """Import every row of PATH as a new officer, or none. Returns how many."""
    sheet = _Sheet(path, OFFICER_REQUIRED, OFFICER_OPTIONAL)
    seen: dict[str, int] = {}
    problems: list[tuple[int, str]] = []
    count = 0
    for line, row in sheet.rows():
        if progress is not None:
            progress(1)
        if len(row) != sheet.width:
            problems.append((line, f"has {len(row)} fields; the header has {sheet.width}"))
            continue
        get = sheet.getter(row)
        code = get("code")
        try:
            parse_officer_code(code, what="code")
            if code.casefold() in seen:  # codes are unique whatever their letter case
                raise BadInput(f"code '{code}' is also on line {seen[code.casefold()]}")
            seen[code.casefold()] = line
            name = get("name")
            if not name:
                raise BadInput("name is empty; give the officer's full name")
            name = _plain_text(unneutralise(name), what="name", max_len=NAME_MAX)
            active = get("active").lower()
            if active not in ("", "true", "false"):
                raise BadInput(f"active '{get('active')}' is not true or false")
            admin = get("admin").lower()
            if admin not in ("", "true", "false"):
                raise BadInput(f"admin '{get('admin')}' is not true or false")
            login = get("login") or None
            if login is not None:
                from send_cli.store.identity import check_login

                check_login(login, what="login")
            # after a bad row the transaction is rolled back at the end anyway
            officer = add_officer(session=session, code=code, name=name, email=get("email"),
                                  team=get("team"), role=get("role"), actor=actor, now=now,
                                  login=login, admin=admin == "true")
            if active == "false":  # a leaver, kept for the history
                officer.active = False
                session.add(officer)
        except SendError as exc:
            problems.append((line, exc.message))
            continue
        count += 1
    if problems:
        raise BadRows(sheet.name, problems)
    if count:
        record(session, officer=actor, now=now, action="officer.import", entity="import",
               entity_id=sheet.name[:64], after={"file": sheet.name, "officers": count})
    return count
