"""send-cli deadlines: statutory deadlines due or missed."""

from __future__ import annotations

from typing import Annotated

import typer

from send_cli.commands.common import (
    ExitCodeOpt,
    FormatOpt,
    LimitOpt,
    OutputOpt,
    check_format,
    finish_list,
    state,
)

MAX_WITHIN_DAYS = 3660  # ten years ahead, as 'report nightly --within'


def register(app: typer.Typer) -> None:
    app.command("deadlines")(deadlines)


def deadlines(
    ctx: typer.Context,
    within: Annotated[int | None, typer.Option(
        "--within", min=0, max=MAX_WITHIN_DAYS, metavar="DAYS",
        help=f"Only those due within DAYS days from today (missed ones included); 0 to "
             f"{MAX_WITHIN_DAYS}.")] = None,
    breached: Annotated[bool, typer.Option(
        "--breached", help="Only those already missed.")] = False,
    officer: Annotated[str | None, typer.Option(
        "--officer", help="Only this named officer's cases.")] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    limit: LimitOpt = 50,
    exit_code: ExitCodeOpt = False,
) -> None:
    """Statutory deadlines due or missed, soonest first; days_left is negative
    when missed. A reg 10(4) exception is shown beside its deadline, which does
    not move; an advice row names its source. A closed case is not listed, nor
    a refused or ceased one except for the family's appeal window.

    Example: send-cli deadlines --within 7 --officer AO1
    """
    from datetime import timedelta

    from send_cli.render import Col, emit, message
    from send_cli.reports.deadlines import DEADLINE_COLUMNS, deadline_rows, deadline_summary
    from send_cli.reports.lookups import officer_named

    st = state(ctx)
    fmt = check_format(fmt, output)
    today = st.settings.today
    chosen = {"today": today, "within": within, "breached": breached, "officer": officer}
    with st.reader() as reader:
        if officer:
            officer_named(reader, officer)
        summary = deadline_summary(reader, **chosen) if fmt == "table" else None
        # a table shows the first --limit rows and counts the rest in SQL
        rows = deadline_rows(reader, **chosen, limit=limit if summary else None)
        columns = [Col(k, "left", justify="right") if k == "days_left" else Col(k)
                   for k in DEADLINE_COLUMNS]
        title = "Statutory deadlines missed" if breached else (
            f"Statutory deadlines due by {today + timedelta(days=within)}"
            if within is not None else "Statutory deadlines")
        count = emit(rows, columns, fmt=fmt, output=output, title=title, limit=limit,
                     total=summary[0] if summary else None, empty="No statutory deadlines due.",
                     fixed={"officer": "one officer"} if officer else None,
                     note="left: days to the deadline, negative when missed.")
    if summary is not None and summary[0]:
        message(f"{_count(summary[0], 'deadline')}, {summary[1]} missed; "
                f"{summary[2]} with a reg 10(4) exception recorded")
    finish_list(summary[0] if summary is not None else count, exit_code)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
