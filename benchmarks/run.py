"""Time send-cli as users run it, each command a whole process, beside its floor.

    python benchmarks/run.py --db /tmp/send-england.db            # everything
    python benchmarks/run.py --db /tmp/send-county.db --only startup,scale
    python benchmarks/run.py --db postgresql+psycopg://u:p@host/county \\
        --demo-db postgresql+psycopg://u:p@host/demo --only scale,writes

Groups (--only):
  startup  `send-cli --help` and `--version` against `python -c pass` (limit 10x)
  demo     each read command on the demo store against
           `python -c "import sqlmodel, holidays"` (limit 1.25x)
  scale    each report on the big store (--db) against the same command on the
           demo store (limit 1.5x)
  writes   `contact log` and `decision log` on the big store against the demo
           store (limit 1.25x)
  daily    the issue's targets, side by side in one run (every command of the
           group interleaved): each daily read on the demo store against
           `python -c "import sqlmodel, holidays"` (limit 0.4x), `contact log`
           on the demo store against the same (1.1x), each daily read on the
           backlog store (--backlog-db: 200,000 requests none decided,
           generate.py --backlog) and on the big store (--db) against the
           same on the demo store (1.5x), `--help` against `python -c pass`
           (10x)
  forecast `forecast` (the breach forecast) on the big store against `report kpi`
           on the same store (limit 1.5x)
  bulk     (SQLite; or any of import, export, backup) `import cases` of
           as many rows as the big store has cases against sqlite3
           executemany of the same rows in one transaction (5x);
           `export contacts` against a plain sqlite3-to-csv loop (3x, and peak
           memory under 150 MB); `db backup` while another process keeps
           writing, against the sqlite3 online backup API alone under the same
           load (2x)

Every timing is the median of --runs runs after one warm-up run; the runs of
a comparison are interleaved (A, B, A, B, ...) so that a busy machine slows
both sides alike. Peak memory is each process's own max RSS (os.wait4).
The demo store is built fresh under --out unless --demo-db is given. The
write and backup benchmarks add a few contacts, referrals and decisions to
the big store (never run them on a real council's store).

Prints a table of ratios; --markdown FILE also writes it as Markdown with the
machine and the date (for benchmarks/RESULTS.md).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

NOW = "2027-01-04T09:00"
PY = sys.executable


def send_cli() -> list[str]:
    """The installed console script beside this Python, else python -m."""
    script = Path(PY).with_name("send-cli")
    return [str(script)] if script.exists() else [PY, "-m", "send_cli"]


@dataclass
class Run:
    seconds: float
    max_rss_mb: float
    code: int
    cpu: float  # user + system CPU seconds: steadier than wall time on a busy machine


def run_once(argv: list[str], *, env: dict[str, str] | None = None,
             stdout: Any = subprocess.DEVNULL) -> Run:
    """One whole process: wall time, its own peak memory, exit code."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=stdout, stderr=err,
                                env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 4):
            err.seek(0)
            text = err.read().decode(errors="replace").strip()
            raise SystemExit(f"failed ({proc.returncode}): {' '.join(argv)}\n{text}")
    return Run(seconds, usage.ru_maxrss / 1024, proc.returncode,
               usage.ru_utime + usage.ru_stime)


@dataclass
class Case:
    """One timed command; SETUP runs untimed before each of its runs."""

    label: str
    argv: list[str]
    setup: Callable[[int], None] | None = None
    runs: list[Run] = field(default_factory=list)

    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    def peak_mb(self) -> float:
        return max(r.max_rss_mb for r in self.runs)


@dataclass
class Row:
    group: str
    what: str
    seconds: float
    base_label: str
    base_seconds: float
    limit: float
    peak_mb: float | None = None
    note: str = ""
    cpu_ratio: float | None = None

    @property
    def ratio(self) -> float:
        return self.seconds / self.base_seconds if self.base_seconds else float("nan")

    @property
    def ok(self) -> bool:
        return self.ratio <= self.limit


def compare(group: str, what: str, case: Case, base_label: str, base: Case, limit: float,
            note: str = "") -> Row:
    return Row(group, what, case.median(), base_label, base.median(), limit, case.peak_mb(),
               note, case.cpu() / base.cpu() if base.cpu() else None)


def measure(cases: list[Case], runs: int, echo: Callable[[str], None]) -> None:
    """Warm-up, then RUNS rounds of every case in turn."""
    for round_ in range(runs + 1):
        for i, case in enumerate(cases):
            if case.setup:
                case.setup(round_)
            result = run_once(case.argv)
            if round_:
                case.runs.append(result)
            elif i == 0:
                echo(f"  warming up: {case.label}")


# -- the stores ------------------------------------------------------------------
class Store:
    """A store to benchmark against: its --db value and a few facts for
    choosing arguments (read with SQLAlchemy, so PostgreSQL works too)."""

    def __init__(self, db: str):
        self.db = db
        from send_cli.settings import resolve
        from send_cli.store.engine import open_store

        self._store = open_store(resolve(db=db, officer="bench", now=NOW))

    def one(self, sql: str, **params: Any) -> Any:
        from sqlalchemy import text

        with self._store.engine.connect() as conn:
            row = conn.execute(text(sql), params).first()
            conn.rollback()
        return row

    def all(self, sql: str, **params: Any) -> list[Any]:
        from sqlalchemy import text

        with self._store.engine.connect() as conn:
            rows = list(conn.execute(text(sql), params))
            conn.rollback()
        return rows

    @property
    def is_sqlite(self) -> bool:
        return self._store.is_sqlite

    @property
    def path(self) -> Path | None:
        return self._store.path

    def cases(self) -> int:
        return int(self.one("SELECT count(*) FROM cases")[0])

    def cli(self, *args: str, now: str = NOW) -> list[str]:
        return [*send_cli(), "--db", self.db, "--as", "CO1", "--now", now, *args]

    def show_ref(self) -> str:
        """A typical case for 'case show': the middle one by id (the demo's
        case with the most contacts, the demo being small)."""
        n = self.cases()
        if n < 1000:
            row = self.one("SELECT c.ref FROM cases c JOIN contacts k ON k.case_id = c.id "
                           "GROUP BY c.id ORDER BY count(*) DESC, c.id LIMIT 1")
            if row:
                return str(row[0])
        return str(self.one("SELECT ref FROM cases ORDER BY id LIMIT 1 OFFSET :n",
                            n=max(0, n // 2))[0])

    def agenda_meeting(self) -> str | None:
        """The MAP meeting near --now with the most referrals."""
        row = self.one(
            "SELECT m.date, count(r.id) AS n FROM meetings m "
            "JOIN panels p ON p.id = m.panel_id LEFT JOIN referrals r ON r.meeting_id = m.id "
            "WHERE p.code = 'MAP' AND m.date BETWEEN :a AND :b GROUP BY m.id, m.date "
            "ORDER BY n DESC, m.date LIMIT 1",
            a=(dt.date.fromisoformat(NOW[:10]) - dt.timedelta(days=21)).isoformat(),
            b=(dt.date.fromisoformat(NOW[:10]) + dt.timedelta(days=21)).isoformat())
        return str(row[0])[:10] if row else None

    def open_refs(self, n: int, *, skip: int = 0, at_least: int | None = None) -> list[str]:
        """Up to N open cases spread over the store (a fixed pseudo-random
        order), after the first SKIP, for write benchmarks."""
        rows = self.all("SELECT ref FROM cases WHERE status NOT IN ('closed', 'ceased') "
                        "ORDER BY (id * 7919) % 1000003, id LIMIT :n", n=n + skip)
        refs = [str(r[0]) for r in rows][skip:]
        if len(refs) < (n if at_least is None else at_least):
            raise SystemExit(f"{self.db}: not enough open cases for the write benchmarks")
        return refs

    def dispose(self) -> None:
        self._store.dispose()


def build_demo(out: Path, echo: Callable[[str], None]) -> str:
    db = out / "demo.db"
    echo(f"building the demo store at {db}")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    subprocess.run([*send_cli(), "demo", "--db", str(db)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return str(db)


# -- the groups ----------------------------------------------------------------
FLOOR_PASS = [PY, "-c", "pass"]
FLOOR_IMPORTS = [PY, "-c", "import sqlmodel, holidays"]


def report_commands(store: Store) -> list[tuple[str, list[str]]]:
    """The reports of the issue, with arguments chosen for STORE."""
    cmds = [("overdue", ["overdue"]),
            ("escalations", ["escalations"]),
            ("deadlines --within 7", ["deadlines", "--within", "7"]),
            ("report kpi", ["report", "kpi"]),
            ("forecast", ["forecast"]),
            ("case list --officer CO1", ["case", "list", "--officer", "CO1"]),
            ("case show", ["case", "show", store.show_ref()])]
    meeting = store.agenda_meeting()
    if meeting:
        cmds.append(("panel agenda", ["panel", "agenda", "MAP", "--meeting", meeting]))
    return cmds


def daily_commands(store: Store) -> list[tuple[str, list[str]]]:
    """The reads an officer types all day, with arguments chosen for STORE."""
    cmds = [("overdue", ["overdue"]), ("escalations", ["escalations"]),
            ("deadlines --within 7", ["deadlines", "--within", "7"]),
            ("followup list", ["followup", "list"]),
            ("case list --officer CO1", ["case", "list", "--officer", "CO1"]),
            ("case show", ["case", "show", store.show_ref()]),
            ("panel agenda", ["panel", "agenda", "MAP", "--meeting",
                              store.agenda_meeting() or "next"]),
            ("panel meetings MAP", ["panel", "meetings", "MAP"]),
            ("report kpi", ["report", "kpi"]), ("audit", ["audit"])]
    return cmds


def compile_bytecode() -> None:
    """Write send_cli's bytecode, as an installed package has it (a checkout
    run with PYTHONDONTWRITEBYTECODE would compile every module each time)."""
    import compileall

    compileall.compile_dir(str(ROOT / "send_cli"), quiet=1)


def group_daily(demo: Store, backlog: Store | None, big: Store | None, runs: int,
                echo: Callable[[str], None]) -> list[Row]:
    compile_bytecode()
    imports = Case('python -c "import sqlmodel, holidays"', FLOOR_IMPORTS)
    floor = Case("python -c pass", FLOOR_PASS)
    helped = Case("send-cli --help", [*send_cli(), "--help"])
    ref = demo.open_refs(1, skip=3)[0]
    contact = Case("contact log", demo.cli(
        "contact", "log", ref, "--channel", "phone", "--direction", "in", "--party", "parent",
        "--summary", "Benchmark: asked for a call back", "--at", NOW.replace("09:00", "08:45")))
    on_demo = {label: Case(label, demo.cli(*args)) for label, args in daily_commands(demo)}
    others = [(name, store, {label: Case(f"{label} ({name})", store.cli(*args))
                             for label, args in daily_commands(store)})
              for name, store in (("backlog", backlog), ("big", big)) if store is not None]
    cases = [imports, floor, helped, contact, *on_demo.values(),
             *(c for _, _, found in others for c in found.values())]
    measure(cases, runs, echo)
    rows = [compare("daily: demo store", label, case, "import sqlmodel, holidays", imports,
                    0.4) for label, case in on_demo.items()]
    rows.append(compare("daily: demo store", "contact log", contact,
                        "import sqlmodel, holidays", imports, 1.1))
    for name, store, found in others:
        group = (f"daily: {store.cases():,} breached requests" if name == "backlog"
                 else f"daily: {store.cases():,} cases")
        rows += [compare(group, label, case, "same on demo store", on_demo[label], 1.5)
                 for label, case in found.items()]
    rows.append(compare("daily: startup", "send-cli --help", helped, "python -c pass", floor,
                        10.0))
    return rows


def group_startup(runs: int, echo: Callable[[str], None]) -> list[Row]:
    floor = Case("python -c pass", FLOOR_PASS)
    cases = [Case("send-cli --help", [*send_cli(), "--help"]),
             Case("send-cli --version", [*send_cli(), "--version"])]
    measure([floor, *cases], runs, echo)
    return [compare("startup", c.label, c, floor.label, floor, 10.0) for c in cases]


def group_demo(demo: Store, runs: int, echo: Callable[[str], None]) -> list[Row]:
    floor = Case('python -c "import sqlmodel, holidays"', FLOOR_IMPORTS)
    cases = [Case(label, demo.cli(*args)) for label, args in report_commands(demo)]
    measure([floor, *cases], runs, echo)
    return [compare("demo store", c.label, c, "import sqlmodel, holidays", floor, 1.25)
            for c in cases]


def group_scale(big: Store, demo: Store, runs: int, echo: Callable[[str], None]) -> list[Row]:
    rows = []
    demo_cmds = dict(report_commands(demo))
    for label, args in report_commands(big):
        if label not in demo_cmds:
            echo(f"  {label}: not on the demo store, skipped")
            continue
        a, b = Case(label + " (big)", big.cli(*args)), Case(label + " (demo)",
                                                            demo.cli(*demo_cmds[label]))
        measure([b, a], runs, echo)
        rows.append(compare("scale", label, a, "same on demo store", b, 1.5))
    return rows


def group_forecast(big: Store, runs: int, echo: Callable[[str], None]) -> list[Row]:
    """The breach forecast against the council's figures, both on the big store."""
    kpi = Case("report kpi (big)", big.cli("report", "kpi"))
    forecast = Case("forecast (big)", big.cli("forecast"))
    measure([kpi, forecast], runs, echo)
    return [compare("forecast", "forecast", forecast, "report kpi, same store", kpi, 1.5)]


def group_writes(big: Store, demo: Store, runs: int, echo: Callable[[str], None]) -> list[Row]:
    rows = []
    contact = ["contact", "log", "{ref}", "--channel", "phone", "--direction", "in",
               "--party", "parent", "--summary", "Benchmark: asked for a call back",
               "--at", NOW.replace("09:00", "08:45")]
    pairs = []
    for store in (big, demo):
        ref = store.open_refs(1, skip=3)[0]
        pairs.append(Case(f"contact log ({store.db})",
                          store.cli(*[a.replace("{ref}", ref) for a in contact])))
    measure(pairs[::-1], runs, echo)
    rows.append(compare("writes", "contact log", pairs[0], "same on demo store", pairs[1],
                        1.25))

    decisions = []
    for store in (big, demo):
        setup = decision_setup(store, runs + 1, echo)
        if setup is None:
            echo(f"  decision log: cannot set up on {store.db}, skipped")
            return rows
        meeting, refs = setup
        case = Case(f"decision log ({store.db})", [])

        def before(round_: int, case: Case = case, store: Store = store,
                   refs: list[str] = refs, meeting: str = meeting) -> None:
            case.argv = store.cli("decision", "log", refs[round_], "--panel", "MAP",
                                  "--meeting", meeting, "--outcome", "agreed", "--reason",
                                  "Benchmark: needs met by the evidence", "--chair", "R. Okafor")

        case.setup = before
        decisions.append(case)
    measure(decisions[::-1], runs, echo)
    rows.append(compare("writes", "decision log", decisions[0], "same on demo store",
                        decisions[1], 1.25))
    return rows


def decision_setup(store: Store, n: int, echo: Callable[[str], None]
                   ) -> tuple[str, list[str]] | None:
    """N cases referred (untimed, with an earlier --now) to a MAP meeting held
    in the week before NOW, so that each timed run logs one decision."""
    today = dt.date.fromisoformat(NOW[:10])
    day = today - dt.timedelta(days=(today.weekday() - 3) % 7 or 7)  # the last Thursday
    earlier = (day - dt.timedelta(days=10)).isoformat() + "T09:00"
    subprocess.run(store.cli("panel", "schedule", "MAP", "--from", day.isoformat(), "--to",
                             day.isoformat(), "--weekday", "thu", now=earlier),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    held = store.one("SELECT m.date FROM meetings m JOIN panels p ON p.id = m.panel_id "
                     "WHERE p.code = 'MAP' AND m.date BETWEEN :a AND :b ORDER BY m.date DESC",
                     a=(day - dt.timedelta(days=6)).isoformat(), b=day.isoformat())
    if held is None:
        return None
    meeting = str(held[0])[:10]
    before = (dt.date.fromisoformat(meeting) - dt.timedelta(days=7)).isoformat() + "T09:00"
    refs: list[str] = []
    for ref in store.open_refs(n * 4, skip=10, at_least=n):
        done = subprocess.run(store.cli("panel", "refer", ref, "--panel", "MAP", "--request",
                                        "resource", "--meeting", meeting, now=before),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if done.returncode == 0:
            refs.append(ref)
        if len(refs) == n:
            return meeting, refs
    return None


# -- bulk (SQLite) ---------------------------------------------------------------
BASELINE_IMPORT = """
import csv, sqlite3, sys
from datetime import datetime, timezone
db, path = sys.argv[1], sys.argv[2]
con = sqlite3.connect(db, isolation_level=None)
con.execute("PRAGMA journal_mode=WAL"); con.execute("PRAGMA synchronous=NORMAL")
con.execute("PRAGMA foreign_keys=ON")
officers = dict(con.execute("SELECT code, id FROM officers"))
now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
with open(path, newline="", encoding="utf-8") as fh:
    reader = csv.reader(fh)
    next(reader)
    rows = [(r[0], r[1], r[2], officers[r[3]], r[4], r[5] or None, r[6] or None,
             "requested", now) for r in reader]
con.execute("BEGIN")
con.executemany("INSERT INTO cases (ref, name, dob, officer_id, received, requested_by, "
                "setting, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
con.execute("COMMIT")
"""

BASELINE_EXPORT = """
import csv, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
with open(sys.argv[2], "w", newline="", encoding="utf-8") as fh:
    w = csv.writer(fh, lineterminator="\\n")
    w.writerow(["id", "case_ref", "at", "channel", "direction", "party", "summary", "officer"])
    cur = con.execute("SELECT k.id, c.ref, k.at, k.channel, k.direction, k.party, k.summary, "
                      "o.code FROM contacts k JOIN cases c ON c.id = k.case_id "
                      "JOIN officers o ON o.id = k.officer_id ORDER BY k.id")
    while rows := cur.fetchmany(5000):
        w.writerows(rows)
"""

BASELINE_BACKUP = """
import sqlite3, sys
src = sqlite3.connect(sys.argv[1])
dst = sqlite3.connect(sys.argv[2])
src.backup(dst)
dst.close(); src.close()
"""

WRITER = """
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
con.execute("PRAGMA journal_mode=WAL"); con.execute("PRAGMA synchronous=NORMAL")
case_id, officer_id = con.execute("SELECT id, officer_id FROM cases ORDER BY id DESC LIMIT 1"
                                  ).fetchone()
n = 0
while True:
    con.execute("BEGIN IMMEDIATE")
    con.execute("INSERT INTO contacts (case_id, at, channel, direction, party, summary, "
                "officer_id, created_at) VALUES (?, '2027-01-04 08:00:00.000000', 'email', "
                "'out', 'school', 'Benchmark write load', ?, '2027-01-04 08:00:00.000000')",
                (case_id, officer_id))
    con.execute("COMMIT")
    n += 1
    time.sleep(0.02)
"""


def import_csv(path: Path, rows: int, officers: list[str]) -> None:
    """ROWS valid new cases in the columns `export cases` writes. Names and
    dates of birth are drawn at random, so some rows share both: new_child
    says each is a child of its own (else the import refuses the file)."""
    import random

    from generate import FIRST, LAST, REQUESTED_BY, SETTINGS

    rng = random.Random(7)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["ref", "name", "dob", "officer", "received", "requested_by", "setting",
                    "new_child"])
        for i in range(rows):
            received = dt.date(2026, 1, 5) + dt.timedelta(days=rng.randrange(0, 360))
            dob = received - dt.timedelta(days=rng.randrange(400, 6000))
            w.writerow([f"IMP-{i + 1:07d}", f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                        dob.isoformat(), rng.choice(officers), received.isoformat(),
                        rng.choice(REQUESTED_BY), rng.choice(SETTINGS), "yes"])


def fresh_store_with_officers(path: Path, cases: int) -> list[str]:
    from generate import officer_rows
    from sqlalchemy import insert

    from send_cli.settings import LONDON, resolve
    from send_cli.store.engine import open_store
    from send_cli.store.models import Officer

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    store = open_store(resolve(db=str(path), officer="bench", now=NOW))
    officers = officer_rows(cases, dt.datetime(2018, 1, 1, 9, tzinfo=LONDON))
    with store.engine.begin() as conn:
        conn.execute(insert(Officer), officers)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.dispose()
    return [o["code"] for o in officers if o["role"] in ("casework-officer",
                                                          "assessment-officer")]


def copy_db(src: Path, dst: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{dst}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(src, dst)


def group_import(big: Store, out: Path, runs: int, import_rows: int | None,
                 echo: Callable[[str], None]) -> list[Row]:
    rows: list[Row] = []
    n = import_rows or big.cases()
    echo(f"  import: writing {n:,} rows of CSV")
    template, csv_path = out / "import-template.db", out / "import.csv"
    officers = fresh_store_with_officers(template, n)
    import_csv(csv_path, n, officers)
    a, b = out / "import-send.db", out / "import-sqlite3.db"
    mine = Case("import cases", [*send_cli(), "--db", str(a), "--as", "CO1", "--now", NOW,
                                 "import", "cases", str(csv_path)],
                setup=lambda _: copy_db(template, a))
    base = Case("sqlite3 executemany", [PY, "-c", BASELINE_IMPORT, str(b), str(csv_path)],
                setup=lambda _: copy_db(template, b))
    measure([base, mine], runs, echo)
    rows.append(compare("bulk", f"import cases ({n:,} rows)", mine,
                        "sqlite3 executemany, one transaction", base, 5.0))
    for p in (a, b, template):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{p}{suffix}").unlink(missing_ok=True)
    csv_path.unlink(missing_ok=True)
    return rows


def group_export(big: Store, out: Path, runs: int, echo: Callable[[str], None]) -> list[Row]:
    assert big.path is not None
    rows: list[Row] = []
    contacts = int(big.one("SELECT count(*) FROM contacts")[0])
    echo(f"  export: {contacts:,} contacts")
    ea, eb = out / "export-send.csv", out / "export-sqlite3.csv"
    mine = Case("export contacts", big.cli("export", "contacts", "--format", "csv", "-o",
                                           str(ea)))
    base = Case("sqlite3 to csv", [PY, "-c", BASELINE_EXPORT, str(big.path), str(eb)])
    measure([base, mine], runs, echo)
    peak = mine.peak_mb()
    rows.append(compare("bulk", f"export contacts ({contacts:,} rows)", mine,
                        "sqlite3-to-csv loop", base, 3.0,
                        note=f"peak {peak:.0f} MB, limit 150" + ("" if peak < 150 else " OVER")))
    ea.unlink(missing_ok=True)
    eb.unlink(missing_ok=True)
    return rows


def group_backup(big: Store, out: Path, runs: int, echo: Callable[[str], None]) -> list[Row]:
    assert big.path is not None
    rows: list[Row] = []
    echo("  backup under write load")
    ba, bb = out / "backup-send.db", out / "backup-sqlite3.db"
    writer = subprocess.Popen([PY, "-c", WRITER, str(big.path)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        mine = Case("db backup", big.cli("db", "backup", str(ba), "--force"),
                    setup=lambda _: copy_db_remove(ba))
        base = Case("sqlite3 backup API", [PY, "-c", BASELINE_BACKUP, str(big.path), str(bb)],
                    setup=lambda _: copy_db_remove(bb))
        measure([base, mine], runs, echo)
    finally:
        writer.terminate()
        writer.wait()
    rows.append(compare("bulk", "db backup under write load", mine,
                        "sqlite3 backup API alone", base, 2.0,
                        note=f"{big.path.stat().st_size / 2**20:,.0f} MiB store"))
    for p in (ba, bb):
        copy_db_remove(p)
    return rows


def copy_db_remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# -- reporting -------------------------------------------------------------------
def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 2**20:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return (f"{cpu}, {os.cpu_count()} CPUs{mem}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}; SQLite {sqlite3.sqlite_version}")


def table(rows: list[Row]) -> str:
    head = ("group", "command", "time", "baseline", "baseline time", "ratio", "limit",
            "cpu ratio", "peak MB", "")
    body = [(r.group, r.what, f"{r.seconds * 1000:,.0f} ms", r.base_label,
             f"{r.base_seconds * 1000:,.0f} ms", f"{r.ratio:.2f}x", f"{r.limit:g}x",
             f"{r.cpu_ratio:.2f}x" if r.cpu_ratio else "",
             f"{r.peak_mb:.0f}" if r.peak_mb is not None else "",
             ("ok" if r.ok else "OVER") + (f" ({r.note})" if r.note else "")) for r in rows]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body, strict=True)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
             for line in (head, *body)]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown(rows: list[Row], title: str) -> str:
    out = [f"### {title}", "",
           "| group | command | time | baseline | baseline time | ratio | limit | cpu ratio "
           "| peak MB | |",
           "|---|---|---:|---|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        out.append(f"| {r.group} | `{r.what}` | {r.seconds * 1000:,.0f} ms | {r.base_label} "
                   f"| {r.base_seconds * 1000:,.0f} ms | {r.ratio:.2f}x | {r.limit:g}x | "
                   f"{'' if r.cpu_ratio is None else f'{r.cpu_ratio:.2f}x'} | "
                   f"{'' if r.peak_mb is None else f'{r.peak_mb:.0f}'} | "
                   f"{'ok' if r.ok else '**over**'}{' (' + r.note + ')' if r.note else ''} |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--db", help="the big store (benchmarks/generate.py builds one)")
    parser.add_argument("--demo-db", help="the demo store (default: built fresh under --out)")
    parser.add_argument("--backlog-db", help="the backlog store for the daily group "
                        "(generate.py --backlog)")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per command (7)")
    parser.add_argument("--bulk-runs", type=int, default=3,
                        help="timed runs of each bulk command (3)")
    parser.add_argument("--only", default="startup,demo,scale,forecast,writes,bulk",
                        help="comma-separated groups (default: all)")
    parser.add_argument("--import-rows", type=int,
                        help="rows for the import benchmark (default: the big store's cases)")
    parser.add_argument("--out", default=str(HERE / "out"),
                        help="scratch folder (default benchmarks/out, git-ignored)")
    parser.add_argument("--markdown", help="also write the table as Markdown to this file")
    args = parser.parse_args(argv)
    from send_cli.store.engine import describe  # (a server's password stays out of the table)

    groups = [g.strip() for g in args.only.split(",") if g.strip()]
    unknown = set(groups) - {"startup", "demo", "scale", "forecast", "writes", "bulk", "import",
                             "export", "backup", "daily"}
    if unknown:
        parser.error(f"unknown group(s): {', '.join(sorted(unknown))}")
    if set(groups) - {"startup", "demo", "daily"} and not args.db:
        parser.error("--db (the big store) is needed for scale, writes and bulk")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    def echo(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    started = time.perf_counter()
    rows: list[Row] = []
    demo = big = None
    if set(groups) & {"demo", "scale", "writes", "daily"}:
        demo = Store(args.demo_db or build_demo(out, echo))
    if args.db:
        big = Store(args.db)
        echo(f"big store: {describe(args.db)}, {big.cases():,} cases")
    if "daily" in groups and demo:
        echo("daily reads")
        backlog = Store(args.backlog_db) if args.backlog_db else None
        rows += group_daily(demo, backlog, big, args.runs, echo)
        if backlog:
            backlog.dispose()
    if "startup" in groups:
        echo("startup")
        rows += group_startup(args.runs, echo)
    if "demo" in groups and demo:
        echo("demo store")
        rows += group_demo(demo, args.runs, echo)
    if "scale" in groups and big and demo:
        echo("scale")
        rows += group_scale(big, demo, args.runs, echo)
    if "forecast" in groups and big:
        echo("forecast")
        rows += group_forecast(big, args.runs, echo)
    if "writes" in groups and big and demo:
        echo("writes")
        rows += group_writes(big, demo, args.runs, echo)
    bulk = [g for g in ("import", "export", "backup") if g in groups or "bulk" in groups]
    if bulk and big and not big.is_sqlite:
        echo("import, export, backup: SQLite only (their baselines are sqlite3), skipped")
    elif bulk and big:
        if "import" in bulk:
            echo("import")
            rows += group_import(big, out, args.bulk_runs, args.import_rows, echo)
        if "export" in bulk:
            echo("export")
            rows += group_export(big, out, args.bulk_runs, echo)
        if "backup" in bulk:
            echo("backup")
            rows += group_backup(big, out, args.bulk_runs, echo)
    title = (f"{dt.date.today().isoformat()}: "
             f"{big.cases() if big else 0:,} cases"
             + (f" ({describe(args.db)})" if args.db else ""))
    for s in (big, demo):
        if s:
            s.dispose()
    print(f"\n{title}\n{machine()}\nmedian of {args.runs} runs after a warm-up "
          f"({args.bulk_runs} for bulk); {time.perf_counter() - started:.0f} s in all\n")
    print(table(rows))
    if args.markdown:
        with open(args.markdown, "a", encoding="utf-8") as fh:
            fh.write(markdown(rows, title) + f"\n{machine()}; median of {args.runs} runs "
                     f"after a warm-up ({args.bulk_runs} for bulk).\n\n")
    return 0 if all(r.ok for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
