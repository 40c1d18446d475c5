"""Casework as the charter runs it: answered calls, which follow-up a contact
settles, recording a call made yesterday, absence and cover, a refusal's
appeal window from its outcome email, closure days added later, the KPI's
London day, who may hold casework, and the nightly files' columns.

Every date here is worked by hand from England's bank holidays: Christmas
2026 is Fri 25 Dec, Boxing Day Sat 26 Dec (substitute Mon 28 Dec), New
Year's Day Fri 1 Jan 2027; New Year's Day 2028 is a Saturday, so Mon 3 Jan
2028 is its substitute."""

from __future__ import annotations

import csv
import io

import pytest

BACKENDS = ("sqlite", "postgresql")


def contact(cli, ref, *args, at, now=None):
    return cli.ok("contact", "log", ref, *args, "--at", at, now=now or at)


def followups(cli, *args, now):
    return [(f["id"], f["kind"], f["due"], f["officer"], f["status"], f["for"])
            for f in cli.json("followup", "list", *args, now=now)]


# -- 2. a call answered live ---------------------------------------------------
def test_an_answered_call_owes_a_reply_on_the_fifth_working_day(team):
    team.case("C-1", officer="CO1")
    out = contact(team, "C-1", "--channel", "phone", "--direction", "in", "--party", "parent",
                  "--summary", "asks about the EP visit", "--answered", at="2026-12-24T11:00")
    # Thu 24 Dec: Fri 25 and Mon 28 are bank holidays; Tue 29 (1), Wed 30 (2),
    # Thu 31 (3), Fri 1 Jan is a bank holiday, Mon 4 (4), Tue 5 Jan (5)
    assert "follow-up 1: reply due Tue 05 Jan 2027" in out.stderr
    assert followups(team, now="2026-12-24T11:00") == [
        (1, "reply", "2027-01-05", "CO1", "open", "")]
    # answered on the call: nothing is owed, and no call back either
    out = contact(team, "C-1", "--channel", "phone", "--direction", "in", "--party", "carer",
                  "--summary", "confirmed the date", "--answered", "--resolved",
                  at="2026-12-24T11:30")
    assert out.stderr == "logged contact 2 on C-1; answered on the call, nothing owed\n"
    assert len(team.json("followup", "list", "--all", now="2026-12-24T12:00")) == 1
    # an unanswered call is still a message owed a call back the same day
    contact(team, "C-1", "--channel", "phone", "--direction", "in", "--party", "parent",
            "--summary", "rang", at="2026-12-24T14:00")
    assert followups(team, now="2026-12-24T14:00")[0] == (
        2, "callback", "2026-12-24", "CO1", "open", "")
    assert team.fails(2, "contact", "log", "C-1", "--channel", "voicemail", "--direction",
                      "in", "--party", "parent", "--summary", "x", "--answered") == \
        "error: --answered is for a phone call that came in (--channel phone --direction in)"
    assert team.fails(2, "contact", "log", "C-1", "--channel", "phone", "--direction", "in",
                      "--party", "parent", "--summary", "x", "--resolved") == \
        "error: --resolved needs --answered: only a call answered live can be resolved on it"


# -- 1. --settles ---------------------------------------------------------------
@pytest.fixture
def decided(team):
    """C-1 (CO1): a voicemail on Christmas Eve owed a call back on Tue 29 Dec,
    and a MAP decision on Tue 29 Dec (Fri 25 Dec's meeting moved) owing the
    outcome call by Wed 6 Jan and the email by Thu 7 Jan 2027."""
    team.case("C-1", officer="CO1")
    team.case("C-2", officer="CO2")
    team.ok("panel", "schedule", "MAP", "--from", "2026-12-01", "--to", "2027-01-31",
            "--weekday", "fri")
    team.ok("panel", "refer", "C-1", "--panel", "MAP", "--request", "resource",
            now="2026-12-21T09:00")
    contact(team, "C-1", "--channel", "voicemail", "--direction", "in", "--party", "parent",
            "--summary", "please ring", at="2026-12-24T15:20")
    team.ok("decision", "log", "C-1", "--panel", "MAP", "--meeting", "2026-12-29",
            "--outcome", "agreed", "--reason", "the panel's reasons", now="2026-12-29T11:00")
    return team


def test_settles_names_the_followup_and_leaves_the_older_callback_open(decided):
    open_ = followups(decided, "C-1", now="2027-01-05T09:00")
    assert [(k, d) for _, k, d, *_ in open_] == [
        ("callback", "2026-12-29"), ("outcome-call", "2027-01-06"),
        ("outcome-email", "2027-01-07")]
    callback, call = open_[0][0], open_[1][0]
    out = contact(decided, "C-1", "--channel", "phone", "--direction", "out", "--party",
                  "parent", "--summary", "told the outcome", "--settles", str(call),
                  at="2027-01-05T10:00")
    assert f"settled follow-up {call} (outcome-call)" in out.stderr
    left = followups(decided, "C-1", now="2027-01-05T10:00")
    assert [(i, k) for i, k, *_ in left] == [(callback, "callback"), (4, "outcome-email")]


def test_without_settles_the_oldest_owed_is_settled_as_before(decided):
    contact(decided, "C-1", "--channel", "phone", "--direction", "out", "--party", "parent",
            "--summary", "rang back", at="2027-01-05T10:00")
    assert [k for _, k, *_ in followups(decided, "C-1", now="2027-01-05T10:00")] == [
        "outcome-call", "outcome-email"]


def test_settles_is_refused_for_another_case_or_a_closed_followup(decided):
    other = contact(decided, "C-2", "--channel", "email", "--direction", "in", "--party",
                    "parent", "--summary", "question", at="2027-01-04T09:00")
    assert "follow-up 5" in other.stderr
    args = ("contact", "log", "C-1", "--channel", "phone", "--direction", "out", "--party",
            "parent", "--summary", "x", "--at", "2027-01-05T10:00")
    assert decided.fails(1, *args, "--settles", "5", now="2027-01-05T10:00") == \
        "error: follow-up 5 is not on case 'C-1' (it is on 'C-2')"
    assert decided.fails(1, *args, "--settles", "99", now="2027-01-05T10:00") == \
        "error: no follow-up 99"
    assert decided.fails(1, *args, "--settles", "1", now="2027-01-05T10:00") == \
        "error: follow-up 1 (papers) is owed to the panel; no contact settles it"
    decided.ok("followup", "done", "2", now="2027-01-05T09:00")
    assert decided.fails(1, *args, "--settles", "2", now="2027-01-05T10:00") == \
        "error: follow-up 2 was already done on 2027-01-05"
    # a call on 23 December cannot give the outcome of the 29th's meeting
    assert decided.fails(1, "contact", "log", "C-1", "--channel", "phone", "--direction",
                         "out", "--party", "parent", "--summary", "x", "--at",
                         "2026-12-23T10:00", "--settles", "3", now="2027-01-05T10:00") == \
        ("error: follow-up 3 was not yet owed at 2026-12-23 10:00 (owed since "
         "2026-12-29 11:00)")
    # nothing was written by the refusals
    assert len(decided.json("followup", "list", "--all", now="2027-01-05T10:00")) == 5
    assert [c["case_ref"] for c in decided.json("export", "contacts")] == ["C-1", "C-2"]


# -- 3. followup done --at ----------------------------------------------------
def test_followup_done_at_records_when_it_was_done(team):
    team.case("C-1", officer="CO1")
    contact(team, "C-1", "--channel", "email", "--direction", "in", "--party", "parent",
            "--summary", "question", at="2026-12-07T10:00")
    # due Mon 14 Dec (Tue 8, Wed 9, Thu 10, Fri 11, Mon 14); rung on the 14th,
    # recorded the next morning: kept
    team.ok("followup", "done", "1", "--at", "2026-12-14T16:00", "--note", "rang",
            now="2026-12-15T09:00")
    row = team.json("followup", "list", "--all", now="2026-12-15T09:00")[0]
    assert (row["due"], row["done_at"]) == ("2026-12-14", "2026-12-14T16:00+00:00")
    kpi = team.json("report", "kpi", "--from", "2026-12-01", "--to", "2026-12-31",
                    now="2026-12-15T09:00")
    assert (kpi["followups_due"], kpi["followups_kept"]) == (1, 1)
    contact(team, "C-1", "--channel", "letter", "--direction", "in", "--party", "parent",
            "--summary", "letter", at="2026-12-15T09:30")
    assert team.fails(1, "followup", "done", "2", "--at", "2026-12-15T09:29",
                      now="2026-12-15T10:00") == \
        ("error: --at 2026-12-15 09:29 is before follow-up 2 was owed (2026-12-15 09:30); "
         "give the time it was done")
    assert team.fails(2, "followup", "done", "2", "--at", "2026-12-15T10:01",
                      now="2026-12-15T10:00") == \
        "error: --at 2026-12-15T10:01 is in the future; use 2026-12-15T10:00 or earlier"
    audit = team.json("audit", "C-1", now="2026-12-15T10:00")
    done = [a for a in audit if a["action"] == "followup.done"]
    assert done[0]["after"]["done_at"].startswith("2026-12-14T16:00")


# -- 7. the KPI waits for the day to end and dates by London time ---------------
def test_kpi_waits_for_the_day_and_dates_by_london_time(team):
    team.case("C-1", officer="CO1", received="2027-07-01", now="2027-07-01T09:00")
    # Mon 5 Jul 2027 email: reply due Mon 12 Jul; Tue 6 Jul letter: due Tue 13 Jul
    contact(team, "C-1", "--channel", "email", "--direction", "in", "--party", "parent",
            "--summary", "q1", at="2027-07-05T10:00")
    contact(team, "C-1", "--channel", "letter", "--direction", "in", "--party", "parent",
            "--summary", "q2", at="2027-07-06T10:00")
    # 00:30 BST on Tue 13 Jul is 23:30 UTC on Mon 12 Jul: the day after it was due
    team.ok("followup", "done", "1", "--at", "2027-07-13T00:30", now="2027-07-13T08:00")

    def figures(now):
        k = team.json("report", "kpi", "--from", "2027-07-12", "--to", "2027-07-13", now=now)
        return k["followups_due"], k["followups_kept"]

    # on the 13th, the 13th has not ended: only the 12th's reply counts, missed
    assert figures("2027-07-13T09:00") == (1, 0)
    team.ok("followup", "done", "2", "--at", "2027-07-13T23:30", now="2027-07-13T23:45")
    assert figures("2027-07-13T23:50") == (1, 0)
    # the day over: the reply done at 23:30 BST on its day was kept
    assert figures("2027-07-14T09:00") == (2, 1)
    team.ok("db", "check", now="2027-07-14T09:00")


# -- 4. absence and cover -------------------------------------------------------
def test_cover_owns_promises_made_in_the_absence_and_sees_those_falling_due(team):
    team.case("C-1", officer="CO1")
    # before the absence: Wed 2 Dec email, reply due Wed 9 Dec, CO1's
    contact(team, "C-1", "--channel", "email", "--direction", "in", "--party", "parent",
            "--summary", "question", at="2026-12-02T10:00")
    team.ok("officer", "away", "CO1", "--from", "2026-12-07", "--to", "2026-12-11",
            "--cover", "CO2", now="2026-12-04T09:00")
    rows = {r["code"]: r for r in team.json("officer", "list", now="2026-12-04T09:00")}
    assert (rows["CO1"]["away_from"], rows["CO1"]["away_to"], rows["CO1"]["cover"]) == (
        "2026-12-07", "2026-12-11", "CO2")
    assert (rows["CO2"]["away_from"], rows["CO2"]["cover"]) == (None, None)
    # not away yet: the reply is CO1's
    assert followups(team, now="2026-12-04T09:00") == [
        (1, "reply", "2026-12-09", "CO1", "open", "")]
    # in the absence: a voicemail on Tue 8 Dec is owed by the cover, for CO1
    out = contact(team, "C-1", "--channel", "voicemail", "--direction", "in", "--party",
                  "parent", "--summary", "please ring", at="2026-12-08T10:00")
    assert "owed by CO2 while CO1 is away" in out.stderr
    assert followups(team, now="2026-12-08T10:00") == [
        (2, "callback", "2026-12-08", "CO2", "open", "CO1"),
        (1, "reply", "2026-12-09", "CO2", "open", "CO1")]
    over = team.json("overdue", "--officer", "CO2", now="2026-12-10T09:00")
    assert [(r["followup_id"], r["due"], r["officer"], r["for"]) for r in over] == [
        (2, "2026-12-08", "CO2", "CO1"), (1, "2026-12-09", "CO2", "CO1")]
    assert team.json("overdue", "--officer", "CO1", now="2026-12-10T09:00") == []
    # back on Mon 14 Dec: the reply falls to CO1 again; what the cover
    # promised stays the cover's; new promises are CO1's
    contact(team, "C-1", "--channel", "email", "--direction", "in", "--party", "parent",
            "--summary", "again", at="2026-12-14T09:00")
    over = team.json("overdue", now="2026-12-14T10:00")
    assert [(r["followup_id"], r["officer"], r["for"]) for r in over] == [
        (2, "CO2", "CO1"), (1, "CO1", "")]
    assert followups(team, "--officer", "CO1", now="2026-12-14T10:00") == [
        (1, "reply", "2026-12-09", "CO1", "open", ""),
        (3, "reply", "2026-12-21", "CO1", "open", "")]


def test_officer_back_ends_the_absence_early(team):
    team.case("C-1", officer="CO1")
    team.ok("officer", "away", "CO1", "--from", "2026-12-07", "--to", "2026-12-18",
            "--cover", "AO1", now="2026-12-04T09:00")
    contact(team, "C-1", "--channel", "email", "--direction", "in", "--party", "parent",
            "--summary", "q", at="2026-12-08T10:00")
    assert followups(team, now="2026-12-08T10:00")[0][3:] == ("AO1", "open", "CO1")
    team.ok("officer", "back", "CO1", now="2026-12-09T09:00")
    rows = {r["code"]: r for r in team.json("officer", "list", now="2026-12-09T09:00")}
    assert rows["CO1"]["away_from"] is None and rows["CO1"]["cover"] is None
    contact(team, "C-1", "--channel", "email", "--direction", "in", "--party", "parent",
            "--summary", "q", at="2026-12-09T10:00", now="2026-12-09T10:00")
    assert [f[3] for f in followups(team, now="2026-12-09T10:00")] == ["AO1", "CO1"]
    assert team.fails(1, "officer", "back", "CO1", now="2026-12-09T10:00") == \
        "error: officer 'CO1' is not away"


def test_a_cover_cannot_leave_in_the_middle_of_the_absence(team):
    team.ok("officer", "away", "CO1", "--from", "2026-12-07", "--to", "2026-12-11",
            "--cover", "CO2", now="2026-12-04T09:00")
    assert team.fails(1, "officer", "leave", "CO2", "--to", "AO1", now="2026-12-08T09:00") == \
        "error: CO2 covers CO1's absence until 2026-12-11"
    team.ok("officer", "leave", "CO2", "--to", "AO1", now="2026-12-14T09:00")


def test_who_may_cover(team):
    args = ("officer", "away", "CO1", "--from", "2026-12-07", "--to", "2026-12-11")
    now = "2026-12-04T09:00"
    assert team.fails(1, *args, "--cover", "BS1", now=now) == \
        ("error: BS1 is business-support and cannot cover casework; the cover is an active "
         "assessment-officer or casework-officer")
    assert team.fails(1, *args, "--cover", "SCO1", now=now).startswith(
        "error: SCO1 is senior-casework-officer and cannot cover casework")
    assert team.fails(2, *args, "--cover", "CO1", now=now) == \
        "error: --cover 'CO1' is the officer who is away; name another officer"
    assert team.fails(2, "officer", "away", "CO1", "--from", "2026-12-11", "--to",
                      "2026-12-07", "--cover", "CO2", now=now) == \
        "error: --from 2026-12-11 is after --to 2026-12-07"
    team.ok("officer", "away", "CO2", "--from", "2026-12-10", "--to", "2026-12-12",
            "--cover", "AO1", now=now)
    assert team.fails(1, *args, "--cover", "CO2", now=now) == \
        "error: CO2 is away from 2026-12-10 to 2026-12-12 and cannot cover then"
    assert team.fails(1, "officer", "away", "CO2", "--from", "2026-12-14", "--to",
                      "2026-12-15", "--cover", "AO1", now=now).startswith(
        "error: officer 'CO2' is already recorded away from 2026-12-10 to 2026-12-12")


# -- 5. a refusal's appeal window opens from the outcome email ------------------
@pytest.fixture
def refused(team):
    """C-1's request received Mon 20 Sep 2027, refused by MAP on Fri 22 Oct
    2027: the outcome call is owed by Fri 29 Oct, the email by Mon 1 Nov."""
    team.case("C-1", officer="CO1", received="2027-09-20", now="2027-09-20T09:00")
    team.ok("panel", "schedule", "MAP", "--from", "2027-10-01", "--to", "2027-11-30",
            "--weekday", "fri", now="2027-09-20T09:00")
    team.ok("panel", "refer", "C-1", "--panel", "MAP", "--request", "ehcna", "--meeting",
            "2027-10-22", now="2027-10-11T09:00")
    team.ok("decision", "log", "C-1", "--panel", "MAP", "--meeting", "2027-10-22",
            "--outcome", "declined", "--reason", "needs met at SEN support",
            now="2027-10-22T11:00")
    return team


def test_a_refusals_appeal_window_opens_from_the_email_day(refused):
    assert [(k, d) for _, k, d, *_ in followups(refused, "C-1", now="2027-10-22T11:00")] == [
        ("outcome-call", "2027-10-29"), ("outcome-email", "2027-11-01")]
    assert [r["milestone"] for r in refused.json("deadlines", now="2027-11-02T09:00")] == []
    out = contact(refused, "C-1", "--channel", "email", "--direction", "out", "--party",
                  "parent", "--summary", "decision letter", at="2027-11-03T10:00")
    assert "appeal window opens" in out.stderr
    # Wed 3 Nov 2027 + 2 months = Mon 3 Jan 2028, the New Year substitute
    # bank holiday: the Tribunal accepts it on Tue 4 Jan
    rows = refused.json("deadlines", now="2027-11-03T11:00")
    assert [(r["milestone"], r["due"], r["note"]) for r in rows] == [
        ("appeal", "2028-01-04", "last day 2028-01-03 (r20), in time to 2028-01-04 (r12)")]
    # and the family is offered a discussion within 5 working days: Wed 10 Nov
    assert [(k, d) for _, k, d, *_ in followups(refused, "C-1", now="2027-11-03T11:00")] == [
        ("outcome-call", "2027-10-29"), ("discussion", "2027-11-10")]
    show = refused.json("case", "show", "C-1", now="2027-11-03T11:00")
    assert [a["decision_sent"] for a in show["appeals"]] == ["2027-11-03"]
    # a call offering the meeting settles it
    contact(refused, "C-1", "--channel", "meeting", "--direction", "out", "--party", "parent",
            "--summary", "talked the decision through", at="2027-11-08T14:00")
    assert [k for _, k, *_ in followups(refused, "C-1", now="2027-11-08T15:00")] == [
        "outcome-call"]
    # case appeal still corrects the dates: the letter went on the 4th
    refused.ok("case", "appeal", "C-1", "--decision-sent", "2027-11-04",
               now="2027-11-08T15:00")
    show = refused.json("case", "show", "C-1", now="2027-11-08T15:00")
    assert [a["decision_sent"] for a in show["appeals"]] == ["2027-11-04"]


def test_followup_done_on_a_refusals_email_opens_the_window_too(refused):
    email = [i for i, k, *_ in followups(refused, "C-1", now="2027-11-03T11:00")
             if k == "outcome-email"][0]
    refused.ok("followup", "done", str(email), "--at", "2027-11-03T16:00",
               now="2027-11-04T09:00")
    rows = refused.json("deadlines", now="2027-11-04T09:00")
    assert [(r["milestone"], r["due"]) for r in rows] == [("appeal", "2028-01-04")]


# -- 6. closure days added later --------------------------------------------------
def test_a_closure_day_moves_a_reply_due_that_day(team):
    team.case("C-1", officer="CO1")
    contact(team, "C-1", "--channel", "email", "--direction", "in", "--party", "parent",
            "--summary", "question", at="2026-12-02T10:00")
    assert followups(team, now="2026-12-02T10:00")[0][2] == "2026-12-09"
    out = team.ok("calendar", "close", "2026-12-09", "--reason", "staff training",
                  now="2026-12-03T09:00")
    assert "follow-up 1 (reply) on C-1 moves to Thu 10 Dec 2026" in out.stderr
    assert followups(team, now="2026-12-03T09:00")[0][2] == "2026-12-10"
    moved = [a for a in team.json("audit", "C-1", now="2026-12-03T09:00")
             if a["action"] == "followup.move"]
    assert (moved[0]["before"]["due"], moved[0]["after"]["due"]) == ("2026-12-09",
                                                                     "2026-12-10")
    team.ok("db", "check", now="2026-12-03T09:00")


# -- 8. who may hold casework; no lead officer --------------------------------------
def test_casework_is_not_handed_to_business_support(team):
    team.case("C-1", officer="CO1")
    roles = "assessment-officer, casework-officer, senior-casework-officer, lead-casework-officer"
    assert team.fails(1, "officer", "leave", "CO1", "--to", "BS1") == \
        f"error: BS1 is business-support and cannot hold casework; give an officer who is: {roles}"
    assert team.fails(1, "case", "assign", "C-1", "BS1") == \
        f"error: BS1 is business-support and cannot hold casework; give an officer who is: {roles}"


def test_case_assign_moves_open_referrals(team):
    team.case("C-1", officer="CO1")
    team.ok("panel", "schedule", "MAP", "--from", "2026-12-01", "--to", "2027-01-31",
            "--weekday", "fri")
    team.ok("panel", "refer", "C-1", "--panel", "MAP", "--request", "resource",
            now="2026-12-21T09:00")
    team.ok("case", "assign", "C-1", "CO2", now="2026-12-22T09:00")
    show = team.json("case", "show", "C-1", now="2026-12-22T09:00")
    assert [r["officer"] for r in show["referrals"]] == ["CO2"]


def test_no_lead_officer_is_said_plainly(team, tmp_path):
    team.case("C-1", officer="CO1")
    team.ok("officer", "leave", "LCO1", "--to", "SCO1")
    contact(team, "C-1", "--channel", "email", "--direction", "in", "--party", "parent",
            "--summary", "question", at="2026-11-02T10:00")
    # due Mon 9 Nov 2026; 15 working days later (Mon 30 Nov) it sits with the lead
    rows = team.json("escalations", now="2026-12-01T09:00")
    assert [(r["level"], r["owner_role"], r["owner"]) for r in rows] == [
        (4, "lead-casework-officer", "no lead officer")]
    # (exit 4: the bundle is not empty)
    assert team("report", "nightly", "--out", str(tmp_path / "n"),
                now="2026-12-01T09:00").exit_code == 4
    assert "no lead officer" in (tmp_path / "n" / "summary.txt").read_text()


# -- 9. the nightly files have their commands' columns -------------------------------
def test_nightly_csvs_have_the_columns_of_their_commands(team, tmp_path):
    team.case("C-1", officer="CO1")
    contact(team, "C-1", "--channel", "email", "--direction", "in", "--party", "parent",
            "--summary", "question", at="2026-11-02T10:00")
    team.ok("case", "advice", "C-1", "--from", "health", "--requested", "2026-11-03")
    assert team("report", "nightly", "--out", str(tmp_path),
                now="2026-12-01T09:00").exit_code == 4
    for name, command in (("overdue.csv", "overdue"), ("escalations.csv", "escalations"),
                          ("deadlines.csv", "deadlines")):
        printed = team.ok(command, "--format", "csv", now="2026-12-01T09:00").stdout
        header = next(csv.reader(io.StringIO(printed)))
        with open(tmp_path / name, newline="", encoding="utf-8") as fh:
            assert next(csv.reader(fh)) == header, name


# -- 10. corrections ------------------------------------------------------------------
def test_a_milestone_recorded_in_error_is_withdrawn_or_corrected(team):
    team.case("C-1", officer="CO1")  # received Mon 2 Nov 2026: 6 weeks to Mon 14 Dec
    team.ok("case", "milestone", "C-1", "assessment-decision", "--on", "2026-11-20",
            "--outcome", "agreed", now="2026-11-23T09:00")
    team.ok("case", "milestone", "C-1", "issue-decision", "--on", "2026-11-23",
            "--outcome", "agreed", now="2026-11-23T09:00")
    # the earlier one cannot go while the later one stands on it
    assert team.fails(1, "case", "milestone", "C-1", "assessment-decision", "--withdraw",
                      "--reason", "wrong case", now="2026-11-23T10:00") == \
        ("error: C-1: the issue-decision of 2026-11-23 was recorded after the "
         "assessment-decision of 2026-11-20; withdraw it first (latest first)")
    assert team.fails(2, "case", "milestone", "C-1", "issue-decision", "--withdraw",
                      now="2026-11-23T10:00") == "error: --withdraw needs --reason TEXT"
    out = team.ok("case", "milestone", "C-1", "issue-decision", "--withdraw", "--reason",
                  "typed on the wrong case", now="2026-11-23T10:00")
    assert out.stderr == "C-1: issue-decision of 2026-11-23 withdrawn; status assessing\n"
    # corrected: the decision was on the 19th, refused; the 6-week clock is met
    # on the 19th and the case is refused
    team.ok("case", "milestone", "C-1", "assessment-decision", "--on", "2026-11-19",
            "--outcome", "refused", "--correct", "--reason", "decided the day before",
            now="2026-11-23T10:00")
    show = team.json("case", "show", "C-1", now="2026-11-23T10:00")
    assert show["case"]["status"] == "refused"
    assert [(m["milestone"], m["on"], m["outcome"]) for m in show["milestones"]] == [
        ("assessment-decision", "2026-11-19", "refused")]
    clock = [c for c in show["clocks"] if c["milestone"] == "assessment-decision"][0]
    assert (clock["due"], clock["met_on"]) == ("2026-12-14", "2026-11-19")
    actions = [a["action"] for a in team.json("audit", "C-1", now="2026-11-23T10:00")]
    assert actions.count("case.milestone.withdraw") == 2
    team.ok("db", "check", now="2026-11-23T10:00")
