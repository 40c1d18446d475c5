"""The counts behind the KPIs are kept by the store's triggers (migration
0005) as work is recorded: after every kind of change they equal the counts
of the rows themselves, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json

import pytest

BACKENDS = ("sqlite", "postgresql")


def counts_check(cli) -> str:
    result = cli("db", "check", "--format", "json")
    rows = {r["check"]: r["result"] for r in json.loads(result.stdout)}
    assert result.exit_code == (0 if rows["kpi_counts"] == "ok" else 3), result.stderr
    return rows["kpi_counts"]


def test_the_counts_follow_every_kind_of_change(team) -> None:
    team.case("C-1", received="2025-01-06", now="2025-01-06T09:00")
    team.case("C-2", officer="CO2", received="2025-02-03", now="2025-02-03T09:00")
    team.case("C-3", officer="AO1", received="2026-10-05", now="2026-10-05T09:00")
    for ref, at in (("C-1", "2025-01-07T10:00"), ("C-2", "2025-02-04T16:00"),
                    ("C-3", "2026-10-06T15:30")):
        team.ok("contact", "log", ref, "--channel", "email", "--direction", "in", "--party",
                "parent", "--summary", "any news?", "--at", at, now=at)
    team.ok("contact", "log", "C-1", "--channel", "email", "--direction", "out", "--party",
            "parent", "--summary", "reply", "--at", "2025-01-09T10:00", now="2025-01-09T10:00")
    steps = [("C-1", "assessment-decision", "2025-02-10", "agreed"),
             ("C-1", "issue-decision", "2025-04-14", "agreed"),
             ("C-1", "draft-plan", "2025-04-21", None),
             ("C-1", "final-plan", "2025-05-19", None),
             ("C-1", "annual-review", "2026-05-11", None),
             ("C-1", "review-decision", "2026-05-28", "maintain"),
             ("C-2", "assessment-decision", "2025-03-31", "refused")]
    for ref, milestone, on, outcome in steps:
        team.ok("case", "milestone", ref, milestone, "--on", on,
                *(["--outcome", outcome] if outcome else []), now="2026-11-23T09:00")
        assert counts_check(team) == "ok", (ref, milestone)
    team.ok("case", "assign", "C-3", "CO1")
    team.ok("officer", "leave", "CO2", "--to", "CO1")
    team.ok("case", "close", "C-2", "--reason", "moved away")
    [open_one] = team.json("followup", "list", "C-3")
    team.ok("followup", "done", str(open_one["id"]))
    assert counts_check(team) == "ok"
    caseload = team.json("report", "kpi", "--from", "2025-01-01", "--to", "2026-12-31",
                         "--format", "json")["caseload"]
    assert caseload["CO1"] == 2 and "CO2" not in caseload


def test_db_recount_puts_wrong_counts_right(team, backend: str) -> None:
    team.case("C-1")
    team.ok("contact", "log", "C-1", "--channel", "phone", "--direction", "in", "--party",
            "parent", "--summary", "rang", "--at", "2026-11-23T08:30")
    if backend == "sqlite":
        import os
        import sqlite3

        with sqlite3.connect(os.environ["SEND_CLI_DB"]) as con:
            con.execute("UPDATE kpi_days SET n = n + 5 WHERE metric = 'followups'")
    else:
        pytest.skip("the wrong counts are made by hand on SQLite")
    assert counts_check(team).startswith("1 differ from the rows they count (followups ")
    with sqlite3.connect(os.environ["SEND_CLI_DB"]) as con:  # the open clocks too (0009)
        con.execute("UPDATE kpi_days SET n = n + 1 WHERE metric = 'open:assessment-decision'")
    assert counts_check(team).startswith("2 differ from the rows they count (followups ")
    assert "open:assessment-decision 2026-12-14" in counts_check(team)
    line = team.fails(3, "db", "check")
    assert line == "error: the store is whole, but the counts behind the KPIs are wrong"
    team.ok("db", "recount")
    assert counts_check(team) == "ok"
    assert team.json("audit")[-1]["action"] == "store.recount"
