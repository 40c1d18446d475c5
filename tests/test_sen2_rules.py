"""The SEN2 rules (code lists, census dates, identifiers, checks) and the XML
writer, validated against the shipped schema."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import xmlschema

from send_cli.reports.sen2xml import SCHEMA, xml_chunks
from send_cli.rules import sen2
from send_cli.rules.sen2 import (
    ActivePlan,
    Assessment,
    Header,
    NamedPlan,
    Need,
    Person,
    Placement,
    Request,
)

CENSUS = date(2027, 1, 21)
GOOD_UPN = "B801200005001"


def header(**kw) -> Header:
    values = dict(year=2027, census=CENSUS, la="999", dmo="Y", dco="Y", dsco="R",
                  software="send-cli", release="1.0", made=datetime(2027, 2, 1, 9, 30))
    values.update(kw)
    return Header(**values)


def complete_person() -> Person:
    plan = NamedPlan(start=date(2026, 6, 20),
                     details=[Placement(urn="100000", rank=1)])
    return Person(
        surname="Example", forename="Sam", dob=date(2016, 5, 1), sex="F", ethnicity="WBRI",
        postcode="ZZ99 9ZZ", upn=GOOD_UPN,
        requests=[Request(
            case_ref="EHC-1", received=date(2026, 2, 3), source="setting", outcome="Y",
            outcome_date=date(2026, 3, 12),
            assessment=Assessment(outcome="Y", outcome_date=date(2026, 6, 20), week20=False,
                                  plan=plan),
            active=ActivePlan(placements=[Placement(urn="100000", rank=1,
                                                    entry=date(2026, 9, 3))],
                              needs=[Need("ASD", 1), Need("SLCN", 2)]))])


def items(person: Person) -> set[tuple[str, str]]:
    return {(f.item, f.severity) for f in sen2.check_person(person, census=CENSUS, la="999")}


def test_census_dates_are_the_third_thursday_of_january():
    for year, day in sen2.CENSUS_DATES.items():
        assert day == sen2.third_thursday(year)
        assert day.weekday() == 3
    assert sen2.census_date(2027) == date(2027, 1, 21)
    assert sen2.census_date(2031) is None
    assert sen2.period(CENSUS) == (date(2026, 1, 1), date(2026, 12, 31))


def test_code_lists():
    assert "DS" in sen2.NEED_TYPES and len(sen2.NEED_TYPES) == 13
    assert len(sen2.CEASE_REASONS) == 9
    assert sorted(code for code, _ in sen2.CEASE_REASONS.values()) == list("123456789")
    assert list(sen2.UPN_UNKNOWN) == [f"UN{n}" for n in range(1, 11)]
    assert sen2.REQUEST_SOURCES["setting"] == "2" and sen2.REQUEST_SOURCES["other"] == "5"
    assert "WBRI" in sen2.ETHNICITIES and "NOBT" in sen2.ETHNICITIES


def test_identifiers():
    assert sen2.upn_problem(GOOD_UPN) is None
    assert sen2.upn_problem("A801200005001") == "its check letter does not match"
    assert sen2.upn_problem("B80120000500") == "it is not 13 characters long"
    assert sen2.is_uln("1234567890") and not sen2.is_uln("123456789")
    assert sen2.is_la_code("855") and not sen2.is_la_code("85")
    assert sen2.clean_postcode("le15 6hp") == "LE15 6HP"
    assert sen2.is_postcode("LE15 6HP") and not sen2.is_postcode("LE15")
    assert sen2.split_name("Mary Jane Smith") == ("Mary Jane", "Smith")
    assert sen2.split_name("Smith") == ("", "Smith")


def test_a_complete_person_is_clean():
    assert items(complete_person()) == set()


def test_an_active_plan_without_a_need_or_placement_is_an_error():
    p = complete_person()
    p.requests[0].active.needs = []
    p.requests[0].active.placements = []
    assert {("SENneed", "error"), ("PlacementDetail", "error")} <= items(p)


def test_identity_findings_name_no_value():
    p = complete_person()
    p.upn = "A801200005001"
    p.dob = date(2000, 1, 1)
    p.ethnicity = None
    found = list(sen2.check_person(p, census=CENSUS))
    assert {(f.item, f.severity) for f in found} >= {
        ("UPN", "error"), ("PersonBirthDate", "error"), ("Ethnicity", "error")}
    assert not any("A801200005001" in f.message or "2000" in f.message for f in found)


def test_twenty_five_is_a_query_and_no_identifier_an_error():
    p = complete_person()
    p.dob = date(2001, 6, 1)
    p.upn = None
    assert {("PersonBirthDate", "query"), ("UPNunknown", "error")} <= items(p)
    p.upn_unknown = "UN8"
    assert ("UPNunknown", "error") not in items(p)


def test_dates_in_order_and_outcome_date_pairs():
    p = complete_person()
    r = p.requests[0]
    r.outcome_date = date(2026, 1, 5)  # before the request was received
    r.assessment.plan.cease_date = date(2026, 12, 1)  # no reason
    assert {("RequestOutcomeDate", "error"), ("CeaseReason", "error")} <= items(p)
    r.outcome_date = None
    assert ("RequestOutcomeDate", "error") in items(p)


def test_placement_identifiers():
    p = complete_person()
    p.requests[0].active.placements = [Placement(urn="100000", ukprn="10000000", rank=1),
                                       Placement(setting="NEET", rank=2)]
    found = items(p)
    assert ("PlacementDetail", "error") in found
    assert ("SENSetting", "error") in found  # NEET at 10


def test_header_checks():
    assert sen2.check_header(header()) == []
    found = sen2.check_header(header(la=None, dsco=None))
    assert {f.item for f in found} == {"LEA", "DSCO"}


def test_the_xml_follows_the_schema_and_the_dfe_order():
    schema = xmlschema.XMLSchema(str(SCHEMA))
    p = complete_person()
    p.requests[0].assessment.plan.cease_date = None
    refused = Request(case_ref="EHC-2", received=date(2026, 4, 1), source="parent",
                      outcome="N", outcome_date=date(2026, 5, 10))
    p.requests.append(refused)
    text = "".join(xml_chunks(header(), [p]))
    schema.validate(text)
    data = schema.to_dict(text)
    person = data["Persons"]["Person"][0]
    first, second = person["Requests"]
    assert first["RequestSource"] == "2" and first["RequestOutcome"] == "Y"
    assert first["Assessment"]["AssessmentOutcomeDate"] == "2026-06-20"
    assert first["Assessment"]["NamedPlan"]["PlanDetail"][0]["URN"] == "100000"
    assert [n["SENtypeRank"] for n in first["ActivePlans"]["SENneed"]] == ["1", "2"]
    assert second["RequestOutcome"] == "N" and "Assessment" not in second
    assert text.index("<RequestOutcomeDate>") < text.index("<RequestOutcome>")
    assert data["Header"]["Source"]["DSCO"] == "R"


def test_text_is_escaped():
    p = complete_person()
    p.surname = "O'Neil & <Co>"
    text = "".join(xml_chunks(header(), [p]))
    xmlschema.XMLSchema(str(SCHEMA)).validate(text)
    assert "O'Neil &amp; &lt;Co&gt;" in text


@pytest.mark.parametrize("reason,code", [("max-age", "1"), ("died", "8"), ("other", "9")])
def test_cease_reasons_are_coded_in_the_file(reason, code):
    p = complete_person()
    p.requests[0].assessment.plan.cease_date = date(2026, 12, 1)
    p.requests[0].assessment.plan.cease_reason = reason
    p.requests[0].active = None
    text = "".join(xml_chunks(header(), [p]))
    xmlschema.XMLSchema(str(SCHEMA)).validate(text)
    assert f"<CeaseReason>{code}</CeaseReason>" in text
