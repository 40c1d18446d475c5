"""The demo builder: a store built from sample_data/ by replaying send-cli commands.

Each sample_data/*.txt file, in name order, holds send-cli command lines
(shell quoting) and directives:
    @ 2026-09-01T09:00      the clock for the lines that follow (--now)
    @as CODE                the officer for the lines that follow (--as)
    @reference 2027-01-04T09:00   the demo's "today", for the reports
Lines starting with # are comments; {sample} is the sample_data folder.
sample_data/reports.txt lists the reports printed after the build:
    ## Heading
    overdue
"""

from __future__ import annotations

import contextlib
import io
import os
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from send_cli.errors import SendError
from send_cli.store.engine import resource_dir

DEFAULT_DEMO_DB = "send-demo.db"
# A setting only demo stores carry: the demo replaces no other file.
DEMO_MARK = "demo_store"


@dataclass
class Step:
    file: str
    line: int
    argv: list[str]


def sample_dir() -> Path:
    return resource_dir("sample_data")


def read_script(folder: Path) -> tuple[list[Step], str]:
    """The steps of every script file, and the reference moment."""
    steps: list[Step] = []
    reference = ""
    for path in sorted(folder.glob("*.txt")):
        if path.name == "reports.txt":
            continue
        now, officer = None, None  # no @as yet: the login is recorded
        for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("@reference"):
                reference = line.split(None, 1)[1].strip()
                continue
            if line.startswith("@as"):  # "@as" alone: no officer, the login
                parts = line.split(None, 1)
                officer = parts[1].strip() if len(parts) > 1 else None
                continue
            if line.startswith("@"):
                now = line[1:].strip()
                continue
            argv = shlex.split(line.replace("{sample}", str(folder)))
            prefix = (["--as", officer] if officer else []) + (["--now", now] if now else [])
            steps.append(Step(path.name, n, prefix + argv))
    if not reference:
        raise SendError("sample_data has no '@reference' line", exit_code=1)
    return steps, reference


def read_reports(folder: Path) -> list[tuple[str, list[str]]]:
    out: list[tuple[str, list[str]]] = []
    heading = ""
    path = folder / "reports.txt"
    if not path.exists():
        return out
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("##"):
            heading = line.lstrip("#").strip()
        elif line and not line.startswith("#"):
            out.append((heading, shlex.split(line)))
    return out


@contextlib.contextmanager
def _quiet() -> Iterator[io.StringIO]:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
        yield buf


def build(db: Path, *, run: Callable[[list[str]], int], folder: Path | None = None,
          progress: Callable[[int], None] | None = None) -> tuple[int, str]:
    """Build a fresh demo store at DB by giving each sample command line to RUN
    (the face runs it as send-cli would and returns its exit code: the builder
    never imports the command line). PROGRESS, when given, hears of each step
    done. Returns (steps run, reference moment)."""
    from send_cli.store import engine as store_mod

    folder = folder or sample_dir()
    steps, reference = read_script(folder)
    if os.path.lexists(db) and not is_demo_store(db):
        from send_cli.errors import BadInput

        raise BadInput(f"'{db}' is there and is not a demo store; the demo replaces only a "
                       "demo store it built", hint="Pick another file, e.g. --db send-demo.db")
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(f"{db}{suffix}")
    store_mod.STORE_CACHE = {}
    try:
        from send_cli.settings import resolve

        # the demo makes its store; the sample commands then find it open
        made = store_mod.open_store(resolve(db=str(db), officer=None, now=reference))
        store_mod.STORE_CACHE[str(db)] = made
        for step in steps:
            with _quiet() as out:
                code = run(["--db", str(db)] + step.argv)
            if code == 130:  # Ctrl-C inside the step: not the sample data's fault
                raise KeyboardInterrupt
            if code != 0:
                last = out.getvalue().strip().splitlines()
                raise SendError(
                    f"sample data {step.file} line {step.line} failed: "
                    f"{last[0] if last else 'exit ' + str(code)}", exit_code=1)
            if progress is not None:
                progress(1)
        with store_mod.STORE_CACHE[str(db)].write() as session:
            from sqlalchemy import text

            session.execute(text("INSERT INTO settings (key, value) VALUES (:k, :v)"),
                            {"k": DEMO_MARK, "v": reference})
    except KeyboardInterrupt:
        _dispose_cached(store_mod)
        for suffix in ("", "-wal", "-shm"):  # a half-built demo is no demo
            with contextlib.suppress(FileNotFoundError):
                os.remove(f"{db}{suffix}")
        from send_cli.errors import Interrupted

        raise Interrupted(f"the demo store was not finished and {db} was removed; "
                          "run 'send-cli demo' again") from None
    finally:
        _dispose_cached(store_mod)
    return len(steps), reference


def _dispose_cached(store_mod: Any) -> None:
    for cached in (store_mod.STORE_CACHE or {}).values():
        cached.dispose()
    store_mod.STORE_CACHE = None


def is_demo_store(db: Path) -> bool:
    """Whether DB is a store the demo built (read without changing it)."""
    import sqlite3

    from send_cli.store.engine import SQLITE_MAGIC

    try:
        with open(db, "rb") as fh:
            if fh.read(16) != SQLITE_MAGIC:
                return False
        con = sqlite3.connect(f"{Path(db).resolve().as_uri()}?mode=ro", uri=True)
    except (OSError, sqlite3.Error):
        return False
    try:
        return con.execute("SELECT 1 FROM settings WHERE key = ?", (DEMO_MARK,)).fetchone() \
            is not None
    except sqlite3.Error:
        return False
    finally:
        con.close()
