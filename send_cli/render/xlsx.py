"""Workbooks for people (XlsxWriter, streamed): one sheet, a bold frozen
header, dates as dates, and every text cell a string, so nothing in a
child's name or a reason can ever run as a formula."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from send_cli.render.tables import FREE_KEYS, Col

DATE_KEYS = frozenset({"due", "date", "received", "dob", "since", "at", "meeting", "papers_due",
                       "papers_received", "revisit_by", "done_at", "moved_from", "on",
                       "requested", "closed_on", "away_from", "away_to", "applied"})
WIDE = 40  # free text columns
NARROW_MAX = 24  # other text columns at most


def _width(col: Col, sample: Any) -> float:
    title = len(col.title) + 2
    if isinstance(sample, datetime):
        return max(title, 17)
    if isinstance(sample, date):
        return max(title, 11)
    if col.key in FREE_KEYS:
        return max(title, WIDE if col.key not in ("name", "child", "team") else 22)
    if isinstance(sample, (int, float)):
        return max(title, 8)
    return max(title, min(NARROW_MAX, len(str(sample or "")) + 4), 10)


def write_xlsx(rows: Iterable[Mapping[str, Any]], columns: Sequence[Col], path: str, *,
               sheet: str = "send-cli") -> int:
    """ROWS as a one-sheet workbook at PATH; returns how many rows."""
    import xlsxwriter

    book = xlsxwriter.Workbook(path, {
        "constant_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        "remove_timezone": True,
    })
    try:
        ws = book.add_worksheet(sheet[:31])
        bold = book.add_format({"bold": True})
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        ws.freeze_panes(1, 0)
        it = iter(rows)
        first = next(it, None)
        # constant_memory writes each row as it comes: widths go first.
        for c, col in enumerate(columns):
            ws.set_column(c, c, _width(col, None if first is None else first.get(col.key)))
        for c, col in enumerate(columns):
            ws.write_string(0, c, col.title, bold)
        n = 0
        row = first
        while row is not None:
            n += 1
            for c, col in enumerate(columns):
                value = row.get(col.key)
                if value is None or value == "":
                    continue
                if isinstance(value, datetime):
                    local = _local(value)
                    ws.write_datetime(n, c, local, moment)
                elif isinstance(value, date):
                    ws.write_datetime(n, c, datetime(value.year, value.month, value.day), day)
                elif isinstance(value, bool):
                    ws.write_boolean(n, c, value)
                elif isinstance(value, (int, float)):
                    ws.write_number(n, c, value)
                elif col.key in DATE_KEYS and isinstance(value, str) and _iso(value):
                    when = _iso(value)
                    if isinstance(when, datetime):
                        ws.write_datetime(n, c, _local(when), moment)
                    else:
                        ws.write_datetime(n, c, datetime(when.year, when.month, when.day), day)
                else:
                    ws.write_string(n, c, _text(value))
            row = next(it, None)
        if columns:
            ws.autofilter(0, 0, max(n, 1), len(columns) - 1)
    finally:
        book.close()
    return n


def _local(value: datetime) -> datetime:
    """A date-time as the wall clock in London, without a zone (Excel has none)."""
    if value.tzinfo is None:
        return value
    from send_cli.settings import LONDON

    return value.astimezone(LONDON).replace(tzinfo=None)


def _iso(text: str) -> date | datetime | None:
    """An ISO date or date-time written as text (some exports stream text)."""
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        if len(text) >= 16 and text[10] == "T":
            return datetime.fromisoformat(text)
    except ValueError:
        return None
    return None


def _text(value: Any) -> str:
    """A value as cell text: a list as its items joined with '; '."""
    if isinstance(value, (list, tuple)):
        return "; ".join(_text(v) for v in value)
    return str(value)
