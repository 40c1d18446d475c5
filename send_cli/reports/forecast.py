"""The breach forecast read from the store: the team's stage medians, the
open requests before their final plan with the day each plan is expected,
the managers' summary, and the backtest (rules/forecast.py is the model).

The medians are counted in SQL as histograms (days -> how many), one
GROUP BY per stage over the 12 months before the forecast day, so the
store sends back a few hundred rows whatever its size; the open requests are
read in one pass over the cases being assessed (the status index)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Integer, cast, func, literal, or_, select
from sqlmodel import Session

from send_cli.rules import forecast as model
from send_cli.rules.statutory import ADVICE_SOURCES, add_months
from send_cli.store.models import AdviceRequest, Case, Milestone, Officer, StageDay

FORECAST_KEYS = ("case_ref", "officer", "stage", "waiting_for", "predicted_final",
                 "final_due", "margin_days", "late", "basis")
BACKTEST_KEYS = ("forecasts", "breaches_predicted", "breaches_actual", "precision",
                 "recall", "median_abs_error_days")
OPEN_STATUSES = ("requested", "assessing", "drafting")
FINAL_DAYS = 140  # 20 weeks


def _days(session: Session, later: Any, earlier: Any) -> Any:
    """LATER - EARLIER in whole days, in SQL."""
    if session.get_bind().dialect.name == "sqlite":
        return cast(func.julianday(later) - func.julianday(earlier), Integer)
    return cast(later - earlier, Integer)


# -- the medians -----------------------------------------------------------
def histograms(session: Session, *, day: date) -> dict[str, dict[int, int]]:
    """{stage key: {days: how many}} over the 12 months before DAY (from the
    same day a year earlier, DAY itself left out): the decisions whether to
    assess made (days from the request); for each decision to assess, the
    first advice asked on or after it, if asked before DAY (days from the
    decision); the advice received, per source (days from asking); the final
    plans made (days from the last advice received before them).

    Read from the counts the store keeps as work is recorded (stage_days,
    migration 0010): a year of days, whatever the store's size."""
    since = add_months(day, -model.WINDOW_MONTHS)
    # an 'asking' counts only if its advice was asked before DAY:
    # decision day + days < DAY
    before = (StageDay.days < func.julianday(day) - func.julianday(StageDay.day)
              if session.get_bind().dialect.name == "sqlite"
              else StageDay.days < literal(day) - StageDay.day)
    out: dict[str, dict[int, int]] = defaultdict(dict)
    for stage, days, n in session.execute(
            select(StageDay.stage, StageDay.days, func.sum(StageDay.n))
            .where(StageDay.day >= since, StageDay.day < day,
                   or_(StageDay.stage != "asking", before))
            .group_by(StageDay.stage, StageDay.days)):
        if n and n > 0 and days >= 0:
            out[stage][int(days)] = int(n)
    return dict(out)


def medians(session: Session, *, day: date) -> model.Medians:
    return model.Medians.from_histograms(histograms(session, day=day))


# -- the open requests -----------------------------------------------------
def _first(kind: str, outcome: str | None = None) -> Any:
    stmt = select(func.min(Milestone.on)).where(Milestone.case_id == Case.id,
                                                Milestone.kind == kind)
    if outcome is not None:
        stmt = stmt.where(Milestone.outcome == outcome)
    return stmt.scalar_subquery()


def _open_requests(session: Session, *, today: date, officer: str | None,
                   within: int | None) -> Iterator[tuple[str, str, model.Request]]:
    """(case ref, officer, what is known) of every request before its final
    plan: being assessed, not refused, not closed."""
    where = [Case.status.in_(OPEN_STATUSES)]
    if officer:
        where.append(Officer.code == officer)
    if within is not None:  # the 20-week day on or before today + WITHIN weeks
        where.append(Case.received <= today + timedelta(weeks=within, days=-FINAL_DAYS))
    advice: dict[int, list[tuple[str, date, date | None]]] = defaultdict(list)
    for case_id, source, asked, got in session.execute(
            select(AdviceRequest.case_id, AdviceRequest.source, AdviceRequest.requested,
                   AdviceRequest.received)
            .join(Case, Case.id == AdviceRequest.case_id)
            .join(Officer, Officer.id == Case.officer_id).where(*where)):
        advice[case_id].append((source, asked, got))
    stmt = (select(Case.id, Case.ref, Officer.code, Case.received,
                   _first("assessment-decision", "agreed"), _first("issue-decision", "agreed"),
                   _first("draft-plan"))
            .join(Officer, Officer.id == Case.officer_id).where(*where))
    for case_id, ref, code, received, decided, issued, drafted in session.execute(stmt):
        yield ref, code, model.Request(received=received, decided=decided,
                                       issue_decided=issued, drafted=drafted,
                                       advice=advice.get(case_id, ()))


def row_of(ref: str, officer: str, p: model.Prediction) -> dict[str, Any]:
    return {"case_ref": ref, "officer": officer, "stage": p.stage,
            "waiting_for": p.waiting_for, "predicted_final": p.predicted_final,
            "final_due": p.final_due, "margin_days": p.margin_days, "late": p.late,
            "basis": p.basis}


def forecast_rows(session: Session, *, today: date, officer: str | None = None,
                  within: int | None = None,
                  meds: model.Medians | None = None) -> list[dict[str, Any]]:
    """Every open request before its final plan with its forecast (keys
    FORECAST_KEYS), the least margin first. WITHIN (weeks): only those whose
    20-week day falls on or before today + WITHIN weeks."""
    meds = meds if meds is not None else medians(session, day=today)
    rows = [row_of(ref, code, model.predict(req, meds, today))
            for ref, code, req in _open_requests(session, today=today, officer=officer,
                                                  within=within)]
    rows.sort(key=lambda r: (r["margin_days"], r["final_due"], r["case_ref"]))
    return rows


# -- the managers' summary -----------------------------------------------------
def waiting_summary(rows: Sequence[Mapping[str, Any]], *, today: date) -> dict[str, Any]:
    """How many open requests are forecast to miss 20 weeks, by what they
    wait for (counted from the forecast rows: no query)."""
    counts: Counter[str] = Counter()
    late: Counter[str] = Counter()
    for r in rows:
        counts[r["waiting_for"]] += 1
        late[r["waiting_for"]] += bool(r["late"])
    return {"forecast_day": today, "open_requests": len(rows),
            "forecast_late": sum(late.values()),
            "by_waiting_for": [{"waiting_for": w, "requests": counts[w], "late": late[w]}
                               for w in sorted(counts, key=model.waiting_order)]}


def summary(session: Session, rows: Sequence[Mapping[str, Any]], *, today: date,
            meds: model.Medians | None = None) -> dict[str, Any]:
    """The managers' summary: waiting_summary(), and each advice source's
    backlog (advice asked and not yet received on the requests being
    assessed) and throughput (advice received in the last 12 weeks), with
    its median: informational, the dates do not use the backlog."""
    meds = meds if meds is not None else medians(session, day=today)
    since = today - timedelta(weeks=model.THROUGHPUT_WEEKS)
    backlog = dict(session.execute(
        select(AdviceRequest.source, func.count())
        .join(Case, Case.id == AdviceRequest.case_id)
        .where(AdviceRequest.received.is_(None), Case.status.in_(OPEN_STATUSES))
        .group_by(AdviceRequest.source)).all())
    received = dict(session.execute(
        select(AdviceRequest.source, func.count())
        .where(AdviceRequest.received >= since, AdviceRequest.received < today)
        .group_by(AdviceRequest.source)).all())
    sources = []
    for source in ADVICE_SOURCES:
        waiting, done = int(backlog.get(source, 0)), int(received.get(source, 0))
        per_week = round(done / model.THROUGHPUT_WEEKS, 1)
        sources.append({
            "source": source, "backlog": waiting, "received_12_weeks": done,
            "per_week": per_week,
            "weeks_to_clear": round(waiting / per_week, 1) if per_week else None,
            "median_days": meds.days.get(model.stage_key("advice", source))})
    return {**waiting_summary(rows, today=today), "advice_sources": sources}


def summary_line(facts: Mapping[str, Any]) -> str:
    """One line: how many are forecast late, and what the late ones wait for."""
    parts = [f"{w['late']} {w['waiting_for']}" for w in facts["by_waiting_for"] if w["late"]]
    line = (f"{facts['forecast_late']} of {facts['open_requests']} open requests forecast "
            "to miss 20 weeks")
    return line + (f" (waiting for: {', '.join(parts)})" if parts else "")


# -- the backtest ------------------------------------------------------------
def backtest(session: Session, *, start: date, end: date,
             today: date) -> dict[str, int | float | None]:
    """Replay the forecast each Monday from START to END using only the
    events dated before that Monday, and score it against what happened
    (rules.forecast.score): only requests whose final plan was made by
    TODAY, or whose 20-week day passed with the request still open."""
    days = model.mondays(start, end)
    if not days:
        return model.score([])
    first, last = days[0], days[-1]
    # the only requests that can be scored: a final plan made on or after the
    # first Monday, or still open now
    planned = select(Milestone.case_id).where(Milestone.kind == "final-plan",
                                              Milestone.on >= first)
    ids = select(Case.id).where(Case.received < last,
                                or_(Case.id.in_(planned), Case.status.in_(OPEN_STATUSES)))
    cases: dict[int, tuple[date, str, date | None, date | None]] = {}
    for case_id, received, status, closed_on, final_on in session.execute(
            select(Case.id, Case.received, Case.status, Case.closed_on, _first("final-plan"))
            .where(Case.id.in_(ids))):
        cases[case_id] = (received, status, closed_on, final_on)
    events: dict[int, list[tuple[str, date, str | None]]] = defaultdict(list)
    advice: dict[int, list[tuple[str, date, date | None]]] = defaultdict(list)
    for case_id, kind, on, outcome in session.execute(
            select(Milestone.case_id, Milestone.kind, Milestone.on, Milestone.outcome)
            .where(Milestone.case_id.in_(ids), Milestone.on < last,
                   Milestone.kind.in_(("assessment-decision", "issue-decision",
                                       "draft-plan")))
            .order_by(Milestone.case_id, Milestone.on, Milestone.id)):
        events[case_id].append((kind, on, outcome))
    for case_id, source, asked, got in session.execute(
            select(AdviceRequest.case_id, AdviceRequest.source, AdviceRequest.requested,
                   AdviceRequest.received)
            .where(AdviceRequest.case_id.in_(ids), AdviceRequest.requested < last)):
        advice[case_id].append((source, asked, got))

    pairs = []
    for monday in days:
        meds = medians(session, day=monday)
        for case_id, (received, status, closed_on, final_on) in cases.items():
            outcome = model.Outcome(final=final_on if final_on and final_on <= today else None,
                                    due=model.final_due(received))
            if outcome.final is None and status not in OPEN_STATUSES:
                continue  # left the path (refused, closed) without a plan: not scored
            if not model.scoreable(outcome.final, outcome.due, today):
                continue
            request = known_before(monday, received=received, closed_on=closed_on,
                                   final_on=final_on, events=events.get(case_id, ()),
                                   advice=advice.get(case_id, ()))
            if request is not None:
                pairs.append((model.predict(request, meds, monday), outcome))
    return model.score(pairs)


def known_before(day: date, *, received: date, closed_on: date | None,
                 final_on: date | None, events: Any, advice: Any) -> model.Request | None:
    """What was known of a request before DAY, or None if it was not open
    then (not yet received, its plan made, refused or closed)."""
    if received >= day or (final_on is not None and final_on < day) \
            or (closed_on is not None and closed_on < day):
        return None
    before = [(k, on, o) for k, on, o in events if on < day]
    for kind in ("assessment-decision", "issue-decision"):
        latest = [o for k, _, o in before if k == kind]
        if latest and latest[-1] == "refused":
            return None

    def first(kind: str, outcome: str | None = None) -> date | None:
        return next((on for k, on, o in before
                     if k == kind and (outcome is None or o == outcome)), None)

    return model.Request(
        received=received, decided=first("assessment-decision", "agreed"),
        issue_decided=first("issue-decision", "agreed"), drafted=first("draft-plan"),
        advice=[(s, asked, got if got is not None and got < day else None)
                for s, asked, got in advice if asked < day])

