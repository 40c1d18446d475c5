"""send-cli forecast: which requests will miss 20 weeks, and why, before they do."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from send_cli.commands.common import (
    ExitCodeOpt,
    FormatOpt,
    LimitOpt,
    OutputOpt,
    a_date,
    check_format,
    finish_list,
    state,
)

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path

    from send_cli.commands.common import AppState

MAX_WITHIN_WEEKS = 520
MAX_BACKTEST_DAYS = 3 * 366  # three years of Mondays


def register(app: typer.Typer) -> None:
    app.command("forecast")(forecast)


def forecast(
    ctx: typer.Context,
    officer: Annotated[str | None, typer.Option(
        "--officer", help="Only this named officer's requests.")] = None,
    within: Annotated[int | None, typer.Option(
        "--within", min=0, max=MAX_WITHIN_WEEKS, metavar="WEEKS",
        help="Only requests whose 20-week day falls within WEEKS weeks from today "
             "(those already past it included).")] = None,
    summary: Annotated[bool, typer.Option(
        "--summary", help="For managers: how many are forecast to miss 20 weeks, by what "
        "they wait for, and each advice source's backlog and throughput over the last "
        "12 weeks.")] = False,
    backtest: Annotated[bool, typer.Option(
        "--backtest", help="Replay the forecast each Monday from --from to --to with only "
        "what was known then, and score it against what happened.")] = False,
    from_: Annotated[str | None, typer.Option(
        "--from", help="With --backtest: the first day, YYYY-MM-DD.")] = None,
    to: Annotated[str | None, typer.Option(
        "--to", help="With --backtest: the last day, YYYY-MM-DD (today or earlier).")] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    limit: LimitOpt = 50,
    exit_code: ExitCodeOpt = False,
) -> None:
    """Which open requests will miss 20 weeks, and what they wait for.

    Each request's final plan is forecast from the team's own median time
    for each stage over the last 12 months (margin_days negative: late); a
    stage with no history takes its statutory length and says so.

    Example: send-cli forecast --within 8 --officer AO1
    """
    from send_cli.errors import BadInput

    st = state(ctx)
    fmt = check_format(fmt, output)
    today = st.settings.today
    if backtest:
        if officer or within is not None or summary:
            raise BadInput("--backtest takes --from and --to only (not --officer, --within "
                           "or --summary)")
        _backtest(st, from_=from_, to=to, fmt=fmt, output=output, today=today)
        return
    if from_ is not None or to is not None:
        raise BadInput("--from and --to are for --backtest; add --backtest, or leave them "
                       "out to forecast today")
    from datetime import timedelta

    from send_cli.render import message
    from send_cli.render.forecast import emit_forecast, emit_forecast_summary
    from send_cli.reports.forecast import (
        FORECAST_KEYS,
        forecast_rows,
        forecast_top,
        medians,
        summary_line,
        waiting_summary,
    )
    from send_cli.reports.forecast import summary as summarise
    from send_cli.reports.lookups import officer_named

    with st.reader() as reader:
        if officer:
            officer_named(reader, officer)
        meds = medians(reader, day=today)
        if fmt == "table" and not summary and limit:
            # a page of the table: the rest is counted in the database
            rows, facts = forecast_top(reader, today=today, limit=limit, officer=officer,
                                       within=within, meds=meds)
        else:
            rows = forecast_rows(reader, today=today, officer=officer, within=within,
                                 meds=meds)
            facts = (summarise(reader, rows, today=today, meds=meds) if summary
                     else waiting_summary(rows, today=today))
    if summary:
        emit_forecast_summary(facts, fmt=fmt, output=output)
        finish_list(facts["forecast_late"], exit_code)
        return
    scope = f", {officer}" if officer else ""
    if within is not None:
        scope += f", due by {today + timedelta(weeks=within)}"
    title = (f"Forecast {today:%a %d %b %Y}{scope}: {facts['forecast_late']} of "
             f"{facts['open_requests']} to miss 20 weeks")
    emit_forecast(rows, FORECAST_KEYS, fmt=fmt, output=output, title=title,
                  total=facts["open_requests"],
                  limit=limit or None, one_officer=bool(officer),
                  note="margin: days to spare on the 20 weeks (negative: late); what each "
                       "forecast rests on: --format json (basis).")
    if fmt == "table" and rows:
        message(summary_line(facts))
    finish_list(facts["forecast_late"], exit_code)


def _backtest(st: AppState, *, from_: str | None, to: str | None, fmt: str | None,
              output: Path | None, today: date) -> None:
    from send_cli.errors import BadInput
    from send_cli.render import emit_object
    from send_cli.reports.forecast import backtest

    start, end = a_date(from_, what="--from"), a_date(to, what="--to")
    if start is None or end is None:
        raise BadInput("--backtest needs --from DATE and --to DATE (YYYY-MM-DD)")
    if start > end:
        raise BadInput(f"--from {start} is after --to {end}; give a period that runs forward")
    if end > today:
        raise BadInput(f"--to {end} is after today ({today}): the backtest replays the past")
    if (end - start).days > MAX_BACKTEST_DAYS:
        raise BadInput(f"--from {start} to --to {end} is more than three years; give a "
                       "shorter period")
    with st.store().read() as session:
        figures = backtest(session, start=start, end=end, today=today)
    emit_object(figures, fmt=fmt, output=output)
