"""send-cli calendar: working days, bank holidays and the council's closure days."""

from __future__ import annotations

from typing import Annotated

import typer

from send_cli.commands.common import FormatOpt, OutputOpt, a_date, check_format, state, text

app = typer.Typer(help="Working days: England's bank holidays (with substitute days) and "
                  "the council's own closure days.", no_args_is_help=True)


@app.command("close")
def calendar_close(
    ctx: typer.Context,
    day: Annotated[str, typer.Argument(help="The day, YYYY-MM-DD.", metavar="DATE")],
    reason: Annotated[str, typer.Option("--reason", help="Why the council is closed.")],
) -> None:
    """Make a day a council closure day (not a working day).

    Promises already made keep their due dates; new ones count around the closure.
    A panel meeting on that day moves to the next working day with its agenda
    (refused when the panel already meets that day: merge or move it first).
    Open follow-ups due that day move to the next working day too.
    Example: send-cli calendar close 2026-12-29 --reason "Christmas closure"
    """
    from send_cli.casework import calendar
    from send_cli.render import message

    st = state(ctx)
    when = a_date(day, what="DATE")
    reason = text(reason, what="--reason", max_len=200)
    assert when is not None
    store = st.store()
    with store.write() as session:
        done = calendar.close_day(session=session, cal=store.calendar(), day=when,
                                     reason=reason, actor=st.settings.officer,
                                     now=st.settings.now)
    store.forget_calendar()
    message(f"{when} ({when:%A}) is now a closure day: {reason}")
    for line in done.moved + done.followups:
        message(line)
    for note in done.notes:
        message(f"note: {note}")


@app.command("reopen")
def calendar_reopen(
    ctx: typer.Context,
    day: Annotated[str, typer.Argument(help="The closure day, YYYY-MM-DD.", metavar="DATE")],
) -> None:
    """Remove a council closure day (it becomes a working day again).

    Panel meetings moved off it stay where they are; the command says how to move each back.

    Example: send-cli calendar reopen 2026-12-29
    """
    from send_cli.casework import calendar
    from send_cli.render import message

    st = state(ctx)
    when = a_date(day, what="DATE")
    assert when is not None
    store = st.store()
    with store.write() as session:
        notes = calendar.reopen_day(session=session, day=when, actor=st.settings.officer,
                                       now=st.settings.now)
    store.forget_calendar()
    message(f"{when} is a working day again")
    for note in notes:
        message(f"note: {note}")


@app.command("list")
def calendar_list(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Option("--year", help="Default: this year.",
                                             min=1900, max=2100)] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """The non-working days other than weekends: bank holidays and closure days.

    A bank holiday that falls on a weekend is left out; its substitute weekday is listed.

    Example: send-cli calendar list --year 2027
    """
    from datetime import date

    from send_cli.render import emit

    st = state(ctx)
    fmt = check_format(fmt, output)
    y = year or st.settings.today.year
    cal = st.store().calendar()
    rows = [{"date": d, "weekday": f"{d:%A}", "kind": kind, "name": name}
            for d, kind, name in cal.non_working_days(date(y, 1, 1), date(y, 12, 31))]
    emit(rows, ("date", "weekday", "kind", "name"), fmt=fmt, output=output,
         title=f"Non-working days in {y} (besides weekends)", limit=None)


@app.command("add-working-days")
def calendar_add_working_days(
    ctx: typer.Context,
    day: Annotated[str, typer.Argument(help="The start, YYYY-MM-DD.", metavar="DATE")],
    n: Annotated[int, typer.Argument(help="How many working days (negative: before).",
                                     min=-2000, max=2000)],
) -> None:
    """Print the date N working days after DATE.

    Example: send-cli calendar add-working-days 2026-12-23 5
    """
    from send_cli.render import data_line

    st = state(ctx)
    start = a_date(day, what="DATE")
    assert start is not None
    data_line(st.store().calendar().add_working_days(start, n).isoformat())


@app.command("working-days")
def calendar_working_days(
    ctx: typer.Context,
    start: Annotated[str, typer.Argument(help="From, YYYY-MM-DD.", metavar="FROM")],
    end: Annotated[str, typer.Argument(help="To, YYYY-MM-DD.", metavar="TO")],
) -> None:
    """Print how many working days TO is after FROM (FROM not counted, TO counted).

    Example: send-cli calendar working-days 2026-12-24 2027-01-04
    """
    from send_cli.render import data_line

    st = state(ctx)
    a = a_date(start, what="FROM")
    b = a_date(end, what="TO")
    assert a is not None and b is not None
    data_line(str(st.store().calendar().working_days_between(a, b)))


@app.command("next-working-day")
def calendar_next_working_day(
    ctx: typer.Context,
    day: Annotated[str, typer.Argument(help="The day, YYYY-MM-DD.", metavar="DATE")],
) -> None:
    """Print the first working day after DATE.

    Example: send-cli calendar next-working-day 2026-12-24
    """
    from send_cli.render import data_line

    st = state(ctx)
    start = a_date(day, what="DATE")
    assert start is not None
    data_line(st.store().calendar().next_working_day(start).isoformat())
