"""Shell completion: the --install-completion and --show-completion options
(bash, zsh, fish), and the choices an option completes to (teams, roles,
panels, outcomes ...), read from the rules only when a shell asks."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from typing import Any

import typer

SHELLS = ("bash", "zsh", "fish")
PROG = "send-cli"
COMPLETE_VAR = "_SEND_CLI_COMPLETE"


def choices(module: str, name: str) -> Callable[[str], list[tuple[str, str]] | list[str]]:
    """A completer offering the names in MODULE.NAME (a tuple, or a mapping
    of name to meaning) that start with what was typed."""

    def complete(incomplete: str) -> Any:
        values = getattr(importlib.import_module(module), name)
        if isinstance(values, dict):
            return [(k, str(v)) for k, v in values.items() if k.startswith(incomplete)]
        return [v for v in values if str(v).startswith(incomplete)]

    return complete


def milestone_outcomes(incomplete: str) -> list[str]:
    from send_cli.rules.statutory import OUTCOMES

    every = dict.fromkeys(o for outs in OUTCOMES.values() for o in outs)
    return [o for o in every if o.startswith(incomplete)]


def panel_codes(incomplete: str) -> list[tuple[str, str]]:
    from send_cli.rules.panels import DEFAULT_PANELS

    typed = incomplete.upper()
    return [(p.code, p.name) for p in DEFAULT_PANELS if p.code.startswith(typed)]


teams = choices("send_cli.rules.people", "TEAMS")
roles = choices("send_cli.rules.people", "ROLES")
requested_by = choices("send_cli.rules.people", "REQUESTED_BY")
outcomes = choices("send_cli.rules.panels", "OUTCOMES")
requests = choices("send_cli.rules.panels", "REQUEST_TYPES")
cadences = choices("send_cli.rules.panels", "CADENCES")
channels = choices("send_cli.rules.followups", "CHANNELS")
directions = choices("send_cli.rules.followups", "DIRECTIONS")
parties = choices("send_cli.rules.followups", "PARTIES")
milestones = choices("send_cli.rules.statutory", "MILESTONES")
advice_sources = choices("send_cli.rules.statutory", "ADVICE_SOURCES")


def _shell(value: str) -> str:
    """The shell named, or (for a bare option) the one this runs under."""
    from send_cli.errors import BadInput

    shell = value
    if value == "auto":
        try:
            import shellingham

            shell = shellingham.detect_shell()[0]
        except Exception:  # not detectable (cron, a pipe): fall back on $SHELL
            shell = os.path.basename(os.environ.get("SHELL", ""))
    if shell not in SHELLS:
        said = f"'{shell}'" if shell else "this shell"
        raise BadInput(f"shell completion for {said} is not offered; use bash, zsh or fish, "
                       "e.g. --show-completion bash")
    return shell


def show_completion(ctx: typer.Context, value: str | None) -> None:
    if value is None or ctx.resilient_parsing:
        return
    from typer._completion_shared import get_completion_script
    from typer.completion import completion_init

    shell = _shell(value)
    completion_init()
    typer.echo(get_completion_script(prog_name=PROG, complete_var=COMPLETE_VAR, shell=shell))
    raise typer.Exit(0)


def install_completion(ctx: typer.Context, value: str | None) -> None:
    if value is None or ctx.resilient_parsing:
        return
    from typer._completion_shared import install
    from typer.completion import completion_init

    shell = _shell(value)
    completion_init()
    _, path = install(shell=shell, prog_name=PROG, complete_var=COMPLETE_VAR)
    typer.echo(f"{shell} completion installed in {path}; it works in new shells", err=True)
    raise typer.Exit(0)


def prepare() -> None:
    """When a shell asks for completions, use typer's completion classes
    (the scripts above speak their protocol)."""
    if os.environ.get(COMPLETE_VAR):
        from typer.completion import completion_init

        completion_init()
