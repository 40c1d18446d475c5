"""Top-level report commands (overdue, escalations, escalate, deadlines,
forecast) and 'send-cli report kpi|nightly'. Each lives in a module of its own."""

from __future__ import annotations

import typer

report_app = typer.Typer(no_args_is_help=True,
                         help="The council's figures and the nightly bundle for cron.")


def register(root: typer.Typer) -> None:
    from send_cli.commands import (
        forecast,
        report_deadlines,
        report_escalations,
        report_kpi,
        report_nightly,
        report_overdue,
        report_sen2,
    )

    report_overdue.register(root)
    report_escalations.register(root)
    report_deadlines.register(root)
    forecast.register(root)
    report_kpi.register(report_app)
    report_nightly.register(report_app)
    report_sen2.register(report_app)
