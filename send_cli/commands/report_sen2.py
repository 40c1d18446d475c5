"""send-cli report sen2: the DfE's SEN2 return, and the checks before it goes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from send_cli.commands.common import OutputOpt, a_date, state

FINDING_COLUMNS = ("case_ref", "item", "severity", "message")


def register(app: typer.Typer) -> None:
    app.command("sen2")(report_sen2)


Sen2FormatOpt = Annotated[str | None, typer.Option(
    "--format", "-f", metavar="xml|xlsx|table|csv|json",
    help="The return: xml (the default; stdout without -o) or xlsx, a workbook with a "
         "sheet per module for people to check (needs -o). With --check: table (the "
         "default on screen), csv, json or xlsx. With -o and no --format, the file's "
         "extension decides.")]
RETURN_FORMATS = ("xml", "xlsx")


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
    fmt: Sen2FormatOpt = None,
    output: OutputOpt = None,
    exit_code: Annotated[bool, typer.Option(
        "--exit-code", help="With --check: exit 4 when there is an error.")] = False,
) -> None:
    """The SEN2 return: XML in the DfE's items and order (on stdout, or -o
    FILE.xml), or -o FILE.xlsx, the same return as a workbook with a sheet
    per module and one of the checks, for people to look over; with --check
    the findings to clear first. It covers the requests, assessments and
    ceased plans of the calendar year before the census, and the plans in
    force on the census date.

    Example: send-cli report sen2 --year 2027 -o sen2-2027.xml
    """
    from send_cli import __version__
    from send_cli.commands.common import check_format
    from send_cli.errors import BadInput, RuleViolation
    from send_cli.render import emit, message
    from send_cli.reports import sen2 as report
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
        fmt = check_format(fmt, output)
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
    if exit_code:
        raise BadInput("--exit-code goes with --check")
    fmt = check_format(fmt, output, RETURN_FORMATS, default="xml")
    with st.store().read() as session:
        head = report.header(session, year=year, census=day, made=st.settings.now,
                             release=__version__)
        missing = rules.check_header(head)
        if missing:
            raise RuleViolation(f"the return cannot be made: {missing[0].message}",
                                hint="See 'send-cli report sen2 --year "
                                     f"{year} --check'.")
        counts = {"persons": 0, "error": 0, "query": 0}
        unlinked = list(report.unlinked(session, census=day))
        counts["error"] += len(unlinked)

        def people() -> Iterator[tuple[Any, list[Any]]]:
            """Each person with their findings, counted as they are written."""
            for person in report.persons(session, census=day):
                counts["persons"] += 1
                found = list(rules.check_person(person, census=day, la=head.la))
                for f in found:
                    counts[f.severity] += 1
                yield person, found

        if fmt == "xlsx":
            _workbook(head, unlinked, people(), output)
        else:
            _xml(head, (person for person, _ in people()), output)
    where = f" to {output}" if output is not None else ""
    message(f"SEN2 {year} (census {day}): {counts['persons']} people written{where}; "
            + _counted(counts["error"], counts["query"])
            + (f" (see 'send-cli report sen2 --year {year} --check')"
               if counts["error"] or counts["query"] else ""))


def _xml(head: Any, people: Iterator[Any], output: Path | None) -> None:
    """The return as XML on stdout, or in OUTPUT written aside and renamed
    when whole (a return that fails half way leaves no half file)."""
    from send_cli.render import destination
    from send_cli.reports.sen2xml import xml_chunks

    with destination(output) as fh:
        for chunk in xml_chunks(head, people):
            fh.write(chunk)


def _workbook(head: Any, unlinked: list[Any], people: Iterator[tuple[Any, list[Any]]],
              output: Path | None) -> None:
    """The return as a workbook, a sheet per module and one of the checks,
    streamed person by person, written aside and renamed when whole."""
    from send_cli.errors import BadInput
    from send_cli.render.files import safe_path
    from send_cli.render.tables import Col
    from send_cli.render.xlsx import write_sheets
    from send_cli.reports import sen2modules as modules
    from send_cli.rules.sen2 import check_header

    def rows() -> Iterator[tuple[str, dict[str, Any]]]:
        yield modules.header_row(head)
        for f in [*check_header(head), *unlinked]:
            yield modules.finding_row(f)
        for number, (person, found) in enumerate(people, 1):
            yield from modules.person_rows(number, person)
            for f in found:
                yield modules.finding_row(f)

    sheets = [(name, [Col(key) for key in keys]) for name, keys in modules.MODULES.items()]
    if output is None:  # check_format has refused it already
        raise BadInput("--format xlsx writes a file; add -o FILE.xlsx")
    with safe_path(output) as tmp:
        write_sheets(sheets, rows(), tmp)


def _counted(errors: int, queries: int) -> str:
    return (f"{errors} error{'' if errors == 1 else 's'}, "
            f"{queries} quer{'y' if queries == 1 else 'ies'}")
