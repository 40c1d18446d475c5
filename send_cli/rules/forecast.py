"""The breach forecast as arithmetic: the team's median time for each stage
of the 20-week path, and the day a request's final plan is expected. Pure.

The model, simple enough to check by hand (every duration is in calendar
days, as the 20 weeks are: SEND Regulations 2014 reg 13(2)):

- four stages: the request to the decision whether to assess ('decision');
  the decision to the advice being asked for ('asking'); advice asked to
  advice received, per source ('advice'); the last advice received to the
  final plan, the decision to issue, the draft and the family's 15 days of
  comments inside it ('plan');
- each stage still to come takes the team's median for it, over the stages
  completed in the 12 months before the forecast day (for 'asking': the
  decisions to assess made in those months, and the first advice asked after
  each, before the forecast day). The median of an even count is the lower
  of the two middle values, so it is a whole day that happened. A stage
  with no history takes its statutory length instead,
  and the forecast says so: decision 6 weeks (reg 5(1)), asking 0 days (the
  law sets no time; advice asked on the day of the decision), advice 6 weeks
  (reg 8(1)), plan 8 weeks (what is left of the 20 weeks after 6 + 6), so a
  request with no history at all is forecast on its 20-week day;
- nothing is expected in the past: a step not yet recorded happens at the
  later of the forecast day and its start plus its median (advice already
  overdue is expected today, and the plan follows from today);
- the advice: each outstanding request for advice is expected at the later
  of the forecast day and the day it was asked plus its source's median; the
  plan stage starts from the last of all the advice, received or expected.
  Before any advice is asked, the assessment is taken to need the advice
  every EHC needs assessment seeks (reg 6(1): educational, medical,
  psychological and social care advice: the school, health, the educational
  psychologist and social care), asked together. A plan agreed with no
  advice recorded has its advice taken as come when those medians say, and
  no later than the decision to issue.

Worked example: every EP report took 56 days and every plan was finalised
56 days after its last advice. A request received on 2026-06-01 whose EP
advice was asked on 2026-07-13 and is still out is forecast, on 2026-08-03,
to have its advice on 2026-09-07 (07-13 + 56) and its final plan on
2026-11-02 (09-07 + 56); its 20-week day is 2026-10-19, so it is 14 days
late. Forecast on 2026-10-01 instead, the advice is already overdue: it is
expected on 2026-10-01 and the plan on 2026-11-26.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from send_cli.rules.statutory import ADVICE_SOURCES, CLOCKS, due_after

STAGES = ("decision", "asking", "advice", "plan")
# The statutory length of each stage, in calendar days, used when the team
# has no history for it: reg 5(1), none, reg 8(1), and what reg 13(2)'s 20
# weeks leave after 6 + 6.
STATUTORY_DAYS = {"decision": 42, "asking": 0, "advice": 42, "plan": 56}
# reg 6(1)(b)-(e): the advice every EHC needs assessment seeks.
REQUIRED_ADVICE = ("school", "health", "educational-psychology", "social-care")
WINDOW_MONTHS = 12  # the history the medians are taken over
THROUGHPUT_WEEKS = 12  # the advice sources' backlog and throughput (summary)

ADVICE_WAITING = {s: f"{s} advice" for s in ADVICE_SOURCES}
# What a request waits for, in the order of the path.
WAITING = ("assessment decision", "advice to be asked", "advice", "decision to issue",
           "draft plan", "final plan")


def stage_key(stage: str, source: str | None = None) -> str:
    """The key of a stage's median: 'decision', 'asking', 'plan' or
    'advice:SOURCE'."""
    return f"advice:{source}" if stage == "advice" else stage


def median_of(counts: Mapping[int, int]) -> int | None:
    """The median of a histogram {days: how many}: the lower middle value of
    an even count. None when empty."""
    total = sum(n for n in counts.values() if n > 0)
    if not total:
        return None
    target = (total - 1) // 2  # the index of the lower middle, 0-based
    seen = 0
    for days in sorted(counts):
        seen += max(counts[days], 0)
        if seen > target:
            return days
    raise AssertionError("unreachable")


def median_low(values: Iterable[int]) -> int | None:
    """The lower median of VALUES; None when there are none."""
    items = list(values)
    return statistics.median_low(items) if items else None


@dataclass(frozen=True)
class Medians:
    """The team's median days per stage key, and how many stages each was
    taken over. A key that is missing has no history."""

    days: Mapping[str, int] = field(default_factory=dict)
    samples: Mapping[str, int] = field(default_factory=dict)
    _lengths: dict[tuple[str, str | None], tuple[int, str]] = field(
        default_factory=dict, compare=False, repr=False)
    # the same few sentences of basis() for thousands of rows
    _basis: dict[Any, str] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_histograms(cls, histograms: Mapping[str, Mapping[int, int]]) -> Medians:
        days: dict[str, int] = {}
        samples: dict[str, int] = {}
        for key, counts in histograms.items():
            value = median_of(counts)
            if value is not None:
                days[key] = value
                samples[key] = sum(n for n in counts.values() if n > 0)
        return cls(days, samples)

    def length(self, stage: str, source: str | None = None) -> tuple[int, str]:
        """(days, words) for STAGE (of SOURCE's advice): the median, or the
        statutory length when there is no history."""
        found = self._lengths.get((stage, source))
        if found is None:
            found = self._lengths[(stage, source)] = self._length(stage, source)
        return found

    def _length(self, stage: str, source: str | None) -> tuple[int, str]:
        key = stage_key(stage, source)
        what = _stage_words(stage, source)
        if key in self.days:
            n = self.samples.get(key, 0)
            return self.days[key], f"{what} {self.days[key]} days (median of {n})"
        return STATUTORY_DAYS[stage], f"{what} {STATUTORY_DAYS[stage]} days (statutory: no history)"


def _stage_words(stage: str, source: str | None) -> str:
    return {"decision": "decision", "asking": "advice asked",
            "advice": f"{source} advice", "plan": "plan after advice"}[stage]


@dataclass(slots=True)
class Request:
    """What is known of an open request on the forecast day: events dated
    before it only."""

    received: date
    decided: date | None = None  # the decision to assess (agreed)
    issue_decided: date | None = None  # the decision to issue (agreed)
    drafted: date | None = None
    advice: Sequence[tuple[str, date, date | None]] = ()  # source, asked, received


@dataclass(slots=True)
class Prediction:
    """The forecast for one request."""

    stage: str  # decision | asking | advice | plan
    waiting_for: str
    predicted_final: date
    final_due: date
    basis: str

    @property
    def margin_days(self) -> int:
        """Days to spare on the 20 weeks; negative when forecast late."""
        return (self.final_due - self.predicted_final).days

    @property
    def late(self) -> bool:
        return self.margin_days < 0


def final_due(received: date) -> date:
    """The 20-week day (reg 13(2))."""
    return due_after(CLOCKS["final-plan"], received)


def predict(request: Request, medians: Medians, today: date) -> Prediction:
    """The day REQUEST's final plan is expected, forecast on TODAY (see the
    module docstring)."""
    length = medians.length

    def step(start: date, stage: str, source: str | None = None) -> date:
        end = start + timedelta(days=length(stage, source)[0])
        return end if end > today else today

    stage: str | None = None
    waiting = ""
    if request.decided is None:
        stage, waiting = "decision", "assessment decision"
        decided = step(request.received, "decision")
    else:
        decided = request.decided
    outstanding: list[str] = []
    if not request.advice and request.issue_decided is None:
        branch = "ask"
        ask_day = step(decided, "asking")
        last = max([step(ask_day, "advice", s) for s in REQUIRED_ADVICE])
        if stage is None:
            stage, waiting = "asking", "advice to be asked"
    else:
        expected = [(step(asked, "advice", source), source)
                    for source, asked, on in request.advice if on is None]
        outstanding = [source for _, source in expected]
        days = [d for d, _ in expected] + [on for _, _, on in request.advice if on is not None]
        branch = "advice" if days else "unrecorded"
        last = max(days) if days else _unrecorded_advice(request, decided, medians)
        if expected and stage is None:
            source = max(expected)[1]
            stage, waiting = "advice", ADVICE_WAITING.get(source) or f"{source} advice"
    if stage is None:
        stage = "plan"
        waiting = ("decision to issue" if request.issue_decided is None
                   else "draft plan" if request.drafted is None else "final plan")
    if decided > last:
        last = decided
    final = step(last, "plan")
    return Prediction(stage, waiting, final, request.received + TWENTY_WEEKS,
                      basis(medians, undecided=request.decided is None, branch=branch,
                            outstanding=outstanding))


TWENTY_WEEKS = due_after(CLOCKS["final-plan"], date(2000, 1, 1)) - date(2000, 1, 1)
_SOURCE_ORDER = {s: i for i, s in enumerate(ADVICE_SOURCES)}


def basis(medians: Medians, *, undecided: bool, branch: str,
          outstanding: Iterable[str] = ()) -> str:
    """The medians a forecast used, in words, in the order of the path:
    the decision (if not yet made); then the advice to be asked and every
    required source (BRANCH 'ask', or 'unrecorded': a plan agreed with no
    advice recorded), or the OUTSTANDING advice sources in the order of
    ADVICE_SOURCES (BRANCH 'advice'); then the plan."""
    key = (undecided, branch, tuple(sorted(
        set(outstanding), key=lambda s: (_SOURCE_ORDER.get(s, len(_SOURCE_ORDER)), s))))
    found = medians._basis.get(key)
    if found is not None:
        return found
    steps: list[tuple[str, str | None]] = [("decision", None)] if undecided else []
    if branch == "advice":
        steps += [("advice", s) for s in key[2]]
    else:
        steps += [("asking", None)] + [("advice", s) for s in REQUIRED_ADVICE]
    steps.append(("plan", None))
    words = list(dict.fromkeys(medians.length(stage, source)[1] for stage, source in steps))
    return medians._basis.setdefault(key, "; ".join(words))


def _unrecorded_advice(request: Request, decided: date, medians: Medians) -> date:
    """A plan agreed with no advice recorded: the advice is taken to have come
    when the medians say (asked after the decision, the slowest required
    source), and no later than the decision to issue, which followed it."""
    asking = medians.length("asking")[0]
    slowest = max(medians.length("advice", s)[0] for s in REQUIRED_ADVICE)
    estimate = decided + timedelta(days=asking + slowest)
    issued = request.issue_decided or estimate
    return min(estimate, issued)


def waiting_order(waiting_for: str) -> tuple[int, str]:
    """Sort key: the path's order, advice sources among the advice."""
    if waiting_for.endswith(" advice"):
        return WAITING.index("advice"), waiting_for
    return (WAITING.index(waiting_for) if waiting_for in WAITING else len(WAITING),
            waiting_for)


# -- the backtest ----------------------------------------------------------
def mondays(start: date, end: date) -> list[date]:
    """Every Monday from START to END, both included."""
    first = start + timedelta(days=(7 - start.weekday()) % 7)
    out = []
    day = first
    while day <= end:
        out.append(day)
        day += timedelta(weeks=1)
    return out


@dataclass(frozen=True)
class Outcome:
    """What became of a forecast request by now: the day of its final plan
    (None if not made yet) and its 20-week day."""

    final: date | None
    due: date

    @property
    def late(self) -> bool:
        return self.final is None or self.final > self.due


def scoreable(final: date | None, due: date, today: date) -> bool:
    """A forecast is scored when its request's final plan was made by TODAY,
    or its 20-week day has passed without one (a breach for certain)."""
    return (final is not None and final <= today) or (final is None and due < today)


def score(pairs: Iterable[tuple[Prediction, Outcome]]) -> dict[str, int | float | None]:
    """The backtest's figures over (forecast, what happened) pairs already
    chosen by scoreable(): precision and recall of the forecast breaches,
    and the median absolute error of the predicted day, over the requests
    whose plan was made (the others have no day to compare)."""
    forecasts = predicted = actual = hits = 0
    errors: list[int] = []
    for p, o in pairs:
        forecasts += 1
        predicted += p.late
        actual += o.late
        hits += p.late and o.late
        if o.final is not None:
            errors.append(abs((p.predicted_final - o.final).days))
    return {
        "forecasts": forecasts,
        "breaches_predicted": predicted,
        "breaches_actual": actual,
        "precision": round(hits / predicted, 3) if predicted else None,
        "recall": round(hits / actual, 3) if actual else None,
        "median_abs_error_days": _median(errors),
    }


def _median(values: list[int]) -> float | None:
    """The ordinary median (the mean of the middle two of an even count)."""
    if not values:
        return None
    value = statistics.median(values)
    return int(value) if float(value).is_integer() else float(value)

