"""The SEN2 return as XML text, chunk by chunk, in the DfE's element names
and order; the schema it follows is sen2.xsd beside this module."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from send_cli.rules import sen2 as rules
from send_cli.rules.sen2 import ActivePlan, Assessment, Header, Person, Placement, Request

SCHEMA = Path(__file__).with_name("sen2.xsd")


def xml_chunks(header: Header, persons: Iterable[Person]) -> Iterator[str]:
    """The whole file: a chunk for the header, then one per person, so a
    caller writing them out holds one person at a time."""
    yield from _header(header)
    for person in persons:
        yield "".join(_person(person))
    yield "</Persons>\n</Message>\n"


def _el(name: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "1" if value else "0"
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = escape(str(value))
    return f"<{name}>{text}</{name}>"


def _header(h: Header) -> Iterator[str]:
    yield ('<?xml version="1.0" encoding="UTF-8"?>\n<Message>\n<Header>\n'
           "<CollectionDetails>" + _el("Collection", "SEN2") + _el("Year", h.year)
           + _el("ReferenceDate", h.census) + "</CollectionDetails>\n"
           "<Source>" + _el("SourceLevel", "L") + _el("LEA", h.la)
           + _el("SoftwareCode", h.software) + _el("Release", h.release)
           + _el("SerialNo", h.serial)
           + _el("DateTime", h.made.replace(tzinfo=None, microsecond=0).isoformat())
           + _el("DMO", h.dmo) + _el("DCO", h.dco) + _el("DSCO", h.dsco)
           + "</Source>\n</Header>\n<Persons>\n")


def _person(p: Person) -> Iterator[str]:
    yield "<Person>"
    yield _el("Surname", p.surname)
    yield _el("Forename", p.forename)
    yield _el("PersonBirthDate", p.dob)
    yield _el("Sex", p.sex)
    yield _el("Ethnicity", p.ethnicity)
    yield _el("PostCode", p.postcode)
    yield _el("UPN", p.upn)
    yield _el("UniqueLearnerNumber", p.uln)
    yield _el("UPNunknown", p.upn_unknown)
    for request in p.requests:
        yield from _request(request)
    yield "</Person>\n"


def _request(r: Request) -> Iterator[str]:
    yield "<Requests>"
    yield _el("ReceivedDate", r.received)
    yield _el("RequestSource", rules.REQUEST_SOURCES.get(r.source or ""))
    yield _el("RequestOutcomeDate", r.outcome_date)
    yield _el("RequestOutcome", r.outcome)
    yield _el("RequestMediation", r.mediation)
    yield _el("RequestTribunal", r.tribunal)
    yield _el("Exported", r.exported)
    if r.assessment is not None:
        yield from _assessment(r.assessment)
    if r.active is not None:
        yield from _active(r.active)
    yield "</Requests>"


def _assessment(a: Assessment) -> Iterator[str]:
    yield "<Assessment>"
    yield _el("AssessmentOutcome", a.outcome)
    yield _el("AssessmentOutcomeDate", a.outcome_date)
    yield _el("AssessmentMediation", a.mediation)
    yield _el("AssessmentTribunal", a.tribunal)
    yield _el("Week20", a.week20)
    plan = a.plan
    if plan is not None:
        yield "<NamedPlan>"
        yield _el("StartDate", plan.start)
        for detail in sorted(plan.details, key=lambda d: d.rank)[:2]:
            yield "<PlanDetail>" + _where(detail)
            yield _el("SENunitIndicator", detail.unit)
            yield _el("ResourcedProvisionIndicator", detail.resourced) + "</PlanDetail>"
        yield _el("PlanRes", plan.residential)
        yield _el("PlanWBP", plan.wbp)
        yield _el("CeaseDate", plan.cease_date)
        reason = rules.CEASE_REASONS.get(plan.cease_reason or "")
        yield _el("CeaseReason", reason[0] if reason else None)
        yield "</NamedPlan>"
    yield "</Assessment>"


def _active(ap: ActivePlan) -> Iterator[str]:
    yield "<ActivePlans>"
    yield _el("TransferLA", ap.transfer_la)
    for pl in ap.placements:
        yield "<PlacementDetail>" + _where(pl)
        yield _el("EntryDate", pl.entry)
        yield _el("LeavingDate", pl.leaving)
        yield _el("SENunitIndicator", pl.unit)
        yield _el("ResourcedProvisionIndicator", pl.resourced)
        yield _el("Res", pl.residential)
        yield _el("WBP", pl.wbp) + "</PlacementDetail>"
    for need in sorted(ap.needs, key=lambda n: n.rank)[:2]:
        yield ("<SENneed>" + _el("SENtype", need.type) + _el("SENtypeRank", need.rank)
               + "</SENneed>")
    yield _el("ReviewMeeting", ap.review_meeting)
    yield _el("ReviewOutcome", rules.REVIEW_OUTCOMES.get(ap.review_outcome or ""))
    yield _el("LastReview", ap.last_review)
    yield "</ActivePlans>"


def _where(pl: Placement) -> str:
    return (_el("URN", pl.urn) + _el("UKPRN", pl.ukprn) + _el("SENSetting", pl.setting)
            + _el("SENSettingOther", pl.setting_other) + _el("PlacementRank", pl.rank))
