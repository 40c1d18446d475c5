"""The nightly bundle's contents for cron: the rows of overdue.csv,
escalations.csv, deadlines.csv and forecast.csv, the KPI figures for kpi.json
and kpi.html (the managers' dashboard) and the text of summary.txt, all read in
one read transaction so the files agree with each other. Each CSV has exactly
the columns of its command's `--format csv`. Writing the files (whole or not
at all) is the face's: render.nightly."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from send_cli.reports.deadlines import DEADLINE_COLUMNS, deadline_rows
from send_cli.reports.escalations import ESCALATION_KEYS, escalation_rows
from send_cli.reports.forecast import (
    FORECAST_KEYS,
    breaches_by_month,
    forecast_rows,
    medians,
    waiting_summary,
)
from send_cli.reports.forecast import summary_line as forecast_line
from send_cli.reports.kpi import default_period, kpi
from send_cli.reports.overdue import OVERDUE_KEYS, overdue_rows
from send_cli.rules import escalation as ladder
from send_cli.rules.calendar import Calendar
from send_cli.store.models import Officer

DEADLINE_WITHIN_DAYS = 30  # deadlines.csv: the missed ones and those due in 30 days
WORST = 10  # cases named in summary.txt
FILES = ("overdue.csv", "escalations.csv", "deadlines.csv", "forecast.csv", "kpi.json",
         "kpi.html", "summary.txt")


@dataclass
class _Tally:
    """Counts per officer for the summary."""

    overdue: Counter[str] = field(default_factory=Counter)
    escalations: Counter[str] = field(default_factory=Counter)
    missed: Counter[str] = field(default_factory=Counter)
    due_soon: Counter[str] = field(default_factory=Counter)


@dataclass
class Bundle:
    """What a nightly run wrote."""

    folder: Path | None = None  # where the face wrote it
    overdue: int = 0
    escalations: int = 0
    by_level: Counter[int] = field(default_factory=Counter)
    deadlines_missed: int = 0
    deadlines_due: int = 0
    forecast_line: str = ""
    files: tuple[str, ...] = FILES


def _counting(rows: Iterable[Mapping[str, Any]],
              see: Callable[[Mapping[str, Any]], None]) -> Iterator[Mapping[str, Any]]:
    for row in rows:
        see(row)
        yield row


@dataclass
class Nightly:
    """What the bundle holds, gathered in one session. The overdue and
    deadline rows stream (the biggest tables) and are counted as they pass;
    summary() is ready once both have been read."""

    session: Session
    cal: Calendar
    today: date
    now: datetime
    within: int
    teams: dict[str, str]
    escalations: list[dict[str, Any]]
    figures: dict[str, Any]
    forecast: list[dict[str, Any]] = field(default_factory=list)
    outlook: dict[str, Any] | None = None  # the forecast by month, for kpi.html
    bundle: Bundle = field(default_factory=Bundle)
    tally: _Tally = field(default_factory=_Tally)
    worst_overdue: list[tuple[int, int, dict[str, Any]]] = field(default_factory=list)

    def csv_files(self) -> list[tuple[str, Sequence[str], Callable[[], Iterable[Any]]]]:
        """(file name, keys, rows) of the four CSV files, in the order written."""
        return [("overdue.csv", OVERDUE_KEYS, self.overdue),
                ("escalations.csv", ESCALATION_KEYS, lambda: self.escalations),
                ("deadlines.csv", DEADLINE_COLUMNS, self.deadlines),
                ("forecast.csv", FORECAST_KEYS, lambda: self.forecast)]

    def overdue(self) -> Iterator[Mapping[str, Any]]:
        return _counting(overdue_rows(self.session, cal=self.cal, today=self.today),
                         self._see_overdue)

    def deadlines(self) -> Iterator[Mapping[str, Any]]:
        return _counting(deadline_rows(self.session, today=self.today, within=self.within),
                         self._see_deadline)

    def _see_overdue(self, row: Mapping[str, Any]) -> None:
        self.bundle.overdue += 1
        self.tally.overdue[row["officer"]] += 1
        item = (int(row["working_days_overdue"]), -int(row["followup_id"]), dict(row))
        if len(self.worst_overdue) < WORST * 4:
            heapq.heappush(self.worst_overdue, item)
        else:
            heapq.heappushpop(self.worst_overdue, item)

    def _see_deadline(self, row: Mapping[str, Any]) -> None:
        days_left = row.get("days_left")
        if days_left is not None and days_left < 0:
            self.tally.missed[row.get("officer") or ""] += 1
        else:
            self.tally.due_soon[row.get("officer") or ""] += 1

    def summary(self) -> str:
        """summary.txt, once the overdue and deadline rows have been read."""
        self.bundle.deadlines_missed = sum(self.tally.missed.values())
        self.bundle.deadlines_due = sum(self.tally.due_soon.values())
        return summary_text(bundle=self.bundle, tally=self.tally, teams=self.teams,
                            today=self.today, now=self.now, within=self.within,
                            escalations=self.escalations,
                            worst_overdue=[r for _, _, r in self.worst_overdue])


def gather(session: Session, *, cal: Calendar, today: date, now: datetime,
           within: int = DEADLINE_WITHIN_DAYS) -> Nightly:
    """The bundle's contents (see the module docstring)."""
    teams = dict(session.execute(select(Officer.code, Officer.team)).all())
    escalations = list(escalation_rows(session, cal=cal, today=today))
    start, end = default_period(today)
    figures = kpi(session, start=start, end=end, today=today)
    meds = medians(session, day=today)
    forecast = forecast_rows(session, today=today, meds=meds)
    outlook = breaches_by_month(((r["final_due"], r["late"], r["waiting_for"], 1)
                                 for r in forecast), today=today, meds=meds)
    report = Nightly(session=session, cal=cal, today=today, now=now, within=within,
                     teams=teams, escalations=escalations, figures=figures, forecast=forecast,
                     outlook=outlook)
    report.bundle.forecast_line = forecast_line(waiting_summary(forecast, today=today))
    for row in escalations:
        report.tally.escalations[row["officer"]] += 1
        report.bundle.by_level[row["level"]] += 1
    report.bundle.escalations = len(escalations)
    return report


def _worst_cases(escalations: list[dict[str, Any]],
                 worst_overdue: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One line per case, the highest step and the most working days late first."""
    candidates: dict[int, dict[str, Any]] = {}
    for row in worst_overdue:
        candidates[row["followup_id"]] = {
            "case_ref": row["case_ref"], "kind": row["kind"], "due": row["due"],
            "late": row["working_days_overdue"], "officer": row["officer"],
            "level": ladder.level_for(1, row["working_days_overdue"]), "owner": None}
    for row in escalations:
        candidates[row["followup_id"]] = {
            "case_ref": row["case_ref"], "kind": row["kind"], "due": row["due"],
            "late": row["working_days_overdue"], "officer": row["officer"],
            "level": row["level"], "owner": row["owner"]}
    ranked = sorted(candidates.values(),
                    key=lambda c: (-c["level"], -c["late"], c["due"], c["case_ref"]))
    out: list[dict[str, Any]] = []
    named: set[str] = set()
    for c in ranked:
        if c["case_ref"] in named:
            continue
        named.add(c["case_ref"])
        out.append(c)
        if len(out) == WORST:
            break
    return out


def summary_text(*, bundle: Bundle, tally: _Tally, teams: Mapping[str, str], today: date,
                 now: datetime, within: int, escalations: list[dict[str, Any]],
                 worst_overdue: list[dict[str, Any]]) -> str:
    """summary.txt: the counts, per team and per officer, and the worst cases
    first. Case references only: no child's name."""
    levels = ", ".join(f"{ladder.BY_LEVEL[lv].title} {bundle.by_level[lv]}"
                       for lv in (4, 3, 2) if bundle.by_level[lv])
    counts = [
        ("Overdue follow-ups", f"{bundle.overdue}"),
        ("Escalations", f"{bundle.escalations}" + (f" ({levels})" if levels else "")),
        ("Statutory deadlines missed", f"{bundle.deadlines_missed}"),
        (f"Deadlines due in {within} days", f"{bundle.deadlines_due}"),
    ]
    if bundle.forecast_line:
        counts.append(("Forecast", bundle.forecast_line))
    lines = [f"send-cli nightly report for {today:%a %d %b %Y} (run {now:%Y-%m-%d %H:%M})",
             ""]
    lines += [f"{label + ':':<29}{value}" for label, value in counts]
    officers = sorted(set(tally.overdue) | set(tally.escalations) | set(tally.missed)
                      | set(tally.due_soon))
    label_of = {c: f"{c or '(none)'} ({teams.get(c, '?')})" for c in officers}
    by_team: dict[str, list[str]] = {}
    for code in officers:
        by_team.setdefault(teams.get(code, "") or "(no team)", []).append(code)
    width = max([len(x) for x in list(label_of.values()) + list(by_team)] + [20]) + 2
    header = f"  {'':<{width}}{'overdue':>9}{'escalated':>11}{'missed':>8}{'due soon':>10}"

    def line(label: str, codes: Iterable[str]) -> str:
        cs = list(codes)
        return (f"  {label:<{width}}{sum(tally.overdue[c] for c in cs):>9}"
                f"{sum(tally.escalations[c] for c in cs):>11}"
                f"{sum(tally.missed[c] for c in cs):>8}{sum(tally.due_soon[c] for c in cs):>10}")

    if officers:
        lines += ["", "By team", header]
        team_order = sorted(by_team, key=lambda t: (-sum(tally.overdue[c] for c in by_team[t]),
                                                    t))
        lines += [line(t, by_team[t]) for t in team_order]
        lines += ["", "By officer", header]
        officer_order = sorted(officers, key=lambda c: (-tally.escalations[c],
                                                        -tally.overdue[c], -tally.missed[c], c))
        lines += [line(label_of[c], [c]) for c in officer_order]
    worst = _worst_cases(escalations, worst_overdue)
    if worst:
        lines += ["", "Worst cases first"]
        for n, c in enumerate(worst, 1):
            step = ladder.BY_LEVEL[c["level"]].title
            late = (f"{c['late']} working day{'' if c['late'] == 1 else 's'} late"
                    if c["late"] else "not yet due")
            holder = ""
            if c["level"] > 1:
                holder = f" {c['owner'] or ladder.nobody(c['level'])}"
            lines.append(f"  {n:>2}. {c['case_ref']}: {c['kind']} due {c['due']}, {late}; "
                         f"level {c['level']}, {step}{holder}; named officer {c['officer']}")
    if not (bundle.overdue or bundle.escalations or bundle.deadlines_missed):
        lines += ["", "Nothing is overdue."]
    lines += ["", "Files: " + ", ".join(FILES), ""]
    return "\n".join(lines)
