"""Free-text fields: the length limits and the control-character check that
every operation applies before it writes."""

from __future__ import annotations

import unicodedata

from send_cli.errors import BadInput

NAME_MAX = 200
EMAIL_MAX = 254  # RFC 5321: the longest address a mail server takes
SETTING_MAX = 200
REASON_MAX = 500


def check_text(value: str, *, what: str, max_len: int, lines: bool = False) -> str:
    """VALUE, refused (BadInput) when longer than MAX_LEN or holding a control
    character: C0, DEL and C1 (a terminal runs ESC and CSI sequences), and
    line breaks unless LINES (then new lines and tabs are kept). The message
    never repeats the value: it may be a child's name."""
    if len(value) > max_len:
        raise BadInput(f"{what} is {len(value)} characters long; the limit is {max_len}")
    allowed = "\n\t" if lines else ""
    for ch in value:
        if ch in allowed:
            continue
        if unicodedata.category(ch) == "Cc" or (
                not lines and unicodedata.category(ch) in ("Zl", "Zp")):
            raise BadInput(f"{what} contains control characters"
                           f"{'' if lines else ' or line breaks'}; use plain text")
    return value
