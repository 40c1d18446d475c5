"""What every command shares: the app state, the output options, and the
checks that turn option text into values (BadInput, exit 2, on failure)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from send_cli.errors import BadInput, SendError, shown

if TYPE_CHECKING:
    from send_cli.settings import Settings
    from send_cli.store.engine import Store
    from send_cli.store.identity import Actor
    from send_cli.store.reader import Reader


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
    actor: Actor | None = field(default=None, repr=False)  # who is acting (writes)

    def store(self) -> Store:
        """The store, opened for this command. Only init and demo create one;
        a command that changes the store first finds who is acting (the
        login, and the officer it speaks for) and refuses one who may not."""
        if self._store is None:
            from send_cli.store.engine import open_store

            store = open_store(self.settings, create=self.command in CREATING_COMMANDS)
            self._store = store
            if self.command not in READ_ONLY_COMMANDS:
                self.act(store)
        return self._store

    def act(self, store: Store) -> Actor:
        """Find who is acting on STORE and check that they may run this
        command; the settings' officer becomes the one recorded."""
        from dataclasses import replace

        from send_cli.store.identity import need_admin, need_writer, resolve_actor

        with store.read() as session:
            login = store.login_for(session)
            actor = resolve_actor(session, login=login, requested=self.officer)
        store.login = actor.login
        self.actor = actor
        if self.command in ADMIN_COMMANDS:
            need_admin(actor, ADMIN_COMMANDS[self.command])
        officer = need_writer(actor)
        self._settings = replace(self.settings, officer=officer)
        return actor

    @contextlib.contextmanager
    def reader(self) -> Iterator[Reader]:
        """A reader for a command that only reads: on a current SQLite store
        the standard library's sqlite3 (nothing heavy imported), else a read
        session of the store opened the full way (which creates, upgrades or
        refuses it as any command would)."""
        from send_cli.store.engine import HEAD
        from send_cli.store.reader import SessionReader, open_lean

        lean = open_lean(self.settings.db, HEAD) if self._store is None else None
        if lean is not None:
            try:
                yield lean
            finally:
                lean.close()
            return
        store = self.store()
        with store.read() as session:
            yield SessionReader(session, calendar=store.calendar())

    def close(self) -> None:
        from send_cli.store import engine as store_mod

        if self._store is not None and store_mod.STORE_CACHE is None:
            self._store.dispose()
        self._store = None


# Only these create a store; every other command refuses a missing one.
CREATING_COMMANDS = frozenset({"init", "demo"})

# What only an admin of a team store may do (on a personal store, whoever
# may open the file).
ADMIN_COMMANDS = {
    "init": "re-run init on a team store",
    "officer add": "add officers", "officer set": "change officers",
    "officer leave": "record that an officer leaves", "import officers": "import officers",
    "setting set": "change the council's settings", "case erase": "erase a case",
    "db restore": "restore a backup", "db share": "share the store",
    "db roles": "create the database roles", "db compact": "compact the store",
    "db copy": "copy the whole store", "db recount": "recount the KPI figures",
}

# The commands that only read the store: no officer is needed to run them.
READ_ONLY_COMMANDS = frozenset({
    "overdue", "escalations", "deadlines", "audit", "forecast",
    "report kpi", "report nightly", "report sen2",
    "case list", "case show", "followup list", "officer list",
    "panel list", "panel meetings", "panel agenda", "decision list",
    "export cases", "export contacts", "export decisions", "export followups",
    "calendar list", "calendar add-working-days", "calendar working-days",
    "calendar next-working-day", "setting show", "db current", "db history",
    "db check", "db backup",
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
        raise BadInput(f"{what} '{shown(value)}' is not known; use one of: "
                       f"{', '.join(allowed)}")
    return value


def a_date(value: str | None, *, what: str) -> date | None:
    from send_cli.settings import parse_date

    return None if value is None else parse_date(value, what=what)


def a_datetime(value: str | None, *, what: str) -> datetime | None:
    from send_cli.settings import parse_datetime

    return None if value is None else parse_datetime(value, what=what)


def text(value: str | None, *, what: str, required: bool = True, max_len: int = 2000) -> str:
    """Free text a person will read (names, summaries, reasons): trimmed,
    not empty when required, at most MAX_LEN characters, and with nothing
    that is not seen as it is stored: no control characters (new lines and
    tabs included: a name on two lines is two rows of a table), no format
    characters (bidi overrides, zero-width spaces: a name that looks like
    another's), no line or paragraph separators."""
    v = (value or "").strip()
    if required and not v:
        raise BadInput(f"{what} is empty; give some text")
    if len(v) > max_len:
        raise BadInput(f"{what} is {len(v)} characters long; the limit is {max_len}")
    hidden = unseen(v)
    if hidden:
        raise BadInput(f"{what} contains {hidden}; use plain text on one line")
    return v


UNSEEN = {"Cc": "a control character (a new line, a tab...)",
          "Cf": "an invisible format character (a bidi control or a zero-width space)",
          "Zl": "a line separator", "Zp": "a paragraph separator"}


def unseen(value: str) -> str | None:
    """What in VALUE a reader would not see as it is (see text()), and
    where; None when there is nothing."""
    import unicodedata

    for i, ch in enumerate(value):
        kind = unicodedata.category(ch)
        if kind in UNSEEN:
            return f"{UNSEEN[kind]} (U+{ord(ch):04X}, character {i + 1})"
    return None


def folder_path(value: str, *, what: str) -> Path:
    """A folder named by an option: not empty (an empty name would mean the
    current folder, which nobody asked for), and not a file."""
    if not value.strip():
        raise BadInput(f"{what} '{shown(value)}' names no folder; give a folder path, "
                       "e.g. /var/lib/send-cli/nightly")
    hidden = unseen(value)
    if hidden:
        raise BadInput(f"{what} contains {hidden}; give a plain folder path")
    path = Path(value).expanduser()
    if path.exists() and not path.is_dir():
        raise BadInput(f"{what} '{shown(value)}' is a file, not a folder")
    return path


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
        # typer names a file-only path in its descriptor; older releases in click's type
        only_files = (getattr(desc, "path_type", None) == "file"
                      or getattr(getattr(param, "type", None), "dir_okay", True) is False)
        return "FILE" if only_files else "PATH"
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
    """Make typer's help name values in words (see above), and take plain
    option values without pydantic (send_cli.commands.coercion); once."""
    import typer.core as core

    from send_cli.commands.coercion import coerce_plainly

    coerce_plainly()

    global _ORIGINAL_DISPLAY_TYPE
    if _ORIGINAL_DISPLAY_TYPE is not None:
        return
    _ORIGINAL_DISPLAY_TYPE = core._TyperParameter.display_type
    core._TyperParameter.display_type = _value_name  # type: ignore[method-assign]
    core.describe_number_range = _range_in_words  # type: ignore[assignment]
    core.TyperArgument.display_name_raw = property(_argument_name)  # type: ignore[assignment]
    core.TyperArgument._usage_display_name = _usage_name  # type: ignore[method-assign]


_ORIGINAL_DISPLAY_TYPE: Any = None
