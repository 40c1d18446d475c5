"""What every command shares: the app state, the output options, and the
checks that turn option text into values (BadInput, exit 2, on failure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from send_cli.errors import BadInput, SendError

if TYPE_CHECKING:
    from send_cli.settings import Settings
    from send_cli.store.engine import Store


@dataclass
class AppState:
    """The raw global options; settings and the store are made on first use,
    so --help and --version never open the store."""

    db: str | None = None
    officer: str | None = None
    now: str | None = None
    debug: bool = False
    _settings: Settings | None = field(default=None, repr=False)
    _store: Store | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from send_cli.settings import parse_officer_code, resolve

            if self.officer:
                parse_officer_code(self.officer, what="--as")
            self._settings = resolve(db=self.db, officer=self.officer, now=self.now,
                                     debug=self.debug)
            from send_cli.render.files import protect_store

            protect_store(self._settings.db)  # no -o file is ever written over the store
        return self._settings

    command: str = ""  # the command being run, e.g. "case list"

    def store(self) -> Store:
        if self._store is None:
            from send_cli.store.engine import open_store

            self._store = open_store(self.settings,
                                     create=self.command not in READ_ONLY_COMMANDS)
        return self._store

    def close(self) -> None:
        from send_cli.store import engine as store_mod

        if self._store is not None and store_mod.STORE_CACHE is None:
            self._store.dispose()
        self._store = None


# The commands that only read the store. Named by --db, a store that does
# not exist is refused by these (exit 3) instead of being made empty: a
# report on a mistyped path must not say that nothing is late.
READ_ONLY_COMMANDS = frozenset({
    "overdue", "escalations", "deadlines", "audit",
    "report kpi", "report nightly",
    "case list", "case show", "followup list", "officer list",
    "panel list", "panel meetings", "panel agenda", "decision list",
    "export cases", "export contacts", "export decisions", "export followups",
    "calendar list", "calendar add-working-days", "calendar working-days",
    "calendar next-working-day", "setting show",
})


def state(ctx: typer.Context) -> AppState:
    obj = ctx.find_object(AppState)
    if obj is None:  # a sub-app invoked on its own (tests)
        obj = AppState()
        ctx.obj = obj
    if not obj.command:
        obj.command = " ".join(ctx.command_path.split()[1:])
    return obj


FormatOpt = Annotated[str | None, typer.Option(
    "--format", "-f", metavar="table|csv|json|xlsx",
    help="table (the default on screen), csv, json, or xlsx (needs -o). With -o and no "
         "--format, the file's extension decides: .csv, .json or .xlsx.")]
OutputOpt = Annotated[Path | None, typer.Option(
    "--output", "-o", metavar="FILE", dir_okay=False,
    help="Write to FILE instead of stdout: written aside and renamed into place, so an "
         "interrupted write leaves the old file as it was.")]
LimitOpt = Annotated[int, typer.Option("--limit", help="Rows a table shows (0: all). CSV "
                                       "and JSON always hold every row.", min=0)]
ExitCodeOpt = Annotated[bool, typer.Option("--exit-code", help="Exit 4 when the list is "
                                           "not empty (for cron alerts).")]


def check_format(fmt: str | None, output: Path | None = None,
                 supported: tuple[str, ...] | None = None, *, default: str = "table") -> str:
    """The format to write: --format, else -o's extension, else DEFAULT;
    exit 2 when they contradict, for a table to a file, or xlsx to the screen."""
    from send_cli.render import LIST_FORMATS
    from send_cli.render.files import format_for

    return format_for(output, fmt, supported or LIST_FORMATS, default=default)


def choice(value: str, allowed: tuple[str, ...] | list[str], *, what: str) -> str:
    if value not in allowed:
        raise BadInput(f"{what} '{value}' is not known; use one of: {', '.join(allowed)}")
    return value


def a_date(value: str | None, *, what: str) -> date | None:
    from send_cli.settings import parse_date

    return None if value is None else parse_date(value, what=what)


def a_datetime(value: str | None, *, what: str) -> datetime | None:
    from send_cli.settings import parse_datetime

    return None if value is None else parse_datetime(value, what=what)


def text(value: str | None, *, what: str, required: bool = True, max_len: int = 2000) -> str:
    """Free text: trimmed, not empty when required, no control characters
    (C0, DEL or C1: a terminal obeys them) other than new lines and tabs, at
    most MAX_LEN characters."""
    v = (value or "").strip()
    if required and not v:
        raise BadInput(f"{what} is empty; give some text")
    if len(v) > max_len:
        raise BadInput(f"{what} is {len(v)} characters long; the limit is {max_len}")
    if any((ord(ch) < 32 and ch not in "\n\t") or 127 <= ord(ch) < 160 for ch in v):
        raise BadInput(f"{what} contains control characters; use plain text")
    return v


def finish_list(count: int, exit_code: bool) -> None:
    """--exit-code: 4 when the list was not empty."""
    if exit_code and count:
        raise typer.Exit(4)


def fail(message: str, hint: str | None = None, code: int = 1) -> SendError:
    return SendError(message, hint=hint, exit_code=code)


def unused(*_: Any) -> None:
    """For options kept for the contract but meaningless in a context."""


# -- help in words -------------------------------------------------------------------------
# Typer writes a parameter's Python type into --help (`--officer <str>`,
# `--limit <int range>  [0<=x<=3660]`, `escalate {ref}`). People read names:
# an option's value is named after the option (`--officer OFFICER`), a number
# is N, an argument is its name in capitals, a range is said in words.
def _value_name(param: Any, ctx: Any) -> str:
    desc = param.type_descriptor
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return ""
    if desc.is_choice:
        return str(_ORIGINAL_DISPLAY_TYPE(param, ctx)).strip("<>")
    annotation = desc.annotation
    if annotation in (int, float) or desc.is_ranged:
        return "N"
    if desc.is_path:
        return "FILE" if getattr(param.type, "dir_okay", True) is False else "PATH"
    if desc.is_datetime:
        return "DATETIME"
    if param.param_type_name == "argument":
        return ""
    return (param.name or "value").upper().replace("_", "-")


def _range_in_words(low: float | None, high: float | None) -> str | None:
    if low is None and high is None:
        return None
    if low is None:
        return f"at most {high}"
    if high is None:
        return f"{low} or more"
    return f"from {low} to {high}"


def _argument_name(param: Any) -> str:
    return param.metavar if param.metavar is not None else (param.name or "").upper()


def _usage_name(param: Any) -> str:
    name = _argument_name(param) if param.required else f"[{_argument_name(param)}]"
    return name + ("..." if param.nargs != 1 else "")


def speak_plainly() -> None:
    """Make typer's help name values in words (see above); once."""
    import typer.core as core

    global _ORIGINAL_DISPLAY_TYPE
    if _ORIGINAL_DISPLAY_TYPE is not None:
        return
    _ORIGINAL_DISPLAY_TYPE = core._TyperParameter.display_type
    core._TyperParameter.display_type = _value_name  # type: ignore[method-assign]
    core.describe_number_range = _range_in_words  # type: ignore[assignment]
    core.TyperArgument.display_name_raw = property(_argument_name)  # type: ignore[assignment]
    core.TyperArgument._usage_display_name = _usage_name  # type: ignore[method-assign]


_ORIGINAL_DISPLAY_TYPE: Any = None
