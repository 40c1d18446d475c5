"""The statutory timeline's review fixes, each pinned to dates worked out by
hand: history kept when a case ends, review order, the 4 weeks of the
exceptions, "starting with" for months, advice after a refusal, phase
transfers only for a plan in force, appeal windows to the Tribunal's day,
advice sources, bounded options, and under-fives cycles that keep their
interval.

Calendar facts used: Monday 30 August 2027 is the August bank holiday and
Wednesday 1 September 2027 the first working day after 31 August; Sunday
10 January 2027; 2028 is a leap year."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from send_cli.rules import statutory as st
from send_cli.rules.statutory import Event, Facts, case_clocks

D = date.fromisoformat


def ms(cli, ref, *steps, now):
    for step in steps:
        kind, on, *outcome = step.split()
        args = ["case", "milestone", ref, kind, "--on", on]
        if outcome:
            args += ["--outcome", outcome[0]]
        cli.ok(*args, now=now)


def planned(cli, ref, final, *, dob="2015-01-01", now="2027-12-01T09:00"):
    """A case whose final plan was made on FINAL, on time: the request 19
    weeks before, the decisions at weeks 5 and 12, the draft at week 14."""
    end = D(final)
    received = end - timedelta(weeks=19)
    cli.case(ref, received=received.isoformat(), dob=dob, now=now)
    ms(cli, ref, f"assessment-decision {received + timedelta(weeks=5)} agreed",
       f"issue-decision {received + timedelta(weeks=12)} agreed",
       f"draft-plan {received + timedelta(weeks=14)}", f"final-plan {final}", now=now)


def clocks(cli, ref, now):
    return {(c["milestone"], c["start"]): c
            for c in cli.json("case", "show", ref, now=now)["clocks"]}


# -- 1. a case that ends keeps the clocks that fell due while it was open ------
@pytest.fixture
def reviews_2028(team):
    """Plans whose first reviews fall due in 2028 (12 months starting with
    the day of the plan, so due the day before its anniversary)."""
    planned(team, "R1", "2027-03-01")  # due Tue 29 Feb 2028; held 20 Feb: on time
    planned(team, "R2", "2027-05-11")  # due 10 May 2028; missed; the plan ceased 1 Sep
    planned(team, "R3", "2027-06-02")  # due 1 Jun 2028; missed; the case closed 1 Jul
    planned(team, "R4", "2027-07-01")  # due 30 Jun 2028; held 10 Jul: late
    planned(team, "R5", "2027-09-15")  # due 14 Sep 2028; never held, still open
    planned(team, "R6", "2027-10-01")  # due 30 Sep 2028; the case closed 1 Aug, before it
    planned(team, "R7", "2027-11-01")  # due 31 Oct 2028; ceased that day: not owed
    ms(team, "R1", "annual-review 2028-02-20", now="2028-03-01T09:00")
    ms(team, "R2", "ceased 2028-09-01", now="2028-09-01T16:00")
    team.ok("case", "close", "R3", "--reason", "moved out of the area", now="2028-07-01T09:00")
    ms(team, "R4", "annual-review 2028-07-10", now="2028-07-10T16:00")
    team.ok("case", "close", "R6", "--reason", "moved out of the area", now="2028-08-01T09:00")
    ms(team, "R7", "ceased 2028-10-31", now="2028-10-31T16:00")
    return team


def test_reviews_missed_before_a_case_ended_still_count(reviews_2028):
    k = reviews_2028.json("report", "kpi", "--from", "2028-01-01", "--to", "2028-12-31",
                          now="2028-12-29T09:00")
    # R1 to R5 were expected in 2028 (SEN2); R6 and R7 ended before theirs fell due
    assert (k["annual_reviews_due"], k["annual_reviews_on_time"],
            k["pct_annual_reviews_on_time"]) == (5, 1, 20.0)


def test_an_ended_case_keeps_its_missed_clock_as_history(reviews_2028):
    now = "2028-12-29T09:00"
    r2 = clocks(reviews_2028, "R2", now)[("annual-review", "2027-05-11")]
    assert (r2["due"], r2["met_on"], r2["state"]) == ("2028-05-10", None, "missed")
    r3 = clocks(reviews_2028, "R3", now)[("annual-review", "2027-06-02")]
    assert (r3["due"], r3["state"]) == ("2028-06-01", "missed")
    # due after the case ended: no longer owed, gone
    assert ("annual-review", "2027-10-01") not in clocks(reviews_2028, "R6", now)
    assert ("annual-review", "2027-11-01") not in clocks(reviews_2028, "R7", now)


def test_deadlines_lists_no_clock_of_a_closed_or_ceased_case(reviews_2028):
    rows = reviews_2028.json("deadlines", now="2028-12-29T09:00")
    assert [(r["case_ref"], r["milestone"], r["due"], r["days_left"]) for r in rows] == [
        ("R1", "review-decision", "2028-03-19", -285),  # 4 weeks from the 20 Feb meeting
        ("R4", "review-decision", "2028-08-07", -144),
        ("R5", "annual-review", "2028-09-14", -106),
        ("R1", "annual-review", "2029-02-19", 52),
        ("R4", "annual-review", "2029-07-09", 192)]
    assert not {r["case_ref"] for r in rows} & {"R2", "R3", "R6", "R7"}


def test_a_ceased_plan_keeps_the_window_to_appeal_the_cessation(team):
    planned(team, "C-1", "2027-03-01")
    ms(team, "C-1", "annual-review 2028-02-01", "review-decision 2028-02-20 cease",
       "ceased 2028-03-20", now="2028-03-21T09:00")
    team.ok("case", "appeal", "C-1", "--decision-sent", "2028-02-21", now="2028-03-21T09:00")
    rows = team.json("deadlines", now="2028-03-21T09:00")
    # 2 months from 21 February 2028; the review decision was made: nothing else is owed
    assert [(r["milestone"], r["due"]) for r in rows] == [("appeal", "2028-04-21")]


# -- 2. the order of a review ---------------------------------------------------------
def E(kind, on, outcome=None):
    return Event(kind, D(on), outcome)


PLAN = [E("assessment-decision", "2026-12-10", "agreed"),
        E("issue-decision", "2027-02-01", "agreed"), E("draft-plan", "2027-02-05"),
        E("final-plan", "2027-03-29")]


def problem(kind, on, outcome, recorded):
    return st.milestone_problem(kind, D(on), outcome, received=D("2026-11-02"), status="x",
                                milestones=recorded)


def test_a_new_review_meeting_comes_after_the_last_decision():
    decided = PLAN + [E("annual-review", "2028-01-10"),
                      E("review-decision", "2028-02-01", "maintain")]
    assert problem("annual-review", "2028-01-20", None, decided) == (
        "rule", "annual-review on 2028-01-20 is before the last review decision on "
                "2028-02-01; it must be after 2028-02-01")
    # the same day is refused too: the next review follows the one decided
    assert problem("annual-review", "2028-02-01", None, decided)[0] == "rule"
    assert problem("annual-review", "2028-02-02", None, decided) is None
    amended = decided[:-1] + [E("review-decision", "2028-02-01", "amend"),
                              E("amended-plan", "2028-03-20")]
    assert problem("annual-review", "2028-03-01", None, amended) == (
        "rule", "annual-review on 2028-03-01 is before the amended plan on 2028-03-20; it "
                "must be after 2028-03-20")


def test_a_review_decision_is_not_dated_before_a_step_recorded_after_its_meeting():
    recorded = PLAN + [E("annual-review", "2028-01-10"),
                       E("review-decision", "2028-01-20", "amend"),
                       E("annual-review", "2029-01-05"), E("amended-plan", "2029-01-08")]
    assert problem("review-decision", "2029-01-06", "maintain", recorded) == (
        "rule", "review-decision on 2029-01-06 is before the amended plan on 2029-01-08; it "
                "must be on or after 2029-01-08")
    assert problem("review-decision", "2029-01-08", "maintain", recorded) is None
    # on the day of its meeting is fine
    pending = PLAN + [E("annual-review", "2028-01-10")]
    assert problem("review-decision", "2028-01-10", "maintain", pending) is None
    assert problem("review-decision", "2028-01-09", "maintain", pending)[0] == "rule"


def test_the_reviewers_sequence_is_refused_through_the_cli(team):
    now = "2028-03-01T09:00"
    planned(team, "C-1", "2027-03-29")
    ms(team, "C-1", "annual-review 2028-01-10", "review-decision 2028-02-01 maintain", now=now)
    assert team.fails(1, "case", "milestone", "C-1", "annual-review", "--on", "2028-01-20",
                      now=now) == (
        "error: C-1: annual-review on 2028-01-20 is before the last review decision on "
        "2028-02-01; it must be after 2028-02-01")
    assert team.fails(1, "case", "milestone", "C-1", "review-decision", "--on", "2028-01-25",
                      "--outcome", "maintain", now=now) == (
        "error: C-1: review-decision needs an annual-review meeting awaiting a decision; "
        "record the annual-review first")
    c = clocks(team, "C-1", now)
    assert c[("review-decision", "2028-01-10")]["met_on"] == "2028-02-01"
    assert c[("annual-review", "2028-01-10")]["due"] == "2029-01-09"


# -- 3. the exceptions' 4 weeks --------------------------------------------------------
@pytest.mark.parametrize(("code", "start", "end", "line"), [
    ("a", "2027-01-04", "2027-01-30",
     "error: C-1: exception (a) needs the school or post-16 institution closed for a "
     "continuous period of not less than 4 weeks (reg 10(4)(a)); 2027-01-04 to 2027-01-30 "
     "is 27 days"),
    ("b", "2026-12-18", "2027-01-04",
     "error: C-1: exception (b) needs the early years setting closed for a continuous "
     "period of not less than 4 weeks (reg 10(4)(b)); 2026-12-18 to 2027-01-04 is 18 days"),
    ("d", "2026-12-01", "2026-12-27",
     "error: C-1: exception (d) needs the family or young person away from the area for a "
     "continuous period of not less than 4 weeks (reg 10(4)(d)); 2026-12-01 to 2026-12-27 "
     "is 27 days"),
    # six weeks away, but only 26 days of them before the 20 weeks end (22 March 2027)
    ("d", "2027-02-25", "2027-04-07",
     "error: C-1: exception (d) needs the family or young person away from the area for "
     "not less than 4 weeks during the time limit (reg 10(4)(d)); 2027-02-25 to 2027-04-07 "
     "has 26 days between the request of 2026-11-02 and the 20-week limit of 2027-03-22"),
])
def test_exceptions_that_need_four_weeks(team, code, start, end, line):
    team.case("C-1", received="2026-11-02", now="2027-04-10T09:00")
    assert team.fails(1, "case", "exception", "C-1", "--code", code, "--reason", "x",
                      "--from", start, "--to", end, now="2027-04-10T09:00") == line
    assert team.json("case", "show", "C-1", now="2027-04-10T09:00")["exceptions"] == []


@pytest.mark.parametrize(("code", "start", "end"), [
    ("a", "2027-01-04", "2027-01-31"),  # 28 days, both counted: 4 weeks
    ("b", "2026-12-07", "2027-01-03"),
    ("d", "2027-02-23", "2027-04-07"),  # 28 days of it up to 22 March
    ("c", "2027-01-04", "2027-01-05"),  # (c) has no length: two days of crisis
    ("d", "2027-01-04", None),  # no end given: nothing to measure
])
def test_exceptions_the_law_allows(team, code, start, end):
    team.case("C-1", received="2026-11-02", now="2027-04-10T09:00")
    args = ["--to", end] if end else []
    team.ok("case", "exception", "C-1", "--code", code, "--reason", "x", "--from", start,
            *args, now="2027-04-10T09:00")


# -- 4. "the period of 12 months starting with" the day ----------------------------------
@pytest.mark.parametrize(("start", "months", "expected"), [
    ("2027-03-15", 12, "2028-03-14"),  # the reviewer's case
    ("2024-02-29", 12, "2025-02-28"),  # no 29 February 2025: that month's last day
    ("2028-02-29", 12, "2029-02-28"),
    ("2028-02-29", 48, "2032-02-28"),  # a leap year again: the day before the 29th
    ("2027-03-01", 12, "2028-02-29"),  # 1 March to the end of February, a leap day
    ("2026-03-01", 12, "2027-02-28"),
    ("2026-09-01", 6, "2027-02-28"),  # under-fives every 6 months
    ("2026-08-31", 6, "2027-02-28"),  # no 31 February
    ("2027-08-31", 6, "2028-02-29"),
    ("2027-01-31", 1, "2027-02-28"),
    ("2027-01-28", 1, "2027-02-27"),
    ("2027-12-31", 12, "2028-12-30"),
    ("2027-01-01", 12, "2027-12-31"),  # a calendar year
])
def test_period_starting_with_a_day(start, months, expected):
    assert st.period_end(D(start), months) == D(expected)


def test_annual_review_due_the_day_before_the_anniversary():
    due = st.due_after(st.CLOCKS["annual-review"], D("2027-03-15"))
    assert due == D("2028-03-14")
    ms = [E("assessment-decision", "2023-10-02", "agreed"),
          E("issue-decision", "2023-12-04", "agreed"), E("draft-plan", "2024-01-15"),
          E("final-plan", "2024-02-29"), E("annual-review", "2025-02-28")]
    rows = [(r.start, r.due, r.met_on) for r in case_clocks(Facts(
        received=D("2023-09-25"), status="plan-in-force", dob=D("2015-01-01"), milestones=ms))
        if r.milestone == "annual-review"]
    assert rows == [(D("2024-02-29"), D("2025-02-28"), D("2025-02-28")),  # on the last day
                    (D("2025-02-28"), D("2026-02-27"), None)]


def test_appeals_keep_the_corresponding_date():
    # r20(1)(c): "within 2 months after" and "1 month from": the day itself is not counted
    assert st.appeal_due(D("2027-06-30"), None) == D("2027-08-30")
    assert st.appeal_due(D("2027-03-15"), None) == D("2027-05-15")
    assert st.appeal_due(D("2027-01-10"), D("2027-02-28")) == D("2027-03-28")


def test_a_review_held_on_the_anniversary_is_a_day_late(team):
    now = "2028-04-01T09:00"
    planned(team, "C-1", "2027-03-15")
    planned(team, "C-2", "2027-03-15")
    ms(team, "C-1", "annual-review 2028-03-14", now=now)
    ms(team, "C-2", "annual-review 2028-03-15", now=now)
    assert clocks(team, "C-1", now)[("annual-review", "2027-03-15")]["state"] == "met"
    assert clocks(team, "C-2", now)[("annual-review", "2027-03-15")]["state"] == "met late"
    k = team.json("report", "kpi", "--from", "2028-01-01", "--to", "2028-12-31", now=now)
    assert (k["annual_reviews_due"], k["annual_reviews_on_time"]) == (2, 1)


# -- 5. advice is owed no more once the assessment is refused -------------------------------
@pytest.fixture
def refused(team):
    now = "2027-04-01T09:00"
    team.case("C-1", received="2026-11-02", now=now)
    ms(team, "C-1", "assessment-decision 2026-12-10 agreed", now=now)
    # health asked 4 January (due 15 February), the EP 2 February (due 16 March)
    team.ok("case", "advice", "C-1", "--from", "health", "--requested", "2027-01-04", now=now)
    team.ok("case", "advice", "C-1", "--from", "educational-psychology", "--requested",
            "2027-02-02", now=now)
    ms(team, "C-1", "issue-decision 2027-03-01 refused", now=now)
    return team


def test_advice_after_a_refusal_to_issue(refused):
    now = "2027-04-01T09:00"
    assert refused.json("deadlines", now=now) == []
    c = clocks(refused, "C-1", now)
    # the health advice was already late when the council refused: it stays missed
    assert c[("advice", "2027-01-04")]["state"] == "missed"
    assert ("advice", "2027-02-02") not in c
    advice = {a["source"]: a["state"]
              for a in refused.json("case", "show", "C-1", now=now)["advice"]}
    assert advice == {"health": "missed", "educational-psychology": "ended"}
    k = refused.json("report", "kpi", "--from", "2026-04-01", "--to", "2027-03-31", now=now)
    assert k["advice_outstanding"]["educational-psychology"] == 0
    assert k["advice_outstanding"]["health"] == 0
    # before the refusal both were outstanding, the health advice overdue
    k = refused.json("report", "kpi", "--from", "2026-03-01", "--to", "2027-02-28", now=now)
    assert (k["advice_outstanding"]["educational-psychology"],
            k["advice_outstanding"]["health"], k["advice_overdue"]["health"]) == (1, 1, 1)


def test_refused_case_lists_only_its_appeal_window(refused):
    now = "2027-04-01T09:00"
    refused.ok("case", "appeal", "C-1", "--decision-sent", "2027-03-02", now=now)
    assert [(r["milestone"], r["due"]) for r in refused.json("deadlines", now=now)] == [
        ("appeal", "2027-05-04")]  # 2 May is a Sunday, 3 May the bank holiday


def test_advice_of_a_closed_case_is_not_outstanding(team):
    team.case("C-1", received="2026-11-02", now="2027-01-04T09:00")
    ms(team, "C-1", "assessment-decision 2026-12-10 agreed", now="2027-01-04T09:00")
    team.ok("case", "advice", "C-1", "--from", "health", "--requested", "2026-12-11",
            now="2027-01-04T09:00")
    team.ok("case", "close", "C-1", "--reason", "withdrawn", now="2027-02-01T09:00")
    k = team.json("report", "kpi", "--to", "2027-03-31", now="2027-04-01T09:00")
    assert k["advice_outstanding"]["health"] == 0
    k = team.json("report", "kpi", "--to", "2027-01-31", now="2027-04-01T09:00")
    assert k["advice_outstanding"]["health"] == 1  # still open then


# -- 6. phase transfers amend a plan in force ---------------------------------------------
def test_no_transfer_clock_until_the_plan_is_made(team):
    now = "2027-03-01T09:00"
    team.case("C-1", received="2026-11-02", now=now)
    ms(team, "C-1", "assessment-decision 2026-12-10 agreed", now=now)
    r = team.ok("case", "transfer", "C-1", "--year", "2028", "--kind", "school", now=now)
    assert r.stderr == ("C-1: school transfer in 2028 recorded; its clock (plan amended by "
                        "2028-02-15) starts when the final plan is made\n")
    assert not [c for c in clocks(team, "C-1", now) if c[0] == "phase-transfer"]
    ms(team, "C-1", "issue-decision 2027-02-01 agreed", "draft-plan 2027-02-05",
       "final-plan 2027-02-26", now=now)
    c = clocks(team, "C-1", now)[("phase-transfer", "2027-09-01")]
    assert (c["due"], c["met_on"]) == ("2028-02-15", None)


# -- 7. an appeal window stays open to the day the Tribunal still accepts it ------------------
@pytest.fixture
def august(team):
    team.case("C-1", received="2027-05-17", now="2027-07-01T09:00")
    ms(team, "C-1", "assessment-decision 2027-06-28 refused", now="2027-07-01T09:00")
    r = team.ok("case", "appeal", "C-1", "--decision-sent", "2027-06-30", now="2027-07-01T09:00")
    # 2 months from 30 June: Monday 30 August 2027, a bank holiday in August
    assert r.stdout == "2027-08-30\n"
    assert r.stderr == ("C-1: last day to appeal; the Tribunal accepts it until 2027-09-01 "
                        "(its rule 12)\n")
    return team


def test_appeal_window_listed_until_the_tribunal_day(august):
    rows = august.json("deadlines", now="2027-08-31T09:00")
    assert rows == [{"case_ref": "C-1", "child": "Sam Jones", "milestone": "appeal",
                     "due": "2027-09-01", "days_left": 1, "officer": "CO1",
                     "exception": None, "source": None,
                     "note": "last day 2027-08-30 (r20), in time to 2027-09-01 (r12)"}]
    assert august.json("deadlines", "--breached", now="2027-08-31T09:00") == []
    assert august.json("deadlines", now="2027-09-01T09:00")[0]["days_left"] == 0
    assert august.json("deadlines", now="2027-09-02T09:00") == []
    show = august.json("case", "show", "C-1", now="2027-08-31T09:00")
    assert show["appeals"][0]["last_day"] == "2027-08-30"
    assert show["appeals"][0]["in_time_until"] == "2027-09-01"


def test_appeal_window_on_a_weekend(team):
    team.case("C-1", received="2026-09-01", now="2026-12-11T09:00")
    ms(team, "C-1", "assessment-decision 2026-10-09 refused", now="2026-12-11T09:00")
    team.ok("case", "appeal", "C-1", "--decision-sent", "2026-10-12", "--certificate",
            "2026-12-10", now="2026-12-11T09:00")
    # 1 month from the certificate: Sunday 10 January 2027, so Monday 11 January
    row = team.json("deadlines", now="2027-01-11T09:00")[0]
    assert (row["milestone"], row["due"], row["days_left"], row["note"]) == (
        "appeal", "2027-01-11", 0, "last day 2027-01-10 (r20), in time to 2027-01-11 (r12)")


# -- 8. advice rows name their source -------------------------------------------------------
def test_advice_rows_carry_their_source(team):
    now = "2026-12-01T09:00"
    team.case("C-1", received="2026-09-28", now=now)
    ms(team, "C-1", "assessment-decision 2026-10-02 agreed", now=now)
    for source in ("educational-psychology", "social-care"):
        team.ok("case", "advice", "C-1", "--from", source, "--requested", "2026-10-05", now=now)
    rows = [r for r in team.json("deadlines", now=now) if r["milestone"] == "advice"]
    assert [(r["due"], r["source"]) for r in rows] == [
        ("2026-11-16", "educational-psychology"), ("2026-11-16", "social-care")]
    assert all(r["note"] is None for r in rows)
    table = team.ok("deadlines", now=now).stdout
    assert "source" in table and "social-care" in table
    csv = team.ok("deadlines", "--format", "csv", now=now).stdout.splitlines()
    assert csv[0] == "case_ref,child,milestone,due,days_left,officer,exception,source,note"


def test_advice_source_read_back_from_the_clock():
    assert st.advice_source("health: 6 weeks from the request for advice on 2026-10-05") == \
        "health"
    assert st.advice_source("6 weeks from the request received 2026-10-05") is None
    assert st.advice_source(None) is None


# -- 9. options out of range are usage errors -------------------------------------------------
@pytest.mark.parametrize("value", ["99999999999999999999", "3000000", "3661"])
def test_within_out_of_range(team, value):
    assert team.fails(2, "deadlines", "--within", value) == (
        f"error: --within '{value}' is out of range; use a whole number from 0 to 3660")


def test_widest_ranges_still_answer(team):
    team.case("C-1", received="2026-11-02", now="2027-01-04T09:00")
    rows = team.json("deadlines", "--within", "3660", now="2100-12-31T09:00")
    assert len(rows) == 4
    k = team.json("report", "kpi", "--from", "1900-01-01", "--to", "2100-12-31",
                  now="2100-12-31T09:00")
    assert len(k["by_month"]) == 201 * 12
    assert k["pct_within_20_weeks"] is None
    assert team.fails(2, "report", "kpi", "--to", "2101-01-01") == (
        "error: --to '2101-01-01' is out of range; use a year from 1900 to 2100")
    k = team.json("report", "kpi", "--to", "1900-01-01", now="2027-01-04T09:00")
    assert (k["from"], k["to"]) == ("1899-01-02", "1900-01-01")


def test_kpi_json_keeps_the_contract(team):
    k = team.json("report", "kpi", "--from", "2027-01-01", "--to", "2027-12-31",
                  now="2028-01-10T09:00")
    for key in ("plans_issued", "plans_within_20_weeks", "pct_within_20_weeks",
                "pct_within_20_weeks_excl_exceptions", "annual_reviews_due",
                "annual_reviews_on_time", "pct_annual_reviews_on_time"):
        assert key in k
    assert k["pct_annual_reviews_on_time"] is None


# -- 10. a review cycle already met keeps the interval it ran under ------------------------------
def test_met_under_five_cycle_keeps_its_due_day(team):
    now = "2027-12-15T09:00"
    team.ok("setting", "set", "under5-review-months", "6", now=now)
    planned(team, "U-1", "2027-03-29", dob="2023-01-15", now=now)
    ms(team, "U-1", "annual-review 2027-09-20", "review-decision 2027-10-01 maintain", now=now)
    c = clocks(team, "U-1", now)
    # 6 months starting with 29 March 2027, then with 20 September 2027
    assert c[("annual-review", "2027-03-29")]["due"] == "2027-09-28"
    assert c[("annual-review", "2027-09-20")]["due"] == "2028-03-19"
    r = team.ok("setting", "set", "under5-review-months", "3", now=now)
    assert r.stderr == "under5-review-months: 6 -> 3; the review clocks of 1 case recomputed\n"
    c = clocks(team, "U-1", now)
    assert c[("annual-review", "2027-09-20")]["due"] == "2027-12-19"  # the open cycle moves
    # the case changes again: the cycle met in September still ran for 6 months
    ms(team, "U-1", "annual-review 2027-12-10", now=now)
    c = clocks(team, "U-1", now)
    first = c[("annual-review", "2027-03-29")]
    assert (first["due"], first["met_on"], first["state"]) == (
        "2027-09-28", "2027-09-20", "met")
    assert "every 6 months" in first["basis"]
    assert c[("annual-review", "2027-09-20")]["due"] == "2027-12-19"
    assert c[("annual-review", "2027-12-10")]["due"] == "2028-03-09"


def test_an_ended_case_keeps_its_review_history_when_the_setting_changes(team):
    now = "2027-12-15T09:00"
    team.ok("setting", "set", "under5-review-months", "6", now=now)
    planned(team, "U-2", "2027-03-29", dob="2023-01-15", now=now)
    ms(team, "U-2", "ceased 2027-11-01", now=now)  # the review due 28 Sep was missed
    r = team.ok("setting", "set", "under5-review-months", "3", now=now)
    assert r.stderr == "under5-review-months: 6 -> 3; the review clocks of 0 cases recomputed\n"
    # the case changes again (an appeal against the cessation): history stands
    team.ok("case", "appeal", "U-2", "--decision-sent", "2027-11-02", now=now)
    c = clocks(team, "U-2", now)[("annual-review", "2027-03-29")]
    assert (c["due"], c["state"]) == ("2027-09-28", "missed")
