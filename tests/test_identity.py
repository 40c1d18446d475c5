"""Who did it is proven, not typed: the login beside the officer in the
audit trail, personal and team stores, admins, and a sealed audit trail
that 'db check' verifies."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import LOGIN

from send_cli.store import identity

BACKENDS = ("sqlite", "postgresql")


def pg_user() -> str:
    """The role the PostgreSQL test server is reached as."""
    url = os.environ["SEND_CLI_TEST_PG_URL"]
    return url.split("://", 1)[1].split("@", 1)[0].split(":", 1)[0]


def entries(cli: Any, *args: str, env: dict[str, str] | None = None) -> list[dict[str, Any]]:
    return json.loads(cli.ok("audit", *args, "--format", "json", "--limit", "0",
                             env=env).stdout)


# -- the login beside the officer ----------------------------------------------
def test_audit_records_the_login_and_the_officer(team: Any, backend: str) -> None:
    team.case("C-1", as_="CO1")
    team.case("C-2")
    by_ref = {e["entity_id"]: e for e in entries(team) if e["action"] == "case.add"}
    want_login = LOGIN if backend == "sqlite" else pg_user()
    assert (by_ref["C-1"]["officer"], by_ref["C-1"]["login"]) == ("CO1", want_login)
    # without --as the login alone is recorded
    assert (by_ref["C-2"]["officer"], by_ref["C-2"]["login"]) == (want_login, want_login)


def test_as_must_name_an_active_officer_exactly(team: Any) -> None:
    for code in ("NOBODY", "co1"):
        line = team.fails(2, "case", "add", "--ref", "C-9", "--name", "Sam Jones", "--dob",
                          "2016-05-04", "--officer", "CO1", "--received", "2026-11-02",
                          as_=code)
        assert f"--as '{code}' is not an active officer of this store" in line
        assert "AO1, BS1, CO1, CO2, LCO1, SCO1" in line
    assert not [e for e in entries(team) if e["entity_id"] == "C-9"]


def test_as_on_a_store_without_officers(cli: Any) -> None:
    line = cli.fails(2, "calendar", "close", "2026-12-29", "--reason", "Closure", as_="X1")
    assert "it has none yet" in line


def test_officer_login_and_admin(team: Any) -> None:
    team.ok("officer", "add", "CO9", "--name", "Kim Lee", "--email", "co9@council.gov.uk",
            "--team", "assessment", "--role", "casework-officer", "--login", "klee",
            "--admin")
    team.ok("officer", "set", "CO1", "--login", "tbaker")
    rows = {r["code"]: r for r in team.json("officer", "list")}
    assert (rows["CO9"]["login"], rows["CO9"]["admin"]) == ("klee", True)
    assert (rows["CO1"]["login"], rows["CO1"]["admin"]) == ("tbaker", False)
    assert rows["AO1"]["login"] is None
    team.ok("officer", "set", "CO9", "--no-admin")
    assert {r["code"]: r for r in team.json("officer", "list")}["CO9"]["admin"] is False
    # one login, one officer
    line = team.fails(1, "officer", "set", "CO2", "--login", "tbaker")
    assert "tbaker" in line and "CO1" in line
    assert team.fails(2, "officer", "set", "CO2", "--login", "bad login").startswith(
        "error: --login 'bad login'")
    set_entries = [e for e in entries(team) if e["action"] == "officer.set"]
    assert set_entries and set_entries[0]["after"]["login"] in ("tbaker", None, "klee")


# -- team stores ---------------------------------------------------------------
@pytest.fixture
def as_login(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run the next commands as another operating-system login (the real
    thing, with two OS users, is test_team_store_with_two_real_users)."""

    def use(login: str) -> None:
        monkeypatch.setattr(identity, "os_login", lambda: login)

    return use


@pytest.mark.sqlite_only
def test_team_store_acts_as_the_login(tmp_path: Path, cli: Any, as_login: Any) -> None:
    db = str(tmp_path / "team.db")
    env = {"SEND_CLI_DB": db}
    as_login("alice")
    cli.ok("init", "--admin", "alice", env=env)
    cli.ok("officer", "add", "AO1", "--name", "Alice Ash", "--email", "a@council.gov.uk",
           "--team", "assessment", "--role", "assessment-officer", "--login", "alice",
           "--admin", env=env)
    cli.ok("officer", "add", "CO1", "--name", "Bob Birch", "--email", "b@council.gov.uk",
           "--team", "assessment", "--role", "casework-officer", "--login", "bob", env=env)
    as_login("bob")
    cli.ok("case", "add", "--ref", "C-1", "--name", "Sam Jones", "--dob", "2016-05-04",
           "--officer", "CO1", "--received", "2026-11-02", env=env)
    # bob may not act as alice's officer, nor manage officers
    line = cli.fails(1, "case", "close", "C-1", "--reason", "Moved", as_="AO1", env=env)
    assert "only an admin may act as 'AO1'" in line
    assert "only an admin" in cli.fails(1, "officer", "set", "CO1", "--admin", env=env)
    # a login that is no officer reads but does not write
    as_login("carol")
    assert cli.ok("case", "list", env=env).stdout
    result = cli("case", "close", "C-1", "--reason", "Moved", env=env)
    assert result.exit_code == 1
    assert "no officer of this team store" in result.stderr
    assert "officer set CODE --login carol" in result.stderr
    # an admin may act for another officer
    as_login("alice")
    cli.ok("case", "close", "C-1", "--reason", "Moved", as_="CO1", env=env)
    got = [(e["action"], e["officer"], e["login"])
           for e in entries(cli, "C-1", env=env) if e["action"].startswith("case.")]
    assert ("case.add", "CO1", "bob") in got and ("case.close", "CO1", "alice") in got


@pytest.mark.sqlite_only
def test_db_share_makes_a_personal_store_a_teams(store_path: Path, team: Any,
                                                 as_login: Any) -> None:
    team.ok("db", "share", "--admin", LOGIN)
    as_login("stranger")
    assert team.fails(1, "case", "add", "--ref", "C-9", "--name", "Sam Jones", "--dob",
                      "2016-05-04", "--officer", "CO1", "--received", "2026-11-02")


# -- the sealed audit trail (SQLite) ------------------------------------------------
@pytest.mark.sqlite_only
def test_check_finds_an_audit_entry_changed_by_hand(store_path: Path, team: Any) -> None:
    team.case("C-1")
    team.case("C-2")
    assert "ok" in team.ok("db", "check").stdout
    con = sqlite3.connect(store_path)
    target = con.execute("SELECT id FROM audit WHERE entity_id = 'C-1'").fetchone()[0]
    con.execute("UPDATE audit SET officer = 'CO2' WHERE id = ?", (target,))
    con.commit()
    con.close()
    result = team("db", "check")
    assert result.exit_code == 1, result.stderr
    assert f"audit entry {target}" in result.stderr
    assert "changed or deleted" in result.stdout + result.stderr


@pytest.mark.sqlite_only
def test_check_finds_an_audit_entry_deleted_by_hand(store_path: Path, team: Any) -> None:
    team.case("C-1")
    team.case("C-2")
    con = sqlite3.connect(store_path)
    ids = [r[0] for r in con.execute("SELECT id FROM audit ORDER BY id")]
    con.execute("DELETE FROM audit WHERE id = ?", (ids[-2],))
    con.commit()
    con.close()
    result = team("db", "check")
    assert result.exit_code == 1
    assert f"audit entry {ids[-1]}" in result.stderr


@pytest.mark.sqlite_only
def test_a_later_write_does_not_heal_a_changed_entry(store_path: Path, team: Any) -> None:
    team.case("C-1")
    con = sqlite3.connect(store_path)
    last = con.execute("SELECT max(id) FROM audit").fetchone()[0]
    con.execute("UPDATE audit SET officer = 'CO2', seal = NULL WHERE id = ?", (last,))
    con.commit()
    con.close()
    team.case("C-2")
    assert team("db", "check").exit_code == 1


@pytest.mark.sqlite_only
def test_erasure_reseals_and_says_so(prepared: Path, cli: Any) -> None:
    cli.ok("case", "erase", "OLD-1", now="2031-01-01T09:00")
    assert cli("db", "check").exit_code == 0
    erase = [e for e in entries(cli, "OLD-1") if e["action"] == "case.erase"][0]
    assert erase["after"]["audit_resealed_from"] >= 1


# -- the seal itself -----------------------------------------------------------------
def test_seal_follows_from_the_entry_and_the_one_before() -> None:
    row = (1, "2026-11-23 09:00:00", "CO1", "alice", "case.add", "case", "C-1", "C-1",
           None, "{}")
    first = identity.seal_of(None, row)
    assert identity.seal_of(None, row) == first
    assert identity.seal_of(first, row) != first
    changed = (*row[:2], "CO2", *row[3:])
    good = identity.check_chain([(*row, first)])
    assert (good.entries, good.first_bad) == (1, None)
    assert identity.check_chain([(*changed, first)]).first_bad == 1


# -- the upgrade to 0006 -------------------------------------------------------------
@pytest.mark.sqlite_only
def test_upgrade_seals_the_entries_already_there(tmp_path: Path, cli: Any) -> None:
    from send_cli.store.engine import HEAD, Store, make_engine, run_migrations

    db = tmp_path / "old.db"
    old = Store(url=f"sqlite:///{db}", engine=make_engine(f"sqlite:///{db}"), path=db)
    run_migrations(old, "0005")
    with old.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO officers (code, name, email, team, role, active, created_at) "
            "VALUES ('CO1', 'Tom Baker', 't@c.gov.uk', 'assessment', 'casework-officer', 1, "
            "'2026-11-01 09:00:00.000000')")
        for n in range(3):
            conn.exec_driver_sql(
                "INSERT INTO audit (at, officer, action, entity, entity_id, after) VALUES "
                f"('2026-11-0{n + 2} 09:00:00.000000', 'CO1', 'case.add', 'case', 'C-{n}', "
                "'{\"ref\": \"C-" + str(n) + "\"}')")
    old.dispose()
    env = {"SEND_CLI_DB": str(db)}
    result = cli.ok("db", "upgrade", env=env)
    assert f"upgraded the store from schema 0005 to {HEAD}" in result.stderr
    check = cli.ok("db", "check", env=env).stdout
    assert "ok: 4 entries sealed" in check  # the three, and the upgrade's own
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM audit WHERE seal IS NULL").fetchone() == (0,)
    assert con.execute("SELECT login, admin FROM officers").fetchall() == [(None, 0)]
    con.close()
    officers = cli.json("officer", "list", env=env)
    assert (officers[0]["login"], officers[0]["admin"]) == (None, False)
