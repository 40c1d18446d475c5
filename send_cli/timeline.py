"""The statutory timeline of a case: milestones, advice, exceptions, appeals,
and the stored deadlines that reports read."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from send_cli.models import Case


def refresh_deadlines(*, session: Session, case: Case, today: date) -> None:
    """Recompute the stored statutory clocks of CASE (issue 4 fills this in)."""
    return None


def case_view(session: Session, case: Case, today: date) -> dict[str, Any]:
    """Sections of 'case show' about the statutory timeline."""
    return {}
