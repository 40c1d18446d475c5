"""send-cli decision: what panels decided, why, and what it promises families."""

from __future__ import annotations

from typing import Annotated

import typer

from send_cli.commands import completion
from send_cli.commands.common import (
    FormatOpt,
    LimitOpt,
    OutputOpt,
    a_date,
    check_format,
    choice,
    state,
    text,
)

app = typer.Typer(help="Panel decisions: record them with reasons and chair; list them.",
                  no_args_is_help=True)

FOLLOWUP_COLUMNS = ("id", "case_ref", "kind", "due", "officer")


@app.command("log")
def decision_log(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="The case reference.")],
    panel: Annotated[str, typer.Option("--panel", autocompletion=completion.panel_codes,
                                       help="The panel's code, e.g. MAP.")],
    meeting: Annotated[str, typer.Option("--meeting", help="The meeting's date.")],
    outcome: Annotated[str, typer.Option("--outcome", autocompletion=completion.outcomes,
                                         metavar="agreed|declined|deferred",
                                         help="What the panel decided.")],
    reason: Annotated[str, typer.Option("--reason", help="The panel's reasons (required).")],
    revisit_by: Annotated[str | None, typer.Option(
        "--revisit-by", help="For a deferral: the date by which the case comes back.")] = None,
    chair: Annotated[str | None, typer.Option(
        "--chair", help="Who chaired (signs) the decision. Default: the officer recording "
        "it (--as).")] = None,
    request: Annotated[str | None, typer.Option(
        "--request", autocompletion=completion.requests,
        help="The request type, when the case has more than one on the agenda.")] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """Record a panel's decision on a case at a meeting that has started.
    Every outcome creates the outcome follow-ups (call, then email where the
    panel promises one); a deferral also a revisit follow-up. Prints the
    follow-ups created.

    Example: send-cli decision log EHC-2026-00001 --panel MAP --meeting 2027-01-08
    --outcome agreed --reason "needs may require provision" --chair "A. Morgan"
    """
    from send_cli.casework import decisions
    from send_cli.render import emit, message
    from send_cli.reports import cases as case_reports
    from send_cli.rules.panels import OUTCOMES

    st = state(ctx)
    fmt = check_format(fmt, output)
    choice(outcome, OUTCOMES, what="--outcome")
    reason = text(reason, what="--reason", max_len=2000)
    day = a_date(meeting, what="--meeting")
    assert day is not None
    revisit = a_date(revisit_by, what="--revisit-by")
    signed = text(chair if chair is not None else st.settings.officer, what="--chair",
                  max_len=200)
    store = st.store()
    with store.write() as session:
        done = decisions.log_decision(
            session=session, cal=store.calendar(), ref=ref, code=panel, day=day,
            outcome=outcome, reason=reason, revisit_by=revisit, chair=signed,
            request=request.strip() if request else None, actor=st.settings.officer,
            now=st.settings.now)
        officers = case_reports.officer_codes(session, [f.officer_id for f in done.followups])
        rows = [{"id": f.id, "case_ref": ref, "kind": f.kind, "due": f.due,
                 "officer": officers.get(f.officer_id)} for f in done.followups]
        what = done.referral.request
    message(f"recorded: {ref} {what} {outcome} at {panel.upper()} {day} (chair: {signed})")
    for note in done.notes:
        message(f"note: {note}")
    if done.rights:
        message(f"declined {what}: {done.rights}")
    emit(rows, FOLLOWUP_COLUMNS, fmt=fmt, output=output, title="Follow-ups created",
         limit=None, empty="No follow-ups.")


@app.command("list")
def decision_list(
    ctx: typer.Context,
    panel: Annotated[str | None, typer.Option("--panel", autocompletion=completion.panel_codes,
                                              help="Only this panel's.")] = None,
    start: Annotated[str | None, typer.Option("--from", help="Meetings from this date.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Meetings up to this date.")] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    limit: LimitOpt = 50,
) -> None:
    """List panel decisions, oldest meeting first (the same rows as
    'export decisions').

    Example: send-cli decision list --panel MAP --from 2026-12-01 --to 2026-12-31
    """
    from send_cli.casework import decisions, panels
    from send_cli.render import emit

    st = state(ctx)
    fmt = check_format(fmt, output)
    first = a_date(start, what="--from")
    last = a_date(end, what="--to")
    with st.store().read() as session:
        if panel:
            panels.get_panel(session, panel)
        rows = decisions.decision_rows(session, panel=panel, start=first, end=last)
        emit(rows, decisions.DECISION_KEYS, fmt=fmt, output=output, title="Panel decisions",
             limit=limit, empty="No decisions.")
