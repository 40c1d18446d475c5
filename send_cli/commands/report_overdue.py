"""send-cli overdue: the promises to families that are late."""

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
)


def register(root: typer.Typer) -> None:
    root.command("overdue")(overdue)


def overdue(
    ctx: typer.Context,
    officer: Annotated[str | None, typer.Option("--officer", help="Only this officer's.")] = None,
    team: Annotated[str | None, typer.Option("--team", autocompletion=completion.teams,
                                             help="Only this team's.")] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    limit: LimitOpt = 50,
    exit_code: ExitCodeOpt = False,
) -> None:
    """Open follow-ups past their due date, oldest first, with the working days late.

    While an officer is away their cover holds what falls due by the last day
    of the absence: it is listed under the cover, with 'for' naming them.

    Example: send-cli overdue --officer CO1 --format csv -o overdue.csv
    """
    from send_cli.render import Col, emit
    from send_cli.reports.lookups import officer_named
    from send_cli.reports.overdue import OVERDUE_KEYS, overdue_count, overdue_rows
    from send_cli.rules.people import TEAMS

    st = state(ctx)
    fmt = check_format(fmt, output)
    if team is not None:
        choice(team, TEAMS, what="--team")
    today = st.settings.today
    with st.reader() as reader:
        who = officer_named(reader, officer) if officer else None
        total = overdue_count(reader, today=today, officer=officer, team=team) \
            if fmt == "table" else None
        rows = overdue_rows(reader, cal=reader.calendar(), today=today, officer=officer,
                            team=team)
        columns = [Col(k) for k in OVERDUE_KEYS]
        columns[0] = Col("followup_id", "id", "right")
        columns[5] = Col("working_days_overdue", "late", "right")
        scope = f" for {who.code} {who.name}" if who is not None else \
            f" for the {team} team" if team else ""
        fixed = {"officer": "one officer", "team": "one officer"} if who is not None else \
            {"team": "one team"} if team else {}
        count = emit(rows, columns, fmt=fmt, output=output,
                     title=f"Overdue{scope}, {today:%a %d %b %Y}" + _how_many(total),
                     limit=limit, total=total, empty="Nothing is overdue.", fixed=fixed,
                     note="late: working days past the due date.")
    finish_list(total if total is not None else count, exit_code)


def _how_many(total: int | None) -> str:
    if not total:
        return ""
    return f": {total} follow-up" + ("" if total == 1 else "s")
