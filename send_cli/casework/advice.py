"""Advice asked for during an assessment (reg 8): its request, its arrival,
and its withdrawal when recorded in error. Each change refreshes the clocks."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session

from send_cli.casework.fields import REASON_MAX, check_text
from send_cli.casework.timeline import (
    ADVICE_STATUSES,
    refresh_deadlines,
)
from send_cli.casework.timeline import _not_before_request as not_before_request
from send_cli.casework.timeline import _not_closed as not_closed
from send_cli.casework.timeline import _not_future as not_future
from send_cli.errors import BadInput, Conflict, RuleViolation
from send_cli.rules import statutory as rules
from send_cli.store.audit import record
from send_cli.store.models import AdviceRequest, Case


def record_advice(*, session: Session, case: Case, source: str, requested: date,
                  received: date | None, actor: str, now: datetime,
                  correcting: bool = False) -> tuple[AdviceRequest, bool]:
    """Advice asked of SOURCE on REQUESTED, or (run again with RECEIVED) its
    arrival; CORRECTING, in place of one withdrawn (asked for during the
    assessment, whatever the case's status now). Returns (the request,
    whether it is new)."""
    not_closed(case)
    if source not in rules.ADVICE_SOURCES:
        raise BadInput(f"--from '{source}' is not known; use one of: "
                       f"{', '.join(rules.ADVICE_SOURCES)}")
    today = now.date()
    not_future(requested, "--requested", today)
    if received is not None:
        not_future(received, "--received", today)
    not_before_request(requested, "advice requested on", case)
    if received is not None and received < requested:
        raise RuleViolation(f"advice received on {received} is before it was requested on "
                            f"{requested}")
    found = session.execute(
        select(AdviceRequest).where(AdviceRequest.case_id == case.id,
                                    AdviceRequest.source == source,
                                    AdviceRequest.requested == requested,
                                    AdviceRequest.withdrawn_at.is_(None))).scalars().first()
    if found is not None:
        if found.received is not None:
            raise Conflict(f"{case.ref}: {source} advice requested on {requested} was already "
                           f"received on {found.received}")
        if received is None:
            raise Conflict(f"{case.ref}: {source} advice requested on {requested} is already "
                           "recorded", hint="Add --received DATE when it arrives.")
        found.received = received
        session.add(found)
        session.flush()
        record(session, officer=actor, now=now, action="advice.received", entity="advice",
               entity_id=found.id, case_ref=case.ref, before={"received": None},
               after={"source": source, "requested": requested, "received": received})
        refresh_deadlines(session=session, case=case, today=today)
        return found, False
    if case.status not in ADVICE_STATUSES and not correcting:
        raise RuleViolation(f"{case.ref} is {case.status}: advice (reg 8) is asked for during "
                            "an assessment")
    advice = AdviceRequest(case_id=case.id, source=source, requested=requested,
                           received=received, created_at=now)
    session.add(advice)
    session.flush()
    record(session, officer=actor, now=now, action="advice.request", entity="advice",
           entity_id=advice.id, case_ref=case.ref,
           after={"source": source, "requested": requested, "received": received})
    refresh_deadlines(session=session, case=case, today=today)
    return advice, True


def withdraw_advice(*, session: Session, case: Case, source: str, requested: date | None,
                    reason: str, actor: str, now: datetime) -> AdviceRequest:
    """Withdraw SOURCE's advice request of CASE asked for on REQUESTED (the
    latest when None), recorded in error: its 6-week clock goes, and with it
    its place in the figures. Nothing else rests on it."""
    not_closed(case)
    if not reason.strip():
        raise BadInput("--reason is empty; say why it is withdrawn")
    reason = check_text(reason.strip(), what="--reason", max_len=REASON_MAX)
    if source not in rules.ADVICE_SOURCES:
        raise BadInput(f"--from '{source}' is not known; use one of: "
                       f"{', '.join(rules.ADVICE_SOURCES)}")
    stmt = select(AdviceRequest).where(AdviceRequest.case_id == case.id,
                                       AdviceRequest.source == source,
                                       AdviceRequest.withdrawn_at.is_(None))
    if requested is not None:
        stmt = stmt.where(AdviceRequest.requested == requested)
    found = session.execute(stmt.order_by(AdviceRequest.requested.desc(),
                                          AdviceRequest.id.desc())).scalars().first()
    if found is None:
        asked = f" requested on {requested}" if requested is not None else ""
        raise RuleViolation(f"{case.ref} has no {source} advice{asked} recorded")
    found.withdrawn_at, found.withdrawn_by, found.withdrawn_reason = now, actor, reason
    session.add(found)
    session.flush()
    record(session, officer=actor, now=now, action="advice.withdraw", entity="advice",
           entity_id=found.id, case_ref=case.ref,
           before={"source": source, "requested": found.requested,
                   "received": found.received},
           after={"withdrawn": True, "reason": reason})
    refresh_deadlines(session=session, case=case, today=now.date())
    return found
