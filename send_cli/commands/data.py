"""send-cli import / export: CSV in (all rows or none), CSV or JSON out."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from send_cli.commands.common import OutputOpt, check_format, state

import_app = typer.Typer(no_args_is_help=True,
                         help="Load cases or officers from CSV: every row, or none.")
export_app = typer.Typer(no_args_is_help=True,
                         help="Write cases, contacts, decisions or follow-ups as CSV or JSON, "
                         "streamed.")

FileArg = Annotated[Path, typer.Argument(help="The CSV file (UTF-8, header row first).",
                                         metavar="FILE.csv", dir_okay=False)]
ExportFormatOpt = Annotated[str | None, typer.Option(
    "--format", "-f", metavar="csv|json|xlsx",
    help="csv (the default), json, or xlsx (needs -o). With -o and no --format, the "
         "file's extension decides.")]
EXPORT_FORMATS = ("csv", "json", "xlsx")


def _import(ctx: typer.Context, what: str, path: Path) -> None:
    from send_cli.casework import imports
    from send_cli.render import message, progress

    st = state(ctx)
    store = st.store()
    do = imports.import_cases if what == "cases" else imports.import_officers
    try:
        # the bar's total: the lines after the header (a guess when cells hold new lines)
        total = max(imports.count_lines(path) - 1, 0) if _stderr_is_terminal() else None
        with progress(f"importing {path.name}", total) as advance:
            with store.write() as session:
                count = do(session=session, path=path, actor=st.settings.officer,
                           now=st.settings.now, progress=advance if total else None)
    except imports.BadRows as exc:
        message(f"error: {exc.message}")
        for line, reason in exc.problems:
            message(f"line {line}: {reason}")
        if exc.hint:
            message(f"hint: {exc.hint}")
        raise typer.Exit(exc.exit_code) from None
    if count == 0:
        message(f"{path.name} has no rows; nothing was imported")
    else:
        message(f"imported {count} {what if count != 1 else what[:-1]} from {path.name}")


def _stderr_is_terminal() -> bool:
    import sys

    return hasattr(sys.stderr, "isatty") and sys.stderr.isatty()


@import_app.command("cases")
def import_cases(ctx: typer.Context, path: FileArg) -> None:
    """Import cases from CSV: the columns 'export cases --format csv' writes.

    Needs ref,name,dob,officer,received; requested_by, setting and status
    (empty or 'requested') may follow. Each row is checked as 'case add'
    checks it; if any row is bad, every bad row is listed by its line in the
    file and nothing is imported (exit 2).
    Example: send-cli import cases cases.csv
    """
    _import(ctx, "cases", path)


@import_app.command("officers")
def import_officers(ctx: typer.Context, path: FileArg) -> None:
    """Import officers from CSV with the columns code,name,email,team,role
    (and active, as 'officer list --format csv' writes). All rows or none.

    Example: send-cli import officers team.csv
    """
    _import(ctx, "officers", path)


def _export(ctx: typer.Context, what: str, fmt: str | None, output: Path | None) -> None:
    from send_cli.casework import exports
    from send_cli.render import emit

    fmt = check_format(fmt, output, EXPORT_FORMATS, default="csv")
    st = state(ctx)
    with st.store().read() as session:
        keys, rows = exports.export_rows(session, what, st.settings.today)
        emit(rows, keys, fmt=fmt, output=output, default="csv")


@export_app.command("cases")
def export_cases(ctx: typer.Context, fmt: ExportFormatOpt = None,
                 output: OutputOpt = None) -> None:
    """Export every case: ref,name,dob,officer,received,requested_by,setting,status.

    Example: send-cli export cases --format csv -o cases.csv
    """
    _export(ctx, "cases", fmt, output)


@export_app.command("contacts")
def export_contacts(ctx: typer.Context, fmt: ExportFormatOpt = None,
                    output: OutputOpt = None) -> None:
    """Export every contact: id,case_ref,at,channel,direction,party,summary,officer.

    Example: send-cli export contacts --format json -o contacts.json
    """
    _export(ctx, "contacts", fmt, output)


@export_app.command("decisions")
def export_decisions(ctx: typer.Context, fmt: ExportFormatOpt = None,
                     output: OutputOpt = None) -> None:
    """Export every panel decision:
    case_ref,panel,meeting,request,outcome,reason,revisit_by,chair.

    Example: send-cli export decisions -o decisions.csv
    """
    _export(ctx, "decisions", fmt, output)


@export_app.command("followups")
def export_followups(ctx: typer.Context, fmt: ExportFormatOpt = None,
                     output: OutputOpt = None) -> None:
    """Export every follow-up, settled ones too: id,case_ref,kind,due,officer,status,done_at.

    Example: send-cli export followups --format csv -o followups.csv
    """
    _export(ctx, "followups", fmt, output)
