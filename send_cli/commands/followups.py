"""send-cli followup: what is owed to families, and by when."""

from __future__ import annotations

from typing import Annotated

import typer

from send_cli.commands.common import (
    FormatOpt,
    LimitOpt,
    OutputOpt,
    a_datetime,
    check_format,
    state,
    text,
)

app = typer.Typer(help="Follow-ups: call backs, replies, outcome calls and emails owed.",
                  no_args_is_help=True)

# ids are 32-bit integers on PostgreSQL (serial); a larger one is bad input
MAX_ID = 2_147_483_647

FOLLOWUP_COLUMNS = ("id", "case_ref", "kind", "due", "officer", "status", "done_at", "for")


@app.command("list")
def followup_list(
    ctx: typer.Context,
    ref: Annotated[str | None, typer.Argument(help="Only this case's.")] = None,
    officer: Annotated[str | None, typer.Option("--officer", help="Only this officer's.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Include settled follow-ups.")] = False,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    limit: LimitOpt = 50,
) -> None:
    """List open follow-ups, soonest due first (--all: settled ones too).

    Example: send-cli followup list --officer CO1
    """
    from send_cli.render import emit
    from send_cli.reports import cases as case_reports
    from send_cli.reports.lookups import case_named, officer_named

    st = state(ctx)
    fmt = check_format(fmt, output)
    with st.reader() as reader:
        case_id = case_named(reader, ref).id if ref else None
        if officer:
            officer_named(reader, officer)
        rows = case_reports.followup_rows(reader, today=st.settings.today, case_id=case_id,
                                         officer=officer, include_done=all_)
        total = case_reports.followup_count(
            reader, today=st.settings.today, case_id=case_id, officer=officer,
            include_done=all_) if fmt == "table" else None
        emit(rows, FOLLOWUP_COLUMNS, fmt=fmt, output=output, title="Follow-ups", limit=limit,
             empty="No open follow-ups.", total=total)


@app.command("done")
def followup_done(
    ctx: typer.Context,
    followup_id: Annotated[
        int, typer.Argument(help="The follow-up's id.", metavar="ID", min=1, max=MAX_ID)],
    note: Annotated[str | None, typer.Option("--note", help="How it was settled.")] = None,
    at: Annotated[str | None, typer.Option(
        "--at", metavar="DATETIME", help="When it was done, YYYY-MM-DDTHH:MM (default: now); "
        "not before it was owed, not in the future.")] = None,
) -> None:
    """Mark a follow-up done (--at: when, for a call made yesterday and recorded
    today). The outcome email of a refusal to assess or to issue a plan is the
    decision letter: marking it done opens the family's appeal window and owes
    them the offer of a call or meeting within 5 working days.

    Example: send-cli followup done 42 --note "called back, EP visit confirmed"
    --at 2026-12-14T16:30
    """
    from send_cli.casework.followups import followup_done
    from send_cli.render import message

    st = state(ctx)
    note = text(note, what="--note", required=False, max_len=2000) or None
    when = a_datetime(at, what="--at")
    store = st.store()
    with store.write() as session:
        _, notes = followup_done(session=session, cal=store.calendar(),
                                          followup_id=followup_id, note=note,
                                          actor=st.settings.officer, now=st.settings.now,
                                          at=when)
    message(f"follow-up {followup_id} done")
    for line in notes:
        message(line)
