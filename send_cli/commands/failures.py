"""How send-cli ends when something goes wrong: each failure (a database
that cannot be used, a file that cannot be written, a usage error, Ctrl-C,
a bug) as one plain line on stderr and its exit code."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

from typer.exceptions import TyperException

from send_cli.errors import mask_secrets, shown


def say_error(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def store_problem(exc: BaseException) -> tuple[str, str] | None:
    """A database exception that means 'the store cannot be used' (exit 3)."""
    if not type(exc).__module__.startswith(("sqlalchemy", "sqlite3", "psycopg")):
        return None
    text = str(getattr(exc, "orig", None) or exc).splitlines()[0] if str(exc) else ""
    text = mask_secrets(text)
    lowered = text.lower()
    if "permission denied" in lowered or "must be owner" in lowered:
        return (f"the store refused this login: {text}",
                "Ask an admin; on PostgreSQL 'send-cli db roles' grants what each role needs.")
    if any(m in lowered for m in ("disk is full", "no space left", "could not extend file",
                                  "disk full", "quota exceeded")):
        return ("the disk holding the store is full; nothing was changed",
                "Free some space on the store's disk (or the server's) and try again.")
    if "locked" in lowered or "busy" in lowered:
        return ("the store is locked by another send-cli past the timeout; nothing was changed",
                "Try again in a moment.")
    for marker in ("unable to open", "not a database", "disk i/o", "readonly", "read-only",
                   "connection", "could not translate host", "no such table", "malformed"):
        if marker in lowered:
            return (f"the store cannot be used: {text}",
                    "Check --db / SEND_CLI_DB; 'send-cli db check' tests the file.")
    return None


def file_problem(exc: OSError) -> str | None:
    """A file that cannot be written (no permission, a full disk, a read-only
    file system) as one plain line."""
    import errno

    if exc.errno not in (errno.EACCES, errno.EPERM, errno.ENOSPC, errno.EROFS,
                         errno.EDQUOT):
        return None
    where = f" ({shown(exc.filename)})" if exc.filename else ""
    return f"{(exc.strerror or 'cannot write').lower()}{where}; nothing more was changed"


def unexpected(exc: Exception, debug: bool) -> int:
    """Exit 3 for a database error that means the store cannot be used, else
    the catch-all (exit 1). With --debug the traceback, whose database
    errors hold no row values (the engines hide SQL parameters)."""
    if debug:
        import traceback

        traceback.print_exc()
    problem = store_problem(exc)
    if problem:
        say_error(f"error: {problem[0]}")
        say_error(f"hint: {problem[1]}")
        return 3
    say_error(f"error: send-cli failed unexpectedly ({type(exc).__name__}); "
         "any change in progress was rolled back")
    if not debug:
        say_error("hint: run again with --debug to see the traceback, and report it")
    return 1


def not_utf8(argv: Sequence[str]) -> str | None:
    """What is wrong when an argument, or an environment variable send-cli
    reads, is not valid UTF-8 (Python keeps such bytes as lone surrogates)."""
    for n, arg in enumerate(argv, 1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            good = arg.encode("utf-8", "replace").decode("utf-8")
            return (f"argument {n} ('{shown(good)}') is not valid UTF-8 text; "
                    "use UTF-8 (check the terminal's or the file's encoding)")
    for name, value in os.environ.items():
        if name.startswith("SEND_CLI_"):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return f"the environment variable {name} is not valid UTF-8 text; use UTF-8"
    return None


def interrupted(exc: BaseException | None = None) -> int:
    """Ctrl-C: one line saying what was done (by default nothing: every
    change is one transaction, rolled back), exit 130."""
    said = getattr(exc, "said", None) or "nothing was changed"
    say_error(f"interrupted: {said}")
    return 130


def interrupt_behind(exc: BaseException) -> KeyboardInterrupt | None:
    """The Ctrl-C that EXC was raised while handling, if any."""
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        if isinstance(link, KeyboardInterrupt):
            return link
        seen.add(id(link))
        link = link.__cause__ or link.__context__
    return None


def usage_problem(exc: TyperException) -> str:
    """Click's usage error as one line naming the bad value and what would
    be accepted (typer's own words for a number say neither)."""
    from typer._click.exceptions import BadParameter, NoArgsIsHelpError

    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, NoArgsIsHelpError) and ctx is not None:
        names = ", ".join(ctx.command.list_commands(ctx))
        return f"'{ctx.command_path}' needs a command: {names}"
    if isinstance(exc, BadParameter):
        better = number_problem(exc)
        if better:
            return better
    message = exc.format_message().rstrip(".")
    return f"{message[0].lower()}{message[1:]}" if message else "bad usage"


def number_problem(exc: Any) -> str | None:
    errors = getattr(exc.__cause__, "errors", None)
    if not callable(errors):
        return None
    try:
        first = errors()[0]
    except Exception:  # not pydantic's: say it as typer does
        return None
    param = exc.param
    opts = [o for o in (getattr(param, "opts", None) or []) if o.startswith("--")]
    name = opts[0] if opts and getattr(param, "param_type_name", "") == "option" \
        else (getattr(param, "metavar", None) or getattr(param, "name", "value") or "value")
    raw = str(first.get("input", ""))
    echoed = raw if len(raw) <= 40 and raw.isprintable() else repr(raw[:40])
    bounds = first.get("ctx") or {}
    kind = first.get("type", "")
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return f"{name} '{echoed}' is not a whole number"
    if kind in ("float_parsing", "float_type"):
        return f"{name} '{echoed}' is not a number"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        low = getattr(param, "min", None)
        high = getattr(param, "max", None)
        if low is not None and high is not None:
            return f"{name} '{echoed}' is out of range; use a whole number from {low} to {high}"
        if "ge" in bounds:
            return f"{name} '{echoed}' is too small; use {bounds['ge']} or more"
        if "gt" in bounds:
            return f"{name} '{echoed}' is too small; use more than {bounds['gt']}"
        if "le" in bounds:
            return f"{name} '{echoed}' is too large; use at most {bounds['le']}"
        if "lt" in bounds:
            return f"{name} '{echoed}' is too large; use less than {bounds['lt']}"
    return None
