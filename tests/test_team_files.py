"""One SQLite file for a team: with --group the store, its -wal and -shm
files and its backups belong to the group (0660, folder 2770); two real
operating-system users each write under their own login, one cannot act as
the other, and a user outside the group cannot open the store at all.

The two-user test needs root (to run send-cli as other users with runuser)
and useradd; it makes the users and group it needs and skips otherwise."""

from __future__ import annotations

import grp
import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

TEAM_GROUP = "sendteam"
USERS = {"alice": True, "bob": True, "mallory": False}  # login -> in the group


def _send_cli() -> str:
    return str(Path(sys.executable).with_name("send-cli"))


def _can_run_as_others() -> str | None:
    if os.getuid() != 0:
        return "needs root to run send-cli as other operating-system users (runuser)"
    for tool in ("useradd", "groupadd", "usermod", "runuser"):
        if shutil.which(tool) is None:
            return f"needs {tool} to make the test's users"
    return None


def _ensure_users() -> None:
    try:
        grp.getgrnam(TEAM_GROUP)
    except KeyError:
        subprocess.run(["groupadd", TEAM_GROUP], check=True)
    for login, member in USERS.items():
        try:
            pwd.getpwnam(login)
        except KeyError:
            subprocess.run(["useradd", "-m", login], check=True)
        if member:
            subprocess.run(["usermod", "-aG", TEAM_GROUP, login], check=True)


def _reachable(path: Path) -> bool:
    """Whether others may reach PATH (every folder above it o+x, itself o+r)."""
    for folder in list(path.parents):
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            return False
    return bool(os.stat(path).st_mode & stat.S_IROTH)


def run_as(login: str, *args: str, db: Path, now: str = "2026-11-23T09:00") -> Any:
    env = {"PATH": "/usr/bin:/bin", "SEND_CLI_DB": str(db), "SEND_CLI_NOW": now,
           "HOME": f"/home/{login}", "COLUMNS": "200"}
    if os.environ.get("PYTHONPATH"):  # a checkout run without installing it
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return subprocess.run(["runuser", "-u", login, "--", "env", *[f"{k}={v}" for k, v in
                                                                  env.items()],
                           _send_cli(), *args], capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(_can_run_as_others() is not None, reason=str(_can_run_as_others()))
def test_team_store_with_two_real_users(tmp_path_factory: pytest.TempPathFactory) -> None:
    for what, path in (("the venv's Python", Path(sys.executable).resolve()),
                       ("the checkout", Path(__file__).resolve())):
        if not _reachable(path):
            pytest.skip(f"{what} ({path}) is in a folder other users cannot reach; run "
                        "this test from a venv made with a Python they can run "
                        "(e.g. /usr/bin/python3 -m venv)")
    _ensure_users()
    base = Path("/tmp") / f"send-cli-team-{os.getpid()}"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(mode=0o755)
    os.chown(base, pwd.getpwnam("alice").pw_uid, -1)  # the team's shared folder's owner
    try:
        db = base / "team" / "send.db"
        made = run_as("alice", "init", "--admin", "alice", "--group", TEAM_GROUP, db=db)
        assert made.returncode == 0, made.stderr
        folder = stat.S_IMODE(os.stat(db.parent).st_mode) | (os.stat(db.parent).st_mode
                                                              & stat.S_ISGID)
        assert folder == 0o2770
        assert grp.getgrgid(os.stat(db).st_gid).gr_name == TEAM_GROUP
        assert stat.S_IMODE(os.stat(db).st_mode) == 0o660
        for args in (["officer", "add", "AO1", "--name", "Alice Ash", "--email",
                      "a@council.gov.uk", "--team", "assessment", "--role",
                      "assessment-officer", "--login", "alice", "--admin"],
                     ["officer", "add", "CO1", "--name", "Bob Birch", "--email",
                      "b@council.gov.uk", "--team", "assessment", "--role",
                      "casework-officer", "--login", "bob"]):
            done = run_as("alice", *args, db=db)
            assert done.returncode == 0, done.stderr
        done = run_as("bob", "case", "add", "--ref", "C-1", "--name", "Sam Jones", "--dob",
                      "2016-05-04", "--officer", "CO1", "--received", "2026-11-02", db=db)
        assert done.returncode == 0, done.stderr
        for side in ("", "-wal", "-shm"):
            if Path(f"{db}{side}").exists():
                st = os.stat(f"{db}{side}")
                assert (stat.S_IMODE(st.st_mode), grp.getgrgid(st.st_gid).gr_name) == \
                    (0o660, TEAM_GROUP), side
        # bob cannot act as alice's officer
        refused = run_as("bob", "--as", "AO1", "case", "close", "C-1", "--reason", "Moved",
                         db=db)
        assert refused.returncode == 1 and "only an admin" in refused.stderr
        # outside the group: the store cannot be opened
        outside = run_as("mallory", "case", "list", db=db)
        assert outside.returncode == 3, outside.stderr
        assert outside.stderr.startswith("error: ")
        backup = run_as("alice", "db", "backup", str(db.parent) + "/", db=db)
        assert backup.returncode == 0, backup.stderr
        copy = Path(backup.stdout.strip())
        assert (stat.S_IMODE(os.stat(copy).st_mode),
                grp.getgrgid(os.stat(copy).st_gid).gr_name) == (0o660, TEAM_GROUP)
        audit = run_as("alice", "audit", "--format", "json", "--limit", "0", db=db)
        logins = {(e["action"], e["officer"], e["login"]) for e in json.loads(audit.stdout)}
        assert ("case.add", "CO1", "bob") in logins
        assert ("officer.add", "alice", "alice") in logins
        check = run_as("bob", "db", "check", db=db)
        assert check.returncode == 0, check.stdout + check.stderr
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.sqlite_only
def test_group_must_exist(tmp_path: Path, cli: Any) -> None:
    line = cli.fails(2, "init", "--group", "no-such-group-here",
                     env={"SEND_CLI_DB": str(tmp_path / "t" / "send.db")})
    assert "is not a group of this computer" in line
    assert not (tmp_path / "t").exists()
