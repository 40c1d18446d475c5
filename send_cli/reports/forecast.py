"""The breach forecast read from the store: the team's stage medians, the
open requests before their final plan with the day each plan is expected,
the managers' summary, and the backtest (rules/forecast.py is the model).

The medians are counted in SQL as histograms (days -> how many), one
GROUP BY per stage over the 12 months before the forecast day, from the
durations the store keeps (stage_days, migration 0010; the whole months
from the same added up by month, stage_months, migration 0014), so the
store sends back a few hundred rows whatever its size; the forecast of every open request
is worked out in SQL from what the store keeps of each (forecast_requests,
migration 0013): one pass over a compact table. Plain SQL through a Reader
(store/reader.py), so the forecast runs on the lean read path; the backtest
replays history through SQLAlchemy."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from send_cli.rules import forecast as model
from send_cli.rules.statutory import ADVICE_SOURCES, add_months
from send_cli.store.counts import FORECAST_SOURCES
from send_cli.store.reader import as_reader

FORECAST_KEYS = ("case_ref", "officer", "stage", "waiting_for", "predicted_final",
                 "final_due", "margin_days", "late", "basis")
BACKTEST_KEYS = ("forecasts", "breaches_predicted", "breaches_actual", "precision",
                 "recall", "median_abs_error_days")
OPEN_STATUSES = ("requested", "assessing", "drafting")
FINAL_DAYS = 140  # 20 weeks


# -- the medians -----------------------------------------------------------
def histograms(source: Any, *, day: date) -> dict[str, dict[int, int]]:
    """{stage key: {days: how many}} over the 12 months before DAY (from the
    same day a year earlier, DAY itself left out): the decisions whether to
    assess made (days from the request); for each decision to assess, the
    first advice asked on or after it, if asked before DAY (days from the
    decision); the advice received, per source (days from asking); the final
    plans made (days from the last advice received before them).

    Read from the counts the store keeps as work is recorded (stage_days,
    migration 0010): a year of days, whatever the store's size; the whole
    months of that year from the same counts added up by month
    (stage_months, migration 0014), and only the days of the two months the
    year cuts from stage_days. SOURCE: a Reader or a SQLAlchemy session."""
    reader = as_reader(source)
    since = add_months(day, -model.WINDOW_MONTHS)
    # the whole months from..to (to: the first of DAY's month, left out)
    month_to = date(day.year, day.month, 1)
    month_from = since if since.day == 1 else add_months(date(since.year, since.month, 1), 1)
    month_from = min(month_from, month_to)
    # an 'asking' counts only if its advice was asked before DAY:
    # decision day + days < DAY; read by the day, all year
    before = ("days < :day - day" if reader.dialect == "postgresql"
              else "days < julianday(:day) - julianday(day)")
    out: dict[str, dict[int, int]] = defaultdict(dict)
    for stage, days, n in reader.rows(
            f"""SELECT stage, days, sum(n) FROM (
                  SELECT stage, days, n FROM stage_months
                  WHERE month >= :month_from AND month < :month_to AND stage <> 'asking'
                  UNION ALL
                  SELECT stage, days, n FROM stage_days
                  WHERE day >= :since AND day < :month_from AND (stage <> 'asking' OR {before})
                  UNION ALL
                  SELECT stage, days, n FROM stage_days
                  WHERE day >= :month_to AND day < :day AND (stage <> 'asking' OR {before})
                  UNION ALL
                  SELECT stage, days, n FROM stage_days
                  WHERE day >= :month_from AND day < :month_to AND stage = 'asking'
                    AND {before}) s
                GROUP BY stage, days""",
            {"since": since, "day": day, "month_from": month_from, "month_to": month_to}):
        if n and n > 0 and days >= 0:
            out[stage][int(days)] = int(n)
    return dict(out)


def medians(source: Any, *, day: date) -> model.Medians:
    return model.Medians.from_histograms(histograms(source, day=day))


# -- the open requests -----------------------------------------------------
NONE = -10**6  # "no such day" inside the SQL's arithmetic (days since 1970)
EPOCH = date(1970, 1, 1).toordinal()
# advice sources in the SQL's columns; a request waiting on two sources
# expected the same day waits for the later name (as rules.forecast.predict)
SOURCE_COLUMNS = {s: f"o{i}" for i, s in enumerate(ADVICE_SOURCES)}


def _forecast_sql(dialect: str, *, officer: bool, within: bool, top: bool,
                  grouped: bool = False) -> str:
    """The forecast of every open request before its final plan, worked out
    in the database (rules.forecast.predict, with the medians as parameters)
    from what the store keeps of each request (forecast_requests: days since
    1970). TOP: the :limit rows with the least margin, then one row per
    (waiting_for, late) with its count. GROUPED: one row per (20-week day,
    late, waiting_for) with its count."""
    big, small = ("GREATEST", "LEAST") if dialect == "postgresql" else ("max", "min")
    # Each source waited on is expected on max(asked + its median, today);
    # the request waits for the latest, ties to the later name. Coded as
    # expected * 8 + the rank of the name (0 when not waited on), the latest
    # is one max() of five numbers, and its day and its source are read from
    # that number without comparing each source's day again.
    ranked = sorted(SOURCE_COLUMNS.items())
    coded = ", ".join(
        f"CASE WHEN r.{FORECAST_SOURCES[s]} IS NULL THEN 0 "
        f"ELSE {big}(r.{FORECAST_SOURCES[s]} + :a_{c}, :t) * 8 + {rank} END"
        for rank, (s, c) in enumerate(ranked))
    source_waited = " ".join(f"WHEN {rank} THEN '{s} advice'"
                             for rank, (s, _) in enumerate(ranked))
    mask = " + ".join(f"(CASE WHEN r.{FORECAST_SOURCES[s]} IS NULL THEN 0 ELSE {1 << i} END)"
                      for i, s in enumerate(SOURCE_COLUMNS))
    where = ["1 = 1"]
    if officer:
        where.append("o.code = :officer")
    if within:
        where.append("r.received_day <= :received_by")
    # b, c2 and c3 are steps of one expression, folded into f (NOT
    # MATERIALIZED: SQLite would otherwise write each out, 38,000 rows at
    # England's size); f is read twice, so it is written
    sql = f"""
    WITH b AS NOT MATERIALIZED (
      SELECT r.ref, o.code, r.received_day AS rec, r.decided_day AS dec, r.issue_day AS iss,
        1 - r.drafted AS no_draft, r.advice AS n, coalesce(r.advice_got_day, {NONE}) AS got,
        {big}({coded}) AS kmax, {mask} AS mask
      FROM forecast_requests r JOIN officers o ON o.id = r.officer_id
      WHERE {' AND '.join(where)}
    ), c2 AS NOT MATERIALIZED (
      SELECT b.*, coalesce(dec, {big}(rec + :md, :t)) AS decided,
        CASE WHEN mask = 0 THEN {NONE} ELSE kmax / 8 END AS emax
      FROM b
    ), c3 AS NOT MATERIALIZED (
      SELECT c2.*,
        CASE WHEN n = 0 AND iss IS NULL THEN 0 WHEN n > 0 THEN 1 ELSE 2 END AS branch,
        CASE WHEN n = 0 AND iss IS NULL THEN {big}(decided + :ma, :t) + :r
             WHEN n > 0 THEN {big}(emax, got)
             ELSE {small}(decided + :ma + :r, coalesce(iss, decided + :ma + :r)) END AS last0
      FROM c2
    ), f AS (
      SELECT ref, code, rec + :weeks20 AS due,
        {big}({big}(last0, decided) + :mp, :t) AS fin,
        CASE WHEN dec IS NULL THEN 'decision' WHEN branch = 0 THEN 'asking'
             WHEN mask > 0 THEN 'advice' ELSE 'plan' END AS stage,
        CASE WHEN dec IS NULL THEN 'assessment decision'
             WHEN branch = 0 THEN 'advice to be asked'
             WHEN mask > 0 THEN (CASE kmax % 8 {source_waited} END)
             WHEN iss IS NULL THEN 'decision to issue'
             WHEN no_draft = 1 THEN 'draft plan' ELSE 'final plan' END AS waiting,
        CASE WHEN dec IS NULL THEN 1 ELSE 0 END AS undecided, branch, mask
      FROM c3
    )"""
    columns = "ref, code, due, fin, stage, waiting, undecided, branch, mask"
    if grouped:
        late = "CASE WHEN fin > due THEN 1 ELSE 0 END"
        return sql + f"""
    SELECT due, {late}, waiting, count(*) FROM f GROUP BY due, {late}, waiting"""
    if not top:
        return sql + f"\nSELECT {columns} FROM f"
    return sql + f"""
    SELECT 0 AS part, {columns}, 0 AS n FROM (
      SELECT {columns} FROM f ORDER BY due - fin, due, ref LIMIT :limit) t
    UNION ALL
    SELECT 1, NULL, NULL, NULL, NULL, NULL, waiting, NULL, CASE WHEN fin > due THEN 1 ELSE 0 END,
           NULL, count(*) FROM f
    GROUP BY waiting, CASE WHEN fin > due THEN 1 ELSE 0 END"""


BRANCHES = ("ask", "advice", "unrecorded")


def _params(meds: model.Medians, today: date) -> dict[str, Any]:
    days = {s: meds.length("advice", s)[0] for s in ADVICE_SOURCES}
    out: dict[str, Any] = {f"a_{c}": days[s] for s, c in SOURCE_COLUMNS.items()}
    out.update(t=today.toordinal() - EPOCH, md=meds.length("decision")[0],
               ma=meds.length("asking")[0], mp=meds.length("plan")[0],
               r=max(days[s] for s in model.REQUIRED_ADVICE),
               weeks20=model.TWENTY_WEEKS.days)
    return out


def _row(meds: model.Medians, ref: str, code: str, due: int, fin: int, stage: str,
         waiting: str, undecided: int, branch: int, mask: int) -> dict[str, Any]:
    margin = due - fin
    return {"case_ref": ref, "officer": code, "stage": stage, "waiting_for": waiting,
            "predicted_final": date.fromordinal(fin + EPOCH),
            "final_due": date.fromordinal(due + EPOCH), "margin_days": margin,
            "late": margin < 0,
            "basis": model.basis(meds, undecided=bool(undecided), branch=BRANCHES[branch],
                                 outstanding=[s for i, s in enumerate(SOURCE_COLUMNS)
                                              if mask & (1 << i)])}


def _run(source: Any, meds: model.Medians, *, today: date, officer: str | None,
         within: int | None, top: int | None, grouped: bool = False) -> Any:
    reader = as_reader(source)
    params = _params(meds, today)
    if officer:
        params["officer"] = officer
    if within is not None:  # the 20-week day on or before today + WITHIN weeks
        by = today + timedelta(weeks=within, days=-FINAL_DAYS)
        params["received_by"] = by.toordinal() - EPOCH
    if top is not None:
        params["limit"] = top
    sql = _forecast_sql(reader.dialect, officer=bool(officer), within=within is not None,
                        top=top is not None, grouped=grouped)
    return reader.rows(sql, params)


def forecast_rows(source: Any, *, today: date, officer: str | None = None,
                  within: int | None = None,
                  meds: model.Medians | None = None) -> list[dict[str, Any]]:
    """Every open request before its final plan with its forecast (keys
    FORECAST_KEYS), the least margin first. WITHIN (weeks): only those whose
    20-week day falls on or before today + WITHIN weeks."""
    meds = meds if meds is not None else medians(source, day=today)
    rows = [_row(meds, *r) for r in _run(source, meds, today=today, officer=officer,
                                          within=within, top=None)]
    rows.sort(key=lambda r: (r["margin_days"], r["final_due"], r["case_ref"]))
    return rows


def forecast_top(source: Any, *, today: date, limit: int, officer: str | None = None,
                 within: int | None = None, meds: model.Medians | None = None
                 ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The LIMIT rows of forecast_rows() with the least margin, and the
    waiting_summary() of them all, counted in the database (the screen's
    table reads a page, whatever the store's size)."""
    meds = meds if meds is not None else medians(source, day=today)
    rows: list[dict[str, Any]] = []
    counts: Counter[str] = Counter()
    late: Counter[str] = Counter()
    for part, *values, n in _run(source, meds, today=today, officer=officer, within=within,
                                 top=limit):
        if part == 0:
            rows.append(_row(meds, *values))
        else:
            waiting, is_late = values[5], values[7]
            counts[waiting] += int(n)
            late[waiting] += int(n) if is_late else 0
    rows.sort(key=lambda r: (r["margin_days"], r["final_due"], r["case_ref"]))
    return rows, _summary_of(counts, late, today=today)


# -- the managers' summary -----------------------------------------------------
def waiting_summary(rows: Sequence[Mapping[str, Any]], *, today: date) -> dict[str, Any]:
    """How many open requests are forecast to miss 20 weeks, by what they
    wait for (counted from the forecast rows: no query)."""
    counts: Counter[str] = Counter()
    late: Counter[str] = Counter()
    for r in rows:
        counts[r["waiting_for"]] += 1
        late[r["waiting_for"]] += bool(r["late"])
    return _summary_of(counts, late, today=today)


def _summary_of(counts: Mapping[str, int], late: Mapping[str, int], *,
                today: date) -> dict[str, Any]:
    return {"forecast_day": today, "open_requests": sum(counts.values()),
            "forecast_late": sum(late.values()),
            "by_waiting_for": [{"waiting_for": w, "requests": counts[w], "late": late[w]}
                               for w in sorted(counts, key=model.waiting_order)]}


def summary(source: Any, rows: Sequence[Mapping[str, Any]], *, today: date,
            meds: model.Medians | None = None) -> dict[str, Any]:
    """The managers' summary: waiting_summary(), and each advice source's
    backlog (advice asked and not yet received on the requests being
    assessed) and throughput (advice received in the last 12 weeks), with
    its median: informational, the dates do not use the backlog."""
    reader = as_reader(source)
    meds = meds if meds is not None else medians(reader, day=today)
    since = today - timedelta(weeks=model.THROUGHPUT_WEEKS)
    backlog = dict(reader.all(
        f"""SELECT a.source, count(*) FROM advice_requests a JOIN cases c ON c.id = a.case_id
            WHERE a.received IS NULL AND a.withdrawn_at IS NULL
              AND c.status IN ({", ".join(f"'{s}'" for s in OPEN_STATUSES)})
            GROUP BY a.source"""))
    received = dict(reader.all(
        """SELECT source, count(*) FROM advice_requests
           WHERE received >= :since AND received < :today AND withdrawn_at IS NULL
           GROUP BY source""", {"since": since, "today": today}))
    sources = []
    for source_name in ADVICE_SOURCES:
        waiting, done = int(backlog.get(source_name, 0)), int(received.get(source_name, 0))
        per_week = round(done / model.THROUGHPUT_WEEKS, 1)
        sources.append({
            "source": source_name, "backlog": waiting, "received_12_weeks": done,
            "per_week": per_week,
            "weeks_to_clear": round(waiting / per_week, 1) if per_week else None,
            "median_days": meds.days.get(model.stage_key("advice", source_name))})
    return {**waiting_summary(rows, today=today), "advice_sources": sources}


def summary_line(facts: Mapping[str, Any]) -> str:
    """One line: how many are forecast late, and what the late ones wait for."""
    parts = [f"{w['late']} {w['waiting_for']}" for w in facts["by_waiting_for"] if w["late"]]
    line = (f"{facts['forecast_late']} of {facts['open_requests']} open requests forecast "
            "to miss 20 weeks")
    return line + (f" (waiting for: {', '.join(parts)})" if parts else "")


# -- by month, for the managers' dashboard -------------------------------------
MONTHS_BACK = 6  # months before the forecast day's drawn one by one; older: 'earlier'


def by_month(source: Any, *, today: date,
             meds: model.Medians | None = None) -> dict[str, Any]:
    """How many open requests are forecast to miss their 20-week day, and how
    many on time, by the month of that day (breaches_by_month()), counted in
    the database: a row per 20-week day, whatever the store's size."""
    meds = meds if meds is not None else medians(source, day=today)
    counts = [(date.fromordinal(int(due) + EPOCH), bool(late), waiting, int(n))
              for due, late, waiting, n in _run(source, meds, today=today, officer=None,
                                                within=None, top=None, grouped=True)]
    return breaches_by_month(counts, today=today, meds=meds)


def breaches_by_month(counts: Iterable[tuple[date, bool, str, int]], *, today: date,
                      meds: model.Medians) -> dict[str, Any]:
    """The forecast by the month of each request's 20-week day, from COUNTS
    (20-week day, forecast late, what it waits for, how many): 'months' from
    the first with a 20-week day (MONTHS_BACK before the forecast day's when
    there are older ones) to the last, the forecast day's month among them, each
    with 'requests', 'late' and 'on_time'; 'earlier': those due in the
    months before (all late, their 20 weeks passed), or None; the
    waiting_summary(); and 'medians', the team's medians the forecast
    used, in words. JSON-ready."""
    first_shown = add_months(today.replace(day=1), -MONTHS_BACK)
    per_month: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    earlier = [0, 0]
    waiting: Counter[str] = Counter()
    late_waiting: Counter[str] = Counter()
    for due, late, what, n in counts:
        bucket = earlier if due < first_shown else per_month[f"{due:%Y-%m}"]
        bucket[0] += n
        bucket[1] += n if late else 0
        waiting[what] += n
        late_waiting[what] += n if late else 0
    months = []
    if per_month or earlier[0]:  # the forecast day's month always among them
        now = f"{today:%Y-%m}"
        month = f"{first_shown:%Y-%m}" if earlier[0] else min([*per_month, now])
        last = max([*per_month, now])
        while month <= last:
            requests, late = per_month.get(month, (0, 0))
            months.append({"month": month, "requests": requests, "late": late,
                           "on_time": requests - late})
            year, number = int(month[:4]), int(month[5:])
            month = f"{year + number // 12}-{number % 12 + 1:02d}"
    summary = _summary_of(waiting, late_waiting, today=today)
    return {**summary, "forecast_day": today.isoformat(),
            "months": months,
            "earlier": ({"before": f"{first_shown:%Y-%m}", "requests": earlier[0],
                         "late": earlier[1], "on_time": earlier[0] - earlier[1]}
                        if earlier[0] else None),
            "medians": medians_words(meds)}


def medians_words(meds: model.Medians) -> str:
    """Every stage's length the forecast uses, in words, in the path's order."""
    steps = [("decision", None), ("asking", None)] + \
        [("advice", s) for s in ADVICE_SOURCES] + [("plan", None)]
    return "; ".join(meds.length(stage, source)[1] for stage, source in steps)


# -- the backtest --------------------------------------------------------------
def _first(kind: str, outcome: str | None = None) -> Any:
    from sqlalchemy import func, select

    from send_cli.store.models import Case, Milestone

    stmt = select(func.min(Milestone.on)).where(Milestone.case_id == Case.id,
                                                Milestone.kind == kind)
    if outcome is not None:
        stmt = stmt.where(Milestone.outcome == outcome)
    return stmt.scalar_subquery()


def backtest(session: Any, *, start: date, end: date,
             today: date) -> dict[str, int | float | None]:
    """Replay the forecast each Monday from START to END using only the
    events dated before that Monday, and score it against what happened
    (rules.forecast.score): only requests whose final plan was made by
    TODAY, or whose 20-week day passed with the request still open."""
    from sqlalchemy import or_, select

    from send_cli.store.models import AdviceRequest, Case, Milestone

    days = model.mondays(start, end)
    if not days:
        return model.score([])
    first, last = days[0], days[-1]
    # the only requests that can be scored: a final plan made on or after the
    # first Monday, or still open now
    planned = select(Milestone.case_id).where(Milestone.kind == "final-plan",
                                              Milestone.on >= first)
    ids = select(Case.id).where(Case.received < last,
                                or_(Case.id.in_(planned), Case.status.in_(OPEN_STATUSES)))
    cases: dict[int, tuple[date, str, date | None, date | None]] = {}
    for case_id, received, status, closed_on, final_on in session.execute(
            select(Case.id, Case.received, Case.status, Case.closed_on, _first("final-plan"))
            .where(Case.id.in_(ids))):
        cases[case_id] = (received, status, closed_on, final_on)
    events: dict[int, list[tuple[str, date, str | None]]] = defaultdict(list)
    advice: dict[int, list[tuple[str, date, date | None]]] = defaultdict(list)
    for case_id, kind, on, outcome in session.execute(
            select(Milestone.case_id, Milestone.kind, Milestone.on, Milestone.outcome)
            .where(Milestone.case_id.in_(ids), Milestone.on < last,
                   Milestone.kind.in_(("assessment-decision", "issue-decision",
                                       "draft-plan")))
            .order_by(Milestone.case_id, Milestone.on, Milestone.id)):
        events[case_id].append((kind, on, outcome))
    for case_id, source, asked, got in session.execute(
            select(AdviceRequest.case_id, AdviceRequest.source, AdviceRequest.requested,
                   AdviceRequest.received)
            .where(AdviceRequest.case_id.in_(ids), AdviceRequest.requested < last,
                   AdviceRequest.withdrawn_at.is_(None))):
        advice[case_id].append((source, asked, got))

    pairs = []
    for monday in days:
        meds = medians(session, day=monday)
        for case_id, (received, status, closed_on, final_on) in cases.items():
            outcome = model.Outcome(final=final_on if final_on and final_on <= today else None,
                                    due=model.final_due(received))
            if outcome.final is None and status not in OPEN_STATUSES:
                continue  # left the path (refused, closed) without a plan: not scored
            if not model.scoreable(outcome.final, outcome.due, today):
                continue
            request = known_before(monday, received=received, closed_on=closed_on,
                                   final_on=final_on, events=events.get(case_id, ()),
                                   advice=advice.get(case_id, ()))
            if request is not None:
                pairs.append((model.predict(request, meds, monday), outcome))
    return model.score(pairs)


def known_before(day: date, *, received: date, closed_on: date | None,
                 final_on: date | None, events: Any, advice: Any) -> model.Request | None:
    """What was known of a request before DAY, or None if it was not open
    then (not yet received, its plan made, refused or closed)."""
    if received >= day or (final_on is not None and final_on < day) \
            or (closed_on is not None and closed_on < day):
        return None
    before = [(k, on, o) for k, on, o in events if on < day]
    for kind in ("assessment-decision", "issue-decision"):
        latest = [o for k, _, o in before if k == kind]
        if latest and latest[-1] == "refused":
            return None

    def first(kind: str, outcome: str | None = None) -> date | None:
        return next((on for k, on, o in before
                     if k == kind and (outcome is None or o == outcome)), None)

    return model.Request(
        received=received, decided=first("assessment-decision", "agreed"),
        issue_decided=first("issue-decision", "agreed"), drafted=first("draft-plan"),
        advice=[(s, asked, got if got is not None and got < day else None)
                for s, asked, got in advice if asked < day])

