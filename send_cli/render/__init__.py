"""The only module that draws for people (Rich) or writes data (CSV, JSON).

Rows are plain mappings whose keys are the public snake_case names, so the
table, the CSV and the JSON are one shape."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from send_cli.render.tables import Col, draw, left_out_note, table_width
from send_cli.rules.cells import FORMULA_LEADERS

FORMATS = ("table", "csv", "json")
LIST_FORMATS = ("table", "csv", "json", "xlsx")  # what a listing can be written as
DEFAULT_LIMIT = 50


def neutralise(value: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading quote (OWASP)."""
    if value and value.startswith(FORMULA_LEADERS):
        return "'" + value
    return value


def plain(value: Any) -> Any:
    """A JSON-ready value: ISO dates, lists kept."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return value


def human(value: Any) -> str:
    """A value as table text: date-times as local YYYY-MM-DD HH:MM."""
    if isinstance(value, datetime):
        from send_cli.settings import LONDON

        local = value.astimezone(LONDON) if value.tzinfo else value
        return f"{local:%Y-%m-%d %H:%M}"
    return cell(value)


def change_summary(before: str | None, after: str | None, width: int = 90) -> str:
    """An audit entry's before/after JSON as one short line for a table."""
    def load(text: str | None) -> dict[str, Any]:
        if not text:
            return {}
        try:
            loaded = json.loads(text)
        except ValueError:
            return {"value": text}
        return loaded if isinstance(loaded, dict) else {"value": loaded}

    old, new = load(before), load(after)
    parts = []
    for key in list(new) + [k for k in old if k not in new]:
        if key in old and key in new and old[key] != new[key]:
            parts.append(f"{key}: {_short(old[key])} -> {_short(new[key])}")
        elif key in new and key not in old:
            parts.append(f"{key}={_short(new[key])}")
        elif key not in new:
            parts.append(f"{key} was {_short(old[key])}")
    line = "; ".join(parts)
    return line if len(line) <= width else line[: width - 3] + "..."


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_short(v)}" for k, v in value.items()) + "}"
    text = "" if value is None else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def cell(value: Any) -> str:
    """A value as CSV or table text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "; ".join(cell(v) for v in value)
    if isinstance(value, (datetime, date)):
        return str(plain(value))
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def destination(output: Path | None) -> Any:
    """stdout, or OUTPUT written whole or not at all (see render.files)."""
    from send_cli.render.files import safe_text

    return safe_text(output)


class _LineFeedRows:
    """The file a csv.writer writes to. The writer is told rows end in \\r\\n,
    so it quotes every cell holding a carriage return as well as a line feed
    (told \\n alone, it leaves a lone \\r bare and a spreadsheet splits the
    row there); the rows then reach the file ending in \\n. The writer hands
    over one whole row per call."""

    __slots__ = ("write",)

    def __init__(self, fh: IO[str]) -> None:
        write = fh.write
        self.write = lambda line: write(line[:-2] + "\n")


def csv_writer(fh: IO[str]) -> Any:
    """A csv.writer for send-cli's CSV: RFC 4180 quoting, rows ending in \\n."""
    return csv.writer(_LineFeedRows(fh), lineterminator="\r\n")


def write_csv(rows: Iterable[Mapping[str, Any]], keys: Sequence[str], fh: IO[str]) -> int:
    writer = csv_writer(fh)
    writer.writerow(keys)
    n = 0
    leaders = "".join(FORMULA_LEADERS)  # one character each
    for row in rows:
        values = [row.get(k) for k in keys]
        # The common cells quickly (an export writes millions): plain text is
        # neutralised in place; ints and None are written by csv as cell()
        # would write them (str(int), ""). Anything else goes through cell().
        for i, v in enumerate(values):
            kind = type(v)
            if kind is str:
                if v and v[0] in leaders:
                    values[i] = "'" + v
            elif kind is not int and v is not None:
                values[i] = (neutralise(cell(v)) if isinstance(v, (str, list, tuple))
                             else cell(v))
        writer.writerow(values)
        n += 1
    return n


def write_json(rows: Iterable[Mapping[str, Any]], keys: Sequence[str], fh: IO[str]) -> int:
    """A JSON array, written one object at a time so memory stays flat."""
    n = 0
    fh.write("[")
    for row in rows:
        obj = {k: plain(row.get(k)) for k in keys}
        fh.write(("\n  " if n == 0 else ",\n  ") + json.dumps(obj, ensure_ascii=False))
        n += 1
    fh.write("\n]\n" if n else "]\n")
    return n


class NoTrailingSpaces:
    """A text stream that writes each line without the spaces Rich pads it
    with: piped or saved output ends its lines where the text ends."""

    def __init__(self, target: IO[str]) -> None:
        self.target = target
        self.pending = ""
        self.encoding = getattr(target, "encoding", "utf-8")

    def write(self, text: str) -> int:
        lines = (self.pending + text).split("\n")
        self.pending = lines.pop()
        if lines:
            self.target.write("".join(line.rstrip(" ") + "\n" for line in lines))
        return len(text)

    def flush(self) -> None:
        if self.pending.strip(" ") == "":
            self.pending = ""
        self.target.write(self.pending)
        self.pending = ""
        self.target.flush()

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self.target.fileno()


def console(file: IO[str] | None = None, *, stderr: bool = False) -> Any:
    from rich.console import Console

    target = file or (sys.stderr if stderr else sys.stdout)
    is_tty = hasattr(target, "isatty") and target.isatty()
    no_color = "NO_COLOR" in os.environ
    width = None if is_tty else table_width(target)
    if not is_tty and not isinstance(target, NoTrailingSpaces):
        target = NoTrailingSpaces(target)
    return Console(file=target, width=width, no_color=no_color or not is_tty,
                   force_terminal=is_tty and not no_color, highlight=False,
                   emoji=False, markup=False, soft_wrap=False)


def table(rows: Iterable[Mapping[str, Any]], columns: Sequence[Col], fh: IO[str], *,
          title: str | None = None, limit: int | None = DEFAULT_LIMIT,
          total: int | None = None, empty: str = "Nothing to show.",
          fixed: Mapping[str, str] | None = None, details: Sequence[Col] = (),
          note: str | None = None, formats: str = "--format csv, json or xlsx",
          wrap_details: bool = False) -> int:
    """ROWS drawn to fit the width (see render.tables): a title line, a
    header, a rule, the rows; then what was not shown and why."""
    if total is not None and limit is not None:
        import itertools

        rows = itertools.islice(rows, limit)  # the caller counted them: read no further
    width = table_width(fh)
    lines, counted, shown, dropped = draw(rows, columns, width=width, human=human,
                                          title=title, limit=limit, fixed=fixed,
                                          details=details, wrap_details=wrap_details)
    con = console(fh)
    if shown == 0:
        con.print(empty if not title else f"{title}: {empty[0].lower()}{empty[1:]}")
        return 0
    head = 2 if title else 0
    for i, line in enumerate(lines):
        style = "bold" if i == head else None
        con.print(line, style=style, overflow="ignore", crop=False)
    footer = []
    rest = (total if total is not None else counted) - shown
    if rest > 0:
        footer.append(f"... and {rest} more (use --limit 0 to show all, or --format csv/json)")
    titles = {c.key: c.title for c in columns}
    said = left_out_note(dropped, fixed or {}, titles, formats=formats)
    if note or said:
        footer.append(" ".join(part for part in (note, said) if part))
    if footer:
        from send_cli.render.tables import wrap

        con.print()
        for text in footer:
            for line in wrap(text, width):
                con.print(line, overflow="ignore", crop=False)
    return counted


def emit(rows: Iterable[Mapping[str, Any]], columns: Sequence[Col | str], *, fmt: str | None,
         output: Path | None = None, title: str | None = None,
         limit: int | None = DEFAULT_LIMIT, total: int | None = None,
         empty: str = "Nothing to show.", fixed: Mapping[str, str] | None = None,
         details: Sequence[Col | str] = (), default: str = "table",
         note: str | None = None) -> int:
    """Write ROWS as a table, CSV, JSON or a workbook to OUTPUT (stdout by
    default). FIXED: columns a filter made the same on every row, left out
    of a table; DETAILS: columns a table draws under their row. Returns how
    many rows there were."""
    from send_cli.render.files import format_for

    cols = [c if isinstance(c, Col) else Col(c) for c in columns]
    below = [c if isinstance(c, Col) else Col(c) for c in details]
    fmt = format_for(output, fmt, LIST_FORMATS, default=default)
    if fmt == "xlsx":
        return write_workbook(rows, cols + below, output)
    keys = [c.key for c in cols + below]
    with destination(output) as fh:
        if fmt == "csv":
            return write_csv(rows, keys, fh)
        if fmt == "json":
            return write_json(rows, keys, fh)
        return table(rows, cols, fh, title=title, limit=limit or None, total=total,
                     empty=empty, fixed=fixed, details=below, note=note)


def write_workbook(rows: Iterable[Mapping[str, Any]], cols: Sequence[Col],
                   output: Path | None) -> int:
    """ROWS as an .xlsx file at OUTPUT, written aside and renamed."""
    from send_cli.errors import BadInput
    from send_cli.render.files import safe_path
    from send_cli.render.xlsx import write_xlsx

    if output is None:
        raise BadInput("--format xlsx writes a file; add -o FILE.xlsx")
    with safe_path(output) as tmp:
        return write_xlsx(rows, cols, tmp)


def emit_object(obj: Mapping[str, Any], *, fmt: str | None, output: Path | None = None) -> None:
    """One object (e.g. the store's details) as JSON, key/value lines, CSV or a workbook."""
    from send_cli.render.files import format_for

    fmt = format_for(output, fmt, LIST_FORMATS, default="table")
    if fmt == "xlsx":
        write_workbook(({"key": k, "value": cell(v)} for k, v in obj.items()),
                       [Col("key"), Col("value")], output)
        return
    with destination(output) as fh:
        if fmt == "json":
            fh.write(json.dumps({k: plain(v) for k, v in obj.items()}, indent=2,
                                ensure_ascii=False) + "\n")
        elif fmt == "csv":
            write_csv([{"key": k, "value": cell(v)} for k, v in obj.items()],
                      ["key", "value"], fh)
        else:
            width = max((len(k) for k in obj), default=0)
            con = console(fh)
            for k, v in obj.items():
                con.print(f"{k.replace('_', ' '):<{width}}  {cell(v)}")


@contextlib.contextmanager
def progress(description: str, total: int | None) -> Iterator[Any]:
    """A progress bar on stderr when stderr is a terminal; under cron or a
    pipe nothing is drawn. Yields advance(n)."""
    if not (hasattr(sys.stderr, "isatty") and sys.stderr.isatty()):
        yield lambda n: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=console(stderr=True),
                  transient=True) as bar:
        task = bar.add_task(description, total=total or None)
        yield lambda n: bar.advance(task, n)


def message(text: str) -> None:
    """A line for people, on stderr; on a terminal, wrapped at its width
    between words (piped, it stays one line for grep and logs)."""
    if sys.stderr.isatty():
        import shutil
        import textwrap

        width = shutil.get_terminal_size().columns
        if len(text) > width and "\n" not in text:
            text = "\n".join(textwrap.wrap(text, width, break_on_hyphens=False,
                                            break_long_words=False))
    print(text, file=sys.stderr)


def data_line(text: str) -> None:
    """A line of data (a reference, a date), on stdout."""
    print(text)


def print_renderable(obj: Any, *, file: IO[str] | None = None) -> None:
    console(file).print(obj)


# Sections of 'case show' drawn by a function of their own; the rest are
# drawn as plain tables with their keys as columns.
SECTION_TITLES = {
    "clocks": "Statutory clocks",
    "milestones": "Milestones",
    "advice": "Advice requested",
    "exceptions": "Exceptions to the time limits",
    "appeals": "Disagreements and appeals",
    "referrals": "Panel referrals",
    "decisions": "Panel decisions",
    "declarations": "Declarations of interest",
    "contacts": "Contacts",
    "followups": "Follow-ups",
    "audit": "Audit trail",
}
SECTION_DRAWERS: dict[str, Any] = {}


def audit_table_rows(rows: Iterable[Mapping[str, Any]],
                     width: int = 90) -> Iterator[dict[str, Any]]:
    """Audit rows for a table: the before/after JSON folded into one line."""
    for row in rows:
        yield {**row, "change": change_summary(row.get("before"), row.get("after"), width)}


AUDIT_TABLE_COLUMNS = (Col("at"), Col("officer"), Col("action"), Col("case_ref", "case"),
                       Col("entity_id", "id"), Col("change"))


def _draw_audit(con: Any, rows: list[Mapping[str, Any]], today: date) -> None:
    table(audit_table_rows(rows, width=10**6),
          [c for c in AUDIT_TABLE_COLUMNS if c.key not in ("case_ref", "change")],
          con.file, title=SECTION_TITLES["audit"], limit=None,
          details=[Col("change", "")], wrap_details=True)


SECTION_DRAWERS["audit"] = _draw_audit

# In 'case show' these are drawn whole under their row, not cut in a column.
CASE_FREE_TEXT = frozenset({"summary", "reason", "interest", "note", "detail", "basis",
                            "close_reason", "declarations", "prior_decisions", "setting",
                            "withdrawn"})


def emit_case(detail: Mapping[str, Any], *, fmt: str, output: Path | None,
              today: date) -> None:
    """'case show': one JSON object, or the case drawn section by section,
    stacked to read at 80 columns, free text whole."""
    if fmt == "json":
        with destination(output) as fh:
            fh.write(json.dumps(_plain_tree(detail), indent=2, ensure_ascii=False) + "\n")
        return
    with destination(output) as fh:
        con = console(fh)
        head = detail["case"]
        con.print(f"{head['ref']}  {head['name']}" +
                  (f", born {human(head['dob'])}" if head.get("dob") else ""), style="bold")
        line = " · ".join(part for part in (
            f"{head.get('officer') or 'no officer'}"
            + (f" ({head['team']})" if head.get("team") else ""),
            str(head.get("status") or "").replace("-", " "),
            f"received {human(head['received'])}" if head.get("received") else "",
            ) if part)
        if head.get("requested_by"):
            line += f" from {str(head['requested_by']).replace('-', ' ')}"
        con.print(line)
        shown = {"ref", "name", "dob", "officer", "team", "status", "received",
                 "requested_by", "closed_on", "close_reason"}
        for k, v in head.items():
            if k not in shown and v not in (None, ""):
                con.print(f"{k.replace('_', ' ').capitalize()}: {human(v)}")
        if head.get("closed_on"):
            con.print(f"Closed {human(head['closed_on'])}"
                      + (f": {head['close_reason']}" if head.get("close_reason") else ""))
        for key, rows in detail.items():
            if key == "case" or not rows:
                continue
            con.print()
            drawer = SECTION_DRAWERS.get(key)
            if drawer is not None:
                drawer(con, rows, today)
                continue
            if "withdrawn_at" in rows[0]:
                rows = [_withdrawn_folded(r) for r in rows]
            keys = [k for k in rows[0].keys() if k != "case_ref"]
            table(rows, [Col(k) for k in keys if k not in CASE_FREE_TEXT], fh,
                  title=SECTION_TITLES.get(key, key.replace("_", " ").capitalize()),
                  limit=None, details=[Col(k) for k in keys if k in CASE_FREE_TEXT],
                  wrap_details=True)
        if detail.get("clocks"):
            con.print()
            con.print(f"The legal basis of each clock: send-cli case show {head['ref']} "
                      "--format json")


def _withdrawn_folded(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row of 'case show' with its withdrawn_* keys as one line under it:
    'withdrawn: 2026-12-09 12:05 by CO1: wrong case'."""
    out = {k: v for k, v in row.items() if not k.startswith("withdrawn_")}
    at = row.get("withdrawn_at")
    out["withdrawn"] = None if at is None else (
        f"{human(at)} by {row.get('withdrawn_by')}: {row.get('withdrawn_reason')}")
    return out


def _plain_tree(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain_tree(v) for v in value]
    return plain(value)


# -- the statutory clocks of 'case show' and the KPI report -------------------
CLOCK_BAR = 12  # characters for a clock's whole span
ADVICE_SHORT = {"educational-psychology": "EP", "social-care": "social care"}
CLOCK_OVERRUN = 10  # at most this many more for the time past its limit
CLOCK_STYLES = {"met": "green", "met late": "red", "open": "yellow", "missed": "bold red",
                "ended": "dim", "cut short": "magenta"}


def clock_bar(start: date, due: date, end: date) -> tuple[int, int, int]:
    """(used, left, over) characters of a clock from START to DUE looked at on
    END: the share of the limit used, what is left, and how far past it."""
    span = max((due - start).days, 1)
    used_days = max((end - start).days, 0)
    used = min(CLOCK_BAR, round(CLOCK_BAR * min(used_days, span) / span))
    over = 0
    if used_days > span:
        over = min(CLOCK_OVERRUN, max(1, -(-CLOCK_BAR * (used_days - span) // span)))
    return used, CLOCK_BAR - used, over


def clock_note(row: Mapping[str, Any], today: date) -> str:
    """How a clock stands, in words."""
    due, met, state = row["due"], row.get("met_on"), row.get("state")
    if state == "ended":
        return f"ended {due.isoformat()}" + (f"; final plan {met.isoformat()}" if met else "")
    if state == "cut short":
        return f"final plan {met.isoformat()} within the 15 days" if met else "cut short"
    if met is not None:
        spare = (due - met).days
        if spare == 0:
            return f"met on the day, {met.isoformat()}"
        if spare > 0:
            return f"met {met.isoformat()}, {_days(spare)} to spare"
        return f"met {met.isoformat()}, {_days(-spare)} late"
    left = (due - today).days
    if left < 0:
        return f"missed: {_days(-left)} late"
    used = (today - row["start"]).days
    return f"day {used} of {(due - row['start']).days}, {_days(left)} left"


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _draw_clocks(con: Any, rows: list[Mapping[str, Any]], today: date) -> None:
    """Each clock on one line: its due date and how it stands; an open
    clock with a bar of the time used."""
    width = table_width(con.file)
    shown = []
    for row in rows:
        label = str(row["milestone"])
        source = str(row.get("detail") or "").split(":")[0]
        if label == "advice" and source and " " not in source:
            label = f"advice: {ADVICE_SHORT.get(source, source)}"
        shown.append({"clock": label, "due": row["due"], "how it stands": clock_note(row, today),
                      "state": row.get("state") or "open", "exception": row.get("exception"),
                      "row": row})
    # How each clock stands goes beside it when it fits whole, else under it.
    label_width = max([len("clock")] + [len(r["clock"]) for r in shown])
    room = width - (2 + label_width + 2 + 10 + 2)
    beside = all(len(r["how it stands"]) <= room for r in shown)
    if beside:
        for r in shown:  # an open clock's bar too, where there is room for it
            used, left, over = clock_bar(r["row"]["start"], r["row"]["due"], today)
            bar = "█" * used + "░" * left + "▓" * over
            if r["state"] == "open" and len(bar) + 2 + len(r["how it stands"]) <= room:
                r["how it stands"] = f"{bar}  {r['how it stands']}"
    columns = [Col("clock"), Col("due")] + ([Col("how it stands")] if beside else [])
    details = ([] if beside else [Col("how it stands", "stands")]) + [Col("exception")]
    title = f"{SECTION_TITLES['clocks']} as at {today:%a %d %b %Y}"
    lines, _, _, _ = draw(shown, columns, width=width, human=human, title=title,
                          keep_free_whole=True, details=details, wrap_details=True)
    for i, line in enumerate(lines):
        style = "bold" if i == 2 else None
        if line.startswith("  ") and not line.startswith("    "):
            state = next((r["state"] for r in shown if line[2:].startswith(r["clock"] + " ")),
                         None)
            style = CLOCK_STYLES.get(state or "", style)
        con.print(line, style=style, overflow="ignore", crop=False)


SECTION_DRAWERS["clocks"] = _draw_clocks

KPI_LINES = (
    ("New plans issued within 20 weeks", "plans_within_20_weeks", "plans_issued",
     "pct_within_20_weeks"),
    ("  the same, excluding exceptions (SEN2)", "plans_within_20_weeks_excl_exceptions",
     "plans_issued_excl_exceptions", "pct_within_20_weeks_excl_exceptions"),
    ("Requests decided within 6 weeks", "requests_decided_within_6_weeks", "requests_decided",
     "pct_requests_decided_within_6_weeks"),
    ("Annual reviews held on time", "annual_reviews_on_time", "annual_reviews_due",
     "pct_annual_reviews_on_time"),
    ("Review decisions within 4 weeks", "review_decisions_within_4_weeks", "review_decisions",
     "pct_review_decisions_within_4_weeks"),
    ("Amended plans on time", "amended_plans_on_time", "amended_plans",
     "pct_amended_plans_on_time"),
    ("Follow-ups kept within their promise", "followups_kept", "followups_due",
     "pct_followups_kept"),
)


def _flat(prefix: str, value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for k, v in value.items():
            yield from _flat(f"{prefix}.{k}" if prefix else str(k), v)
    elif isinstance(value, (list, tuple)) and value and isinstance(value[0], Mapping):
        for item in value:
            label = next(iter(item.values()))
            for k, v in list(item.items())[1:]:
                yield from _flat(f"{prefix}.{label}.{k}", v)
    else:
        yield prefix, value


SPARKS = "▁▂▃▄▅▆▇█"
TREND_MONTHS = 12


def sparkline(values: Sequence[float | None]) -> str:
    """Percentages (0-100) as one character each, ▁ for 0-12.4% up to █ for
    87.5% and more; '·' for a month without enough cases for a percentage."""
    return "".join("·" if v is None else SPARKS[min(len(SPARKS) - 1, int(v * len(SPARKS) / 100))]
                   for v in values)


def kpi_chart(months: Sequence[Mapping[str, Any]], width: int = 30) -> list[Any]:
    """One line per month: a bar of the share of plans issued within 20 weeks."""
    from rich.text import Text

    lines = []
    for m in months:
        line = Text(f"  {m['month']}  ")
        if not m.get("plans_issued"):
            line.append("·" * width, style="dim")
            line.append("  no plans issued", style="dim")
        else:
            share = float(m.get("pct_within_20_weeks") or 0)
            filled = round(width * share / 100)
            style = "green" if share >= 80 else "yellow" if share >= 50 else "red"
            line.append("█" * filled, style=style)
            line.append("░" * (width - filled), style="dim")
            line.append(f"  {share:5.1f}%  {m['plans_within_20_weeks']} of "
                        f"{m['plans_issued']}")
        lines.append(line)
    return lines


def emit_kpi(figures: Mapping[str, Any], *, fmt: str, output: Path | None = None,
             limit: int | None = DEFAULT_LIMIT,
             forecast: Mapping[str, Any] | None = None) -> None:
    """'report kpi': one JSON object; key,value CSV; the HTML dashboard (with
    the breach FORECAST by month); or tables and a chart (the caseload table:
    the LIMIT busiest officers and a count of the rest)."""
    if fmt == "html":
        from send_cli.render.dashboard import kpi_html

        page = kpi_html(_plain_tree(figures), forecast)
        with destination(output) as fh:
            fh.write(page)
        return
    with destination(output) as fh:
        if fmt == "json":
            fh.write(json.dumps(_plain_tree(figures), indent=2, ensure_ascii=False) + "\n")
            return
        if fmt == "csv":
            write_csv(({"key": k, "value": v} for k, v in _flat("", figures)),
                      ["key", "value"], fh)
            return
        from rich import box
        from rich.table import Table

        con = console(fh)
        months = list(figures.get("months") or [])[-TREND_MONTHS:]
        con.print(f"KPIs {figures['from']} to {figures['to']}", style="bold")
        t = Table(box=box.SIMPLE_HEAD, show_edge=False)
        for header, justify in (("figure", "left"), ("count", "right"), ("of", "right"),
                                ("%", "right"), (f"last {len(months)} months", "left")):
            t.add_column(header, justify=justify, no_wrap=True)  # type: ignore[arg-type]
        for label, part, whole, share in KPI_LINES:
            value = figures.get(share)
            t.add_row(label, cell(figures.get(part)), cell(figures.get(whole)),
                      "-" if value is None else f"{value:.1f}",
                      sparkline([m.get(f"{share}_12m") for m in months]))
        t.add_row("Plans with a reg 10(4) exception", cell(figures.get("plans_with_exceptions")),
                  cell(figures.get("plans_issued")), "", "")
        avg = figures.get("avg_weeks_to_issue")
        t.add_row("Average weeks from request to plan", "-" if avg is None else f"{avg:.1f}",
                  "", "", "")
        con.print(t)
        if months:
            few = figures.get("min_cases_for_a_percentage")
            con.print(f"Trend: the figure over the 12 months to each month from "
                      f"{months[0]['month']} to {months[-1]['month']},\n▁ 0% to █ 100%; "
                      f"· fewer than {few} cases to count.")
        con.print()
        con.print(f"Advice outstanding on {figures['to']}", style="bold")
        a = Table(box=box.SIMPLE_HEAD, show_edge=False)
        for header, justify in (("from", "left"), ("outstanding", "right"),
                                ("over 6 weeks", "right")):
            a.add_column(header, justify=justify)  # type: ignore[arg-type]
        overdue = figures.get("advice_overdue") or {}
        for source, n in (figures.get("advice_outstanding") or {}).items():
            a.add_row(source, str(n), str(overdue.get(source, 0)))
        con.print(a)
        con.print()
        loads = figures.get("caseload") or {}
        busiest = sorted(loads.items(), key=lambda item: (-item[1], item[0]))
        # every officer's caseload, or the busiest and the count of all
        every = figures.get("caseload_all") or {"officers": len(loads),
                                                "open_cases": sum(loads.values())}
        con.print(f"Caseload: {every['open_cases']} open cases, {every['officers']} officers",
                  style="bold")
        c = Table(box=box.SIMPLE_HEAD, show_edge=False)
        c.add_column("officer")
        c.add_column("open cases", justify="right")
        for code, n in busiest[:limit or None]:
            c.add_row(code, str(n))
        con.print(c)
        if limit and every["officers"] > limit:
            con.print(f"... and {every['officers'] - limit} more officers (--limit 0 shows "
                      "all; CSV and JSON hold every one)")
        con.print()
        con.print("Plans issued within 20 weeks, by month", style="bold")
        for line in kpi_chart(figures.get("by_month") or []):
            con.print(line)
