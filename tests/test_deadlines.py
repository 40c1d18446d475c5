"""send-cli deadlines: the stored statutory clocks, due or missed."""

from __future__ import annotations

from datetime import date

import pytest

TODAY = "2027-01-04T09:00"  # Monday, the first working day after New Year
KEYS = ["case_ref", "child", "milestone", "due", "days_left", "officer", "exception",
        "source", "note"]


def ms(cli, ref, *steps, now=TODAY):
    for step in steps:
        kind, on, *outcome = step.split()
        args = ["case", "milestone", ref, kind, "--on", on]
        if outcome:
            args += ["--outcome", outcome[0]]
        cli.ok(*args, now=now)


@pytest.fixture
def book(team):
    """Cases whose clocks fall around 4 January 2027."""
    team.case("C-1", received="2026-11-02", officer="CO1", name="Ann Lee", now=TODAY)
    team.case("C-2", received="2026-11-23", officer="CO2", name="Ben Cole", now=TODAY)
    team.case("C-3", received="2026-11-30", officer="AO1", name="Cat Dee", now=TODAY)
    ms(team, "C-3", "assessment-decision 2026-12-10 agreed")
    team.ok("case", "advice", "C-3", "--from", "educational-psychology", "--requested",
            "2026-12-01", now=TODAY)
    team.ok("case", "advice", "C-3", "--from", "health", "--requested", "2026-12-01",
            "--received", "2026-12-20", now=TODAY)
    return team


def pick(rows):
    return [(r["case_ref"], r["milestone"], r["due"], r["days_left"]) for r in rows]


def test_within_seven_days_includes_the_missed(book):
    rows = book.json("deadlines", "--within", "7", now=TODAY)
    assert pick(rows) == [("C-1", "assessment-decision", "2026-12-14", -21),
                          ("C-2", "assessment-decision", "2027-01-04", 0)]
    assert list(rows[0]) == KEYS
    assert rows[0] == {"case_ref": "C-1", "child": "Ann Lee", "milestone": "assessment-decision",
                       "due": "2026-12-14", "days_left": -21, "officer": "CO1",
                       "exception": None, "source": None, "note": None}
    # the educational psychologist's advice is due 12 January: 8 days away
    assert pick(book.json("deadlines", "--within", "8", now=TODAY))[-1] == (
        "C-3", "advice", "2027-01-12", 8)


def test_breached_and_officer_filters(book):
    assert pick(book.json("deadlines", "--breached", now=TODAY)) == [
        ("C-1", "assessment-decision", "2026-12-14", -21)]
    assert pick(book.json("deadlines", "--officer", "CO2", now=TODAY)) == [
        ("C-2", "assessment-decision", "2027-01-04", 0),
        ("C-2", "draft-plan", "2027-03-01", 56),
        ("C-2", "issue-decision", "2027-03-15", 70),
        ("C-2", "final-plan", "2027-04-12", 98)]
    assert book.fails(1, "deadlines", "--officer", "ZZ9", now=TODAY) == "error: no officer 'ZZ9'"


def test_all_open_deadlines_soonest_first(book):
    rows = book.json("deadlines", now=TODAY)
    assert [r["due"] for r in rows] == sorted(r["due"] for r in rows)
    # met clocks (C-3's decision, the health advice) are not listed
    assert ("C-3", "assessment-decision") not in {(r["case_ref"], r["milestone"]) for r in rows}
    assert sum(r["milestone"] == "advice" for r in rows) == 1
    assert len(rows) == 4 + 4 + 3 + 1


def test_twenty_weeks_over_christmas_is_not_moved(team):
    team.case("X-1", received="2026-12-24", now=TODAY)
    rows = {r["milestone"]: r for r in team.json("deadlines", now=TODAY)}
    assert rows["final-plan"]["due"] == "2027-05-13"
    assert rows["assessment-decision"]["due"] == "2027-02-04"
    assert rows["final-plan"]["days_left"] == 129


def test_exception_shown_beside_the_deadline(book):
    book.ok("case", "exception", "C-1", "--code", "d", "--reason", "family abroad",
            "--from", "2026-11-20", "--to", "2027-01-02", now=TODAY)
    rows = book.json("deadlines", "--officer", "CO1", now=TODAY)
    assert [(r["milestone"], r["exception"]) for r in rows] == [
        ("assessment-decision", "d: family abroad"), ("draft-plan", "d: family abroad"),
        ("issue-decision", "d: family abroad"), ("final-plan", "d: family abroad")]
    assert rows[0]["due"] == "2026-12-14"  # the deadline does not move
    result = book.ok("deadlines", "--within", "7", now=TODAY)
    assert result.stderr == "2 deadlines, 1 missed; 1 with a reg 10(4) exception recorded\n"
    assert "d: family abroad" in result.stdout


def test_family_windows_drop_off_when_they_end(team):
    team.case("W-1", received="2026-06-01", now=TODAY)
    ms(team, "W-1", "assessment-decision 2026-07-01 agreed", "issue-decision 2026-09-01 agreed",
       "draft-plan 2026-09-10")
    team.case("W-2", received="2026-06-01", now=TODAY)
    ms(team, "W-2", "assessment-decision 2026-07-01 refused")
    team.ok("case", "appeal", "W-2", "--decision-sent", "2026-07-02", now=TODAY)
    team.ok("case", "appeal", "W-2", "--decision-sent", "2026-12-01", now=TODAY)
    rows = pick(team.json("deadlines", now=TODAY))
    # the draft's 15 days ended on 24 Sep and the first appeal window on 2 Sep:
    # gone; the final plan (due 19 Oct) is missed; the second window is open
    assert rows == [("W-1", "final-plan", "2026-10-19", -77),
                    ("W-2", "appeal", "2027-02-01", 28)]
    assert pick(team.json("deadlines", "--within", "7", now="2026-09-20")) == [
        ("W-1", "draft-comments", "2026-09-24", 4)]


def test_closed_case_has_no_open_deadlines(book):
    book.ok("case", "close", "C-1", "--reason", "moved out of the area", now=TODAY)
    assert "C-1" not in {r["case_ref"] for r in book.json("deadlines", now=TODAY)}


def test_exit_code_and_empty_table(team):
    assert team.ok("deadlines", now=TODAY).stdout == "Statutory deadlines: no statutory " \
        "deadlines due.\n"
    team.ok("deadlines", "--exit-code", now=TODAY)
    team.case("E-1", received="2026-11-02", now=TODAY)
    result = team("deadlines", "--breached", "--exit-code", now=TODAY)
    assert result.exit_code == 4
    assert "Statutory deadlines missed" in result.stdout
    csv = team.ok("deadlines", "--format", "csv", now=TODAY).stdout.splitlines()
    assert csv[0] == ",".join(KEYS)
    assert csv[1] == "E-1,Sam Jones,assessment-decision,2026-12-14,-21,CO1,,,"
    assert team.fails(2, "deadlines", "--within", "-1", now=TODAY).startswith("error: ")


def test_query_is_served_by_the_open_due_index(book, store_path, backend):
    """The report reads the partial index on open deadlines, never every case."""
    import sqlite3

    if backend != "sqlite":
        pytest.skip("reads SQLite's query plan")

    from send_cli.reports.deadlines import rows_sql

    con = sqlite3.connect(store_path)
    try:
        for kw in ({"within": 7, "breached": False}, {"within": None, "breached": True}):
            sql = rows_sql(officer=None, **kw)
            plan = " ".join(str(r[-1]) for r in con.execute(
                "EXPLAIN QUERY PLAN " + sql, {"today": "2027-01-04", "until": "2027-01-11",
                                              "officer": None}))
            assert "USING INDEX ix_deadlines_open " in plan, plan
            assert "SCAN cases" not in plan
    finally:
        con.close()


def test_deadline_rows_for_the_nightly_bundle(book, store_path):
    from send_cli.reports.deadlines import deadline_rows
    from send_cli.settings import resolve
    from send_cli.store.engine import open_store

    store = open_store(resolve(db=str(store_path), officer="cron", now=TODAY))
    try:
        with store.read() as session:
            rows = list(deadline_rows(session, today=date(2027, 1, 4), breached=True))
    finally:
        store.dispose()
    assert rows == [{"case_ref": "C-1", "child": "Ann Lee", "milestone": "assessment-decision",
                     "due": date(2026, 12, 14), "days_left": -21, "officer": "CO1",
                     "exception": None, "source": None, "note": None}]
