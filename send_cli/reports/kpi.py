"""The council's figures (the panel's terms of reference, the SEN2 return). The
counts of follow-ups, statutory clocks met and reviews due are kept by the
store per day, and open cases per officer, as the work is recorded
(triggers of migration 0005, send_cli/store/models/kpi.py): a figure for a period
adds up its days, so it costs the same on England's store as on a county's.
What is left is counted from the rows that hold it: the plans under a
reg 10(4) exception (from the few cases that have one) and the advice
outstanding (from the advice not yet received). No case is looked at one by
one.

Definitions (README 'timeline' section):
- plans issued: final plans made in the period (the final-plan clock met in
  it); within 20 weeks when made on or before the 20-week date.
- excluding exceptions, as SEN2 does: a plan whose case has a reg 10(4)
  exception recorded over its 20 weeks leaves both the numerator and the
  denominator.
- average weeks to issue: from the request to the final plan, over the plans
  issued in the period.
- requests decided: decisions whether to assess made in the period; within
  6 weeks when on or before the 6-week date.
- annual reviews due: review clocks whose last day falls in the period; on
  time when the meeting was held on or before it. A case closed or a plan
  ceased keeps the reviews that fell due before, met or missed (SEN2 counts
  the reviews expected in the year).
- review decisions: decisions after a review meeting made in the period;
  within 4 weeks of the meeting.
- follow-ups: those due in the period; kept when done on or before the day
  they were due.
- advice outstanding: asked for on or before the end of the period and not
  received by then, per source (overdue: past its 6 weeks then); advice is
  owed no more once the assessment or the plan was refused, the plan ceased
  or the case closed by then.
- caseload: open cases per officer, today.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select
from sqlmodel import Session

from send_cli.rules.statutory import ADVICE_SOURCES, CLOCKS, add_months
from send_cli.store.models import (
    AdviceRequest,
    Case,
    Deadline,
    KpiDay,
    Milestone,
    Officer,
    OfficerCaseload,
    TimeException,
)


def pct(part: int | None, whole: int | None) -> float | None:
    """PART of WHOLE as a percentage, one decimal place rounded half up;
    None when there is nothing to count."""
    if not whole:
        return None
    value = (Decimal(part or 0) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return float(value)


def default_period(today: date) -> tuple[date, date]:
    """The twelve months up to and including TODAY."""
    return add_months(today, -12) + timedelta(days=1), today


def _month(day: Any, dialect: str) -> Any:
    if dialect == "sqlite":
        return func.strftime("%Y-%m", day)
    return func.to_char(day, "YYYY-MM")


def _has_exception() -> Any:
    """The deadline's case has a reg 10(4) exception over the clock's span."""
    return exists().where(
        TimeException.case_id == Deadline.case_id,
        or_(TimeException.from_date.is_(None), TimeException.from_date <= Deadline.due),
        or_(TimeException.to_date.is_(None), TimeException.to_date >= Deadline.start))


def _on_time() -> Any:
    return and_(Deadline.met_on.is_not(None), Deadline.met_on <= Deadline.due)


def _count(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _kept(session: Session, metric: str, start: date, end: date) -> tuple[int, int, int]:
    """(n, ok, days) of METRIC over the days START..END, from the counts the
    store keeps (send_cli/store/models/kpi.py)."""
    n, ok, days = session.execute(
        select(func.coalesce(func.sum(KpiDay.n), 0), func.coalesce(func.sum(KpiDay.ok), 0),
               func.coalesce(func.sum(KpiDay.days), 0))
        .where(KpiDay.metric == metric, KpiDay.day >= start, KpiDay.day <= end)).one()
    return int(n), int(ok), int(days)


def _met_in(session: Session, milestone: str, start: date, end: date) -> tuple[int, int]:
    """(clocks of MILESTONE met in the period, of which on time)."""
    n, ok, _ = _kept(session, f"met:{milestone}", start, end)
    return n, ok


def _plans(session: Session, start: date, end: date) -> dict[str, Any]:
    n, within, days = _kept(session, "met:final-plan", start, end)
    # The plans under an exception, from the few cases that have one.
    with_exc, within_with_exc = (int(x or 0) for x in session.execute(
        select(func.count(Deadline.id), _count(_on_time()))
        .where(Deadline.case_id.in_(select(TimeException.case_id).distinct()),
               Deadline.milestone == "final-plan", Deadline.met_on >= start,
               Deadline.met_on <= end, _has_exception())).one())
    avg = None
    if n:
        avg = float((Decimal(days) / n / 7).quantize(Decimal("0.1"), ROUND_HALF_UP))
    excl = n - with_exc
    within_excl = within - within_with_exc
    return {
        "plans_issued": n,
        "plans_within_20_weeks": within,
        "pct_within_20_weeks": pct(within, n),
        "plans_with_exceptions": with_exc,
        "plans_issued_excl_exceptions": excl,
        "plans_within_20_weeks_excl_exceptions": within_excl,
        "pct_within_20_weeks_excl_exceptions": pct(within_excl, excl),
        "avg_weeks_to_issue": avg,
    }


def _by_month(session: Session, start: date, end: date, dialect: str) -> list[dict[str, Any]]:
    month = _month(KpiDay.day, dialect)
    found = {m: (int(n), int(w)) for m, n, w in session.execute(
        select(month, func.sum(KpiDay.n), func.sum(KpiDay.ok))
        .where(KpiDay.metric == "met:final-plan", KpiDay.day >= start, KpiDay.day <= end)
        .group_by(month))}
    out = []
    day = date(start.year, start.month, 1)
    while day <= end:
        key = f"{day.year:04d}-{day.month:02d}"
        n, w = found.get(key, (0, 0))
        out.append({"month": key, "plans_issued": n, "plans_within_20_weeks": w,
                    "pct_within_20_weeks": pct(w, n)})
        day = add_months(day, 1)
    return out


def _reviews_due(session: Session, start: date, end: date) -> tuple[int, int]:
    n, ok, _ = _kept(session, "due:annual-review", start, end)
    return n, ok


def _followups(session: Session, start: date, end: date, today: date) -> tuple[int, int]:
    """Follow-ups due in the period, and those kept (done on or before the
    day due, by the Europe/London date of their settling). A follow-up is
    neither kept nor missed until its day has ended: the days counted stop
    at yesterday."""
    last = min(end, today - timedelta(days=1))
    if last < start:
        return 0, 0
    n, ok, _ = _kept(session, "followups", start, last)
    return n, ok


def _assessment_ended(end: date) -> Any:
    """By END nothing more is owed on the advice: the council refused to
    assess or to issue a plan on or after it was asked, the plan ceased, or
    the case was closed."""
    refused_or_ceased = exists().where(
        Milestone.case_id == AdviceRequest.case_id,
        Milestone.on >= AdviceRequest.requested, Milestone.on <= end,
        or_(Milestone.kind == "ceased",
            and_(Milestone.kind.in_(("assessment-decision", "issue-decision")),
                 Milestone.outcome == "refused")))
    closed = and_(Case.status == "closed",
                  or_(Case.closed_on.is_(None), Case.closed_on <= end))
    return or_(closed, refused_or_ceased)


def _advice(session: Session, end: date) -> tuple[dict[str, int], dict[str, int]]:
    weeks = CLOCKS["advice"].length
    overdue_before = end - timedelta(weeks=weeks)  # due (requested + 6 weeks) before END
    rows = session.execute(
        select(AdviceRequest.source, func.count(AdviceRequest.id),
               _count(AdviceRequest.requested < overdue_before))
        .join(Case, Case.id == AdviceRequest.case_id)
        .where(AdviceRequest.requested <= end,
               or_(AdviceRequest.received.is_(None), AdviceRequest.received > end),
               ~_assessment_ended(end))
        .group_by(AdviceRequest.source)).all()
    outstanding = dict.fromkeys(ADVICE_SOURCES, 0)
    overdue = dict.fromkeys(ADVICE_SOURCES, 0)
    for source, n, late in rows:
        outstanding[source] = int(n)
        overdue[source] = int(late or 0)
    return outstanding, overdue


def _caseload(session: Session) -> dict[str, int]:
    """Open cases (any status but closed) per officer who is active or still
    holds some, from the counts the store keeps."""
    n = func.coalesce(OfficerCaseload.open_cases, 0)
    rows = session.execute(
        select(Officer.code, n)
        .outerjoin(OfficerCaseload, OfficerCaseload.officer_id == Officer.id)
        .where(or_(Officer.active, n > 0))
        .order_by(Officer.code)).all()
    return {code: int(count) for code, count in rows}


def kpi(session: Session, *, start: date, end: date, today: date) -> dict[str, Any]:
    """The council's figures for the period START..END (both included), as
    one JSON-ready object."""
    dialect = session.get_bind().dialect.name
    figures: dict[str, Any] = {"from": start.isoformat(), "to": end.isoformat(),
                               "as_at": today.isoformat()}
    figures.update(_plans(session, start, end))
    decided, decided_in_time = _met_in(session, "assessment-decision", start, end)
    figures.update({"requests_decided": decided,
                    "requests_decided_within_6_weeks": decided_in_time,
                    "pct_requests_decided_within_6_weeks": pct(decided_in_time, decided)})
    due, on_time = _reviews_due(session, start, end)
    figures.update({"annual_reviews_due": due, "annual_reviews_on_time": on_time,
                    "pct_annual_reviews_on_time": pct(on_time, due)})
    decisions, decisions_in_time = _met_in(session, "review-decision", start, end)
    figures.update({"review_decisions": decisions,
                    "review_decisions_within_4_weeks": decisions_in_time,
                    "pct_review_decisions_within_4_weeks": pct(decisions_in_time, decisions)})
    amended, amended_in_time = _met_in(session, "amended-plan", start, end)
    figures.update({"amended_plans": amended, "amended_plans_on_time": amended_in_time,
                    "pct_amended_plans_on_time": pct(amended_in_time, amended)})
    followups, kept = _followups(session, start, end, today)
    figures.update({"followups_due": followups, "followups_kept": kept,
                    "pct_followups_kept": pct(kept, followups)})
    outstanding, overdue = _advice(session, end)
    figures["advice_outstanding"] = outstanding
    figures["advice_overdue"] = overdue
    figures["caseload"] = _caseload(session)
    figures["by_month"] = _by_month(session, start, end, dialect)
    return figures
