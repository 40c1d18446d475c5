"""send-cli panel: decision-making panels, their meetings and agendas."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from send_cli.commands import completion
from send_cli.commands.common import (
    FormatOpt,
    LimitOpt,
    OutputOpt,
    a_date,
    check_format,
    state,
    text,
)

app = typer.Typer(help="Decision-making panels: remits, meetings, referrals, papers, "
                       "declarations of interest and the chair's agenda.",
                  no_args_is_help=True)

PanelOpt = Annotated[str, typer.Option("--panel", autocompletion=completion.panel_codes,
                                       help="The panel's code, e.g. MAP.")]
MeetingOpt = Annotated[str, typer.Option("--meeting", help="The meeting's date, YYYY-MM-DD.")]

PANEL_COLUMNS = ("code", "name", "cadence", "requests", "outcome")
MEETING_COLUMNS = ("panel", "date", "weekday", "time", "moved_from", "cases")
SCHEDULE_COLUMNS = ("panel", "date", "weekday", "time", "moved_from", "status", "note")


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _weekday(value: str) -> int:
    from send_cli.errors import BadInput
    from send_cli.rules.panels import parse_weekday

    day = parse_weekday(value)
    if day is None:
        raise BadInput(f"--weekday '{value}' is not a working weekday; use one of: "
                       "mon, tue, wed, thu, fri")
    return day


def _time(value: str | None) -> str | None:
    from send_cli.errors import BadInput
    from send_cli.rules.panels import parse_time

    if value is None:
        return None
    parsed = parse_time(value)
    if parsed is None:
        raise BadInput(f"--time '{value}' is not a time; use HH:MM from 00:00 to 23:59, "
                       "e.g. 10:00")
    return parsed


def _required_date(value: str, what: str) -> date:
    day = a_date(value, what=what)
    assert day is not None
    return day


@app.command("list")
def panel_list(ctx: typer.Context, fmt: FormatOpt = None, output: OutputOpt = None) -> None:
    """List the panels with their cadence, remit (request types) and outcome promise.

    Example: send-cli panel list --format json
    """
    from send_cli.casework import panels
    from send_cli.render import emit

    st = state(ctx)
    fmt = check_format(fmt, output)
    with st.store().read() as session:
        rows = panels.panel_rows(session)
    columns = PANEL_COLUMNS if fmt == "table" else panels.PANEL_KEYS
    emit(rows, columns, fmt=fmt, output=output, title="Panels", limit=None,
         empty="No panels.")


@app.command("add")
def panel_add(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="A short code, e.g. SEP.")],
    name: Annotated[str, typer.Option("--name", help="The panel's full name.")],
    cadence: Annotated[str, typer.Option("--cadence", autocompletion=completion.cadences,
                                         help="weekly, fortnightly or monthly.",
                                         metavar="weekly|fortnightly|monthly")],
    requests: Annotated[str, typer.Option("--requests", metavar="TYPE[,TYPE...]",
                                          help="The request types the panel considers.")],
    outcome_days: Annotated[int, typer.Option(
        "--outcome-days", help="The family hears the outcome by phone within N days of the "
        "meeting, 1 to 60.", metavar="N")] = 5,
    calendar_days: Annotated[bool, typer.Option(
        "--calendar-days", help="Count --outcome-days as calendar days, not working days "
        "(as JTP does).")] = False,
    no_outcome_email: Annotated[bool, typer.Option(
        "--no-outcome-email", help="The panel promises no email after the call.")] = False,
    outcome_by: Annotated[str, typer.Option(
        "--outcome-by", help="Who tells the family the outcome.")] = "casework officer",
) -> None:
    """Add a council's own panel, its remit and its outcome promise.

    Example: send-cli panel add SEP --name "Sensory Panel" --cadence monthly
    --requests transport,resource
    """
    from send_cli.casework import panels
    from send_cli.render import message

    st = state(ctx)
    name = text(name, what="--name", max_len=200)
    outcome_by = text(outcome_by, what="--outcome-by", max_len=200)
    wanted = [r.strip() for r in requests.split(",") if r.strip()]
    with st.store().write() as session:
        panel, new_types = panels.add_panel(
            session=session, code=code, name=name, cadence=cadence, requests=wanted,
            outcome_days=outcome_days, outcome_working_days=not calendar_days,
            outcome_email=not no_outcome_email, outcome_by=outcome_by,
            actor=st.settings.officer, now=st.settings.now)
        made = panel.code
    message(f"added panel {made} ({cadence}): {', '.join(dict.fromkeys(wanted))}")
    if new_types:
        message(f"new request types: {', '.join(new_types)}")


@app.command("schedule")
def panel_schedule(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The panel's code.")],
    start: Annotated[str, typer.Option("--from", help="First day of the period, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--to", help="Last day of the period, YYYY-MM-DD.")],
    weekday: Annotated[str, typer.Option("--weekday", metavar="mon..fri",
                                         help="The day the panel meets.")],
    at: Annotated[str, typer.Option("--time", help="Start time, HH:MM.")] = "10:00",
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """Create a panel's meetings for a period at its cadence. A meeting that
    falls on a bank holiday or closure day moves to the next working day (one
    the panel meets on anyway holds both); meetings already there are kept,
    never made twice.

    Example: send-cli panel schedule MAP --from 2026-12-01 --to 2027-01-31 --weekday fri
    """
    from send_cli.casework import meetings
    from send_cli.render import emit, message

    st = state(ctx)
    fmt = check_format(fmt, output)
    day = _weekday(weekday)
    when = _time(at)
    assert when is not None
    first = _required_date(start, "--from")
    last = _required_date(end, "--to")
    store = st.store()
    with store.write() as session:
        done = meetings.schedule(session=session, cal=store.calendar(), code=code,
                                  start=first, end=last, weekday=day, at=when,
                                  actor=st.settings.officer, now=st.settings.now)
    for note in done.moves:
        message(note)
    message(f"{code.upper()}: {_n(done.created, 'meeting')} created, {done.existing} already "
            "there")
    emit(done.rows, SCHEDULE_COLUMNS, fmt=fmt, output=output, title="Meetings", limit=None,
         empty="No meetings in that period.")


@app.command("meetings")
def panel_meetings(
    ctx: typer.Context,
    code: Annotated[str | None, typer.Argument(help="Only this panel's meetings.")] = None,
    start: Annotated[str | None, typer.Option("--from", help="From this date.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Up to this date.")] = None,
    include_cancelled: Annotated[bool, typer.Option(
        "--all", help="Include cancelled meetings.")] = False,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    limit: LimitOpt = 50,
) -> None:
    """List panel meetings; moved_from is the day a meeting moved from (a bank
    holiday, a closure day, or a move by hand).

    Example: send-cli panel meetings MAP --from 2026-12-01 --to 2027-01-31
    """
    from send_cli.render import emit
    from send_cli.reports import agenda

    st = state(ctx)
    fmt = check_format(fmt, output)
    first = a_date(start, what="--from")
    last = a_date(end, what="--to")
    columns = MEETING_COLUMNS + (("cancelled",) if include_cancelled else ())
    if fmt != "table":
        columns = agenda.MEETING_KEYS
    with st.reader() as reader:
        if code:
            agenda.panel_named(reader, code)
        chosen = {"code": code, "start": first, "end": last,
                  "include_cancelled": include_cancelled}
        rows = agenda.meeting_rows(reader, **chosen)
        total = agenda.meeting_count(reader, **chosen) if fmt == "table" else None
        emit(rows, columns, fmt=fmt, output=output, title="Panel meetings", limit=limit,
             empty="No meetings.", total=total)


@app.command("cancel")
def panel_cancel(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The panel's code.")],
    meeting: MeetingOpt,
    move_to: Annotated[str | None, typer.Option(
        "--move-to", help="The meeting (date) that takes the agenda. Default: the panel's "
        "next meeting.")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why it is cancelled.")] = None,
) -> None:
    """Cancel one meeting; its agenda (cases, papers due, declarations) moves to
    another meeting of the panel.

    Example: send-cli panel cancel MAP --meeting 2027-01-08 --move-to 2027-01-15
    """
    from send_cli.casework import meetings
    from send_cli.render import message

    st = state(ctx)
    day = _required_date(meeting, "--meeting")
    target_day = a_date(move_to, what="--move-to")
    why = text(reason, what="--reason", required=False, max_len=500) or None
    store = st.store()
    with store.write() as session:
        _, target, moved = meetings.cancel_meeting(
            session=session, cal=store.calendar(), code=code, day=day, move_to=target_day,
            reason=why, actor=st.settings.officer, now=st.settings.now)
        target_date = target.date if target is not None else None
    line = f"cancelled the {code.upper()} meeting of {day}"
    if target_date is not None and moved:
        line += f"; {_n(moved, 'case')} moved to {target_date}"
    message(line)


@app.command("move")
def panel_move(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The panel's code.")],
    meeting: MeetingOpt,
    to: Annotated[str | None, typer.Option("--to", help="The new date, YYYY-MM-DD.")] = None,
    at: Annotated[str | None, typer.Option("--time", help="The new time, HH:MM.")] = None,
) -> None:
    """Hold one meeting on another day or at another time; its agenda moves
    with it and the papers fall due before the new day.

    Example: send-cli panel move MAP --meeting 2027-01-08 --to 2027-01-07
    """
    from send_cli.casework import meetings
    from send_cli.render import message

    st = state(ctx)
    day = _required_date(meeting, "--meeting")
    new_day = a_date(to, what="--to")
    when = _time(at)
    store = st.store()
    with store.write() as session:
        moved, cases = meetings.move_meeting(
            session=session, cal=store.calendar(), code=code, day=day, to=new_day, at=when,
            actor=st.settings.officer, now=st.settings.now)
        where = f"{moved.date} {moved.time}"
    message(f"the {code.upper()} meeting of {day} is now on {where} ({_n(cases, 'case')} with "
            "it)")


@app.command("refer")
def panel_refer(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="The case reference.")],
    panel: PanelOpt,
    request: Annotated[str, typer.Option("--request", autocompletion=completion.requests,
                                         help="The request type, e.g. ehcna; "
                                         "see 'send-cli panel list'.")],
    meeting: Annotated[str | None, typer.Option(
        "--meeting", help="The meeting's date. Default: the next meeting whose papers "
        "deadline (2 working days before) has not passed.")] = None,
    officer: Annotated[str | None, typer.Option(
        "--officer", help="The presenting officer. Default: the case's officer.")] = None,
) -> None:
    """Put a case on a meeting's agenda. Prints the meeting's date; the papers
    become a follow-up of the presenting officer, due 2 working days before.

    Example: send-cli panel refer EHC-2026-00001 --panel MAP --request ehcna
    """
    from send_cli.casework import referrals
    from send_cli.render import data_line, message

    st = state(ctx)
    day = a_date(meeting, what="--meeting")
    store = st.store()
    with store.write() as session:
        done = referrals.refer(session=session, cal=store.calendar(), ref=ref, code=panel,
                               request=request.strip(), day=day, officer=officer,
                               actor=st.settings.officer, now=st.settings.now)
        m, due = done.meeting, done.referral.papers_due
    message(f"{ref} is on the agenda of {panel.upper()} {m.date} {m.time} for "
            f"'{request.strip()}'; papers due by {due}")
    for note in done.notes:
        message(f"note: {note}")
    data_line(m.date.isoformat())


@app.command("papers")
def panel_papers(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="The case reference.")],
    panel: PanelOpt,
    meeting: MeetingOpt,
    received: Annotated[str, typer.Option("--received", help="The day the papers arrived.")],
) -> None:
    """Record the day a case's papers for a meeting arrived; settles the
    papers follow-up.

    Example: send-cli panel papers EHC-2026-00001 --panel MAP --meeting 2027-01-08
    --received 2027-01-05
    """
    from send_cli.casework import referrals
    from send_cli.render import message

    st = state(ctx)
    day = _required_date(meeting, "--meeting")
    got = _required_date(received, "--received")
    with st.store().write() as session:
        items = referrals.record_papers(session=session, ref=ref, code=panel, day=day,
                                        received=got, actor=st.settings.officer,
                                        now=st.settings.now)
        due = items[0].papers_due
    late = f" (late: they were due by {due})" if got > due else ""
    message(f"papers for {ref} at {panel.upper()} {day} received {got}{late}")


@app.command("agenda")
def panel_agenda(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The panel's code.")],
    meeting: Annotated[str, typer.Option(
        "--meeting", help="The meeting's date, or 'next' for the next meeting.")],
    personal: Annotated[bool, typer.Option(
        "--with-personal-details", help="Add dates of birth and settings (left out by "
        "default: the chair's export carries only what the chair needs).")] = False,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """The cases for one meeting: request, presenting officer, papers,
    declarations of interest and earlier decisions. With --format csv -o FILE
    this is the chair's export.

    Example: send-cli panel agenda MAP --meeting 2027-01-08 --format csv -o agenda.csv
    """
    from send_cli.render import Col, emit
    from send_cli.reports import agenda

    st = state(ctx)
    fmt = check_format(fmt, output)
    with st.reader() as reader:
        day = agenda.resolve_meeting_day(reader, code, meeting, st.settings.now)
        title, rows = agenda.agenda(reader, cal=reader.calendar(), code=code, day=day,
                                    today=st.settings.today, personal=personal)
    columns = agenda.AGENDA_KEYS + (agenda.PERSONAL_KEYS if personal else ())
    if fmt != "table":
        emit(rows, columns, fmt=fmt, output=output, title=title, limit=None,
             empty="No cases on this agenda.")
        return
    # On screen: one line a case, its declarations and earlier decisions under it.
    shown = [{**row, "papers": _papers(row)} for row in rows]
    count = len(shown)
    table_cols = [Col("case_ref", "case ref"), Col("child"), Col("request"), Col("officer"),
                  Col("papers"), Col("outcome")]
    if personal:
        table_cols += [Col("dob"), Col("setting")]
    emit(shown, table_cols, fmt=fmt, title=f"{title}: {count} case" + ("s" if count != 1 else ""),
         limit=None, empty="No cases on this agenda.",
         details=[Col("declarations", "declared"), Col("prior_decisions", "before")],
         note=f"For the chair: send-cli panel agenda {code.upper()} --meeting {day} "
              "-o agenda.xlsx")


@app.command("declare")
def panel_declare(
    ctx: typer.Context,
    panel: PanelOpt,
    meeting: MeetingOpt,
    member: Annotated[str, typer.Option("--member", help="The panel member's name.")],
    case: Annotated[str, typer.Option("--case", help="The case reference.")],
    interest: Annotated[str, typer.Option("--interest", help="The personal interest.")],
) -> None:
    """Record a panel member's interest in a case at a meeting, before the
    meeting starts: the member takes no part in that case (and cannot chair it).

    Example: send-cli panel declare --panel MAP --meeting 2027-01-08 --member "R. Okafor"
    --case EHC-2026-00001 --interest "headteacher of the child's school"
    """
    from send_cli.casework import declarations
    from send_cli.render import message

    st = state(ctx)
    day = _required_date(meeting, "--meeting")
    member = text(member, what="--member", max_len=200)
    interest = text(interest, what="--interest", max_len=500)
    with st.store().write() as session:
        declarations.declare(session=session, code=panel, day=day, member=member, ref=case,
                          interest=interest, actor=st.settings.officer, now=st.settings.now)
    message(f"{member} declared an interest in {case} at {panel.upper()} {day} and takes no "
            "part in that case")


def _papers(row: dict[str, Any]) -> str:
    """The papers' state in a few words: missing, or received on a day (late or not)."""
    got = row.get("papers_received")
    if not got:
        return str(row.get("papers") or "missing")
    when = got if isinstance(got, date) else date.fromisoformat(str(got))
    due = row.get("papers_due")
    late = due is not None and str(got) > str(due)
    return f"{'late' if late else 'received'} {when:%d %b}"
