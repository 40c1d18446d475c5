"""The root of the command line: global options, the sub-commands, and the
one error boundary. No SQL and no rules here, and no heavy imports: --help
and --version must stay cheap."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from typing import Annotated, Any, cast

import typer
from typer.core import TyperGroup
from typer.exceptions import Abort, Exit, TyperException

from send_cli import __version__
from send_cli.commands.arguments import bare_completion, hoist_globals
from send_cli.commands.common import AppState, speak_plainly
from send_cli.commands.failures import (
    file_problem,
    interrupt_behind,
    interrupted,
    mask_secrets,
    not_utf8,
    say_error,
    unexpected,
    usage_problem,
)

speak_plainly()  # --help names values in words, not Python types

DEBUG_ENV = "SEND_CLI_DEBUG"

# Settings the root app and every loader's scratch app share: typer builds
# sub-commands with the root's rich_markup_mode and exception settings.
_APP_SETTINGS: dict[str, Any] = {
    "add_completion": False,
    "pretty_exceptions_enable": False,
    "rich_markup_mode": None,
}


def _debug_wanted(args: Sequence[str]) -> bool:
    return "--debug" in args or bool(os.environ.get(DEBUG_ENV))


class _CtrlC(Exception):
    """Ctrl-C on its way to the error boundary, past typer's handling."""

    def __init__(self, interrupt: KeyboardInterrupt) -> None:
        super().__init__()
        self.interrupt = interrupt


class SendGroup(TyperGroup):
    """Typer's group with send-cli's error boundary around every command, and
    top-level commands loaded lazily (see COMMANDS)."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = LazyCommands(self.commands)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The commands section of --help, from COMMANDS without loading them
        (a command already loaded speaks for itself)."""
        from typer._click.utils import make_default_short_help

        commands = cast(LazyCommands, self.commands)
        rows: list[tuple[str, Any]] = []
        for name in self.list_commands(ctx):
            cmd = commands.loaded(name)
            if cmd is None and name not in COMMANDS:
                cmd = commands.get(name)
            if cmd is not None and cmd.hidden:
                continue
            rows.append((name, cmd))
        if not rows:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in rows)
        lines = [(name, cmd.get_short_help_str(limit) if cmd is not None
                  else make_default_short_help(COMMANDS[name][1], limit))
                 for name, cmd in rows]
        with formatter.section("Commands"):
            formatter.write_dl(lines)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:  # typer would turn it into a silent exit 130
            raise _CtrlC(exc) from None

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        argv = bare_completion(hoist_globals(list(sys.argv[1:] if args is None else args)))
        if os.environ.get("_SEND_CLI_COMPLETE"):  # a shell asking for completions
            from send_cli.commands.completion import prepare

            prepare()
        code = _run(super().main, argv, prog_name or "send-cli", complete_var, extra)
        if standalone_mode:
            sys.exit(code)
        return code


def _run(main: Any, argv: list[str], prog_name: str, complete_var: str | None,
         extra: dict[str, Any]) -> int:
    from send_cli.errors import SendError

    debug = _debug_wanted(argv)
    bad = not_utf8(argv)
    if bad:
        say_error(f"error: {bad}")
        return 2
    try:
        rv = main(args=argv, prog_name=prog_name, complete_var=complete_var,
                  standalone_mode=False, **extra)
        if rv == 130:  # typer's silent answer to Ctrl-C while parsing
            return interrupted()
        return rv if isinstance(rv, int) else 0
    except SendError as exc:
        say_error(f"error: {mask_secrets(exc.message)}")
        if exc.hint:
            say_error(f"hint: {mask_secrets(exc.hint)}")
        return exc.exit_code
    except _CtrlC as exc:
        return interrupted(exc.interrupt)
    except Exit as exc:
        return exc.exit_code
    except SystemExit:
        # Click ends a command whose reader went away (`| head -1`) with
        # exit 1, after wrapping the streams; the reader had what it wanted.
        if type(sys.stdout).__name__ == "PacifyFlushWrapper":
            return 0
        raise
    except Abort:
        say_error("error: aborted")
        return 1
    except TyperException as exc:  # Click's usage errors: exit 2
        say_error(f"error: {usage_problem(exc)}")
        command_ctx = getattr(exc, "ctx", None)
        if command_ctx is not None:
            say_error(f"hint: see '{command_ctx.command_path} --help'")
        return getattr(exc, "exit_code", 2)
    except KeyboardInterrupt as exc:
        return interrupted(exc)
    except BrokenPipeError:
        return 0
    except OSError as exc:
        plain = file_problem(exc)
        if plain is None:
            return unexpected(exc, debug)
        say_error(f"error: {plain}")
        say_error("hint: Check the folder's owner and permissions (a team store: are you in "
             "its group?) and the free space on the disk.")
        return 3
    except Exception as exc:
        interrupt = interrupt_behind(exc)
        if interrupt is not None:  # an error while Ctrl-C was unwinding: still Ctrl-C
            if debug:
                import traceback

                traceback.print_exc()
            return interrupted(interrupt)
        return unexpected(exc, debug)


app = typer.Typer(
    name="send-cli",
    cls=SendGroup,
    help="A case tracker for SEND casework teams: EHC needs assessment requests, "
         "statutory deadlines, panels, and the promises made to families. The options "
         "below may also follow the command (send-cli overdue --now 2027-01-04).",
    no_args_is_help=True,
    **_APP_SETTINGS,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"send-cli {__version__}")
        raise typer.Exit(0)


def _show_completion(ctx: typer.Context, value: str | None) -> None:
    if value is not None:
        from send_cli.commands.completion import show_completion

        show_completion(ctx, value)


def _install_completion(ctx: typer.Context, value: str | None) -> None:
    if value is not None:
        from send_cli.commands.completion import install_completion

        install_completion(ctx, value)


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
    install_completion: Annotated[str | None, typer.Option(
        "--install-completion", metavar="[bash|zsh|fish]",
        callback=_install_completion, is_eager=True, expose_value=False,
        help="Install completion of commands, options and choices for your shell "
             "(this one when none is named).", show_default=False)] = None,
    show_completion: Annotated[str | None, typer.Option(
        "--show-completion", metavar="[bash|zsh|fish]",
        callback=_show_completion, is_eager=True, expose_value=False,
        help="Print the completion script for your shell, to install it yourself.",
        show_default=False)] = None,
) -> None:
    """send-cli: the SEND casework tracker.

    Example: send-cli demo
    """
    st = AppState(db=db, officer=officer, now=now, debug=debug)
    ctx.obj = st
    ctx.call_on_close(st.close)


# ---------------------------------------------------------------------------
# Lazy sub-commands. `send-cli --help` and `--version` must not import the
# command modules (nor build their typer commands: typer evaluates every
# annotation of every command function, ~70 ms for the whole tree). The root
# group knows each top-level command's name, loader and one-line help from
# COMMANDS below, and imports and builds a command only when it is invoked.
#
# A loader registers a family of commands as the command modules expect (their
# register() functions and sub-apps): new commands come in through those modules.
# tests/test_startup.py fails when COMMANDS and the real commands diverge and
# prints the table to paste here.


def _load_db(root: typer.Typer) -> None:
    from send_cli.commands import db

    root.add_typer(db.app, name="db")


def _load_init(root: typer.Typer) -> None:
    from send_cli.commands import db

    db.register_init(root)


def _load_calendar(root: typer.Typer) -> None:
    from send_cli.commands import calendar

    root.add_typer(calendar.app, name="calendar")


def _load_officer(root: typer.Typer) -> None:
    from send_cli.commands import officers

    root.add_typer(officers.app, name="officer")


def _load_case(root: typer.Typer) -> None:
    from send_cli.commands import cases, erase, persons, timeline

    root.add_typer(cases.app, name="case")
    timeline.register(cases.app, root)
    erase.register(cases.app)
    persons.register(cases.app)


def _load_panel(root: typer.Typer) -> None:
    from send_cli.commands import panels

    root.add_typer(panels.app, name="panel")


def _load_decision(root: typer.Typer) -> None:
    from send_cli.commands import decisions

    root.add_typer(decisions.app, name="decision")


def _load_contact(root: typer.Typer) -> None:
    from send_cli.commands import contacts

    root.add_typer(contacts.app, name="contact")


def _load_followup(root: typer.Typer) -> None:
    from send_cli.commands import followups

    root.add_typer(followups.app, name="followup")


def _load_reports(root: typer.Typer) -> None:
    from send_cli.commands import reports

    reports.register(root)
    root.add_typer(reports.report_app, name="report")


def _load_data(root: typer.Typer) -> None:
    from send_cli.commands import data

    root.add_typer(data.import_app, name="import")
    root.add_typer(data.export_app, name="export")


def _load_audit(root: typer.Typer) -> None:
    from send_cli.commands import audit

    audit.register(root)


def _load_demo(root: typer.Typer) -> None:
    from send_cli.commands import demo

    demo.register(root)


# In the order the commands were registered before they were lazy (the order
# of `send-cli --help`: typer lists plain commands before groups).
LOADERS: dict[str, Any] = {
    "db": _load_db,
    "calendar": _load_calendar,
    "officer": _load_officer,
    "case": _load_case,
    "panel": _load_panel,
    "decision": _load_decision,
    "contact": _load_contact,
    "followup": _load_followup,
    "reports": _load_reports,
    "data": _load_data,
    "audit": _load_audit,
    "init": _load_init,
    "demo": _load_demo,
}

# Top-level command -> (loader, its one-line help as Click shortens it with
# no width limit). Regenerate with tests/test_startup.py when commands change.
COMMANDS: dict[str, tuple[str, str]] = {
    "overdue": ("reports",
        "Open follow-ups past their due date, oldest first, with the working days late."),
    "escalate": ("reports",
        "Record a family's escalation; it is owed a reply within 5 working days."),
    "escalations": ("reports",
        "What sits, or should sit, above the named officer: families' escalations not yet "
        "answered, and follow-ups 5, 10, 15+ working days late (business support, senior, "
        "lead casework officer)."),
    "deadlines": ("reports",
        "Statutory deadlines due or missed, soonest first; days_left is negative when missed."),
    "forecast": ("reports", "Which open requests will miss 20 weeks, and what they wait for."),
    "audit": ("audit", "Who changed what, when: every change with the values before and after."),
    "init": ("init", "Create the store, or upgrade it to the latest schema; safe to run again."),
    "demo": ("demo",
        "Build a fresh demo store from the sample data and print the main reports for the "
        "demo's reference date."),
    "db": ("db",
        "The store: schema revision, integrity check, backup, restore, and copy to another "
        "database."),
    "calendar": ("calendar",
        "Working days: England's bank holidays (with substitute days) and the council's own "
        "closure days."),
    "officer": ("officer",
        "The casework team: add officers, list them, cover an absence, move work when one "
        "leaves."),
    "case": ("case", "Cases: register a request for an EHC needs assessment and follow it."),
    "setting": ("case",
        "The council's settings, such as how often the plans of under-fives are reviewed."),
    "panel": ("panel",
        "Decision-making panels: remits, meetings, referrals, papers, declarations of "
        "interest and the chair's agenda."),
    "decision": ("decision", "Panel decisions: record them with reasons and chair; list them."),
    "contact": ("contact",
        "Log contacts with families and professionals; incoming messages create the "
        "follow-ups they are owed."),
    "followup": ("followup", "Follow-ups: call backs, replies, outcome calls and emails owed."),
    "report": ("reports", "The council's figures and the nightly bundle for cron."),
    "import": ("data", "Load cases or officers from CSV: every row, or none."),
    "export": ("data", "Write cases, contacts, decisions or follow-ups as CSV or JSON, streamed."),
}


class _Loaded:
    """What this process has loaded: each loader's scratch app (a loader runs
    at most once: it may add commands to a module's sub-app) and the click
    commands built from it."""

    apps: dict[str, typer.Typer] = {}
    commands: dict[str, Any] = {}
    order: list[str] | None = None  # every name, once load_all() has run


def _scratch_app(loader: str) -> typer.Typer:
    scratch = _Loaded.apps.get(loader)
    if scratch is None:
        scratch = typer.Typer(**_APP_SETTINGS)
        LOADERS[loader](scratch)
        _Loaded.apps[loader] = scratch
    return scratch


def _command_name(info: Any) -> str | None:
    if info.name:
        return str(info.name)
    callback = getattr(info, "callback", None)
    return typer.main.get_command_name(callback.__name__) if callback else None


def _build(scratch: typer.Typer, name: str | None) -> dict[str, Any]:
    """Click commands for NAME (every one when None) of a loader's scratch app;
    only NAME's function signatures are evaluated."""
    subset = typer.Typer(**_APP_SETTINGS)
    subset.callback()(_no_callback)
    if name is None:
        subset.registered_commands = list(scratch.registered_commands)
        subset.registered_groups = list(scratch.registered_groups)
    else:
        subset.registered_commands = [c for c in scratch.registered_commands
                                      if _command_name(c) == name]
        subset.registered_groups = [g for g in scratch.registered_groups
                                    if g.name == name or not g.name]
    return dict(typer.main.get_group(subset).commands)


def _no_callback() -> None:
    """Stand-in group callback so typer always builds a group."""


def load_command(name: str) -> Any:
    """The click command for the top-level NAME, built on first use; None
    when there is no such command."""
    cmd = _Loaded.commands.get(name)
    if cmd is not None or _Loaded.order is not None:
        return cmd
    entry = COMMANDS.get(name)
    if entry is not None:
        cmd = _build(_scratch_app(entry[0]), name).get(name)
        if cmd is not None:
            _Loaded.commands[name] = cmd
            return cmd
    # Not in the table (a command added since it was last updated): load all.
    return load_all().get(name)


def load_all() -> dict[str, Any]:
    """Every top-level command, in the order typer gives them when all are
    registered on one app (plain commands, then groups, each in the order of
    LOADERS). For a name missing from COMMANDS, for tests and for shell
    completion; --help and a named command never need it."""
    if _Loaded.order is None:
        merged = typer.Typer(**_APP_SETTINGS)
        merged.callback()(_no_callback)
        for loader in LOADERS:
            scratch = _scratch_app(loader)
            merged.registered_commands += scratch.registered_commands
            merged.registered_groups += scratch.registered_groups
        built = typer.main.get_group(merged).commands
        for cmd_name, cmd in built.items():
            _Loaded.commands.setdefault(cmd_name, cmd)
        _Loaded.order = list(built)
    return {n: _Loaded.commands[n] for n in _Loaded.order}


def real_command_table() -> dict[str, tuple[str, str]]:
    """What COMMANDS should say, from loading everything (tests compare)."""
    table: dict[str, tuple[str, str]] = {}
    for name, cmd in load_all().items():
        loader = next(lo for lo in LOADERS if name in _build(_scratch_app(lo), name))
        table[name] = (loader, cmd.get_short_help_str(10**6))
    return table


class LazyCommands(MutableMapping[str, Any]):
    """The root group's commands: names from COMMANDS, each command loaded on
    first access. Commands added directly (add_command) are kept as given."""

    def __init__(self, given: Mapping[str, Any]) -> None:
        self._given = dict(given)

    def __getitem__(self, name: str) -> Any:
        if name in self._given:
            return self._given[name]
        cmd = load_command(name)
        if cmd is None:
            raise KeyError(name)
        return cmd

    def __setitem__(self, name: str, cmd: Any) -> None:
        self._given[name] = cmd

    def __delitem__(self, name: str) -> None:
        del self._given[name]

    def __iter__(self) -> Iterator[str]:
        names = list(COMMANDS) if _Loaded.order is None else _Loaded.order
        yield from names
        yield from (n for n in self._given if n not in names)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and (name in self._given or load_command(name) is not None)

    def loaded(self, name: str) -> Any:
        """NAME's command if already loaded (or given), without loading it."""
        return self._given.get(name) or _Loaded.commands.get(name)


def main(argv: Sequence[str] | None = None) -> None:
    """The console script and `python -m send_cli`. Given ARGV (tests), it
    exits as any Python program does; run as a program (ARGV None), it ends
    the process once the output is flushed and the store closed, skipping
    the interpreter's teardown of every module and object, which took
    longer (about 150 ms) than most commands take to do their work."""
    try:
        typer.main.get_command(app).main(args=argv, prog_name="send-cli")
    except KeyboardInterrupt as exc:  # before or after the error boundary
        if argv is not None:
            raise SystemExit(interrupted(exc)) from None
        _exit_now(interrupted(exc))
    except SystemExit as done:
        if argv is not None:
            raise
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        if not isinstance(done.code, int | None):
            say_error(str(done.code))
        _exit_now(code)


def _exit_now(code: int) -> None:
    """Flush what was written and end the process. A reader that went away
    (`| head -1`) is not an error."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # closed by the reader, or by us
            pass
        except OSError:
            code = code or 1
    os._exit(code)
