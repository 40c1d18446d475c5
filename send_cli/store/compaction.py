"""Compaction: after an erasure, rewrite the store's files so the erased
values are gone from the disk, not only from the tables.

SQLite: the write-ahead log is copied into the file and emptied, then VACUUM
rebuilds the file (secure_delete already overwrote what was replaced).
PostgreSQL: an UPDATE leaves the old row version in the table file until
VACUUM FULL rewrites it, and in the write-ahead log until a checkpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# the tables whose rows an erasure rewrites
ERASED_TABLES = ("cases", "contacts", "followups", "decisions", "declarations",
                 "exceptions", "deadlines", "audit")


@dataclass
class Compacted:
    bytes_before: int
    bytes_after: int
    tables: list[str]
    checkpoint: str  # what became of the write-ahead log


def compact(store: Any) -> Compacted:
    if store.is_sqlite:
        return _sqlite(store)
    return _postgresql(store)


def _sqlite(store: Any) -> Compacted:
    import os

    def size() -> int:
        return sum(os.path.getsize(f"{store.path}{s}") for s in ("", "-wal")
                   if os.path.exists(f"{store.path}{s}"))

    before = size()
    raw = store.engine.raw_connection()
    try:
        con = raw.driver_connection
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.execute("VACUUM")
        busy = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        raw.close()
    log = "emptied" if not busy or not busy[0] else \
        "partly kept: another send-cli was reading; run it again when it has finished"
    return Compacted(before, size(), ["(the whole file)"], log)


def _postgresql(store: Any) -> Compacted:
    from sqlalchemy import text

    with store.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")

        def total() -> int:
            return int(conn.execute(text(
                "SELECT COALESCE(sum(pg_total_relation_size(quote_ident(tablename))), 0) "
                "FROM pg_tables WHERE schemaname = current_schema() "
                "AND tablename = ANY(:t)"), {"t": list(ERASED_TABLES)}).scalar() or 0)

        before = total()
        for table in ERASED_TABLES:
            conn.execute(text(f'VACUUM FULL "{table}"'))
        after = total()
        try:
            conn.execute(text("CHECKPOINT"))
            log = "checkpoint written: the old row versions are out of the live log"
        except Exception as exc:  # PostgreSQL 15: superuser or pg_checkpoint only
            if "permission" not in str(exc).lower() and "must be" not in str(exc).lower():
                raise
            log = ("no right to force a checkpoint (it needs the pg_checkpoint role); the "
                   "server writes one within checkpoint_timeout, 5 minutes by default")
    return Compacted(before, after, list(ERASED_TABLES), log)
