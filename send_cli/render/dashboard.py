"""The KPI dashboard: one HTML file with inline SVG charts drawn here, made
from the object 'report kpi --format json' writes, that prints on A4.

Nothing in the file reaches outside it (no script, no font, no image from
elsewhere), so it opens offline and can be sent by email. Every figure sits
in a table cell beneath its chart with a data-key naming where it is in the
JSON, so a reader (and a test) can check one against the other. No meaning
is carried by colour alone: lines differ in dash and marker and are named
at their ends, bars differ in pattern and carry their numbers."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from html import escape
from typing import Any

from send_cli.render.charts import (
    BLUE,
    GREEN,
    VERMILLION,
    bars_svg,
    breaches_svg,
    month_label,
    share_svg,
    stacked_svg,
)

BUSIEST = 50  # officers drawn in the caseload chart, as the terminal's table
STAGE_WORDS = {"deciding": "deciding to assess", "assessing": "assessing",
               "drafting": "drafting the plan"}
SOURCE_WORDS = {"educational-psychology": "educational psychology", "health": "health",
                "social-care": "social care", "school": "school", "other": "other"}

# (chart id, title, plain name of the measure, series: (label, part, whole,
# share, colour, dash, marker), y-axis label)
SHARE_CHARTS: tuple[tuple[str, str, str, tuple[tuple[str, str, str, str, str, str, str], ...],
                          str], ...] = (
    ("twenty-weeks", "New plans issued within 20 weeks", "new plans issued within 20 weeks",
     (("all plans", "plans_within_20_weeks", "plans_issued", "pct_within_20_weeks", BLUE,
       "", "circle"),
      ("excluding exceptions", "plans_within_20_weeks_excl_exceptions",
       "plans_issued_excl_exceptions", "pct_within_20_weeks_excl_exceptions", VERMILLION,
       "7 4", "square")),
     "% of new plans within 20 weeks"),
    ("six-weeks", "Requests decided within 6 weeks",
     "decisions whether to assess made within 6 weeks",
     (("decisions", "requests_decided_within_6_weeks", "requests_decided",
       "pct_requests_decided_within_6_weeks", BLUE, "", "circle"),),
     "% of decisions within 6 weeks"),
    ("reviews", "Annual reviews, review decisions and amended plans on time",
     "annual reviews held on time",
     (("reviews held on time", "annual_reviews_on_time", "annual_reviews_due",
       "pct_annual_reviews_on_time", BLUE, "", "circle"),
      ("decisions within 4 weeks", "review_decisions_within_4_weeks", "review_decisions",
       "pct_review_decisions_within_4_weeks", VERMILLION, "7 4", "square"),
      ("amended plans on time", "amended_plans_on_time", "amended_plans",
       "pct_amended_plans_on_time", GREEN, "2 3", "diamond")),
     "% on time"),
    ("follow-ups", "Follow-ups kept within their promise",
     "follow-ups kept within their promise",
     (("follow-ups kept", "followups_kept", "followups_due", "pct_followups_kept", GREEN,
       "", "diamond"),),
     "% of follow-ups kept"),
)
HEADLINE = (
    ("New plans issued within 20 weeks", "plans_within_20_weeks", "plans_issued",
     "pct_within_20_weeks"),
    ("the same, excluding exceptions (as the SEN2 return counts)",
     "plans_within_20_weeks_excl_exceptions", "plans_issued_excl_exceptions",
     "pct_within_20_weeks_excl_exceptions"),
    ("Requests decided within 6 weeks", "requests_decided_within_6_weeks", "requests_decided",
     "pct_requests_decided_within_6_weeks"),
    ("Annual reviews held on time", "annual_reviews_on_time", "annual_reviews_due",
     "pct_annual_reviews_on_time"),
    ("Review decisions within 4 weeks", "review_decisions_within_4_weeks", "review_decisions",
     "pct_review_decisions_within_4_weeks"),
    ("Amended plans on time", "amended_plans_on_time", "amended_plans",
     "pct_amended_plans_on_time"),
    ("Follow-ups kept within their promise", "followups_kept", "followups_due",
     "pct_followups_kept"),
)

CSS = """
:root { color: #1a1a1a; background: #fff; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
       margin: 0 auto; padding: 24px 32px; max-width: 1100px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 0 0 4px; }
p { margin: 4px 0; }
.meta { color: #444; }
section { border-top: 2px solid #1a1a1a; padding: 14px 0 18px; break-inside: avoid;
          page-break-inside: avoid; }
.summary { font-size: 16px; margin: 2px 0 8px; }
svg { width: 100%; height: auto; display: block; }
svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
table { border-collapse: collapse; font-size: 13px; margin-top: 8px;
        font-variant-numeric: tabular-nums; }
th, td { padding: 2px 10px 2px 0; text-align: right; border-bottom: 1px solid #ddd;
         vertical-align: top; }
th:first-child, td:first-child { text-align: left; }
thead th { border-bottom: 1.5px solid #1a1a1a; }
td.few { color: #555; font-style: italic; }
.note { font-size: 13px; color: #444; }
caption { text-align: left; white-space: nowrap; padding-bottom: 2px; }
.legend { font-size: 13px; margin: 2px 0 0; }
@page { size: A4; margin: 12mm; }
@media print {
  body { font-size: 10pt; padding: 0; max-width: none; }
  h1 { font-size: 16pt; } h2 { font-size: 12.5pt; } .summary { font-size: 10.5pt; }
  table { font-size: 8pt; } th, td { padding: 1px 6px 1px 0; }
  section { padding: 6px 0 8px; break-inside: auto; page-break-inside: auto; }
  h2, .summary, .legend { break-after: avoid; page-break-after: avoid; }
  svg, tr { break-inside: avoid; page-break-inside: avoid; }
  td { white-space: nowrap; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


# -- numbers and words -----------------------------------------------------------
def pct_text(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def _month_heading(row: Mapping[str, Any]) -> str:
    """'Mar 2027', or 'Jan 2027 (1-4)' for a month the period cuts."""
    label = month_label(row["month"])
    first, last = date.fromisoformat(row["from"]), date.fromisoformat(row["to"])
    whole = first.day == 1 and (last.month != (last.replace(day=28).month)
                                or _last_day(last) == last.day)
    if whole:
        return label
    return f"{label} ({first.day}-{last.day})"


def _last_day(day: date) -> int:
    import calendar

    return calendar.monthrange(day.year, day.month)[1]


def _cell(key: str, text: str, *, cls: str = "", tag: str = "td") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f'<{tag}{klass} data-key="{escape(key)}">{escape(text)}</{tag}>'


def _span(key: str, text: str) -> str:
    return f'<span data-key="{escape(key)}">{escape(text)}</span>'


def _number(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


# -- the page ----------------------------------------------------------------------
def _when(day: str) -> str:
    d = date.fromisoformat(day)
    return f"{d.day} {MONTH_NAMES_LONG[d.month - 1]} {d.year}"


MONTH_NAMES_LONG = ("January", "February", "March", "April", "May", "June", "July", "August",
                    "September", "October", "November", "December")


def _range_words(months: Sequence[Mapping[str, Any]], share: str) -> str:
    """How the running twelve-month figure moved, and how many months had too
    few cases for their own, in words."""
    running = [row for row in months if row.get(f"{share}_12m") is not None]
    words = ""
    if len(running) > 1:
        first, last = running[0], running[-1]
        a, b = first[f"{share}_12m"], last[f"{share}_12m"]
        how = "rose" if b > a else "fell" if b < a else "stayed"
        words = (f"Over the twelve months to each month it {how} from {pct_text(a)} "
                 f"({month_label(first['month'])}) to {pct_text(b)} "
                 f"({month_label(last['month'])}).") if how != "stayed" else (
                 f"Over the twelve months to each month it stayed at {pct_text(a)}.")
    few = sum(1 for row in months if row.get(share) is None)
    if few == len(months):
        words += " No month had enough cases for a figure of its own."
    elif few:
        words += f" {_plural(few, 'month')} had too few cases for a figure of its own."
    return words.strip()


SUMMARY_TEMPLATES = {
    "twenty-weeks": "{part} of {whole} new plans were issued within 20 weeks ({pct}).",
    "six-weeks": "{part} of {whole} decisions whether to assess were made within 6 weeks "
                 "({pct}).",
    "reviews": "{part} of {whole} annual reviews due were held on time ({pct}).",
    "follow-ups": "{part} of {whole} follow-ups due were kept within their promise ({pct}).",
}


def _share_summary(chart_id: str, figures: Mapping[str, Any],
                   series: Sequence[tuple[str, str, str, str, str, str, str]]) -> str:
    months = figures.get("months") or []
    _, part, whole, share, *_ = series[0]
    if not figures.get(whole):
        words = "Nothing to count in the period."
    else:
        words = SUMMARY_TEMPLATES[chart_id].format(
            part=figures.get(part, 0), whole=figures.get(whole, 0),
            pct=pct_text(figures.get(share)))
    if chart_id == "twenty-weeks":
        words += (f" Excluding exceptions: {pct_text(figures.get(series[1][3]))}. England in "
                  f"{figures.get('england_year')}: "
                  f"{pct_text(figures.get('england_pct_within_20_weeks'))}; ")
        target = figures.get("target_pct_within_20_weeks")
        words += (f"the council's target: {pct_text(target)}." if target is not None
                  else "the council has set no target.")
    if chart_id == "reviews" and figures.get("review_decisions"):
        words += (f" {figures['review_decisions_within_4_weeks']} of "
                  f"{figures['review_decisions']} decisions after a review came within "
                  f"4 weeks ({pct_text(figures.get('pct_review_decisions_within_4_weeks'))}).")
    if chart_id == "reviews" and figures.get("amended_plans"):
        words += (f" {figures['amended_plans_on_time']} of {figures['amended_plans']} "
                  "amended plans were made on time "
                  f"({pct_text(figures.get('pct_amended_plans_on_time'))}).")
    if figures.get(whole):
        words += " " + _range_words(months, share)
    return words


def _share_section(chart_id: str, title: str, noun: str,
                   series: Sequence[tuple[str, str, str, str, str, str, str]], y_label: str,
                   figures: Mapping[str, Any]) -> str:
    months = figures.get("months") or []
    summary = _share_summary(chart_id, figures, series)
    references: list[tuple[str, float]] = []
    if chart_id == "twenty-weeks":
        england = figures.get("england_pct_within_20_weeks")
        if england is not None:
            references.append((f"England {figures.get('england_year')}: {england:.1f}%",
                               float(england)))
        target = figures.get("target_pct_within_20_weeks")
        if target is not None:
            references.append((f"target: {target:.1f}%", float(target)))
    svg = share_svg(chart_id, title, summary + " The table below gives each month's numbers.",
                    months, series, references, y_label)
    by_month = {row["month"]: row for row in figures.get("by_month") or []}
    head = ["<th>month</th>"]
    for label, *_ in series:
        head.append(f"<th>{escape(label)}: on time</th><th>of</th><th>%</th>"
                    "<th>12 months to it</th>")
    if chart_id == "twenty-weeks":
        head.append("<th>with an exception</th>")
    body = []
    for row in months:
        m = row["month"]
        cells = [f"<td>{escape(_month_heading(row))}</td>"]
        for _label, part, whole, share, *_ in series:
            keys = [f"months.{m}.{part}", f"months.{m}.{whole}", f"months.{m}.{share}"]
            legacy = m in by_month and part in by_month[m]
            value = row.get(share)
            share_keys = keys[2] + (f" by_month.{m}.{share}" if legacy and value is not None
                                    else "")
            cells.append(_cell(keys[0] + (f" by_month.{m}.{part}" if legacy else ""),
                               _number(row.get(part))))
            cells.append(_cell(keys[1] + (f" by_month.{m}.{whole}" if legacy else ""),
                               _number(row.get(whole))))
            if value is None:
                cells.append(_cell(share_keys, "none" if not row.get(whole) else "too few",
                                   cls="few"))
            else:
                cells.append(_cell(share_keys, pct_text(value)))
            running = row.get(f"{share}_12m")
            cells.append(_cell(f"{keys[2]}_12m", "too few" if running is None
                               else pct_text(running), cls="few" if running is None else ""))
        if chart_id == "twenty-weeks":
            cells.append(_cell(f"months.{m}.plans_with_exceptions",
                               _number(row.get("plans_with_exceptions"))))
        body.append("<tr>" + "".join(cells) + "</tr>")
    del noun
    legend = ("Each line: the twelve months to each month, as the SEN2 return counts a "
              "year. Each marker: that month alone, where it had enough cases.")
    return (f'<section id="{chart_id}"><h2>{escape(title)}</h2>'
            f'<p class="summary">{escape(summary)}</p>'
            f'<p class="legend">{escape(legend)}</p>{svg}'
            f'<table><caption class="note">{escape(title)}, month by month</caption>'
            f'<thead><tr>{"".join(head)}</tr></thead><tbody>{"".join(body)}</tbody></table>'
            "</section>")


def _stages_section(figures: Mapping[str, Any]) -> str:
    months = figures.get("months") or []
    stacks = [(STAGE_WORDS[s], _getter("open_requests", s), style)
              for s, style in (("deciding", "solid"), ("assessing", "hatch"),
                               ("drafting", "dots"))]
    if months:
        last = months[-1]
        stages = last.get("open_requests") or {}
        total = sum(stages.values())
        first_total = sum((months[0].get("open_requests") or {}).values())
        summary = (f"On {_when(last['to'])}, {_plural(total, 'request')} were open: "
                   + ", ".join(f"{stages.get(s, 0)} {STAGE_WORDS[s]}" for s in STAGE_WORDS)
                   + f". At the end of {_when(months[0]['to'])} there were {first_total}.")
    else:
        summary = "No months in the period."
    svg = stacked_svg("stages", "Open requests by stage", summary, months, stacks,
                      "open requests")
    head = "<th>month end</th>" + "".join(f"<th>{escape(w)}</th>" for w in STAGE_WORDS.values()) \
        + "<th>all open</th>"
    body = []
    for row in months:
        stages = row.get("open_requests") or {}
        body.append(f"<tr><td>{escape(_when(row['to']))}</td>"
                    + "".join(_cell(f"months.{row['month']}.open_requests.{s}",
                                    _number(stages.get(s, 0))) for s in STAGE_WORDS)
                    + f"<td>{sum(stages.values())}</td></tr>")
    return ('<section id="stages"><h2>Open requests by stage</h2>'
            f'<p class="summary">{escape(summary)}</p>{svg}'
            '<table><caption class="note">Requests open as each month ended</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></section>")


def _getter(group: str, key: str) -> Callable[[Mapping[str, Any]], int]:
    return lambda row: int((row.get(group) or {}).get(key, 0))


def _advice_section(figures: Mapping[str, Any]) -> str:
    months = figures.get("months") or []
    outstanding = figures.get("advice_outstanding") or {}
    overdue = figures.get("advice_overdue") or {}
    total, late = sum(outstanding.values()), sum(overdue.values())
    summary = (f"On {_when(figures['to'])}, {_plural(total, 'piece')} of advice "
               f"{'was' if total == 1 else 'were'} outstanding, {late} of them over 6 weeks.")
    if total:
        most = max(outstanding, key=lambda s: (overdue.get(s, 0), outstanding[s]))
        summary += (f" Most overdue: {SOURCE_WORDS.get(most, most)} ({outstanding[most]} "
                    f"outstanding, {overdue.get(most, 0)} over 6 weeks).")
    items = [(SOURCE_WORDS.get(s, s), int(n), int(overdue.get(s, 0)))
             for s, n in outstanding.items()]
    by_source = bars_svg("advice-now", f"Advice outstanding on {_when(figures['to'])}",
                         summary, items, "pieces of advice outstanding (hatched: over 6 weeks)",
                         "over 6 weeks")
    month_summary = ""
    if months:
        worst = max(months, key=lambda r: sum((r.get("advice_overdue") or {}).values()))
        month_summary = (f"The most overdue at a month's end: "
                         f"{sum((worst.get('advice_overdue') or {}).values())} on "
                         f"{_when(worst['to'])}.")
    stacks = [("within 6 weeks", lambda r: sum((r.get("advice_outstanding") or {}).values())
               - sum((r.get("advice_overdue") or {}).values()), "solid"),
              ("over 6 weeks", lambda r: sum((r.get("advice_overdue") or {}).values()),
               "hatch")]
    by_month = stacked_svg("advice-months", "Advice outstanding as each month ended",
                           month_summary, months, stacks, "pieces of advice")
    head = "<th>on</th>" + "".join(f"<th>{escape(SOURCE_WORDS.get(s, s))}</th>"
                                   for s in outstanding) + "<th>all</th>"
    body = []
    for row in months:
        out_m, late_m = row.get("advice_outstanding") or {}, row.get("advice_overdue") or {}
        # the period's own figures are those of its last day, the last month's end
        also = " {}" if row["to"] == figures["to"] else ""
        body.append(f"<tr><td>{escape(_when(row['to']))}</td>"
                    + "".join("<td>" + _span(f"months.{row['month']}.advice_outstanding.{s}"
                                             + also.format(f"advice_outstanding.{s}"),
                                             str(out_m.get(s, 0)))
                              + " (" + _span(f"months.{row['month']}.advice_overdue.{s}"
                                             + also.format(f"advice_overdue.{s}"),
                                             str(late_m.get(s, 0))) + " late)</td>"
                              for s in outstanding)
                    + f"<td>{sum(out_m.values())} ({sum(late_m.values())} late)</td></tr>")
    if not any(row["to"] == figures["to"] for row in months):
        body.append("<tr><td>" + escape(_when(figures["to"])) + "</td>"
                    + "".join("<td>" + _span(f"advice_outstanding.{s}", str(n)) + " ("
                              + _span(f"advice_overdue.{s}", str(overdue.get(s, 0)))
                              + " late)</td>" for s, n in outstanding.items())
                    + f"<td>{total} ({late} late)</td></tr>")
    return ('<section id="advice"><h2>Advice outstanding and overdue, by source</h2>'
            f'<p class="summary">{escape(summary)}</p>{by_source}'
            f'<p class="summary">{escape(month_summary)}</p>{by_month}'
            '<table><caption class="note">Advice outstanding (over 6 weeks in brackets)'
            f"</caption><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody>"
            "</table></section>")


FORECAST_TITLE = "Forecast: open requests to miss their 20 weeks, by the month they are due"


def _forecast_section(outlook: Mapping[str, Any] | None) -> str:
    """The breach forecast by the month of each request's 20-week day (the
    object of reports.forecast.by_month), or nothing when none was made."""
    if outlook is None:
        return ""
    day = _when(outlook["forecast_day"])
    total, late = outlook["open_requests"], outlook["forecast_late"]
    months, earlier = outlook["months"], outlook["earlier"]
    how = (f"This is a forecast, not a count: each stage a request has still to go "
           f"through is given the team's own median time for it over the 12 months before "
           f"{day}, or its statutory length where the team has no history of it. It does "
           "not allow for a backlog growing or shrinking. Each request's forecast: "
           "send-cli forecast; how often it has been right: send-cli forecast --backtest.")
    used = f"The lengths used: {outlook['medians']}."
    if not total:
        summary = (f"On {day} no request was open before its final plan: nothing is "
                   "forecast.")
        return (f'<section id="forecast"><h2>{escape(FORECAST_TITLE)}</h2>'
                f'<p class="summary">{escape(summary)}</p>'
                f'<p class="note">{escape(how)}</p><p class="note">{escape(used)}</p>'
                "</section>")
    summary = (f"On {day}, {late} of {_plural(total, 'open request')} before the final plan "
               f"{'is' if late == 1 else 'are'} forecast to miss the 20-week day.")
    this_month = outlook["forecast_day"][:7]
    ahead = [row for row in months if row["month"] >= this_month]
    most = max((row["late"] for row in ahead), default=0)
    if most:  # the soonest month of the most
        worst = next(row for row in ahead if row["late"] == most)
        summary += (f" The most in a month to come: {most}, due in "
                    f"{_month_long(worst['month'])}.")
    passed = sum(row["late"] for row in months if row["month"] < this_month) + \
        (earlier["late"] if earlier else 0)
    if passed:
        summary += (f" {passed} of them {'was' if passed == 1 else 'were'} due before "
                    f"{_month_long(this_month)} and {'is' if passed == 1 else 'are'} "
                    "late already.")
    waits = [w for w in outlook["by_waiting_for"] if w["late"]]
    if waits:
        most = max(waits, key=lambda w: w["late"])
        summary += (f" Most of those forecast late wait for the {most['waiting_for']} "
                    f"({most['late']} of {late}).")
    columns = ([("earlier", "", earlier["late"], earlier["on_time"])] if earlier else [])
    for i, row in enumerate(months):
        year = row["month"][:4] if i == 0 or row["month"].endswith("-01") else ""
        columns.append((month_label(row["month"], short=True), year, row["late"],
                        row["on_time"]))
    today = date.fromisoformat(outlook["forecast_day"])
    at = next(i for i, row in enumerate(months) if row["month"] == this_month)
    today_at = (1 if earlier else 0) + at + (today.day - 1) / _last_day(today)
    svg = breaches_svg("forecast", FORECAST_TITLE,
                       summary + " The table below gives each month's numbers.", columns,
                       today_at, "open requests due that month", "month of the 20-week day")
    body = []
    if earlier:
        body.append(f"<tr><td>before {escape(_month_long(earlier['before']))}</td>"
                    + "".join(_cell(f"forecast.earlier.{k}", str(earlier[k]))
                              for k in ("late", "on_time", "requests")) + "</tr>")
    for row in months:
        m = row["month"]
        body.append(f"<tr><td>{escape(_month_long(m))}</td>"
                    + "".join(_cell(f"forecast.months.{m}.{k}", str(row[k]))
                              for k in ("late", "on_time", "requests")) + "</tr>")
    body.append("<tr><td>all</td>" + _cell("forecast.forecast_late", str(late))
                + f"<td>{total - late}</td>" + _cell("forecast.open_requests", str(total))
                + "</tr>")
    waiting = "".join(  # keys without spaces: 'forecast.by_waiting_for.final-plan.late'
        f"<tr><td>{escape(w['waiting_for'])}</td>"
        + "".join(_cell(f"forecast.by_waiting_for.{w['waiting_for'].replace(' ', '-')}.{k}",
                        str(w[k])) for k in ("late", "requests"))
        + "</tr>" for w in outlook["by_waiting_for"])
    return ('<section id="forecast">'
            f'<h2>{escape(FORECAST_TITLE)}</h2><p class="summary">{escape(summary)}</p>'
            f'<p class="note">{escape(how)}</p><p class="note">{escape(used)}</p>{svg}'
            '<table><caption class="note">Open requests by the month of their 20-week day'
            "</caption><thead><tr><th>20-week day in</th><th>forecast late</th>"
            "<th>forecast on time</th><th>open requests</th></tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>"
            '<table><caption class="note">What the open requests wait for</caption>'
            "<thead><tr><th>waiting for</th><th>forecast late</th><th>open requests</th>"
            f"</tr></thead><tbody>{waiting}</tbody></table></section>")


def _month_long(month: str) -> str:
    """'2027-03' as 'March 2027'."""
    return f"{MONTH_NAMES_LONG[int(month[5:]) - 1]} {month[:4]}"


def _caseload_section(figures: Mapping[str, Any]) -> str:
    loads = figures.get("caseload") or {}
    busiest = sorted(loads.items(), key=lambda item: (-item[1], item[0]))
    shown = busiest[:BUSIEST]
    total = sum(loads.values())
    summary = f"{_plural(total, 'open case')} among {_plural(len(loads), 'officer')}."
    if busiest:
        summary += f" The busiest holds {busiest[0][1]}."
        active = sorted(n for _, n in busiest if n)
        if active:
            summary += (f" Of those holding cases, the median holds "
                        f"{active[len(active) // 2]}.")
    more = ""
    if len(busiest) > BUSIEST:
        rest = busiest[BUSIEST:]
        more = (f"<p class=\"note\">and {_plural(len(rest), 'more officer')} holding "
                f"{sum(n for _, n in rest)} cases; every officer is in the JSON.</p>")
    title = ("Caseload by officer" if len(busiest) <= BUSIEST
             else f"Caseload: the {BUSIEST} busiest officers")
    svg = bars_svg("caseload", title, summary, [(code, n, None) for code, n in shown],
                   "open cases")
    body = "".join(f"<tr><td>{escape(code)}</td>{_cell(f'caseload.{code}', str(n))}</tr>"
                   for code, n in shown)
    return (f'<section id="caseload"><h2>{escape(title)}</h2>'
            f'<p class="summary">{escape(summary)}</p>{svg}'
            '<table><caption class="note">Open cases (any status but closed), today</caption>'
            f"<thead><tr><th>officer</th><th>open cases</th></tr></thead><tbody>{body}"
            f"</tbody></table>{more}</section>")


def _headline(figures: Mapping[str, Any]) -> str:
    rows = []
    for label, part, whole, share in HEADLINE:
        rows.append(f"<tr><td>{escape(label)}</td>{_cell(part, _number(figures.get(part)))}"
                    f"{_cell(whole, _number(figures.get(whole)))}"
                    f"{_cell(share, pct_text(figures.get(share)))}</tr>")
    rows.append("<tr><td>Plans with a reg 10(4) exception</td>"
                f"{_cell('plans_with_exceptions', _number(figures.get('plans_with_exceptions')))}"
                "<td></td><td></td></tr>")
    rows.append("<tr><td>Average weeks from request to plan</td>"
                f"{_cell('avg_weeks_to_issue', _number(figures.get('avg_weeks_to_issue')))}"
                "<td></td><td></td></tr>")
    return ('<section id="period"><h2>The period at a glance</h2><table>'
            "<thead><tr><th>figure</th><th>count</th><th>of</th><th>%</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></section>")


def kpi_html(figures: Mapping[str, Any], forecast: Mapping[str, Any] | None = None) -> str:
    """The dashboard for FIGURES (the object of 'report kpi --format json'),
    with the breach FORECAST by month (reports.forecast.by_month) if given."""
    target = figures.get("target_pct_within_20_weeks")
    few = figures.get("min_cases_for_a_percentage")
    england = _number(figures.get("england_pct_within_20_weeks"))
    header = (
        "<header><h1>SEND casework: the council's figures</h1>"
        f'<p class="meta">From {_span("from", figures["from"])} to '
        f'{_span("to", figures["to"])}, as at {_span("as_at", figures["as_at"])}. '
        f'England in {_span("england_year", str(figures.get("england_year")))}: '
        f'{_span("england_pct_within_20_weeks", england)}'
        "% of new plans within 20 weeks. The council's target: "
        + (_span("target_pct_within_20_weeks", _number(target)) + "%." if target is not None
           else _span("target_pct_within_20_weeks", "none set") + ".")
        + "</p>"
        f'<p class="note">A month&#39;s percentage is given only when at least '
        f'{_span("min_cases_for_a_percentage", str(few))} cases count in it; below that one '
        "case moves it by 20 points or more, so the month says &ldquo;too few&rdquo; and "
        "gives its counts. Made by send-cli.</p></header>")
    sections = [_headline(figures)]
    for chart_id, title, noun, series, y_label in SHARE_CHARTS:
        sections.append(_share_section(chart_id, title, noun, series, y_label, figures))
    sections += [_stages_section(figures), _forecast_section(forecast),
                 _advice_section(figures), _caseload_section(figures)]
    title = f"SEND casework figures, {figures['from']} to {figures['to']}"
    return ("<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
            + header + "<main>" + "".join(sections) + "</main></body></html>\n")
