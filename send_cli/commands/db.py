"""send-cli init and send-cli db: the store as a whole (schema, checks,
backups, restores, copies, settings)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from send_cli.commands.common import AppState, FormatOpt, OutputOpt, check_format, fail, state
from send_cli.errors import BadInput, shown

if TYPE_CHECKING:
    from send_cli.store.engine import Store

app = typer.Typer(no_args_is_help=True,
                  help="The store: schema revision, integrity check, backup, restore, and "
                       "copy to another database.")


def register_init(root: typer.Typer) -> None:
    root.command("init")(init)


def init(
    ctx: typer.Context,
    admins: Annotated[list[str] | None, typer.Option(
        "--admin", metavar="LOGIN", help="Make a team store with this login as an admin "
        "(repeatable): each officer then acts as their own login.")] = None,
    group: Annotated[str | None, typer.Option(
        "--group", metavar="GROUP", help="SQLite: share the store's files with this "
        "operating-system group (0660; a folder made for them 2770).")] = None,
) -> None:
    """Create the store, or upgrade it to the latest schema; safe to run again.
    Refreshes the stored bank holidays and prints where the store is.
    Without --admin the store is personal: --as names the officer.

    Example: send-cli --db /srv/send/team/send.db init --admin jsmith --group sendteam
    """
    from send_cli.render import data_line, message
    from send_cli.store.audit import record
    from send_cli.store.engine import BANK_HOLIDAY_YEARS, HEAD, seed, to_url
    from send_cli.store.identity import check_login

    st = state(ctx)
    logins = [check_login(a, what="--admin") for a in admins or []]
    path = to_url(st.settings.db)[1]
    if st.officer and path is not None and not _has_store(path):
        raise BadInput(f"--as '{shown(st.officer)}' names an officer of the store; a new "
                       "store has none yet", hint="Leave out --as: your login is recorded.")
    path = _prepare_group(st, group)
    store = st.store()
    if store.created:
        message(f"created a new store at {store.where}")
    elif store.upgraded_from is None:
        message("the store was already at the latest schema")
    if not store.created and store.upgraded_from is None:
        seed(store, refresh_holidays=True)  # a new or upgraded store was just filled
    officer = st.settings.officer
    with store.write() as session:
        record(session, officer=officer, now=st.settings.now, action="store.init",
               entity="store", after={"schema": HEAD, "bank_holidays":
                                      f"{BANK_HOLIDAY_YEARS[0]}-{BANK_HOLIDAY_YEARS[-1]}"})
    if logins or group:
        _make_team(st, store, logins, group, path, officer=officer)
    data_line(f"store: {store.where}")
    data_line(f"schema: {HEAD} (latest)")


def _has_store(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def _prepare_group(st: AppState, group: str | None) -> Path | None:
    """With --group: check the group, and make the store's folder for it."""
    if group is None:
        return None
    from send_cli.errors import RuleViolation
    from send_cli.store.engine import to_url
    from send_cli.store.sharing import group_id, make_folder

    path = to_url(st.settings.db)[1]
    if path is None:
        raise RuleViolation("--group is for a SQLite store; on PostgreSQL use 'send-cli db "
                            "roles'")
    gid = group_id(group)
    make_folder(path.parent, gid)
    return path


def _make_team(st: AppState, store: Store, logins: list[str], group: str | None,
               path: Path | None, *, officer: str) -> None:
    from send_cli.render import message
    from send_cli.store.identity import make_team

    if path is not None and group is not None:
        from send_cli.store.sharing import share_store

        for line in share_store(path, group):
            message(line)
    with store.write() as session:
        admins = make_team(session, admins=logins, group=group, officer=officer,
                           now=st.settings.now)
    message(f"a team store: admins {', '.join(sorted(admins)) or '(none yet)'}; each "
            "officer acts as their own login (officer set CODE --login LOGIN)")


@app.command("share")
def db_share(
    ctx: typer.Context,
    group: Annotated[str | None, typer.Option(
        "--group", metavar="GROUP", help="SQLite: the operating-system group of the team.")]
    = None,
    admins: Annotated[list[str] | None, typer.Option(
        "--admin", metavar="LOGIN", help="Another admin's login (repeatable); you are one.")]
    = None,
) -> None:
    """Turn this store into a team store: each officer acts as their own
    login, and with --group the store's files are shared with that group.

    Example: send-cli db share --group sendteam
    """
    from send_cli.store.identity import check_login

    st = state(ctx)
    logins = [check_login(a, what="--admin") for a in admins or []]
    path = _prepare_group(st, group)
    store = st.store()
    assert st.actor is not None
    _make_team(st, store, [st.actor.login, *logins], group, path,
               officer=st.settings.officer)


@app.command("roles")
def db_roles(ctx: typer.Context) -> None:
    """PostgreSQL: create the send_officer and send_admin roles (NOLOGIN) with
    the grants each needs, and make officers' login roles members (admins of
    send_admin). The audit table is append-only for both. Safe to run again,
    e.g. after an upgrade.

    Example: send-cli db roles
    """
    from send_cli.render import message
    from send_cli.store.identity import make_team
    from send_cli.store.roles import sync_roles

    st = state(ctx)
    store = st.store()
    if not store.is_postgres:
        raise fail("'send-cli db roles' is for a PostgreSQL store; share a SQLite store "
                   "with 'send-cli db share --group GROUP'")
    assert st.actor is not None
    done = sync_roles(store, actor=st.settings.officer, login=st.actor.login,
                      now=st.settings.now)
    with store.write() as session:
        make_team(session, admins=[st.actor.login], group=None, officer=st.settings.officer,
                  now=st.settings.now)
    message(f"roles: {', '.join(done.roles)} ({'created' if done.created else 'updated'}); "
            f"grants on {done.tables} tables; the audit table is append-only")
    for line in done.members:
        message(f"member: {line}")


@app.command("compact")
def db_compact(ctx: typer.Context) -> None:
    """Rewrite the store's files so erased values are gone from the disk too
    (SQLite: VACUUM; PostgreSQL: VACUUM FULL of the tables an erasure touches,
    and a checkpoint). Run it after 'case erase'; backups still hold what
    they held.

    Example: send-cli db compact
    """
    from send_cli.render import message
    from send_cli.store.audit import record
    from send_cli.store.compaction import compact

    st = state(ctx)
    store = st.store()
    done = compact(store)
    with store.write() as session:
        record(session, officer=st.settings.officer, now=st.settings.now,
               action="store.compact", entity="store",
               after={"bytes_before": done.bytes_before, "bytes_after": done.bytes_after})
    message(f"compacted {store.where}: {done.bytes_before / 1048576:.1f} MiB -> "
            f"{done.bytes_after / 1048576:.1f} MiB; write-ahead log: {done.checkpoint}")


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
    revision, the counts the KPIs add up and the seals of the audit trail.
    Exit 1 naming the first audit entry changed or deleted by hand; exit 3
    when the store is damaged. Changes nothing.

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
    found = {row["check"]: str(row["result"]) for row in result.rows}
    chain = found.get("audit_chain", "ok")
    if not chain.startswith("ok") and all(
            v.startswith("ok") for k, v in found.items()
            if k not in ("audit_chain", "kpi_counts", "schema")):
        raise fail(f"audit entry {result.first_bad_entry} was changed or deleted outside "
                   "send-cli (its seal does not follow from the entries before it)",
                   hint="Compare with a backup (send-cli audit) and tell the store's admin.")
    if result.damaged:
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
    upgraded to the latest schema, and every case the replaced store had
    erased is erased again (by reference).

    Example: send-cli db restore /srv/send/backups/send-20261123T090000.db
    """
    from send_cli.casework.erasure import erase_again
    from send_cli.render import message
    from send_cli.store import upkeep
    from send_cli.store.audit import record
    from send_cli.store.engine import to_url

    st = state(ctx)
    path = to_url(st.settings.db)[1]
    if path is None or (path.is_file() and path.stat().st_size > 0):
        st.store()  # who is acting: only an admin restores a team store
        st.close()
    erased = upkeep.erased_refs(st.settings.db)
    done = upkeep.restore(st.settings.db, src, force=force, now=st.settings.now)
    store = st.store()  # opens, and upgrades, the restored store
    with store.write() as session:
        again = erase_again(session=session, refs=erased, actor=st.settings.officer,
                            now=st.settings.now)
        record(session, officer=st.settings.officer, now=st.settings.now,
               action="store.restore", entity="store",
               before={"kept": done["kept"]},
               after={"from": done["from"], "schema": done["revision"],
                      "erased_again": again})
    message(f"restored {done['store']} from {done['from']}")
    if done["kept"]:
        message(f"the replaced store is kept at {done['kept']}")
    if again:
        message(f"erased again {len(again)} {'case' if len(again) == 1 else 'cases'} the "
                f"replaced store had erased since the backup: {', '.join(again)}")
    elif erased:
        message("every erasure the replaced store recorded holds in the restored one")


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
