"""send-cli import / export."""

from __future__ import annotations

import typer

import_app = typer.Typer(no_args_is_help=True, help="Load data from CSV.")
export_app = typer.Typer(no_args_is_help=True, help="Write data as CSV or JSON.")
