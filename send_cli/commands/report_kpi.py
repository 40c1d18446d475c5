"""send-cli report kpi: the council's figures."""

from __future__ import annotations

from typing import Annotated

import typer

from send_cli.commands.common import LimitOpt, OutputOpt, a_date, check_format, state

KpiFormatOpt = Annotated[str | None, typer.Option(
    "--format", "-f", help="table, csv, json, or html: the dashboard for managers, "
    "one file that opens offline and prints on A4 (needs -o). Default: from -o's "
    "extension (.html for the dashboard), else table.",
    metavar="table|csv|json|html")]

# one object, not a list: no workbook; html is the managers' dashboard
KPI_FORMATS = ("table", "csv", "json", "html")


def register(app: typer.Typer) -> None:
    app.command("kpi")(report_kpi)


def report_kpi(
    ctx: typer.Context,
    from_: Annotated[str | None, typer.Option(
        "--from", help="First day of the period, YYYY-MM-DD. Default: 12 months before "
        "--to.")] = None,
    to: Annotated[str | None, typer.Option(
        "--to", help="Last day of the period, YYYY-MM-DD. Default: today.")] = None,
    fmt: KpiFormatOpt = None,
    output: OutputOpt = None,
    limit: LimitOpt = 50,
) -> None:
    """The council's figures: plans within 20 weeks (with and without
    exceptions), decisions within 6 weeks, annual reviews on time, review
    decisions within 4 weeks, follow-ups kept, advice outstanding, caseload
    (the table lists the --limit busiest officers; CSV and JSON every one),
    each percentage with its trend over the last 12 months. JSON adds the
    same month by month ('months'); --format html draws them as a dashboard,
    with the open requests forecast to miss 20 weeks by the month they are due.

    Example: send-cli report kpi --format html -o kpi.html
    """
    from datetime import timedelta

    from send_cli.errors import BadInput
    from send_cli.render import emit_kpi
    from send_cli.reports.kpi import kpi
    from send_cli.rules.statutory import add_months

    st = state(ctx)
    fmt = check_format(fmt, output, KPI_FORMATS)
    today = st.settings.today
    end = a_date(to, what="--to") or today
    start = a_date(from_, what="--from") or add_months(end, -12) + timedelta(days=1)
    if start > end:
        raise BadInput(f"--from {start} is after --to {end}; give a period that runs forward")
    if fmt == "html":  # the dashboard adds the breach forecast, read in the same snapshot
        from send_cli.reports.forecast import by_month

        with st.store().read() as session:
            figures = kpi(session, start=start, end=end, today=today)
            outlook = by_month(session, today=today)
        emit_kpi(figures, fmt=fmt, output=output, forecast=outlook)
        return
    with st.reader() as reader:
        # the table shows no stock month by month, and the --limit busiest officers
        table = fmt == "table"
        figures = kpi(reader, start=start, end=end, today=today, stock=not table,
                      busiest=(limit or None) if table else None)
    emit_kpi(figures, fmt=fmt, output=output, limit=limit)
