"""send-cli escalate / escalations: the escalation ladder of the casework charter."""

from __future__ import annotations

from typing import Annotated

import typer

from send_cli.commands import completion
from send_cli.commands.common import (
    ExitCodeOpt,
    FormatOpt,
    LimitOpt,
    OutputOpt,
    check_format,
    choice,
    finish_list,
    state,
    text,
)

TO_WORDS = ("business-support", "senior", "lead")


def register(root: typer.Typer) -> None:
    root.command("escalate")(escalate)
    root.command("escalations")(escalations)


def escalate(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="The case reference.")],
    to: Annotated[str, typer.Option("--to", help="The step the family escalated to: "
                                    "business-support, senior or lead.",
                                    metavar="business-support|senior|lead")],
    reason: Annotated[str, typer.Option("--reason", help="What the family raised.")],
) -> None:
    """Record a family's escalation; it is owed a reply within 5 working days.

    The reply is owed by the case's named officer; 'send-cli escalations' shows
    it at the step escalated to, climbing one step per further 5 working days.
    Example: send-cli escalate EHC-2026-00003 --to senior --reason "no reply to two emails"
    """
    from send_cli.render import data_line, message
    from send_cli.reports.escalations import raise_escalation
    from send_cli.rules.escalation import BY_LEVEL

    st = state(ctx)
    choice(to, TO_WORDS, what="--to")
    reason = text(reason, what="--reason", max_len=1000)
    store = st.store()
    with store.write() as session:
        followup = raise_escalation(session=session, cal=store.calendar(), case_ref=ref,
                                    to=to, reason=reason, actor=st.settings.officer,
                                    now=st.settings.now)
        fid, level, due = followup.id, followup.level, followup.due
    data_line(str(fid))
    message(f"escalated {ref} to {BY_LEVEL[level].title} (level {level}); "
            f"reply due {due:%a %d %b %Y} (follow-up {fid})")


def escalations(
    ctx: typer.Context,
    officer: Annotated[str | None, typer.Option(
        "--officer", help="Only follow-ups owed by this named officer.")] = None,
    team: Annotated[str | None, typer.Option(
        "--team", autocompletion=completion.teams,
        help="Only follow-ups owed by this team's officers.")] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    limit: LimitOpt = 50,
    exit_code: ExitCodeOpt = False,
) -> None:
    """What sits, or should sit, above the named officer: families' escalations
    not yet answered, and follow-ups 5, 10, 15+ working days late (business
    support, senior, lead casework officer). Highest step first. While the
    named officer is away the ladder starts at their cover; a step with no
    active officer in its role says so ('no lead officer').

    Example: send-cli escalations --team assessment --format csv -o escalations.csv
    """
    from send_cli.render import Col, emit
    from send_cli.reports.escalations import (
        ESCALATION_KEYS,
        escalation_count,
        escalation_rows,
    )
    from send_cli.rules.people import TEAMS

    st = state(ctx)
    fmt = check_format(fmt, output)
    if team is not None:
        choice(team, TEAMS, what="--team")
    today = st.settings.today
    if fmt == "table":
        columns = [Col("case_ref", "case"), Col("child"), Col("level", justify="right"),
                   Col("owner_role", "sits with"), Col("owner"), Col("since"),
                   Col("working_days_overdue", "late", "right"),
                   Col("reason"), Col("officer", "named officer"),
                   Col("followup_id", "follow-up", "right")]
    else:
        columns = [Col(k) for k in ESCALATION_KEYS]
    with st.reader() as reader:
        cal = reader.calendar()
        total = escalation_count(reader, cal=cal, today=today, officer=officer, team=team) \
            if fmt == "table" else None
        rows = escalation_rows(reader, cal=cal, today=today, officer=officer, team=team)
        count = emit(rows, columns, fmt=fmt, output=output,
                     title=f"Escalations on {today:%a %d %b %Y}", limit=limit, total=total,
                     empty="Nothing sits above the named officers.",
                     fixed={"officer": "one officer"} if officer else None,
                     note="late: working days past the due date.")
    finish_list(total if total is not None else count, exit_code)
