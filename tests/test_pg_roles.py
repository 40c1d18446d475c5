"""PostgreSQL roles: 'db roles' makes send_officer and send_admin; an
officer's login role may record casework but may not UPDATE, DELETE or
TRUNCATE the audit trail, nor change officers; erasure still works, for an
admin, through the SECURITY DEFINER function."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from send_cli.store import roles

BACKENDS = ("postgresql",)


@pytest.fixture
def team_roles(pg_server: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """Uniquely named group and login roles (roles are cluster-wide), dropped
    after the test."""
    import psycopg

    tag = f"t{os.getpid()}"
    names = {"officer": f"send_officer_{tag}", "admin": f"send_admin_{tag}",
             "bob": f"sendbob_{tag}", "alice": f"sendalice_{tag}"}
    monkeypatch.setattr(roles, "OFFICER_ROLE", names["officer"])
    monkeypatch.setattr(roles, "ADMIN_ROLE", names["admin"])
    admin = psycopg.connect(pg_server._dsn(pg_server.url), autocommit=True)
    try:
        for login in ("bob", "alice"):
            admin.execute(f'DROP ROLE IF EXISTS "{names[login]}"')
            admin.execute(f"CREATE ROLE \"{names[login]}\" LOGIN PASSWORD 'pw'")
    except psycopg.errors.InsufficientPrivilege:
        admin.close()
        pytest.skip("the test server's role cannot create roles: ALTER ROLE ... CREATEROLE "
                    "(.ci/run does)")
    try:
        yield names
    finally:
        for name in names.values():
            if _exists(admin, name):  # what was granted to it, then the role
                q = f'"{name}"'
                for sql in ("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {r}",
                            "REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {r}",
                            "REVOKE ALL ON SCHEMA public FROM {r}",
                            f'REVOKE ALL ON DATABASE "{pg_server.name}" FROM {{r}}',
                            "REVOKE ALL ON FUNCTION send_audit_scrub(integer, text, text) "
                            "FROM {r}"):
                    admin.execute(sql.format(r=q))
        for key in ("bob", "alice", "officer", "admin"):
            admin.execute(f'DROP ROLE IF EXISTS "{names[key]}"')
        admin.close()


def _exists(conn: Any, role: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() \
        is not None


def _url_as(url: str, login: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{login}:pw@{rest.split('@', 1)[1]}"


def test_an_officers_role_cannot_change_the_audit(team: Any, pg_server: Any,
                                                  team_roles: dict[str, str]) -> None:
    import psycopg

    bob, alice = team_roles["bob"], team_roles["alice"]
    team.ok("officer", "set", "CO1", "--login", bob)
    team.ok("officer", "set", "LCO1", "--login", alice, "--admin")
    done = team.ok("db", "roles")
    assert team_roles["officer"] in done.stderr
    team.ok("db", "roles")  # idempotent
    assert [e["action"] for e in team.json("audit")].count("store.roles") == 2
    as_bob = _url_as(pg_server.url, bob)
    team.ok("case", "add", "--ref", "C-1", "--name", "Sam Jones", "--dob", "2016-05-04",
            "--officer", "CO1", "--received", "2026-11-02", env={"SEND_CLI_DB": as_bob})
    entry = [e for e in team.json("audit") if e["entity_id"] == "C-1"][0]
    assert (entry["officer"], entry["login"]) == ("CO1", bob)
    with psycopg.connect(pg_server._dsn(as_bob), autocommit=True) as conn:
        for sql in ("UPDATE audit SET officer = 'X'", "DELETE FROM audit",
                    "TRUNCATE audit", "UPDATE officers SET admin = true"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)
        # the login column is the server's word, whatever the client sends
        conn.execute("INSERT INTO audit (at, officer, action, entity, login) VALUES "
                     "(now(), 'CO1', 'x.y', 'case', 'someone-else')")
        assert conn.execute("SELECT login FROM audit ORDER BY id DESC LIMIT 1"
                            ).fetchone() == (bob,)
    # bob may not manage officers through send-cli either: a plain refusal
    line = team.fails(1, "officer", "set", "CO2", "--admin", env={"SEND_CLI_DB": as_bob})
    assert "only an admin" in line


def test_a_permission_error_is_exit_3(team: Any, pg_server: Any,
                                      team_roles: dict[str, str]) -> None:
    import psycopg

    with psycopg.connect(pg_server._dsn(pg_server.url), autocommit=True) as conn:
        conn.execute(f'GRANT CONNECT ON DATABASE "{pg_server.name}" TO "{team_roles["bob"]}"')
    line = team.fails(3, "case", "list", env={"SEND_CLI_DB": _url_as(pg_server.url,
                                                                      team_roles["bob"])})
    assert "permission denied" in line
