"""send-cli case milestone|transfer|exception|advice|appeal: the statutory
timeline; send-cli setting show|set: the council's settings."""

from __future__ import annotations

from typing import Annotated

import typer

from send_cli.commands import completion
from send_cli.commands.common import FormatOpt, OutputOpt, a_date, check_format, state, text

setting_app = typer.Typer(no_args_is_help=True,
                          help="The council's settings, such as how often the plans of "
                               "under-fives are reviewed.")


def register(cases: typer.Typer, root: typer.Typer) -> None:
    cases.command("milestone")(case_milestone)
    cases.command("transfer")(case_transfer)
    cases.command("exception")(case_exception)
    cases.command("advice")(case_advice)
    cases.command("appeal")(case_appeal)
    root.add_typer(setting_app, name="setting")


def case_milestone(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="The case reference.")],
    milestone: Annotated[str, typer.Argument(
        autocompletion=completion.milestones,
        help="assessment-decision, issue-decision, draft-plan, final-plan, annual-review "
             "(the review meeting), review-decision, amended-plan or ceased.",
        metavar="MILESTONE")],
    on: Annotated[str | None, typer.Option("--on", help="The day it happened, YYYY-MM-DD.")
                  ] = None,
    outcome: Annotated[str | None, typer.Option(
        "--outcome", autocompletion=completion.milestone_outcomes,
        help="agreed or refused (assessment-decision, issue-decision); maintain, amend or "
             "cease (review-decision).")] = None,
    withdraw: Annotated[bool, typer.Option(
        "--withdraw", help="Withdraw the latest MILESTONE recorded in error (with "
        "--reason).")] = False,
    correct: Annotated[bool, typer.Option(
        "--correct", help="Record it again in place of the latest MILESTONE (with --on, "
        "--reason).")] = False,
    reason: Annotated[str | None, typer.Option(
        "--reason", help="Why it is withdrawn or corrected (kept in the audit trail).")
                      ] = None,
    cease_reason: Annotated[str | None, typer.Option(
        "--cease-reason", help="Why the plan ended (ceased): max-age, needs-met, "
        "higher-education, employment, transferred, not-engaging, moved-abroad, died or "
        "other.")] = None,
) -> None:
    """Record a statutory step reached on a case; its status and clocks follow.

    A milestone recorded in error is withdrawn (--withdraw --reason TEXT) or
    recorded again with the right date or outcome (--correct --reason TEXT),
    never silently: the audit trail keeps both, and the status, clocks and
    figures are worked out again. A milestone with a later one recorded after
    it is refused: withdraw the later one first.
    Example: send-cli case milestone EHC-2026-00001 assessment-decision --on 2026-12-10
    --outcome agreed
    """
    from send_cli.casework import cases, timeline
    from send_cli.errors import BadInput
    from send_cli.render import message

    st = state(ctx)
    if withdraw and correct:
        raise BadInput("--withdraw and --correct cannot be used together")
    if (withdraw or correct) and not (reason or "").strip():
        raise BadInput(f"--{'withdraw' if withdraw else 'correct'} needs --reason TEXT")
    why = text(reason, what="--reason", max_len=500) if reason is not None else ""
    if withdraw:
        if on is not None or outcome is not None:
            raise BadInput("--withdraw takes no --on or --outcome")
        with st.store().write() as session:
            case = cases.open_case(session, ref)
            gone = timeline.withdraw_milestone(session=session, case=case, kind=milestone,
                                               reason=why, actor=st.settings.officer,
                                               now=st.settings.now)
            status, gone_on = case.status, gone.on
        message(f"{ref}: {milestone} of {gone_on} withdrawn; status {status}")
        return
    if on is None:
        raise BadInput("--on DATE is needed (or --withdraw)")
    day = a_date(on, what="--on")
    assert day is not None
    with st.store().write() as session:
        case = cases.open_case(session, ref)
        if correct:
            timeline.withdraw_milestone(session=session, case=case, kind=milestone,
                                               reason=why, actor=st.settings.officer,
                                               now=st.settings.now)
        timeline.record_milestone(session=session, case=case, kind=milestone, on=day,
                                  outcome=outcome, actor=st.settings.officer,
                                  now=st.settings.now, cease_reason=cease_reason)
        status = case.status
    told = f" ({outcome or cease_reason})" if outcome or cease_reason else ""
    message(f"{ref}: {milestone}{told} on {day} recorded"
            + (" in place of the one withdrawn" if correct else "") + f"; status {status}")


def case_transfer(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="The case reference.")],
    year: Annotated[int, typer.Option("--year", help="The year of the move, YYYY.",
                                      metavar="YYYY")],
    kind: Annotated[str, typer.Option("--kind", help="school (plan amended by 15 February) "
                                      "or post16 (by 31 March).", metavar="school|post16")],
) -> None:
    """Record a phase transfer due in a year (reg 18): the plan must be amended
    naming the new setting by 15 February, or 31 March for post-16. The clock
    runs for a plan in force; on a case still being assessed it starts with
    the final plan.

    Example: send-cli case transfer EHC-2026-00001 --year 2027 --kind school
    """
    from send_cli.casework import cases, timeline
    from send_cli.render import message
    from send_cli.rules.statutory import transfer_due

    st = state(ctx)
    with st.store().write() as session:
        case = cases.open_case(session, ref)
        timeline.set_transfer(session=session, case=case, year=year, kind=kind,
                              actor=st.settings.officer, now=st.settings.now)
        in_force = case.status == "plan-in-force"
    due = transfer_due(year, kind)
    if in_force:
        message(f"{ref}: {kind} transfer in {year}; plan to be amended by {due}")
    else:
        message(f"{ref}: {kind} transfer in {year} recorded; its clock (plan amended by {due}) "
                "starts when the final plan is made")


def case_exception(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="The case reference.")],
    reason: Annotated[str, typer.Option("--reason", help="What happened.")],
    code: Annotated[str, typer.Option("--code", help="reg 10(4): a school closed, b early "
                                      "years setting closed, c exceptional personal "
                                      "circumstances, d away from the area.",
                                      metavar="a|b|c|d")] = "c",
    from_: Annotated[str | None, typer.Option(
        "--from", help="The first day closed, away or affected, YYYY-MM-DD.")] = None,
    to: Annotated[str | None, typer.Option(
        "--to", help="The last day closed, away or affected, YYYY-MM-DD.")] = None,
) -> None:
    """Record a statutory exception to the time limits (reg 10(4)(a)-(d)). The
    deadline does not move; the exception is shown beside it and reported.
    With both dates, (a) and (b) need a closure of 4 weeks or more, and (d)
    an absence of 4 weeks or more within the 20 weeks, as the regulation says.

    Example: send-cli case exception EHC-2026-00001 --code d --reason "family abroad"
    --from 2026-12-01 --to 2027-01-10
    """
    from send_cli.casework import cases, timeline
    from send_cli.render import message

    st = state(ctx)
    reason = text(reason, what="--reason", max_len=500)
    start = a_date(from_, what="--from")
    end = a_date(to, what="--to")
    with st.store().write() as session:
        case = cases.open_case(session, ref)
        timeline.record_exception(session=session, case=case, code=code, reason=reason,
                                  from_date=start, to_date=end, actor=st.settings.officer,
                                  now=st.settings.now)
    message(f"{ref}: exception ({code}) recorded; the deadlines do not move")


def case_advice(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="The case reference.")],
    source: Annotated[str, typer.Option(
        "--from", autocompletion=completion.advice_sources,
        help="educational-psychology, health, social-care, school or other.")],
    requested: Annotated[str | None, typer.Option(
        "--requested", help="The day it was asked for (needed, except with --withdraw).")
                         ] = None,
    received: Annotated[str | None, typer.Option(
        "--received", help="The day it came (run again with the same --from and "
        "--requested to record it).")] = None,
    withdraw: Annotated[bool, typer.Option(
        "--withdraw", help="Withdraw this advice request, recorded in error (the latest "
        "from --from, or the one of --requested; with --reason).")] = False,
    correct: Annotated[bool, typer.Option(
        "--correct", help="Record it again in place of the latest from --from (with "
        "--requested, --reason).")] = False,
    reason: Annotated[str | None, typer.Option(
        "--reason", help="Why it is withdrawn or corrected (kept in the audit trail).")
                      ] = None,
) -> None:
    """Record advice asked for during an assessment (due 6 weeks after it was
    asked, reg 8), or its arrival.

    An advice request recorded in error is withdrawn (--withdraw --reason
    TEXT) or recorded again with the right dates (--correct --reason TEXT):
    it stays in 'case show', marked withdrawn, and in the audit trail; its
    6-week clock leaves the deadlines and the figures.
    Example: send-cli case advice EHC-2026-00001 --from educational-psychology
    --requested 2026-12-11 --received 2027-01-20
    """
    from send_cli.casework import advice, cases
    from send_cli.errors import BadInput
    from send_cli.render import message
    from send_cli.rules.statutory import CLOCKS, due_after

    st = state(ctx)
    if withdraw and correct:
        raise BadInput("--withdraw and --correct cannot be used together")
    if (withdraw or correct) and not (reason or "").strip():
        raise BadInput(f"--{'withdraw' if withdraw else 'correct'} needs --reason TEXT")
    if reason is not None and not (withdraw or correct):
        raise BadInput("--reason goes with --withdraw or --correct")
    why = text(reason, what="--reason", max_len=500) if reason is not None else ""
    asked = a_date(requested, what="--requested")
    got = a_date(received, what="--received")
    if withdraw:
        if got is not None:
            raise BadInput("--withdraw takes no --received")
        with st.store().write() as session:
            case = cases.open_case(session, ref)
            gone = advice.withdraw_advice(session=session, case=case, source=source,
                                          requested=asked, reason=why,
                                          actor=st.settings.officer, now=st.settings.now)
            gone_on = gone.requested
        message(f"{ref}: {source} advice requested on {gone_on} withdrawn; its 6-week clock "
                "leaves the deadlines and the figures")
        return
    if asked is None:
        raise BadInput("--requested DATE is needed (or --withdraw)")
    with st.store().write() as session:
        case = cases.open_case(session, ref)
        replaced = None
        if correct:
            replaced = advice.withdraw_advice(session=session, case=case, source=source,
                                              requested=None, reason=why,
                                              actor=st.settings.officer,
                                              now=st.settings.now).requested
        _, new = advice.record_advice(session=session, case=case, source=source,
                                      requested=asked, received=got,
                                      actor=st.settings.officer, now=st.settings.now,
                                      correcting=correct)
    due = due_after(CLOCKS["advice"], asked)
    instead = f", in place of the one requested on {replaced} (withdrawn)" if correct else ""
    if got is not None and not correct:
        late = (got - due).days
        when = (f"{late} day{'' if late == 1 else 's'} late") if late > 0 else "in time"
        message(f"{ref}: {source} advice received on {got} ({when}; due {due})")
    elif got is not None:
        late = (got - due).days
        when = (f"{late} day{'' if late == 1 else 's'} late") if late > 0 else "in time"
        message(f"{ref}: {source} advice requested on {asked}, received on {got} ({when}; "
                f"due {due}){instead}")
    elif new:
        message(f"{ref}: {source} advice requested on {asked}; due {due}{instead}")


def case_appeal(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="The case reference.")],
    decision_sent: Annotated[str, typer.Option(
        "--decision-sent", help="The day the decision letter was sent.")],
    certificate: Annotated[str | None, typer.Option(
        "--certificate", help="The day the mediation certificate was issued.")] = None,
    registered: Annotated[str | None, typer.Option(
        "--registered", help="The day the Tribunal registered the appeal.")] = None,
) -> None:
    """Record a family's disagreement with a decision, and show the last day to
    appeal: the later of 2 months from the decision letter and 1 month from the
    mediation certificate (Tribunal rules r20). When that day falls on a
    weekend, a bank holiday, 25 December to 1 January or in August, the
    Tribunal still accepts the appeal on the working day after (rule 12).

    Example: send-cli case appeal EHC-2026-00001 --decision-sent 2026-12-14
    --certificate 2027-01-20
    """
    from send_cli.casework import cases, timeline
    from send_cli.render import data_line, message

    st = state(ctx)
    sent = a_date(decision_sent, what="--decision-sent")
    cert = a_date(certificate, what="--certificate")
    reg = a_date(registered, what="--registered")
    assert sent is not None
    with st.store().write() as session:
        case = cases.open_case(session, ref)
        appeal, _ = timeline.record_appeal(session=session, case=case, decision_sent=sent,
                                           certificate=cert, registered=reg,
                                           actor=st.settings.officer, now=st.settings.now)
        last, until = timeline.appeal_window(session, appeal)
        registered_on = appeal.registered
    if registered_on is not None:
        message(f"{ref}: appeal registered on {registered_on}")
    elif until != last:
        message(f"{ref}: last day to appeal; the Tribunal accepts it until {until} "
                "(its rule 12)")
    else:
        message(f"{ref}: last day to appeal")
    data_line(last.isoformat())


@setting_app.command("show")
def setting_show(
    ctx: typer.Context,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """Show the council's settings and their defaults.

    Example: send-cli setting show
    """
    from send_cli.casework import timeline
    from send_cli.render import emit

    st = state(ctx)
    fmt = check_format(fmt, output)
    with st.store().read() as session:
        rows = timeline.setting_rows(session)
    emit(rows, ("setting", "value", "default", "meaning"), fmt=fmt, output=output,
         title="Settings", limit=0)


@setting_app.command("set")
def setting_set(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="under5-review-months, kpi-target-20-weeks, "
                                        "retention-age, retention-after-close-years, "
                                        "la-code, dmo, dco or dsco.")],
    value: Annotated[str, typer.Argument(help="The new value.")],
) -> None:
    """Change a council setting; the clocks it moves are recomputed at once.

    Example: send-cli setting set under5-review-months 6
    Example: send-cli setting set kpi-target-20-weeks 80
    """
    from send_cli.casework import timeline
    from send_cli.render import message

    st = state(ctx)
    if name in timeline.SEN2_MEANINGS:
        with st.store().write() as session:
            before, after = timeline.set_sen2_setting(session=session, name=name, value=value,
                                                      actor=st.settings.officer,
                                                      now=st.settings.now)
        message(f"{name}: {before or 'not set'} -> {after}")
        return
    with st.store().write() as session:
        old, new, cases = timeline.set_setting(session=session, name=name, value=value,
                                               actor=st.settings.officer,
                                               now=st.settings.now)
    if cases is None:
        message(f"{name}: {old} -> {new}")
    else:
        message(f"{name}: {old} -> {new}; the review clocks of {cases} "
                f"{'case' if cases == 1 else 'cases'} recomputed")
