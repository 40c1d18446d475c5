"""case milestone | advice | exception | appeal | transfer, setting, and the
clocks 'case show' draws, through the command line."""

from __future__ import annotations

import json

import pytest

NOW = "2028-12-29T09:00"


@pytest.fixture
def t(team):
    """The standard team, a case received Monday 2 November 2026, and the clock
    set to 29 December 2028."""
    team.case("C-1", received="2026-11-02", now=NOW)
    return team


def ms(cli, ref, *steps):
    for step in steps:
        kind, on, *outcome = step.split()
        args = ["case", "milestone", ref, kind, "--on", on]
        if outcome:
            args += ["--outcome", outcome[0]]
        cli.ok(*args, now=NOW)


def show(cli, ref="C-1", now=NOW):
    return cli.json("case", "show", ref, now=now)


def clocks(cli, ref="C-1", now=NOW):
    return {(c["milestone"], c["start"]): c for c in show(cli, ref, now)["clocks"]}


def status(cli, ref="C-1"):
    return show(cli, ref)["case"]["status"]


def loaded(value):
    """An audit entry's before or after, as JSON text or as an object."""
    return json.loads(value) if isinstance(value, str) else value


def audit_count(cli):
    return len(cli.json("audit", now=NOW))


PATH = ("assessment-decision 2026-12-10 agreed", "issue-decision 2027-02-01 agreed",
        "draft-plan 2027-02-05", "final-plan 2027-03-29")


# -- milestones and status ------------------------------------------------------
def test_path_moves_the_status(t):
    assert status(t) == "requested"
    result = t.ok("case", "milestone", "C-1", "assessment-decision", "--on", "2026-12-10",
                  "--outcome", "agreed", now=NOW)
    assert result.stderr == ("C-1: assessment-decision (agreed) on 2026-12-10 recorded; "
                             "status assessing\n")
    assert status(t) == "assessing"
    ms(t, "C-1", "issue-decision 2027-02-01 agreed")
    assert status(t) == "drafting"
    ms(t, "C-1", "draft-plan 2027-02-05")
    assert status(t) == "drafting"
    ms(t, "C-1", "final-plan 2027-03-29")
    assert status(t) == "plan-in-force"
    rows = show(t)["milestones"]
    assert [(r["milestone"], r["on"], r["outcome"]) for r in rows] == [
        ("assessment-decision", "2026-12-10", "agreed"), ("issue-decision", "2027-02-01", "agreed"),
        ("draft-plan", "2027-02-05", None), ("final-plan", "2027-03-29", None)]
    entry = [a for a in t.json("audit", "C-1", now=NOW) if a["action"] == "case.milestone"][-1]
    assert loaded(entry["before"]) == {"status": "drafting"}
    assert loaded(entry["after"]) == {"milestone": "final-plan", "on": "2027-03-29",
                                      "outcome": None, "status": "plan-in-force"}


def test_refusals_move_to_refused_and_cease_to_ceased(t):
    ms(t, "C-1", "assessment-decision 2026-12-10 refused")
    assert status(t) == "refused"
    t.case("C-2", received="2026-11-02", now=NOW)
    ms(t, "C-2", *PATH, "ceased 2027-09-01")
    assert status(t, "C-2") == "ceased"


def test_clocks_of_the_path_are_stored_and_met(t):
    ms(t, "C-1", *PATH)
    c = clocks(t)
    assert c[("final-plan", "2026-11-02")]["due"] == "2027-03-22"  # 20 weeks over Christmas
    assert c[("final-plan", "2026-11-02")]["met_on"] == "2027-03-29"
    assert c[("final-plan", "2026-11-02")]["state"] == "met late"
    assert c[("assessment-decision", "2026-11-02")]["state"] == "met"
    assert c[("draft-comments", "2027-02-05")]["due"] == "2027-02-19"
    assert c[("draft-comments", "2027-02-05")]["state"] == "ended"
    review = c[("annual-review", "2027-03-29")]
    # 12 months starting with 29 March 2027 end on 28 March 2028
    assert (review["due"], review["met_on"], review["days_left"], review["state"]) == (
        "2028-03-28", None, -276, "missed")
    assert review["basis"].startswith("CFA 2014 s44(1)")


@pytest.mark.parametrize(("args", "code", "line"), [
    (("assessment-decision", "--on", "2026-11-01", "--outcome", "agreed"), 1,
     "error: C-1: assessment-decision on 2026-11-01 is before the request was received on "
     "2026-11-02"),
    (("assessment-decision", "--on", "2028-12-30", "--outcome", "agreed"), 2,
     "error: assessment-decision 2028-12-30 is in the future; use 2028-12-29 or earlier"),
    (("issue-decision", "--on", "2027-01-10", "--outcome", "agreed"), 1,
     "error: C-1: issue-decision needs an assessment-decision first; none is recorded"),
    (("draft-plan", "--on", "2027-01-10"), 1,
     "error: C-1: draft-plan needs an assessment-decision first; none is recorded"),
    (("annual-review", "--on", "2027-01-10"), 1,
     "error: C-1: annual-review needs an assessment-decision first; none is recorded"),
    (("assessment-decision", "--on", "2026-12-10"), 2,
     "error: assessment-decision needs --outcome: agreed or refused"),
    (("assessment-decision", "--on", "2026-12-10", "--outcome", "maybe"), 2,
     "error: --outcome 'maybe' is not known for assessment-decision; use one of: agreed, "
     "refused"),
    (("draft-plan", "--on", "2026-12-10", "--outcome", "agreed"), 2,
     "error: draft-plan takes no --outcome (only assessment-decision, issue-decision and "
     "review-decision do)"),
    (("plan", "--on", "2026-12-10"), 2,
     "error: milestone 'plan' is not known; use one of: assessment-decision, issue-decision, "
     "draft-plan, final-plan, annual-review, review-decision, amended-plan, ceased"),
    (("assessment-decision", "--on", "2026-13-10", "--outcome", "agreed"), 2,
     "error: --on '2026-13-10' is not a real date; use YYYY-MM-DD"),
])
def test_milestone_refusals_write_nothing(t, args, code, line):
    before = audit_count(t)
    assert t.fails(code, "case", "milestone", "C-1", *args, now=NOW) == line
    assert audit_count(t) == before
    assert show(t)["milestones"] == []


def test_out_of_order_steps_are_refused(t):
    ms(t, "C-1", "assessment-decision 2026-12-10 agreed")
    assert t.fails(1, "case", "milestone", "C-1", "draft-plan", "--on", "2027-01-10",
                   now=NOW) == ("error: C-1: draft-plan needs an agreed issue-decision first; "
                                "none is recorded")
    assert t.fails(1, "case", "milestone", "C-1", "issue-decision", "--on", "2026-12-09",
                   "--outcome", "agreed", now=NOW) == (
        "error: C-1: issue-decision on 2026-12-09 is before the decision to assess on "
        "2026-12-10; it must be on or after 2026-12-10")
    assert t.fails(1, "case", "milestone", "C-1", "assessment-decision", "--on", "2026-12-11",
                   "--outcome", "agreed", now=NOW) == (
        "error: C-1: the assessment was already agreed on 2026-12-10")
    ms(t, "C-1", "issue-decision 2027-02-01 agreed")
    assert t.fails(1, "case", "milestone", "C-1", "final-plan", "--on", "2027-03-01",
                   now=NOW) == "error: C-1: final-plan needs a draft-plan first; none is recorded"
    assert t.fails(1, "case", "milestone", "C-1", "annual-review", "--on", "2027-03-01",
                   now=NOW) == ("error: C-1: annual-review needs a draft-plan first; none is "
                                "recorded")
    ms(t, "C-1", "draft-plan 2027-02-05")
    assert t.fails(1, "case", "milestone", "C-1", "annual-review", "--on", "2027-03-01",
                   now=NOW) == ("error: C-1: annual-review needs a final plan first; none is "
                                "recorded")
    ms(t, "C-1", "final-plan 2027-03-29")
    assert t.fails(1, "case", "milestone", "C-1", "amended-plan", "--on", "2027-05-01",
                   now=NOW) == "error: C-1: amended-plan needs a review-decision 'amend' first"
    assert t.fails(1, "case", "milestone", "C-1", "final-plan", "--on", "2027-04-01",
                   now=NOW) == "error: C-1: the final plan was already recorded on 2027-03-29"


def test_no_final_plan_after_a_refusal_to_issue(t):
    ms(t, "C-1", "assessment-decision 2026-12-10 agreed", "issue-decision 2027-02-20 refused")
    assert status(t) == "refused"
    assert t.fails(1, "case", "milestone", "C-1", "final-plan", "--on", "2027-03-01",
                   now=NOW) == ("error: C-1: the council refused to issue a plan on 2027-02-20; "
                                "a final plan cannot follow a refusal to issue")
    # after mediation the council may agree to issue after all
    ms(t, "C-1", "issue-decision 2027-04-01 agreed")
    assert status(t) == "drafting"


def test_review_cycle_and_amended_plan(t):
    ms(t, "C-1", *PATH, "annual-review 2028-03-20")
    assert t.fails(1, "case", "milestone", "C-1", "annual-review", "--on", "2028-06-01",
                   now=NOW) == ("error: C-1: the review meeting of 2028-03-20 has no "
                                "review-decision yet; record it first")
    ms(t, "C-1", "review-decision 2028-04-24 amend")
    c = clocks(t)
    assert c[("review-decision", "2028-03-20")]["due"] == "2028-04-17"
    assert c[("review-decision", "2028-03-20")]["state"] == "met late"
    assert c[("amended-plan", "2028-04-24")]["due"] == "2028-06-12"  # 12 weeks from the meeting
    assert c[("annual-review", "2028-03-20")]["due"] == "2029-03-19"
    ms(t, "C-1", "amended-plan 2028-06-01")
    assert clocks(t)[("amended-plan", "2028-04-24")]["state"] == "met"
    assert status(t) == "plan-in-force"
    ms(t, "C-1", "ceased 2028-09-01")
    assert t.fails(1, "case", "milestone", "C-1", "annual-review", "--on", "2028-10-01",
                   now=NOW) == ("error: C-1: the plan ceased on 2028-09-01; nothing more can be "
                                "recorded")
    assert ("annual-review", "2028-03-20") not in clocks(t)  # nothing more is owed


def test_closed_case_refuses_milestones(t):
    t.ok("case", "close", "C-1", "--reason", "moved away", now=NOW)
    assert t.fails(1, "case", "milestone", "C-1", "assessment-decision", "--on", "2026-12-10",
                   "--outcome", "agreed", now=NOW) == "error: case 'C-1' is closed"
    assert t.fails(1, "case", "milestone", "NOPE", "draft-plan", "--on", "2026-12-10",
                   now=NOW) == "error: no case 'NOPE'"


def test_record_milestone_for_panels(t, store_path):
    """The panels engineer's entry point validates and records like the command."""
    from datetime import datetime

    from send_cli.casework import cases, timeline
    from send_cli.errors import RuleViolation
    from send_cli.settings import LONDON, resolve
    from send_cli.store.engine import open_store

    store = open_store(resolve(db=str(store_path), officer="chair", now=NOW))
    now = datetime(2028, 12, 29, 9, tzinfo=LONDON)
    try:
        with store.write() as session:
            case = cases.get_case(session, "C-1")
            with pytest.raises(RuleViolation):
                timeline.record_milestone(session=session, case=case, kind="issue-decision",
                                          on=datetime(2026, 12, 1).date(), outcome="agreed",
                                          actor="chair", now=now)
            m = timeline.record_milestone(session=session, case=case,
                                          kind="assessment-decision",
                                          on=datetime(2026, 12, 9).date(), outcome="agreed",
                                          actor="chair", now=now)
            assert m.id is not None and case.status == "assessing"
    finally:
        store.dispose()
    assert status(t) == "assessing"
    entry = [a for a in t.json("audit", "C-1", now=NOW) if a["action"] == "case.milestone"][0]
    assert entry["officer"] == "chair"


# -- advice -----------------------------------------------------------------------
def test_advice_requested_then_received(t):
    ms(t, "C-1", "assessment-decision 2026-12-10 agreed")
    r = t.ok("case", "advice", "C-1", "--from", "educational-psychology", "--requested",
             "2026-12-11", now=NOW)
    assert r.stderr == ("C-1: educational-psychology advice requested on 2026-12-11; "
                        "due 2027-01-22\n")
    c = clocks(t)[("advice", "2026-12-11")]
    assert (c["due"], c["met_on"], c["state"]) == ("2027-01-22", None, "missed")
    r = t.ok("case", "advice", "C-1", "--from", "educational-psychology", "--requested",
             "2026-12-11", "--received", "2027-02-01", now=NOW)
    assert r.stderr == ("C-1: educational-psychology advice received on 2027-02-01 (10 days "
                        "late; due 2027-01-22)\n")
    c = clocks(t)[("advice", "2026-12-11")]
    assert (c["met_on"], c["state"]) == ("2027-02-01", "met late")
    assert show(t)["advice"] == [{"source": "educational-psychology", "requested": "2026-12-11",
                                  "due": "2027-01-22", "received": "2027-02-01",
                                  "state": "met late", "withdrawn_at": None,
                                  "withdrawn_by": None, "withdrawn_reason": None}]
    assert t.fails(1, "case", "advice", "C-1", "--from", "educational-psychology",
                   "--requested", "2026-12-11", "--received", "2027-02-02", now=NOW) == (
        "error: C-1: educational-psychology advice requested on 2026-12-11 was already "
        "received on 2027-02-01")


def test_advice_refusals(t):
    assert t.fails(2, "case", "advice", "C-1", "--from", "gp", "--requested", "2026-12-11",
                   now=NOW) == ("error: --from 'gp' is not known; use one of: "
                                "educational-psychology, health, social-care, school, other")
    assert t.fails(1, "case", "advice", "C-1", "--from", "health", "--requested",
                   "2026-10-30", now=NOW) == ("error: advice requested on 2026-10-30 is before "
                                              "the request was received on 2026-11-02")
    assert t.fails(1, "case", "advice", "C-1", "--from", "health", "--requested",
                   "2026-12-11", "--received", "2026-12-10", now=NOW) == (
        "error: advice received on 2026-12-10 is before it was requested on 2026-12-11")
    assert t.fails(2, "case", "advice", "C-1", "--from", "health", "--requested",
                   "2029-01-01", now=NOW) == ("error: --requested 2029-01-01 is in the future; "
                                              "use 2028-12-29 or earlier")
    t.ok("case", "advice", "C-1", "--from", "health", "--requested", "2026-12-11", now=NOW)
    assert t.fails(1, "case", "advice", "C-1", "--from", "health", "--requested",
                   "2026-12-11", now=NOW) == ("error: C-1: health advice requested on "
                                              "2026-12-11 is already recorded")
    ms(t, "C-1", *PATH)
    assert t.fails(1, "case", "advice", "C-1", "--from", "school", "--requested",
                   "2027-05-01", now=NOW) == ("error: C-1 is plan-in-force: advice (reg 8) is "
                                              "asked for during an assessment")
    assert len(show(t)["advice"]) == 1


# -- exceptions --------------------------------------------------------------------
def test_exception_recorded_beside_the_deadline(t):
    r = t.ok("case", "exception", "C-1", "--reason", "child in hospital", "--from",
             "2027-01-04", "--to", "2027-02-12", now=NOW)
    assert r.stderr == "C-1: exception (c) recorded; the deadlines do not move\n"
    c = clocks(t)
    assert c[("final-plan", "2026-11-02")]["due"] == "2027-03-22"  # unmoved
    assert c[("final-plan", "2026-11-02")]["exception"] == "c: child in hospital"
    # the 6 weeks ended on 14 Dec 2026, before the exception began
    assert c[("assessment-decision", "2026-11-02")]["exception"] is None
    assert show(t)["exceptions"] == [{
        "code": "c", "meaning": "exceptional personal circumstances of the child, the parent "
        "or the young person", "reason": "child in hospital", "from": "2027-01-04",
        "to": "2027-02-12"}]


def test_exception_refusals(t):
    assert t.fails(2, "case", "exception", "C-1", "--code", "e", "--reason", "x",
                   now=NOW) == ("error: --code 'e' is not known; use one of: a, b, c, d "
                                "(reg 10(4)(a)-(d))")
    assert t.fails(2, "case", "exception", "C-1", "--reason", "x", "--from", "2027-02-01",
                   "--to", "2027-01-01", now=NOW) == (
        "error: --from 2027-02-01 is after --to 2027-01-01")
    assert t.fails(1, "case", "exception", "C-1", "--reason", "x", "--from", "2027-03-23",
                   now=NOW) == ("error: --from 2027-03-23 is after the 20-week limit of "
                                "2027-03-22: an exception excuses a time limit only for what "
                                "happens within it")
    assert t.fails(1, "case", "exception", "C-1", "--reason", "x", "--to", "2026-11-01",
                   now=NOW) == ("error: --to 2026-11-01 is before the request was received on "
                                "2026-11-02")
    assert t.fails(2, "case", "exception", "C-1", "--reason", " ", now=NOW) == (
        "error: --reason is empty; give some text")
    t.ok("case", "exception", "C-1", "--code", "d", "--reason", "abroad", "--from",
         "2027-01-04", now=NOW)
    assert t.fails(1, "case", "exception", "C-1", "--code", "d", "--reason", "again",
                   "--from", "2027-01-04", now=NOW) == (
        "error: C-1: exception (d) for these dates is already recorded")
    assert len(show(t)["exceptions"]) == 1


# -- appeals ------------------------------------------------------------------------
def test_appeal_window_after_a_refusal(t):
    ms(t, "C-1", "assessment-decision 2026-12-10 refused")
    r = t.ok("case", "appeal", "C-1", "--decision-sent", "2026-12-31", now="2027-01-04")
    assert r.stdout == "2027-02-28\n"  # 2 months from 31 December: the end of February
    r = t.ok("case", "appeal", "C-1", "--decision-sent", "2026-12-31", "--certificate",
             "2027-01-31", now="2027-02-02")
    assert r.stdout == "2027-02-28\n"  # 1 month from 31 January is 28 February too
    row = show(t, now="2027-02-02")["appeals"][0]
    assert row == {"decision_sent": "2026-12-31", "certificate": "2027-01-31",
                   "last_day": "2027-02-28", "in_time_until": "2027-03-01",
                   "registered": None}
    # 28 February 2027 is a Sunday: the window closes on Monday 1 March
    c = clocks(t, now="2027-02-02")[("appeal", "2026-12-31")]
    assert (c["due"], c["state"]) == ("2027-03-01", "open")
    t.ok("case", "appeal", "C-1", "--decision-sent", "2026-12-31", "--registered",
         "2027-02-20", now=NOW)
    assert clocks(t)[("appeal", "2026-12-31")]["met_on"] == "2027-02-20"
    assert status(t) == "refused"


def test_appeal_certificate_later_than_two_months(t):
    ms(t, "C-1", "assessment-decision 2026-12-10 refused")
    r = t.ok("case", "appeal", "C-1", "--decision-sent", "2026-12-11", "--certificate",
             "2027-02-05", now=NOW)
    assert r.stdout == "2027-03-05\n"  # later than 11 Feb
    assert clocks(t)[("appeal", "2026-12-11")]["detail"] == (
        "2 months from the decision letter of 2026-12-11 (2027-02-11); 1 month from the "
        "mediation certificate of 2027-02-05 (2027-03-05)")


def test_appeal_refusals(t):
    assert t.fails(1, "case", "appeal", "C-1", "--decision-sent", "2026-12-11",
                   now=NOW) == "error: C-1 has no appealable decision on or before 2026-12-11"
    ms(t, "C-1", "assessment-decision 2026-12-10 refused")
    assert t.fails(1, "case", "appeal", "C-1", "--decision-sent", "2026-12-09",
                   now=NOW) == "error: C-1 has no appealable decision on or before 2026-12-09"
    assert t.fails(1, "case", "appeal", "C-1", "--decision-sent", "2026-12-11",
                   "--certificate", "2026-12-01", now=NOW) == (
        "error: --certificate 2026-12-01 is before the decision letter was sent on 2026-12-11")
    assert t.fails(2, "case", "appeal", "C-1", "--decision-sent", "2029-01-01",
                   now=NOW) == ("error: --decision-sent 2029-01-01 is in the future; use "
                                "2028-12-29 or earlier")
    t.ok("case", "appeal", "C-1", "--decision-sent", "2026-12-11", "--certificate",
         "2027-01-10", now=NOW)
    assert t.fails(1, "case", "appeal", "C-1", "--decision-sent", "2026-12-11",
                   "--certificate", "2027-01-11", now=NOW) == (
        "error: C-1: the appeal against the decision of 2026-12-11 already has certificate "
        "2027-01-10; it is not overwritten")
    assert t.fails(1, "case", "appeal", "C-1", "--decision-sent", "2026-12-11",
                   now=NOW) == ("error: C-1: the appeal against the decision of 2026-12-11 is "
                                "already recorded with these dates")


# -- phase transfers -------------------------------------------------------------------
def test_phase_transfer_deadlines(t):
    ms(t, "C-1", *PATH)
    r = t.ok("case", "transfer", "C-1", "--year", "2028", "--kind", "school", now=NOW)
    assert r.stderr == "C-1: school transfer in 2028; plan to be amended by 2028-02-15\n"
    c = clocks(t)[("phase-transfer", "2027-09-01")]
    assert (c["due"], c["state"]) == ("2028-02-15", "missed")
    t.ok("case", "transfer", "C-1", "--year", "2028", "--kind", "post16", now=NOW)
    assert clocks(t)[("phase-transfer", "2027-09-01")]["due"] == "2028-03-31"
    ms(t, "C-1", "annual-review 2027-11-15", "review-decision 2027-12-06 amend",
       "amended-plan 2028-02-10")
    c = clocks(t)[("phase-transfer", "2027-09-01")]
    assert (c["met_on"], c["state"]) == ("2028-02-10", "met")
    assert t.fails(1, "case", "transfer", "C-1", "--year", "2028", "--kind", "post16",
                   now=NOW) == "error: C-1: the post16 transfer in 2028 is already recorded"


def test_phase_transfer_refusals(t):
    assert t.fails(2, "case", "transfer", "C-1", "--year", "2028", "--kind", "college",
                   now=NOW) == "error: --kind 'college' is not known; use one of: school, post16"
    assert t.fails(1, "case", "transfer", "C-1", "--year", "2025", "--kind", "school",
                   now=NOW) == ("error: --year 2025 is before the request was received on "
                                "2026-11-02")
    assert t.fails(2, "case", "transfer", "C-1", "--year", "2100", "--kind", "school",
                   now=NOW) == "error: --year 2100 is out of range; use a year up to 2048"
    ms(t, "C-1", "assessment-decision 2026-12-10 refused")
    assert t.fails(1, "case", "transfer", "C-1", "--year", "2028", "--kind", "school",
                   now=NOW) == ("error: C-1 is refused: a phase transfer amends a plan in "
                                "force (reg 18)")


# -- settings: the under-fives review interval ----------------------------------------------
def test_under_five_setting_recomputes_review_clocks(team):
    team.case("U-1", received="2026-11-02", dob="2023-01-15", now=NOW)
    ms(team, "U-1", *PATH)
    assert clocks(team, "U-1")[("annual-review", "2027-03-29")]["due"] == "2028-03-28"
    assert team.json("setting", "show", now=NOW)[0] == {
        "setting": "under5-review-months", "value": "12", "default": "12",
        "meaning": "months between reviews of the plan of a child under 5 (1-12; SEND Code of "
                   "Practice 9.178 says consider every 3 to 6; the law's limit is 12)"}
    r = team.ok("setting", "set", "under5-review-months", "6", now=NOW)
    assert r.stderr == "under5-review-months: 12 -> 6; the review clocks of 1 case recomputed\n"
    assert team.json("setting", "show", now=NOW)[0]["value"] == "6"
    c = clocks(team, "U-1")[("annual-review", "2027-03-29")]
    assert c["due"] == "2027-09-28"
    assert "every 6 months" in c["basis"]
    # a review once the child is 5 goes back to 12 months
    ms(team, "U-1", "annual-review 2028-02-01", "review-decision 2028-02-20 maintain")
    assert clocks(team, "U-1")[("annual-review", "2028-02-01")]["due"] == "2029-01-31"


@pytest.mark.parametrize(("args", "line"), [
    (("under5-review-months", "0"),
     "error: under5-review-months '0' is not a number of months from 1 to 12"),
    (("under5-review-months", "13"),
     "error: under5-review-months '13' is not a number of months from 1 to 12"),
    (("under5-review-months", "six"),
     "error: under5-review-months 'six' is not a number of months from 1 to 12"),
    (("colour", "blue"), "error: setting 'colour' is not known; use one of: under5-review-months, "
     "kpi-target-20-weeks, retention-age, retention-after-close-years, la-code, dmo, dco, dsco"),
])
def test_setting_refusals(cli, args, line):
    assert cli.fails(2, "setting", "set", *args) == line
    assert cli.fails(1, "setting", "set", "under5-review-months", "12") == (
        "error: under5-review-months is already 12")


# -- case show draws the clocks ---------------------------------------------------------------
def test_case_show_draws_the_clock_timeline(t):
    ms(t, "C-1", "assessment-decision 2026-12-10 agreed")
    t.ok("case", "exception", "C-1", "--code", "d", "--reason", "abroad", now=NOW)
    out = t.ok("case", "show", "C-1", now="2027-01-04").stdout
    assert "Statutory clocks as at Mon 04 Jan 2027" in out
    rows = out.split("Statutory clocks", 1)[1].split("\n\n", 2)[1].splitlines()
    lines = {line.split()[0]: line for line in rows if line.startswith("  ") and
             not line.startswith("    ")}
    assert "met 2026-12-10, 4 days to spare" in lines["assessment-decision"]
    assert "█" not in lines["assessment-decision"]  # a met clock needs no bar
    assert "day 63 of 140, 77 days left" in lines["final-plan"]
    assert "    exception: d: abroad" in rows[rows.index(lines["final-plan"]) + 1]
    assert "█" * 5 + "░" * 7 + "  day 63" in lines["final-plan"]  # 63 of 140 days, of 12
    assert "SEND Regs 2014 reg 13(2)" in t.ok("case", "show", "C-1", "--format", "json",
                                             now="2027-01-04").stdout
    late = t.ok("case", "show", "C-1", now="2027-04-01").stdout
    final = next(line for line in late.splitlines() if line.startswith("  final-plan"))
    assert "missed: 10 days late" in final


def test_clock_states():
    from datetime import date

    from send_cli.rules.statutory import clock_state

    d = date.fromisoformat
    assert clock_state("final-plan", d("2027-03-22"), d("2027-03-22"), d("2027-04-01")) == "met"
    assert clock_state("final-plan", d("2027-03-22"), d("2027-03-23"), d("2027-04-01")) == \
        "met late"
    assert clock_state("final-plan", d("2027-03-22"), None, d("2027-03-22")) == "open"
    assert clock_state("final-plan", d("2027-03-22"), None, d("2027-03-23")) == "missed"
    assert clock_state("appeal", d("2027-03-22"), None, d("2027-03-23")) == "ended"
    # a final plan issued within the family's 15 days cuts them short
    assert clock_state("draft-comments", d("2027-02-19"), d("2027-02-12"),
                       d("2027-04-01")) == "cut short"
    assert clock_state("draft-comments", d("2027-02-19"), d("2027-03-01"),
                       d("2027-04-01")) == "ended"
