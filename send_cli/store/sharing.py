"""One SQLite file for a team: the store, its -wal and -shm files and its
backups belong to an operating-system group (0660), in a folder the group
may write (2770: new files take the folder's group). Outside the group the
file cannot be opened at all.
"""

from __future__ import annotations

import contextlib
import grp
import os
import stat
from pathlib import Path

from send_cli.errors import BadInput, RuleViolation

SHARED_FILE = 0o660
SHARED_FOLDER = 0o2770
SIDE_FILES = ("", "-wal", "-shm")


def group_id(group: str) -> int:
    """The id of GROUP, which the login running send-cli must belong to."""
    try:
        gid = grp.getgrnam(group).gr_gid
    except KeyError:
        raise BadInput(f"--group '{group[:80]}' is not a group of this computer",
                       hint="Ask the server's administrator to create it "
                            "(groupadd) and add the team's logins.") from None
    if gid != os.getgid() and gid not in os.getgroups() and os.getuid() != 0:
        raise RuleViolation(f"you are not a member of the group '{group}'",
                            hint="Ask the server's administrator to add you "
                                 "(usermod -aG GROUP LOGIN), then log in again.")
    return gid


def make_folder(folder: Path, gid: int) -> None:
    """FOLDER (and any missing parents) made for the group: 2770."""
    if folder.is_dir():
        return
    folder.mkdir(parents=True, exist_ok=True)
    os.chown(folder, -1, gid)
    os.chmod(folder, SHARED_FOLDER)


def share_file(path: Path, gid: int) -> None:
    """PATH (a regular file) in the group, readable and writable by it."""
    found = os.lstat(path)
    if not stat.S_ISREG(found.st_mode):
        raise BadInput(f"'{path}' is not a regular file; nothing was changed")
    os.chown(path, -1, gid)
    os.chmod(path, SHARED_FILE)


def share_store(path: Path, group: str) -> list[str]:
    """Put the store at PATH, its side files and folder in GROUP. Returns
    what was done, for the messages."""
    gid = group_id(group)
    done = []
    for suffix in SIDE_FILES:
        side = Path(f"{path}{suffix}")
        with contextlib.suppress(FileNotFoundError):
            share_file(side, gid)
            done.append(f"{side.name}: group {group}, 0660")
    folder = path.parent
    st = folder.stat()
    if st.st_uid == os.getuid() or os.getuid() == 0:
        if st.st_gid != gid or not st.st_mode & stat.S_ISGID:
            os.chown(folder, -1, gid)
            os.chmod(folder, (st.st_mode & 0o7777) | stat.S_ISGID | 0o070)
            done.append(f"{folder}: group {group}, setgid (new files take the group)")
    elif st.st_gid != gid or not st.st_mode & stat.S_ISGID:
        done.append(f"{folder}: not yours to change; ask its owner for "
                    f"'chgrp {group} {folder} && chmod 2770 {folder}'")
    return done


def file_mode_for(path: Path) -> tuple[int, int | None]:
    """(mode, group id) that a new file beside the store at PATH should get:
    the group's 0660 when the store is shared with a group, else 0600."""
    try:
        st = os.stat(path)
    except OSError:
        return 0o600, None
    if st.st_mode & 0o060 == 0o060:
        return SHARED_FILE, st.st_gid
    return 0o600, None


def apply_mode(path: Path, mode: int, gid: int | None) -> None:
    if gid is not None:
        os.chown(path, -1, gid)
    os.chmod(path, mode)
