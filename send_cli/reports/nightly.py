"""The nightly bundle for cron: overdue.csv, escalations.csv, deadlines.csv,
kpi.json and summary.txt, written into one folder.

Every report is read in one read transaction, so the files agree with each
other. Each file is written to a temporary file in the same folder, flushed
to disk, and only then renamed over the old one (os.replace is atomic), so a
reader never sees half a file; the renames happen after every file has been
written, so a failure leaves yesterday's bundle whole. Files are readable by
their owner only: they hold children's names."""

from __future__ import annotations

import contextlib
import heapq
import json
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select
from sqlmodel import Session

from send_cli.errors import BadInput, SendError
from send_cli.models import Officer
from send_cli.render import plain, write_csv
from send_cli.reports.deadlines import DEADLINE_KEYS, deadline_rows
from send_cli.reports.escalations import ESCALATION_KEYS, escalation_rows
from send_cli.reports.kpi import default_period, kpi
from send_cli.reports.overdue import OVERDUE_KEYS, overdue_rows
from send_cli.rules import escalation as ladder
from send_cli.workdays import Calendar

DEADLINE_WITHIN_DAYS = 30  # deadlines.csv: the missed ones and those due in 30 days
WORST = 10  # cases named in summary.txt
FILES = ("overdue.csv", "escalations.csv", "deadlines.csv", "kpi.json", "summary.txt")


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

    folder: Path
    overdue: int = 0
    escalations: int = 0
    by_level: Counter[int] = field(default_factory=Counter)
    deadlines_missed: int = 0
    deadlines_due: int = 0
    files: tuple[str, ...] = FILES


def prepare_folder(out: Path) -> Path:
    """OUT, created (owner only) if it does not exist; an error naming the
    folder if it cannot be used."""
    try:
        if out.exists() and not out.is_dir():
            raise BadInput(f"--out '{out}' is a file, not a folder",
                           hint="Give a folder for the nightly files.")
        out.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise SendError(f"cannot use the folder '{out}': {exc.strerror}",
                        hint="Check the path and its permissions.") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise SendError(f"cannot write to the folder '{out}': permission denied",
                        hint="Give a folder the cron user can write to.")
    return out


class _Staged:
    """Temporary files in the target folder, renamed into place together."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pending: list[tuple[str, str]] = []

    def write(self, name: str, fill: Callable[[IO[str]], Any]) -> Any:
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=f".{name}.", suffix=".tmp")
        self.pending.append((tmp, name))
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            result = fill(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        return result

    def commit(self) -> None:
        """Rename every file into place. What could stop a rename (a folder
        where a file goes) is looked for first, so a run that fails leaves
        the previous bundle whole; a failure in the middle all the same
        (the disk) is reported with the files already replaced."""
        for _, name in self.pending:
            if (self.folder / name).is_dir():
                raise SendError(f"cannot write the nightly files: '{self.folder / name}' is "
                                "a folder; the previous files were left as they were",
                                hint="Remove or rename it.")
        replaced: list[str] = []
        while self.pending:
            tmp, name = self.pending[0]
            try:
                os.replace(tmp, self.folder / name)
            except OSError as exc:
                raise SendError(
                    f"cannot write the nightly files in '{self.folder}': {exc.strerror}; "
                    + (f"{', '.join(replaced)} were replaced, the others are the previous "
                       "run's" if replaced else "the previous files were left as they were"),
                    hint="Fix the folder and run the nightly report again.") from None
            replaced.append(name)
            self.pending.pop(0)
        with contextlib.suppress(OSError):  # make the renames durable too
            dir_fd = os.open(self.folder, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)

    def discard(self) -> None:
        for tmp, _ in self.pending:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        self.pending = []


def _counting(rows: Iterable[Mapping[str, Any]],
              see: Callable[[Mapping[str, Any]], None]) -> Iterator[Mapping[str, Any]]:
    for row in rows:
        see(row)
        yield row


def write_bundle(session: Session, *, cal: Calendar, today: date, now: datetime, out: Path,
                 within: int = DEADLINE_WITHIN_DAYS) -> Bundle:
    """Write the five files into OUT (see the module docstring)."""
    folder = prepare_folder(out)
    bundle = Bundle(folder=folder)
    tally = _Tally()
    teams = dict(session.execute(select(Officer.code, Officer.team)).all())
    worst_overdue: list[tuple[int, int, dict[str, Any]]] = []

    def see_overdue(row: Mapping[str, Any]) -> None:
        tally.overdue[row["officer"]] += 1
        item = (int(row["working_days_overdue"]), -int(row["followup_id"]), dict(row))
        if len(worst_overdue) < WORST * 4:
            heapq.heappush(worst_overdue, item)
        else:
            heapq.heappushpop(worst_overdue, item)

    def see_deadline(row: Mapping[str, Any]) -> None:
        days_left = row.get("days_left")
        if days_left is not None and days_left < 0:
            tally.missed[row.get("officer") or ""] += 1
        else:
            tally.due_soon[row.get("officer") or ""] += 1

    escalations = list(escalation_rows(session, cal=cal, today=today))
    for row in escalations:
        tally.escalations[row["officer"]] += 1
        bundle.by_level[row["level"]] += 1
    bundle.escalations = len(escalations)
    start, end = default_period(today)
    figures = kpi(session, start=start, end=end, today=today)

    staged = _Staged(folder)
    try:
        bundle.overdue = staged.write("overdue.csv", lambda fh: write_csv(
            _counting(overdue_rows(session, cal=cal, today=today), see_overdue),
            OVERDUE_KEYS, fh))
        staged.write("escalations.csv", lambda fh: write_csv(escalations, ESCALATION_KEYS, fh))
        staged.write("deadlines.csv", lambda fh: write_csv(
            _counting(deadline_rows(session, today=today, within=within), see_deadline),
            DEADLINE_KEYS, fh))
        staged.write("kpi.json", lambda fh: fh.write(json.dumps(
            figures, indent=2, ensure_ascii=False, default=_json_value) + "\n"))
        bundle.deadlines_missed = sum(tally.missed.values())
        bundle.deadlines_due = sum(tally.due_soon.values())
        text = summary_text(bundle=bundle, tally=tally, teams=teams, today=today, now=now,
                            within=within, escalations=escalations,
                            worst_overdue=[r for _, _, r in worst_overdue])
        staged.write("summary.txt", lambda fh: fh.write(text))
        staged.commit()
    except OSError as exc:  # writing the new files: none replaced yet
        staged.discard()
        raise SendError(f"cannot write the nightly files in '{folder}': {exc.strerror}; "
                        "the previous files were left as they were") from None
    except BaseException:
        staged.discard()
        raise
    return bundle


def _json_value(value: Any) -> Any:
    """Dates in kpi.json as 'report kpi --format json' writes them."""
    return plain(value) if isinstance(value, (date, datetime)) else str(value)


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
            late = (f"{c['late']} working days late" if c["late"] else "not yet due")
            holder = ""
            if c["level"] > 1:
                holder = f" {c['owner']}" if c["owner"] else " (no active officer in the role)"
            lines.append(f"  {n:>2}. {c['case_ref']}: {c['kind']} due {c['due']}, {late}; "
                         f"level {c['level']}, {step}{holder}; named officer {c['officer']}")
    if not (bundle.overdue or bundle.escalations or bundle.deadlines_missed):
        lines += ["", "Nothing is overdue."]
    lines += ["", "Files: " + ", ".join(FILES), ""]
    return "\n".join(lines)
