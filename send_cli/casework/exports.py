"""Data out: the streamed rows behind `export cases|contacts|decisions|followups`,
with the keys of each (an exported case file imports again)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from sqlmodel import Session

from send_cli.casework import decisions
from send_cli.errors import BadInput
from send_cli.reports import cases as case_reports

# `export cases --format csv` writes these; an import needs the first five.
CASE_EXPORT_KEYS = ("ref", "name", "dob", "officer", "received", "requested_by", "setting",
                    "status")
CONTACT_EXPORT_KEYS = ("id", "case_ref", "at", "channel", "direction", "party", "summary",
                       "officer")
DECISION_EXPORT_KEYS = ("case_ref", "panel", "meeting", "request", "outcome", "reason",
                        "revisit_by", "chair")
FOLLOWUP_EXPORT_KEYS = ("id", "case_ref", "kind", "due", "officer", "status", "done_at", "for")
EXPORTS = ("cases", "contacts", "decisions", "followups")


def export_rows(session: Session, what: str,
                today: date) -> tuple[Sequence[str], Iterator[dict[str, Any]]]:
    """The public keys and the streamed rows of one export."""
    if what == "cases":
        return CASE_EXPORT_KEYS, case_reports.case_rows(session)
    if what == "contacts":
        return CONTACT_EXPORT_KEYS, case_reports.contact_rows(session, iso_times=True)
    if what == "decisions":
        return DECISION_EXPORT_KEYS, decisions.decision_rows(session)
    if what == "followups":
        return FOLLOWUP_EXPORT_KEYS, case_reports.followup_rows(session, today=today,
                                                                 include_done=True)
    raise BadInput(f"export '{what}' is not known; use one of: {', '.join(EXPORTS)}")
