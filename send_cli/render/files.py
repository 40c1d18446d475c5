"""Writing -o files safely: a temporary file beside the target, renamed into
place only when whole; never the store's own files, never through a
symlink, never another user's file."""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

# Which format a file's extension means; a command offers the formats it
# supports, and only those extensions are recognised for it.
EXTENSIONS = {".csv": "csv", ".json": "json", ".xlsx": "xlsx", ".html": "html",
              ".htm": "html", ".xml": "xml"}
FILE_FORMATS = frozenset(EXTENSIONS.values())
STREAM_FORMATS = frozenset({"csv", "json", "xml"})  # text that can go to stdout too
STORE_SUFFIXES = ("", "-wal", "-shm", "-journal")

_protected: list[Path] = []


def protect_store(db: str) -> None:
    """Remember the store DB (a SQLite path or URL) so that no -o file is
    ever written over it or its journal files."""
    path: Path | None
    if "://" in db:
        raw = db[len("sqlite:///"):] if db.startswith("sqlite:///") else ""
        path = Path(raw).expanduser() if raw and raw != ":memory:" else None
    else:
        path = Path(db).expanduser()
    if path is not None:
        path = Path(os.path.abspath(path))
        if path not in _protected:
            _protected.append(path)


def format_for(output: Path | None, fmt: str | None, supported: tuple[str, ...], *,
               default: str) -> str:
    """The format to write: --format when given, else the one -o's extension
    names, else DEFAULT. Raises BadInput (exit 2) on a contradiction, on a
    table or xlsx where they cannot go, or a file whose kind is unknown."""
    from send_cli.errors import BadInput, shown

    offered = ", ".join(supported[:-1]) + " or " + supported[-1]
    if fmt is not None and fmt not in supported:
        known = "is not known" if fmt not in ("table", *EXTENSIONS.values()) else \
            "is not offered here"
        raise BadInput(f"--format '{shown(fmt)}' {known}; use {offered}")
    ext = output.suffix.lower() if output is not None else ""
    by_name = EXTENSIONS.get(ext) if EXTENSIONS.get(ext) in supported else None
    if output is None:
        if fmt in FILE_FORMATS - STREAM_FORMATS:
            raise BadInput(f"--format {fmt} writes a file; add -o FILE.{fmt}")
        return fmt or default
    if fmt is None:
        if by_name is not None:
            return by_name
        if default != "table":
            if ext in EXTENSIONS:  # a kind of file this command does not write
                raise BadInput(f"'{shown(output.name)}' names a {EXTENSIONS[ext]} file, "
                               f"which is not offered here; use {offered}")
            return default
        files = [f".{f}" for f in supported if f != "table"]
        named = files[0] if len(files) == 1 else f"{', '.join(files[:-1])} or {files[-1]}"
        raise BadInput(f"cannot tell the format of '{shown(output.name)}' from its name; name it "
                       f"{named}, or give --format")
    if fmt == "table":
        raise BadInput("a table is drawn for the screen and not written to a file; "
                       f"use -o with {', '.join(f for f in supported if f != 'table')}")
    if by_name is not None and by_name != fmt:
        raise BadInput(f"--format {fmt} contradicts the file name '{shown(output.name)}' "
                       f"({by_name}); change one of them")
    return fmt


def _refuse(path: Path) -> None:
    """Refuse a target that is the store or one of its files, a folder, or
    another user's file."""
    from send_cli.errors import BadInput, SendError

    try:
        link = os.lstat(path)
    except FileNotFoundError:
        link = None
    except OSError as exc:
        raise BadInput(f"cannot write '{path}': {exc.strerror}") from None
    try:
        target = os.stat(path)
    except OSError:
        target = None
    absolute = Path(os.path.abspath(path))
    for store in _protected:
        names = {Path(f"{store}{s}") for s in STORE_SUFFIXES}
        same_name = absolute in names or (target is not None and Path(os.path.realpath(path))
                                          in {Path(os.path.realpath(n)) for n in names})
        same_file = False
        if target is not None:
            for name in names:
                try:
                    st = os.stat(name)
                except OSError:
                    continue
                if (st.st_dev, st.st_ino) == (target.st_dev, target.st_ino):
                    same_file = True
        if same_name or same_file:
            raise SendError(f"'{path}' is the store itself (or one of its files); "
                            "nothing was written",
                            hint="Name another file for -o.")
    if target is not None and os.path.isdir(path):
        raise BadInput(f"cannot write '{path}': it is a folder; name a file")
    if link is not None and link.st_uid != os.geteuid():
        raise SendError(f"'{path}' belongs to another user; nothing was written",
                        hint="Name a file of your own for -o.")


@contextlib.contextmanager
def safe_path(path: Path) -> Iterator[str]:
    """A temporary file's name in PATH's folder (readable by its owner only)
    to write the whole output to; renamed over PATH when the block ends
    without error (a symlink at PATH is replaced, not written through).
    On any error or Ctrl-C the temporary file is removed and PATH is as it
    was. A full disk is exit 3."""
    from send_cli.errors import BadInput

    _refuse(path)
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.",
                                   suffix=".part")
    except FileNotFoundError:
        raise BadInput(f"cannot write '{path}': the folder '{folder}' does not exist",
                       hint="Create the folder first, or name another file.") from None
    except OSError as exc:
        _raise_for(exc, path, folder)
        raise BadInput(f"cannot write '{path}': {exc.strerror}",
                       hint="Check the folder exists and is writable.") from None
    os.close(fd)
    try:
        yield tmp
        with open(tmp, "rb+") as done:
            os.fsync(done.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            _raise_for(exc, path, folder)
        raise


def _raise_for(exc: OSError, path: Path, folder: str) -> None:
    from send_cli.errors import StoreUnavailable

    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        raise StoreUnavailable(f"no space left on {folder} to write '{path.name}': "
                               "nothing was written",
                               hint="Free some space, or write to another folder.") from None


@contextlib.contextmanager
def safe_text(path: Path | None) -> Iterator[IO[str]]:
    """stdout, or a text file (UTF-8, rows ending as written) written safely."""
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    with safe_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as fh:
        yield fh
