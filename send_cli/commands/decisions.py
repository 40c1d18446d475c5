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
    outcome: Annotated[str | None, typer.Option(
        "--outcome", autocompletion=completion.outcomes, metavar="agreed|declined|deferred",
        help="What the panel decided.")] = None,
    reason: Annotated[str | None, typer.Option(
        "--reason", help="The panel's reasons (required); with --withdraw, why it is "
        "withdrawn.")] = None,
    revisit_by: Annotated[str | None, typer.Option(
        "--revisit-by", help="For a deferral: the date by which the case comes back.")] = None,
    chair: Annotated[str | None, typer.Option(
        "--chair", help="Who chaired (signs) the decision. Default: the officer recording "
        "it (--as).")] = None,
    request: Annotated[str | None, typer.Option(
        "--request", autocompletion=completion.requests,
        help="The request type, when the case has more than one on the agenda.")] = None,
    withdraw: Annotated[bool, typer.Option(
        "--withdraw", help="Withdraw the decision recorded in error at this meeting (with "
        "--reason saying why).")] = False,
    correct: Annotated[bool, typer.Option(
        "--correct", help="Record it again in place of the decision recorded in error at "
        "this meeting (with --why).")] = False,
    why: Annotated[str | None, typer.Option(
        "--why", help="With --correct: why the decision recorded is corrected (kept in the "
        "audit trail).")] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """Record a panel's decision on a case at a meeting that has started.
    Every outcome creates the outcome follow-ups (call, then email where the
    panel promises one); a deferral also a revisit follow-up. Prints the
    follow-ups created.

    A decision recorded in error is withdrawn (--withdraw --reason TEXT) or
    recorded again (--correct --why TEXT with --outcome and --reason): it
    stays in 'case show', marked, and in the audit trail. The milestone it
    put on the timeline is withdrawn with it (refused while a later milestone
    rests on it: withdraw that first); its follow-ups still open are no
    longer owed and are removed, those done stay; the papers follow-up it
    closed is open again. Once a refusal's outcome email (the decision
    letter) has opened the family's appeal window, it is not withdrawn.

    Example: send-cli decision log EHC-2026-00001 --panel MAP --meeting 2027-01-08
    --outcome agreed --reason "needs may require provision" --chair "A. Morgan"
    """
    from send_cli.casework import corrections, decisions, meetings, panels
    from send_cli.casework.cases import open_case
    from send_cli.errors import BadInput
    from send_cli.render import emit, message
    from send_cli.reports import cases as case_reports
    from send_cli.rules.panels import OUTCOMES

    st = state(ctx)
    fmt = check_format(fmt, output)
    if withdraw and correct:
        raise BadInput("--withdraw and --correct cannot be used together")
    if why is not None and not correct:
        raise BadInput("--why goes with --correct")
    day = a_date(meeting, what="--meeting")
    assert day is not None
    if withdraw:
        if not (reason or "").strip():
            raise BadInput("--withdraw needs --reason TEXT")
        given = [flag for flag, value in (("--outcome", outcome), ("--revisit-by", revisit_by),
                                          ("--chair", chair)) if value is not None]
        if given:
            raise BadInput(f"--withdraw takes no {', '.join(given)}; to record it again, "
                           "use --correct --why TEXT")
        said = text(reason, what="--reason", max_len=500)
        with st.store().write() as session:
            case = open_case(session, ref)
            found = meetings.get_meeting(session, panels.get_panel(session, panel), day,
                                         live=False)
            gone = corrections.withdraw_decision(
                session=session, case=case, meeting=found,
                request=request.strip() if request else None, reason=said,
                actor=st.settings.officer, now=st.settings.now)
            outcome_was = gone.row.outcome
        message(f"{ref}: the decision ({outcome_was}) at {panel.upper()} {day} withdrawn")
        for note in gone.notes:
            message(f"note: {note}")
        return
    if correct and not (why or "").strip():
        raise BadInput("--correct needs --why TEXT")
    if outcome is None:
        raise BadInput("--outcome is needed: agreed, declined or deferred (or --withdraw)")
    if reason is None:
        raise BadInput("--reason is needed: the panel's reasons")
    choice(outcome, OUTCOMES, what="--outcome")
    reason = text(reason, what="--reason", max_len=2000)
    why_text = text(why, what="--why", max_len=500) if why is not None else ""
    revisit = a_date(revisit_by, what="--revisit-by")
    signed = text(chair if chair is not None else st.settings.officer, what="--chair",
                  max_len=200)
    store = st.store()
    with store.write() as session:
        gone = None
        if correct:
            case = open_case(session, ref)
            found = meetings.get_meeting(session, panels.get_panel(session, panel), day,
                                         live=False)
            gone = corrections.withdraw_decision(
                session=session, case=case, meeting=found,
                request=request.strip() if request else None, reason=why_text,
                actor=st.settings.officer, now=st.settings.now)
        done = decisions.log_decision(
            session=session, cal=store.calendar(), ref=ref, code=panel, day=day,
            outcome=outcome, reason=reason, revisit_by=revisit, chair=signed,
            request=request.strip() if request else None, actor=st.settings.officer,
            now=st.settings.now)
        officers = case_reports.officer_codes(session, [f.officer_id for f in done.followups])
        rows = [{"id": f.id, "case_ref": ref, "kind": f.kind, "due": f.due,
                 "officer": officers.get(f.officer_id)} for f in done.followups]
        what = done.referral.request
        if gone is not None:
            before = gone.row.outcome
    if gone is not None:
        message(f"{ref}: the decision ({before}) at {panel.upper()} {day} withdrawn")
        for note in gone.notes:
            message(f"note: {note}")
    message(f"recorded: {ref} {what} {outcome} at {panel.upper()} {day} (chair: {signed})"
            + (" in place of the one withdrawn" if gone is not None else ""))
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
