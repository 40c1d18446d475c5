"""Who is acting: the login that runs send-cli, the officer it speaks for,
whether the store is personal or a team's, and the seal over the audit trail.

The login is proven, not typed: on SQLite the operating system's user of
the real user id (never $USER), on PostgreSQL the role that connected. The
audit trail of a SQLite store is a hash chain: each entry's seal covers its
values and the seal before it, so an entry changed or deleted by hand
breaks the chain at that entry ('send-cli db check' names it).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from send_cli.errors import BadInput, RuleViolation

# settings-table keys that make a store a team's
MODE_KEY = "store_mode"  # "team"; absent: a personal store
ADMINS_KEY = "store_admins"  # the admins' logins, comma-separated
GROUP_KEY = "store_group"  # the operating-system group of a SQLite team store

# session.info key: seal again from this audit entry on (set by an erasure,
# which rewrites earlier entries)
RESEAL_FROM = "send_cli_reseal_from"

# the audit columns a seal covers, in order
SEALED = ("id", "at", "officer", "login", "action", "entity", "entity_id", "case_ref",
          "before", "after")
SEALED_SQL = ", ".join(f'"{c}"' for c in SEALED)
_LOGIN_MAX = 64


def os_login() -> str:
    """The login of the real user id (not $USER or $LOGNAME, which anyone
    can set)."""
    import pwd

    uid = os.getuid()
    try:
        return pwd.getpwuid(uid).pw_name[:_LOGIN_MAX]
    except KeyError:  # a user id with no name (some containers)
        return f"uid-{uid}"


def server_login(conn: Any) -> str:
    """The PostgreSQL role that connected."""
    return str(conn.exec_driver_sql("SELECT session_user").scalar())


# -- the seal -----------------------------------------------------------------
def seal_of(prev: str | None, row: Sequence[Any]) -> str:
    """The seal of an audit entry: SHA-256 over the seal before it and the
    entry's values (SEALED, as the database returns them)."""
    values = [prev or ""] + [None if v is None else str(v) for v in row]
    return hashlib.sha256(json.dumps(values, ensure_ascii=False).encode()).hexdigest()


def _raw(conn: Any, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
    """Rows of SQL on a SQLite connection as the driver returns them (text,
    not Python dates, so the seal is the same on every path)."""
    return list(conn.exec_driver_sql(sql, params).fetchall())


def seal_from(conn: Any, first_id: int) -> int:
    """Seal (again) every audit entry from FIRST_ID on, chained to the entry
    before it. Returns how many were sealed."""
    before = _raw(conn, 'SELECT seal FROM audit WHERE id < ? ORDER BY id DESC LIMIT 1',
                  (first_id,))
    prev = before[0][0] if before else None
    rows = _raw(conn, f"SELECT {SEALED_SQL} FROM audit WHERE id >= ? ORDER BY id",
                (first_id,))
    for row in rows:
        prev = seal_of(prev, row)
        conn.exec_driver_sql("UPDATE audit SET seal = ? WHERE id = ?", (prev, row[0]))
    return len(rows)


@dataclass
class ChainCheck:
    entries: int
    first_bad: int | None  # the id of the first entry whose seal is wrong
    last_seal: str | None


def check_chain(rows: Iterable[Sequence[Any]]) -> ChainCheck:
    """Walk ROWS (SEALED then seal, oldest first) and find the first entry
    whose seal does not follow from the entries before it."""
    prev: str | None = None
    n = 0
    for row in rows:
        n += 1
        *values, seal = row
        want = seal_of(prev, values)
        if seal != want:
            return ChainCheck(n, int(values[0]), prev)
        prev = seal
    return ChainCheck(n, None, prev)


def chain_rows_sql() -> str:
    return f"SELECT {SEALED_SQL}, seal FROM audit ORDER BY id"


# -- who is acting --------------------------------------------------------------
@dataclass(frozen=True)
class StoreMode:
    team: bool
    admins: frozenset[str]
    group: str | None


@dataclass(frozen=True)
class Actor:
    """The login, and the officer recorded beside it (None: a login that is
    no officer of a team store, who may read but not write)."""

    login: str
    officer: str | None
    admin: bool
    team: bool


def store_mode(session: Any) -> StoreMode:
    from sqlalchemy import select
    from sqlmodel import col

    from send_cli.store.models import Setting

    found = dict(session.execute(select(Setting.key, Setting.value).where(
        col(Setting.key).in_((MODE_KEY, ADMINS_KEY, GROUP_KEY)))).all())
    admins = frozenset(a for a in (found.get(ADMINS_KEY) or "").split(",") if a)
    return StoreMode(team=found.get(MODE_KEY) == "team", admins=admins,
                     group=found.get(GROUP_KEY) or None)


def _active_officers(session: Any) -> list[tuple[str, str | None, bool]]:
    from sqlalchemy import select
    from sqlmodel import col

    from send_cli.store.models import Officer

    return [(c, lg, bool(a)) for c, lg, a in session.execute(
        select(Officer.code, Officer.login, Officer.admin)
        .where(col(Officer.active).is_(True)).order_by(Officer.code)).all()]


def _not_an_officer(requested: str, codes: list[str]) -> BadInput:
    if not codes:
        return BadInput(f"--as '{requested}' is not an officer of this store: it has none "
                        "yet", hint="Leave out --as (your login is recorded), or add "
                                    "officers: send-cli officer add CODE ...")
    shown = ", ".join(codes[:20]) + (", ..." if len(codes) > 20 else "")
    return BadInput(f"--as '{requested}' is not an active officer of this store; use one "
                    f"of: {shown}", hint="Codes are exact about letter case.")


def resolve_actor(session: Any, *, login: str, requested: str | None) -> Actor:
    """Who is acting. Personal store: --as must name an active officer,
    exactly; without it the login alone is recorded. Team store: the officer
    whose login this is; --as another officer only for an admin."""
    mode = store_mode(session)
    officers = _active_officers(session)
    codes = [c for c, _, _ in officers]
    if not mode.team:
        if requested is None:
            return Actor(login=login, officer=login, admin=True, team=False)
        if requested not in codes:
            raise _not_an_officer(requested, codes)
        return Actor(login=login, officer=requested, admin=True, team=False)
    mine = next((c for c, lg, _ in officers if lg == login), None)
    admin = login in mode.admins or any(lg == login and a for _, lg, a in officers)
    if requested is None or requested == mine:
        return Actor(login=login, officer=mine or (login if admin else None), admin=admin,
                     team=True)
    if not admin:
        who = f"officer {mine}" if mine else "no officer of this store"
        raise RuleViolation(f"you are logged in as '{login}' ({who}); only an admin may "
                            f"act as '{requested}'",
                            hint="Leave out --as: your own officer is recorded.")
    if requested not in codes:
        raise _not_an_officer(requested, codes)
    return Actor(login=login, officer=requested, admin=True, team=True)


def need_writer(actor: Actor) -> str:
    """The officer to record for a change, or RuleViolation for a login that
    may only read."""
    if actor.officer is None:
        raise RuleViolation(f"the login '{actor.login}' is no officer of this team store; "
                            "it may read but not change it",
                            hint=f"Ask an admin: send-cli officer set CODE --login "
                                 f"{actor.login}")
    return actor.officer


def need_admin(actor: Actor, what: str) -> None:
    if not actor.admin:
        raise RuleViolation(f"only an admin of this team store may {what}; "
                            f"'{actor.login}' is not one",
                            hint="Ask an admin (see 'send-cli officer list', admin = true).")


def check_login(value: str, *, what: str = "--login") -> str:
    """A login name: what the operating system or PostgreSQL would accept."""
    import re

    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]{0,63}", value or ""):
        raise BadInput(f"{what} '{value[:80]}' is not a login name; use letters, digits, "
                       "'_', '.' or '-', starting with a letter or '_'")
    return value


def make_team(session: Any, *, admins: list[str], group: str | None, officer: str,
              now: Any) -> frozenset[str]:
    """Make the store a team's (or add admins and the group to a team store),
    recording it. Returns every admin login."""
    from send_cli.store.audit import record
    from send_cli.store.models import Setting

    before = store_mode(session)
    every = before.admins | set(admins)
    values = {MODE_KEY: "team", ADMINS_KEY: ",".join(sorted(every))}
    if group:
        values[GROUP_KEY] = group
    for key, value in values.items():
        row = session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=value))
        else:
            row.value = value
            session.add(row)
    record(session, officer=officer, now=now, action="store.share", entity="store",
           before={"team": before.team, "admins": sorted(before.admins),
                   "group": before.group},
           after={"team": True, "admins": sorted(every), "group": group or before.group})
    return frozenset(every)
