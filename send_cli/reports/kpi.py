"""The council's figures (the panel's terms of reference, the SEN2 return). The
counts of follow-ups, statutory clocks met and reviews due are kept by the
store per day, and open cases per officer, as the work is recorded
(triggers of migration 0005, send_cli/store/models/kpi.py): a figure for a period
adds up its days, so it costs the same on England's store as on a county's.
What is left is counted from the rows that hold it: the plans under a
reg 10(4) exception (from the few cases that have one) and the advice
outstanding (from the day each piece of advice is owed no more, kept by the
triggers of migration 0014). No case is looked at one by one.

Definitions (README 'timeline' section):
- plans issued: final plans made in the period (the final-plan clock met in
  it); within 20 weeks when made on or before the 20-week date.
- excluding exceptions, as SEN2 does: a plan whose case has a reg 10(4)
  exception recorded over its 20 weeks leaves both the numerator and the
  denominator.
- average weeks to issue: from the request to the final plan, over the plans
  issued in the period.
- requests decided: decisions whether to assess made in the period; within
  6 weeks when on or before the 6-week date.
- annual reviews due: review clocks whose last day falls in the period; on
  time when the meeting was held on or before it. A case closed or a plan
  ceased keeps the reviews that fell due before, met or missed (SEN2 counts
  the reviews expected in the year).
- review decisions: decisions after a review meeting made in the period;
  within 4 weeks of the meeting.
- follow-ups: those due in the period; kept when done on or before the day
  they were due.
- advice outstanding: asked for on or before the end of the period and not
  received by then, per source (overdue: past its 6 weeks then); advice is
  owed no more once the assessment or the plan was refused, the plan ceased
  or the case closed by then.
- caseload: open cases per officer, today.

Month by month ('months', for the dashboard and the terminal's trend
lines): the same measures for each calendar month of the period (the first
and last cut to the period), and as each month ended: the requests open at
each stage and the advice outstanding; and each percentage over the twelve
months to that month ('_12m', as the SEN2 return counts a year), which
steadies the line where a month has few cases. A percentage is null when
fewer than MIN_CASES_FOR_A_PERCENTAGE cases count in it (rules/figures.py).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from send_cli.rules import figures as reference
from send_cli.rules.statutory import ADVICE_SOURCES, CLOCKS, add_months
from send_cli.store.reader import Reader, as_reader
from send_cli.store.reader import day as stored_day


def pct(part: int | None, whole: int | None) -> float | None:
    """PART of WHOLE as a percentage, one decimal place rounded half up;
    None when there is nothing to count."""
    if not whole:
        return None
    value = (Decimal(part or 0) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return float(value)


def default_period(today: date) -> tuple[date, date]:
    """The twelve months up to and including TODAY."""
    return add_months(today, -12) + timedelta(days=1), today


# The deadline's case has a reg 10(4) exception over the clock's span.
HAS_EXCEPTION = """EXISTS (SELECT 1 FROM exceptions e WHERE e.case_id = d.case_id
    AND (e.from_date IS NULL OR e.from_date <= d.due)
    AND (e.to_date IS NULL OR e.to_date >= d.start))"""
KEPT = """SELECT coalesce(sum(n), 0), coalesce(sum(ok), 0), coalesce(sum(days), 0)
    FROM kpi_days WHERE metric = :metric AND day >= :start AND day <= :end"""


def _kept(reader: Reader, metric: str, start: date, end: date) -> tuple[int, int, int]:
    """(n, ok, days) of METRIC over the days START..END, from the counts the
    store keeps (send_cli/store/models/kpi.py)."""
    n, ok, days = reader.first(KEPT, {"metric": metric, "start": start, "end": end}) \
        or (0, 0, 0)
    return int(n), int(ok), int(days)


def _met_in(reader: Reader, milestone: str, start: date, end: date) -> tuple[int, int]:
    """(clocks of MILESTONE met in the period, of which on time)."""
    n, ok, _ = _kept(reader, f"met:{milestone}", start, end)
    return n, ok


def _excepted_plans(reader: Reader, start: date, end: date) -> list[tuple[date, bool]]:
    """The final plans made under a reg 10(4) exception from START to END:
    (the day made, within 20 weeks), from the few cases that have one. Read
    once per reader for the widest period asked (kpi() asks it first)."""
    held = reader.memo.get("excepted-plans")
    if held is None or held[0] > start or held[1] < end:
        rows = [(stored_day(met), bool(ok)) for met, ok in reader.rows(
            "SELECT d.met_on, CASE WHEN d.met_on <= d.due THEN 1 ELSE 0 END FROM deadlines d"
            " WHERE d.case_id IN (SELECT DISTINCT case_id FROM exceptions)"
            " AND d.milestone = 'final-plan' AND d.met_on >= :start AND d.met_on <= :end"
            f" AND {HAS_EXCEPTION}", {"start": start, "end": end})]
        held = reader.memo["excepted-plans"] = (start, end, rows)
    return [(met, ok) for met, ok in held[2] if start <= met <= end]


def _plans(reader: Reader, start: date, end: date) -> dict[str, Any]:
    n, within, days = _kept(reader, "met:final-plan", start, end)
    # The plans under an exception, from the few cases that have one.
    excepted = _excepted_plans(reader, start, end)
    with_exc, within_with_exc = len(excepted), sum(ok for _, ok in excepted)
    avg = None
    if n:
        avg = float((Decimal(days) / n / 7).quantize(Decimal("0.1"), ROUND_HALF_UP))
    excl = n - with_exc
    within_excl = within - within_with_exc
    return {
        "plans_issued": n,
        "plans_within_20_weeks": within,
        "pct_within_20_weeks": pct(within, n),
        "plans_with_exceptions": with_exc,
        "plans_issued_excl_exceptions": excl,
        "plans_within_20_weeks_excl_exceptions": within_excl,
        "pct_within_20_weeks_excl_exceptions": pct(within_excl, excl),
        "avg_weeks_to_issue": avg,
    }


def _by_month(reader: Reader, start: date, end: date) -> list[dict[str, Any]]:
    month = "strftime('%Y-%m', day)" if reader.dialect == "sqlite" else \
        "to_char(day, 'YYYY-MM')"
    found = {m: (int(n), int(w)) for m, n, w in reader.rows(
        f"SELECT {month}, sum(n), sum(ok) FROM kpi_days WHERE metric = 'met:final-plan'"
        f" AND day >= :start AND day <= :end GROUP BY {month}", {"start": start, "end": end})}
    out = []
    day = date(start.year, start.month, 1)
    while day <= end:
        key = f"{day.year:04d}-{day.month:02d}"
        n, w = found.get(key, (0, 0))
        out.append({"month": key, "plans_issued": n, "plans_within_20_weeks": w,
                    "pct_within_20_weeks": pct(w, n)})
        day = add_months(day, 1)
    return out


def _reviews_due(reader: Reader, start: date, end: date) -> tuple[int, int]:
    n, ok, _ = _kept(reader, "due:annual-review", start, end)
    return n, ok


def _followups(reader: Reader, start: date, end: date, today: date) -> tuple[int, int]:
    """Follow-ups due in the period, and those kept (done on or before the
    day due, by the Europe/London date of their settling). A follow-up is
    neither kept nor missed until its day has ended: the days counted stop
    at yesterday."""
    last = min(end, today - timedelta(days=1))
    if last < start:
        return 0, 0
    n, ok, _ = _kept(reader, "followups", start, last)
    return n, ok


def _advice(reader: Reader, end: date) -> tuple[dict[str, int], dict[str, int]]:
    """The advice outstanding as the day END ended, and of it overdue (past
    its 6 weeks), per source: from what the store keeps of each piece of
    advice (advice_owed, revision 0014: the first day it is owed no more,
    received or its case's assessment ended), one range of its index."""
    weeks = CLOCKS["advice"].length
    overdue_before = end - timedelta(weeks=weeks)  # due (requested + 6 weeks) before END
    outstanding = dict.fromkeys(ADVICE_SOURCES, 0)
    overdue = dict.fromkeys(ADVICE_SOURCES, 0)
    # still owed, then owed until after END
    for owed in ("owed_until IS NULL", "owed_until > :end"):
        for source, n, late in reader.rows(
                "SELECT source, count(*),"
                " coalesce(sum(CASE WHEN requested < :overdue_before THEN 1 ELSE 0 END), 0)"
                f" FROM advice_owed WHERE {owed} AND requested <= :end GROUP BY source",
                {"end": end, "overdue_before": overdue_before}):
            outstanding[source] = outstanding.get(source, 0) + int(n)
            overdue[source] = overdue.get(source, 0) + int(late or 0)
    return outstanding, overdue


CASELOAD = (" FROM officers o LEFT OUTER JOIN officer_caseloads k ON k.officer_id = o.id"
            " WHERE o.active = :yes OR coalesce(k.open_cases, 0) > 0")


def _caseload(reader: Reader) -> dict[str, int]:
    """Open cases (any status but closed) per officer who is active or still
    holds some, from the counts the store keeps."""
    rows = reader.all("SELECT o.code, coalesce(k.open_cases, 0)" + CASELOAD
                      + " ORDER BY o.code", {"yes": True})
    return {code: int(count) for code, count in rows}


def busiest_caseloads(reader: Reader, busiest: int) -> tuple[dict[str, int], dict[str, int]]:
    """The caseload of the BUSIEST officers with the most open cases (ties by
    code), and {'officers', 'open_cases'} of every officer _caseload counts:
    what the terminal's table shows, without ordering or keeping every
    officer of a big council."""
    import heapq

    officers = cases = 0
    loads = []
    for code, n in reader.rows("SELECT o.code, coalesce(k.open_cases, 0)" + CASELOAD,
                               {"yes": True}):
        officers += 1
        cases += int(n)
        loads.append((-int(n), code))
    top = heapq.nsmallest(busiest, loads)
    return {code: -n for n, code in top}, {"officers": officers, "open_cases": cases}


def kpi(session: Any, *, start: date, end: date, today: date,
        stock: bool = True, busiest: int | None = None) -> dict[str, Any]:
    """The council's figures for the period START..END (both included), as
    one JSON-ready object. STOCK False leaves out of 'months' what stood at
    each month's end (requests by stage, advice), which reads every request
    of the period: the terminal's table does not show it; nor does it show
    more than the BUSIEST officers' caseloads, when given ('caseload' holds
    those, and 'caseload_all' the count of every officer and open case).
    SESSION is a Reader or a SQLAlchemy session."""
    session = as_reader(session)
    figures: dict[str, Any] = {"from": start.isoformat(), "to": end.isoformat(),
                               "as_at": today.isoformat()}
    # the plans under an exception of every month counted below, read once
    _excepted_plans(session, add_months(date(start.year, start.month, 1), -(ROLLING - 1)), end)
    figures.update(_plans(session, start, end))
    decided, decided_in_time = _met_in(session, "assessment-decision", start, end)
    figures.update({"requests_decided": decided,
                    "requests_decided_within_6_weeks": decided_in_time,
                    "pct_requests_decided_within_6_weeks": pct(decided_in_time, decided)})
    due, on_time = _reviews_due(session, start, end)
    figures.update({"annual_reviews_due": due, "annual_reviews_on_time": on_time,
                    "pct_annual_reviews_on_time": pct(on_time, due)})
    decisions, decisions_in_time = _met_in(session, "review-decision", start, end)
    figures.update({"review_decisions": decisions,
                    "review_decisions_within_4_weeks": decisions_in_time,
                    "pct_review_decisions_within_4_weeks": pct(decisions_in_time, decisions)})
    amended, amended_in_time = _met_in(session, "amended-plan", start, end)
    figures.update({"amended_plans": amended, "amended_plans_on_time": amended_in_time,
                    "pct_amended_plans_on_time": pct(amended_in_time, amended)})
    followups, kept = _followups(session, start, end, today)
    figures.update({"followups_due": followups, "followups_kept": kept,
                    "pct_followups_kept": pct(kept, followups)})
    outstanding, overdue = _advice(session, end)
    figures["advice_outstanding"] = outstanding
    figures["advice_overdue"] = overdue
    if busiest:
        figures["caseload"], figures["caseload_all"] = busiest_caseloads(session, busiest)
    else:
        figures["caseload"] = _caseload(session)
    figures["by_month"] = _by_month(session, start, end)
    figures.update(_references(session))
    figures["months"] = month_rows(session, start=start, end=end, stock=stock)
    return figures


# -- month by month -----------------------------------------------------------
# (key prefix, kept metric, numerator key, denominator key, percentage key)
MONTHLY_SHARES = (
    ("met:final-plan", "plans_issued", "plans_within_20_weeks", "pct_within_20_weeks"),
    ("met:assessment-decision", "requests_decided", "requests_decided_within_6_weeks",
     "pct_requests_decided_within_6_weeks"),
    ("due:annual-review", "annual_reviews_due", "annual_reviews_on_time",
     "pct_annual_reviews_on_time"),
    ("met:review-decision", "review_decisions", "review_decisions_within_4_weeks",
     "pct_review_decisions_within_4_weeks"),
    ("met:amended-plan", "amended_plans", "amended_plans_on_time",
     "pct_amended_plans_on_time"),
    ("followups", "followups_due", "followups_kept", "pct_followups_kept"),
)
# The stages of a request still open, each by the clock it waits on: a
# request is at a stage when that clock had started and was not met by the
# day, and the clock before it had been (a refusal ends the later clocks).
STAGES = (("deciding", "assessment-decision", None),
          ("assessing", "issue-decision", "assessment-decision"),
          ("drafting", "final-plan", "issue-decision"))


MONTHS_MAX = 120  # a longer period gives its last ten years month by month
ROLLING = 12  # months in the running figure ('_12m'), the span of the SEN2 return


def month_pct(part: int, whole: int) -> float | None:
    """A month's percentage: None when fewer cases than the figures need."""
    if whole < reference.MIN_CASES_FOR_A_PERCENTAGE:
        return None
    return pct(part, whole)


def _references(reader: Reader) -> dict[str, Any]:
    value = reader.scalar("SELECT value FROM settings WHERE key = :key",
                          {"key": reference.TARGET_SETTING})
    return {"england_pct_within_20_weeks": reference.ENGLAND_PCT_WITHIN_20_WEEKS,
            "england_year": reference.ENGLAND_YEAR,
            "target_pct_within_20_weeks": reference.target_value(value),
            "min_cases_for_a_percentage": reference.MIN_CASES_FOR_A_PERCENTAGE}


def month_spans(start: date, end: date) -> list[tuple[str, date, date]]:
    """(YYYY-MM, first day, last day) of each month of START..END, the first
    and the last cut to the period."""
    out = []
    day = date(start.year, start.month, 1)
    while day <= end:
        following = add_months(day, 1)
        out.append((f"{day.year:04d}-{day.month:02d}", max(day, start),
                    min(following - timedelta(days=1), end)))
        day = following
    return out


def _month(column: str, reader: Reader) -> str:
    return f"strftime('%Y-%m', {column})" if reader.dialect == "sqlite" else \
        f"to_char({column}, 'YYYY-MM')"


def _kept_by_month(reader: Reader, start: date,
                   end: date) -> dict[tuple[str, str], tuple[int, int]]:
    month = _month("day", reader)
    metrics = ", ".join(f"'{m[0]}'" for m in MONTHLY_SHARES)
    return {(metric, m): (int(n or 0), int(ok or 0)) for metric, m, n, ok in reader.rows(
        f"SELECT metric, {month}, sum(n), sum(ok) FROM kpi_days WHERE metric IN ({metrics})"
        f" AND day >= :start AND day <= :end GROUP BY metric, {month}",
        {"start": start, "end": end})}


def _exceptions_by_month(reader: Reader, start: date,
                         end: date) -> dict[str, tuple[int, int]]:
    """(plans under a reg 10(4) exception, of which within 20 weeks) per month."""
    out: dict[str, tuple[int, int]] = {}
    for met, ok in _excepted_plans(reader, start, end):
        month = f"{met.year:04d}-{met.month:02d}"
        n, within = out.get(month, (0, 0))
        out[month] = (n + 1, within + int(ok))
    return out


def _open_by_stage(reader: Reader, spans: list[tuple[str, date, date]]) -> dict[
        tuple[str, str], int]:
    """Requests open at each stage as each month ended, {(month, stage): n}.
    One pass over the request clocks that could be open in some month (not
    met before the first month ended), each with the clock before it and its
    case's closure; the months are counted from those rows."""
    if not spans:
        return {}
    first, last = spans[0][2], spans[-1][2]
    before = {milestone: prior for _, milestone, prior in STAGES}
    stage_of = {milestone: stage for stage, milestone, _ in STAGES}
    prior = "CASE " + " ".join(f"WHEN d.milestone = '{m}' THEN '{b}'"
                               for m, b in before.items() if b) + " ELSE NULL END"
    listed = ", ".join(f"'{m}'" for m in before)
    rows = reader.all(
        "SELECT d.milestone, d.start, d.met_on, p.met_on, c.status, c.closed_on"
        " FROM deadlines d JOIN cases c ON c.id = d.case_id"
        f" LEFT OUTER JOIN deadlines p ON p.case_id = d.case_id AND p.milestone = {prior}"
        f" WHERE d.milestone IN ({listed}) AND d.start <= :last"
        " AND (d.met_on IS NULL OR d.met_on > :first)", {"first": first, "last": last})
    out: dict[tuple[str, str], int] = {}
    for milestone, began, met, prior_met, status, closed_on in rows:
        began, met, prior_met, closed_on = (stored_day(v) for v in
                                            (began, met, prior_met, closed_on))
        needs_prior = before[milestone] is not None
        for month, _, day in spans:
            if began > day or (met is not None and met <= day):
                continue
            if needs_prior and (prior_met is None or prior_met > day):
                continue
            if status == "closed" and (closed_on is None or closed_on <= day):
                continue
            key = (month, stage_of[milestone])
            out[key] = out.get(key, 0) + 1
    return out


def month_rows(session: Any, *, start: date, end: date,
               stock: bool = True) -> list[dict[str, Any]]:
    """The measures month by month (see the module docstring): one row per
    month of START..END, the last MONTHS_MAX of them."""
    session = as_reader(session)
    spans = month_spans(start, end)[-MONTHS_MAX:]
    start = spans[0][1]
    kept = _kept_by_month(session, start, end)
    excepted = _exceptions_by_month(session, start, end)
    # the twelve months to each month: from eleven whole months before the first
    since = add_months(date(start.year, start.month, 1), -(ROLLING - 1))
    kept_since = _kept_by_month(session, since, end)
    excepted_since = _exceptions_by_month(session, since, end)
    all_months = [m for m, _, _ in month_spans(since, end)]
    stages = _open_by_stage(session, spans) if stock else {}
    rows = []
    for month, first, last in spans:
        row: dict[str, Any] = {"month": month, "from": first.isoformat(),
                               "to": last.isoformat()}
        at = all_months.index(month)
        year = all_months[max(0, at - ROLLING + 1):at + 1]
        for metric, whole, part, share in MONTHLY_SHARES:
            n, ok = kept.get((metric, month), (0, 0))
            row.update({whole: n, part: ok, share: month_pct(ok, n)})
            n12 = sum(kept_since.get((metric, m), (0, 0))[0] for m in year)
            ok12 = sum(kept_since.get((metric, m), (0, 0))[1] for m in year)
            if metric == "met:final-plan":
                with_exc, within_exc = excepted.get(month, (0, 0))
                row.update({
                    "plans_with_exceptions": with_exc,
                    "plans_issued_excl_exceptions": n - with_exc,
                    "plans_within_20_weeks_excl_exceptions": ok - within_exc,
                    "pct_within_20_weeks_excl_exceptions": month_pct(ok - within_exc,
                                                                     n - with_exc)})
                exc12 = sum(excepted_since.get(m, (0, 0))[0] for m in year)
                within_exc12 = sum(excepted_since.get(m, (0, 0))[1] for m in year)
                row[f"{share}_12m"] = month_pct(ok12, n12)
                row["pct_within_20_weeks_excl_exceptions_12m"] = month_pct(
                    ok12 - within_exc12, n12 - exc12)
            else:
                row[f"{share}_12m"] = month_pct(ok12, n12)
        if stock:
            row["open_requests"] = {stage: stages.get((month, stage), 0)
                                    for stage, _, _ in STAGES}
            row["advice_outstanding"], row["advice_overdue"] = _advice(session, last)
        rows.append(row)
    return rows
