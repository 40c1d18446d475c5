"""send-cli db."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True)


def register_init(root: typer.Typer) -> None:
    pass
