"""The forecast's stage durations are kept by the store's triggers (migration
0010) as milestones, advice and cases are written: the medians read from
them equal the same medians counted straight from the milestones and advice,
on a varied store, for forecast days across the year, and after every kind
of change; on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import os
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import pytest
from test_forecast import NOW, d, finished, record

BACKENDS = ("sqlite", "postgresql")
SOURCES = ("educational-psychology", "health", "social-care", "school", "other")


def direct_histograms(session: Any, *, day: date) -> dict[str, dict[int, int]]:
    """The medians' histograms counted from the milestones and advice
    themselves (how the forecast counted them before the store kept them)."""
    from sqlalchemy import Integer, and_, case, cast, func, select

    from send_cli.rules import forecast as model
    from send_cli.rules.statutory import add_months
    from send_cli.store.models import AdviceRequest, Case, Milestone

    def days_between(later: Any, earlier: Any) -> Any:
        if session.get_bind().dialect.name == "sqlite":
            return cast(func.julianday(later) - func.julianday(earlier), Integer)
        return cast(later - earlier, Integer)

    since = add_months(day, -model.WINDOW_MONTHS)
    out: dict[str, dict[int, int]] = defaultdict(dict)

    def add(key: str, days: Any, n: int) -> None:
        if days is not None and days >= 0:
            out[key][int(days)] = out[key].get(int(days), 0) + int(n)

    last_advice = (select(func.max(AdviceRequest.received))
                   .where(AdviceRequest.case_id == Milestone.case_id,
                          AdviceRequest.received <= Milestone.on).scalar_subquery())
    first_ask = (select(func.min(AdviceRequest.requested))
                 .where(AdviceRequest.case_id == Milestone.case_id,
                        AdviceRequest.requested >= Milestone.on,
                        AdviceRequest.requested < day).scalar_subquery())
    is_decision = Milestone.kind == "assessment-decision"
    stage = case((is_decision, days_between(Milestone.on, Case.received)),
                 else_=days_between(Milestone.on, last_advice))
    asking = case((and_(is_decision, Milestone.outcome == "agreed"),
                   days_between(first_ask, Milestone.on)), else_=None)
    for kind, days, ask, n in session.execute(
            select(Milestone.kind, stage, asking, func.count())
            .join(Case, Case.id == Milestone.case_id)
            .where(Milestone.kind.in_(("assessment-decision", "final-plan")),
                   Milestone.on >= since, Milestone.on < day)
            .group_by(Milestone.kind, stage, asking)):
        add("decision" if kind == "assessment-decision" else "plan", days, n)
        add("asking", ask, n)
    spent = days_between(AdviceRequest.received, AdviceRequest.requested)
    for source, days, n in session.execute(
            select(AdviceRequest.source, spent, func.count())
            .where(AdviceRequest.received >= since, AdviceRequest.received < day)
            .group_by(AdviceRequest.source, spent)):
        add(model.stage_key("advice", source), days, n)
    return dict(out)


def varied(cli: Any) -> None:
    """Forty requests through 2025 and 2026 at uneven speeds: refusals,
    decisions not yet made, several advice sources (some still out, one
    asked before the decision), plans made and plans not yet made."""
    start = d("2025-01-06")
    for n in range(40):
        ref, received = f"V-{n:02d}", start + timedelta(days=13 * n + n % 3)
        cli.case(ref, received=received.isoformat(), officer=("CO1", "CO2", "AO1")[n % 3])
        if n % 7 == 6:
            continue  # no decision yet
        decided = received + timedelta(days=20 + (n * 5) % 31)
        outcome = "refused" if n % 9 == 4 else "agreed"
        cli.ok("case", "milestone", ref, "assessment-decision", "--on", decided.isoformat(),
               "--outcome", outcome, now=NOW)
        if outcome == "refused":
            continue
        last = decided
        for k, source in enumerate(SOURCES[: 1 + n % 4]):
            asked = decided + timedelta(days=(n + k) % 5 - (1 if n % 11 == 3 else 0))
            got = asked + timedelta(days=25 + (n * 7 + k * 11) % 40)
            out = n % 5 == 2 and k == 0 or got >= d("2026-08-03")
            cli.ok("case", "advice", ref, "--from", source, "--requested", asked.isoformat(),
                   *([] if out else ["--received", got.isoformat()]), now=NOW)
            last = max(last, got)
        if n % 5 == 2 or last + timedelta(days=70) >= d("2026-08-03"):
            continue
        for kind, days in (("issue-decision", 14), ("draft-plan", 28),
                           ("final-plan", 40 + n % 25)):
            cli.ok("case", "milestone", ref, kind, "--on",
                   (last + timedelta(days=days)).isoformat(),
                   *(["--outcome", "agreed"] if kind == "issue-decision" else []), now=NOW)


def same_medians(days: list[date]) -> None:
    from send_cli.reports.forecast import histograms
    from send_cli.settings import resolve
    from send_cli.store.engine import open_store

    store = open_store(resolve(db=os.environ["SEND_CLI_DB"], officer="test", now=NOW))
    try:
        with store.read() as session:
            for day in days:
                assert histograms(session, day=day) == direct_histograms(session, day=day), day
    finally:
        store.dispose()


def counts_ok(cli: Any) -> None:
    result = cli("db", "check", "--format", "json")
    rows = {r["check"]: r["result"] for r in json.loads(result.stdout)}
    assert rows["kpi_counts"] == "ok"


# across the year, and the first and last days of months (the medians add
# up whole months from the counts kept by month, the rest by the day)
DAYS = [d("2025-03-03") + timedelta(days=23 * i) for i in range(25)] + [
    d("2025-12-01"), d("2026-02-28"), d("2026-03-01"), d("2026-03-31")]


def test_kept_counts_give_the_direct_medians(team) -> None:
    varied(team)
    counts_ok(team)
    same_medians(DAYS)
    from send_cli.reports.forecast import histograms
    from send_cli.settings import resolve
    from send_cli.store.engine import open_store

    store = open_store(resolve(db=os.environ["SEND_CLI_DB"], officer="test", now=NOW))
    with store.read() as session:
        kept = histograms(session, day=d("2026-03-02"))
    store.dispose()
    # every stage has a history of several lengths, so the comparison means something
    assert set(kept) == {"decision", "asking", "plan", *(f"advice:{s}" for s in SOURCES[:4])}
    assert all(len(kept[k]) >= 2 for k in ("decision", "asking", "plan"))
    # and the forecast itself on those days reads them
    rows = team.json("forecast", now=NOW)
    assert rows and all(r["basis"] for r in rows)


def test_counts_follow_changes_to_advice_milestones_and_requests(team, backend) -> None:
    varied(team)
    finished(team, "F-1", d("2025-11-03"))
    record(team, "F-2", received=d("2026-05-04"), decided=d("2026-06-01"),
           advice=(d("2026-06-01"), None))
    # a milestone withdrawn and recorded again on another day
    team.ok("case", "milestone", "F-1", "final-plan", "--withdraw", "--reason", "wrong day",
            now=NOW)
    counts_ok(team)
    team.ok("case", "milestone", "F-1", "final-plan", "--on", "2026-04-20", now=NOW)
    counts_ok(team)
    # advice edited, moved, and removed behind send-cli's back (an import, a fix
    # by hand): the triggers count whatever writes
    from sqlalchemy import create_engine, text

    url = os.environ["SEND_CLI_DB"]
    engine = create_engine(url if "://" in url else f"sqlite:///{url}")
    with engine.begin() as conn:
        ids = [r[0] for r in conn.execute(text(
            "SELECT a.id FROM advice_requests a JOIN cases c ON c.id = a.case_id "
            "WHERE c.ref IN ('F-1', 'V-03', 'V-10') ORDER BY a.id"))]
        conn.execute(text("UPDATE advice_requests SET received = :got WHERE id = :id"),
                     {"got": d("2026-02-02"), "id": ids[0]})
        conn.execute(text("UPDATE advice_requests SET requested = :asked WHERE id = :id"),
                     {"asked": d("2025-02-17"), "id": ids[1]})
        conn.execute(text("UPDATE advice_requests SET received = NULL WHERE id = :id"),
                     {"id": ids[2]})
        other = conn.execute(text("SELECT id FROM cases WHERE ref = 'V-11'")).scalar()
        conn.execute(text("UPDATE advice_requests SET case_id = :c WHERE id = :id"),
                     {"c": other, "id": ids[-1]})
        conn.execute(text("DELETE FROM advice_requests WHERE id = :id"), {"id": ids[-2]})
        conn.execute(text("UPDATE cases SET received = :r WHERE ref = 'V-12'"),
                     {"r": d("2025-06-02")})
        conn.execute(text("UPDATE milestones SET outcome = 'refused' WHERE id = ("
                          "SELECT min(m.id) FROM milestones m JOIN cases c ON c.id = m.case_id"
                          " WHERE c.ref = 'V-13' AND m.kind = 'assessment-decision')"))
    engine.dispose()
    counts_ok(team)
    same_medians(DAYS)


def test_db_recount_puts_wrong_stage_counts_right(team, backend) -> None:
    if backend != "sqlite":
        pytest.skip("the wrong counts are made by hand on SQLite")
    import sqlite3

    finished(team, "F-1", d("2025-11-03"))
    with sqlite3.connect(os.environ["SEND_CLI_DB"]) as con:
        con.execute("UPDATE stage_days SET n = n + 2 WHERE stage = 'plan'")
    result = team("db", "check", "--format", "json")
    rows = {r["check"]: r["result"] for r in json.loads(result.stdout)}
    assert rows["kpi_counts"].startswith("1 differ from the rows they count (stage plan ending ")
    team.ok("db", "recount")
    counts_ok(team)
    # the same counts by month (revision 0014) are checked against the days
    with sqlite3.connect(os.environ["SEND_CLI_DB"]) as con:
        con.execute("UPDATE stage_months SET n = n + 1 WHERE stage = 'plan'")
    result = team("db", "check", "--format", "json")
    rows = {r["check"]: r["result"] for r in json.loads(result.stdout)}
    assert rows["kpi_counts"].startswith(
        "1 differ from the rows they count (stage plan in the month of 2026-03-01")
    team.ok("db", "recount")
    counts_ok(team)


def open_requests(session: Any) -> list[tuple[str, str, Any]]:
    """(case ref, officer, what is known) of every request before its final
    plan, read row by row (how the forecast read them before it was worked
    out in the database)."""
    from sqlalchemy import func, select

    from send_cli.rules import forecast as model
    from send_cli.store.models import AdviceRequest, Case, Milestone, Officer

    def first(kind: str, outcome: str | None = None) -> Any:
        stmt = select(func.min(Milestone.on)).where(Milestone.case_id == Case.id,
                                                    Milestone.kind == kind)
        if outcome is not None:
            stmt = stmt.where(Milestone.outcome == outcome)
        return stmt.scalar_subquery()

    where = Case.status.in_(("requested", "assessing", "drafting"))
    advice: dict[int, list[Any]] = defaultdict(list)
    for case_id, source, asked, got in session.execute(
            select(AdviceRequest.case_id, AdviceRequest.source, AdviceRequest.requested,
                   AdviceRequest.received).join(Case, Case.id == AdviceRequest.case_id)
            .where(where)):
        advice[case_id].append((source, asked, got))
    out = []
    for case_id, ref, code, received, decided, issued, drafted in session.execute(
            select(Case.id, Case.ref, Officer.code, Case.received,
                   first("assessment-decision", "agreed"), first("issue-decision", "agreed"),
                   first("draft-plan")).join(Officer, Officer.id == Case.officer_id)
            .where(where)):
        out.append((ref, code, model.Request(received=received, decided=decided,
                                             issue_decided=issued, drafted=drafted,
                                             advice=advice.get(case_id, ()))))
    return out


def row_of(ref: str, officer: str, p: Any) -> dict[str, Any]:
    return {"case_ref": ref, "officer": officer, "stage": p.stage,
            "waiting_for": p.waiting_for, "predicted_final": p.predicted_final,
            "final_due": p.final_due, "margin_days": p.margin_days, "late": p.late,
            "basis": p.basis}


def test_the_forecast_worked_out_in_the_database_is_the_model(team) -> None:
    """Every branch of rules.forecast.predict (no decision, advice to ask,
    advice out from one or several sources, advice overdue, all advice in, a
    plan agreed with no advice recorded) gives the same rows from the SQL."""
    from send_cli.reports.forecast import (
        forecast_rows,
        forecast_top,
        medians,
        waiting_summary,
    )
    from send_cli.rules import forecast as model
    from send_cli.settings import resolve
    from send_cli.store.engine import open_store

    varied(team)
    # advice not yet asked; a plan agreed with no advice recorded; one
    # request waiting on two sources
    record(team, "A-1", received=d("2026-04-06"), decided=d("2026-05-11"))
    record(team, "U-1", received=d("2026-05-04"), decided=d("2026-06-01"),
           issue=d("2026-07-20"))
    record(team, "T-1", received=d("2026-05-11"), decided=d("2026-06-08"),
           advice=(d("2026-06-08"), None))
    team.ok("case", "advice", "T-1", "--from", "health", "--requested", "2026-06-08", now=NOW)
    store = open_store(resolve(db=os.environ["SEND_CLI_DB"], officer="test", now=NOW))
    seen: set[tuple[str, str]] = set()
    try:
        with store.read() as session:
            for today in (d("2026-03-02"), d("2026-06-15"), d("2026-08-03"), d("2026-10-05")):
                meds = medians(session, day=today)
                want = [row_of(ref, code, model.predict(req, meds, today))
                        for ref, code, req in open_requests(session)]
                want.sort(key=lambda r: (r["margin_days"], r["final_due"], r["case_ref"]))
                got = forecast_rows(session, today=today, meds=meds)
                assert got == want, today
                seen |= {(r["stage"], r["waiting_for"]) for r in got}
                top, facts = forecast_top(session, today=today, limit=5, meds=meds)
                assert top == want[:5]
                assert facts == waiting_summary(want, today=today)
                mine = forecast_rows(session, today=today, officer="CO2", within=10, meds=meds)
                assert mine == [r for r in want if r["officer"] == "CO2" and
                                r["final_due"] <= today + timedelta(weeks=10)]
    finally:
        store.dispose()
    assert {"decision", "asking", "advice", "plan"} <= {stage for stage, _ in seen}
    assert len(seen) >= 6, seen


def test_upgrade_from_the_revision_before_backfills_the_counts(team) -> None:
    """A store with a history at the previous revision (no stage_days, no
    triggers) upgraded to 0010 counts every stage already recorded."""
    from alembic import command
    from sqlalchemy import inspect

    from send_cli.settings import resolve
    from send_cli.store.engine import HEAD, REVISIONS, alembic_config, open_store, run_migrations

    varied(team)
    store = open_store(resolve(db=os.environ["SEND_CLI_DB"], officer="test", now=NOW))
    try:
        with store.engine.begin() as conn:
            command.downgrade(alembic_config(conn), REVISIONS[REVISIONS.index("0010") - 1])
        with store.engine.connect() as conn:
            assert "stage_days" not in inspect(conn).get_table_names()
            conn.rollback()
        run_migrations(store)
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() \
                == HEAD
            assert conn.exec_driver_sql("SELECT sum(n) FROM stage_days").scalar() > 100
            conn.rollback()
    finally:
        store.dispose()
    counts_ok(team)
    same_medians(DAYS)
    # and the triggers count what comes after
    finished(team, "AFTER-1", d("2026-01-05"))
    counts_ok(team)


def test_db_recount_puts_a_wrong_forecast_row_right(team, backend) -> None:
    """What the store keeps of each open request (revision 0013) is checked
    against the cases, milestones and advice, and put right by recount."""
    if backend != "sqlite":
        pytest.skip("the wrong row is made by hand on SQLite")
    import sqlite3

    record(team, "F-2", received=d("2026-05-04"), decided=d("2026-06-01"),
           advice=(d("2026-06-01"), None))
    with sqlite3.connect(os.environ["SEND_CLI_DB"]) as con:
        kept = con.execute("SELECT received_day, decided_day, advice, "
                           "waiting_educational_psychology FROM forecast_requests "
                           "WHERE ref = 'F-2'").fetchone()
        # days since 1970: 4 May 2026, 1 June 2026; one advice asked, not received
        assert kept == (20577, 20605, 1, 20605)
        before = team.json("forecast", now=NOW)
        con.execute("UPDATE forecast_requests SET decided_day = NULL WHERE ref = 'F-2'")
    result = team("db", "check", "--format", "json")
    rows = {r["check"]: r["result"] for r in json.loads(result.stdout)}
    assert rows["kpi_counts"].startswith("1 differ from the rows they count (forecast of F-2")
    team.ok("db", "recount")
    counts_ok(team)
    assert team.json("forecast", now=NOW) == before
