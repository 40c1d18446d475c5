"""send-cli case milestone|transfer|exception|advice|appeal: the statutory timeline."""

from __future__ import annotations

import typer


def register(cases: typer.Typer, root: typer.Typer) -> None:
    pass
