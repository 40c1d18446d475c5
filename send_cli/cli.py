"""The root of the command line: global options, the sub-commands, and the
one error boundary. No SQL and no rules here, and no heavy imports: --help
and --version must stay cheap."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup
from typer.exceptions import Abort, Exit, TyperException

from send_cli import __version__
from send_cli.commands.common import AppState

DEBUG_ENV = "SEND_CLI_DEBUG"


def _debug_wanted(args: Sequence[str]) -> bool:
    return "--debug" in args or bool(os.environ.get(DEBUG_ENV))


def _err(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def _store_problem(exc: BaseException) -> tuple[str, str] | None:
    """A database exception that means 'the store cannot be used' (exit 3)."""
    if not type(exc).__module__.startswith(("sqlalchemy", "sqlite3", "psycopg")):
        return None
    text = str(getattr(exc, "orig", None) or exc).splitlines()[0] if str(exc) else ""
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return ("the store is locked by another send-cli past the timeout; nothing was changed",
                "Try again in a moment.")
    for marker in ("unable to open", "not a database", "disk i/o", "readonly", "read-only",
                   "connection", "could not translate host", "no such table", "malformed"):
        if marker in lowered:
            return (f"the store cannot be used: {text}",
                    "Check --db / SEND_CLI_DB; 'send-cli db check' tests the file.")
    return None


class SendGroup(TyperGroup):
    """Typer's group with send-cli's error boundary around every command."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        code = _run(super().main, argv, prog_name or "send-cli", complete_var, extra)
        if standalone_mode:
            sys.exit(code)
        return code


def _run(main: Any, argv: list[str], prog_name: str, complete_var: str | None,
         extra: dict[str, Any]) -> int:
    from send_cli.errors import SendError

    debug = _debug_wanted(argv)
    try:
        rv = main(args=argv, prog_name=prog_name, complete_var=complete_var,
                  standalone_mode=False, **extra)
        return rv if isinstance(rv, int) else 0
    except SendError as exc:
        _err(f"error: {exc.message}")
        if exc.hint:
            _err(f"hint: {exc.hint}")
        return exc.exit_code
    except Exit as exc:
        return exc.exit_code
    except Abort:
        _err("error: aborted")
        return 1
    except TyperException as exc:  # Click's usage errors: exit 2
        message = exc.format_message().rstrip(".")
        _err(f"error: {message[0].lower()}{message[1:]}" if message else "error: bad usage")
        command_ctx = getattr(exc, "ctx", None)
        if command_ctx is not None:
            _err(f"hint: see '{command_ctx.command_path} --help'")
        return getattr(exc, "exit_code", 2)
    except KeyboardInterrupt:
        _err("error: interrupted; nothing more was changed")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if debug:
            import traceback

            traceback.print_exc()
        problem = _store_problem(exc)
        if problem:
            _err(f"error: {problem[0]}")
            _err(f"hint: {problem[1]}")
            return 3
        _err(f"error: send-cli failed unexpectedly ({type(exc).__name__}); "
             "any change in progress was rolled back")
        if not debug:
            _err("hint: run again with --debug to see the traceback, and report it")
        return 1


app = typer.Typer(
    name="send-cli",
    cls=SendGroup,
    help="A case tracker for SEND casework teams: EHC needs assessment requests, "
         "statutory deadlines, panels, and the promises made to families.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"send-cli {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option(
        "--db", envvar="SEND_CLI_DB", metavar="PATH_OR_URL",
        help="SQLite file or SQLAlchemy URL. Default: send.db in the user data folder.")] = None,
    officer: Annotated[str | None, typer.Option(
        "--as", envvar="SEND_CLI_OFFICER", metavar="CODE",
        help="The officer doing this, for the audit trail. Default: the login name.")] = None,
    now: Annotated[str | None, typer.Option(
        "--now", envvar="SEND_CLI_NOW", metavar="DATETIME",
        help="Pretend it is this moment: YYYY-MM-DD or YYYY-MM-DDTHH:MM (Europe/London).")
    ] = None,
    debug: Annotated[bool, typer.Option(
        "--debug", envvar=DEBUG_ENV, help="Show the traceback of an unexpected error.")] = False,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version.")] = False,
) -> None:
    """send-cli: the SEND casework tracker.

    Example: send-cli demo
    """
    st = AppState(db=db, officer=officer, now=now, debug=debug)
    ctx.obj = st
    ctx.call_on_close(st.close)


def _register() -> None:
    from send_cli.commands import (
        audit,
        calendar,
        cases,
        contacts,
        data,
        db,
        decisions,
        demo,
        erase,
        followups,
        officers,
        panels,
        reports,
        timeline,
    )

    app.add_typer(db.app, name="db")
    app.add_typer(calendar.app, name="calendar")
    app.add_typer(officers.app, name="officer")
    app.add_typer(cases.app, name="case")
    timeline.register(cases.app, app)
    erase.register(cases.app)
    app.add_typer(panels.app, name="panel")
    app.add_typer(decisions.app, name="decision")
    app.add_typer(contacts.app, name="contact")
    app.add_typer(followups.app, name="followup")
    reports.register(app)
    app.add_typer(reports.report_app, name="report")
    app.add_typer(data.import_app, name="import")
    app.add_typer(data.export_app, name="export")
    audit.register(app)
    db.register_init(app)
    demo.register(app)


_register()


def main(argv: Sequence[str] | None = None) -> None:
    typer.main.get_command(app).main(args=argv, prog_name="send-cli")
