"""The errors send-cli raises on purpose, each with its exit code (the command-line contract)."""

from __future__ import annotations

EXIT_OK = 0
EXIT_REFUSED = 1  # a valid request that cannot be done
EXIT_USAGE = 2  # bad usage or bad input
EXIT_STORE = 3  # the database cannot be used
EXIT_NOT_EMPTY = 4  # --exit-code on a listing that found something


class SendError(Exception):
    """An error shown to the user as one line, with an optional hint."""

    exit_code = EXIT_REFUSED

    def __init__(self, message: str, hint: str | None = None, exit_code: int | None = None):
        message = one_line(message)
        super().__init__(message)
        self.message = message
        self.hint = None if hint is None else one_line(hint)
        if exit_code is not None:
            self.exit_code = exit_code


class NotFound(SendError):
    """An unknown case, officer, panel, meeting or follow-up."""


class Conflict(SendError):
    """A duplicate, or a change that clashes with what is stored."""


class RuleViolation(SendError):
    """A request the domain rules do not allow."""


class BadInput(SendError):
    """A value that is not of the accepted form."""

    exit_code = EXIT_USAGE


class StoreUnavailable(SendError):
    """The database is locked, newer, foreign or unreachable."""

    exit_code = EXIT_STORE


def one_line(text: str) -> str:
    """TEXT with control characters and line breaks escaped (a value a user
    typed may hold a new line), so an error stays one line."""
    import unicodedata

    if text.isprintable():
        return text
    return "".join(ch.encode("unicode_escape").decode("ascii")
                   if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)


class Interrupted(KeyboardInterrupt):
    """Ctrl-C, with what was (or was not) done by then, for the one line
    `interrupted: ...` (exit 130)."""

    def __init__(self, said: str) -> None:
        super().__init__(said)
        self.said = one_line(said)


SHOWN_MAX = 80  # characters of a value echoed back in a message


def shown(value: object, limit: int = SHOWN_MAX) -> str:
    """VALUE as an error message repeats it: at most LIMIT characters (a
    pasted paragraph stays out of the terminal), the rest marked '...'."""
    text = str(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def mask_secrets(text: str) -> str:
    """TEXT with every password in a database URL or connection string
    replaced by '***': USER:PASS@HOST, ?password=... and password=... ."""
    import re

    text = re.sub(r"(://[^/?#@\s:]*:)[^@/?#\s]*@", r"\1***@", text)
    return re.sub(r"((?:^|[?&;\s])password\s*=\s*)('[^']*'|[^&;\s]*)", r"\1***", text,
                  flags=re.IGNORECASE)
