"""Statutory deadlines due or missed: one indexed query on the stored clocks
(the deadlines table, kept current by timeline.refresh_deadlines), never a
pass over every case."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, case, func, literal, not_, or_, select
from sqlmodel import Session

from send_cli.rules.statutory import (
    EXCEPTION_CLOCKS,
    FAMILY_WINDOWS,
    advice_source,
    appeal_note,
)
from send_cli.store.models import Appeal, Case, Deadline, Officer, TimeException

DEADLINE_KEYS = ("case_ref", "child", "milestone", "due", "days_left", "officer", "exception")
# The contract's keys, then what tells two rows of one case apart: the
# source of an advice request, and a note (an appeal window open past its
# r20 day).
DEADLINE_COLUMNS = DEADLINE_KEYS + ("source", "note")
# A case that ended owes nothing more; a refused or ceased one keeps the
# family's appeal window, which is still open to them.
ENDED_STATUSES = ("closed", "ceased", "refused")


def exception_text() -> Any:
    """The first recorded reg 10(4) exception that bears on a clock of the
    20-week path (its dates, if any, overlap the clock), as 'code: reason'."""
    first = (select(TimeException.code + literal(": ") + TimeException.reason)
             .where(TimeException.case_id == Deadline.case_id,
                    or_(TimeException.from_date.is_(None),
                        TimeException.from_date <= Deadline.due),
                    or_(TimeException.to_date.is_(None), TimeException.to_date >= Deadline.start))
             .order_by(TimeException.id).limit(1).scalar_subquery())
    return case((Deadline.milestone.in_(EXCEPTION_CLOCKS), first), else_=None)


def _certificate() -> Any:
    """The mediation certificate of an appeal clock's decision letter."""
    found = (select(Appeal.certificate)
             .where(Appeal.case_id == Deadline.case_id, Appeal.decision_sent == Deadline.start)
             .limit(1).scalar_subquery())
    return case((Deadline.milestone == "appeal", found), else_=None)


def _query(*, today: date, within: int | None, breached: bool, officer: str | None) -> Any:
    stmt = _filtered(select(Case.ref, Case.name, Deadline.milestone, Deadline.due, Officer.code,
                            exception_text(), Deadline.start, Deadline.detail, _certificate())
                     .select_from(Deadline)
                     .join(Case, Case.id == Deadline.case_id)
                     .join(Officer, Officer.id == Case.officer_id),
                     today=today, within=within, breached=breached, officer=officer)
    return stmt.order_by(Deadline.due, Case.ref, Deadline.milestone, Deadline.id)


def _filtered(stmt: Any, *, today: date, within: int | None, breached: bool,
              officer: str | None) -> Any:
    """STMT (over deadlines joined to their cases) kept to the open clocks
    the report lists."""
    stmt = (stmt.where(Deadline.met_on.is_(None))
            # a family's window that has passed is over, not missed by the council
            .where(not_(and_(Deadline.milestone.in_(FAMILY_WINDOWS), Deadline.due < today)))
            # the clocks of a case that ended are its history, not work to do
            .where(or_(Case.status.not_in(ENDED_STATUSES),
                       and_(Case.status != "closed", Deadline.milestone == "appeal"))))
    if breached:
        stmt = stmt.where(Deadline.due < today)
    if within is not None:
        stmt = stmt.where(Deadline.due <= today + timedelta(days=within))
    if officer:
        stmt = stmt.where(Officer.code == officer)
    return stmt


def deadline_summary(session: Session, *, today: date, within: int | None = None,
                     breached: bool = False, officer: str | None = None) -> tuple[int, int, int]:
    """(rows, missed, with an exception) of deadline_rows, counted in SQL so
    a table of the first rows reads no more than it shows. The exceptions
    are counted from the few cases that have one."""
    def base(*columns: Any) -> Any:
        stmt = select(*columns).select_from(Deadline).join(Case, Case.id == Deadline.case_id)
        if officer:
            stmt = stmt.join(Officer, Officer.id == Case.officer_id)
        return _filtered(stmt, today=today, within=within, breached=breached, officer=officer)

    rows, missed = session.execute(base(
        func.count(), func.coalesce(func.sum(case((Deadline.due < today, 1), else_=0)), 0))
    ).one()
    with_exception = session.scalar(base(func.count()).where(
        Deadline.case_id.in_(select(TimeException.case_id).distinct()),
        exception_text().is_not(None)))
    return int(rows or 0), int(missed or 0), int(with_exception or 0)


def deadline_rows(session: Session, *, today: date, within: int | None = None,
                  breached: bool = False, officer: str | None = None,
                  batch: int = 500) -> Iterator[dict[str, Any]]:
    """Open statutory deadlines: with WITHIN, those due on or before today +
    WITHIN days (missed ones included); with BREACHED, only those missed.
    Rows carry DEADLINE_COLUMNS."""
    stmt = _query(today=today, within=within, breached=breached, officer=officer)
    for ref, child, milestone, due, code, exc, start, detail, certificate in session.execute(
            stmt.execution_options(yield_per=batch)):
        yield {"case_ref": ref, "child": child, "milestone": milestone, "due": due,
               "days_left": (due - today).days, "officer": code, "exception": exc,
               "source": advice_source(detail) if milestone == "advice" else None,
               "note": appeal_note(start, certificate, due) if milestone == "appeal" else None}
