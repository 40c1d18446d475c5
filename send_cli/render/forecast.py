"""The breach forecast drawn for people (a table that fits 80 columns, the
managers' summary) and written for machines (CSV, JSON)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from send_cli.render import (
    cell,
    console,
    destination,
    emit,
    plain,
    write_csv,
    write_workbook,
)

# Short names for what a request waits for, so the table fits 80 columns;
# CSV, JSON and the workbook carry the full words.
SHORT_WAITING = {
    "assessment decision": "decision",
    "advice to be asked": "advice to ask",
    "educational-psychology advice": "EP advice",
    "decision to issue": "issue decision",
}


def _table_columns() -> list[Any]:
    from send_cli.render import Col

    return [Col("case_ref", "case ref"), Col("officer"), Col("waiting_for", "waits for"),
            Col("final_due", "20 weeks"), Col("predicted_final", "forecast"),
            Col("margin_days", "margin", "right")]


def emit_forecast(rows: Sequence[Mapping[str, Any]], keys: Sequence[str], *, fmt: str,
                  output: Path | None, title: str, limit: int | None,
                  one_officer: bool, note: str | None, total: int | None = None) -> int:
    """The forecast rows as a table that fits the width (the officer column
    left out when the list is one officer's; TOTAL: how many there are, when
    ROWS is the first page), or every key as CSV, JSON or a workbook."""
    if fmt != "table":
        return emit(rows, list(keys), fmt=fmt, output=output)
    short = ({**row, "waiting_for": SHORT_WAITING.get(row["waiting_for"], row["waiting_for"])}
             for row in rows)
    return emit(short, _table_columns(), fmt=fmt, output=output, title=title, limit=limit,
                total=len(rows) if total is None else total,
                empty="No open requests before their final plan.",
                fixed={"officer": "one officer"} if one_officer else None, note=note)


def emit_forecast_summary(facts: Mapping[str, Any], *, fmt: str,
                          output: Path | None) -> None:
    """The managers' summary: one JSON object, key,value CSV or workbook, or
    two tables."""
    from send_cli.render import Col, table

    if fmt == "xlsx":
        write_workbook(({"key": k, "value": cell(v)} for k, v in _flat(facts)),
                       [Col("key"), Col("value")], output)
        return
    with destination(output) as fh:
        if fmt == "json":
            fh.write(json.dumps(_plain_tree(facts), indent=2, ensure_ascii=False) + "\n")
            return
        if fmt == "csv":
            write_csv(({"key": k, "value": v} for k, v in _flat(facts)), ["key", "value"], fh)
            return
        day: date = facts["forecast_day"]
        title = (f"Forecast on {day:%a %d %b %Y}: {facts['forecast_late']} of "
                 f"{facts['open_requests']} open requests to miss 20 weeks")
        table(facts["by_waiting_for"], [Col("waiting_for", "waiting for"),
                                        Col("requests", justify="right"),
                                        Col("late", "forecast late", "right")],
              fh, title=title, limit=None, empty="No open requests before their final plan.")
        console(fh).print()
        sources = [{**s, "weeks_to_clear": cell(s["weeks_to_clear"]) or "-",
                    "median_days": cell(s["median_days"]) or "-"}
                   for s in facts["advice_sources"]]
        table(sources, [Col("source"), Col("backlog", justify="right"),
                        Col("received_12_weeks", "received", "right"),
                        Col("per_week", "a week", "right"),
                        Col("weeks_to_clear", "weeks to clear", "right"),
                        Col("median_days", "median days", "right")],
              fh, title="Advice sources: backlog, and throughput over the last 12 weeks",
              limit=None,
              note="For information: the forecast's dates use the medians, not the backlog.")


def _plain_tree(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain_tree(v) for v in value]
    return plain(value)


def _flat(facts: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """key,value pairs: by_waiting_for.<what>.late and advice_sources.<source>.backlog."""
    out: list[tuple[str, Any]] = []
    for key, value in facts.items():
        if key == "by_waiting_for":
            for row in value:
                out += [(f"{key}.{row['waiting_for']}.requests", row["requests"]),
                        (f"{key}.{row['waiting_for']}.late", row["late"])]
        elif key == "advice_sources":
            for row in value:
                out += [(f"{key}.{row['source']}.{k}", v) for k, v in row.items()
                        if k != "source"]
        else:
            out.append((key, value))
    return out
