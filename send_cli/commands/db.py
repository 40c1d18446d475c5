"""send-cli init and send-cli db: the store as a whole (schema, checks,
backups, restores, copies, settings)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from send_cli.commands.common import FormatOpt, OutputOpt, check_format, state

app = typer.Typer(no_args_is_help=True,
                  help="The store: schema revision, integrity check, backup, restore, and "
                       "copy to another database.")


def register_init(root: typer.Typer) -> None:
    root.command("init")(init)


def init(ctx: typer.Context) -> None:
    """Create the store, or upgrade it to the latest schema; safe to run again.
    Refreshes the stored bank holidays and prints where the store is.

    Example: send-cli --db /srv/send/send.db init
    """
    from send_cli.render import data_line, message
    from send_cli.store.audit import record
    from send_cli.store.engine import BANK_HOLIDAY_YEARS, HEAD, seed

    st = state(ctx)
    store = st.store()
    if store.created:
        message(f"created a new store at {store.where}")
    elif store.upgraded_from is None:
        message("the store was already at the latest schema")
    if not store.created and store.upgraded_from is None:
        seed(store, refresh_holidays=True)  # a new or upgraded store was just filled
    with store.write() as session:
        record(session, officer=st.settings.officer, now=st.settings.now, action="store.init",
               entity="store", after={"schema": HEAD, "bank_holidays":
                                      f"{BANK_HOLIDAY_YEARS[0]}-{BANK_HOLIDAY_YEARS[-1]}"})
    data_line(f"store: {store.where}")
    data_line(f"schema: {HEAD} (latest)")


def _peek(ctx: typer.Context):  # type: ignore[no-untyped-def]
    """The store without creating or upgrading it."""
    from send_cli.store.engine import open_store

    st = state(ctx)
    return open_store(st.settings, upgrade=False, allow_behind=True)


@app.command("current")
def db_current(ctx: typer.Context, fmt: FormatOpt = None, output: OutputOpt = None) -> None:
    """Where the store is and its schema revision (never upgrades it).

    Example: send-cli db current --format json
    """
    from send_cli.render import emit_object
    from send_cli.store import upkeep

    fmt = check_format(fmt, output)
    store = _peek(ctx)
    try:
        info = upkeep.current_info(store)
    finally:
        store.dispose()
    emit_object(info, fmt=fmt, output=output)


@app.command("history")
def db_history(ctx: typer.Context, fmt: FormatOpt = None, output: OutputOpt = None) -> None:
    """Every schema revision this send-cli knows, and which the store has.

    Example: send-cli db history
    """
    from send_cli.render import emit
    from send_cli.store import upkeep

    fmt = check_format(fmt, output)
    store = _peek(ctx)
    try:
        rows = upkeep.history_rows(store)
    finally:
        store.dispose()
    emit(rows, ("revision", "description", "applied", "current"), fmt=fmt, output=output,
         title="Schema revisions", limit=0)


@app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Upgrade the store to the latest schema (every command also does this).

    Example: send-cli db upgrade
    """
    from send_cli.render import message
    from send_cli.store.engine import HEAD

    st = state(ctx)
    store = st.store()
    if store.created:
        message(f"created a new store at {store.where} (schema {HEAD})")
    elif store.upgraded_from is None:
        message(f"the store is already at the latest schema, {HEAD}")


@app.command("check")
def db_check(ctx: typer.Context, fmt: FormatOpt = None, output: OutputOpt = None) -> None:
    """Check the store: SQLite's integrity check, foreign keys, the schema
    revision and the counts the KPIs add up. Exit 3 when the store is
    damaged. Changes nothing.

    Example: send-cli db check
    """
    from send_cli.errors import StoreUnavailable
    from send_cli.render import emit
    from send_cli.store import upkeep

    fmt = check_format(fmt, output)
    st = state(ctx)
    result = upkeep.check_store(st.settings.db)
    emit(result.rows, ("check", "result"), fmt=fmt, output=output, title="Store check",
         limit=0)
    if result.damaged:
        found = {row["check"]: str(row["result"]) for row in result.rows}
        if "newer than" in found.get("schema", "") and \
                all(v == "ok" for k, v in found.items() if k != "schema"):
            raise StoreUnavailable("the store is whole, but its schema is newer than this "
                                   "send-cli knows", hint="Upgrade send-cli to use it.")
        if all(v.startswith("ok") for k, v in found.items() if k not in ("kpi_counts",
                                                                          "schema")) \
                and not found.get("kpi_counts", "ok").startswith("ok"):
            raise StoreUnavailable("the store is whole, but the counts behind the KPIs are "
                                   "wrong", hint="Run 'send-cli db recount'.")
        raise StoreUnavailable("the store failed its check; see above",
                               hint="Restore the latest backup: send-cli db restore FILE.")


@app.command("recount")
def db_recount(ctx: typer.Context) -> None:
    """Work out again the counts behind the KPIs (kept by the store as work is
    recorded) from the follow-ups, clocks and cases they count. Needed only
    when 'send-cli db check' finds them wrong.

    Example: send-cli db recount
    """
    from send_cli.render import message
    from send_cli.store import upkeep

    st = state(ctx)
    store = st.store()
    upkeep.recount(store, actor=st.settings.officer, now=st.settings.now)
    message("the KPI counts were worked out again from the rows they count")


@app.command("backup")
def db_backup(
    ctx: typer.Context,
    dest: Annotated[str, typer.Argument(help="The backup file, or a folder to put a dated "
                                        "file in (a name ending in / is a folder).",
                                        metavar="DEST")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite DEST if it exists.")]
    = False,
) -> None:
    """A consistent copy of the store (SQLite) while others keep working; the
    file is readable by its owner only. Prints the backup's path.

    Example: send-cli db backup /srv/send/backups/
    """
    from send_cli.render import data_line, message
    from send_cli.store import upkeep

    st = state(ctx)
    store = _peek(ctx)  # a store behind the latest schema is backed up as it is
    try:
        done = upkeep.backup(store, Path(dest), force=force, now=st.settings.now,
                            folder=dest.endswith(("/", os.sep)))
    finally:
        store.dispose()
    message(f"backed up {store.where} ({done['bytes'] / 1048576:.1f} MiB) in "
            f"{done['seconds']} s")
    data_line(str(done["backup"]))


@app.command("restore")
def db_restore(
    ctx: typer.Context,
    src: Annotated[Path, typer.Argument(help="A file made by 'send-cli db backup'.",
                                        metavar="SRC")],
    force: Annotated[bool, typer.Option("--force", help="Restore even when the store has "
                                        "changes newer than the backup.")] = False,
) -> None:
    """Put a backup back in place of the store (SQLite). The replaced store is
    kept beside it as <name>.replaced-YYYYMMDDTHHMMSS; an older backup is then
    upgraded to the latest schema.

    Example: send-cli db restore /srv/send/backups/send-20261123T090000.db
    """
    from send_cli.render import message
    from send_cli.store import upkeep
    from send_cli.store.audit import record

    st = state(ctx)
    done = upkeep.restore(st.settings.db, src, force=force, now=st.settings.now)
    store = st.store()  # opens, and upgrades, the restored store
    with store.write() as session:
        record(session, officer=st.settings.officer, now=st.settings.now,
               action="store.restore", entity="store",
               before={"kept": done["kept"]},
               after={"from": done["from"], "schema": done["revision"]})
    message(f"restored {done['store']} from {done['from']}")
    if done["kept"]:
        message(f"the replaced store is kept at {done['kept']}")


@app.command("copy")
def db_copy(
    ctx: typer.Context,
    to: Annotated[str, typer.Option("--to", metavar="URL", help="The empty database to copy "
                                    "into: a SQLite file or a URL such as "
                                    "postgresql+psycopg://USER:PASS@HOST/DB.")],
) -> None:
    """Copy everything into another, empty store, e.g. from a SQLite file to
    PostgreSQL when a team outgrows a shared file. All or nothing.

    Example: send-cli db copy --to postgresql+psycopg://send:secret@db.council.local/send
    """
    from send_cli.render import message
    from send_cli.store import upkeep
    from send_cli.store.engine import describe

    st = state(ctx)
    _peek(ctx).dispose()  # never copies a store it has just made
    store = st.store()
    counts = upkeep.copy_store(store, to, actor=st.settings.officer, now=st.settings.now,
                              progress=message)
    message(f"copied {sum(counts.values())} rows in {len(counts)} tables to {describe(to)}")
    message(f"use it with: send-cli --db '{describe(to)}' ... (or set SEND_CLI_DB)")
