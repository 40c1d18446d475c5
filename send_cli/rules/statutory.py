"""The statutory clocks of an EHC case as data, and the date arithmetic they
need. Pure: no database, no terminal.

Every limit is in calendar weeks, days or months from its start event and
none moves for a weekend or a bank holiday (SEND Regulations 2014; the
sources and their exact wording are in research/statutory.md). A lawyer can
review CLOCKS below without reading any other code.

Date arithmetic, in one place:
- N weeks after D is D + 7N days (the same weekday): a request received on
  Monday 2 November 2026 is due a decision by Monday 14 December 2026
  (6 weeks) and a final plan by Monday 22 March 2027 (20 weeks), Christmas
  and New Year's Day notwithstanding.
- "15 days, beginning with the day on which the draft plan was served"
  (reg 13(1)(a)) counts the day of service as day 1, so the 15th day is the
  draft date + 14 days. Calendar days: the regulation does not say working
  days (research/statutory.md, section 6).
- Months, two readings, as the law words them:
  - "within N months after" / "from" a day (the Tribunal's r20(1)(c)) leaves
    that day out: the limit is the corresponding date N months on, or the
    month's last day when it is too short: a letter of 31 December is
    appealed by 28 (29) February; this is the corresponding-date rule the
    courts apply to calendar months (Dodds v Walker [1981] 1 WLR 1061).
  - "the period of 12 months starting with" a day (CFA s44(1), the annual
    review) counts that day as the period's first, like "beginning with"
    in reg 13(1)(a): it ends the day before the corresponding date, so a
    plan made on 15 March 2027 is reviewed by 14 March 2028 and one made
    on 1 March 2027 by 29 February 2028. When the corresponding date does
    not exist the period ends on the last day of that month: a plan made on
    29 February 2024 is reviewed by 28 February 2025. The under-fives'
    interval (the council's setting) stands in for s44's 12 months and is
    read the same way.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from send_cli.rules.people import age_on

MILESTONES = ("assessment-decision", "issue-decision", "draft-plan", "final-plan",
              "annual-review", "review-decision", "amended-plan", "ceased")
OUTCOMES: dict[str, tuple[str, ...]] = {
    "assessment-decision": ("agreed", "refused"),
    "issue-decision": ("agreed", "refused"),
    "review-decision": ("maintain", "amend", "cease"),
}
# The names a deadline row may carry: the milestone that is due, or one of
# the other clocks.
DEADLINE_NAMES = ("assessment-decision", "issue-decision", "draft-plan", "final-plan",
                  "annual-review", "review-decision", "amended-plan", "advice",
                  "draft-comments", "phase-transfer", "appeal")
# The family's windows: when one passes it is over, not missed by the council.
FAMILY_WINDOWS = ("draft-comments", "appeal")
# The clocks of the 20-week path, to which the reg 10(4) exceptions apply
# (reg 5(4) for the 6 weeks, reg 10(4) for the 16, reg 13(3) for the 20).
EXCEPTION_CLOCKS = ("assessment-decision", "issue-decision", "draft-plan", "final-plan")

ADVICE_SOURCES = ("educational-psychology", "health", "social-care", "school", "other")
TRANSFER_KINDS = ("school", "post16")
EXCEPTION_CODES: dict[str, str] = {
    "a": "a school or post-16 institution closed for 4 weeks or more when its advice was asked",
    "b": "an early years setting closed for 4 weeks or more when its advice was asked",
    "c": "exceptional personal circumstances of the child, the parent or the young person",
    "d": "the family or young person away from the area for 4 weeks or more",
}
DEFAULT_EXCEPTION_CODE = "c"
# What reg 10(4) asks of each exception's dates (both given, both days
# counted): (a) and (b) a school or setting "closed for a continuous period
# of not less than 4 weeks"; (d) the family "absent from the area for a
# continuous period of not less than 4 weeks during that time period", so
# 4 weeks of it inside the time limit. (c) has no length.
EXCEPTION_MIN_DAYS = {"a": 28, "b": 28, "d": 28}
EXCEPTION_AWAY = {"a": "the school or post-16 institution closed",
                  "b": "the early years setting closed",
                  "d": "the family or young person away from the area"}

UNDER5_SETTING = "under5_review_months"  # the key in the settings table
DEFAULT_UNDER5_MONTHS = 12
UNDER5_AGE = 5


@dataclass(frozen=True)
class Clock:
    """One statutory limit: what starts it, how long it runs, and the law."""

    name: str
    starts: str  # the start event, for people
    length: int
    unit: str  # weeks | days | months | fixed (a calendar date in the year)
    basis: str
    inclusive: bool = False  # "beginning/starting with" the start day: it is day 1


CLOCKS: dict[str, Clock] = {c.name: c for c in (
    Clock("assessment-decision", "the request received", 6, "weeks",
          "SEND Regs 2014 reg 4(1), 5(1): decide whether to assess, and tell the family"),
    Clock("issue-decision", "the request received", 16, "weeks",
          "SEND Regs 2014 reg 10(1): decide whether to issue; a refusal notified by then"),
    Clock("draft-plan", "the request received", 14, "weeks",
          "IPSEA guidance (a target, not law): leaves room for the 15 days before week 20"),
    Clock("final-plan", "the request received", 20, "weeks",
          "SEND Regs 2014 reg 13(2): the final EHC plan"),
    Clock("draft-comments", "the day the draft plan was served", 15, "days",
          "SEND Regs 2014 reg 13(1)(a): at least 15 days for the family's views on the draft",
          inclusive=True),
    Clock("advice", "the day the advice was asked for", 6, "weeks",
          "SEND Regs 2014 reg 8(1): advice within 6 weeks of the request for it"),
    Clock("annual-review", "the final plan, then the last review meeting", 12, "months",
          "CFA 2014 s44(1): review in the 12 months starting with the day the plan was "
          "made, then with the day of the last review", inclusive=True),
    Clock("review-decision", "the review meeting", 4, "weeks",
          "SEND Regs 2014 reg 20 (reg 21 if not at school): maintain, amend or cease"),
    Clock("amended-plan", "the amendment notice (review-decision amend)", 8, "weeks",
          "SEND Regs 2014 reg 22(3): the amended plan within 8 weeks of the notice"),
    Clock("amended-plan-cap", "the review meeting", 12, "weeks",
          "R (L, M, P) v Devon CC [2022] EWHC 493 (Admin): at most 12 weeks from the meeting"),
    Clock("phase-transfer-school", "the transfer year", 0, "fixed",
          "SEND Regs 2014 reg 18: plan amended naming the new school by 15 February"),
    Clock("phase-transfer-post16", "the transfer year", 0, "fixed",
          "SEND Regs 2014 reg 18: plan amended naming the post-16 institution by 31 March"),
    Clock("appeal", "the decision letter sent", 2, "months",
          "Tribunal Procedure (HESC) Rules 2008 r20(1)(c): 2 months from the decision letter, "
          "or 1 month from the mediation certificate if later"),
    Clock("appeal-certificate", "the mediation certificate issued", 1, "months",
          "Tribunal Procedure (HESC) Rules 2008 r20(1)(c)(ii): 1 month from the certificate, "
          "if later"),
)}

# Phase transfers: (month, day) of the deadline in the transfer year (reg 18).
TRANSFER_DEADLINE = {"school": (2, 15), "post16": (3, 31)}
# The transfer review runs in the school year before the move; its clock is
# drawn from 1 September of the year before.
TRANSFER_CLOCK_START = (9, 1)


# -- arithmetic ------------------------------------------------------------
def add_months(day: date, months: int) -> date:
    """The corresponding date MONTHS later (or earlier): the same day of the
    month, or the month's last day when it is too short:
    add_months(2028-02-29, 12) == 2029-02-28."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def period_end(start: date, months: int) -> date:
    """The last day of a period of MONTHS months starting with START (START
    is its first day): the day before the corresponding date, or the last
    day of the month when there is no corresponding date.
    period_end(2027-03-15, 12) == 2028-03-14; period_end(2024-02-29, 12) ==
    2025-02-28; period_end(2027-03-01, 12) == 2028-02-29."""
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    if start.day > last:
        return date(year, month0 + 1, last)
    return date(year, month0 + 1, start.day) - timedelta(days=1)


def due_after(clock: Clock, start: date, *, length: int | None = None) -> date:
    """The last day of CLOCK started on START (LENGTH overrides its length)."""
    n = clock.length if length is None else length
    if clock.unit == "weeks":
        return start + timedelta(weeks=n)
    if clock.unit == "days":
        return start + timedelta(days=n - 1 if clock.inclusive else n)
    if clock.unit == "months":
        return period_end(start, n) if clock.inclusive else add_months(start, n)
    raise ValueError(f"clock {clock.name} has no length from a start day")


def transfer_due(year: int, kind: str) -> date:
    month, day = TRANSFER_DEADLINE[kind]
    return date(year, month, day)


def transfer_start(year: int) -> date:
    month, day = TRANSFER_CLOCK_START
    return date(year - 1, month, day)


def appeal_due(decision_sent: date, certificate: date | None) -> date:
    """The last day to appeal (r20(1)(c)): the later of 2 months from the
    decision letter and 1 month from the mediation certificate."""
    due = due_after(CLOCKS["appeal"], decision_sent)
    if certificate is not None:
        due = max(due, due_after(CLOCKS["appeal-certificate"], certificate))
    return due


RULE_12 = ("Tribunal Procedure (HESC) Rules 2008 r12: a limit ending on a non-working day, "
           "from 25 December to 1 January, or in August runs to the next working day after")


def tribunal_in_time_until(due: date, is_working_day: Callable[[date], bool]) -> date:
    """The day an appeal due on DUE is still accepted under the Tribunal's
    rule 12: a limit ending 25 December to 1 January runs to the first working
    day after 1 January, one ending in August to the first working day after
    31 August (r12(3)), and one ending on a non-working day to the next
    working day (r12(2))."""
    day = due
    if (day.month == 12 and day.day >= 25) or (day.month == 1 and day.day == 1):
        day = date(day.year + (1 if day.month == 12 else 0), 1, 2)
    elif day.month == 8:
        day = date(day.year, 9, 1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def review_months(dob: date | None, cycle_start: date, under5_months: int) -> int:
    """The review interval of a cycle starting on CYCLE_START: the council's
    under-fives setting when the child is under 5 that day (CoP 9.178: consider
    every 3 to 6 months), else 12 (CFA s44(1)). Never more than 12."""
    if dob is not None and age_on(dob, cycle_start) < UNDER5_AGE:
        return min(under5_months, 12)
    return 12


# -- the clocks of one case ------------------------------------------------
@dataclass(frozen=True)
class Event:
    """A milestone as recorded: kind, date, outcome."""

    kind: str
    on: date
    outcome: str | None = None


@dataclass(frozen=True)
class Facts:
    """What the clocks of a case depend on. Milestones in the order they
    happened (date, then the order recorded)."""

    received: date
    status: str
    dob: date | None = None
    milestones: Sequence[Event] = ()
    advice: Sequence[tuple[str, date, date | None]] = ()  # source, requested, received
    appeals: Sequence[tuple[date, date | None, date | None]] = ()  # sent, certificate, registered
    transfer: tuple[int, str] | None = None  # year, kind
    under5_months: int = DEFAULT_UNDER5_MONTHS
    is_working_day: Callable[[date], bool] | None = None  # for the Tribunal's rule 12
    closed_on: date | None = None  # the day the case was closed
    # review cycles whose interval is settled (met, or of a case that has
    # ended), as stored: start -> due. They keep the interval they ran under
    # when the under-fives setting changes later.
    reviews_kept: Mapping[date, date] = field(default_factory=dict)


@dataclass
class ClockRow:
    """One clock of one case: a row of the deadlines table."""

    milestone: str
    start: date
    due: date
    basis: str
    met_on: date | None = None
    detail: str | None = None
    post_plan: bool = field(default=False, repr=False)


def _weeks_row(name: str, start: date, what: str) -> ClockRow:
    clock = CLOCKS[name]
    return ClockRow(name, start, due_after(clock, start), clock.basis,
                    detail=f"{clock.length} weeks from {what} {start.isoformat()}")


def case_clocks(facts: Facts) -> list[ClockRow]:
    """Every statutory clock of a case, met or not, worked out from its
    milestones. When the case ends (the plan ceased, the case closed) the
    clocks that fell due before it stay as they stood, so a review missed
    stays missed in the figures, and the rest go; a ceased plan keeps its
    appeal windows (a cessation can be appealed). Advice is owed no more
    once the assessment or the plan is refused either."""
    rows: list[ClockRow] = []
    ms = list(facts.milestones)

    def first(kind: str) -> Event | None:
        return next((m for m in ms if m.kind == kind), None)

    def latest(kind: str) -> Event | None:
        found = [m for m in ms if m.kind == kind]
        return found[-1] if found else None

    # the 20-week path, all from the request (regs 4-13)
    request = "the request received"
    assess = first("assessment-decision")
    row = _weeks_row("assessment-decision", facts.received, request)
    row.met_on = assess.on if assess else None
    rows.append(row)
    last_assess = latest("assessment-decision")
    final = None
    if last_assess is None or last_assess.outcome == "agreed":
        issue = first("issue-decision")
        row = _weeks_row("issue-decision", facts.received, request)
        row.met_on = issue.on if issue else None
        rows.append(row)
        last_issue = latest("issue-decision")
        if last_issue is None or last_issue.outcome == "agreed":
            draft = first("draft-plan")
            final = first("final-plan")
            row = _weeks_row("draft-plan", facts.received, request)
            row.met_on = draft.on if draft else None
            rows.append(row)
            if draft is not None:
                clock = CLOCKS["draft-comments"]
                rows.append(ClockRow(
                    "draft-comments", draft.on, due_after(clock, draft.on), clock.basis,
                    met_on=final.on if final else None,
                    detail=f"15 days beginning with the day the draft was served "
                           f"({draft.on.isoformat()})"))
            row = _weeks_row("final-plan", facts.received, request)
            row.met_on = final.on if final else None
            rows.append(row)

    # the plan in force: reviews, decisions, amendments (CFA s44, regs 20-22)
    if final is not None:
        rows.extend(_review_clocks(facts, ms, final))
        # reg 18 amends the plan in force: a case still being assessed has
        # no plan to amend, so no transfer clock until its final plan
        if facts.transfer is not None:
            rows.append(_transfer_clock(facts.transfer, ms))

    ended = case_end(facts)
    for source, requested, received in facts.advice:
        row = _weeks_row("advice", requested, f"{source} advice asked for on")
        row.detail = f"{source}: 6 weeks from the request for advice on {requested.isoformat()}"
        row.met_on = received
        until = advice_end(facts, requested)
        if received is None and until is not None and row.due >= until:
            continue  # owed no more once the assessment ended
        rows.append(row)

    for sent, certificate, registered in facts.appeals:
        rows.append(_appeal_clock(sent, certificate, registered, facts.is_working_day))

    if ended is not None:
        ceased = facts.status != "closed"
        rows = [r for r in rows if r.met_on is not None or r.due < ended
                or (ceased and r.milestone == "appeal")]
    return rows


def case_end(facts: Facts) -> date | None:
    """The day the case's clocks stop: the plan ceased or the case closed
    (a case closed on an unknown day keeps only the clocks it met)."""
    ends = [m.on for m in facts.milestones if m.kind == "ceased"]
    if facts.status == "closed":
        ends.append(facts.closed_on or date.min)
    return min(ends, default=None)


def advice_end(facts: Facts, requested: date) -> date | None:
    """The day nothing more is owed on advice asked for on REQUESTED (reg 8
    advice is for the assessment): a refusal to assess or to issue a plan on
    or after it, the plan ceased, or the case closed."""
    ends = [m.on for m in facts.milestones if m.on >= requested and m.outcome == "refused"
            and m.kind in ("assessment-decision", "issue-decision")]
    ended = case_end(facts)
    if ended is not None:
        ends.append(ended)
    return min(ends, default=None)


def _review_clocks(facts: Facts, ms: list[Event], final: Event) -> list[ClockRow]:
    rows: list[ClockRow] = []
    review = CLOCKS["annual-review"]
    anchor, anchor_what = final.on, "the final plan of"

    def open_review(start: date, what: str) -> ClockRow:
        months = _review_interval(start, facts.reviews_kept.get(start))
        if months is None:
            months = review_months(facts.dob, start, facts.under5_months)
        basis = review.basis if months == 12 else (
            f"{review.basis}; council setting for under-fives: every {months} months "
            "(SEND Code of Practice 9.178)")
        return ClockRow("annual-review", start, due_after(review, start, length=months), basis,
                        detail=f"{months} months starting with {what} {start.isoformat()}",
                        post_plan=True)

    cycle = open_review(anchor, anchor_what)
    rows.append(cycle)
    pending_decision: ClockRow | None = None
    pending_amend: ClockRow | None = None
    meeting_on: date | None = None
    started = False
    for m in ms:
        if m is final:
            started = True
            continue
        if not started:
            continue
        if m.kind == "annual-review":
            cycle.met_on = m.on
            meeting_on = m.on
            row = _weeks_row("review-decision", m.on, "the review meeting of")
            row.post_plan = True
            rows.append(row)
            pending_decision = row
            cycle = open_review(m.on, "the review meeting of")
            rows.append(cycle)
        elif m.kind == "review-decision" and pending_decision is not None:
            pending_decision.met_on = m.on
            pending_decision = None
            if pending_amend is not None:  # a later decision supersedes an earlier one
                rows.remove(pending_amend)
                pending_amend = None
            if m.outcome == "amend" and meeting_on is not None:
                by_notice = due_after(CLOCKS["amended-plan"], m.on)
                by_meeting = due_after(CLOCKS["amended-plan-cap"], meeting_on)
                pending_amend = ClockRow(
                    "amended-plan", m.on, min(by_notice, by_meeting),
                    f"{CLOCKS['amended-plan'].basis}; {CLOCKS['amended-plan-cap'].basis}",
                    detail=f"8 weeks from the amendment notice of {m.on.isoformat()} "
                           f"({by_notice.isoformat()}), at most 12 weeks from the meeting of "
                           f"{meeting_on.isoformat()} ({by_meeting.isoformat()})",
                    post_plan=True)
                rows.append(pending_amend)
        elif m.kind == "amended-plan" and pending_amend is not None:
            pending_amend.met_on = m.on
            pending_amend = None
        elif m.kind == "ceased":
            break
    return rows


def _review_interval(start: date, due: date | None) -> int | None:
    """The months (1 to 12) of a review cycle from START stored as due on
    DUE, or None when no interval gives that day."""
    if due is None:
        return None
    return next((n for n in range(1, 13)
                 if due_after(CLOCKS["annual-review"], start, length=n) == due), None)


def _transfer_clock(transfer: tuple[int, str], ms: list[Event]) -> ClockRow:
    year, kind = transfer
    clock = CLOCKS[f"phase-transfer-{kind}"]
    start, due = transfer_start(year), transfer_due(year, kind)
    met = next((m.on for m in ms
                if m.kind in ("amended-plan", "final-plan") and m.on >= start), None)
    named = "the new school" if kind == "school" else "the post-16 institution"
    return ClockRow("phase-transfer", start, due, clock.basis, met_on=met,
                    detail=f"{kind} transfer in {year}: plan amended naming {named} by "
                           f"{due.day} {due.strftime('%B')} {year}", post_plan=True)


def _appeal_clock(sent: date, certificate: date | None, registered: date | None,
                  is_working_day: Callable[[date], bool] | None) -> ClockRow:
    by_letter = due_after(CLOCKS["appeal"], sent)
    detail = f"2 months from the decision letter of {sent.isoformat()} ({by_letter.isoformat()})"
    basis = CLOCKS["appeal"].basis
    if certificate is not None:
        by_cert = due_after(CLOCKS["appeal-certificate"], certificate)
        detail += (f"; 1 month from the mediation certificate of {certificate.isoformat()} "
                   f"({by_cert.isoformat()})")
    # the window closes on the last day the Tribunal accepts an appeal in
    # time: the r20 day, moved on by its rule 12 (a weekend, a bank holiday,
    # 25 December to 1 January, August)
    due = appeal_due(sent, certificate)
    if is_working_day is not None:
        until = tribunal_in_time_until(due, is_working_day)
        if until != due:
            detail += f"; the Tribunal still accepts it on {until.isoformat()} (rule 12)"
            basis += f"; {RULE_12}"
            due = until
    return ClockRow("appeal", sent, due, basis, met_on=registered, detail=detail)


def appeal_note(sent: date, certificate: date | None, closes: date) -> str | None:
    """For a deadline row: the r20 last day when the window stays open
    beyond it (CLOSES), or None."""
    last = appeal_due(sent, certificate)
    if last == closes:
        return None
    return f"last day {last.isoformat()} (r20), in time to {closes.isoformat()} (r12)"


def advice_source(detail: str | None) -> str | None:
    """The source named by an advice clock's detail (see case_clocks)."""
    source = (detail or "").partition(":")[0]
    return source if source in ADVICE_SOURCES else None


# -- what may be recorded when ---------------------------------------------
# How a step is named when a later one is refused for coming before it.
_STEP_NAMES = {"final-plan": "the final plan", "annual-review": "the review meeting",
               "review-decision": "the last review decision",
               "amended-plan": "the amended plan"}


def milestone_problem(kind: str, on: date, outcome: str | None, *, received: date,
                      status: str, milestones: Sequence[Event]) -> tuple[str, str] | None:
    """Why KIND on ON cannot be recorded after MILESTONES, as (error kind,
    message), or None when it can. Error kinds: 'conflict' (already done) and
    'rule' (out of order or impossible). Dates in the future and bad outcomes
    are checked by the caller."""
    ms = list(milestones)

    def latest(k: str) -> Event | None:
        found = [m for m in ms if m.kind == k]
        return found[-1] if found else None

    def after(prev: Event, what: str, strictly: bool = False) -> tuple[str, str] | None:
        if on < prev.on or (strictly and on == prev.on):
            word = "after" if strictly else "on or after"
            return ("rule", f"{kind} on {on} is before {what} on {prev.on}; it must be "
                            f"{word} {prev.on}")
        return None

    if on < received:
        return ("rule", f"{kind} on {on} is before the request was received on {received}")
    ceased = latest("ceased")
    if ceased is not None:
        return ("rule", f"the plan ceased on {ceased.on}; nothing more can be recorded")
    assess, issue = latest("assessment-decision"), latest("issue-decision")
    draft, final = latest("draft-plan"), latest("final-plan")

    if kind == "assessment-decision":
        if assess is None:
            return None
        if assess.outcome == "agreed":
            return ("conflict", f"the assessment was already agreed on {assess.on}")
        if outcome == "refused":
            return ("conflict", f"the assessment was already refused on {assess.on}")
        return after(assess, "the refusal to assess", strictly=True)
    if assess is None:
        return ("rule", f"{kind} needs an assessment-decision first; none is recorded")
    if assess.outcome == "refused":
        return ("rule", f"the council refused to assess on {assess.on}; record an agreed "
                        "assessment-decision first (e.g. after mediation or appeal)")
    if kind == "issue-decision":
        if issue is None:
            return after(assess, "the decision to assess")
        if issue.outcome == "agreed":
            return ("conflict", f"the decision to issue a plan was already made on {issue.on}")
        if outcome == "refused":
            return ("conflict", f"the council already refused to issue a plan on {issue.on}")
        return after(issue, "the refusal to issue", strictly=True)
    if issue is None:
        return ("rule", f"{kind} needs an agreed issue-decision first; none is recorded")
    if issue.outcome == "refused":
        if kind == "final-plan":
            return ("rule", f"the council refused to issue a plan on {issue.on}; a final plan "
                            "cannot follow a refusal to issue")
        return ("rule", f"the council refused to issue a plan on {issue.on}; record an agreed "
                        "issue-decision first (e.g. after mediation or appeal)")
    if kind == "draft-plan":
        if draft is not None:
            return ("conflict", f"the draft plan was already recorded on {draft.on}")
        return after(issue, "the decision to issue")
    if draft is None:
        return ("rule", f"{kind} needs a draft-plan first; none is recorded")
    if kind == "final-plan":
        if final is not None:
            return ("conflict", f"the final plan was already recorded on {final.on}")
        return after(draft, "the draft plan")
    if final is None:
        return ("rule", f"{kind} needs a final plan first; none is recorded")

    meeting, decision = latest("annual-review"), latest("review-decision")
    meetings = sum(1 for m in ms if m.kind == "annual-review")
    decisions = sum(1 for m in ms if m.kind == "review-decision")
    last = ms[-1]  # the plan's latest step: the final plan or what followed it
    if kind == "annual-review":
        if meetings > decisions and meeting is not None:
            return ("rule", f"the review meeting of {meeting.on} has no review-decision yet; "
                            "record it first")
        # a review looks at the plan as the last review left it: after its
        # decision (and any amended plan), never in between
        return after(last, _STEP_NAMES.get(last.kind, f"the {last.kind}"), strictly=True)
    if kind == "review-decision":
        if meeting is None or meetings == decisions:
            return ("rule", "review-decision needs an annual-review meeting awaiting a "
                            "decision; record the annual-review first")
        # on the day of the meeting or later, and not before a step already
        # recorded after the meeting (an amended plan of the previous review)
        return after(last, _STEP_NAMES.get(last.kind, f"the {last.kind}"))
    if kind == "amended-plan":
        amended = latest("amended-plan")
        if decision is None or decision.outcome != "amend":
            return ("rule", "amended-plan needs a review-decision 'amend' first")
        if amended is not None and ms.index(amended) > ms.index(decision):
            return ("conflict", f"the plan amended after the decision of {decision.on} was "
                                f"already recorded on {amended.on}")
        return after(decision, "the amendment notice")
    if kind == "ceased":
        last = ms[-1]
        return after(last, f"the {last.kind}")
    raise ValueError(f"unknown milestone {kind}")


def exception_problem(code: str, from_date: date, to_date: date, *, received: date,
                      limit: date) -> str | None:
    """Why a reg 10(4) exception CODE from FROM_DATE to TO_DATE (both days
    counted) cannot be, or None: (a), (b) and (d) need 4 weeks or more, and
    (d)'s 4 weeks fall within the time limit (from RECEIVED to LIMIT, the
    20 weeks: the longest limit the exceptions excuse)."""
    need = EXCEPTION_MIN_DAYS.get(code)
    if need is None:
        return None
    dates = f"{from_date} to {to_date}"
    days = (to_date - from_date).days + 1
    what = EXCEPTION_AWAY[code]
    if days < need:
        return (f"exception ({code}) needs {what} for a continuous period of not less than "
                f"4 weeks (reg 10(4)({code})); {dates} is {days} days")
    if code == "d":
        inside = (min(to_date, limit) - max(from_date, received)).days + 1
        if inside < need:
            return (f"exception (d) needs {what} for not less than 4 weeks during the time "
                    f"limit (reg 10(4)(d)); {dates} has {max(inside, 0)} days between the "
                    f"request of {received} and the 20-week limit of {limit}")
    return None


def status_after(kind: str, outcome: str | None, status: str) -> str:
    """The case's status once KIND (with OUTCOME) is recorded."""
    if kind in ("assessment-decision", "issue-decision"):
        if outcome == "refused":
            return "refused"
        return "assessing" if kind == "assessment-decision" else "drafting"
    if kind == "final-plan":
        return "plan-in-force"
    if kind == "ceased":
        return "ceased"
    return status


def clock_state(milestone: str, due: date, met_on: date | None, today: date) -> str:
    """met, met late, open or missed; a family's comments window ends (or is
    cut short by a final plan issued within it)."""
    if milestone == "draft-comments" and met_on is not None:
        return "ended" if met_on > due else "cut short"
    if met_on is not None:
        return "met" if met_on <= due else "met late"
    if due >= today:
        return "open"
    return "ended" if milestone in FAMILY_WINDOWS else "missed"
