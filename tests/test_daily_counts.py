"""The daily reads at England's size (revisions 0012 and 0014): the open clocks of the
cases that ended are kept per due day as cases close, cease, are refused
and reopen, so `deadlines` counts what it lists from the kept counts; the
counts under the list, the KPIs' advice outstanding (from the day each
piece of advice is owed no more, kept by triggers) and the busiest
officers' caseloads are the same as the rows give; and the queries read
their own indexes. On SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from typing import Any

import pytest

BACKENDS = ("sqlite", "postgresql")
NOW = "2026-11-23T09:00"


def counts_check(cli: Any) -> str:
    result = cli("db", "check", "--format", "json")
    rows = {r["check"]: r["result"] for r in json.loads(result.stdout)}
    return rows["kpi_counts"]


def summary(cli: Any, *args: str) -> tuple[int, int, int]:
    """(deadlines, missed, with an exception) from the line under the table."""
    found = cli.ok("deadlines", *args, now=NOW).stderr
    match = re.search(r"(\d+) deadlines?, (\d+) missed; (\d+) with", found)
    return (0, 0, 0) if match is None else tuple(int(x) for x in match.groups())  # type: ignore


def listed(cli: Any, *args: str) -> tuple[int, int, int]:
    """The same, counted from every row of the JSON list."""
    rows = cli.json("deadlines", *args, now=NOW)
    return (len(rows), sum(1 for r in rows if r["days_left"] < 0),
            sum(1 for r in rows if r["exception"]))


def same_counts(cli: Any) -> None:
    assert counts_check(cli) == "ok"
    for args in ((), ("--within", "7"), ("--within", "400"), ("--breached",)):
        assert summary(cli, *args) == listed(cli, *args), args
        # one officer's list is counted one by one: the two ways agree
        mine = listed(cli, *args, "--officer", "CO1")
        assert summary(cli, *args, "--officer", "CO1") == mine, args


def history(team: Any) -> None:
    """Cases that end every way, with open clocks, and one with an exception."""
    team.case("C-1", received="2026-06-01", now="2026-06-01T09:00")
    team.case("C-2", received="2026-07-06", now="2026-07-06T09:00")
    team.case("C-3", officer="CO2", received="2026-08-03", now="2026-08-03T09:00")
    team.case("C-4", received="2026-09-07", now="2026-09-07T09:00")
    team.case("C-5", received="2026-10-05", now="2026-10-05T09:00")
    team.ok("case", "exception", "C-5", "--code", "c", "--reason", "family illness",
            "--from", "2026-10-12", "--to", "2026-11-20", now=NOW)
    team.ok("case", "milestone", "C-2", "assessment-decision", "--on", "2026-08-10",
            "--outcome", "refused", now=NOW)
    team.ok("case", "milestone", "C-3", "assessment-decision", "--on", "2026-09-07",
            "--outcome", "agreed", now=NOW)


def test_ended_clocks_follow_cases_that_end(team: Any) -> None:
    history(team)
    same_counts(team)
    open_before = listed(team)
    team.ok("case", "close", "C-1", "--reason", "moved away", now=NOW)
    same_counts(team)
    assert listed(team)[0] < open_before[0]  # C-1's clocks are not work to do
    team.ok("case", "milestone", "C-3", "issue-decision", "--on", "2026-11-16",
            "--outcome", "refused", now=NOW)
    same_counts(team)
    team.ok("case", "close", "C-2", "--reason", "family withdrew", now=NOW)
    same_counts(team)
    team.ok("case", "close", "C-5", "--reason", "moved away", now=NOW)
    same_counts(team)


def test_db_recount_puts_the_ended_clocks_right(team: Any, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("the wrong counts are made by hand on SQLite")
    history(team)
    team.ok("case", "close", "C-1", "--reason", "moved away", now=NOW)
    with sqlite3.connect(os.environ["SEND_CLI_DB"]) as con:
        con.execute("UPDATE kpi_days SET n = n + 2 WHERE metric LIKE 'ended:%'")
    assert "ended:" in counts_check(team)
    team.ok("db", "recount")
    same_counts(team)


def test_upgrade_from_the_revision_before_counts_the_ended_clocks(team: Any) -> None:
    """A store with ended cases at revision 0011 (no 'ended:' counts, no
    triggers, the indexes of before) upgraded to 0012 counts them, and the
    triggers count what comes after."""
    from alembic import command
    from sqlalchemy import inspect, text

    from send_cli.settings import resolve
    from send_cli.store.engine import HEAD, REVISIONS, alembic_config, open_store, run_migrations

    history(team)
    team.ok("case", "close", "C-1", "--reason", "moved away", now=NOW)
    store = open_store(resolve(db=os.environ["SEND_CLI_DB"], officer="test", now=NOW))
    try:
        with store.engine.begin() as conn:
            command.downgrade(alembic_config(conn), REVISIONS[REVISIONS.index("0012") - 1])
        with store.engine.connect() as conn:
            assert conn.execute(text(
                "SELECT count(*) FROM kpi_days WHERE metric LIKE 'ended:%'")).scalar() == 0
            names = {i["name"] for i in inspect(conn).get_indexes("advice_requests")}
            assert "ix_advice_requests_open" not in names
            conn.rollback()
        run_migrations(store)
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() \
                == HEAD
            assert conn.execute(text(
                "SELECT sum(n) FROM kpi_days WHERE metric LIKE 'ended:%'")).scalar() > 0
            conn.rollback()
    finally:
        store.dispose()
    same_counts(team)
    team.ok("case", "close", "C-4", "--reason", "moved away", now=NOW)
    same_counts(team)


def advice_history(team: Any) -> None:
    """Four cases, each asked health and school advice on 27 July 2026: A-4's
    school advice received on 20 August, A-2 closed on 1 October, A-3's plan
    refused on 14 September."""
    for ref, received in (("A-1", "2026-06-01"), ("A-2", "2026-06-08"), ("A-3", "2026-06-15"),
                          ("A-4", "2026-06-22")):
        team.case(ref, received=received, now=f"{received}T09:00")
        team.ok("case", "milestone", ref, "assessment-decision", "--on", "2026-07-20",
                "--outcome", "agreed", now=NOW)
        for source in ("health", "school"):
            team.ok("case", "advice", ref, "--from", source, "--requested", "2026-07-27",
                    now=NOW)
    team.ok("case", "advice", "A-4", "--from", "school", "--requested", "2026-07-27",
            "--received", "2026-08-20", now=NOW)
    team.ok("case", "close", "A-2", "--reason", "moved away", now="2026-10-01T09:00")
    team.ok("case", "milestone", "A-3", "issue-decision", "--on", "2026-09-14",
            "--outcome", "refused", now=NOW)


def advice_figures(team: Any, to: str) -> tuple[dict[str, int], dict[str, int]]:
    found = team.json("report", "kpi", "--from", "2026-01-01", "--to", to, now=NOW)
    return found["advice_outstanding"], found["advice_overdue"]


def assert_advice_history(team: Any) -> None:
    outstanding, overdue = advice_figures(team, "2026-11-20")
    assert (outstanding["health"], outstanding["school"]) == (2, 1)  # A-1 both, A-4 health
    assert (overdue["health"], overdue["school"]) == (2, 1)
    # before the refusal, the closure and the advice received, all was owed
    outstanding, _ = advice_figures(team, "2026-08-01")
    assert (outstanding["health"], outstanding["school"]) == (4, 4)
    outstanding, _ = advice_figures(team, "2026-09-01")
    assert (outstanding["health"], outstanding["school"]) == (4, 3)
    # the day it ended is no longer owed: the refusal of 14 September, the
    # advice received on 20 August
    outstanding, _ = advice_figures(team, "2026-09-13")
    assert (outstanding["health"], outstanding["school"]) == (4, 3)
    outstanding, _ = advice_figures(team, "2026-09-14")
    assert (outstanding["health"], outstanding["school"]) == (3, 2)
    outstanding, _ = advice_figures(team, "2026-08-19")
    assert outstanding["school"] == 4


def test_advice_outstanding_leaves_out_what_is_owed_no_more(team: Any) -> None:
    """Advice asked on a case later closed, or refused, is outstanding no
    more once that happened; received or withdrawn advice is not counted."""
    advice_history(team)
    assert_advice_history(team)
    team.ok("case", "advice", "A-1", "--from", "school", "--withdraw", "--reason",
            "asked in error", now=NOW)
    outstanding, _ = advice_figures(team, "2026-11-20")
    assert (outstanding["health"], outstanding["school"]) == (2, 0)
    assert counts_check(team) == "ok"


def test_upgrade_from_the_revision_before_keeps_the_advice_owed(team: Any,
                                                                backend: str) -> None:
    """A store with advice at revision 0013 (no advice_owed, no triggers)
    upgraded to 0014 keeps the day each piece of advice is owed no more (and
    the audit trail's size), the same figures come out, the triggers follow
    what comes after, and `db check` finds a wrong row that `db recount`
    puts right."""
    from alembic import command
    from sqlalchemy import inspect, text

    from send_cli.settings import resolve
    from send_cli.store.engine import HEAD, REVISIONS, alembic_config, open_store, run_migrations

    advice_history(team)
    store = open_store(resolve(db=os.environ["SEND_CLI_DB"], officer="test", now=NOW))

    def owed() -> dict[tuple[str, str], str | None]:
        with store.engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT c.ref, o.source, o.owed_until FROM advice_owed o"
                " JOIN cases c ON c.id = o.case_id")).all()
            conn.rollback()
        return {(ref, source): None if until is None else str(until)
                for ref, source, until in rows}

    try:
        with store.engine.begin() as conn:
            command.downgrade(alembic_config(conn), REVISIONS[REVISIONS.index("0014") - 1])
        with store.engine.connect() as conn:
            assert "advice_owed" not in inspect(conn).get_table_names()
            conn.rollback()
        run_migrations(store)
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() \
                == HEAD
            conn.rollback()
        assert owed() == {("A-1", "health"): None, ("A-1", "school"): None,
                          ("A-2", "health"): "2026-10-01", ("A-2", "school"): "2026-10-01",
                          ("A-3", "health"): "2026-09-14", ("A-3", "school"): "2026-09-14",
                          ("A-4", "health"): None, ("A-4", "school"): "2026-08-20"}
        assert_advice_history(team)
        assert counts_check(team) == "ok"
        with store.engine.connect() as conn:  # the audit trail's size, kept too
            kept, entries = conn.execute(text(
                "SELECT (SELECT n FROM store_counts WHERE name = 'audit'),"
                " (SELECT count(*) FROM audit)")).one()
            conn.rollback()
        assert kept == entries > 20
        # the triggers: advice received, a plan refused
        team.ok("case", "advice", "A-1", "--from", "health", "--requested", "2026-07-27",
                "--received", "2026-11-02", now=NOW)
        team.ok("case", "milestone", "A-4", "issue-decision", "--on", "2026-11-16",
                "--outcome", "refused", now=NOW)
        kept = owed()
        assert (kept[("A-1", "health")], kept[("A-4", "health")]) == ("2026-11-02",
                                                                      "2026-11-16")
        assert kept[("A-4", "school")] == "2026-08-20"  # received before the refusal
        assert counts_check(team) == "ok"
        if backend == "sqlite":
            with sqlite3.connect(os.environ["SEND_CLI_DB"]) as con:
                con.execute("UPDATE advice_owed SET owed_until = NULL WHERE case_id ="
                            " (SELECT id FROM cases WHERE ref = 'A-3')"
                            " AND source = 'school'")
            assert counts_check(team).startswith(
                "1 differ from the rows they count (advice owed on A-3")
            team.ok("db", "recount")
            assert counts_check(team) == "ok"
            assert owed()[("A-3", "school")] == "2026-09-14"
            with sqlite3.connect(os.environ["SEND_CLI_DB"]) as con:
                con.execute("UPDATE store_counts SET n = n + 5 WHERE name = 'audit'")
            assert counts_check(team).startswith(
                "1 differ from the rows they count (the number of audit entries")
            team.ok("db", "recount")
            assert counts_check(team) == "ok"
        # the table's "... and N more" from the kept count, as many as there are
        entries = len(team.json("audit", now=NOW))
        shown = team.ok("audit", "--limit", "3", now=NOW).stdout
        assert f"... and {entries - 3} more" in shown
    finally:
        store.dispose()


def test_the_table_shows_the_busiest_officers_of_all(team: Any) -> None:
    """The terminal's caseload table (the busiest officers, ties by code, and
    a count of the rest) matches the JSON's every officer."""
    for i, officer in enumerate(("CO2", "CO2", "AO1", "CO1", "CO1")):
        team.case(f"K-{i}", officer=officer, received="2026-10-05", now="2026-10-05T09:00")
    loads = team.json("report", "kpi", now=NOW)["caseload"]
    ranked = sorted(loads.items(), key=lambda item: (-item[1], item[0]))
    for limit in (1, 2, 3):
        shown = team.ok("report", "kpi", "--limit", str(limit), now=NOW).stdout
        head = f"Caseload: {sum(loads.values())} open cases, {len(loads)} officers"
        assert head in shown
        part = shown.split(head, 1)[1]
        rows = re.findall(r"^\s*([A-Z]+\d+)\s+(\d+)\s*$", part, flags=re.M)
        assert [(code, int(n)) for code, n in rows] == ranked[:limit]
        if len(loads) > limit:
            assert f"... and {len(loads) - limit} more officers" in part


def test_the_counts_read_their_own_indexes(team: Any, backend: str) -> None:
    """SQLite's plans: the advice outstanding from the index of the advice
    owed (revision 0014), in the order of its sources; the clocks under an exception
    without reading each case."""
    if backend != "sqlite":
        pytest.skip("reads SQLite's query plan")
    from datetime import date, timedelta

    from send_cli.reports import deadlines, kpi
    from send_cli.store.reader import Reader

    history(team)
    end = date(2026, 11, 23)
    con = sqlite3.connect(os.environ["SEND_CLI_DB"])
    captured: list[str] = []

    class Tracing(Reader):
        """Runs each query on CON, keeping its plan."""

        def rows(self, sql: str, params: Any = None) -> Any:
            bound = {k: v.isoformat() if isinstance(v, date) else v
                     for k, v in (params or {}).items()}
            plan = " ".join(str(r[-1]) for r in con.execute("EXPLAIN QUERY PLAN " + sql, bound))
            captured.append(plan)
            return iter(con.execute(sql, bound).fetchall())

    try:
        kpi._advice(Tracing(), end)
        plans = " | ".join(captured)
        assert "COVERING INDEX ix_advice_owed_until" in plans, plans
        assert "TEMP B-TREE" not in plans.split("|")[0], plans  # read in the order of sources
        captured.clear()
        deadlines.deadline_summary(Tracing(), today=end - timedelta(days=1), within=7)
        plans = " | ".join(captured)
        assert "USING INTEGER PRIMARY KEY" not in plans, plans
        assert "SCAN cases" not in plans and "SCAN deadlines" not in plans, plans
    finally:
        con.close()
