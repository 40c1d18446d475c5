"""Follow-ups: marking one done (the promise to a family kept), with its note."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from send_cli.casework.fields import check_text
from send_cli.errors import NotFound, RuleViolation
from send_cli.settings import LONDON
from send_cli.store.audit import record
from send_cli.store.models import Case, Followup

NOTE_MAX = 2000


def aware(moment: datetime) -> datetime:
    """A stored moment as an aware date-time (a naive one is UTC)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def followup_done(*, session: Session, followup_id: int, note: str | None, actor: str,
                  now: datetime) -> Followup:
    # ids are 32-bit on PostgreSQL: a larger one is asked of nobody
    followup = session.get(Followup, followup_id) if 0 < followup_id < 2**31 else None
    if followup is None:
        raise NotFound(f"no follow-up {followup_id}", hint="See 'send-cli followup list'.")
    if followup.done_at is not None:
        done_on = aware(followup.done_at).astimezone(LONDON)
        raise RuleViolation(f"follow-up {followup_id} was already done on {done_on:%Y-%m-%d}")
    if note is not None:
        check_text(note, what="note", max_len=NOTE_MAX, lines=True)
    case = session.get(Case, followup.case_id)
    followup.done_at = now
    followup.done_by = actor
    followup.note = note
    session.add(followup)
    record(session, officer=actor, now=now, action="followup.done", entity="followup",
           entity_id=followup_id, case_ref=case.ref if case else None,
           before={"kind": followup.kind, "status": "open", "done_at": None},
           after={"kind": followup.kind, "status": "done", "done_at": now, "note": note})
    return followup
