"""PostgreSQL roles for a team: send_officer and send_admin, each officer's
login role a member of one, and an audit table nobody may rewrite.

Both roles are NOLOGIN groups. Officers may read everything and record
casework; admins may also change officers, settings and the calendar. The
audit table is append-only for both (SELECT and INSERT only: no UPDATE,
DELETE or TRUNCATE); erasure rewrites a case's entries through the
SECURITY DEFINER function send_audit_scrub(), which admins may run and which
touches only the entries of an erased case. Schema changes stay with the
owner of the tables (the role that ran 'send-cli init').
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

OFFICER_ROLE = "send_officer"
ADMIN_ROLE = "send_admin"

# tables only admins change (officers may read them)
ADMIN_TABLES = ("officers", "settings", "calendar_days", "panels", "panel_remits")
# tables nobody changes through send-cli's roles (only the owner)
OWNER_TABLES = ("alembic_version",)
APPEND_ONLY = ("audit",)


@dataclass
class RolesDone:
    created: list[str]
    members: list[str]
    tables: int


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _exists(conn: Any, role: str) -> bool:
    return bool(conn.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %(r)s",
                                     {"r": role}).scalar())


def ensure_roles(conn: Any, *, officer_role: str = OFFICER_ROLE,
                 admin_role: str = ADMIN_ROLE, admins: list[str] | None = None,
                 officers: list[str] | None = None) -> RolesDone:
    """Create (if missing) the two roles and grant what each needs on every
    table of the store; make the logins in ADMINS and OFFICERS members.
    Safe to run again, e.g. after an upgrade added tables."""
    created = []
    for role in (officer_role, admin_role):
        if not _exists(conn, role):
            conn.exec_driver_sql(f"CREATE ROLE {_quote(role)} NOLOGIN")
            created.append(role)
    off, adm = _quote(officer_role), _quote(admin_role)
    db = conn.exec_driver_sql("SELECT current_database()").scalar()
    schema = conn.exec_driver_sql("SELECT current_schema()").scalar()
    conn.exec_driver_sql(f"GRANT CONNECT ON DATABASE {_quote(db)} TO {off}, {adm}")
    conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA {_quote(schema)} TO {off}, {adm}")
    tables = [r[0] for r in conn.exec_driver_sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").fetchall()]
    for table in tables:
        t = _quote(table)
        conn.exec_driver_sql(f"REVOKE ALL ON {t} FROM {off}, {adm}")
        if table in APPEND_ONLY or table in OWNER_TABLES:
            privileges = {"audit": "SELECT, INSERT"}.get(table, "SELECT")
            conn.exec_driver_sql(f"GRANT {privileges} ON {t} TO {off}, {adm}")
        elif table in ADMIN_TABLES:
            conn.exec_driver_sql(f"GRANT SELECT ON {t} TO {off}")
            conn.exec_driver_sql(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {t} TO {adm}")
        else:
            conn.exec_driver_sql(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {t} "
                                 f"TO {off}, {adm}")
    conn.exec_driver_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {_quote(schema)} "
                         f"TO {off}, {adm}")
    conn.exec_driver_sql("REVOKE ALL ON FUNCTION send_audit_scrub(integer, text, text) "
                         "FROM PUBLIC")
    conn.exec_driver_sql(f"GRANT EXECUTE ON FUNCTION send_audit_scrub(integer, text, text) "
                         f"TO {adm}")
    members = []
    for group, logins in ((admin_role, admins or []), (officer_role, officers or [])):
        for login in logins:
            if _exists(conn, login):
                conn.exec_driver_sql(f"GRANT {_quote(group)} TO {_quote(login)}")
                members.append(f"{login} -> {group}")
    return RolesDone(created, members, len(tables))


def member_of(conn: Any, role: str) -> bool:
    """Whether the connected login is a member of ROLE."""
    if not _exists(conn, role):
        return False
    return bool(conn.exec_driver_sql("SELECT pg_has_role(session_user, %(r)s, 'MEMBER')",
                                     {"r": role}).scalar())


@dataclass
class Synced:
    roles: list[str]
    created: bool
    tables: int
    members: list[str]


def sync_roles(store: Any, *, actor: str, login: str, now: Any) -> Synced:
    """'send-cli db roles': the two roles, their grants, and every officer
    with a login made a member (admins of the admin role), recorded."""
    from sqlalchemy import select

    from send_cli.store.audit import record
    from send_cli.store.identity import store_mode
    from send_cli.store.models import Officer

    with store.write() as session:
        mode = store_mode(session)
        rows = session.execute(select(Officer.login, Officer.admin, Officer.active)
                               .where(Officer.login.is_not(None))).all()
        admins = sorted({lg for lg, adm, act in rows if adm and act} | set(mode.admins)
                        - {login})
        officers = sorted({lg for lg, adm, act in rows if act and not adm} - set(admins)
                          - {login})
        done = ensure_roles(session.connection(), officer_role=OFFICER_ROLE,
                            admin_role=ADMIN_ROLE, admins=admins, officers=officers)
        record(session, officer=actor, now=now, action="store.roles", entity="store",
               after={"roles": [OFFICER_ROLE, ADMIN_ROLE], "created": done.created,
                      "members": done.members})
    return Synced([OFFICER_ROLE, ADMIN_ROLE], bool(done.created), done.tables, done.members)
