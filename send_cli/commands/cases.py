"""send-cli case: register requests and follow each case."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from send_cli.commands import completion
from send_cli.commands.common import (
    FormatOpt,
    LimitOpt,
    OutputOpt,
    a_date,
    check_format,
    choice,
    state,
    text,
)
from send_cli.errors import BadInput

app = typer.Typer(help="Cases: register a request for an EHC needs assessment and follow it.",
                  no_args_is_help=True)

CASE_COLUMNS = ("ref", "name", "dob", "officer", "status", "received", "requested_by",
                "setting")


@app.command("add")
def case_add(
    ctx: typer.Context,
    officer: Annotated[str, typer.Option("--officer", help="The named officer's code.")],
    received: Annotated[str, typer.Option("--received", help="The day the council received "
                                          "the request, YYYY-MM-DD: every statutory clock "
                                          "starts here.")],
    name: Annotated[str | None, typer.Option(
        "--name", help="The child's or young person's full name (split at its last space "
        "into forename and surname; or give --forename and --surname).")] = None,
    forename: Annotated[str | None, typer.Option("--forename", help="Forename(s).")] = None,
    surname: Annotated[str | None, typer.Option("--surname", help="Surname.")] = None,
    dob: Annotated[str | None, typer.Option("--dob", help="Date of birth, YYYY-MM-DD.")] = None,
    ref: Annotated[str | None, typer.Option("--ref", help="The case reference; one is made "
                                            "(EHC-YEAR-NNNNN) if absent.")] = None,
    requested_by: Annotated[str | None, typer.Option(
        "--requested-by", autocompletion=completion.requested_by,
        help="parent, young-person, setting (school or college), health, social-care or "
             "other.")] = None,
    setting: Annotated[str | None, typer.Option("--setting", help="School or setting.")] = None,
    sex: Annotated[str | None, typer.Option("--sex", help="M, F or U (not known).")] = None,
    ethnicity: Annotated[str | None, typer.Option(
        "--ethnicity", help="CBDS code, e.g. WBRI; NOBT when not yet obtained.")] = None,
    postcode: Annotated[str | None, typer.Option("--postcode", help="Home postcode.")] = None,
    upn: Annotated[str | None, typer.Option("--upn", help="Unique Pupil Number.")] = None,
    uln: Annotated[str | None, typer.Option("--uln", help="Unique Learner Number.")] = None,
    upn_unknown: Annotated[str | None, typer.Option(
        "--upn-unknown", help="UN1-UN10: why there is no UPN or ULN.")] = None,
    transferred_from: Annotated[str | None, typer.Option(
        "--transferred-from", help="LA code of the council a plan came from.")] = None,
    same_child: Annotated[str | None, typer.Option(
        "--same-child", help="A new request for the child of this case.",
        metavar="REF")] = None,
    new_child: Annotated[bool, typer.Option(
        "--new-child", help="A different child who shares a known child's name and date "
        "of birth.")] = False,
) -> None:
    """Register a request for an EHC needs assessment. Prints the reference.
    A child already known (same forename, surname and date of birth, or the
    same UPN) is refused, naming their case: add --same-child REF for a new
    request for them, or --new-child for a different child.

    Example: send-cli case add --forename Sam --surname Jones --dob 2016-05-04
    --officer AO1 --received 2026-11-02 --requested-by parent --sex M
    """
    from send_cli.casework import cases, persons
    from send_cli.render import data_line
    from send_cli.rules.people import REQUESTED_BY, REQUESTED_BY_OLD

    st = state(ctx)
    if requested_by is not None:
        choice(requested_by, REQUESTED_BY + tuple(REQUESTED_BY_OLD), what="--requested-by")
    if name is not None:
        name = text(name, what="--name", max_len=200)
        if forename is not None or surname is not None:
            raise BadInput("--name is --forename and --surname together; give one or the "
                           "others")
    setting = text(setting, what="--setting", required=False, max_len=200) or None
    born = _date_of_birth(dob) if dob is not None else None
    got = a_date(received, what="--received")
    assert got is not None
    details = persons.Details(forename=forename, surname=surname, sex=sex,
                              ethnicity=ethnicity, postcode=postcode, upn=upn, uln=uln,
                              upn_unknown=upn_unknown)
    with st.store().write() as session:
        case = cases.add_case(session=session, ref=ref, name=name, dob=born,
                              officer=officer, received=got, requested_by=requested_by,
                              setting=setting, actor=st.settings.officer,
                              now=st.settings.now, details=details,
                              same_child=same_child, new_child=new_child,
                              transferred_from=transferred_from)
        ref_made = case.ref
    data_line(ref_made)


def _date_of_birth(value: str) -> Any:
    """--dob as a date. A bad one is not repeated in the message: a mistyped
    date of birth is mostly the real one (no personal data in
    messages, which reach terminals and cron logs)."""
    from send_cli.errors import BadInput

    try:
        return a_date(value, what="--dob")
    except BadInput:
        raise BadInput("--dob is not a real date of the form YYYY-MM-DD (a year from 1900 "
                       "to 2100); the value is not repeated here") from None


@app.command("list")
def case_list(
    ctx: typer.Context,
    officer: Annotated[str | None, typer.Option("--officer", help="Only this officer's.")] = None,
    status: Annotated[str | None, typer.Option(
        "--status", help="requested, assessing, drafting, plan-in-force, refused, ceased or "
        "closed.")] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    limit: LimitOpt = 50,
) -> None:
    """List cases.

    Example: send-cli case list --officer AO1 --status assessing
    """
    from send_cli.render import emit
    from send_cli.reports import cases as case_reports
    from send_cli.rules.cases import CASE_STATUSES

    st = state(ctx)
    fmt = check_format(fmt, output)
    if status is not None:
        choice(status, CASE_STATUSES, what="--status")
    with st.reader() as reader:
        if officer is not None:  # an unknown code is refused, not listed as no cases
            from send_cli.reports.lookups import officer_named

            officer_named(reader, officer)
        total = None
        if fmt == "table":
            total = case_reports.case_count(reader, officer=officer, status=status)
        rows = case_reports.case_rows(reader, officer=officer, status=status)
        emit(rows, CASE_COLUMNS, fmt=fmt, output=output, title="Cases", limit=limit,
             total=total, empty="No cases.")


@app.command("show")
def case_show(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="The case reference.")],
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """The case and its whole timeline: statutory clocks, milestones, panels,
    decisions, contacts, follow-ups and audit.

    Example: send-cli case show EHC-2026-00001
    """
    from send_cli.render import emit_case
    from send_cli.reports import cases as case_reports
    from send_cli.reports.casefile import case_detail

    st = state(ctx)
    fmt = check_format(fmt, output, ("table", "json"))
    with st.reader() as reader:
        detail: dict[str, Any] = case_detail(reader, ref, st.settings.today)
    if fmt == "json":  # the audit entries' before and after as objects, as 'audit' gives
        detail["audit"] = [{**e, "before": case_reports.audit_value(e["before"]),
                            "after": case_reports.audit_value(e["after"])}
                           for e in detail["audit"]]
    emit_case(detail, fmt=fmt, output=output, today=st.settings.today)


@app.command("assign")
def case_assign(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="The case reference.")],
    officer: Annotated[str, typer.Argument(help="The new named officer's code.")],
) -> None:
    """Give a case, its open follow-ups and its panel referrals still to be
    presented to another officer (one whose role can hold casework).

    Example: send-cli case assign EHC-2026-00001 CO2
    """
    from send_cli.casework import cases
    from send_cli.render import message

    st = state(ctx)
    with st.store().write() as session:
        _, moved, referrals = cases.assign_case(session=session, ref=ref, officer=officer,
                                                actor=st.settings.officer, now=st.settings.now)
    message(f"{ref} is now with {officer} ({moved} open follow-ups and {referrals} panel "
            "referrals moved)")


@app.command("close")
def case_close(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="The case reference.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the case closes.")],
) -> None:
    """Close a case; its open follow-ups are closed with it.

    Example: send-cli case close EHC-2026-00001 --reason "moved out of the area"
    """
    from send_cli.casework import cases
    from send_cli.render import message

    st = state(ctx)
    reason = text(reason, what="--reason", max_len=500)
    with st.store().write() as session:
        cases.close_case(session=session, ref=ref, reason=reason,
                            actor=st.settings.officer, now=st.settings.now)
    message(f"closed {ref}")
