"""Writing the nightly bundle into one folder for cron: overdue.csv,
escalations.csv, deadlines.csv, forecast.csv, kpi.json, kpi.html (the
dashboard, drawn from kpi.json's figures and the forecast by month) and
summary.txt (their contents come from reports.nightly).

Each file is written to a temporary file in the same folder, flushed to disk,
and only then renamed over the old one (os.replace is atomic), so a reader
never sees half a file; the renames happen after every file has been written,
so a failure leaves yesterday's bundle whole. Files are readable by their
owner only: they hold children's names."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from send_cli.errors import BadInput, Interrupted, SendError
from send_cli.render import plain, write_csv
from send_cli.render.dashboard import kpi_html

if TYPE_CHECKING:
    from send_cli.reports.nightly import Bundle, Nightly


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
            except KeyboardInterrupt:
                raise Interrupted(
                    f"{', '.join(replaced)} were replaced, the others are the previous run's"
                     if replaced else "no nightly file was replaced; the previous files were "
                     "left as they were") from None
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


def write_bundle(report: Nightly, *, folder: Path) -> Bundle:
    """Write the seven files of REPORT into FOLDER (from prepare_folder)."""
    bundle = report.bundle
    bundle.folder = folder
    staged = _Staged(folder)
    try:
        for name, keys, rows in report.csv_files():
            staged.write(name, lambda fh, keys=keys, rows=rows: write_csv(rows(), keys, fh))
        staged.write("kpi.json", lambda fh: fh.write(json.dumps(
            report.figures, indent=2, ensure_ascii=False, default=_json_value) + "\n"))
        staged.write("kpi.html", lambda fh: fh.write(kpi_html(json.loads(json.dumps(
            report.figures, default=_json_value)), report.outlook)))
        text = report.summary()
        staged.write("summary.txt", lambda fh: fh.write(text))
        staged.commit()
    except OSError as exc:  # writing the new files: none replaced yet
        staged.discard()
        raise SendError(f"cannot write the nightly files in '{folder}': {exc.strerror}; "
                        "the previous files were left as they were") from None
    except KeyboardInterrupt as exc:
        staged.discard()
        if isinstance(exc, Interrupted):
            raise
        raise Interrupted("no nightly file was replaced; the previous files were left as "
                          "they were") from None
    except BaseException:
        staged.discard()
        raise
    return bundle


def _json_value(value: Any) -> Any:
    """Dates in kpi.json as 'report kpi --format json' writes them."""
    return plain(value) if isinstance(value, (date, datetime)) else str(value)
