"""Tables that fit the terminal: identifiers and dates whole, free text cut
to one line with an ellipsis, columns left out in a stated order when the
width runs short, and a footer that says what was left out."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

GAP = 2  # spaces between columns
INDENT = 2  # spaces before the first column
NARROWEST = 60  # below this the table is drawn as if it had this width
FALLBACK_WIDTH = 80  # piped output without COLUMNS

# Values never cut: identifiers, codes and request or step names people type.
WHOLE_KEYS = frozenset({
    "id", "followup_id", "case_ref", "ref", "code", "officer", "panel", "entity_id",
    "revision", "login", "cover", "for", "kind", "milestone", "request", "status",
    "outcome", "level", "owner_role", "role", "papers", "state", "channel", "direction",
    "party", "action", "weekday", "cadence", "current", "active", "admin", "time", "email",
})
# Free text: cut to one line with an ellipsis when the width runs short.
FREE_KEYS = frozenset({
    "reason", "summary", "declarations", "prior_decisions", "note", "interest", "change",
    "meaning", "description", "setting", "requests", "basis", "exception", "source",
    "result", "detail", "close_reason", "name", "child", "chair", "member", "team",
    "check", "value", "default", "remit",
})
# When a table does not fit, columns are left out in this order (first
# listed, first left out); columns not listed are kept.
DROP_ORDER = ("email", "team", "note", "source", "prior_decisions", "declarations",
              "setting", "basis", "exception", "chair", "done_at", "moved_from",
              "requested_by", "direction", "party", "dob", "papers_due", "papers_received",
              "entity_id", "owner_role", "reason", "summary", "change", "revisit_by",
              "child", "name", "officer")
FREE_MIN = 12  # free text is not cut narrower than this
FREE_MIN_NAME = 14  # nor a child's name


@dataclass(frozen=True)
class Col:
    """A column: its key in the row and, for tables, a header and alignment."""

    key: str
    header: str | None = None
    justify: str = "left"

    @property
    def title(self) -> str:
        return self.header or self.key.replace("_", " ")


def table_width(fh: IO[str] | None = None) -> int:
    """The width to draw for: the terminal's, else COLUMNS, else 80 (a pipe,
    a file, cron); never under 60."""
    target = fh or sys.stdout
    width = 0
    if hasattr(target, "isatty") and target.isatty():
        width = shutil.get_terminal_size((FALLBACK_WIDTH, 24)).columns
    else:
        env = os.environ.get("COLUMNS", "")
        width = int(env) if env.isdigit() and int(env) > 0 else FALLBACK_WIDTH
    return max(width, NARROWEST)


def cell_len(text: str) -> int:
    from rich.cells import cell_len as rich_len

    return rich_len(text)


def cut(text: str, width: int) -> str:
    """TEXT on one line, at most WIDTH cells, ending in an ellipsis when cut."""
    line = " ".join(text.split()) if ("\n" in text or "\r" in text or "\t" in text) else text
    if cell_len(line) <= width:
        return line
    if width <= 1:
        return "…"[:width]
    from rich.cells import set_cell_size

    return set_cell_size(line, width - 1).rstrip() + "…"


def _pad(text: str, width: int, justify: str) -> str:
    gap = width - cell_len(text)
    if gap <= 0:
        return text
    return " " * gap + text if justify == "right" else text + " " * gap


@dataclass
class Fitted:
    """What fit: the columns kept with their widths, and those left out."""

    cols: list[Col]
    widths: list[int]
    dropped: list[str]


def _is_whole(col: Col, values: Sequence[Any]) -> bool:
    if col.key in WHOLE_KEYS or col.justify == "right":
        return True
    if col.key in FREE_KEYS:
        return False
    present = [v for v in values if v not in (None, "")]
    return bool(present) and all(isinstance(v, (date, datetime, int, float)) for v in present)


def fit(cols: Sequence[Col], texts: Sequence[Sequence[str]], whole: Sequence[bool],
        width: int, *, keep_free_whole: bool = False) -> Fitted:
    """Column widths for rows of TEXTS (one list per row, in COLS' order)
    within WIDTH: free-text columns shrink first (never under FREE_MIN), then
    columns are left out in DROP_ORDER until the rest fits."""
    natural = []
    for i, col in enumerate(cols):
        widest = max((cell_len(row[i]) for row in texts), default=0)
        natural.append(max(widest, cell_len(col.title)))
    alive = list(range(len(cols)))
    dropped: list[str] = []

    def floor(i: int) -> int:
        if whole[i] or keep_free_whole:
            return natural[i]
        least = FREE_MIN_NAME if cols[i].key in ("name", "child") else FREE_MIN
        return min(natural[i], max(least, cell_len(cols[i].title)))

    while True:
        need = INDENT + sum(floor(i) for i in alive) + GAP * (len(alive) - 1)
        if need <= width:
            break
        blank = [i for i in alive if not any(row[i] for row in texts)]
        if blank:  # a column with nothing in it goes first, and is not missed
            alive.remove(blank[-1])
            continue
        order = [i for i in alive if cols[i].key in DROP_ORDER]
        if not order:
            break  # identifiers and dates alone: drawn whole, wider than asked
        victim = min(order, key=lambda i: DROP_ORDER.index(cols[i].key))
        alive.remove(victim)
        dropped.append(cols[victim].key)
    widths = {i: natural[i] for i in alive}
    spare = width - (INDENT + sum(widths.values()) + GAP * (len(alive) - 1))
    # Shrink the widest cuttable column a cell at a time until it fits.
    while spare < 0:
        cuttable = [i for i in alive if widths[i] > floor(i)]
        if not cuttable:
            break
        widest = max(cuttable, key=lambda i: (widths[i] - floor(i), i))
        widths[widest] -= 1
        spare += 1
    return Fitted([cols[i] for i in alive], [widths[i] for i in alive], dropped)


# Columns that are usually empty (an absence and its cover): left out of a
# table on screen when no row shown has one. CSV, JSON and xlsx keep them.
SPARSE = frozenset({"for", "cover", "away_from", "away_to"})


def draw(rows: Iterable[Mapping[str, Any]], columns: Sequence[Col], *, width: int,
         human: Any, title: str | None = None, limit: int | None = None,
         fixed: Mapping[str, str] | None = None, details: Sequence[Col] = (),
         keep_free_whole: bool = False,
         wrap_details: bool = False) -> tuple[list[str], int, int, list[str]]:
    """The lines of a table of ROWS within WIDTH: (lines, rows seen, rows
    shown, keys left out). FIXED names columns a filter made the same on
    every row (left out, said in the footer by the caller); DETAILS are
    drawn under their row, indented, when they hold something: cut to one
    line, or whole over several (WRAP_DETAILS)."""
    fixed = fixed or {}
    shown_rows: list[Mapping[str, Any]] = []
    counted = 0
    for row in rows:
        counted += 1
        if limit is None or len(shown_rows) < limit:
            shown_rows.append(row)
        elif limit is not None:
            continue
    cols = [c for c in columns if c.key not in fixed
            and not (c.key in SPARSE and not any(r.get(c.key) for r in shown_rows))]
    texts = [[human(r.get(c.key)) for c in cols] for r in shown_rows]
    whole = [_is_whole(c, [r.get(c.key) for r in shown_rows]) for c in cols]
    fitted = fit(cols, texts, whole, width, keep_free_whole=keep_free_whole)
    numeric = {c.key for c in cols if _all_numbers([r.get(c.key) for r in shown_rows])}
    fitted.cols = [Col(c.key, c.header, "right") if c.key in numeric else c
                   for c in fitted.cols]
    index = {c.key: i for i, c in enumerate(cols)}
    lines: list[str] = []
    if title:
        lines.extend(wrap(title, width))
        lines.append("")
    header = " " * INDENT + (" " * GAP).join(
        _pad(cut(c.title, w), w, c.justify)
        for c, w in zip(fitted.cols, fitted.widths, strict=True))
    lines.append(header.rstrip())
    rule = INDENT + sum(fitted.widths) + GAP * (len(fitted.widths) - 1)
    lines.append(" " + "─" * (rule - 1))
    for r, row_texts in zip(shown_rows, texts, strict=True):
        parts = []
        for c, w in zip(fitted.cols, fitted.widths, strict=True):
            text = row_texts[index[c.key]]
            parts.append(_pad(cut(text, w), w, c.justify))
        lines.append((" " * INDENT + (" " * GAP).join(parts)).rstrip())
        for d in details:
            value = human(r.get(d.key))
            if not value:
                continue
            label = f"    {d.title}: " if d.title else "    "
            if wrap_details:
                lines.extend(wrap(label + " ".join(value.split()), width,
                                  indent=" " * (INDENT + 4)))
            else:
                lines.append(cut(label + value, width).rstrip())
    return lines, counted, len(shown_rows), fitted.dropped


def _all_numbers(values: Sequence[Any]) -> bool:
    present = [v for v in values if v is not None]
    return bool(present) and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                 for v in present)


def wrap(text: str, width: int, *, indent: str = "") -> list[str]:
    """TEXT as lines of at most WIDTH cells, broken at spaces (a word longer
    than the width is broken too); later lines start with INDENT."""
    import textwrap

    return textwrap.wrap(text, width=width, subsequent_indent=indent,
                         break_on_hyphens=False) or [""]


def left_out_note(dropped: Sequence[str], fixed: Mapping[str, str], titles: Mapping[str, str],
                  *, formats: str = "--format csv, json or xlsx") -> str:
    """The footer line: which columns were left out, and why."""
    parts = []
    if fixed:
        names = [titles.get(k, k.replace("_", " ")) for k in fixed]
        why = "; ".join(dict.fromkeys(fixed.values()))
        parts.append(f"{_join(names)} left out ({why})")
    if dropped:
        names = [titles.get(k, k.replace("_", " ")) for k in dropped]
        parts.append(f"{_join(names)} left out to fit the width")
    if not parts:
        return ""
    text = "; ".join(parts)
    return f"{text[0].upper()}{text[1:]}. All columns with {formats}."


def _join(names: Sequence[str]) -> str:
    names = list(names)
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]
