"""send-cli overdue, escalations, deadlines, report kpi|nightly."""

from __future__ import annotations

import typer

report_app = typer.Typer(no_args_is_help=True, help="The council's reports.")


def register(root: typer.Typer) -> None:
    pass
