"""The resolved global options: where the store is, who is acting, and when."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from send_cli.errors import BadInput, shown

LONDON = ZoneInfo("Europe/London")
APP_NAME = "send-cli"

_OFFICER_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")


@dataclass(frozen=True)
class Settings:
    db: str  # a SQLite path or a SQLAlchemy URL
    officer: str
    now: datetime  # aware, Europe/London
    debug: bool = False
    default_db: bool = False  # db is the default store (no --db, no SEND_CLI_DB)

    @property
    def today(self) -> date:
        return self.now.date()


def default_db_path() -> str:
    from platformdirs import user_data_dir

    return os.path.join(user_data_dir(APP_NAME, appauthor=False), "send.db")


def default_officer() -> str:
    """The login of the real user id: what is recorded when --as is not
    given ($USER and $LOGNAME are not trusted: anyone can set them)."""
    import pwd

    try:
        return pwd.getpwuid(os.getuid()).pw_name or f"uid-{os.getuid()}"
    except KeyError:  # a user id with no name (some containers)
        return f"uid-{os.getuid()}"


def parse_date(value: str, *, what: str = "date") -> date:
    """An ISO date, YYYY-MM-DD, or BadInput naming the value."""
    text = value.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise BadInput(f"{what} '{shown(value)}' is not a date; use YYYY-MM-DD, e.g. 2026-12-24")
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"{what} '{shown(value)}' is not a real date; use YYYY-MM-DD") from None
    if not 1900 <= parsed.year <= 2100:
        raise BadInput(f"{what} '{shown(value)}' is out of range; use a year from 1900 to 2100")
    return parsed


def parse_datetime(value: str, *, what: str = "date-time") -> datetime:
    """YYYY-MM-DD or YYYY-MM-DDTHH:MM (a space for T), Europe/London wall clock."""
    text = value.strip()
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?", text)
    if not m:
        raise BadInput(
            f"{what} '{shown(value)}' is not a date-time; use YYYY-MM-DD or YYYY-MM-DDTHH:MM"
        )
    day = parse_date(m.group(1), what=what)
    hh, mm, ss = (int(g) if g else 0 for g in m.group(2, 3, 4))
    if hh > 23 or mm > 59 or ss > 59:
        raise BadInput(f"{what} '{shown(value)}' has an impossible time; "
                       "use HH:MM from 00:00 to 23:59")
    moment = datetime.combine(day, time(hh, mm, ss), tzinfo=LONDON)
    if moment.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) != \
            moment.replace(tzinfo=None):
        raise BadInput(f"{what} '{shown(value)}' does not exist in London: the clocks go forward "
                       "from 01:00 to 02:00 that night; use a time before 01:00 or from 02:00")
    return moment  # in the hour that happens twice (October), the first of the two


def parse_officer_code(value: str, *, what: str = "officer code") -> str:
    if not _OFFICER_CODE.fullmatch(value or ""):
        raise BadInput(
            f"{what} '{shown(value)}' is not valid; use 1-32 letters, digits, '.', '_' or '-'"
        )
    return value


def resolve(
    *, db: str | None, officer: str | None, now: str | None, debug: bool = False
) -> Settings:
    when = parse_datetime(now, what="--now") if now else datetime.now(LONDON)
    who = officer if officer else default_officer()
    return Settings(
        db=db or default_db_path(),
        officer=who,
        now=when.replace(microsecond=0),
        debug=debug,
        default_db=not db,
    )
