"""Panels: remits, meetings, referrals, papers, declarations and decisions."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from send_cli.models import Case


def case_view(session: Session, case: Case) -> dict[str, Any]:
    """Sections of 'case show' about panels (issue 3 fills this in)."""
    return {}
