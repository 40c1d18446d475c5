"""Read-side queries for cases: lists and the whole timeline of one case."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from send_cli.casework.decisions import decision_rights
from send_cli.casework.fields import WITHDRAWN_KEYS, withdrawn_view
from send_cli.rules import sen2
from send_cli.settings import LONDON
from send_cli.store.models import (
    AuditEntry,
    Case,
    Contact,
    Decision,
    Declaration,
    Followup,
    Meeting,
    Officer,
    Panel,
    Referral,
)

CASE_KEYS = ("ref", "name", "dob", "officer", "status", "received", "requested_by", "setting")
CONTACT_KEYS = ("id", "case_ref", "at", "channel", "direction", "party", "summary", "officer")
FOLLOWUP_KEYS = ("id", "case_ref", "kind", "due", "officer", "status", "done_at", "for")
AUDIT_KEYS = ("at", "officer", "action", "case_ref", "entity", "entity_id", "before", "after")


def local(dt: Any) -> Any:
    """A stored (UTC) date-time as Europe/London wall clock."""
    if dt is None:
        return None
    return dt.astimezone(LONDON) if dt.tzinfo else dt.replace(tzinfo=LONDON)


def case_rows(session: Session, *, officer: str | None = None, status: str | None = None,
              batch: int = 2000) -> Iterator[dict[str, Any]]:
    stmt = (select(Case.ref, Case.name, Case.dob, Officer.code, Case.status, Case.received,
                   Case.requested_by, Case.setting)
            .join(Officer, Officer.id == Case.officer_id).order_by(Case.ref))
    if officer:
        stmt = stmt.where(Officer.code == officer)
    if status:
        stmt = stmt.where(Case.status == status)
    for row in session.execute(stmt.execution_options(yield_per=batch)):
        yield dict(zip(CASE_KEYS, row, strict=True))


def case_count(session: Session, *, officer: str | None = None,
               status: str | None = None) -> int:
    from sqlalchemy import func

    stmt = select(func.count(Case.id))
    if officer:
        stmt = stmt.join(Officer, Officer.id == Case.officer_id).where(Officer.code == officer)
    if status:
        stmt = stmt.where(Case.status == status)
    return int(session.scalar(stmt) or 0)


class _LocalIso:
    """A stored UTC moment as London wall-clock ISO text, minutes precision:
    what local(moment).isoformat(timespec="minutes") gives, without making a
    datetime per row. The offset is the same all through a UTC hour (the
    clocks change on the hour), so it is worked out once per hour."""

    def __init__(self) -> None:
        self._hours: dict[str, tuple[str, str]] = {}

    def __call__(self, value: Any) -> Any:
        if not isinstance(value, str):  # a driver that returns datetimes
            return None if value is None else local(value).isoformat(timespec="minutes")
        if len(value) < 16 or value[10] not in " T" or value[13] != ":":
            from datetime import UTC, datetime

            moment = datetime.fromisoformat(value).replace(tzinfo=UTC)
            return local(moment).isoformat(timespec="minutes")
        hour = self._hours.get(value[:13])
        if hour is None:
            from datetime import UTC, datetime

            there = datetime.fromisoformat(value[:13] + ":00").replace(tzinfo=UTC)
            text = local(there).isoformat(timespec="minutes")  # YYYY-MM-DDTHH:00+HH:MM
            hour = self._hours[value[:13]] = (text[:13], text[16:])
        return f"{hour[0]}:{value[14:16]}{hour[1]}"


def contact_rows(session: Session, *, case_id: int | None = None, batch: int = 5000,
                 iso_times: bool = False, withdrawn: bool = False) -> Iterator[dict[str, Any]]:
    """Contacts, with `at` in London time; ISO_TIMES gives it as ISO text
    (what CSV and JSON write), quicker for an export of millions. Those
    withdrawn are left out; WITHDRAWN ('case show') keeps them, marked."""
    at: Any = Contact.at
    to_local: Any = local
    if iso_times:
        from sqlalchemy import String, type_coerce

        at = type_coerce(Contact.at, String)  # the stored text, not parsed
        to_local = _LocalIso()
    stmt = (select(Contact.id, Case.ref, at, Contact.channel, Contact.direction,
                   Contact.party, Contact.summary, Officer.code)
            .join(Case, Case.id == Contact.case_id)
            .join(Officer, Officer.id == Contact.officer_id))
    keys = CONTACT_KEYS
    if withdrawn:
        keys = (*CONTACT_KEYS, *WITHDRAWN_KEYS)
        stmt = stmt.add_columns(Contact.withdrawn_at, Contact.withdrawn_by,
                                Contact.withdrawn_reason)
    else:
        stmt = stmt.where(Contact.withdrawn_at.is_(None))
    if case_id is not None:
        stmt = stmt.where(Contact.case_id == case_id).order_by(Contact.at, Contact.id)
    else:
        stmt = stmt.order_by(Contact.id)
    # Core rows through the session's connection: an export streams millions,
    # and the ORM's per-row bookkeeping for plain columns is wasted on them.
    for row in session.connection().execute(stmt.execution_options(yield_per=batch)):
        d = dict(zip(keys, row, strict=True))
        d["at"] = to_local(d["at"])
        if withdrawn and d["withdrawn_at"] is not None:
            from send_cli.casework.followups import london

            d["withdrawn_at"] = london(d["withdrawn_at"])
        yield d


def followup_rows(session: Session, *, today: date, case_id: int | None = None,
                  officer: str | None = None, include_done: bool = False,
                  batch: int = 5000) -> Iterator[dict[str, Any]]:
    """Follow-ups, soonest due first, each with the officer who holds it on
    TODAY ('for': the away officer whose follow-up a cover holds)."""
    from send_cli.reports.cover import Holders, for_code

    held = Holders(today)
    stmt = held.join(select(Followup.id, Case.ref, Followup.kind, Followup.due,
                            held.holder.code, Followup.done_at, held.held_for.code)
                     .select_from(Followup)
                     .join(Case, Case.id == Followup.case_id)
                     ).order_by(Followup.due, Followup.id)
    if case_id is not None:
        stmt = stmt.where(Followup.case_id == case_id)
    if officer:
        stmt = held.of(session, stmt, officer)
    if not include_done:
        stmt = stmt.where(Followup.done_at.is_(None))
    for fid, ref, kind, due, code, done_at, away in session.execute(
            stmt.execution_options(yield_per=batch)):
        yield {"id": fid, "case_ref": ref, "kind": kind, "due": due, "officer": code,
               "status": "open" if done_at is None else "done", "done_at": local(done_at),
               "for": for_code(away)}


def audit_rows(session: Session, *, case_ref: str | None = None, objects: bool = False,
               batch: int = 5000) -> Iterator[dict[str, Any]]:
    """The audit trail, oldest first. before and after are the stored JSON
    text (for a table or CSV), or with OBJECTS the values themselves (JSON)."""
    stmt = select(AuditEntry).order_by(AuditEntry.id)
    if case_ref is not None:
        stmt = stmt.where(AuditEntry.case_ref == case_ref)
    value = audit_value if objects else (lambda text: text)
    for entry in session.execute(stmt.execution_options(yield_per=batch)).scalars():
        yield {"at": local(entry.at), "officer": entry.officer, "login": entry.login,
               "action": entry.action,
               "case_ref": entry.case_ref, "entity": entry.entity,
               "entity_id": entry.entity_id, "before": value(entry.before),
               "after": value(entry.after)}


def audit_value(text: str | None) -> Any:
    """A stored before/after value as the object it holds (text that is not
    JSON, from some older entry, stays text)."""
    if text is None:
        return None
    import json

    try:
        return json.loads(text)
    except ValueError:
        return text


def check_audit_ref(session: Session, ref: str) -> None:
    """NotFound unless REF is a case, or names entries of the audit trail."""
    from send_cli.casework.cases import get_case
    from send_cli.errors import NotFound

    try:
        get_case(session, ref)
    except NotFound:
        if session.scalar(select(AuditEntry.id).where(AuditEntry.case_ref == ref)
                          .limit(1)) is None:
            raise


def case_detail(session: Session, case: Case, today: date) -> dict[str, Any]:
    """Everything about one case, section by section."""
    from send_cli.casework import timeline
    from send_cli.reports import cases as case_reports

    officer = session.get(Officer, case.officer_id)
    detail: dict[str, Any] = {
        "case": {"ref": case.ref, "name": case.name, "dob": case.dob,
                 "officer": officer.code if officer else None,
                 "team": officer.team if officer else None, "status": case.status,
                 "received": case.received, "requested_by": case.requested_by,
                 "setting": case.setting, "closed_on": case.closed_on,
                 "close_reason": case.close_reason},
    }
    detail["case"].update(_person_view(session, case))
    detail.update(timeline.case_view(session, case, today))
    detail.update(case_reports.case_view(session, case))
    detail["needs"] = [{"rank": rank, "need": code, "meaning": sen2.NEED_TYPES[code]}
                       for rank, code in ((1, case.primary_need), (2, case.secondary_need))
                       if code]
    detail["placements"] = placement_rows(session, case.id)
    detail["requests"] = request_rows(session, case)
    detail["contacts"] = list(contact_rows(session, case_id=case.id, withdrawn=True))
    detail["followups"] = list(followup_rows(session, today=today, case_id=case.id,
                                             include_done=True))
    detail["audit"] = list(audit_rows(session, case_ref=case.ref))
    return detail


# -- case show ----------------------------------------------------------------
def case_view(session: Session, case: Case) -> dict[str, Any]:
    """Sections of 'case show' about panels: referrals, decisions (with the
    declarations made and the family's rights) and declarations."""
    referrals = []
    for r, m, pcode, ocode, outcome in session.execute(
            select(Referral, Meeting, Panel.code, Officer.code, Decision.outcome)
            .join(Meeting, Meeting.id == Referral.meeting_id)
            .join(Panel, Panel.id == Meeting.panel_id)
            .join(Officer, Officer.id == Referral.officer_id)
            .outerjoin(Decision, (Decision.referral_id == Referral.id)
                       & Decision.withdrawn_at.is_(None))
            .where(Referral.case_id == case.id).order_by(Meeting.date, Referral.id)):
        referrals.append({"panel": pcode, "meeting": m.date, "time": m.time,
                          "request": r.request, "officer": ocode, "papers_due": r.papers_due,
                          "papers_received": r.papers_received, "outcome": outcome})
    declarations = []
    by_meeting: dict[int, list[str]] = {}
    for d, m, pcode in session.execute(
            select(Declaration, Meeting, Panel.code)
            .join(Meeting, Meeting.id == Declaration.meeting_id)
            .join(Panel, Panel.id == Meeting.panel_id)
            .where(Declaration.case_id == case.id).order_by(Meeting.date, Declaration.id)):
        declarations.append({"panel": pcode, "meeting": m.date, "member": d.member,
                             "interest": d.interest})
        by_meeting.setdefault(m.id or 0, []).append(f"{d.member}: {d.interest}")
    decisions = []
    for d, m, pcode, request in session.execute(
            select(Decision, Meeting, Panel.code, Referral.request)
            .join(Meeting, Meeting.id == Decision.meeting_id)
            .join(Panel, Panel.id == Meeting.panel_id)
            .join(Referral, Referral.id == Decision.referral_id)
            .where(Decision.case_id == case.id).order_by(Meeting.date, Decision.id)):
        decisions.append({"panel": pcode, "meeting": m.date, "request": request,
                          "outcome": d.outcome, "reason": d.reason, "revisit_by": d.revisit_by,
                          "chair": d.chair,
                          "declarations": "; ".join(by_meeting.get(m.id or 0, [])) or None,
                          "rights": decision_rights(request, d.outcome),
                          **withdrawn_view(d)})
    return {"referrals": referrals, "decisions": decisions, "declarations": declarations}


def officer_codes(session: Session, ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(
        select(Officer.id, Officer.code).where(Officer.id.in_(set(ids)))).all())


def _person_view(session: Session, case: Case) -> dict[str, Any]:
    """The child's details for 'case show' (the name and date of birth are
    the case's own)."""
    from send_cli.store.models import Person

    person = session.get(Person, case.person_id) if case.person_id is not None else None
    if person is None:
        return {}
    return {"forename": person.forename, "surname": person.surname, "sex": person.sex,
            "ethnicity": person.ethnicity, "postcode": person.postcode, "upn": person.upn,
            "uln": person.uln, "upn_unknown": person.upn_unknown,
            "transferred_from": case.transferred_from}


def placement_rows(session: Session, case_id: int) -> list[dict[str, Any]]:
    """The case's placements for 'case show': where (URN, UKPRN or setting
    code), rank, dates, and the unit, resourced, residential and work-based
    learning details in words."""
    from send_cli.store.models import Placement

    out = []
    for pl in session.execute(select(Placement).where(Placement.case_id == case_id)
                              .order_by(Placement.rank, Placement.entry)).scalars():
        where = (f"URN {pl.urn}" if pl.urn else f"UKPRN {pl.ukprn}" if pl.ukprn
                 else f"{pl.setting_code}: {sen2.SEN_SETTINGS.get(pl.setting_code or '', '')}")
        details = [w for w, on in (("SEN unit", pl.unit), ("resourced provision",
                                                           pl.resourced)) if on]
        if pl.residential:
            details.append(sen2.RESIDENTIAL[pl.residential])
        if pl.wbp:
            details.append(sen2.WORK_BASED[pl.wbp])
        out.append({"rank": pl.rank, "placement": where, "from": pl.entry,
                    "to": pl.leaving, "details": ", ".join(details)})
    return out


def request_rows(session: Session, case: Case) -> list[dict[str, Any]]:
    """Every request of the case's child, this one included."""
    return [{"ref": r, "received": rec, "status": st, "this": r == case.ref}
            for r, rec, st in session.execute(
                select(Case.ref, Case.received, Case.status)
                .where(Case.person_id == case.person_id)
                .order_by(Case.received, Case.id))]
