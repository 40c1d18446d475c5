"""The SEN2 return as data: the DfE's code lists, census dates, identifier
checks, and the checks a return must pass before it is submitted."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from send_cli.rules.people import age_on

# -- code lists (DfE SEN2 guide and the CBDS) ---------------------------------
NEED_TYPES = {
    "SPLD": "specific learning difficulty",
    "MLD": "moderate learning difficulty",
    "SLD": "severe learning difficulty",
    "PMLD": "profound and multiple learning difficulty",
    "SEMH": "social, emotional and mental health",
    "SLCN": "speech, language and communication needs",
    "HI": "hearing impairment",
    "VI": "vision impairment",
    "MSI": "multi-sensory impairment",
    "PD": "physical disability",
    "ASD": "autistic spectrum disorder",
    "DS": "Down syndrome",
    "OTH": "other difficulty or disability",
}

ETHNICITIES = {
    "WBRI": "White - British",
    "WIRI": "White - Irish",
    "WIRT": "Traveller of Irish heritage",
    "WOTH": "Any other White background",
    "WROM": "Gypsy / Roma",
    "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African",
    "MWAS": "White and Asian",
    "MOTH": "Any other mixed background",
    "AIND": "Indian",
    "APKN": "Pakistani",
    "ABAN": "Bangladeshi",
    "AOTH": "Any other Asian background",
    "BCRB": "Black Caribbean",
    "BAFR": "Black - African",
    "BOTH": "Any other Black background",
    "CHNE": "Chinese",
    "OOTH": "Any other ethnic group",
    "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}

SEXES = {"M": "male", "F": "female", "U": "not known"}

UPN_UNKNOWN = {
    "UN1": "under 6 years old and not yet given a UPN",
    "UN2": "never attended a state-funded school in England",
    "UN3": "educated outside England",
    "UN4": "see the DfE's SEN2 guide for this code",
    "UN5": "records conflict, UPN not known",
    "UN6": "see the DfE's SEN2 guide for this code",
    "UN7": "see the DfE's SEN2 guide for this code",
    "UN8": "new to the council, identifier not yet known",
    "UN9": "never attended a state school or further education setting in England",
    "UN10": "request ended with no further action before an identifier was known",
}

# --requested-by (the words an officer types) -> SEN2 RequestSource
REQUEST_SOURCES = {
    "parent": "1",
    "young-person": "1",
    "setting": "2",
    "health": "3",
    "social-care": "4",
    "other": "5",
}

# the nine reasons a plan ends, in words -> SEN2 CeaseReason
CEASE_REASONS = {
    "max-age": ("1", "reached the maximum age (end of the academic year they turn 25)"),
    "needs-met": ("2", "needs met without a plan; education or training continues"),
    "higher-education": ("3", "moved on to higher education"),
    "employment": ("4", "moved on to paid employment (not an apprenticeship)"),
    "transferred": ("5", "transferred to another council in England"),
    "not-engaging": ("6", "the young person no longer wants to engage in education or "
                          "training"),
    "moved-abroad": ("7", "moved outside England"),
    "died": ("8", "deceased"),
    "other": ("9", "any other reason"),
}

# SENSetting, for a placement with no URN or UKPRN
SEN_SETTINGS = {
    "OLA": "education otherwise than at school arranged by the council (s.61)",
    "OPA": "other arrangements by parents or the young person (s.42(5)), not elective "
           "home education",
    "EHE": "elective home education",
    "EYP": "early years provider with no URN",
    "OTH": "type of setting named, no specific setting",
    "NEET": "not in education, employment or training (16-25)",
    "NIEC": "not in education: notice to cease issued",
    "NIEO": "not in education: other reason",
}

RESIDENTIAL = {"A": "residential up to 38 weeks", "B": "residential 39 to 52 weeks"}
WORK_BASED = {"A": "apprenticeship", "T": "traineeship", "S": "supported internship"}
DESIGNATED = {"Y": "yes", "N": "no", "R": "recruiting"}  # DMO, DCO, DSCO
REVIEW_OUTCOMES = {"maintain": "M", "amend": "A", "cease": "C"}
# the council's items in the return's header: setting name -> key in the store
SETTINGS = {"la-code": "sen2_la_code", "dmo": "sen2_dmo", "dco": "sen2_dco",
            "dsco": "sen2_dsco"}

# Census dates (the ReferenceDate) as the DfE published them: the third
# Thursday of January.
CENSUS_DATES = {
    2023: date(2023, 1, 19),
    2024: date(2024, 1, 18),
    2025: date(2025, 1, 16),
    2026: date(2026, 1, 15),
    2027: date(2027, 1, 21),
}

MAX_AGE = 25
_LA = re.compile(r"^\d{3}$")
_ULN = re.compile(r"^\d{10}$")
_URN = re.compile(r"^\d{6}$")
_UKPRN = re.compile(r"^\d{8}$")
_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$")


def census_date(year: int) -> date | None:
    """The published census date of the return for YEAR, or None."""
    return CENSUS_DATES.get(year)


def third_thursday(year: int) -> date:
    """The third Thursday of January of YEAR (how the DfE sets the census)."""
    first = date(year, 1, 1)
    return date(year, 1, 1 + (3 - first.weekday()) % 7 + 14)


def period(census: date) -> tuple[date, date]:
    """The reference period of a return: the calendar year before the census."""
    return date(census.year - 1, 1, 1), date(census.year - 1, 12, 31)


# -- identifiers ----------------------------------------------------------------
def upn_problem(value: str) -> str | None:
    """Why VALUE is not a Unique Pupil Number, or None when it is one
    (python-stdnum's check: 13 characters, a known LA number, the check letter)."""
    from stdnum import exceptions
    from stdnum.gb import upn

    try:
        upn.validate(value)
    except exceptions.InvalidChecksum:
        return "its check letter does not match"
    except exceptions.InvalidLength:
        return "it is not 13 characters long"
    except exceptions.InvalidComponent:
        return "its LA number is not one the DfE issues"
    except exceptions.ValidationError:
        return "it is not a letter, 11 digits and a digit or letter"
    return None


def clean_upn(value: str) -> str:
    return value.strip().upper().replace(" ", "")


def is_uln(value: str) -> bool:
    return bool(_ULN.fullmatch(value))


def is_la_code(value: str) -> bool:
    return bool(_LA.fullmatch(value))


def is_urn(value: str) -> bool:
    return bool(_URN.fullmatch(value))


def is_ukprn(value: str) -> bool:
    return bool(_UKPRN.fullmatch(value))


def clean_postcode(value: str) -> str:
    """A postcode in capitals with one space before the inward part."""
    text = "".join(value.split()).upper()
    return f"{text[:-3]} {text[-3:]}" if len(text) > 3 else text


def is_postcode(value: str) -> bool:
    return bool(_POSTCODE.fullmatch(value))


def split_name(name: str) -> tuple[str, str]:
    """(forename, surname) from a full name split at its last space; a single
    word is taken as the surname."""
    text = " ".join(name.split())
    if " " not in text:
        return "", text
    forename, surname = text.rsplit(" ", 1)
    return forename, surname


# -- the return as plain records --------------------------------------------------
@dataclass
class Header:
    year: int
    census: date
    la: str | None
    dmo: str | None
    dco: str | None
    dsco: str | None
    software: str
    release: str
    made: datetime
    serial: str = "001"


@dataclass
class Placement:
    """A named placement (section I of the plan) or a placement held."""

    urn: str | None = None
    ukprn: str | None = None
    setting: str | None = None
    setting_other: str | None = None
    rank: int = 1
    entry: date | None = None
    leaving: date | None = None
    unit: bool = False
    resourced: bool = False
    residential: str | None = None
    wbp: str | None = None


@dataclass
class Need:
    type: str
    rank: int


@dataclass
class NamedPlan:
    start: date
    details: list[Placement] = field(default_factory=list)
    residential: str | None = None
    wbp: str | None = None
    cease_date: date | None = None
    cease_reason: str | None = None  # the words; coded in the file


@dataclass
class Assessment:
    outcome: str  # Y N A W H
    outcome_date: date | None = None
    week20: bool | None = None
    mediation: bool | None = None  # None: not known, left out of the file
    tribunal: bool | None = None
    plan: NamedPlan | None = None


@dataclass
class ActivePlan:
    transfer_la: str | None = None
    placements: list[Placement] = field(default_factory=list)
    needs: list[Need] = field(default_factory=list)
    review_meeting: date | None = None
    review_outcome: str | None = None  # maintain amend cease
    last_review: date | None = None  # the decision letter


@dataclass
class Request:
    case_ref: str
    received: date
    source: str | None  # the words of --requested-by
    outcome: str  # Y N A W H
    outcome_date: date | None = None
    mediation: bool | None = None
    tribunal: bool | None = None
    exported: str | None = None
    assessment: Assessment | None = None
    active: ActivePlan | None = None


@dataclass
class Person:
    surname: str
    forename: str
    dob: date | None
    sex: str | None = None
    ethnicity: str | None = None
    postcode: str | None = None
    upn: str | None = None
    uln: str | None = None
    upn_unknown: str | None = None
    requests: list[Request] = field(default_factory=list)


@dataclass(frozen=True)
class Finding:
    """One thing to put right (error) or explain (query) before submitting."""

    case_ref: str
    item: str
    severity: str  # error | query
    message: str


# -- checks before submission -----------------------------------------------------
def check_header(header: Header) -> list[Finding]:
    out = []
    if header.la is None:
        out.append(Finding("", "LEA", "error",
                           "the council's LA code is not set; use 'send-cli setting set "
                           "la-code NNN'"))
    elif not is_la_code(header.la):
        out.append(Finding("", "LEA", "error", "the LA code is not 3 digits"))
    for item, value in (("DMO", header.dmo), ("DCO", header.dco), ("DSCO", header.dsco)):
        if value is None:
            out.append(Finding("", item, "error",
                               f"{item} is not set; use 'send-cli setting set "
                               f"{item.lower()} Y|N|R'"))
        elif value not in DESIGNATED:
            out.append(Finding("", item, "error", f"{item} is not Y, N or R"))
    return out


def check_person(person: Person, *, census: date, la: str | None = None) -> Iterator[Finding]:
    """The findings on one person and their requests. Messages name the item
    and what is wrong, never the value (it may be personal data)."""
    ref = person.requests[0].case_ref if person.requests else ""
    seen: set[Finding] = set()  # a placement is in the plan and among those held
    for finding in _all(person, ref, census, la):
        if finding not in seen:
            seen.add(finding)
            yield finding


def _all(person: Person, ref: str, census: date, la: str | None) -> Iterator[Finding]:
    yield from _identity(person, ref, census)
    for request in person.requests:
        yield from _request(request, person, census, la)


def _identity(p: Person, ref: str, census: date) -> Iterator[Finding]:
    if not p.surname.strip():
        yield Finding(ref, "Surname", "error", "the surname is missing")
    if not p.forename.strip():
        yield Finding(ref, "Forename", "error", "the forename is missing")
    if p.dob is None:
        yield Finding(ref, "PersonBirthDate", "error", "the date of birth is missing")
    else:
        if p.dob > census:
            yield Finding(ref, "PersonBirthDate", "error",
                          "the date of birth is after the census date")
        else:
            age = age_on(p.dob, census)
            if age > MAX_AGE:
                yield Finding(ref, "PersonBirthDate", "error",
                              "aged 26 or over on the census date; SEN2 covers ages 0 to 25")
            elif age == MAX_AGE:
                yield Finding(ref, "PersonBirthDate", "query",
                              "aged 25 on the census date; check the plan should still be "
                              "in force")
    if p.sex is None:
        yield Finding(ref, "Sex", "error", "sex is not recorded (M, F or U)")
    elif p.sex not in SEXES:
        yield Finding(ref, "Sex", "error", "sex is not M, F or U")
    elif p.sex == "U":
        yield Finding(ref, "Sex", "query", "sex is recorded as not known")
    if p.ethnicity is None:
        yield Finding(ref, "Ethnicity", "error", "ethnicity is not recorded (a CBDS code; "
                                                  "NOBT when not yet obtained)")
    elif p.ethnicity not in ETHNICITIES:
        yield Finding(ref, "Ethnicity", "error", "ethnicity is not a CBDS code")
    if not p.postcode:
        yield Finding(ref, "PostCode", "error", "the postcode is missing")
    elif not is_postcode(p.postcode):
        yield Finding(ref, "PostCode", "error", "the postcode is not a UK postcode")
    if p.upn is not None and upn_problem(p.upn) is not None:
        yield Finding(ref, "UPN", "error", f"the UPN is not valid: {upn_problem(p.upn)}")
    if p.uln is not None and not is_uln(p.uln):
        yield Finding(ref, "UniqueLearnerNumber", "error", "the ULN is not 10 digits")
    if p.upn is None and p.uln is None and p.upn_unknown is None:
        yield Finding(ref, "UPNunknown", "error",
                      "no UPN, ULN or reason the UPN is unknown (UN1-UN10)")
    if p.upn_unknown is not None:
        if p.upn_unknown not in UPN_UNKNOWN:
            yield Finding(ref, "UPNunknown", "error", "the UPN-unknown reason is not UN1-UN10")
        elif p.upn is not None or p.uln is not None:
            yield Finding(ref, "UPNunknown", "error",
                          "a UPN-unknown reason is recorded beside a UPN or ULN; keep one")


def _request(r: Request, p: Person, census: date, la: str | None) -> Iterator[Finding]:
    ref = r.case_ref
    start, _ = period(census)
    dates = [("ReceivedDate", r.received), ("RequestOutcomeDate", r.outcome_date)]
    if r.source is None:
        yield Finding(ref, "RequestSource", "error", "who made the request is not recorded")
    elif r.source == "other":
        yield Finding(ref, "RequestSource", "query",
                      "the request is from 'other'; the DfE asks about heavy use of it")
    if r.outcome in ("Y", "N") and r.outcome_date is None:
        yield Finding(ref, "RequestOutcomeDate", "error",
                      "a decision to assess or not needs its date")
    if r.outcome in ("A", "W", "H") and r.outcome_date is not None:
        yield Finding(ref, "RequestOutcomeDate", "error",
                      f"request outcome {r.outcome} takes no date")
    if r.assessment is not None and r.outcome not in ("Y", "H"):
        yield Finding(ref, "AssessmentOutcome", "error",
                      "an assessment is recorded but the request was not agreed")
    if r.exported is not None and (not is_la_code(r.exported) or r.exported == la):
        yield Finding(ref, "Exported", "error", "not another council's 3-digit LA code")
    a = r.assessment
    if a is not None:
        dates.append(("AssessmentOutcomeDate", a.outcome_date))
        if a.outcome == "N" and a.outcome_date is None:
            yield Finding(ref, "AssessmentOutcomeDate", "error",
                          "a decision not to issue a plan needs its date")
        if a.outcome == "Y" and a.outcome_date is not None and a.plan is None:
            yield Finding(ref, "NamedPlan", "error", "a plan was issued but has no details")
        if (a.outcome == "Y" and a.outcome_date is not None and r.outcome_date is not None
                and (a.outcome_date - r.received).days > 140 and a.week20 is None):
            yield Finding(ref, "Week20", "query",
                          "the plan was issued after 20 weeks; say whether an exception "
                          "applied")
        plan = a.plan
        if plan is not None:
            dates.append(("StartDate", plan.start))
            dates.append(("CeaseDate", plan.cease_date))
            if (plan.cease_date is None) != (plan.cease_reason is None):
                yield Finding(ref, "CeaseReason", "error",
                              "a plan's end date and cease reason go together")
            if plan.cease_date is not None and plan.cease_date < start:
                yield Finding(ref, "CeaseDate", "error",
                              "the plan ended before the reference period")
            if plan.cease_reason == "other":
                yield Finding(ref, "CeaseReason", "query",
                              "the plan ceased for 'other' reasons; the DfE will ask why")
            yield from _placements(ref, plan.details, p, census, "PlanDetail")
    if r.active is not None:
        yield from _active(r.active, ref, p, census, la)
    yield from _order(ref, dates, p, census)


def _active(ap: ActivePlan, ref: str, p: Person, census: date,
            la: str | None) -> Iterator[Finding]:
    ranks = [n.rank for n in ap.needs]
    if 1 not in ranks:
        yield Finding(ref, "SENneed", "error",
                      "the plan is active but has no primary (rank 1) need; use "
                      "'send-cli case need'")
    if len(ranks) != len(set(ranks)):
        yield Finding(ref, "SENtypeRank", "error", "two needs have the same rank")
    for n in ap.needs:
        if n.type not in NEED_TYPES:
            yield Finding(ref, "SENtype", "error", "the need type is not a SEN2 code")
    held = [pl for pl in ap.placements if pl.leaving is None or pl.leaving >= census]
    if not any(pl.rank == 1 for pl in held):
        yield Finding(ref, "PlacementDetail", "error",
                      "the plan is active but has no rank 1 placement on the census date; "
                      "use 'send-cli case placement'")
    held_ranks = [pl.rank for pl in held]
    if len(held_ranks) != len(set(held_ranks)):
        yield Finding(ref, "PlacementRank", "error",
                      "two placements held on the census date have the same rank")
    if ap.transfer_la is not None and (not is_la_code(ap.transfer_la)
                                       or ap.transfer_la == la):
        yield Finding(ref, "TransferLA", "error", "not another council's 3-digit LA code")
    if ap.review_outcome is not None and ap.last_review is None:
        yield Finding(ref, "LastReview", "error",
                      "a review outcome is recorded without the decision letter's date")
    if (ap.review_meeting is not None and ap.last_review is not None
            and ap.last_review < ap.review_meeting):
        yield Finding(ref, "LastReview", "error",
                      "the review decision letter is dated before the review meeting")
    yield from _placements(ref, ap.placements, p, census, "PlacementDetail")


def _placements(ref: str, placements: list[Placement], p: Person, census: date,
                item: str) -> Iterator[Finding]:
    for pl in placements:
        given = [x for x in (pl.urn, pl.ukprn, pl.setting) if x is not None]
        if len(given) != 1:
            yield Finding(ref, item, "error",
                          "a placement needs exactly one of URN, UKPRN or setting code")
        if pl.urn is not None and not is_urn(pl.urn):
            yield Finding(ref, "URN", "error", "the URN is not 6 digits")
        if pl.ukprn is not None and not is_ukprn(pl.ukprn):
            yield Finding(ref, "UKPRN", "error", "the UKPRN is not 8 digits")
        if pl.setting is not None and pl.setting not in SEN_SETTINGS:
            yield Finding(ref, "SENSetting", "error", "the setting code is not a SEN2 code")
        if pl.setting in ("OTH", "NIEO"):
            yield Finding(ref, "SENSetting", "query",
                          f"placement type {pl.setting}; the DfE asks for an explanation")
        if (pl.setting == "NEET" and p.dob is not None
                and age_on(p.dob, census) < 16):
            yield Finding(ref, "SENSetting", "error", "NEET is for ages 16 to 25 only")
        if pl.rank not in (1, 2):
            yield Finding(ref, "PlacementRank", "error", "a placement rank is 1 or 2")
        if pl.entry is not None and pl.leaving is not None and pl.leaving < pl.entry:
            yield Finding(ref, "LeavingDate", "error",
                          "the placement's leaving date is before its entry date")
        if pl.residential is not None and pl.residential not in RESIDENTIAL:
            yield Finding(ref, "Res", "error", "the residential code is not A or B")
        if pl.wbp is not None and pl.wbp not in WORK_BASED:
            yield Finding(ref, "WBP", "error", "the work-based learning code is not A, T or S")


def _order(ref: str, dates: list[tuple[str, date | None]], p: Person,
           census: date) -> Iterator[Finding]:
    known = [(item, day) for item, day in dates if day is not None]
    for item, day in known:
        if day > census:
            yield Finding(ref, item, "error", "the date is after the census date")
        if p.dob is not None and day < p.dob:
            yield Finding(ref, item, "error", "the date is before the date of birth")
    for (item_a, a), (item_b, b) in zip(known, known[1:], strict=False):
        if b < a:
            yield Finding(ref, item_b, "error", f"{item_b} is before {item_a}")
