"""The SEN2 return module by module, as rows for people to check: one sheet
each for the header, person, request, assessment, plan, placement and need
items, every row led by the person's number in the file and the case ref."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from send_cli.rules import sen2 as rules

# sheet -> its columns: the DfE's item names, after the keys that tie a row
# to its person and case (SEN2 has no case ref; the sheets do, to look it up)
LEAD = ("person", "case_ref")
MODULES: dict[str, tuple[str, ...]] = {
    "Header": ("Collection", "Year", "ReferenceDate", "SourceLevel", "LEA", "SoftwareCode",
               "Release", "SerialNo", "DateTime", "DMO", "DCO", "DSCO"),
    "Person": ("person", "case_refs", "Surname", "Forename", "PersonBirthDate", "Sex",
               "Ethnicity", "PostCode", "UPN", "UniqueLearnerNumber", "UPNunknown"),
    "Requests": (*LEAD, "ReceivedDate", "RequestSource", "RequestOutcomeDate",
                 "RequestOutcome", "RequestMediation", "RequestTribunal", "Exported"),
    "Assessment": (*LEAD, "AssessmentOutcome", "AssessmentOutcomeDate",
                   "AssessmentMediation", "AssessmentTribunal", "Week20"),
    "NamedPlan": (*LEAD, "StartDate", "PlanRes", "PlanWBP", "CeaseDate", "CeaseReason"),
    "PlanDetail": (*LEAD, "URN", "UKPRN", "SENSetting", "SENSettingOther", "PlacementRank",
                   "SENunitIndicator", "ResourcedProvisionIndicator"),
    "ActivePlans": (*LEAD, "TransferLA", "ReviewMeeting", "ReviewOutcome", "LastReview"),
    "PlacementDetail": (*LEAD, "URN", "UKPRN", "SENSetting", "SENSettingOther",
                        "PlacementRank", "EntryDate", "LeavingDate", "SENunitIndicator",
                        "ResourcedProvisionIndicator", "Res", "WBP"),
    "SENneed": (*LEAD, "SENtype", "SENtypeRank"),
    "Checks": ("case_ref", "item", "severity", "message"),
}

Row = tuple[str, dict[str, Any]]


def header_row(h: rules.Header) -> Row:
    return ("Header", {
        "Collection": "SEN2", "Year": h.year, "ReferenceDate": h.census, "SourceLevel": "L",
        "LEA": h.la, "SoftwareCode": h.software, "Release": h.release, "SerialNo": h.serial,
        "DateTime": h.made.replace(tzinfo=None, microsecond=0), "DMO": h.dmo, "DCO": h.dco,
        "DSCO": h.dsco})


def finding_row(f: rules.Finding) -> Row:
    return ("Checks", {"case_ref": f.case_ref, "item": f.item, "severity": f.severity,
                       "message": f.message})


def person_rows(number: int, p: rules.Person) -> Iterator[Row]:
    """The rows of person NUMBER (their place in the file) on every sheet,
    with the values coded as the XML has them (flags 1 or 0)."""
    yield ("Person", {
        "person": number, "case_refs": [r.case_ref for r in p.requests],
        "Surname": p.surname, "Forename": p.forename, "PersonBirthDate": p.dob,
        "Sex": p.sex, "Ethnicity": p.ethnicity, "PostCode": p.postcode, "UPN": p.upn,
        "UniqueLearnerNumber": p.uln, "UPNunknown": p.upn_unknown})
    for r in p.requests:
        lead = {"person": number, "case_ref": r.case_ref}
        yield ("Requests", {
            **lead, "ReceivedDate": r.received,
            "RequestSource": rules.REQUEST_SOURCES.get(r.source or ""),
            "RequestOutcomeDate": r.outcome_date, "RequestOutcome": r.outcome,
            "RequestMediation": _flag(r.mediation), "RequestTribunal": _flag(r.tribunal),
            "Exported": r.exported})
        if r.assessment is not None:
            yield from _assessment(lead, r.assessment)
        if r.active is not None:
            yield from _active(lead, r.active)


def _assessment(lead: dict[str, Any], a: rules.Assessment) -> Iterator[Row]:
    yield ("Assessment", {
        **lead, "AssessmentOutcome": a.outcome, "AssessmentOutcomeDate": a.outcome_date,
        "AssessmentMediation": _flag(a.mediation), "AssessmentTribunal": _flag(a.tribunal),
        "Week20": _flag(a.week20)})
    plan = a.plan
    if plan is None:
        return
    reason = rules.CEASE_REASONS.get(plan.cease_reason or "")
    yield ("NamedPlan", {
        **lead, "StartDate": plan.start, "PlanRes": plan.residential, "PlanWBP": plan.wbp,
        "CeaseDate": plan.cease_date, "CeaseReason": reason[0] if reason else None})
    for d in sorted(plan.details, key=lambda d: d.rank)[:2]:  # as the XML has them
        yield ("PlanDetail", {
            **lead, **_where(d), "SENunitIndicator": _flag(d.unit),
            "ResourcedProvisionIndicator": _flag(d.resourced)})


def _active(lead: dict[str, Any], ap: rules.ActivePlan) -> Iterator[Row]:
    yield ("ActivePlans", {
        **lead, "TransferLA": ap.transfer_la, "ReviewMeeting": ap.review_meeting,
        "ReviewOutcome": rules.REVIEW_OUTCOMES.get(ap.review_outcome or ""),
        "LastReview": ap.last_review})
    for pl in ap.placements:
        yield ("PlacementDetail", {
            **lead, **_where(pl), "EntryDate": pl.entry, "LeavingDate": pl.leaving,
            "SENunitIndicator": _flag(pl.unit),
            "ResourcedProvisionIndicator": _flag(pl.resourced), "Res": pl.residential,
            "WBP": pl.wbp})
    for need in sorted(ap.needs, key=lambda n: n.rank)[:2]:
        yield ("SENneed", {**lead, "SENtype": need.type, "SENtypeRank": need.rank})


def _where(pl: rules.Placement) -> dict[str, Any]:
    return {"URN": pl.urn, "UKPRN": pl.ukprn, "SENSetting": pl.setting,
            "SENSettingOther": pl.setting_other, "PlacementRank": pl.rank}


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)
