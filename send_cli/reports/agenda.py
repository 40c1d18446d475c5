"""The agenda of a panel meeting: the cases referred, their papers, the
declarations made and the decisions before."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from send_cli.casework.declarations import meeting_declarations
from send_cli.casework.meetings import get_meeting, has_started
from send_cli.casework.panels import get_panel
from send_cli.errors import NotFound
from send_cli.rules import panels as rules
from send_cli.rules.calendar import Calendar
from send_cli.store.models import (
    Case,
    Decision,
    Meeting,
    Officer,
    Panel,
    Referral,
)

AGENDA_KEYS = ("case_ref", "child", "request", "officer", "papers_due", "papers_received",
               "papers", "declarations", "prior_decisions", "outcome")
PERSONAL_KEYS = ("dob", "setting")


# -- the agenda ---------------------------------------------------------------
def resolve_meeting_day(session: Session, code: str, value: str, now: datetime) -> date:
    """--meeting DATE, or 'next': the panel's first meeting not yet started."""
    from send_cli.settings import parse_date

    if value.strip().lower() != "next":
        return parse_date(value, what="--meeting")
    panel = get_panel(session, code)
    for m in session.execute(select(Meeting).where(
            Meeting.panel_id == panel.id, Meeting.date >= now.date(),
            Meeting.cancelled.is_(False)).order_by(Meeting.date).limit(5)).scalars():
        if not has_started(m, now):
            return m.date
    raise NotFound(f"{panel.code} has no meeting ahead",
                   hint=f"See 'send-cli panel meetings {panel.code}'.")


def agenda(session: Session, *, cal: Calendar, code: str, day: date, today: date,
           personal: bool = False) -> tuple[str, list[dict[str, Any]]]:
    """(title, rows): the cases for one meeting, what the chair needs."""
    panel = get_panel(session, code)
    meeting = get_meeting(session, panel, day)
    title = f"{panel.code} {panel.name}, {rules.day_label(meeting.date)} {meeting.time}"
    if meeting.moved_from:
        title += f" (moved from {rules.day_label(meeting.moved_from)})"
    presenter, named = aliased(Officer), aliased(Officer)
    rows_db = session.execute(
        select(Referral, Case, presenter.code, presenter.active, named.code, Decision.outcome)
        .join(Case, Case.id == Referral.case_id)
        .join(presenter, presenter.id == Referral.officer_id)
        .join(named, named.id == Case.officer_id)
        .outerjoin(Decision, (Decision.referral_id == Referral.id)
                   & Decision.withdrawn_at.is_(None))
        .where(Referral.meeting_id == meeting.id).order_by(Referral.id)).all()
    case_ids = sorted({row[1].id for row in rows_db if row[1].id is not None})
    declared = meeting_declarations(session, meeting.id or 0, case_ids)
    prior: dict[int, list[str]] = {}
    if case_ids:
        for cid, mdate, pcode, req, outcome, reason, revisit in session.execute(
                select(Decision.case_id, Meeting.date, Panel.code, Referral.request,
                       Decision.outcome, Decision.reason, Decision.revisit_by)
                .join(Meeting, Meeting.id == Decision.meeting_id)
                .join(Panel, Panel.id == Meeting.panel_id)
                .join(Referral, Referral.id == Decision.referral_id)
                .where(Decision.case_id.in_(case_ids), Decision.meeting_id != meeting.id,
                       Decision.withdrawn_at.is_(None),
                       Meeting.date <= meeting.date)
                .order_by(Meeting.date, Decision.id)):
            text = f"{mdate} {pcode} {req}: {outcome}"
            if revisit:
                text += f" (revisit by {revisit})"
            prior.setdefault(cid, []).append(f"{text}; {reason}")
    rows = []
    for referral, case, officer, active, case_officer, outcome in rows_db:
        # a presenting officer who has left is replaced by the case's officer,
        # who inherited the papers follow-up
        row: dict[str, Any] = {
            "case_ref": case.ref, "child": case.name, "request": referral.request,
            "officer": officer if active or outcome else case_officer,
            "papers_due": referral.papers_due,
            "papers_received": referral.papers_received,
            "papers": rules.papers_status(referral.papers_due, referral.papers_received, today),
            "declarations": declared.get(case.id or 0, []),
            "prior_decisions": prior.get(case.id or 0, []), "outcome": outcome}
        if personal:
            row["dob"] = case.dob
            row["setting"] = case.setting
        rows.append(row)
    return title, rows
