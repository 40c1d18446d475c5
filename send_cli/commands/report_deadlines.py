"""send-cli deadlines: statutory deadlines due or missed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Annotated, Any

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
    fmt: FormatOpt = "table",
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

    from send_cli import casework
    from send_cli.render import Col, emit, message
    from send_cli.reports.deadlines import DEADLINE_COLUMNS, deadline_rows

    st = state(ctx)
    check_format(fmt)
    today = st.settings.today
    counts = {"rows": 0, "missed": 0, "exceptions": 0}

    def counted(rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for row in rows:
            counts["rows"] += 1
            counts["missed"] += row["days_left"] < 0
            counts["exceptions"] += row["exception"] is not None
            yield row

    with st.store().read() as session:
        if officer:
            casework.get_officer(session, officer)
        rows = deadline_rows(session, today=today, within=within, breached=breached,
                             officer=officer)
        columns = [Col(k, justify="right") if k == "days_left" else Col(k)
                   for k in DEADLINE_COLUMNS]
        title = "Statutory deadlines missed" if breached else (
            f"Statutory deadlines due by {today + timedelta(days=within)}"
            if within is not None else "Statutory deadlines")
        emit(counted(rows), columns, fmt=fmt, output=output, title=title, limit=limit,
             empty="No statutory deadlines due.")
    if fmt == "table" and counts["rows"]:
        message(f"{counts['rows']} deadlines, {counts['missed']} missed; "
                f"{counts['exceptions']} with a reg 10(4) exception recorded")
    finish_list(counts["rows"], exit_code)
