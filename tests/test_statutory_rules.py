"""The statutory clocks as pure rules, pinned to dates worked out by hand.

Calendar facts used: Christmas 2026 is Friday 25 December, Boxing Day's
substitute Monday 28 December, New Year's Day Friday 1 January 2027; Good
Friday 26 March 2027, Easter Monday 29 March 2027; the August bank holiday
Monday 30 August 2027. None of them moves a statutory limit."""

from __future__ import annotations

from datetime import date

import pytest

from send_cli.rules import statutory as st
from send_cli.rules.statutory import Event, Facts, add_months, case_clocks, due_after

D = date.fromisoformat


def clocks(facts: Facts) -> dict[str, list[tuple[str, str, str | None]]]:
    """milestone -> [(start, due, met_on)] in the order made."""
    out: dict[str, list[tuple[str, str, str | None]]] = {}
    for r in case_clocks(facts):
        out.setdefault(r.milestone, []).append(
            (r.start.isoformat(), r.due.isoformat(), r.met_on.isoformat() if r.met_on else None))
    return out


# -- month arithmetic --------------------------------------------------------
@pytest.mark.parametrize(("start", "months", "expected"), [
    ("2028-02-29", 12, "2029-02-28"),  # no 29 February in 2029: the month's last day
    ("2028-02-29", 48, "2032-02-29"),  # a leap year again
    ("2027-02-28", 12, "2028-02-28"),  # not pushed to the 29th
    ("2027-08-31", 6, "2028-02-29"),
    ("2026-08-31", 6, "2027-02-28"),
    ("2027-01-31", 1, "2027-02-28"),
    ("2028-01-31", 1, "2028-02-29"),
    ("2026-10-31", 1, "2026-11-30"),
    ("2026-12-31", 2, "2027-02-28"),
    ("2027-12-31", 2, "2028-02-29"),
    ("2027-03-31", -1, "2027-02-28"),
    ("2027-01-04", -12, "2026-01-04"),
    ("2026-11-15", 2, "2027-01-15"),  # across the year end
])
def test_add_months(start, months, expected):
    assert add_months(D(start), months) == D(expected)


# -- calendar weeks do not move for bank holidays ------------------------------
def test_request_clocks_run_over_christmas_unmoved():
    received = D("2026-11-02")  # a Monday
    assert due_after(st.CLOCKS["assessment-decision"], received) == D("2026-12-14")
    assert due_after(st.CLOCKS["draft-plan"], received) == D("2027-02-08")
    assert due_after(st.CLOCKS["issue-decision"], received) == D("2027-02-22")
    assert due_after(st.CLOCKS["final-plan"], received) == D("2027-03-22")


def test_twenty_weeks_from_christmas_eve():
    # 24 Dec 2026 + 140 days, through Christmas, the substitute Boxing Day and
    # New Year's Day: Thursday 13 May 2027, the same weekday
    due = due_after(st.CLOCKS["final-plan"], D("2026-12-24"))
    assert due == D("2027-05-13")
    assert due.weekday() == D("2026-12-24").weekday() == 3
    assert due_after(st.CLOCKS["assessment-decision"], D("2026-12-28")) == D("2027-02-08")


def test_limits_that_end_on_a_bank_holiday_stay_there():
    assert due_after(st.CLOCKS["assessment-decision"], D("2027-02-12")) == D("2027-03-26")
    assert due_after(st.CLOCKS["assessment-decision"], D("2027-02-19")) == D("2027-04-02")
    assert due_after(st.CLOCKS["final-plan"], D("2027-04-12")) == D("2027-08-30")
    assert due_after(st.CLOCKS["advice"], D("2026-11-20")) == D("2027-01-01")


def test_fifteen_days_beginning_with_the_day_the_draft_was_served():
    # day 1 is the day of service: the 15th day is 14 days later
    assert due_after(st.CLOCKS["draft-comments"], D("2027-02-10")) == D("2027-02-24")
    assert due_after(st.CLOCKS["draft-comments"], D("2026-12-18")) == D("2027-01-01")


def test_review_decision_and_amended_plan_limits():
    assert due_after(st.CLOCKS["review-decision"], D("2027-12-20")) == D("2028-01-17")
    assert due_after(st.CLOCKS["amended-plan"], D("2028-01-17")) == D("2028-03-13")
    assert due_after(st.CLOCKS["amended-plan-cap"], D("2027-12-20")) == D("2028-03-13")


# -- phase transfers and appeals -----------------------------------------------
def test_phase_transfer_deadlines():
    assert st.transfer_due(2027, "school") == D("2027-02-15")
    assert st.transfer_due(2028, "post16") == D("2028-03-31")
    assert st.transfer_start(2027) == D("2026-09-01")


@pytest.mark.parametrize(("sent", "certificate", "expected"), [
    ("2026-10-30", None, "2026-12-30"),
    ("2026-12-31", None, "2027-02-28"),
    ("2027-12-31", None, "2028-02-29"),
    ("2026-11-30", "2026-12-10", "2027-01-30"),  # 2 months is later than 1 month
    ("2027-11-30", "2027-12-31", "2028-01-31"),  # 1 month from the certificate is later
    ("2027-10-31", "2028-01-31", "2028-02-29"),
])
def test_appeal_window(sent, certificate, expected):
    cert = D(certificate) if certificate else None
    assert st.appeal_due(D(sent), cert) == D(expected)


def test_tribunal_rule_12_days():
    bank = {D("2026-12-25"), D("2026-12-28"), D("2027-01-01"), D("2027-03-26"),
            D("2027-03-29"), D("2027-08-30")}

    def working(d):
        return d.weekday() < 5 and d not in bank

    # ends 25 Dec - 1 Jan: the first working day after 1 January
    assert st.tribunal_in_time_until(D("2026-12-30"), working) == D("2027-01-04")
    assert st.tribunal_in_time_until(D("2027-01-01"), working) == D("2027-01-04")
    # ends in August: the first working day after 31 August
    assert st.tribunal_in_time_until(D("2027-08-15"), working) == D("2027-09-01")
    # a weekend or a bank holiday: the next working day
    assert st.tribunal_in_time_until(D("2027-02-27"), working) == D("2027-03-01")
    assert st.tribunal_in_time_until(D("2027-03-26"), working) == D("2027-03-30")
    assert st.tribunal_in_time_until(D("2027-02-24"), working) == D("2027-02-24")


# -- under-fives ---------------------------------------------------------------
def test_review_interval_for_under_fives():
    assert st.review_months(D("2023-06-01"), D("2027-01-15"), 6) == 6
    assert st.review_months(D("2023-06-01"), D("2028-06-01"), 6) == 12  # 5 that day
    assert st.review_months(D("2023-06-01"), D("2027-01-15"), 12) == 12
    # born 29 February: 5 on 1 March 2025, a common year
    assert st.review_months(D("2020-02-29"), D("2025-02-28"), 6) == 6
    assert st.review_months(D("2020-02-29"), D("2025-03-01"), 6) == 12
    assert st.review_months(None, D("2025-03-01"), 6) == 12


# -- the clocks of a case --------------------------------------------------------
def E(kind, on, outcome=None):
    return Event(kind, D(on), outcome)


PATH = [E("assessment-decision", "2026-12-10", "agreed"),
        E("issue-decision", "2027-02-01", "agreed"),
        E("draft-plan", "2027-02-05"),
        E("final-plan", "2027-03-29")]


def test_new_request_has_the_four_path_clocks():
    got = clocks(Facts(received=D("2026-11-02"), status="requested"))
    assert got == {
        "assessment-decision": [("2026-11-02", "2026-12-14", None)],
        "issue-decision": [("2026-11-02", "2027-02-22", None)],
        "draft-plan": [("2026-11-02", "2027-02-08", None)],
        "final-plan": [("2026-11-02", "2027-03-22", None)],
    }


def test_whole_path_met_and_late_plan_then_reviews():
    ms = PATH + [E("annual-review", "2028-03-20"), E("review-decision", "2028-04-10", "amend"),
                 E("amended-plan", "2028-06-12")]
    got = clocks(Facts(received=D("2026-11-02"), status="plan-in-force", dob=D("2015-01-01"),
                       milestones=ms))
    assert got["assessment-decision"] == [("2026-11-02", "2026-12-14", "2026-12-10")]
    assert got["issue-decision"] == [("2026-11-02", "2027-02-22", "2027-02-01")]
    assert got["draft-plan"] == [("2026-11-02", "2027-02-08", "2027-02-05")]
    assert got["draft-comments"] == [("2027-02-05", "2027-02-19", "2027-03-29")]
    assert got["final-plan"] == [("2026-11-02", "2027-03-22", "2027-03-29")]  # a week late
    # 12 months starting with the day of the plan: its eve a year on
    assert got["annual-review"] == [("2027-03-29", "2028-03-28", "2028-03-20"),
                                    ("2028-03-20", "2029-03-19", None)]
    assert got["review-decision"] == [("2028-03-20", "2028-04-17", "2028-04-10")]
    # 8 weeks from the notice (5 Jun) is earlier than 12 from the meeting (12 Jun)
    assert got["amended-plan"] == [("2028-04-10", "2028-06-05", "2028-06-12")]


def test_amended_plan_capped_at_twelve_weeks_from_the_meeting():
    ms = PATH + [E("annual-review", "2028-03-20"), E("review-decision", "2028-04-24", "amend")]
    got = clocks(Facts(received=D("2026-11-02"), status="plan-in-force", milestones=ms))
    # the decision came 5 weeks after the meeting: 8 weeks on would be 19 Jun,
    # but 12 weeks from the meeting is 12 Jun
    assert got["amended-plan"] == [("2028-04-24", "2028-06-12", None)]
    assert got["review-decision"] == [("2028-03-20", "2028-04-17", "2028-04-24")]


def test_plan_made_on_29_february_is_reviewed_by_28_february():
    ms = [E("assessment-decision", "2027-11-01", "agreed"),
          E("issue-decision", "2028-01-10", "agreed"), E("draft-plan", "2028-01-20"),
          E("final-plan", "2028-02-29")]
    got = clocks(Facts(received=D("2027-10-18"), status="plan-in-force", dob=D("2015-01-01"),
                       milestones=ms))
    assert got["annual-review"] == [("2028-02-29", "2029-02-28", None)]


def test_under_five_reviews_use_the_setting_until_five():
    ms = PATH + [E("annual-review", "2027-09-20"), E("review-decision", "2027-10-01", "maintain")]
    facts = Facts(received=D("2026-11-02"), status="plan-in-force", dob=D("2023-01-15"),
                  milestones=ms, under5_months=6)
    got = clocks(facts)
    assert got["annual-review"] == [("2027-03-29", "2027-09-28", "2027-09-20"),
                                    ("2027-09-20", "2028-03-19", None)]
    # the same child reviewed after turning 5 goes back to 12 months
    ms2 = ms + [E("annual-review", "2028-03-01"), E("review-decision", "2028-03-10", "maintain")]
    got = clocks(Facts(received=D("2026-11-02"), status="plan-in-force", dob=D("2023-01-15"),
                       milestones=ms2, under5_months=6))
    assert got["annual-review"][-1] == ("2028-03-01", "2029-02-28", None)


def test_refused_assessment_keeps_only_its_clock_and_the_appeal():
    ms = [E("assessment-decision", "2026-12-10", "refused")]
    got = clocks(Facts(received=D("2026-11-02"), status="refused", milestones=ms,
                       appeals=[(D("2026-12-11"), None, None)]))
    assert got == {"assessment-decision": [("2026-11-02", "2026-12-14", "2026-12-10")],
                   "appeal": [("2026-12-11", "2027-02-11", None)]}


def test_refused_to_issue_drops_the_plan_clocks():
    ms = [E("assessment-decision", "2026-12-10", "agreed"),
          E("issue-decision", "2027-02-20", "refused")]
    got = clocks(Facts(received=D("2026-11-02"), status="refused", milestones=ms))
    assert set(got) == {"assessment-decision", "issue-decision"}
    assert got["issue-decision"] == [("2026-11-02", "2027-02-22", "2027-02-20")]


def test_reconsidered_decision_brings_the_path_back_from_the_request():
    ms = [E("assessment-decision", "2026-12-10", "refused"),
          E("assessment-decision", "2027-01-20", "agreed")]
    got = clocks(Facts(received=D("2026-11-02"), status="assessing", milestones=ms))
    # the first decision met the 6 weeks; the plan is still due 20 weeks from the request
    assert got["assessment-decision"] == [("2026-11-02", "2026-12-14", "2026-12-10")]
    assert got["final-plan"] == [("2026-11-02", "2027-03-22", None)]


def test_closed_keeps_met_clocks_and_ceased_keeps_appeals():
    ms = [E("assessment-decision", "2026-12-10", "agreed")]
    got = clocks(Facts(received=D("2026-11-02"), status="closed", milestones=ms))
    assert got == {"assessment-decision": [("2026-11-02", "2026-12-14", "2026-12-10")]}
    ms = PATH + [E("ceased", "2027-06-01")]
    got = clocks(Facts(received=D("2026-11-02"), status="ceased", milestones=ms,
                       appeals=[(D("2027-06-01"), None, None)]))
    assert "annual-review" not in got
    assert got["appeal"] == [("2027-06-01", "2027-08-01", None)]


def test_advice_and_phase_transfer_clocks():
    ms = PATH + [E("annual-review", "2027-10-04"), E("review-decision", "2027-10-25", "amend"),
                 E("amended-plan", "2028-02-20")]
    got = clocks(Facts(received=D("2026-11-02"), status="plan-in-force", milestones=ms,
                       advice=[("educational-psychology", D("2026-12-11"), None),
                               ("health", D("2026-12-11"), D("2027-01-15"))],
                       transfer=(2028, "school")))
    assert got["advice"] == [("2026-12-11", "2027-01-22", None),
                             ("2026-12-11", "2027-01-22", "2027-01-15")]
    # the amended plan naming the new school came on 20 Feb, after 15 Feb
    assert got["phase-transfer"] == [("2027-09-01", "2028-02-15", "2028-02-20")]
    got = clocks(Facts(received=D("2026-11-02"), status="plan-in-force", milestones=PATH,
                       transfer=(2028, "post16")))
    assert got["phase-transfer"] == [("2027-09-01", "2028-03-31", None)]
    # still being assessed: reg 18 amends a plan in force, and there is none yet
    got = clocks(Facts(received=D("2026-11-02"), status="assessing", milestones=PATH[:1],
                       transfer=(2027, "school")))
    assert "phase-transfer" not in got
    refused = [E("assessment-decision", "2026-12-10", "agreed"),
               E("issue-decision", "2027-01-10", "refused")]
    got = clocks(Facts(received=D("2026-11-02"), status="refused", milestones=refused,
                       transfer=(2027, "school")))
    assert "phase-transfer" not in got


def test_later_decision_supersedes_a_pending_amendment():
    ms = PATH + [E("annual-review", "2027-10-04"), E("review-decision", "2027-10-25", "amend"),
                 E("annual-review", "2028-09-01"),
                 E("review-decision", "2028-09-15", "maintain")]
    got = clocks(Facts(received=D("2026-11-02"), status="plan-in-force", milestones=ms))
    assert "amended-plan" not in got


# -- what may be recorded when -------------------------------------------------
def problem(kind, on, outcome=None, ms=(), received="2026-11-02"):
    return st.milestone_problem(kind, D(on), outcome, received=D(received), status="x",
                                milestones=list(ms))


def test_order_of_the_path():
    assert problem("assessment-decision", "2026-11-01", "agreed") == (
        "rule", "assessment-decision on 2026-11-01 is before the request was received on "
                "2026-11-02")
    assert problem("assessment-decision", "2026-11-02", "agreed") is None
    assert problem("issue-decision", "2027-01-01", "agreed") == (
        "rule", "issue-decision needs an assessment-decision first; none is recorded")
    assert problem("draft-plan", "2027-02-01", None, PATH[:1]) == (
        "rule", "draft-plan needs an agreed issue-decision first; none is recorded")
    assert problem("final-plan", "2027-02-10", None, PATH[:2]) == (
        "rule", "final-plan needs a draft-plan first; none is recorded")
    assert problem("annual-review", "2027-02-10", None, PATH[:3]) == (
        "rule", "annual-review needs a final plan first; none is recorded")
    assert problem("issue-decision", "2026-12-09", "agreed", PATH[:1]) == (
        "rule", "issue-decision on 2026-12-09 is before the decision to assess on 2026-12-10; "
                "it must be on or after 2026-12-10")


def test_refusals_close_the_path():
    refused = [E("assessment-decision", "2026-12-10", "refused")]
    assert problem("issue-decision", "2027-01-05", "agreed", refused)[1].startswith(
        "the council refused to assess on 2026-12-10")
    not_issued = PATH[:1] + [E("issue-decision", "2027-02-01", "refused")]
    assert problem("final-plan", "2027-03-01", None, not_issued) == (
        "rule", "the council refused to issue a plan on 2027-02-01; a final plan cannot "
                "follow a refusal to issue")
    assert problem("draft-plan", "2027-03-01", None, not_issued)[0] == "rule"
    assert problem("issue-decision", "2027-02-01", "agreed", not_issued)[0] == "rule"
    assert problem("issue-decision", "2027-03-01", "agreed", not_issued) is None
    assert problem("assessment-decision", "2027-01-05", "refused", refused) == (
        "conflict", "the assessment was already refused on 2026-12-10")


def test_review_cycle_order():
    plan = PATH
    assert problem("annual-review", "2027-03-29", None, plan) == (
        "rule", "annual-review on 2027-03-29 is before the final plan on 2027-03-29; it must "
                "be after 2027-03-29")
    assert problem("review-decision", "2028-03-01", "maintain", plan) == (
        "rule", "review-decision needs an annual-review meeting awaiting a decision; record "
                "the annual-review first")
    met = plan + [E("annual-review", "2028-03-01")]
    assert problem("annual-review", "2028-06-01", None, met) == (
        "rule", "the review meeting of 2028-03-01 has no review-decision yet; record it first")
    assert problem("amended-plan", "2028-04-01", None, met) == (
        "rule", "amended-plan needs a review-decision 'amend' first")
    kept = met + [E("review-decision", "2028-03-10", "maintain")]
    assert problem("amended-plan", "2028-04-01", None, kept)[0] == "rule"
    amend = met + [E("review-decision", "2028-03-10", "amend")]
    assert problem("amended-plan", "2028-04-01", None, amend) is None
    done = amend + [E("amended-plan", "2028-04-01")]
    assert problem("amended-plan", "2028-04-02", None, done)[0] == "conflict"
    assert problem("ceased", "2028-03-31", None, done)[0] == "rule"
    ceased = done + [E("ceased", "2028-05-01")]
    assert problem("annual-review", "2029-01-01", None, ceased) == (
        "rule", "the plan ceased on 2028-05-01; nothing more can be recorded")


def test_status_follows_the_milestones():
    assert st.status_after("assessment-decision", "agreed", "requested") == "assessing"
    assert st.status_after("assessment-decision", "refused", "requested") == "refused"
    assert st.status_after("issue-decision", "agreed", "assessing") == "drafting"
    assert st.status_after("issue-decision", "refused", "assessing") == "refused"
    assert st.status_after("draft-plan", None, "drafting") == "drafting"
    assert st.status_after("final-plan", None, "drafting") == "plan-in-force"
    assert st.status_after("review-decision", "cease", "plan-in-force") == "plan-in-force"
    assert st.status_after("ceased", None, "plan-in-force") == "ceased"


def test_clock_table_names_every_basis():
    for clock in st.CLOCKS.values():
        assert clock.basis and clock.starts
        assert clock.unit in ("weeks", "days", "months", "fixed")
    assert set(st.FAMILY_WINDOWS) <= set(st.DEADLINE_NAMES)
    assert set(st.EXCEPTION_CLOCKS) <= set(st.DEADLINE_NAMES)
