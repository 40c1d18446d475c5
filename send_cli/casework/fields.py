"""Free-text fields: the length limits and the control-character check that
every operation applies before it writes."""

from __future__ import annotations

import unicodedata
from typing import Any

from send_cli.errors import BadInput

NAME_MAX = 200
EMAIL_MAX = 254  # RFC 5321: the longest address a mail server takes
SETTING_MAX = 200
REASON_MAX = 500


def check_text(value: str, *, what: str, max_len: int, lines: bool = False) -> str:
    """VALUE, refused (BadInput) when longer than MAX_LEN or holding what a
    reader would not see as it is stored: control characters (C0, DEL, C1;
    new lines and tabs too: a name on two lines is two rows of a table),
    format characters (bidi overrides, zero-width spaces: a name that looks
    like another's), line and paragraph separators. LINES is kept for
    callers; free text is one line like any other. The message never
    repeats the value: it may be a child's name."""
    del lines
    if len(value) > max_len:
        raise BadInput(f"{what} is {len(value)} characters long; the limit is {max_len}")
    for i, ch in enumerate(value):
        kind = unicodedata.category(ch)
        if kind in ("Cc", "Cf", "Zl", "Zp"):
            seen = "a control character" if kind == "Cc" else "an invisible character"
            raise BadInput(f"{what} contains {seen} (U+{ord(ch):04X}, character {i + 1}); "
                           "use plain text on one line")
    return value


# a record withdrawn as made in error: when, by whom and why ('case show')
WITHDRAWN_KEYS = ("withdrawn_at", "withdrawn_by", "withdrawn_reason")


def withdrawn_view(row: Any) -> dict[str, Any]:
    """The withdrawn_* keys of a contact, advice request or decision, the
    moment in London time."""
    from datetime import UTC

    from send_cli.settings import LONDON

    out = {key: getattr(row, key) for key in WITHDRAWN_KEYS}
    if out["withdrawn_at"] is not None:
        at = out["withdrawn_at"]
        out["withdrawn_at"] = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(LONDON)
    return out
