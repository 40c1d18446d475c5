"""The managers' dashboard's forecast: the open requests forecast to miss their
20 weeks, by the month of their 20-week day, worked out by hand on the
history of test_forecast (every EP report 8 weeks, every plan 8 weeks after
its advice)."""

from __future__ import annotations

import re

from test_dashboard import assert_self_contained, cells, check_every_figure
from test_forecast import NOW, d, record
from test_forecast import history as history  # the fixture, worked out in test_forecast

BACKENDS = ("sqlite", "postgresql")
TITLE = "Forecast: open requests to miss their 20 weeks, by the month they are due"


def dashboard(cli, tmp_path, now: str = NOW) -> str:
    out = tmp_path / "kpi.html"
    result = cli.ok("report", "kpi", "-o", str(out), now=now)
    assert result.stdout == ""
    return out.read_text(encoding="utf-8")


def forecast_svg(page: str) -> str:
    found = re.findall(r'<svg[^>]*aria-labelledby="forecast-title forecast-desc".*?</svg>', page)
    assert len(found) == 1
    return found[0]


def test_the_chart_counts_each_month_by_hand(history, tmp_path):
    # on 2026-08-03: OVERDUE-1 is due 08-24 and forecast 09-28 (late);
    # LATE-1 due 10-19, forecast 11-02 (late); ONTIME-1 due 12-07, forecast
    # 11-16 (on time): August to December, the forecast day's month first
    page = dashboard(history, tmp_path)
    keys = cells(page).keys
    table = {m: tuple(int(keys[f"forecast.months.{m}.{k}"])
                      for k in ("late", "on_time", "requests"))
             for m in ("2026-08", "2026-09", "2026-10", "2026-11", "2026-12")}
    assert table == {"2026-08": (1, 0, 1), "2026-09": (0, 0, 0), "2026-10": (1, 0, 1),
                     "2026-11": (0, 0, 0), "2026-12": (0, 1, 1)}
    assert not any(k.startswith("forecast.months.2026-07") or k.startswith("forecast.months.2027")
                   or k.startswith("forecast.earlier") for k in keys)
    assert (keys["forecast.forecast_late"], keys["forecast.open_requests"]) == ("2", "3")
    assert keys["forecast.by_waiting_for.educational-psychology-advice.late"] == "2"
    assert keys["forecast.by_waiting_for.educational-psychology-advice.requests"] == "3"
    # the chart: a bar a month, 'late of all due' above each, the late hatched
    svg = forecast_svg(page)
    assert re.findall(r'text-anchor="middle">(Aug|Sep|Oct|Nov|Dec)</text>', svg) == \
        ["Aug", "Sep", "Oct", "Nov", "Dec"]
    assert re.findall(r'>(\d+ of \d+|none)</text>', svg) == \
        ["1 of 1", "none", "1 of 1", "none", "0 of 1"]
    assert svg.count('fill="url(#forecast-hatch)" stroke') == 2 + 1  # two bars and the key
    assert ">today</text>" in svg
    # in words, for those who do not see the chart, and plainly a forecast
    summary = ("On 3 August 2026, 2 of 3 open requests before the final plan are forecast "
               "to miss the 20-week day. The most in a month to come: 1, due in August 2026. "
               "Most of those forecast late wait for the educational-psychology advice (2 of 2).")
    assert f'<p class="summary">{summary}</p>' in page
    [image] = [s for s in cells(page).svgs if s["title"] == TITLE]
    assert image["role"] == "img" and image["desc"].startswith(summary)
    assert "This is a forecast, not a count" in page
    assert "the team&#x27;s own median time" in page
    assert ("educational-psychology advice 56 days (median of 3); health advice 42 days "
            "(statutory: no history)") in page
    assert_self_contained(page)


def test_requests_long_past_their_20_weeks_are_counted_together(history, tmp_path):
    # received 2025-09-01: due 2026-01-19, before February (six months
    # before August), still undecided: late for certain
    record(history, "OLD-1", received=d("2025-09-01"))
    page = dashboard(history, tmp_path)
    keys = cells(page).keys
    assert [keys[f"forecast.earlier.{k}"] for k in ("late", "on_time", "requests")] == \
        ["1", "0", "1"]
    assert "<td>before February 2026</td>" in page
    # then every month from February, those with none among them
    assert sorted({k.split(".")[2] for k in keys if k.startswith("forecast.months.")}) == \
        [f"2026-{m:02d}" for m in range(2, 13)]
    assert keys["forecast.months.2026-02.requests"] == "0"
    assert (keys["forecast.forecast_late"], keys["forecast.open_requests"]) == ("3", "4")
    assert ">earlier</text>" in forecast_svg(page)
    assert ("1 of them was due before August 2026 and is late already. Most of those "
            "forecast late wait for the educational-psychology advice (2 of 3).") in page


def test_only_the_html_works_out_the_forecast(history, tmp_path, monkeypatch):
    from send_cli.reports import forecast

    k = history.json("report", "kpi", now=NOW)
    assert "forecast" not in " ".join(k)
    page = dashboard(history, tmp_path)
    assert check_every_figure(k, page) > 100

    def refused(*args, **kwargs):
        raise AssertionError("the forecast was worked out")

    monkeypatch.setattr(forecast, "by_month", refused)
    monkeypatch.setattr(forecast, "forecast_rows", refused)
    assert history.json("report", "kpi", now=NOW) == k
    history.ok("report", "kpi", now=NOW)
    history.ok("report", "kpi", "--format", "csv", now=NOW)
    assert history("report", "kpi", "-o", str(tmp_path / "again.html"), now=NOW).exit_code == 1


def test_an_empty_store_says_nothing_is_forecast(team, tmp_path):
    page = dashboard(team, tmp_path)
    assert ("On 3 August 2026 no request was open before its final plan: nothing is "
            "forecast.") in page
    assert not any(s["title"] == TITLE for s in cells(page).svgs)
    assert not any(k.startswith("forecast.") for k in cells(page).keys)
    assert "decision 42 days (statutory: no history)" in page
    assert_self_contained(page)


def test_the_forecast_is_as_of_the_reports_day(history, tmp_path):
    # five weeks on, August has gone: OVERDUE-1 (due 08-24) is late already,
    # and the chart starts a month before the forecast day's
    page = dashboard(history, tmp_path, now="2026-09-07T09:00")
    keys = cells(page).keys
    assert sorted({k.split(".")[2] for k in keys if k.startswith("forecast.months.")}) == \
        ["2026-08", "2026-09", "2026-10", "2026-11", "2026-12"]
    assert keys["forecast.months.2026-08.late"] == "1"
    assert "On 7 September 2026, 2 of 3 open requests" in page
    assert "1 of them was due before September 2026 and is late already." in page
