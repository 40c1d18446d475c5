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
    "report kpi", "report nightly", "report sen2",
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


FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, csv or json.",
                                        metavar="table|csv|json")]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write to FILE "
                                                "instead of stdout.", metavar="FILE",
                                                dir_okay=False)]
LimitOpt = Annotated[int, typer.Option("--limit", help="Rows a table shows (0: all). CSV "
                                       "and JSON always hold every row.", min=0)]
ExitCodeOpt = Annotated[bool, typer.Option("--exit-code", help="Exit 4 when the list is "
                                           "not empty (for cron alerts).")]


def check_format(fmt: str) -> str:
    from send_cli.render import FORMATS

    if fmt not in FORMATS:
        raise BadInput(f"--format '{fmt}' is not known; use table, csv or json")
    return fmt


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
