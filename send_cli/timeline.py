"""The statutory timeline of a case: milestones, advice, exceptions, appeals,
and the stored deadlines that reports read. (Issue 4 fills this in.)"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from send_cli.models import Case, Milestone


def refresh_deadlines(*, session: Session, case: Case, today: date) -> None:
    """Recompute the stored statutory clocks (deadlines rows) of CASE."""
    return None


def record_milestone(*, session: Session, case: Case, kind: str, on: date,
                     outcome: str | None, actor: str, now: datetime) -> Milestone:
    """Record a milestone on CASE (validated), move its status, refresh its clocks."""
    raise NotImplementedError


def case_view(session: Session, case: Case, today: date) -> dict[str, Any]:
    """Sections of 'case show' about the statutory timeline."""
    return {}
