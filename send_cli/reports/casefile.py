"""The whole file of one case for 'case show': its details, statutory clocks
and milestones, panels, decisions, needs and placements, contacts,
follow-ups and audit trail. Plain SQL through a Reader."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from send_cli.reports.cases import audit_rows, contact_rows, followup_rows, withdrawn_view
from send_cli.reports.lookups import case_named
from send_cli.rules import statutory as rules
from send_cli.rules.panels import decision_rights
from send_cli.store.reader import Reader, as_reader, day, flag

CASE = ("SELECT c.id, c.ref, c.name, c.dob, o.code, o.team, c.status, c.received,"
        " c.requested_by, c.setting, c.closed_on, c.close_reason, c.person_id,"
        " c.primary_need, c.secondary_need, c.transferred_from FROM cases c"
        " LEFT OUTER JOIN officers o ON o.id = c.officer_id WHERE c.id = :case_id")


def case_detail(session: Any, ref: str, today: date) -> dict[str, Any]:
    """Everything about the case REF, section by section (NotFound when
    there is no such case)."""
    reader = as_reader(session)
    case_id = case_named(reader, ref).id
    found = reader.first(CASE, {"case_id": case_id})
    assert found is not None
    (_, ref, name, dob, officer, team, status, received, requested_by, setting, closed_on,
     close_reason, person_id, primary_need, secondary_need, transferred_from) = found
    detail: dict[str, Any] = {
        "case": {"ref": ref, "name": name, "dob": day(dob), "officer": officer, "team": team,
                 "status": status, "received": day(received), "requested_by": requested_by,
                 "setting": setting, "closed_on": day(closed_on),
                 "close_reason": close_reason},
    }
    detail["case"].update(_person_view(reader, person_id, transferred_from))
    detail.update(timeline_view(reader, case_id, today, received=day(received),
                                status=status, closed_on=day(closed_on)))
    detail.update(panel_view(reader, case_id))
    detail["needs"] = _needs(primary_need, secondary_need)
    detail["placements"] = placement_rows(reader, case_id)
    detail["requests"] = (request_rows(reader, ref, person_id) if person_id is not None
                          else [{"ref": ref, "received": day(received), "status": status,
                                 "this": True}])  # tied to no person: only itself
    detail["contacts"] = list(contact_rows(reader, case_id=case_id, withdrawn=True))
    detail["followups"] = list(followup_rows(reader, today=today, case_id=case_id,
                                             include_done=True))
    detail["audit"] = list(audit_rows(reader, case_ref=ref))
    return detail


def _needs(*codes: str | None) -> list[dict[str, Any]]:
    """The child's SEN2 need types, first and second."""
    if not any(codes):
        return []
    from send_cli.rules import sen2  # the SEN2 rules: only for a case that has them

    return [{"rank": rank, "need": code, "meaning": sen2.NEED_TYPES[code]}
            for rank, code in enumerate(codes, start=1) if code]


# -- the statutory timeline ------------------------------------------------------
def _exception_for(excs: list[tuple[Any, ...]], milestone: str, start: date,
                   due: date) -> str | None:
    """The first recorded exception that bears on a 20-week-path clock."""
    if milestone not in rules.EXCEPTION_CLOCKS:
        return None
    for code, reason, from_date, to_date in excs:
        if (from_date is None or from_date <= due) and (to_date is None or to_date >= start):
            return f"{code}: {reason}"
    return None


def _tribunal_days(reader: Reader, appeals: list[tuple[date, date | None, date | None]]
                   ) -> Callable[[date], bool]:
    """Working days as the Tribunal counts them (rule 12(4)) over the case's
    appeal windows: not a weekend, not a bank holiday. Council closure days
    do not count here."""
    first = min(a[0] for a in appeals)
    last = max(max(a[0], a[1] or a[0]) for a in appeals) + timedelta(days=400)
    bank = {day(d) for d, in reader.rows(
        "SELECT day FROM calendar_days WHERE kind = 'bank-holiday' AND day >= :first"
        " AND day <= :last", {"first": first, "last": last})}
    return lambda d: d.weekday() < 5 and d not in bank


def timeline_view(reader: Reader, case_id: int, today: date, *, received: date, status: str,
                  closed_on: date | None) -> dict[str, Any]:
    """Sections of 'case show' about the statutory timeline."""
    params = {"case_id": case_id}
    excs = [(code, reason, day(f), day(t)) for code, reason, f, t in reader.rows(
        "SELECT code, reason, from_date, to_date FROM exceptions WHERE case_id = :case_id"
        " ORDER BY id", params)]
    clocks = []
    for milestone, start, due, met_on, basis, detail in reader.rows(
            "SELECT milestone, start, due, met_on, basis, detail FROM deadlines"
            " WHERE case_id = :case_id ORDER BY due, start, id", params):
        start, due, met_on = day(start), day(due), day(met_on)
        clocks.append({
            "milestone": milestone, "start": start, "due": due, "met_on": met_on,
            "days_left": None if met_on is not None else (due - today).days,
            "state": rules.clock_state(milestone, due, met_on, today),
            "exception": _exception_for(excs, milestone, start, due),
            "basis": basis, "detail": detail})
    recorded = [(kind, day(on), outcome) for kind, on, outcome in reader.rows(
        'SELECT kind, "on", outcome FROM milestones WHERE case_id = :case_id'
        ' ORDER BY "on", id', params)]
    milestones = [{"milestone": kind, "on": on, "outcome": outcome}
                  for kind, on, outcome in recorded]
    facts = rules.Facts(received=received, status=status,
                        milestones=[rules.Event(*m) for m in recorded], closed_on=closed_on)
    advice = []
    for source, requested, got, *withdrawn in reader.rows(
            "SELECT source, requested, received, withdrawn_at, withdrawn_by, withdrawn_reason"
            " FROM advice_requests WHERE case_id = :case_id ORDER BY requested, id", params):
        requested, got = day(requested), day(got)
        due = rules.due_after(rules.CLOCKS["advice"], requested)
        until = rules.advice_end(facts, requested)
        state = ("ended" if got is None and until is not None and due >= until
                 else rules.clock_state("advice", due, got, today))
        advice.append({"source": source, "requested": requested, "due": due,
                       "received": got,
                       "state": "withdrawn" if withdrawn[0] is not None else state,
                       **withdrawn_view(*withdrawn)})
    exceptions = [{"code": code, "meaning": rules.EXCEPTION_CODES.get(code),
                   "reason": reason, "from": f, "to": t} for code, reason, f, t in excs]
    appeals = []
    rows = [(day(s), day(c), day(r)) for s, c, r in reader.rows(
        "SELECT decision_sent, certificate, registered FROM appeals WHERE case_id = :case_id"
        " ORDER BY decision_sent, id", params)]
    if rows:
        check = _tribunal_days(reader, rows)  # type: ignore[arg-type]
        for sent, certificate, registered in rows:
            last = rules.appeal_due(sent, certificate)  # type: ignore[arg-type]
            appeals.append({"decision_sent": sent, "certificate": certificate,
                            "last_day": last,
                            "in_time_until": rules.tribunal_in_time_until(last, check),
                            "registered": registered})
    return {"clocks": clocks, "milestones": milestones, "advice": advice,
            "exceptions": exceptions, "appeals": appeals}


# -- panels ----------------------------------------------------------------------
def panel_view(reader: Reader, case_id: int) -> dict[str, Any]:
    """Sections of 'case show' about panels: referrals, decisions (with the
    declarations made and the family's rights) and declarations."""
    params = {"case_id": case_id}
    referrals = []
    for pcode, on, at, request, ocode, papers_due, papers_received, outcome in reader.rows(
            "SELECT p.code, m.date, m.time, r.request, o.code, r.papers_due,"
            " r.papers_received, d.outcome FROM referrals r"
            " JOIN meetings m ON m.id = r.meeting_id JOIN panels p ON p.id = m.panel_id"
            " JOIN officers o ON o.id = r.officer_id"
            " LEFT OUTER JOIN decisions d ON d.referral_id = r.id AND d.withdrawn_at IS NULL"
            " WHERE r.case_id = :case_id ORDER BY m.date, r.id", params):
        referrals.append({"panel": pcode, "meeting": day(on), "time": at, "request": request,
                          "officer": ocode, "papers_due": day(papers_due),
                          "papers_received": day(papers_received), "outcome": outcome})
    declarations = []
    by_meeting: dict[int, list[str]] = {}
    for mid, pcode, on, member, interest in reader.rows(
            "SELECT m.id, p.code, m.date, x.member, x.interest FROM declarations x"
            " JOIN meetings m ON m.id = x.meeting_id JOIN panels p ON p.id = m.panel_id"
            " WHERE x.case_id = :case_id ORDER BY m.date, x.id", params):
        declarations.append({"panel": pcode, "meeting": day(on), "member": member,
                             "interest": interest})
        by_meeting.setdefault(mid or 0, []).append(f"{member}: {interest}")
    decisions = []
    for mid, pcode, on, request, outcome, reason, revisit_by, chair, *withdrawn in reader.rows(
            "SELECT m.id, p.code, m.date, r.request, d.outcome, d.reason, d.revisit_by,"
            " d.chair, d.withdrawn_at, d.withdrawn_by, d.withdrawn_reason FROM decisions d"
            " JOIN meetings m ON m.id = d.meeting_id"
            " JOIN panels p ON p.id = m.panel_id JOIN referrals r ON r.id = d.referral_id"
            " WHERE d.case_id = :case_id ORDER BY m.date, d.id", params):
        decisions.append({"panel": pcode, "meeting": day(on), "request": request,
                          "outcome": outcome, "reason": reason, "revisit_by": day(revisit_by),
                          "chair": chair,
                          "declarations": "; ".join(by_meeting.get(mid or 0, [])) or None,
                          "rights": decision_rights(request, outcome),
                          **withdrawn_view(*withdrawn)})
    return {"referrals": referrals, "decisions": decisions, "declarations": declarations}


# -- the child ---------------------------------------------------------------------
def _person_view(reader: Reader, person_id: int | None,
                 transferred_from: str | None) -> dict[str, Any]:
    """The child's details for 'case show' (the name and date of birth are
    the case's own)."""
    if person_id is None:
        return {}
    found = reader.first("SELECT forename, surname, sex, ethnicity, postcode, upn, uln,"
                         " upn_unknown FROM persons WHERE id = :person_id",
                         {"person_id": person_id})
    if found is None:
        return {}
    keys = ("forename", "surname", "sex", "ethnicity", "postcode", "upn", "uln", "upn_unknown")
    return {**dict(zip(keys, found, strict=True)), "transferred_from": transferred_from}


def placement_rows(reader: Reader, case_id: int) -> list[dict[str, Any]]:
    """The case's placements for 'case show': where (URN, UKPRN or setting
    code), rank, dates, and the unit, resourced, residential and work-based
    learning details in words."""
    found = reader.all("SELECT urn, ukprn, setting_code, rank, entry, leaving, unit,"
                       " resourced, residential, wbp FROM placements"
                       " WHERE case_id = :case_id ORDER BY rank, entry", {"case_id": case_id})
    if not found:
        return []
    from send_cli.rules import sen2

    out = []
    for urn, ukprn, setting_code, rank, entry, leaving, unit, resourced, residential, wbp \
            in found:
        where = (f"URN {urn}" if urn else f"UKPRN {ukprn}" if ukprn
                 else f"{setting_code}: {sen2.SEN_SETTINGS.get(setting_code or '', '')}")
        details = [w for w, on in (("SEN unit", flag(unit)),
                                   ("resourced provision", flag(resourced))) if on]
        if residential:
            details.append(sen2.RESIDENTIAL[residential])
        if wbp:
            details.append(sen2.WORK_BASED[wbp])
        out.append({"rank": rank, "placement": where, "from": day(entry),
                    "to": day(leaving), "details": ", ".join(details)})
    return out


def request_rows(reader: Reader, ref: str, person_id: int | None) -> list[dict[str, Any]]:
    """Every request of the case's child, this one included."""
    if person_id is None:  # no child recorded: nothing matches (as SQL's = NULL)
        return []
    return [{"ref": r, "received": day(rec), "status": st, "this": r == ref}
            for r, rec, st in reader.rows(
                "SELECT ref, received, status FROM cases WHERE person_id = :person_id"
                " ORDER BY received, id", {"person_id": person_id})]
