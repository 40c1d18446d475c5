"""send-cli audit: who changed what, when."""

from __future__ import annotations

from typing import Annotated

import typer

from send_cli.commands.common import FormatOpt, LimitOpt, OutputOpt, check_format, state

AUDIT_COLUMNS = ("at", "officer", "login", "action", "case_ref", "entity", "entity_id", "before",
                 "after")


def register(root: typer.Typer) -> None:
    root.command("audit")(audit)


def audit(
    ctx: typer.Context,
    ref: Annotated[str | None, typer.Argument(help="Only this case's entries.")] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    limit: LimitOpt = 50,
) -> None:
    """Who changed what, when: every change with the values before and after.

    Example: send-cli audit EHC-2026-00001
    """
    from send_cli.render import AUDIT_TABLE_COLUMNS, audit_table_rows, emit
    from send_cli.reports import cases as case_reports

    st = state(ctx)
    fmt = check_format(fmt, output)
    with st.reader() as reader:
        if ref is not None:
            case_reports.check_audit_ref(reader, ref)
        # JSON gives before and after as objects; a table or CSV as JSON text
        rows = case_reports.audit_rows(reader, case_ref=ref, objects=fmt == "json")
        if fmt == "table":
            emit(audit_table_rows(rows), AUDIT_TABLE_COLUMNS, fmt=fmt, output=output,
                 title="Audit trail", limit=limit, empty="No audit entries.",
                 total=case_reports.audit_count(reader, case_ref=ref))
        else:
            emit(rows, AUDIT_COLUMNS, fmt=fmt, output=output, limit=limit)
