"""send-cli report kpi: figures worked out by hand for calendar year 2027."""

from __future__ import annotations

import pytest

from send_cli.reports.kpi import default_period, pct

NOW = "2028-01-10T09:00"


def ms(cli, ref, *steps):
    for step in steps:
        kind, on, *outcome = step.split()
        args = ["case", "milestone", ref, kind, "--on", on]
        if outcome:
            args += ["--outcome", outcome[0]]
        cli.ok(*args, now=NOW)


def add(cli, ref, received, officer="CO1", dob="2015-01-01"):
    cli.case(ref, received=received, officer=officer, dob=dob, now=NOW)


def plan(cli, ref, received, assess, issue, draft, final):
    add(cli, ref, received)
    ms(cli, ref, f"assessment-decision {assess} agreed", f"issue-decision {issue} agreed",
       f"draft-plan {draft}", f"final-plan {final}")


@pytest.fixture
def year(team):
    """A year of casework, 2027."""
    return worked_year(team)


def worked_year(team):
    """A year of casework, 2027 (the year fixture; the dashboard's tests use it too)."""
    # new plans issued in 2027 (20 weeks after the request, and how long it took)
    plan(team, "P1", "2026-11-02", "2026-12-10", "2027-02-01", "2027-02-05", "2027-03-22")
    # due 22 Mar, made on it: within; 140 days
    plan(team, "P2", "2026-11-02", "2026-12-14", "2027-02-01", "2027-02-05", "2027-03-23")
    # a day late (141 days), with an exception (c)
    team.ok("case", "exception", "P2", "--code", "c", "--reason", "bereavement", "--from",
            "2027-01-10", "--to", "2027-02-20", now=NOW)
    plan(team, "P3", "2026-12-24", "2027-02-05", "2027-04-01", "2027-04-10", "2027-05-13")
    # 20 weeks over Christmas end on 13 May: within (140 days), with an exception (d);
    # its decision to assess came a day after the 6 weeks (4 Feb)
    team.ok("case", "exception", "P3", "--code", "d", "--reason", "family abroad", "--from",
            "2027-01-05", "--to", "2027-02-28", now=NOW)
    plan(team, "P4", "2027-01-04", "2027-02-15", "2027-04-19", "2027-05-01", "2027-06-14")
    # due 24 May: three weeks late (161 days), no exception; decided on the 6-week day
    plan(team, "P6", "2027-03-01", "2027-04-01", "2027-05-20", "2027-06-01", "2027-07-05")
    # due 19 Jul: within (126 days); decided within 6 weeks (12 Apr)
    # a plan of 2026, reviewed on time in 2027 (due 19 Oct), decided late (due 9 Nov)
    plan(team, "P5", "2026-06-01", "2026-07-01", "2026-09-01", "2026-09-10", "2026-10-19")
    ms(team, "P5", "annual-review 2027-10-12", "review-decision 2027-11-15 maintain")
    # reviewed late (due 20 May), decided within 4 weeks, amended on time (due 15 Aug)
    plan(team, "A1", "2026-01-05", "2026-02-10", "2026-04-01", "2026-04-10", "2026-05-20")
    ms(team, "A1", "annual-review 2027-06-01", "review-decision 2027-06-20 amend",
       "amended-plan 2027-08-01")
    # never reviewed (due 15 Jun 2027)
    plan(team, "A2", "2026-02-02", "2026-03-10", "2026-05-01", "2026-05-10", "2026-06-15")
    # a refusal to assess, decided a week late (due 13 Jul)
    add(team, "R1", "2027-06-01", officer="CO2")
    ms(team, "R1", "assessment-decision 2027-07-20 refused")
    # assessments waiting on advice at the end of 2027
    add(team, "Q1", "2027-11-01", officer="AO1")
    ms(team, "Q1", "assessment-decision 2027-11-20 agreed")
    team.ok("case", "advice", "Q1", "--from", "educational-psychology", "--requested",
            "2027-11-22", now=NOW)  # due 3 Jan 2028: outstanding, not yet late
    add(team, "Q2", "2027-09-01", officer="AO1")
    ms(team, "Q2", "assessment-decision 2027-10-01 agreed")
    for source, received in (("educational-psychology", None), ("health", "2028-01-05"),
                             ("social-care", "2027-11-01")):
        args = ["--received", received] if received else []
        team.ok("case", "advice", "Q2", "--from", source, "--requested", "2027-10-04", *args,
                now=NOW)  # due 15 Nov 2027
    # a closed case is nobody's caseload
    add(team, "Z1", "2027-02-01", officer="CO2")
    team.ok("case", "close", "Z1", "--reason", "withdrawn", now=NOW)
    # follow-ups: an email answered in time, one answered late, a call never returned
    for at in ("2027-03-01T10:00", "2027-03-22T10:00"):
        team.ok("contact", "log", "P1", "--channel", "email", "--direction", "in", "--party",
                "parent", "--summary", "question", "--at", at, now=at)
    team.ok("followup", "done", "1", now="2027-03-05T12:00")  # due 8 Mar
    team.ok("followup", "done", "2", now="2027-04-01T12:00")  # due 29 Mar
    team.ok("contact", "log", "P1", "--channel", "phone", "--direction", "in", "--party",
            "parent", "--summary", "call me", "--at", "2027-06-01T10:00", now=NOW)
    return team


def test_kpi_for_2027_worked_by_hand(year):
    k = year.json("report", "kpi", "--from", "2027-01-01", "--to", "2027-12-31", now=NOW)
    assert k["from"] == "2027-01-01" and k["to"] == "2027-12-31"
    # P1, P2, P3, P4, P6 issued; within 20 weeks: P1, P3, P6
    assert (k["plans_issued"], k["plans_within_20_weeks"], k["pct_within_20_weeks"]) == (
        5, 3, 60.0)
    # SEN2 excluding exceptions: P2 and P3 leave both numerator and denominator
    assert k["plans_with_exceptions"] == 2
    assert (k["plans_issued_excl_exceptions"], k["plans_within_20_weeks_excl_exceptions"],
            k["pct_within_20_weeks_excl_exceptions"]) == (3, 2, 66.7)
    # (140 + 141 + 140 + 161 + 126) / 5 days = 141.6 days = 20.23 weeks
    assert k["avg_weeks_to_issue"] == 20.2
    # decisions whether to assess made in 2027: P3 (late), P4, P6, R1 (late), Q1, Q2
    assert (k["requests_decided"], k["requests_decided_within_6_weeks"],
            k["pct_requests_decided_within_6_weeks"]) == (6, 4, 66.7)
    # reviews due in 2027: P5 (on time), A1 (late), A2 (never held)
    assert (k["annual_reviews_due"], k["annual_reviews_on_time"],
            k["pct_annual_reviews_on_time"]) == (3, 1, 33.3)
    assert (k["review_decisions"], k["review_decisions_within_4_weeks"],
            k["pct_review_decisions_within_4_weeks"]) == (2, 1, 50.0)
    assert (k["amended_plans"], k["amended_plans_on_time"], k["pct_amended_plans_on_time"]) == (
        1, 1, 100.0)
    assert (k["followups_due"], k["followups_kept"], k["pct_followups_kept"]) == (3, 1, 33.3)
    assert k["advice_outstanding"] == {"educational-psychology": 2, "health": 1,
                                       "social-care": 0, "school": 0, "other": 0}
    assert k["advice_overdue"] == {"educational-psychology": 1, "health": 1, "social-care": 0,
                                   "school": 0, "other": 0}
    assert k["caseload"] == {"AO1": 2, "BS1": 0, "CO1": 8, "CO2": 1, "LCO1": 0, "SCO1": 0}
    months = {m["month"]: m for m in k["by_month"]}
    assert list(months) == [f"2027-{m:02d}" for m in range(1, 13)]
    assert months["2027-03"] == {"month": "2027-03", "plans_issued": 2,
                                 "plans_within_20_weeks": 1, "pct_within_20_weeks": 50.0}
    assert months["2027-06"]["pct_within_20_weeks"] == 0.0
    assert months["2027-02"]["pct_within_20_weeks"] is None


def test_kpi_default_period_and_table(year):
    k = year.json("report", "kpi", now=NOW)
    assert (k["from"], k["to"]) == ("2027-01-11", "2028-01-10")
    # P5's review (due 19 Oct) and A1's and A2's fall in it; so does nothing else
    assert k["annual_reviews_due"] == 3
    out = year.ok("report", "kpi", "--from", "2027-01-01", "--to", "2027-12-31",
                  now=NOW).stdout
    assert "KPIs 2027-01-01 to 2027-12-31" in out
    assert "Plans issued within 20 weeks, by month" in out
    line = next(x for x in out.splitlines() if x.startswith("  2027-03"))
    assert line == "  2027-03  " + "█" * 15 + "░" * 15 + "   50.0%  1 of 2"
    assert "no plans issued" in next(x for x in out.splitlines() if x.startswith("  2027-02"))
    csv = year.ok("report", "kpi", "--from", "2027-01-01", "--to", "2027-12-31",
                  "--format", "csv", now=NOW).stdout.splitlines()
    assert csv[0] == "key,value"
    assert "pct_within_20_weeks_excl_exceptions,66.7" in csv
    assert "advice_outstanding.educational-psychology,2" in csv
    assert "by_month.2027-03.plans_issued,2" in csv


def test_nothing_to_count_is_null(team):
    k = team.json("report", "kpi", "--from", "2027-01-01", "--to", "2027-12-31", now=NOW)
    for key in ("pct_within_20_weeks", "pct_within_20_weeks_excl_exceptions",
                "pct_annual_reviews_on_time", "avg_weeks_to_issue"):
        assert k[key] is None
    assert (k["plans_issued"], k["annual_reviews_due"]) == (0, 0)


def test_kpi_refusals(team):
    assert team.fails(2, "report", "kpi", "--from", "2027-02-01", "--to", "2027-01-01",
                      now=NOW) == ("error: --from 2027-02-01 is after --to 2027-01-01; give a "
                                   "period that runs forward")
    assert team.fails(2, "report", "kpi", "--from", "2027-02-30", now=NOW) == (
        "error: --from '2027-02-30' is not a real date; use YYYY-MM-DD")


def test_percentages_round_half_up_to_one_place():
    assert pct(2, 3) == 66.7
    assert pct(1, 3) == 33.3
    assert pct(1, 8) == 12.5
    assert pct(1, 16) == 6.3  # 6.25 rounds up, as people round
    assert pct(0, 5) == 0.0
    assert pct(0, 0) is None


def test_default_period_is_the_twelve_months_to_today():
    from datetime import date

    assert default_period(date(2027, 1, 4)) == (date(2026, 1, 5), date(2027, 1, 4))
    assert default_period(date(2028, 2, 29)) == (date(2027, 3, 1), date(2028, 2, 29))
    assert default_period(date(2027, 3, 31)) == (date(2026, 4, 1), date(2027, 3, 31))
