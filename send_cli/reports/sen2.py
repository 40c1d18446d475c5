"""The SEN2 return read from the store: the header from the council's
settings, then each person in scope with their requests, a chunk at a time."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from send_cli.rules import sen2 as rules
from send_cli.store.models import (
    Appeal,
    Case,
    Milestone,
    Person,
    Placement,
    Setting,
    TimeException,
)

CHUNK = 1000  # people read at a time


def header(session: Session, *, year: int, census: date, made: datetime,
           release: str) -> rules.Header:
    values = {name: _setting(session, key) for name, key in rules.SETTINGS.items()}
    return rules.Header(year=year, census=census, la=values["la-code"], dmo=values["dmo"],
                        dco=values["dco"], dsco=values["dsco"], software="send-cli",
                        release=release, made=made)


def _setting(session: Session, key: str) -> str | None:
    row = session.get(Setting, key)
    return None if row is None else row.value


def persons(session: Session, *, census: date, chunk: int = CHUNK) -> Iterator[rules.Person]:
    """Every person with a request in the return, in the order they were
    added, read CHUNK people at a time (memory stays flat)."""
    last = 0
    while True:
        people = list(session.execute(
            select(Person).where(Person.id > last, Person.erased_at.is_(None))
            .order_by(Person.id).limit(chunk)).scalars())
        if not people:
            return
        last = int(people[-1].id or 0)
        yield from _chunk(session, people, census)
        session.expunge_all()


@dataclass
class _Facts:
    """What the store holds about one case, up to the census date."""

    case: Any
    milestones: list[Any]
    placements: list[Any]
    exception: bool
    appeals: list[Any]


def _chunk(session: Session, people: Sequence[Any], census: date) -> Iterator[rules.Person]:
    ids = [p.id for p in people]
    cases = list(session.execute(
        select(Case).where(Case.person_id.in_(ids), Case.received <= census,
                           Case.erased_at.is_(None))
        .order_by(Case.person_id, Case.received, Case.id)).scalars())
    case_ids = [c.id for c in cases]
    by_case: dict[int, _Facts] = {c.id: _Facts(c, [], [], False, []) for c in cases}
    if case_ids:
        for m in session.execute(select(Milestone).where(
                Milestone.case_id.in_(case_ids), Milestone.on <= census)
                .order_by(Milestone.on, Milestone.id)).scalars():
            by_case[m.case_id].milestones.append(m)
        for pl in session.execute(select(Placement).where(
                Placement.case_id.in_(case_ids), Placement.entry <= census)
                .order_by(Placement.entry, Placement.id)).scalars():
            by_case[pl.case_id].placements.append(pl)
        for cid in session.execute(select(TimeException.case_id).where(
                TimeException.case_id.in_(case_ids)).distinct()).scalars():
            by_case[cid].exception = True
        for a in session.execute(select(Appeal).where(
                Appeal.case_id.in_(case_ids), Appeal.decision_sent <= census)).scalars():
            by_case[a.case_id].appeals.append(a)
    of_person: dict[int, list[_Facts]] = {}
    for c in cases:
        of_person.setdefault(c.person_id, []).append(by_case[c.id])
    for p in people:
        requests = [r for f in of_person.get(p.id, []) if (r := request(f, census))]
        if requests:
            yield rules.Person(surname=p.surname, forename=p.forename, dob=p.dob, sex=p.sex,
                               ethnicity=p.ethnicity, postcode=p.postcode, upn=p.upn,
                               uln=p.uln, upn_unknown=p.upn_unknown, requests=requests)


def _first(ms: list[Any], kind: str) -> Any:
    return next((m for m in ms if m.kind == kind), None)


def _last(ms: list[Any], kind: str) -> Any:
    found = [m for m in ms if m.kind == kind]
    return found[-1] if found else None


def request(f: _Facts, census: date) -> rules.Request | None:
    """The case as a SEN2 request, or None when it is outside the return
    (it ended before the reference period)."""
    start, _ = rules.period(census)
    c, ms = f.case, f.milestones
    decided = _first(ms, "assessment-decision")
    issue = _first(ms, "issue-decision")
    final = _first(ms, "final-plan")
    ceased = _first(ms, "ceased")
    closed = c.closed_on if c.closed_on is not None and c.closed_on <= census else None
    ended = [d for d in (
        decided.on if decided is not None and decided.outcome == "refused" else None,
        issue.on if issue is not None and issue.outcome == "refused" else None,
        ceased.on if ceased is not None else None, closed) if d is not None]
    if ended and min(ended) < start:
        return None
    transferred = c.transferred_from is not None
    r = rules.Request(case_ref=c.ref, received=c.received, source=c.requested_by,
                      outcome="A")
    if transferred or (decided is not None and decided.on < start):
        r.outcome = "H"
    elif decided is not None:
        r.outcome = "Y" if decided.outcome == "agreed" else "N"
        r.outcome_date = decided.on
        if r.outcome == "N":
            r.mediation, r.tribunal = _appealed(f.appeals, decided.on)
    elif closed is not None:
        r.outcome = "W"
    if r.outcome in ("Y", "H"):
        r.assessment = _assessment(f, census, start, issue, final, closed, transferred)
        if r.assessment is not None and r.assessment.plan is not None:
            plan = r.assessment.plan
            if plan.cease_date is None:
                r.active = _active(f, census, start, transferred)
    return r


def _appealed(appeals: list[Any], decided: date) -> tuple[bool, bool]:
    after = [a for a in appeals if a.decision_sent >= decided]
    return (any(a.certificate is not None for a in after),
            any(a.registered is not None for a in after))


def _assessment(f: _Facts, census: date, start: date, issue: Any, final: Any,
                closed: date | None, transferred: bool) -> rules.Assessment:
    a = rules.Assessment(outcome="A")
    if final is not None:
        if transferred or final.on < start:
            a.outcome = "H"
        else:
            a.outcome, a.outcome_date = "Y", final.on
            a.week20 = f.exception
        a.plan = _plan(f, census, final, closed)
    elif transferred:
        a.outcome = "H"
    elif issue is not None and issue.outcome == "refused":
        a.outcome, a.outcome_date = "N", issue.on
        a.week20 = f.exception
        a.mediation, a.tribunal = _appealed(f.appeals, issue.on)
    elif issue is not None:
        a.outcome = "Y"  # to issue; the plan is still being drafted
    elif closed is not None:
        a.outcome = "W"
    return a


def _plan(f: _Facts, census: date, final: Any, closed: date | None) -> rules.NamedPlan:
    ms = f.milestones
    amended = _last(ms, "amended-plan")
    ceased = _first(ms, "ceased")
    plan = rules.NamedPlan(start=amended.on if amended is not None else final.on)
    if ceased is not None:
        plan.cease_date, plan.cease_reason = ceased.on, ceased.outcome
    elif closed is not None:
        plan.cease_date = closed  # closed without recording why: --check asks
    day = plan.cease_date or census
    held = {}
    for pl in f.placements:  # by entry date: the latest of each rank wins
        if pl.rank in (1, 2) and pl.entry <= day and (pl.leaving is None
                                                       or pl.leaving >= day):
            held[pl.rank] = pl
    plan.details = [_placement(held[rank]) for rank in sorted(held)]
    if 1 in held:
        plan.residential, plan.wbp = held[1].residential, held[1].wbp
    return plan


def _active(f: _Facts, census: date, start: date, transferred: bool) -> rules.ActivePlan:
    c, ms = f.case, f.milestones
    meeting = _last(ms, "annual-review")
    decision = _last(ms, "review-decision")
    if meeting is not None and decision is not None and decision.on < meeting.on:
        decision = None  # the latest meeting's decision is still to come
    needs = [rules.Need(code, rank) for rank, code in
             ((1, c.primary_need), (2, c.secondary_need)) if code]
    return rules.ActivePlan(
        transfer_la=c.transferred_from if transferred and c.received >= start else None,
        placements=[_placement(pl) for pl in f.placements
                    if pl.leaving is None or pl.leaving >= start],
        needs=needs,
        review_meeting=meeting.on if meeting is not None else None,
        review_outcome=decision.outcome if decision is not None else None,
        last_review=decision.on if decision is not None else None)


def _placement(pl: Any) -> rules.Placement:
    return rules.Placement(urn=pl.urn, ukprn=pl.ukprn, setting=pl.setting_code, rank=pl.rank,
                           entry=pl.entry, leaving=pl.leaving, unit=pl.unit,
                           resourced=pl.resourced, residential=pl.residential, wbp=pl.wbp)


def findings(session: Session, head: rules.Header) -> Iterator[rules.Finding]:
    """Every finding of the checks before submission: the header's, the
    requests tied to no person, then each person's."""
    yield from rules.check_header(head)
    yield from unlinked(session, census=head.census)
    for person in persons(session, census=head.census):
        yield from rules.check_person(person, census=head.census, la=head.la)


def unlinked(session: Session, *, census: date) -> Iterator[rules.Finding]:
    """An error for each request received by the census that is tied to no
    person: the return is made person by person, so it would be left out."""
    for ref in session.execute(select(Case.ref).where(
            Case.person_id.is_(None), Case.erased_at.is_(None), Case.received <= census)
            .order_by(Case.id)).scalars():
        yield rules.Finding(ref, "Person", "error",
                            "the request is tied to no child or young person, so the return "
                            "leaves it out; see 'send-cli case show'")
