"""Build a realistic synthetic send-cli store of a chosen size, for benchmarks.

    python benchmarks/generate.py --cases 25000 --db /tmp/send-county.db
    python benchmarks/generate.py --cases 720000 --db /tmp/send-england.db
    python benchmarks/generate.py --cases 200000 --backlog --db /tmp/send-backlog.db
    python benchmarks/generate.py --cases 25000 --db postgresql+psycopg://u:p@host/db

The store is opened with send_cli.store.open_store, so the project's own
migrations create the schema, its indexes and the bank holidays; every row
then goes in through SQLAlchemy Core inserts (executemany in chunks) against
the tables of send_cli.models. The statutory clocks (the deadlines table) are
worked out with the project's own rules (send_cli.rules.statutory.case_clocks),
and due dates with its working-day calendar, so reports read what send-cli
itself would have written.

Every case is fictional. Per case, on average: about 10 contacts with the
family and professionals (incoming ones owe a follow-up, most settled on
time, some late, a few still open and late); panel referrals with papers and
decisions (outcome call and email follow-ups); milestones at every stage of
the 20-week path and then annual reviews, review decisions and amended
plans; advice requests; an occasional exception, appeal, phase transfer or
family escalation; a short audit trail. The mix (shares of cases):

    78 %  plan in force (received 2018 to mid 2026), yearly reviews since
     8 %  in assessment (received in the last 30 weeks)
     6 %  refused (some appealing)
     5 %  plan ceased
     3 %  closed

Some of everything is late as of --now (default 2027-01-04T09:00, the demo's
reference moment, so big stores and the demo store answer the same question).

Officers: one per ~150 cases (AO*, CO*, BS*, SCO*, LCO* codes, as the demo
uses: CO1 exists in both). Panels: the four seeded ones (MAP, CAP, CCP, JTP)
serve the first 25,000 cases; each further 25,000 cases get their own area
panels (MAP02, CAP02, ...), so an agenda holds what one council's meeting
would, whatever the size of the store.

On SQLite the generator alone sets PRAGMA synchronous=OFF while it loads
(send-cli itself never does). Memory stays flat: cases are made and written
CHUNK at a time. Prints the time taken and the row counts.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

DEFAULT_NOW = "2027-01-04T09:00"
CHUNK = 2_000  # cases made and written at a time
CASES_PER_AREA = 25_000
CASES_PER_OFFICER = 150

FIRST = ("Oliver Amelia Noah Isla Leo Ava Arthur Mia Oscar Ivy George Freya Theo Lily "
         "Harry Florence Jack Willow Charlie Rosie Finley Sophia Alfie Evie Teddy Grace "
         "Archie Ella Henry Poppy Muhammad Aria Thomas Daisy Joshua Sienna Reuben Maya "
         "Isaac Ada Hugo Layla Max Zara Jacob Hallie Ezra Imogen Rory Nancy Tommy Bonnie "
         "Ibrahim Elsie Yusuf Aisha Kai Hannah Ronan Erin").split()
LAST = ("Ashworth Bramley Calloway Dunmore Everard Fairbairn Garside Hollins Ingleby "
        "Jessop Kettlewell Lambden Marwood Northcott Oakes Pennington Quarmby Redfern "
        "Sowerby Thackeray Underhill Varley Wainwright Yardley Abara Begum Chaudhry Dlamini "
        "Evans Fofana Gallagher Hussain Iqbal Jankowski Kowalczyk Lindqvist Mensah Nowak "
        "Okafor Patel Quinn Rahman Singh Tembo Usman Vasquez Walsh Xu Young Zielinski "
        "Barker Cartwright Dobson Ellison Fenwick Gordon Hartley Irwin").split()
SETTINGS = ("Oak Tree Infant School", "Northgate College", "St Hilda's Primary",
            "Riverside Academy", "Hillcrest Special School", "Meadow Nursery",
            "Castle View High", "Brookfield Primary", "Elm Grove Post-16 Centre", "at home")
REQUESTED_BY = ("parent", "parent", "parent", "setting", "setting", "health",
                "young-person")
# the SEN2 details of a child: drawn from a generator of their own, so the
# rest of the store is what it was before people had them
SEN2_NEEDS = ("ASD", "SLCN", "SEMH", "MLD", "SPLD", "SLD", "PD", "HI", "VI", "MSI", "PMLD",
              "DS", "OTH")
ETHNICITIES = ("WBRI",) * 8 + ("WOTH", "MWBC", "AIND", "APKN", "BAFR", "CHNE", "NOBT")
URNS = tuple(f"{120000 + i:06d}" for i in range(1, 200))
CHANNELS = ("phone",) * 35 + ("voicemail",) * 10 + ("email",) * 40 + ("letter",) * 5 \
    + ("meeting",) * 10
PARTIES = ("parent",) * 55 + ("carer",) * 5 + ("young-person",) * 5 + ("school",) * 20 \
    + ("professional",) * 15
SUMMARIES = ("Asks when the assessment decision will be made", "Please call about the panel",
             "Sent the school's advice", "Discussed the draft plan", "Chased the EP report",
             "Asked about transport to the new school", "Worried about the annual review",
             "Agreed the date of the review meeting", "Requested a copy of the plan",
             "Update on the placement consultation", "Left a message about respite",
             "Queried section F provision", "Confirmed attendance at the meeting",
             "Called back about the personal budget", "Explained the appeal rights")
ADVICE = ("educational-psychology", "health", "social-care", "school")
CHAIRS = ("R. Okafor", "J. Hartley", "S. Begum", "M. Walsh")
TEAMS_CO = ("early-years-primary", "secondary-post16")


class Ids:
    """Explicit primary keys, so rows of one chunk can refer to each other
    before they are written (the store is new: the generator owns the ids)."""

    def __init__(self, start: dict[str, int]):
        self.next = dict(start)

    def __call__(self, table: str) -> int:
        n = self.next.get(table, 1)
        self.next[table] = n + 1
        return n


class World:
    """What every case draws on: clock, calendar, officers, panels, meetings."""

    def __init__(self, *, now: datetime, cal: Any, london: Any, officers: dict[str, list],
                 areas: list[dict[str, Any]], backlog: bool = False):
        self.now = now
        self.backlog = backlog  # every case an imported request, none decided
        self.today = now.date()
        self.cal = cal
        self.london = london
        self.officers = officers  # role -> [(id, code)]
        self.areas = areas  # [{code: (panel_id, meetings sorted [(date, id)])}]
        self.offsets: dict[date, timedelta] = {}


def local_dt(world: World, day: date, minutes: int) -> datetime:
    """A Europe/London wall-clock moment, as an aware UTC datetime (send-cli
    stores UTC). Office hours never fall in a clock-change hour, so the
    day's offset at noon is the moment's."""
    offset = world.offsets.get(day)
    if offset is None:
        offset = world.london.utcoffset(datetime(day.year, day.month, day.day, 12))
        world.offsets[day] = offset
    return datetime(day.year, day.month, day.day, minutes // 60, minutes % 60,
                    tzinfo=UTC) - offset


def working_hours(rng: random.Random) -> int:
    return rng.randrange(8 * 60 + 30, 17 * 60 + 30, 5)


def meeting_on_or_after(meetings: list[tuple[date, int]], day: date) -> tuple[date, int] | None:
    import bisect

    i = bisect.bisect_left(meetings, (day, 0))
    return meetings[i] if i < len(meetings) else None


# -- one case ----------------------------------------------------------------
def make_case(world: World, rng: random.Random, ids: Ids, n: int, out: dict[str, list],
              rules: Any) -> None:
    """Append the rows of case number N (0-based) to OUT, table by table."""
    today, cal = world.today, world.cal
    case_id = ids("cases")
    roll = rng.random()
    if world.backlog:  # a legacy caseload imported: requests waiting 9 weeks to 2.5 years
        kind = "backlog"
        received = today - timedelta(days=rng.randrange(63, 900))
    elif roll < 0.78:
        kind = "plan"
        received = date(2018, 1, 1) + timedelta(days=rng.randrange(0, (date(2026, 5, 1)
                                                                       - date(2018, 1, 1)).days))
    elif roll < 0.86:
        kind = "assessing"
        received = today - timedelta(days=rng.randrange(1, 210))
    elif roll < 0.92:
        kind = "refused"
        received = date(2019, 1, 1) + timedelta(days=rng.randrange(0, (today - date(2019, 1, 1)
                                                                       ).days - 60))
    elif roll < 0.97:
        kind = "ceased"
        received = date(2018, 1, 1) + timedelta(days=rng.randrange(0, 2400))
    else:
        kind = "closed"
        received = date(2018, 1, 1) + timedelta(days=rng.randrange(0, 2500))
    received = cal.on_or_after(received)
    age_years = rng.choice((2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17))
    dob = received - timedelta(days=age_years * 365 + rng.randrange(0, 365))
    area = world.areas[n // CASES_PER_AREA % len(world.areas)]
    if kind in ("assessing", "backlog"):
        officer_id, officer_code = rng.choice(world.officers["assessment-officer"])
    else:
        officer_id, officer_code = rng.choice(world.officers["casework-officer"])
    ref = f"GEN-{received.year}-{n + 1:07d}"
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    created = local_dt(world, received, working_hours(rng))

    # -- milestones along the path --------------------------------------------
    ms: list[tuple[str, date, str | None]] = []

    def add(kind_: str, on: date, outcome: str | None = None) -> bool:
        if on > today or (ms and on < ms[-1][1]):
            return False
        ms.append((kind_, on, outcome))
        return True

    late = rng.random() < 0.12  # this case runs late at one step or another
    assess_on = cal.on_or_after(received + timedelta(days=rng.randrange(25, 45 if not late
                                                                        else 60)))
    if kind == "backlog":  # not decided: the 6-week clock long missed
        assess_on = today + timedelta(days=1)
    refused = kind == "refused"
    status = "requested"
    advice: list[tuple[str, date, date | None]] = []
    if add("assessment-decision", assess_on, "refused" if refused else "agreed"):
        status = "refused" if refused else "assessing"
        if not refused:
            for source in rng.sample(ADVICE, rng.choice((2, 3, 3, 4))):
                asked = cal.on_or_after(assess_on + timedelta(days=rng.randrange(0, 6)))
                if asked > today:
                    continue
                back = asked + timedelta(days=rng.randrange(20, 40 if rng.random() < 0.85
                                                            else 70))
                advice.append((source, asked, back if back <= today else None))
            issue_on = cal.on_or_after(received + timedelta(days=rng.randrange(95, 112 if not
                                                                               late else 140)))
            if add("issue-decision", issue_on, "agreed"):
                status = "drafting"
                draft_on = cal.on_or_after(issue_on + timedelta(days=rng.randrange(0, 10)))
                if add("draft-plan", draft_on):
                    final_on = cal.on_or_after(draft_on + timedelta(
                        days=rng.randrange(16, 40 if not late else 80)))
                    if add("final-plan", final_on):
                        status = "plan-in-force"
    if kind in ("plan", "ceased", "closed") and status == "plan-in-force":
        review_anchor = ms[-1][1]
        cease_after = rng.randrange(1, 5) if kind in ("ceased", "closed") else 99
        reviews = 0
        while True:
            meeting = cal.on_or_after(review_anchor + timedelta(
                days=rng.randrange(330, 362 if rng.random() < 0.93 else 420)))
            if not add("annual-review", meeting):
                break
            reviews += 1
            decide = cal.on_or_after(meeting + timedelta(
                days=rng.randrange(5, 27 if rng.random() < 0.9 else 45)))
            outcome = "cease" if reviews >= cease_after else (
                "amend" if rng.random() < 0.35 else "maintain")
            if not add("review-decision", decide, outcome):
                break
            if outcome == "cease":
                if add("ceased", cal.on_or_after(decide + timedelta(days=rng.randrange(20, 60)))):
                    status = "ceased"
                break
            if outcome == "amend":
                amended = cal.on_or_after(decide + timedelta(
                    days=rng.randrange(20, 56 if rng.random() < 0.85 else 90)))
                add("amended-plan", amended)
            review_anchor = meeting
    closed_on = None
    if kind == "closed" and status in ("ceased", "refused", "plan-in-force"):
        closed_on = cal.on_or_after((ms[-1][1] if ms else received) + timedelta(days=30))
        if closed_on <= today:
            status = "closed"
        else:
            closed_on = None
    transfer = None
    if status == "plan-in-force" and rng.random() < 0.12:
        transfer = (today.year + rng.choice((0, 1)), "school" if age_years < 14 else "post16")
    person_id = ids("persons")
    prng = random.Random(n)
    forename, surname = name.rsplit(" ", 1)
    plan = any(k == "final-plan" for k, _, _ in ms)
    need = prng.choice(SEN2_NEEDS) if plan else None
    out["persons"].append({
        "id": person_id, "forename": forename, "surname": surname, "dob": dob,
        "sex": prng.choice("MF"), "ethnicity": prng.choice(ETHNICITIES),
        "postcode": f"LE{prng.randrange(1, 20)} {prng.randrange(1, 10)}HP",
        "upn": None, "uln": None, "upn_unknown": prng.choice(("UN1", "UN2", "UN8")),
        "erased_at": None, "created_at": created})
    out["cases"].append({
        "id": case_id, "ref": ref, "name": name, "dob": dob, "officer_id": officer_id,
        "received": received, "requested_by": rng.choice(REQUESTED_BY),
        "setting": rng.choice(SETTINGS), "status": status,
        "transfer_year": transfer[0] if transfer else None,
        "transfer_kind": transfer[1] if transfer else None,
        "closed_on": closed_on, "close_reason": "Moved out of the area" if closed_on else None,
        "erased_at": None, "created_at": created, "person_id": person_id,
        "primary_need": need, "secondary_need": None, "transferred_from": None})
    if plan:
        entry = next(on for k, on, _ in ms if k == "final-plan")
        out["placements"].append({
            "id": ids("placements"), "case_id": case_id, "urn": prng.choice(URNS),
            "ukprn": None, "setting_code": None, "rank": 1, "entry": entry, "leaving": None,
            "unit": False, "resourced": prng.random() < 0.1, "residential": None,
            "wbp": None, "created_at": created})
    for kind_, on, outcome in ms:
        if kind_ == "ceased":  # SEN2's cease reason
            outcome = prng.choice(("max-age", "needs-met", "employment", "moved-abroad",
                                   "transferred", "higher-education"))
        out["milestones"].append({"id": ids("milestones"), "case_id": case_id, "kind": kind_,
                                  "on": on, "outcome": outcome,
                                  "created_at": local_dt(world, on, working_hours(rng))})
    for source, asked, back in advice:
        out["advice_requests"].append({"id": ids("advice_requests"), "case_id": case_id,
                                       "source": source, "requested": asked, "received": back,
                                       "created_at": local_dt(world, asked, 600),
                                       **STANDING})
    if status in ("requested", "assessing", "drafting") and rng.random() < 0.03:
        out["exceptions"].append({"id": ids("exceptions"), "case_id": case_id,
                                  "code": rng.choice("abcd"),
                                  "reason": "The family were away for six weeks",
                                  "from_date": received + timedelta(days=20),
                                  "to_date": received + timedelta(days=62),
                                  "created_at": local_dt(world, received + timedelta(days=63),
                                                         600)})
    appeals: list[tuple[date, date | None, date | None]] = []
    if (refused and rng.random() < 0.25) or (status == "plan-in-force" and rng.random() < 0.03):
        sent = ms[0][1] + timedelta(days=2) if refused else ms[-1][1] + timedelta(days=2)
        if sent <= today:
            cert = sent + timedelta(days=rng.randrange(20, 50)) if rng.random() < 0.3 else None
            reg = sent + timedelta(days=rng.randrange(30, 55)) if rng.random() < 0.4 else None
            appeals.append((sent, cert if cert and cert <= today else None,
                            reg if reg and reg <= today else None))
            out["appeals"].append({"id": ids("appeals"), "case_id": case_id,
                                   "decision_sent": sent, "certificate": appeals[-1][1],
                                   "registered": appeals[-1][2], "followup_id": None,
                                   "created_at": local_dt(world, sent, 600)})

    # -- the stored clocks, by the project's own rules ------------------------
    facts = rules.Facts(
        received=received, status=status, dob=dob,
        milestones=[rules.Event(k, on, o) for k, on, o in ms],
        advice=sorted(advice, key=lambda a: a[1]), appeals=appeals, transfer=transfer,
        is_working_day=cal.is_working_day if appeals else None)
    for r in rules.case_clocks(facts):
        out["deadlines"].append({"id": ids("deadlines"), "case_id": case_id,
                                 "milestone": r.milestone, "start": r.start, "due": r.due,
                                 "basis": r.basis, "met_on": r.met_on, "detail": r.detail})

    # -- panels: referrals, papers, decisions ---------------------------------
    requests: list[tuple[str, str, date]] = [] if kind == "backlog" else [
        ("MAP", "ehcna", received + timedelta(days=14))]
    if not refused and status != "requested":
        requests.append(("MAP", "issue-decision", received + timedelta(days=84)))
    if status in ("plan-in-force", "ceased", "closed") and rng.random() < 0.15:
        panel, request = rng.choice((("CAP", "special-school-admission"),
                                     ("CCP", "personal-budget"), ("MAP", "resource"),
                                     ("JTP", "joint-funding"), ("CCP", "eotas")))
        requests.append((panel, request, ms[-1][1] - timedelta(days=rng.randrange(0, 200))))
    end = closed_on or today + timedelta(days=35)
    for panel, request, wanted in requests:
        panel_id, meetings = area[panel]
        found = meeting_on_or_after(meetings, max(wanted, received))
        if found is None or found[0] > end:
            continue
        mdate, meeting_id = found
        papers_due = cal.add_working_days(mdate, -2)
        roll = rng.random()
        papers = None if (roll > 0.995 or (mdate > today and roll > 0.6)) else \
            papers_due - timedelta(days=rng.randrange(0, 6)) if roll < 0.9 else \
            papers_due + timedelta(days=1)
        if papers is not None and papers > today:
            papers = None
        referral_id = ids("referrals")
        referred = max(received, mdate - timedelta(days=14))
        out["referrals"].append({"id": referral_id, "meeting_id": meeting_id,
                                 "case_id": case_id, "request": request,
                                 "officer_id": officer_id, "papers_due": papers_due,
                                 "papers_received": papers,
                                 "created_at": local_dt(world, referred, 600)})
        out["followups"].append(followup(world, ids, case_id, "papers", papers_due,
                                         officer_id, referral_id=referral_id,
                                         done=papers, created=local_dt(world, referred, 600)))
        if rng.random() < 0.01:
            out["declarations"].append({"id": ids("declarations"), "meeting_id": meeting_id,
                                        "case_id": case_id, "member": rng.choice(CHAIRS),
                                        "interest": "Knows the family",
                                        "created_at": local_dt(world, referred, 660)})
        if mdate >= today or (mdate > today - timedelta(days=7) and roll < 0.5):
            continue  # not met yet, or last week's decisions not yet logged
        outcome = "agreed" if roll < 0.75 else "declined" if roll < 0.9 else "deferred"
        decision_id = ids("decisions")
        decided = local_dt(world, mdate, 12 * 60)
        out["decisions"].append({"id": decision_id, "referral_id": referral_id,
                                 "case_id": case_id, "meeting_id": meeting_id,
                                 "outcome": outcome, "reason": "Evidence of needs considered",
                                 "revisit_by": mdate + timedelta(days=28)
                                 if outcome == "deferred" else None,
                                 "chair": rng.choice(CHAIRS), "decided_at": decided,
                                 **STANDING})
        call_due = cal.add_working_days(mdate, 5)
        done = outcome_done(rng, call_due, today)
        out["followups"].append(followup(world, ids, case_id, "outcome-call", call_due,
                                         officer_id, decision_id=decision_id, done=done,
                                         created=decided))
        if panel != "JTP":
            email_due = cal.add_working_days(call_due, 1)
            out["followups"].append(followup(world, ids, case_id, "outcome-email", email_due,
                                             officer_id, decision_id=decision_id,
                                             done=outcome_done(rng, email_due, today),
                                             created=decided))

    # -- contacts and the follow-ups they owe ---------------------------------
    last = closed_on or today
    span = max((last - received).days, 1)
    n_contacts = rng.randrange(1, 5) if kind == "backlog" else rng.randrange(4, 17)
    for _ in range(n_contacts):
        day = received + timedelta(days=rng.randrange(0, span))
        if day.weekday() >= 5:
            day -= timedelta(days=day.weekday() - 4)
        at = local_dt(world, day, working_hours(rng))
        if at > world.now:
            at = world.now - timedelta(hours=1)
        channel, party = rng.choice(CHANNELS), rng.choice(PARTIES)
        direction = "in" if rng.random() < 0.45 else "out"
        contact_id = ids("contacts")
        out["contacts"].append({"id": contact_id, "case_id": case_id, "at": at,
                                "channel": channel, "direction": direction, "party": party,
                                "summary": rng.choice(SUMMARIES), "officer_id": officer_id,
                                "created_at": at, **STANDING})
        if direction != "in" or channel == "meeting":
            continue
        kind_ = "callback" if channel in ("phone", "voicemail") else "reply"
        due = cal.callback_due(at) if kind_ == "callback" else \
            cal.add_working_days(at.date(), 5)
        out["followups"].append(followup(world, ids, case_id, kind_, due, officer_id,
                                         contact_id=contact_id,
                                         done=contact_done(rng, at.date(), due, today),
                                         created=at))
    if status not in ("closed", "ceased") and rng.random() < 0.006:
        raised = today - timedelta(days=rng.randrange(1, 60))
        level = rng.choice((2, 2, 3, 4))
        due = cal.add_working_days(raised, 5)
        fu = followup(world, ids, case_id, "escalation-reply", due, officer_id,
                      done=contact_done(rng, raised, due, today),
                      created=local_dt(world, raised, 600))
        fu["level"] = level
        fu["reason"] = "Family unhappy with the delay to the draft plan"
        out["followups"].append(fu)

    # -- a short audit trail ----------------------------------------------------
    audit(out, ids, at=created, action="case.add", entity="case", entity_id=ref, ref=ref,
          after={"ref": ref, "officer": officer_code, "received": received.isoformat(),
                 "status": "requested"})
    for kind_, on, outcome in ms[-1:]:
        audit(out, ids, at=local_dt(world, on, 16 * 60), action="case.milestone",
              entity="milestone", entity_id=ref, ref=ref,
              after={"kind": kind_, "on": on.isoformat(), "outcome": outcome})
    for c in out["contacts"][-1:]:
        if c["case_id"] == case_id:
            audit(out, ids, at=c["at"], action="contact.log", entity="contact",
                  entity_id=c["id"], ref=ref,
                  after={"channel": c["channel"], "direction": c["direction"],
                         "party": c["party"]})


def contact_done(rng: random.Random, raised: date, due: date, today: date) -> date | None:
    """When an owed follow-up was settled: mostly on time; a few late; a
    few never (open and late); recent ones often still open."""
    if due >= today - timedelta(days=3) and rng.random() < 0.35:
        return None
    roll = rng.random()
    if roll < (0.03 if due >= today - timedelta(days=60) else 0.0005):
        return None  # forgotten: recently a few, long ago hardly any
    done = due - timedelta(days=rng.randrange(0, 3)) if roll < 0.88 else \
        due + timedelta(days=rng.randrange(1, 15))
    done = max(done, raised)
    return done if done < today else None


def outcome_done(rng: random.Random, due: date, today: date) -> date | None:
    if due >= today - timedelta(days=3) and rng.random() < 0.5:
        return None
    if rng.random() < (0.02 if due >= today - timedelta(days=60) else 0.0005):
        return None
    done = due - timedelta(days=rng.randrange(0, 4)) if rng.random() < 0.9 else \
        due + timedelta(days=rng.randrange(1, 10))
    return done if done < today else None


def followup(world: World, ids: Ids, case_id: int, kind: str, due: date, officer_id: int, *,
             done: date | None, created: datetime, contact_id: int | None = None,
             decision_id: int | None = None, referral_id: int | None = None) -> dict[str, Any]:
    return {"id": ids("followups"), "case_id": case_id, "kind": kind, "due": due,
            "officer_id": officer_id, "for_officer_id": None, "level": 1, "reason": None,
            "contact_id": contact_id,
            "decision_id": decision_id, "referral_id": referral_id,
            "done_at": local_dt(world, done, 14 * 60) if done else None,
            "done_by": "generator" if done else None, "note": None, "created_at": created}


def audit(out: dict[str, list], ids: Ids, *, at: datetime, action: str, entity: str,
          entity_id: Any, ref: str, after: dict[str, Any]) -> None:
    out["audit"].append({"id": ids("audit"), "at": at, "officer": "generator",
                         "action": action, "entity": entity, "entity_id": str(entity_id),
                         "case_ref": ref, "before": None,
                         "after": json.dumps(after, sort_keys=True),
                         "login": "generator", "seal": None})


# -- the store-wide rows -------------------------------------------------------
def officer_rows(cases: int, created: datetime) -> list[dict[str, Any]]:
    """The team for CASES cases: codes as the demo's (AO1, CO1, BS1, SCO1, LCO1)."""
    casework = max(4, cases // CASES_PER_OFFICER)
    plan = [("AO", "assessment", "assessment-officer", max(2, casework // 6)),
            ("CO", None, "casework-officer", casework),
            ("BS", "business-support", "business-support", max(1, casework // 20)),
            ("SCO", "assessment", "senior-casework-officer", max(1, casework // 15)),
            ("LCO", "assessment", "lead-casework-officer", max(1, casework // 60))]
    rows, i = [], 0
    for prefix, team, role, count in plan:
        for k in range(1, count + 1):
            i += 1
            rows.append({"id": i, "code": f"{prefix}{k}",
                         "name": f"{FIRST[i % len(FIRST)]} {LAST[(i * 7) % len(LAST)]}",
                         "email": f"{prefix.lower()}{k}@example-council.gov.uk",
                         "team": team or TEAMS_CO[k % 2], "role": role, "active": True,
                         "left_on": None, "created_at": created})
    return rows


def cadence_days(cadence: str) -> int:
    return {"weekly": 7, "fortnightly": 14, "monthly": 28}[cadence]


def panel_setup(conn: Any, cases: int, cal: Any, created: datetime, london: Any,
                horizon: date) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Area panels beyond the seeded four, and every panel's meetings from
    2018 to HORIZON (one on a bank holiday moves to the next working day)."""
    from sqlalchemy import insert, select

    from send_cli.store.models import Panel, PanelRemit

    seeded = {p.code: p for p in conn.execute(select(Panel)).all()}
    remits: dict[int, list[str]] = {}
    for panel_id, request in conn.execute(select(PanelRemit.panel_id, PanelRemit.request)):
        remits.setdefault(panel_id, []).append(request)
    n_areas = max(1, -(-cases // CASES_PER_AREA))
    next_panel = max(p.id for p in seeded.values()) + 1
    areas: list[dict[str, Any]] = []
    new_panels, new_remits = [], []
    for a in range(n_areas):
        area: dict[str, Any] = {}
        for code, p in seeded.items():
            if a == 0:
                area[code] = (p.id, p.cadence)
                continue
            pid = next_panel
            next_panel += 1
            new_panels.append({"id": pid, "code": f"{code}{a + 1:02d}",
                               "name": f"{p.name} (area {a + 1})", "cadence": p.cadence,
                               "outcome_days": p.outcome_days,
                               "outcome_working_days": p.outcome_working_days,
                               "outcome_email": p.outcome_email, "outcome_by": p.outcome_by,
                               "created_at": created})
            new_remits += [{"panel_id": pid, "request": r} for r in remits.get(p.id, [])]
            area[code] = (pid, p.cadence)
        areas.append(area)
    if new_panels:
        conn.execute(insert(Panel), new_panels)
        conn.execute(insert(PanelRemit), new_remits)
    meeting_rows, mid = [], 1
    weekday = {"MAP": 3, "CAP": 1, "CCP": 2, "JTP": 0}  # Thu, Tue, Wed, Mon
    for area in areas:
        for code, (pid, cadence) in list(area.items()):
            day = date(2018, 1, 1)
            day += timedelta(days=(weekday[code[:3]] - day.weekday()) % 7)
            meetings = []
            while day <= horizon:
                held = cal.on_or_after(day)
                meeting_rows.append({"id": mid, "panel_id": pid, "date": held,
                                     "time": "10:00",
                                     "moved_from": day if held != day else None,
                                     "cancelled": False, "created_at": created})
                meetings.append((held, mid))
                mid += 1
                day += timedelta(days=cadence_days(cadence))
            area[code] = (pid, meetings)
    return areas, meeting_rows


# -- the load ------------------------------------------------------------------
# contacts, advice and decisions stand: none is withdrawn as made in error
STANDING = {"withdrawn_at": None, "withdrawn_by": None, "withdrawn_reason": None}

TABLE_ORDER = ("persons", "cases", "placements", "contacts", "referrals", "decisions",
               "followups", "milestones", "advice_requests", "exceptions", "appeals",
               "deadlines", "declarations", "audit")
# Columns holding ids of rows made in the same chunk: renumbered on insert.
LOCAL_REFS = {"person_id": "persons", "case_id": "cases", "contact_id": "contacts",
              "decision_id": "decisions", "referral_id": "referrals"}


class Loader:
    """Turns a chunk's rows into the driver's values and writes them.

    The rows are made in worker processes (each chunk with its own ids from
    1) and written in chunk order by the main process, which shifts each id
    by what earlier chunks wrote. On SQLite the values are converted by each
    column's own SQLAlchemy bind processor (what Core's executemany calls per
    row) in the worker, and the INSERT compiled from the send_cli.models
    table runs through the SQLAlchemy connection: the same statement and the
    same stored values as conn.execute(insert(table), rows), without Core's
    per-row bookkeeping. Elsewhere (PostgreSQL) rows go through
    conn.execute(insert(table), rows) as they are."""

    def __init__(self, store: Any, tables: dict[str, Any]):
        from sqlalchemy import insert

        self.fast = store.is_sqlite
        self.tables = tables
        dialect = store.engine.dialect
        self.columns = {name: [c.name for c in tables[name].columns] for name in TABLE_ORDER}
        self.procs = {name: [c.type._cached_bind_processor(dialect)
                             for c in tables[name].columns] for name in TABLE_ORDER}
        self.sql = {name: str(insert(tables[name]).compile(dialect=dialect))
                    for name in TABLE_ORDER}
        self.shift = {name: [(i, LOCAL_REFS.get(col, name if col == "id" else ""))
                             for i, col in enumerate(self.columns[name])
                             if col == "id" or col in LOCAL_REFS]
                      for name in TABLE_ORDER}
        self.offset = {name: 0 for name in TABLE_ORDER}
        self.quick = {name: [(i, conv) for i, c in enumerate(tables[name].columns)
                             if (conv := quick_converter(c.type)) is not None]
                      for name in TABLE_ORDER}
        self.checked = False

    def values(self, out: dict[str, list[dict[str, Any]]]) -> dict[str, list[Any]]:
        """In the worker: each row as the driver's values, in column order
        (make_case writes every row's keys in its table's column order). The
        first chunk is also converted by SQLAlchemy's own bind processors,
        and both must come out identical."""
        if not self.fast:
            return out  # type: ignore[return-value]
        quick = {}
        for name, rows in out.items():
            n_cols, convert = len(self.columns[name]), self.quick[name]
            values = []
            for row in rows:
                v = list(row.values())
                if len(v) != n_cols:
                    raise AssertionError(f"{name}: {list(row)} != {self.columns[name]}")
                for i, conv in convert:
                    v[i] = conv(v[i])
                values.append(v)
            quick[name] = values
        if not self.checked:
            for name, rows in out.items():
                procs = list(zip(self.columns[name], self.procs[name], strict=True))
                for row, got in zip(rows, quick[name], strict=True):
                    exact = [proc(row[col]) if proc else row[col] for col, proc in procs]
                    if list(row) != self.columns[name] or exact != got:
                        raise AssertionError(f"{name}: {exact} != {got}")
            self.checked = True
        return quick

    def write(self, conn: Any, chunk: dict[str, list[Any]]) -> dict[str, int]:
        from sqlalchemy import insert

        written = {}
        for name in TABLE_ORDER:
            rows = chunk.get(name) or []
            if not rows:
                continue
            if self.fast:
                for row in rows:
                    for i, ref in self.shift[name]:
                        if row[i] is not None:
                            row[i] += self.offset[ref]
                conn.exec_driver_sql(self.sql[name], [tuple(r) for r in rows])
            else:
                for row in rows:
                    for col in ("id", *LOCAL_REFS):
                        if row.get(col) is not None:
                            row[col] += self.offset[LOCAL_REFS.get(col, name)]
                conn.execute(insert(self.tables[name]), rows)
            written[name] = len(rows)
        for name, n in written.items():
            self.offset[name] += n
        return written


def memo(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """CONVERT with a cache: the same days and moments come back often."""
    cache: dict[Any, Any] = {None: None}

    def cached(value: Any) -> Any:
        try:
            return cache[value]
        except KeyError:
            if len(cache) > 500_000:
                cache.clear()
                cache[None] = None
            out = cache[value] = convert(value)
            return out

    return cached


def _utc_text(value: datetime) -> str:
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


def quick_converter(sa_type: Any) -> Callable[[Any], Any] | None:
    """What SQLite's bind processor makes of a value of SA_TYPE, quicker."""
    from sqlalchemy import Boolean, Date, DateTime

    impl = getattr(sa_type, "impl", sa_type)
    if isinstance(impl, DateTime):
        return memo(_utc_text)
    if isinstance(impl, Date):
        return memo(date.isoformat)
    if isinstance(impl, Boolean):
        return memo(int)
    return None


_JOB: dict[str, Any] = {}  # what forked workers inherit: world, loader, rules, seed


def make_chunk(job: tuple[int, int, int]) -> dict[str, list[Any]]:
    """Rows of cases FIRST..LAST-1, ids numbered from 1 (chunk-local)."""
    index, first, last = job
    rng = random.Random(_JOB["seed"] * 1_000_003 + index)
    ids = Ids({})
    out: dict[str, list] = {name: [] for name in TABLE_ORDER}
    for n in range(first, last):
        make_case(_JOB["world"], rng, ids, n, out, _JOB["rules"])
    return _JOB["loader"].values(out)


def generate(db: str, cases: int, *, now_text: str = DEFAULT_NOW, seed: int = 2027,
             analyze: bool = False, workers: int | None = None, backlog: bool = False,
             echo: Callable[[str], None] = print) -> dict[str, Any]:
    """Build the store at DB (it must not exist, or be empty) with CASES cases;
    with BACKLOG every case is a request not yet decided (an imported legacy
    caseload: its clocks breached)."""
    import multiprocessing
    import os

    from sqlalchemy import func, insert, select, text

    from send_cli.store import models

    models.load_all()
    from send_cli.rules import statutory as rules
    from send_cli.settings import LONDON, resolve
    from send_cli.store.engine import open_store

    started = time.perf_counter()
    settings = resolve(db=db, officer="generator", now=now_text)
    store = open_store(settings)
    now = settings.now
    cal = store.calendar()
    cal.add_working_days(date(2017, 1, 1), 1)  # load every year the workers will use
    cal.add_working_days(now.date() + timedelta(days=400), 1)
    tables = {t.name: t for t in models.SQLModel.metadata.sorted_tables}
    counts: dict[str, Any] = {}
    with store.engine.connect() as conn:
        raw = conn.connection.driver_connection if store.is_sqlite else None
        if raw is not None:  # outside any transaction, on this connection only
            raw.execute("PRAGMA synchronous=OFF")
        if conn.execute(select(func.count()).select_from(tables["cases"])).scalar():
            raise SystemExit(f"{db} already holds cases; give a new file or an empty database")
        conn.rollback()
        created = datetime(2018, 1, 1, 9, 0, tzinfo=LONDON)
        officers = officer_rows(cases, created)
        by_role: dict[str, list] = {}
        for o in officers:
            by_role.setdefault(o["role"], []).append((o["id"], o["code"]))
        with conn.begin():
            conn.execute(insert(tables["officers"]), officers)
            areas, meeting_rows = panel_setup(conn, cases, cal, created, LONDON,
                                              horizon=now.date() + timedelta(days=120))
            for i in range(0, len(meeting_rows), 20_000):
                conn.execute(insert(tables["meetings"]), meeting_rows[i:i + 20_000])
        echo(f"officers {len(officers)}, panel areas {len(areas)}, meetings "
             f"{len(meeting_rows)}; {time.perf_counter() - started:.1f} s")
        loader = Loader(store, tables)
        _JOB.update(world=World(now=now, cal=cal, london=LONDON, officers=by_role,
                                areas=areas, backlog=backlog),
                    loader=loader, rules=rules, seed=seed)
        counts.update({name: 0 for name in TABLE_ORDER})
        counts["officers"], counts["meetings"] = len(officers), len(meeting_rows)
        jobs = [(i, first, min(cases, first + CHUNK))
                for i, first in enumerate(range(0, cases, CHUNK))]
        workers = workers if workers is not None else max(1, (os.cpu_count() or 2) - 1)
        pool = multiprocessing.get_context("fork").Pool(workers) if workers > 0 else None
        try:
            chunks = pool.imap(make_chunk, jobs) if pool else map(make_chunk, jobs)
            for (_, _, last), chunk in zip(jobs, chunks, strict=True):
                with conn.begin():
                    for name, n in loader.write(conn, chunk).items():
                        counts[name] += n
                if last % (CHUNK * 20) == 0 or last == cases:
                    echo(f"  {last:>9,} cases  {time.perf_counter() - started:7.1f} s")
        finally:
            if pool:
                pool.terminate()
        if store.is_postgres:
            with conn.begin():
                for name in ("officers", "panels", "meetings") + TABLE_ORDER:
                    conn.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM {name}), 1))"))
        if analyze:
            with conn.begin():
                conn.exec_driver_sql("ANALYZE")
        if raw is not None:
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            raw.execute("PRAGMA synchronous=NORMAL")
    store.dispose()
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, required=True,
                        help="how many cases (county 25000, England 720000)")
    parser.add_argument("--db", required=True,
                        help="a new SQLite file, or an empty database's SQLAlchemy URL")
    parser.add_argument("--now", default=DEFAULT_NOW, help=f"the reference moment "
                        f"(default {DEFAULT_NOW}, the demo's)")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--workers", type=int, default=None,
                        help="processes making rows while the main one writes "
                             "(default: CPUs - 1; 0: none)")
    parser.add_argument("--analyze", action="store_true",
                        help="run ANALYZE at the end (send-cli itself does not)")
    parser.add_argument("--backlog", action="store_true",
                        help="every case an imported request not yet decided (received 9 "
                             "weeks to 2.5 years ago): a backlog of breached clocks")
    args = parser.parse_args(argv)
    if "://" not in args.db and Path(args.db).exists():
        parser.error(f"{args.db} exists; give a new file")
    counts = generate(args.db, args.cases, now_text=args.now, seed=args.seed,
                      analyze=args.analyze, workers=args.workers, backlog=args.backlog)
    size = ""
    if "://" not in args.db:
        size = f", {Path(args.db).stat().st_size / 2**20:,.0f} MiB"
    from send_cli.store.engine import describe

    print(f"built {describe(args.db)} in {counts.pop('seconds')} s{size}")
    print("rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
