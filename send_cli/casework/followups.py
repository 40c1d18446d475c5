"""Follow-ups: marking one done (the promise to a family kept), with its note."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import Session

from send_cli.casework.fields import check_text
from send_cli.casework.officers import promise_owner
from send_cli.errors import BadInput, NotFound, RuleViolation
from send_cli.rules import followups as promises
from send_cli.rules.calendar import Calendar
from send_cli.settings import LONDON
from send_cli.store.audit import record
from send_cli.store.models import Case, Contact, Followup

NOTE_MAX = 2000


def aware(moment: datetime) -> datetime:
    """A stored moment as an aware date-time (a naive one is UTC)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def owed_since(session: Session, followup: Followup) -> datetime:
    """When FOLLOWUP began to be owed: the message that made it came, or it
    was made (a decision's outcome call, an escalation)."""
    if followup.contact_id is not None:
        contact = session.get(Contact, followup.contact_id)
        if contact is not None:
            return aware(contact.at)
    return aware(followup.created_at)


def get_followup(session: Session, followup_id: int) -> Followup:
    # ids are 32-bit on PostgreSQL: a larger one is asked of nobody
    followup = session.get(Followup, followup_id) if 0 < followup_id < 2**31 else None
    if followup is None:
        raise NotFound(f"no follow-up {followup_id}", hint="See 'send-cli followup list'.")
    return followup


def not_done(followup: Followup) -> None:
    if followup.done_at is not None:
        done_on = london(followup.done_at)
        raise RuleViolation(f"follow-up {followup.id} was already done on {done_on:%Y-%m-%d}")


def mark_done(followup: Followup, *, at: datetime, actor: str, note: str | None) -> Followup:
    followup.done_at = at
    followup.done_by = actor
    followup.note = note
    return followup


def followup_done(*, session: Session, cal: Calendar, followup_id: int, note: str | None,
                  actor: str, now: datetime, at: datetime | None = None
                  ) -> tuple[Followup, list[str]]:
    """Mark a follow-up done, now or AT (a call made yesterday, recorded
    today): not before it was owed, not in the future. Returns it and what
    it set going (a refusal's outcome email opens the appeal window)."""
    if at is not None and at > now:
        raise BadInput(f"--at {at:%Y-%m-%dT%H:%M} is in the future; use {now:%Y-%m-%dT%H:%M} "
                       "or earlier")
    followup = get_followup(session, followup_id)
    not_done(followup)
    if at is not None:
        since = owed_since(session, followup)
        if aware(at) < since:
            raise RuleViolation(f"--at {london(at):%Y-%m-%d %H:%M} is before follow-up "
                                f"{followup_id} was owed ({london(since):%Y-%m-%d %H:%M}); "
                                "give the time it was done")
    if note is not None:
        check_text(note, what="note", max_len=NOTE_MAX, lines=True)
    case = session.get(Case, followup.case_id)
    when = at or now
    mark_done(followup, at=when, actor=actor, note=note)
    session.add(followup)
    record(session, officer=actor, now=now, action="followup.done", entity="followup",
           entity_id=followup_id, case_ref=case.ref if case else None,
           before={"kind": followup.kind, "status": "open", "done_at": None},
           after={"kind": followup.kind, "status": "done", "done_at": when, "note": note})
    return followup, after_done(session=session, cal=cal, followup=followup, actor=actor,
                                now=now)


def after_done(*, session: Session, cal: Calendar, followup: Followup, actor: str,
               now: datetime) -> list[str]:
    """What a follow-up done sets going. The outcome email of a refusal to
    assess or to issue a plan is the decision letter: the day it went opens
    the family's appeal window (the later of 2 months from it or 1 month
    from a mediation certificate, run on to the next working day), and the
    family is owed the offer of a call or meeting about the decision within
    5 working days. Returns notes for people."""
    from send_cli.casework.timeline import open_appeal
    from send_cli.rules.panels import decision_rights
    from send_cli.store.models import Decision, Referral

    if followup.kind != "outcome-email" or followup.decision_id is None \
            or followup.done_at is None:
        return []
    decision = session.get(Decision, followup.decision_id)
    referral = session.get(Referral, decision.referral_id) if decision else None
    if decision is None or referral is None \
            or decision_rights(referral.request, decision.outcome) is None:
        return []
    case = session.get(Case, followup.case_id)
    if case is None or case.status == "closed":
        return []
    sent = london(followup.done_at).date()
    appeal = open_appeal(session=session, case=case, decision_sent=sent,
                         followup_id=followup.id, actor=actor, now=now)
    owner, held_for = promise_owner(session, case.officer_id, sent)
    discussion = Followup(
        case_id=case.id, kind=promises.DISCUSSION_KIND,
        due=promises.discussion_due(sent, cal), officer_id=owner, for_officer_id=held_for,
        reason=f"offer the family a call or meeting about the refusal ({referral.request}) "
               f"in the decision letter of {sent}",
        decision_id=decision.id, created_at=now)
    session.add(discussion)
    session.flush()
    record(session, officer=actor, now=now, action="followup.create", entity="followup",
           entity_id=discussion.id, case_ref=case.ref,
           after={"kind": discussion.kind, "due": discussion.due,
                  "reason": discussion.reason})
    notes = [f"the email of {sent:%a %d %b %Y} is the decision letter of the refusal: "
             f"the appeal window opens (last day {appeal:%a %d %b %Y}); "
             f"follow-up {discussion.id}: {due_text(discussion.kind, discussion.due)}"]
    return notes


def london(moment: datetime) -> datetime:
    """A stored moment as Europe/London wall clock."""
    return aware(moment).astimezone(LONDON)


def due_text(kind: str, due: date) -> str:
    return f"{kind} due {due:%a %d %b %Y}"
