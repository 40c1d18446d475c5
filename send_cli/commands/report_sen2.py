"""send-cli report sen2: the DfE's SEN2 return, and the checks before it goes."""

from __future__ import annotations

from typing import Annotated

import typer

from send_cli.commands.common import FormatOpt, OutputOpt, a_date, state

FINDING_COLUMNS = ("case_ref", "item", "severity", "message")


def register(app: typer.Typer) -> None:
    app.command("sen2")(report_sen2)


def report_sen2(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", help="The collection year, e.g. 2027 for the "
                                      "return made in January 2027.")],
    census: Annotated[str | None, typer.Option(
        "--census", help="The census date, YYYY-MM-DD. Default: the date the DfE published "
        "for the year.")] = None,
    check: Annotated[bool, typer.Option(
        "--check", help="List what to put right (error) or explain (query) before "
        "submitting, instead of writing the return.")] = False,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    exit_code: Annotated[bool, typer.Option(
        "--exit-code", help="With --check: exit 4 when there is an error.")] = False,
) -> None:
    """The SEN2 return: XML in the DfE's items and order (on stdout, or -o
    FILE.xml), or with --check the findings to clear first. It covers the
    requests, assessments and ceased plans of the calendar year before the
    census, and the plans in force on the census date.

    Example: send-cli report sen2 --year 2027 -o sen2-2027.xml
    """
    import os

    from send_cli import __version__
    from send_cli.commands.common import check_format
    from send_cli.errors import BadInput, RuleViolation
    from send_cli.render import destination, emit, message
    from send_cli.reports import sen2 as report
    from send_cli.reports.sen2xml import xml_chunks
    from send_cli.rules import sen2 as rules

    st = state(ctx)
    if not 2015 <= year <= 2100:
        raise BadInput(f"--year {year} is out of range; use the year of the census, e.g. 2027")
    day = a_date(census, what="--census") or rules.census_date(year)
    if day is None:
        raise BadInput(f"no census date is on record for {year}; give it with --census DATE "
                       f"(the DfE sets the third Thursday of January: "
                       f"{rules.third_thursday(year)})")
    if day.year != year:
        raise BadInput(f"--census {day} is not in {year}; the census of the {year} return "
                       f"falls in January {year}")
    if check:
        check_format(fmt)
        with st.store().read() as session:
            head = report.header(session, year=year, census=day, made=st.settings.now,
                                 release=__version__)
            rows = [f.__dict__ for f in report.findings(session, head)]
        emit(rows, FINDING_COLUMNS, fmt=fmt, output=output,
             title=f"SEN2 {year}: checks before submission (census {day})", limit=0,
             empty="No findings: the return is ready to submit.")
        errors = sum(1 for r in rows if r["severity"] == "error")
        if fmt == "table" and rows:
            message(_counted(errors, len(rows) - errors))
        if exit_code and errors:
            raise typer.Exit(4)
        return
    if fmt != "table":
        raise BadInput("--format is for --check; the return itself is XML (-o FILE.xml)")
    if exit_code:
        raise BadInput("--exit-code goes with --check")
    if output is not None and output.suffix.lower() not in (".xml",):
        raise BadInput(f"-o '{output}' does not end in .xml; the return is an XML file")
    with st.store().read() as session:
        head = report.header(session, year=year, census=day, made=st.settings.now,
                             release=__version__)
        missing = rules.check_header(head)
        if missing:
            raise RuleViolation(f"the return cannot be made: {missing[0].message}",
                                hint="See 'send-cli report sen2 --year "
                                     f"{year} --check'.")
        counts = {"persons": 0, "error": 0, "query": 0}

        def people():  # counted, and checked, as they are written
            for person in report.persons(session, census=day):
                counts["persons"] += 1
                for f in rules.check_person(person, census=day, la=head.la):
                    counts[f.severity] += 1
                yield person

        # to a file: written beside it and renamed when whole, so a return
        # that fails half way never leaves half a file under the real name
        part = None if output is None else output.with_name(output.name + ".part")
        try:
            with destination(part) as fh:
                for chunk in xml_chunks(head, people()):
                    fh.write(chunk)
        except BaseException:
            if part is not None:
                part.unlink(missing_ok=True)
            raise
        if part is not None and output is not None:
            os.replace(part, output)
    where = f" to {output}" if output is not None else ""
    message(f"SEN2 {year} (census {day}): {counts['persons']} people written{where}; "
            + _counted(counts["error"], counts["query"])
            + (f" (see 'send-cli report sen2 --year {year} --check')"
               if counts["error"] or counts["query"] else ""))


def _counted(errors: int, queries: int) -> str:
    return (f"{errors} error{'' if errors == 1 else 's'}, "
            f"{queries} quer{'y' if queries == 1 else 'ies'}")
