"""The council's figures (DOMAIN.md, seed 004, the SEN2 return), counted in
SQL from the stored statutory clocks (the deadlines table), the follow-ups,
the advice requests and the cases. Every figure is an aggregate query; no
case is looked at one by one.

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

from send_cli.casework import OPEN_STATUSES
from send_cli.models import (
    AdviceRequest,
    Case,
    Deadline,
    Followup,
    Milestone,
    Officer,
    TimeException,
)
from send_cli.rules.statutory import ADVICE_SOURCES, CLOCKS, add_months


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


def _days(later: Any, earlier: Any, dialect: str) -> Any:
    if dialect == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    return later - earlier  # PostgreSQL: date - date is a number of days


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


def _met_in(session: Session, milestone: str, start: date, end: date) -> tuple[int, int]:
    """(clocks of MILESTONE met in the period, of which on time)."""
    n, on_time = session.execute(
        select(func.count(Deadline.id), _count(_on_time()))
        .where(Deadline.milestone == milestone, Deadline.met_on >= start,
               Deadline.met_on <= end)).one()
    return int(n or 0), int(on_time or 0)


def _plans(session: Session, start: date, end: date, dialect: str) -> dict[str, Any]:
    has_exc = _has_exception()
    on_time = _on_time()
    n, within, with_exc, within_excl, days = session.execute(
        select(func.count(Deadline.id), _count(on_time), _count(has_exc),
               _count(and_(~has_exc, on_time)),
               func.sum(_days(Deadline.met_on, Deadline.start, dialect)))
        .where(Deadline.milestone == "final-plan", Deadline.met_on >= start,
               Deadline.met_on <= end)).one()
    n, within, with_exc, within_excl = (int(x or 0) for x in (n, within, with_exc, within_excl))
    avg = None
    if n:
        avg = float((Decimal(str(days)) / n / 7).quantize(Decimal("0.1"), ROUND_HALF_UP))
    excl = n - with_exc
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
    month = _month(Deadline.met_on, dialect)
    found = {m: (int(n), int(w)) for m, n, w in session.execute(
        select(month, func.count(Deadline.id), _count(_on_time()))
        .where(Deadline.milestone == "final-plan", Deadline.met_on >= start,
               Deadline.met_on <= end)
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
    n, on_time = session.execute(
        select(func.count(Deadline.id), _count(_on_time()))
        .where(Deadline.milestone == "annual-review", Deadline.due >= start,
               Deadline.due <= end)).one()
    return int(n or 0), int(on_time or 0)


def _followups(session: Session, start: date, end: date) -> tuple[int, int]:
    kept = and_(Followup.done_at.is_not(None), func.date(Followup.done_at) <= Followup.due)
    n, k = session.execute(
        select(func.count(Followup.id), _count(kept))
        .where(Followup.due >= start, Followup.due <= end)).one()
    return int(n or 0), int(k or 0)


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
    n = func.count(Case.id)
    rows = session.execute(
        select(Officer.code, n)
        .select_from(Officer)
        .outerjoin(Case, and_(Case.officer_id == Officer.id, Case.status.in_(OPEN_STATUSES)))
        .group_by(Officer.code, Officer.active)
        .having(or_(Officer.active, n > 0))
        .order_by(Officer.code)).all()
    return {code: int(count) for code, count in rows}


def kpi(session: Session, *, start: date, end: date, today: date) -> dict[str, Any]:
    """The council's figures for the period START..END (both included), as
    one JSON-ready object."""
    dialect = session.get_bind().dialect.name
    figures: dict[str, Any] = {"from": start.isoformat(), "to": end.isoformat(),
                               "as_at": today.isoformat()}
    figures.update(_plans(session, start, end, dialect))
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
    followups, kept = _followups(session, start, end)
    figures.update({"followups_due": followups, "followups_kept": kept,
                    "pct_followups_kept": pct(kept, followups)})
    outstanding, overdue = _advice(session, end)
    figures["advice_outstanding"] = outstanding
    figures["advice_overdue"] = overdue
    figures["caseload"] = _caseload(session)
    figures["by_month"] = _by_month(session, start, end, dialect)
    return figures
