"""Workbooks for people (XlsxWriter, streamed): a sheet or several, each
with a bold frozen header, dates as dates, and every text cell a string, so nothing in a
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
    if isinstance(sample, date) or (sample is None and col.key in DATE_KEYS):
        return max(title, 11)
    if col.key in FREE_KEYS:
        return max(title, WIDE if col.key not in ("name", "child", "team") else 22)
    if isinstance(sample, (int, float)):
        return max(title, 8)
    return max(title, min(NARROW_MAX, len(str(sample or "")) + 4), 10)


def _book(path: str) -> Any:
    import xlsxwriter

    return xlsxwriter.Workbook(path, {
        "constant_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        "remove_timezone": True,
    })


class _Sheet:
    """One worksheet being streamed: its header written, then rows in order
    (constant memory flushes each row as the next begins)."""

    def __init__(self, book: Any, name: str, columns: Sequence[Col],
                 first: Mapping[str, Any] | None = None) -> None:
        self.ws = book.add_worksheet(name[:31])
        self.columns = columns
        self.n = 0
        self.day = book.add_format({"num_format": "yyyy-mm-dd"})
        self.moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        bold = book.add_format({"bold": True})
        self.ws.freeze_panes(1, 0)
        # widths go before the first row (it is written out as soon as the next begins)
        for c, col in enumerate(columns):
            self.ws.set_column(c, c, _width(col, None if first is None else first.get(col.key)))
        for c, col in enumerate(columns):
            self.ws.write_string(0, c, col.title, bold)

    def add(self, row: Mapping[str, Any]) -> None:
        self.n += 1
        ws, n = self.ws, self.n
        for c, col in enumerate(self.columns):
            value = row.get(col.key)
            if value is None or value == "":
                continue
            if isinstance(value, datetime):
                ws.write_datetime(n, c, _local(value), self.moment)
            elif isinstance(value, date):
                ws.write_datetime(n, c, datetime(value.year, value.month, value.day), self.day)
            elif isinstance(value, bool):
                ws.write_boolean(n, c, value)
            elif isinstance(value, (int, float)):
                ws.write_number(n, c, value)
            elif col.key in DATE_KEYS and isinstance(value, str) and _iso(value):
                when = _iso(value)
                if isinstance(when, datetime):
                    ws.write_datetime(n, c, _local(when), self.moment)
                else:
                    ws.write_datetime(n, c, datetime(when.year, when.month, when.day), self.day)
            else:
                ws.write_string(n, c, _text(value))

    def close(self) -> None:
        if self.columns:
            self.ws.autofilter(0, 0, max(self.n, 1), len(self.columns) - 1)


def write_xlsx(rows: Iterable[Mapping[str, Any]], columns: Sequence[Col], path: str, *,
               sheet: str = "send-cli") -> int:
    """ROWS as a one-sheet workbook at PATH; returns how many rows."""
    book = _book(path)
    try:
        it = iter(rows)
        first = next(it, None)
        ws = _Sheet(book, sheet, columns, first)
        row = first
        while row is not None:
            ws.add(row)
            row = next(it, None)
        ws.close()
    finally:
        book.close()
    return ws.n


def write_sheets(sheets: Sequence[tuple[str, Sequence[Col]]],
                 rows: Iterable[tuple[str, Mapping[str, Any]]], path: str) -> dict[str, int]:
    """A workbook of several sheets at PATH, in the order of SHEETS (name,
    columns); ROWS are (sheet name, row) in any interleaving, each sheet's
    in order, so a whole return streams through in one pass. Returns how
    many rows each sheet got."""
    book = _book(path)
    try:
        open_ = {name: _Sheet(book, name, columns) for name, columns in sheets}
        for name, row in rows:
            open_[name].add(row)
        for ws in open_.values():
            ws.close()
    finally:
        book.close()
    return {name: ws.n for name, ws in open_.items()}


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
