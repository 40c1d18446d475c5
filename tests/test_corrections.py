"""Corrections of a contact, an advice request and a panel decision recorded
in error: withdrawn (kept, marked, audited) or recorded again in place, the
clocks and KPI counts worked out again, and what rested on them reopened,
removed or the withdrawal refused, said plainly.

Dates are worked by hand: 5 working days from Mon 7 Dec 2026 is Mon 14 Dec;
a voicemail before 15:00 is owed a call back the same working day, at or
after 15:00 the next; advice asked for on Mon 16 Nov 2026 is due 6 weeks
later, Mon 28 Dec 2026."""

from __future__ import annotations

BACKENDS = ("sqlite", "postgresql")


def contact(cli, ref, *args, at, now=None):
    return cli.ok("contact", "log", ref, *args, "--at", at, now=now or at)


def followups(cli, *args, now):
    return [(f["id"], f["kind"], f["due"], f["status"])
            for f in cli.json("followup", "list", "--all", *args, now=now)]


# -- contacts ------------------------------------------------------------------
def test_a_contact_logged_in_error_is_withdrawn_and_its_followups_follow(team):
    team.case("C-1", officer="CO1")
    team.case("C-2", officer="CO2")
    out = contact(team, "C-1", "--channel", "email", "--direction", "in", "--party", "parent",
                  "--summary", "asks about the EP visit", at="2026-12-07T10:00")
    assert "follow-up 1: reply due Mon 14 Dec 2026" in out.stderr
    out = contact(team, "C-1", "--channel", "email", "--direction", "out", "--party",
                  "parent", "--summary", "answered", at="2026-12-09T11:00")
    assert "settled follow-up 1 (reply)" in out.stderr
    assert followups(team, now="2026-12-09T11:00") == [(1, "reply", "2026-12-14", "done")]
    # the answer went to another family: withdrawn, the reply is owed again
    assert team.fails(2, "contact", "log", "C-1", "--withdraw", "2",
                      now="2026-12-09T12:00") == "error: --withdraw needs --reason TEXT"
    assert team.fails(2, "contact", "log", "C-1", "--withdraw", "2", "--reason", "x",
                      "--channel", "email", now="2026-12-09T12:00") == \
        "error: --withdraw takes no --channel; to log it again with them, use --correct ID"
    assert team.fails(1, "contact", "log", "C-2", "--withdraw", "2", "--reason", "x",
                      now="2026-12-09T12:00") == \
        "error: contact 2 is not on case 'C-2' (it is on 'C-1')"
    assert team.fails(1, "contact", "log", "C-1", "--withdraw", "99", "--reason", "x",
                      now="2026-12-09T12:00").startswith("error: no contact 99")
    out = team.ok("contact", "log", "C-1", "--withdraw", "2", "--reason",
                  "sent to another family", now="2026-12-09T12:00")
    assert out.stderr == ("C-1: contact 2 withdrawn\n"
                          "follow-up 1 (reply due Mon 14 Dec 2026), which it settled, is open "
                          "again\n")
    assert followups(team, now="2026-12-09T12:00") == [(1, "reply", "2026-12-14", "open")]
    assert team.fails(1, "contact", "log", "C-1", "--withdraw", "2", "--reason", "x",
                      now="2026-12-09T12:00").startswith(
        "error: contact 2 was already withdrawn on 2026-12-09 by ")
    # the incoming email was never for this case either: its reply is not owed
    out = team.ok("contact", "log", "C-1", "--withdraw", "1", "--reason", "wrong case",
                  now="2026-12-09T12:05")
    assert out.stderr == ("C-1: contact 1 withdrawn\n"
                          "follow-up 1 (reply due Mon 14 Dec 2026), which it created, is no "
                          "longer owed: removed\n")
    assert followups(team, now="2026-12-09T12:05") == []
    # kept, marked, in 'case show'; gone from the export; audited whole
    show = team.json("case", "show", "C-1", now="2026-12-09T12:05")
    assert [(c["id"], c["withdrawn_reason"]) for c in show["contacts"]] == [
        (1, "wrong case"), (2, "sent to another family")]
    assert show["contacts"][0]["withdrawn_at"].startswith("2026-12-09T12:05")
    assert team.json("export", "contacts", now="2026-12-09T12:05") == []
    screen = team.ok("case", "show", "C-1", now="2026-12-09T12:05").stdout
    assert "withdrawn: 2026-12-09 12:05 by " in screen and ": wrong case" in screen
    audit = team.json("audit", "C-1", now="2026-12-09T12:05")
    gone = [a for a in audit if a["action"] == "followup.withdraw"]
    assert gone[0]["before"]["kind"] == "reply" and gone[0]["before"]["due"] == "2026-12-14"
    withdrawn = [a for a in audit if a["action"] == "contact.withdraw"]
    assert [(a["entity_id"], a["before"]["summary"], a["after"]["reason"])
            for a in withdrawn] == [("2", "answered", "sent to another family"),
                                    ("1", "asks about the EP visit", "wrong case")]
    team.ok("db", "check", now="2026-12-09T12:05")


def test_a_corrected_contact_carries_its_callback_done_or_not(team):
    team.case("C-1", officer="CO1")
    # a voicemail at 14:00 is owed a call back the same day; the call was made
    # the next morning, late
    contact(team, "C-1", "--channel", "voicemail", "--direction", "in", "--party", "parent",
            "--summary", "please ring", at="2026-12-10T14:00")
    contact(team, "C-1", "--channel", "phone", "--direction", "out", "--party", "parent",
            "--summary", "rang back", at="2026-12-11T09:00")
    assert followups(team, now="2026-12-11T10:00") == [(1, "callback", "2026-12-10", "done")]
    kpi = team.json("report", "kpi", "--from", "2026-12-01", "--to", "2026-12-31",
                    now="2027-01-04T09:00")
    assert (kpi["followups_due"], kpi["followups_kept"]) == (1, 0)
    # the message came at 15:30, after three: the call back was owed on Fri 11
    # Dec, so the call of Fri 11 Dec 09:00 kept it
    out = team.ok("contact", "log", "C-1", "--correct", "1", "--reason", "came after three",
                  "--channel", "voicemail", "--direction", "in", "--party", "parent",
                  "--summary", "please ring", "--at", "2026-12-10T15:30",
                  now="2026-12-11T10:00")
    assert out.stderr == ("logged contact 3 on C-1 in place of contact 1 (withdrawn); "
                          "follow-up 1: callback due Fri 11 Dec 2026 (done)\n")
    assert followups(team, now="2026-12-11T10:00") == [(1, "callback", "2026-12-11", "done")]
    kpi = team.json("report", "kpi", "--from", "2026-12-01", "--to", "2026-12-31",
                    now="2027-01-04T09:00")
    assert (kpi["followups_due"], kpi["followups_kept"]) == (1, 1)
    # it was answered live after all, and resolved on the call: nothing owed
    out = team.ok("contact", "log", "C-1", "--correct", "3", "--reason", "answered live",
                  "--channel", "phone", "--direction", "in", "--party", "parent",
                  "--summary", "please ring", "--answered", "--resolved",
                  "--at", "2026-12-10T15:30", now="2026-12-11T10:10")
    assert out.stderr == ("logged contact 4 on C-1 in place of contact 3 (withdrawn); "
                          "answered on the call, nothing owed\n"
                          "follow-up 1 (callback), which contact 3 was owed, is no longer "
                          "owed: removed\n")
    assert followups(team, now="2026-12-11T10:10") == []
    team.ok("db", "check", now="2026-12-11T10:10")


# -- advice -------------------------------------------------------------------
def test_advice_recorded_in_error_is_withdrawn_or_corrected(team):
    team.case("C-1", officer="CO1")  # received Mon 2 Nov 2026
    team.ok("case", "milestone", "C-1", "assessment-decision", "--on", "2026-11-13",
            "--outcome", "agreed", now="2026-11-16T09:00")
    team.ok("case", "advice", "C-1", "--from", "health", "--requested", "2026-11-16",
            now="2026-11-16T09:00")
    team.ok("case", "advice", "C-1", "--from", "social-care", "--requested", "2026-11-16",
            now="2026-11-16T09:00")

    def advice_clocks(now):
        return sorted((d["source"], d["due"]) for d in team.json(
            "deadlines", "--within", "365", "--limit", "0", now=now)
            if d["milestone"] == "advice")

    assert advice_clocks("2026-11-16T10:00") == [("health", "2026-12-28"),
                                                ("social-care", "2026-12-28")]
    assert team.fails(2, "case", "advice", "C-1", "--from", "health", "--withdraw",
                      now="2026-11-16T10:00") == "error: --withdraw needs --reason TEXT"
    assert team.fails(1, "case", "advice", "C-1", "--from", "school", "--withdraw",
                      "--reason", "x", now="2026-11-16T10:00") == \
        "error: C-1 has no school advice recorded"
    out = team.ok("case", "advice", "C-1", "--from", "social-care", "--withdraw", "--reason",
                  "not asked: the family declined", now="2026-11-16T10:00")
    assert out.stderr == ("C-1: social-care advice requested on 2026-11-16 withdrawn; its "
                          "6-week clock leaves the deadlines and the figures\n")
    assert advice_clocks("2026-11-16T10:00") == [("health", "2026-12-28")]
    # health was asked on the 17th (due Tue 29 Dec) and came on Mon 4 Jan: 6 days late
    out = team.ok("case", "advice", "C-1", "--from", "health", "--requested", "2026-11-17",
                  "--received", "2027-01-04", "--correct", "--reason", "asked a day later",
                  now="2027-01-04T09:00")
    assert out.stderr == ("C-1: health advice requested on 2026-11-17, received on "
                          "2027-01-04 (6 days late; due 2026-12-29), in place of the one "
                          "requested on 2026-11-16 (withdrawn)\n")
    show = team.json("case", "show", "C-1", now="2027-01-04T09:00")
    assert [(a["source"], a["requested"], a["received"], a["state"], a["withdrawn_reason"])
            for a in show["advice"]] == [
        ("health", "2026-11-16", None, "withdrawn", "asked a day later"),
        ("social-care", "2026-11-16", None, "withdrawn", "not asked: the family declined"),
        ("health", "2026-11-17", "2027-01-04", "met late", None)]
    kpi = team.json("report", "kpi", "--from", "2026-12-01", "--to", "2026-12-31",
                    now="2027-01-04T09:00")
    assert sum(kpi["advice_outstanding"].values()) == 1  # health, on 31 Dec
    # the same request can be recorded again once the one in error is withdrawn
    team.ok("case", "advice", "C-1", "--from", "social-care", "--requested", "2026-11-16",
            now="2027-01-04T09:00")
    team.ok("db", "check", now="2027-01-04T09:00")


# -- decisions ------------------------------------------------------------------
def test_a_decision_recorded_in_error_is_withdrawn_or_corrected(team):
    team.case("C-1", officer="CO1")  # received Mon 2 Nov 2026
    team.ok("panel", "schedule", "MAP", "--from", "2026-11-01", "--to", "2027-01-31",
            "--weekday", "fri")
    team.ok("panel", "refer", "C-1", "--panel", "MAP", "--request", "ehcna",
            now="2026-11-23T09:00")  # papers (follow-up 1) due Wed 25 Nov
    team.ok("decision", "log", "C-1", "--panel", "MAP", "--meeting", "2026-11-27",
            "--outcome", "agreed", "--reason", "needs may call for provision",
            now="2026-11-27T11:00")
    # outcome call (2) 5 working days after Fri 27 Nov: Fri 4 Dec; email (3) Mon 7 Dec
    team.ok("followup", "done", "2", now="2026-11-27T12:00")
    team.ok("case", "milestone", "C-1", "issue-decision", "--on", "2026-11-30",
            "--outcome", "agreed", now="2026-11-30T09:00")
    assert team.fails(1, "decision", "log", "C-1", "--panel", "MAP", "--meeting",
                      "2026-11-27", "--withdraw", "--reason", "x", now="2026-11-30T10:00") == \
        ("error: C-1: the decision put the assessment-decision of 2026-11-27 on the timeline, "
         "and the issue-decision of 2026-11-30 rests on it; withdraw that first (latest "
         "first)")
    team.ok("case", "milestone", "C-1", "issue-decision", "--withdraw", "--reason",
            "not yet decided", now="2026-11-30T10:00")
    # the chair signed 'declined': corrected
    assert team.fails(2, "decision", "log", "C-1", "--panel", "MAP", "--meeting",
                      "2026-11-27", "--correct", "--outcome", "declined", "--reason", "r",
                      now="2026-11-30T10:00") == "error: --correct needs --why TEXT"
    out = team.ok("decision", "log", "C-1", "--panel", "MAP", "--meeting", "2026-11-27",
                  "--correct", "--why", "the chair signed declined", "--outcome", "declined",
                  "--reason", "needs met from the school's resources", "--format", "json",
                  now="2026-11-30T10:00")
    assert out.stderr.splitlines()[:4] == [
        "C-1: the decision (agreed) at MAP 2026-11-27 withdrawn",
        "note: the assessment-decision (agreed) of 2026-11-27 it put on the timeline is "
        "withdrawn; status requested",
        "note: follow-up 2 (outcome-call due Fri 04 Dec 2026) was done on 2026-11-27 and "
        "stays: tell the family of the correction",
        "note: follow-up 3 (outcome-email due Mon 07 Dec 2026) is no longer owed: removed"]
    assert "recorded: C-1 ehcna declined at MAP 2026-11-27 (chair: " in out.stderr
    assert "in place of the one withdrawn" in out.stderr
    import json
    created = json.loads(out.stdout)
    assert [(f["kind"], f["due"]) for f in created] == [("outcome-call", "2026-12-04"),
                                                       ("outcome-email", "2026-12-07")]
    show = team.json("case", "show", "C-1", now="2026-11-30T10:00")
    assert show["case"]["status"] == "refused"
    assert [(m["milestone"], m["on"], m["outcome"]) for m in show["milestones"]] == [
        ("assessment-decision", "2026-11-27", "refused")]
    assert [(d["outcome"], d["withdrawn_reason"]) for d in show["decisions"]] == [
        ("agreed", "the chair signed declined"), ("declined", None)]
    assert [(d["outcome"]) for d in team.json("decision", "list", now="2026-11-30T10:00")] \
        == ["declined"]
    team.ok("db", "check", now="2026-11-30T10:00")
    # a plain withdrawal: the open outcome follow-ups go, the papers are owed again
    out = team.ok("decision", "log", "C-1", "--panel", "MAP", "--meeting", "2026-11-27",
                  "--withdraw", "--reason", "recorded before the chair signed",
                  now="2026-11-30T11:00")
    assert out.stderr.splitlines()[0] == \
        "C-1: the decision (declined) at MAP 2026-11-27 withdrawn"
    assert ("note: follow-up 1 (papers due Wed 25 Nov 2026), closed by the decision, is "
            "open again") in out.stderr
    assert [(i, k, s) for i, k, _, s in followups(team, "C-1", now="2026-11-30T11:00")] == [
        (1, "papers", "open"), (2, "outcome-call", "done")]
    show = team.json("case", "show", "C-1", now="2026-11-30T11:00")
    assert show["case"]["status"] == "requested" and show["milestones"] == []
    assert [r["outcome"] for r in show["referrals"]] == [None]
    # recorded again, declined; once its email (the decision letter) has gone,
    # the appeal window is open and the decision is not withdrawn
    team.ok("decision", "log", "C-1", "--panel", "MAP", "--meeting", "2026-11-27",
            "--outcome", "declined", "--reason", "needs met from the school's resources",
            now="2026-11-30T12:00")
    email = [i for i, k, _, s in followups(team, "C-1", now="2026-11-30T12:00")
             if k == "outcome-email" and s == "open"][0]
    team.ok("followup", "done", str(email), now="2026-12-01T09:00")
    assert team.fails(1, "decision", "log", "C-1", "--panel", "MAP", "--meeting",
                      "2026-11-27", "--withdraw", "--reason", "x",
                      now="2026-12-01T10:00").startswith(
        f"error: C-1: the decision letter of 2026-12-01 (the outcome email, follow-up "
        f"{email}) told the family of this decision and opened their appeal window")
    team.ok("db", "check", now="2026-12-01T10:00")


def test_withdrawing_the_email_that_was_the_decision_letter_closes_the_window(team):
    team.case("C-1", officer="CO1")
    team.ok("panel", "schedule", "MAP", "--from", "2026-11-01", "--to", "2027-01-31",
            "--weekday", "fri")
    team.ok("panel", "refer", "C-1", "--panel", "MAP", "--request", "ehcna",
            now="2026-11-23T09:00")
    team.ok("decision", "log", "C-1", "--panel", "MAP", "--meeting", "2026-11-27",
            "--outcome", "declined", "--reason", "needs met", now="2026-11-27T11:00")
    out = contact(team, "C-1", "--channel", "email", "--direction", "out", "--party",
                  "parent", "--summary", "the decision letter", "--settles", "3",
                  at="2026-12-01T09:00")
    assert "the appeal window opens" in out.stderr
    assert [a["decision_sent"] for a in team.json("case", "show", "C-1",
                                                 now="2026-12-01T09:00")["appeals"]] == \
        ["2026-12-01"]
    out = team.ok("contact", "log", "C-1", "--withdraw", "1", "--reason", "not sent: bounced",
                  now="2026-12-01T10:00")
    assert out.stderr == (
        "C-1: contact 1 withdrawn\n"
        "follow-up 4 (discussion due Tue 08 Dec 2026) is no longer owed: removed\n"
        "the appeal window opened by the decision letter of 2026-12-01 is closed again\n"
        "follow-up 3 (outcome-email due Mon 07 Dec 2026), which it settled, is open again\n")
    show = team.json("case", "show", "C-1", now="2026-12-01T10:00")
    assert show["appeals"] == []
    team.ok("db", "check", now="2026-12-01T10:00")
