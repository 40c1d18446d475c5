"""Privacy: the files send-cli makes are its owner's only, messages name a
case by its reference and nothing more, and a closed case's personal data
is erased once its retention period is over."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from send_cli.casework.erasure import ERASED, retention_end, scrub_json

PERSONAL = ("Ada Old", "2000-01-01", "Old Hall School", "Ada's mum", "Ada's fees",
            "Moved away", "Old neighbour")


def mode(path: Path | str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


# -- files ----------------------------------------------------------------
@pytest.mark.sqlite_only  # backups, restores: store files
def test_every_file_send_cli_writes_is_owner_only(tmp_path: Path, prepared: Path,
                                                  cli) -> None:
    old = os.umask(0o022)
    try:
        cli.ok("export", "cases", "--format", "csv", "-o", str(tmp_path / "cases.csv"))
        cli.ok("panel", "agenda", "MAP", "--meeting", "2026-11-20", "--format", "csv", "-o",
               str(tmp_path / "agenda.csv"))
        cli.ok("db", "backup", str(tmp_path / "b.db"))
        cli.ok("db", "copy", "--to", str(tmp_path / "copy.db"))
        night = tmp_path / "night"
        result = cli("report", "nightly", "--out", str(night))
        assert result.exit_code in (0, 4), result.stderr
        cli.ok("db", "restore", str(tmp_path / "b.db"), "--force")
    finally:
        os.umask(old)
    made = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert {p.name for p in made} >= {"cases.csv", "agenda.csv", "b.db", "copy.db",
                                      "overdue.csv", "kpi.json", "send.db"}
    assert any(p.name.startswith("send.db.replaced-") for p in made)
    assert {p.name: mode(p) for p in made} == {p.name: 0o600 for p in made}


# -- messages ------------------------------------------------------------------
def test_messages_name_the_reference_only(prepared: Path, cli) -> None:
    """stderr goes to cron logs and terminals: a case's name, date of birth,
    setting and notes never appear in it, only its reference."""
    runs = [
        cli("case", "add", "--ref", "OLD-1", "--name", "Ada Old", "--dob", "2000-01-01",
            "--officer", "CO1", "--received", "2020-01-06"),
        cli("case", "close", "OLD-1", "--reason", "again"),
        cli("case", "erase", "OLD-1", now="2030-12-31"),
        cli("case", "erase", "C-1"),
        cli("case", "assign", "OLD-1", "CO2"),
        cli("contact", "log", "OLD-1", "--channel", "phone", "--direction", "in", "--party",
            "parent", "--summary", "Ada's mum", "--at", "2026-11-20T10:00"),
        cli("panel", "refer", "OLD-1", "--panel", "MAP", "--request", "ehcna"),
        cli("case", "show", "OLD-1", "--format", "csv"),
        cli("case", "milestone", "OLD-1", "final-plan", "--on", "2020-05-01"),
        cli("case", "erase", "OLD-1", now="2031-01-01"),
        cli("case", "erase", "OLD-1", now="2031-01-02"),
    ]
    for result in runs:
        for value in PERSONAL:
            assert value not in result.stderr, (value, result.stderr)
    assert "error: case 'OLD-1' has already been erased" in runs[-1].stderr


# -- erasure -----------------------------------------------------------------
@pytest.mark.parametrize("dob, closed, end", [
    (date(2000, 1, 1), date(2020, 6, 1), date(2031, 1, 1)),     # 31st birthday
    (date(2000, 1, 1), date(2027, 3, 1), date(2033, 3, 1)),     # 6 years after closing
    (date(2004, 2, 29), date(2020, 1, 1), date(2035, 3, 1)),    # 31 on 1 March 2035
    (date(2010, 5, 4), date(2028, 2, 29), date(2041, 5, 4)),
    (None, date(2024, 2, 29), date(2030, 3, 1)),                # no birthday known
])
def test_retention_end(dob: date | None, closed: date, end: date) -> None:
    assert retention_end(dob=dob, closed_on=closed, age=31, after_close=6) == end


def _everything(cli) -> list[Any]:
    """What the store holds, as its exports and audit trail give it."""
    return [cli.json("export", what) for what in ("cases", "contacts", "decisions",
                                                   "followups")] + [cli.json("audit")]


def test_erase_refuses_open_recent_and_erased(prepared: Any, cli, backend: str) -> None:
    sqlite = backend == "sqlite"
    before = Path(prepared).read_bytes() if sqlite else _everything(cli)
    assert cli.fails(1, "case", "erase", "C-1") == \
        "error: case 'C-1' is open; only a closed case can be erased"
    assert cli.fails(1, "case", "erase", "OLD-1", now="2030-12-31T23:59") == (
        "error: case 'OLD-1' is still within its retention period (until the later of the "
        "31st birthday and 6 years after closing); nothing was erased")
    assert cli.fails(1, "case", "erase", "NOPE") == "error: no case 'NOPE'"
    assert (Path(prepared).read_bytes() if sqlite else _everything(cli)) == before


def reseal(con: sqlite3.Connection) -> None:
    """Seal the audit trail of CON again (after test rows were written by hand)."""
    from send_cli.store.identity import SEALED_SQL, seal_of

    prev = None
    for row in con.execute(f"SELECT {SEALED_SQL} FROM audit ORDER BY id").fetchall():
        prev = seal_of(prev, row)
        con.execute("UPDATE audit SET seal = ? WHERE id = ?", (prev, row[0]))


@pytest.mark.sqlite_only  # writes its past into the file with sqlite3
def test_erase_removes_personal_data_everywhere(prepared: Path, cli) -> None:
    with sqlite3.connect(prepared) as con:  # give OLD-1 a past full of free text
        con.execute("UPDATE cases SET setting = 'Old Hall School' WHERE ref = 'OLD-1'")
        old_id, officer_id = con.execute(
            "SELECT id, officer_id FROM cases WHERE ref = 'OLD-1'").fetchone()
        con.execute("INSERT INTO contacts (case_id, at, channel, direction, party, summary, "
                    "officer_id, created_at) VALUES (?, '2020-02-01 10:00:00', 'phone', 'in', "
                    "'parent', 'Ada''s mum rang', ?, '2020-02-01 10:00:00')",
                    (old_id, officer_id))
        con.execute("INSERT INTO followups (case_id, kind, due, officer_id, level, reason, "
                    "note, done_at, created_at) VALUES (?, 'callback', '2020-02-01', ?, 1, "
                    "'Ada''s fees', 'Ada''s mum called back', '2020-02-01 11:00:00', "
                    "'2020-02-01 10:00:00')", (old_id, officer_id))
        con.execute("INSERT INTO audit (at, officer, action, entity, entity_id, case_ref, "
                    "before, after) VALUES ('2020-02-01 10:00:00', 'CO1', 'contact.log', "
                    "'contact', '9', 'OLD-1', NULL, ?)",
                    (json.dumps({"summary": "Ada's mum rang", "party": "parent",
                                 "followup_created": {"kind": "callback"}}),))
        reseal(con)  # written by hand here, as send-cli would have sealed it
        # the statutory clocks' notes (how each was worked out) go too
        notes = con.execute("SELECT count(*) FROM deadlines WHERE detail IS NOT NULL AND "
                            "case_id = ?", (old_id,)).fetchone()[0]
    result = cli("--as", "LCO1", "case", "erase", "OLD-1", now="2031-01-01T09:00")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ("erased the personal data of OLD-1: 1 contacts, 1 follow-ups, "
                             f"{notes} other notes, 3 audit entries\n")
    case = next(c for c in cli.json("export", "cases") if c["ref"] == "OLD-1")
    assert (case["name"], case["dob"], case["setting"], case["status"]) == \
        (ERASED, None, None, "closed")
    assert [c["summary"] for c in cli.json("export", "contacts")
            if c["case_ref"] == "OLD-1"] == [ERASED]
    # nothing personal left anywhere in the store, the audit trail included
    with sqlite3.connect(prepared) as con:
        dump = "\n".join(line for line in con.iterdump()  # (2000-01-01: a bank holiday)
                         if not line.startswith('INSERT INTO "calendar_days"'))
    for value in PERSONAL:
        assert value not in dump, value
    trail = cli.json("audit", "OLD-1")
    assert [e["action"] for e in trail] == ["case.add", "case.close", "contact.log",
                                            "case.erase"]
    add = trail[0]["after"]
    assert add["name"] == ERASED and add["dob"] == ERASED and add["ref"] == "OLD-1"
    assert add["officer"] == "CO1" and add["received"] == "2020-01-06"  # not personal: kept
    assert trail[2]["after"]["followup_created"] == {"kind": "callback"}
    erase = trail[-1]
    assert (erase["officer"], erase["at"][:16]) == ("LCO1", "2031-01-01T09:00")
    first_rewritten = min(e["id"] for e in trail[:-1]) if trail and "id" in trail[0] else None
    resealed = erase["after"].pop("audit_resealed_from")
    assert first_rewritten is None or resealed == first_rewritten
    assert erase["after"] == {"erased": True, "contacts": 1, "followups": 1,
                              "other_texts": notes, "audit_entries": 3}
    assert cli("db", "check").exit_code == 0  # the trail was sealed again
    assert erase["before"] is None
    # the other cases are untouched
    assert next(c for c in cli.json("export", "cases") if c["ref"] == "C-1")["name"] == \
        "Zoë O'Neil"


@pytest.mark.sqlite_only  # a bad setting written with sqlite3
def test_erase_follows_the_council_settings(prepared: Path, cli) -> None:
    with sqlite3.connect(prepared) as con:
        con.execute("INSERT INTO settings (key, value) VALUES ('retention_age', '40')")
    assert "40th birthday" in cli.fails(1, "case", "erase", "OLD-1", now="2031-01-01")
    cli.ok("case", "erase", "OLD-1", now="2040-01-01")
    with sqlite3.connect(prepared) as con:
        con.execute("UPDATE settings SET value = 'forty' WHERE key = 'retention_age'")
    line = cli.fails(1, "case", "erase", "C-1")
    assert line == "error: case 'C-1' is open; only a closed case can be erased"


def test_scrub_json_keeps_what_is_not_personal() -> None:
    raw = json.dumps({"name": "Ann", "status": "closed", "officer": "CO1",
                      "note": None, "nested": {"summary": "x", "kind": "callback"},
                      "list": ["Ann Lee visited", "other"]})
    assert json.loads(scrub_json(raw, ["Ann"]) or "") == {
        "name": ERASED, "status": "closed", "officer": "CO1", "note": None,
        "nested": {"summary": ERASED, "kind": "callback"}, "list": [ERASED, "other"]}
    assert scrub_json("not json: Ann", ["Ann"]) == ERASED
    assert scrub_json(None, ["Ann"]) is None


@pytest.fixture
def without_secure_delete(monkeypatch: pytest.MonkeyPatch, backend: str) -> None:
    """Connections as an SQLite built without SQLITE_SECURE_DELETE makes them
    (macOS, many others): a deleted value stays in the file's free space."""
    if backend != "sqlite":
        return
    from sqlalchemy import event

    import send_cli.store.engine as store_mod

    made = store_mod.make_engine

    def make_engine(url: str) -> Any:
        engine = made(url)

        @event.listens_for(engine, "connect")
        def _off(dbapi_con: Any, _record: Any) -> None:
            dbapi_con.execute("PRAGMA secure_delete = OFF")

        return engine

    monkeypatch.setattr(store_mod, "make_engine", make_engine)


def test_erase_leaves_no_declared_interest_anywhere(store_path: Any, team, backend: str,
                                                    without_secure_delete: None) -> None:
    """A member's declared interest names the child ("Uncle of Xyzzy"); the
    decision's audit entry repeats it. After erasure neither the audit rows
    nor any byte of the store file (the free space of its pages and the
    write-ahead log included) holds the child's name or the interest, even
    on an SQLite that keeps deleted values by default."""
    child, interest = "Xyzzy Plugh", "Uncle of Xyzzy"
    team.ok("case", "add", "--ref", "E-1", "--name", child, "--dob", "2000-01-01",
            "--officer", "CO1", "--received", "2020-01-06", "--setting", "Plugh Academy",
            now="2020-01-06T09:00")
    team.ok("panel", "schedule", "MAP", "--from", "2020-01-10", "--to", "2020-01-10",
            "--weekday", "fri", now="2020-01-06T09:00")
    team.ok("panel", "refer", "E-1", "--panel", "MAP", "--request", "resource", "--meeting",
            "2020-01-10", now="2020-01-06T09:05")
    team.ok("panel", "declare", "--panel", "MAP", "--meeting", "2020-01-10", "--member",
            "Cllr Qwertyson", "--case", "E-1", "--interest", interest, now="2020-01-07T09:00")
    team.ok("decision", "log", "E-1", "--panel", "MAP", "--meeting", "2020-01-10",
            "--outcome", "agreed", "--reason", "Xyzzy needs the resource", "--chair",
            "Dr Marsh", now="2020-01-10T12:00")
    team.ok("contact", "log", "E-1", "--channel", "email", "--direction", "in", "--party",
            "parent", "--summary", "ok", now="2020-01-13T09:00")
    # a summary longer than a page: its overflow pages are freed by the erasure
    team.ok("contact", "log", "E-1", "--channel", "letter", "--direction", "in", "--party",
            "parent", "--summary", "Xyzzy's mum writes: " + "more. " * 600,
            now="2020-01-13T09:05")
    team.ok("case", "close", "E-1", "--reason", "Xyzzy moved away", now="2020-06-01T09:00")
    decision = [e for e in team.json("audit", "E-1") if e["action"] == "decision.log"][0]
    assert decision["after"]["declarations"] == [f"Cllr Qwertyson: {interest}"]

    if backend == "sqlite":
        # a clean file to start from: what ordinary writes left in the free
        # space of pages on such a build is the store's matter (secure_delete
        # on every connection), not the erasure's
        con = sqlite3.connect(store_path)
        con.execute("VACUUM")
        con.close()

    team.ok("case", "erase", "E-1", now="2031-01-01T09:00")
    trail = team.json("audit", "E-1")
    for entry in trail:
        text = json.dumps(entry, ensure_ascii=False)
        for value in ("Xyzzy", "Plugh", "2000-01-01"):
            assert value not in text, (value, entry)
    decision = [e for e in trail if e["action"] == "decision.log"][0]
    assert decision["after"]["declarations"] == [ERASED]
    assert decision["after"]["chair"] == "Dr Marsh"  # not the child's: kept
    contacts = [e["after"] for e in trail if e["action"] == "contact.log"]
    assert [(c["channel"], c["summary"]) for c in contacts] == [("email", ERASED),
                                                               ("letter", ERASED)]
    everything = json.dumps(_everything(team) + [team.json("case", "show", "E-1")],
                            ensure_ascii=False)
    for value in ("Xyzzy", "Plugh", "2000-01-01"):
        assert value not in everything, value
    if backend != "sqlite":
        return
    for path in (Path(store_path), Path(f"{store_path}-wal")):
        if path.exists():
            raw = path.read_bytes()
            for value in ("Xyzzy", "Plugh"):
                at = raw.find(value.encode())
                assert at < 0, (value, path.name, at // 4096, raw[at - 200:at + 100])


@pytest.mark.sqlite_only  # the failure is provoked with an SQLite trigger
def test_debug_tracebacks_show_no_row_values(team, store_path: Path) -> None:
    """--debug prints the traceback of a failed write; the database error in
    it names the SQL but not the child's name or date of birth."""
    with sqlite3.connect(store_path) as con:
        con.execute("CREATE TRIGGER refuse BEFORE INSERT ON cases "
                    "BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END")
    result = team("--debug", "case", "add", "--ref", "Z-1", "--name", "Zebedee Quartermain",
                  "--dob", "2015-02-03", "--officer", "CO1", "--received", "2026-11-02",
                  "--new-child")
    assert result.exit_code == 1, result.stderr
    assert "Traceback" in result.stderr and "refused by a test trigger" in result.stderr
    assert "INSERT INTO cases" in result.stderr  # the SQL is there to debug with
    for personal in ("Zebedee", "Quartermain", "2015-02-03"):
        assert personal not in result.stderr
    assert team.json("case", "list") == []
