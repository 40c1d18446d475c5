"""What 'send-cli init' and 'send-cli db' do to a store as a whole: schema
revisions, integrity checks, backups, restores, and copies to another store.

A SQLite store is copied with SQLite's online backup API, never with a file
copy: a live store keeps committed changes in its -wal file, which a plain
copy of the main file misses. Backups are written to a private temporary
file (0600) and renamed into place only once complete and checked.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from send_cli.errors import BadInput, Conflict, RuleViolation, StoreUnavailable
from send_cli.store.engine import (
    BUSY_TIMEOUT_MS,
    HEAD,
    REVISIONS,
    Store,
    check_sqlite_file,
    create_private_file,
    describe,
    make_engine,
    run_migrations,
    stored_revision,
    to_url,
)
from send_cli.store.sharing import apply_mode, file_mode_for

BACKUP_PAGES_PER_STEP = 4096  # 16 MiB of 4 KiB pages: others write between steps
COPY_BATCH = 5000
# Tables a new store fills by itself (migrations and init): a store holding
# only these is empty for 'db copy', which replaces their rows.
SEEDED_TABLES = ("alembic_version", "calendar_days", "settings", "panels", "panel_remits")
# ...and the audit entries of its own making ('send-cli init' on it).
STORE_AUDIT = "entity <> 'store'"

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


# -- revisions ------------------------------------------------------------
def revision_list() -> list[tuple[str, str]]:
    """Every (revision, description), oldest first, from the migration scripts."""
    from alembic.script import ScriptDirectory

    from send_cli.store.engine import alembic_config

    scripts = ScriptDirectory.from_config(alembic_config())
    found = [(s.revision, (s.doc or "").strip()) for s in scripts.walk_revisions()]
    return list(reversed(found))


def current_info(store: Store) -> dict[str, Any]:
    rev = store.revision()
    return {"store": store.where, "backend": "sqlite" if store.is_sqlite else
            store.engine.dialect.name, "revision": rev, "latest": HEAD,
            "up_to_date": rev == HEAD}


def history_rows(store: Store | None) -> list[dict[str, Any]]:
    rev = store.revision() if store is not None else None
    applied = REVISIONS.index(rev) if rev in REVISIONS else -1
    return [{"revision": r, "description": doc, "applied": i <= applied, "current": r == rev}
            for i, (r, doc) in enumerate(revision_list())]


# -- check ----------------------------------------------------------------
@dataclass
class CheckResult:
    rows: list[dict[str, str]]
    damaged: bool
    first_bad_entry: int | None = None  # the first audit entry whose seal is wrong


def _sqlite_connect(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    con.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return con


def check_store(db: str) -> CheckResult:
    """Integrity and foreign keys (SQLite) and the schema revision. Never
    changes the store, not even to upgrade it."""
    url, path = to_url(db)
    if path is None:
        return _check_server(db, url)
    if not path.exists():
        raise StoreUnavailable(f"there is no store at '{path}'",
                               hint="Run 'send-cli init' to create it, or pass --db.")
    check_sqlite_file(path)
    rows: list[dict[str, str]] = []
    damaged = False
    try:
        con = _sqlite_connect(path)
    except sqlite3.Error as exc:
        raise StoreUnavailable(f"cannot open the store '{path}': {exc}") from None
    try:
        try:
            found = [r[0] for r in con.execute("PRAGMA integrity_check(20)")]
        except sqlite3.DatabaseError as exc:
            found = [str(exc)]
        ok = found == ["ok"]
        damaged |= not ok
        rows.append({"check": "integrity", "result": "ok" if ok else
                     f"{len(found)} problems: " + "; ".join(found[:3])})
        try:
            broken = con.execute("PRAGMA foreign_key_check").fetchall()
            fk = "ok" if not broken else (
                f"{len(broken)} rows point at missing rows: " + "; ".join(
                    f"{t} row {rowid} -> {parent}" for t, rowid, parent, _ in broken[:3]))
            damaged |= bool(broken)
        except sqlite3.DatabaseError as exc:
            fk, damaged = f"cannot be checked: {exc}", True
        rows.append({"check": "foreign_keys", "result": fk})
        schema, bad_schema = _schema_row(lambda: _sqlite_revision(con))
        rows.append({"check": "schema", "result": schema})
        damaged |= bad_schema
        if schema.startswith(f"{HEAD} "):
            counts, bad_counts = _counts_row(lambda sql: con.execute(sql).fetchall(), "sqlite")
            rows.append({"check": "kpi_counts", "result": counts})
            damaged |= bad_counts
            chain = _chain_row(con)
            rows.append({"check": "audit_chain", "result": chain[0]})
            first_bad = chain[1]
            damaged |= first_bad is not None
    finally:
        con.close()
    return CheckResult(rows, damaged, first_bad if schema.startswith(f"{HEAD} ") else None)


def _chain_row(con: sqlite3.Connection) -> tuple[str, int | None]:
    """(text, first bad entry) for the seals of the audit trail."""
    from send_cli.store.identity import chain_rows_sql, check_chain

    try:
        found = check_chain(con.execute(chain_rows_sql()))
    except sqlite3.DatabaseError as exc:
        return f"cannot be checked: {exc}", 0
    if found.first_bad is not None:
        return (f"entry {found.first_bad} was changed or deleted outside send-cli (or an "
                "entry before it was deleted)", found.first_bad)
    last = (found.last_seal or "")[:16]
    return f"ok: {found.entries} entries sealed" + (f", last seal {last}" if last else ""), \
        None


def _counts_row(fetch: Callable[[str], list[Any]], dialect: str) -> tuple[str, bool]:
    """(text, wrong) for the counts the KPIs add up."""
    from send_cli.store.counts import differences

    try:
        wrong = differences(fetch, dialect)
    except Exception as exc:  # a damaged file
        return f"cannot be checked: {str(exc).splitlines()[0]}", True
    if not wrong:
        return "ok", False
    return (f"{len(wrong)} differ from the rows they count ({', '.join(wrong[:3])}); "
            "'send-cli db recount' puts them right"), True


def _sqlite_revision(con: sqlite3.Connection) -> tuple[str | None, bool]:
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "alembic_version" not in names:
        return None, bool(names)
    row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    return (row[0] if row else None), True


def _schema_row(read: Callable[[], tuple[str | None, bool]]) -> tuple[str, bool]:
    """(text, unusable) for the schema revision."""
    try:
        rev, has_tables = read()
    except Exception as exc:  # a damaged file
        return f"cannot be read: {str(exc).splitlines()[0]}", True
    if rev is None:
        return ("not a send-cli store (it has other tables)", True) if has_tables else \
            ("empty: 'send-cli init' creates the schema", False)
    if rev not in REVISIONS:
        return f"{rev}, newer than this send-cli knows (latest {HEAD})", True
    if rev != HEAD:
        return f"{rev}, behind the latest {HEAD}: 'send-cli init' upgrades it", False
    return f"{rev} (latest)", False


def _check_server(db: str, url: str) -> CheckResult:
    from send_cli.store.engine import _unavailable

    try:
        engine = make_engine(url)
    except Exception as exc:
        raise StoreUnavailable(f"cannot use database '{describe(db)}': {exc}") from None
    from sqlalchemy import text

    counts = None
    try:
        with engine.connect() as conn:
            schema, bad = _schema_row(lambda: stored_revision(conn))
            if schema.startswith(f"{HEAD} "):
                counts = _counts_row(lambda sql: list(conn.execute(text(sql))),
                                     engine.dialect.name)
            conn.rollback()
    except Exception as exc:
        raise _unavailable(db, exc) from None
    finally:
        engine.dispose()
    rows = [{"check": "connection", "result": "ok"},
            {"check": "foreign_keys", "result": "ok (enforced by the server on every write)"},
            {"check": "schema", "result": schema}]
    if counts is not None:
        rows.append({"check": "kpi_counts", "result": counts[0]})
        bad |= counts[1]
    return CheckResult(rows, bad)


def recount(store: Store, *, actor: str, now: datetime) -> None:
    """Work the KPI counts out again from the rows they count."""
    from sqlalchemy import text

    from send_cli.store import counts
    from send_cli.store.audit import record

    with store.write() as session:
        counts.recount(lambda sql: session.execute(text(sql)), store.engine.dialect.name)
        record(session, officer=actor, now=now, action="store.recount", entity="store",
               after={"counts": "kpi_days, officer_caseloads, stage_days, stage_months, "
                                         "forecast_requests, advice_owed, store_counts"})


# -- backup ---------------------------------------------------------------
def _need_sqlite(store: Store, what: str, tool: str) -> Path:
    if store.path is None:
        raise RuleViolation(f"'send-cli db {what}' works on SQLite stores; this store is on "
                            f"{store.engine.dialect.name}",
                            hint=f"Use the server's own tools: {tool}.")
    return store.path


def _private_temp(beside: Path) -> Path:
    for n in range(1000):
        tmp = beside.with_name(f".{beside.name}.part-{os.getpid()}-{n}")
        if create_private_file(tmp):
            return tmp
    raise Conflict(f"cannot make a temporary file beside '{beside}'")


def _remove_db_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(f"{path}{suffix}")


def sqlite_copy(src_path: Path, dest: Path, *, pages: int = BACKUP_PAGES_PER_STEP,
                progress: Progress = _quiet) -> int:
    """A consistent copy of the SQLite store at SRC_PATH into DEST (which must
    not be in use), in steps of PAGES while others keep writing. The source's
    read transaction pins one snapshot, so writers never force a restart.
    Returns the number of pages."""
    src = _sqlite_connect(src_path)
    dst = sqlite3.connect(str(dest), isolation_level=None)
    # DEST is a new file nobody else uses: no fsync after every step (a crash
    # leaves a partial temporary file, never a store), one fsync at the end.
    dst.execute("PRAGMA synchronous=OFF")
    try:
        src.execute("BEGIN")
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()
        total = [0]

        def step(status: int, remaining: int, count: int) -> None:
            total[0] = count
            progress(f"copied {count - remaining} of {count} pages")

        src.backup(dst, pages=pages, progress=step)
        src.execute("COMMIT")
        # one self-contained file: no -wal beside it to lose
        dst.execute("PRAGMA journal_mode=DELETE").fetchone()
        check = dst.execute("PRAGMA quick_check").fetchone()
        if not check or check[0] != "ok":
            raise StoreUnavailable(f"the copy failed its check ({check[0] if check else '?'}); "
                                   "the store itself is unchanged",
                                   hint="Run 'send-cli db check' on the store.")
    finally:
        dst.close()
        src.close()
    fd = os.open(dest, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return total[0]


def kind_of(path: Path, *, what: str) -> str | None:
    """'dir' or 'file' for what is at PATH, None when nothing is; BadInput
    for a path that cannot be used (a name too long, a file as a folder)."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise BadInput(f"cannot use '{path}' as {what}: {exc.strerror}") from None
    return "dir" if stat.S_ISDIR(found.st_mode) else "file"


def backup(store: Store, dest: Path, *, force: bool, now: datetime,
           progress: Progress = _quiet, folder: bool = False) -> dict[str, Any]:
    """Copy the store to DEST (a file, or a folder to put a dated file in;
    with FOLDER, DEST must be a folder: it was written ending in /)."""
    source = _need_sqlite(store, "backup", "pg_dump -Fc -f send.dump DBNAME")
    dest = dest.expanduser()
    if folder and kind_of(dest, what="the backup") != "dir":
        raise BadInput(f"the folder '{dest}' does not exist; create it or choose "
                       "another destination")
    if kind_of(dest, what="the backup") == "dir":
        dest = dest / f"{source.stem}-{now:%Y%m%dT%H%M%S}.db"
    found = kind_of(dest, what="the backup")
    if found is not None and dest.resolve() == source.resolve():
        raise BadInput(f"'{dest}' is the store itself; back up to another file")
    if kind_of(dest.parent, what="the backup's folder") != "dir":
        raise BadInput(f"the folder '{dest.parent}' does not exist; create it or choose "
                       "another destination")
    if found == "dir":
        raise BadInput(f"'{dest}' is a folder; give a file name")
    if found is not None and not force:
        raise Conflict(f"'{dest}' already exists; nothing was written",
                       hint="Choose a new file name, or pass --force to overwrite it.")
    started = time.monotonic()
    try:
        tmp = _private_temp(dest)
    except OSError as exc:
        raise BadInput(f"cannot write in '{dest.parent}': {exc.strerror}") from None
    try:
        pages = sqlite_copy(source, tmp, progress=progress)
        mode, gid = file_mode_for(source)  # a team store's backups are the group's
        apply_mode(tmp, mode, gid)
        os.replace(tmp, dest)
    except BaseException:
        _remove_db_files(tmp)
        raise
    _remove_db_files(tmp)  # its -journal, if any
    return {"backup": str(dest), "bytes": dest.stat().st_size, "pages": pages,
            "seconds": round(time.monotonic() - started, 2)}


# -- restore --------------------------------------------------------------
@dataclass
class Newest:
    """The newest audit entry of a store: what 'newer changes' compares."""

    at: str | None
    id: int
    officer: str | None

    def label(self) -> str:
        """The moment (Europe/London) and the officer."""
        if self.at is None:
            return "no changes recorded"

        from send_cli.settings import LONDON

        try:
            moment = datetime.fromisoformat(self.at[:19])
            shown = moment.replace(tzinfo=UTC).astimezone(LONDON)
            return f"{shown:%Y-%m-%dT%H:%M} by {self.officer}"
        except ValueError:
            return f"{self.at[:16]} by {self.officer}"


def _newest(con: sqlite3.Connection) -> Newest:
    row = con.execute("SELECT at, id, officer FROM audit ORDER BY at DESC, id DESC "
                      "LIMIT 1").fetchone()
    top = con.execute("SELECT max(id) FROM audit").fetchone()
    if row is None:
        return Newest(None, 0, None)
    return Newest(str(row[0]), int(top[0] or 0), row[2])


def inspect_backup(src: Path) -> tuple[str, Newest]:
    """(revision, newest change) of a backup, or StoreUnavailable (exit 3) when
    SRC is not a whole send-cli SQLite store this program knows."""
    if kind_of(src, what="a backup") != "file":
        raise BadInput(f"there is no backup file '{src}'", hint="Give the path of a file "
                       "made by 'send-cli db backup'.")
    check_sqlite_file(src)
    if src.stat().st_size == 0:
        raise StoreUnavailable(f"'{src}' is empty, not a send-cli backup")
    try:
        con = _sqlite_connect(src)
        try:
            rev, has_tables = _sqlite_revision(con)
            if rev is None:
                raise StoreUnavailable(f"'{src}' is not a send-cli store"
                                       + (" (it has other tables)" if has_tables else ""))
            if rev not in REVISIONS:
                raise StoreUnavailable(f"'{src}' has schema revision '{rev}', newer than this "
                                       f"send-cli knows (latest {HEAD})",
                                       hint="Upgrade send-cli to restore this backup.")
            ok = con.execute("PRAGMA quick_check").fetchone()
            if not ok or ok[0] != "ok":
                raise StoreUnavailable(f"'{src}' is damaged ({ok[0] if ok else '?'}); "
                                       "nothing was restored", hint="Use an older backup.")
            return rev, _newest(con)
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise StoreUnavailable(f"'{src}' cannot be read as a send-cli store ({exc})") from None


def erased_refs(db: str) -> list[str]:
    """The references of every case the store at DB records erasing (its
    audit trail), oldest first: what a restore of an older backup re-applies."""
    url, path = to_url(db)
    if path is None or kind_of(path, what="the store") != "file" or path.stat().st_size == 0:
        return []
    try:
        con = _sqlite_connect(path)
        try:
            rows = con.execute("SELECT DISTINCT case_ref FROM audit WHERE action = "
                               "'case.erase' AND case_ref IS NOT NULL ORDER BY case_ref")
            return [r[0] for r in rows]
        finally:
            con.close()
    except sqlite3.Error:
        return []


def clean_parts(target: Path) -> list[Path]:
    """Remove the temporary files (.NAME.part-PID-N) that a send-cli killed
    while backing up or restoring left beside TARGET; those of a process
    still running are left alone."""
    removed = []
    with contextlib.suppress(OSError):
        for part in target.parent.glob(".*.part-*"):
            pid = part.name.rsplit(".part-", 1)[1].split("-", 1)[0]
            if pid.isdigit() and int(pid) != os.getpid() and not _running(int(pid)):
                _remove_db_files(part)
                removed.append(part)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _kept_name(target: Path, now: datetime) -> Path:
    base = target.with_name(f"{target.name}.replaced-{now:%Y%m%dT%H%M%S}")
    kept, n = base, 1
    while kept.exists():
        n += 1
        kept = base.with_name(f"{base.name}-{n}")
    return kept


def _keep_replaced(target: Path, now: datetime) -> Path:
    """A copy of the store about to be replaced, beside it, owner-only."""
    kept = _kept_name(target, now)
    create_private_file(kept)
    try:
        sqlite_copy(target, kept)
    except (sqlite3.DatabaseError, StoreUnavailable):
        # a damaged store cannot go through the backup API: keep its bytes
        import shutil

        shutil.copyfile(target, kept)
        wal = Path(f"{target}-wal")
        if wal.exists():
            kept_wal = Path(f"{kept}-wal")
            create_private_file(kept_wal)
            shutil.copyfile(wal, kept_wal)
    os.chmod(kept, 0o600)
    return kept


def restore(db: str, src: Path, *, force: bool, now: datetime) -> dict[str, Any]:
    """Put the backup SRC in place of the store at DB (SQLite). The replaced
    store is kept beside it as <name>.replaced-YYYYMMDDTHHMMSS. Returns what
    was done; the caller opens (and so upgrades) the restored store."""
    url, target = to_url(db)
    if target is not None:
        clean_parts(target)
    if target is None:
        raise RuleViolation(f"'send-cli db restore' works on SQLite stores; "
                            f"'{describe(db)}' is a server database",
                            hint="Use the server's own tools: pg_restore.")
    src = src.expanduser()
    target_kind = kind_of(target, what="the store")
    if kind_of(src, what="a backup") and target_kind and src.resolve() == target.resolve():
        raise BadInput(f"'{src}' is the store itself; give a backup file")
    rev, theirs = inspect_backup(src)
    kept: Path | None = None
    mode, gid = file_mode_for(target)
    if target_kind == "dir":
        raise StoreUnavailable(f"'{target}' is a directory, not a send-cli database")
    if target_kind == "file" and target.stat().st_size > 0:
        check_sqlite_file(target)
        try:
            con = _sqlite_connect(target)
            try:
                ours: Newest | None = _newest(con)
            finally:
                con.close()
        except sqlite3.Error:
            ours = None
        if not force:
            if ours is None:
                raise Conflict("the store cannot be read to compare it with the backup; "
                               "nothing was restored",
                               hint="Pass --force to replace it (it is kept beside it).")
            if (ours.at or "") > (theirs.at or "") or ours.id > theirs.id:
                raise Conflict(
                    f"the store has changes newer than the backup (store: {ours.label()}; "
                    f"backup: {theirs.label()}); nothing was restored",
                    hint="Pass --force to restore anyway; the replaced store is kept "
                         "beside it.")
        kept = _keep_replaced(target, now)
        apply_mode(kept, mode, gid)
    else:
        create_private_file(target)
    src_con = _sqlite_connect(src)
    dst_con = _sqlite_connect(target)
    try:
        src_con.execute("BEGIN")
        src_con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        src_con.backup(dst_con, pages=BACKUP_PAGES_PER_STEP)
        src_con.execute("COMMIT")
        check = dst_con.execute("PRAGMA quick_check").fetchone()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise StoreUnavailable("the store is in use by another send-cli past the "
                                   "timeout; nothing was restored",
                                   hint="Try again when the others have finished.") from None
        raise
    finally:
        dst_con.close()
        src_con.close()
    apply_mode(target, mode, gid)
    if not check or check[0] != "ok":
        raise StoreUnavailable("the restored store failed its check; the replaced store is "
                               f"kept at '{kept}'")
    return {"store": str(target), "from": str(src.resolve()), "revision": rev,
            "kept": None if kept is None else str(kept)}


# -- copy to another store ------------------------------------------------
def _extra_panels(conn: Any) -> int:
    """Panels a council added (beyond the four every new store has)."""
    from sqlalchemy import inspect, text

    if "panels" not in inspect(conn).get_table_names():
        return 0
    return int(conn.execute(text("SELECT count(*) FROM panels WHERE code NOT IN "
                                 "('MAP', 'CAP', 'CCP', 'JTP')")).scalar() or 0)


def copy_store(source: Store, to: str, *, actor: str, now: datetime,
               progress: Progress = _quiet) -> dict[str, int]:
    """Copy every row of SOURCE into the empty store at TO, creating its
    schema with the migrations. All or nothing. Returns rows per table."""
    from sqlalchemy import delete, func, insert, select, text
    from sqlmodel import SQLModel

    from send_cli.store.audit import record
    from send_cli.store.models import load_all

    load_all()
    url, path = to_url(to)
    there = kind_of(path, what="--to") if path is not None else None
    if url == source.url or (path is not None and source.path is not None
                             and there and path.resolve() == source.path.resolve()):
        raise BadInput("--to is the store being copied; give another database")
    created = False
    if path is not None:
        check_sqlite_file(path)
        if there is None:
            if kind_of(path.parent, what="--to's folder") != "dir":
                raise BadInput(f"the folder '{path.parent}' does not exist")
            created = create_private_file(path)
    try:
        engine = make_engine(url)
    except Exception as exc:
        raise StoreUnavailable(f"cannot use database '{describe(to)}': {exc}") from None
    target = Store(url=url, engine=engine, path=path)
    try:
        try:
            with engine.connect() as conn:
                rev, has_tables = stored_revision(conn)
                busy = {t: n for t, n in _table_counts(conn).items() if n} if rev else {}
                extra = _extra_panels(conn) if rev else 0
                conn.rollback()
        except StoreUnavailable:
            raise
        except Exception as exc:
            from send_cli.store.engine import _unavailable

            raise _unavailable(to, exc) from None
        if rev is None and has_tables:
            raise Conflict(f"'{describe(to)}' is not empty (it has tables of its own); "
                           "nothing was copied", hint="Give an empty database.")
        if rev is not None and rev not in REVISIONS:
            raise StoreUnavailable(f"'{describe(to)}' has schema revision '{rev}', newer than "
                                   f"this send-cli knows (latest {HEAD})")
        if busy or extra:
            what = ", ".join(f"{t} ({n})" for t, n in sorted(busy.items()))
            raise Conflict(f"'{describe(to)}' already holds data ({what or 'panels'}); "
                           "nothing was copied", hint="Copy into an empty database.")
        progress(f"creating the schema in {describe(to)}")
        run_migrations(target)
        # the KPI counts are kept by triggers: copying the rows they count
        # makes them again (copying them too would count everything twice)
        tables = [t for t in SQLModel.metadata.sorted_tables if t.name not in DERIVED_TABLES]
        counts: dict[str, int] = {}
        with source.read() as src_session, target.write() as dst:
            for table in reversed(tables):
                if table.name in SEEDED_TABLES or table.name == "audit":
                    dst.execute(delete(table))  # audit: only 'store' entries (checked above)
            for table in tables:
                order = list(table.primary_key.columns)
                rows = src_session.execute(select(table).order_by(*order)
                                           .execution_options(yield_per=COPY_BATCH))
                n = 0
                for part in rows.partitions(COPY_BATCH):
                    batch = [dict(r._mapping) for r in part]
                    dst.execute(insert(table), batch)
                    n += len(batch)
                counts[table.name] = n
                progress(f"{table.name}: {n} rows")
            for table in tables:
                got = dst.scalar(select(func.count()).select_from(table))
                if got != counts[table.name]:
                    raise Conflict(f"the copy of {table.name} has {got} rows, not "
                                   f"{counts[table.name]}; nothing was copied")
            if target.is_postgres:
                for table in tables:
                    if "id" in table.c and [c.name for c in table.primary_key] == ["id"]:
                        dst.execute(text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM \"{table.name}\""))
            if target.is_sqlite and not source.is_sqlite:
                # a server keeps no seals: the copy's trail is sealed as it arrives
                from send_cli.store.identity import RESEAL_FROM

                dst.info[RESEAL_FROM] = 0
            record(dst, officer=actor, now=now, action="store.copy", entity="store",
                   entity_id=None, after={"from": source.where, "rows": sum(counts.values())})
        return counts
    except BaseException:
        engine.dispose()
        if created and path is not None:
            _remove_db_files(path)
        raise
    finally:
        engine.dispose()


DERIVED_TABLES = ("kpi_days", "officer_caseloads", "stage_days", "stage_months",
                  "forecast_requests", "advice_owed", "store_counts")


def _table_counts(conn: Any) -> dict[str, int]:
    """Rows a user put in each table (a new store's own records left out)."""
    from sqlalchemy import inspect, text

    out = {}
    for name in sorted(set(inspect(conn).get_table_names()) - set(SEEDED_TABLES)
                       - set(DERIVED_TABLES)):
        where = f" WHERE {STORE_AUDIT}" if name == "audit" else ""
        out[name] = int(conn.execute(text(f'SELECT count(*) FROM "{name}"{where}'))
                        .scalar() or 0)
    return out
