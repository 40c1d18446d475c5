"""send-cli report kpi month by month: the JSON series, the HTML dashboard
made from them, the terminal's trend lines, and the council's target."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from test_kpi import NOW, add, ms, worked_year

from send_cli.render import sparkline


class Cells(HTMLParser):
    """data-key -> text of every element that names where its figure is in
    the JSON; and the document's SVG images with their titles."""

    def __init__(self) -> None:
        super().__init__()
        self.keys: dict[str, str] = {}
        self.open: list[tuple[str, list[str], list[str]]] = []
        self.svgs: list[dict[str, str]] = []
        self.in_svg: dict[str, str] | None = None
        self.svg_part: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg":
            self.in_svg = {"role": a.get("role") or "", "labelledby": a.get("aria-labelledby")
                           or "", "title": "", "desc": ""}
        elif self.in_svg is not None and tag in ("title", "desc"):
            self.svg_part = tag
        if "data-key" in a:
            self.open.append((tag, a["data-key"].split(), []))
        elif self.open:
            self.open.append((tag, [], []))

    def handle_endtag(self, tag):
        if tag == "svg" and self.in_svg is not None:
            self.svgs.append(self.in_svg)
            self.in_svg = None
        self.svg_part = None
        if self.open and self.open[-1][0] == tag:
            _, keys, text = self.open.pop()
            joined = "".join(text)
            for key in keys:
                self.keys[key] = joined
            if self.open:
                self.open[-1][2].append(joined)

    def handle_data(self, data):
        if self.in_svg is not None and self.svg_part:
            self.in_svg[self.svg_part] += data
        if self.open:
            self.open[-1][2].append(data)


def cells(page: str) -> Cells:
    parser = Cells()
    parser.feed(page)
    return parser


def leaves(prefix, value):
    """(path, value) of every figure of the JSON object, paths as the HTML's
    data-key names them: months by their month, officers by their code."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from leaves(f"{prefix}.{k}" if prefix else k, v)
    elif isinstance(value, list):
        for item in value:
            label = item["month"]
            for k, v in item.items():
                if k != "month":
                    yield from leaves(f"{prefix}.{label}.{k}", v)
    else:
        yield prefix, value


def shown(value) -> str:
    if isinstance(value, bool):
        raise AssertionError("no yes/no figures expected")
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def check_every_figure(figures: dict, page: str) -> int:
    """Every figure of FIGURES is in PAGE, in the element that names it.
    Held back: the legacy by_month percentage of a month with too few cases
    (months gives none for it; by_month keeps its old form); and each month's
    first and last day, which the page gives as the month's name."""
    found = cells(page).keys
    months = {m["month"]: m for m in figures["months"]}
    checked = 0
    for path, value in leaves("", figures):
        parts = path.split(".")
        if parts[0] == "by_month" and parts[2] == "pct_within_20_weeks" and \
                months[parts[1]]["pct_within_20_weeks"] is None:
            continue
        if parts[0] == "months" and parts[2] in ("from", "to"):
            continue
        assert path in found, path
        text = found[path]
        if value is None:
            assert text in ("too few", "none", "-", "none set"), (path, text)
        else:
            assert shown(value) in text, (path, value, text)
        checked += 1
    return checked


def assert_self_contained(page: str) -> None:
    assert "http" not in page.lower()
    assert "//" not in page
    assert all(m.startswith("data:") for m in re.findall(r"src\s*=\s*[\"']?([^\"' >]*)", page))
    assert "<script" not in page.lower() and "<link" not in page.lower()


@pytest.fixture
def year(team):
    """The year of casework of 2027 whose figures test_kpi works out by hand."""
    return worked_year(team)


@pytest.fixture
def busy_february(team):
    """February 2027: five decisions whether to assess, four in time; March:
    two, both in time (too few for a percentage of their own)."""
    for n in range(4):
        add(team, f"F{n}", "2027-01-04")
        ms(team, f"F{n}", "assessment-decision 2027-02-10 agreed")  # due 15 Feb
    add(team, "F9", "2026-12-01")
    ms(team, "F9", "assessment-decision 2027-02-10 agreed")  # due 12 Jan: late
    for n in range(2):
        add(team, f"M{n}", "2027-02-01")
        ms(team, f"M{n}", "assessment-decision 2027-03-05 agreed")
    return team


def test_months_give_each_measure_and_hold_back_percentages_of_too_few(busy_february,
                                                                       tmp_path):
    k = busy_february.json("report", "kpi", "--from", "2027-01-01", "--to", "2027-03-31",
                           now=NOW)
    assert k["min_cases_for_a_percentage"] == 5
    months = {m["month"]: m for m in k["months"]}
    assert list(months) == ["2027-01", "2027-02", "2027-03"]
    feb, mar = months["2027-02"], months["2027-03"]
    assert (feb["from"], feb["to"]) == ("2027-02-01", "2027-02-28")
    assert (feb["requests_decided"], feb["requests_decided_within_6_weeks"],
            feb["pct_requests_decided_within_6_weeks"]) == (5, 4, 80.0)
    # two decisions: counted, but no percentage of their own ...
    assert (mar["requests_decided"], mar["requests_decided_within_6_weeks"],
            mar["pct_requests_decided_within_6_weeks"]) == (2, 2, None)
    # ... while the twelve months to March hold all seven
    assert mar["pct_requests_decided_within_6_weeks_12m"] == 85.7
    assert months["2027-01"]["pct_requests_decided_within_6_weeks_12m"] is None
    # requests open as each month ended: F0-F3 and F9 waiting in January
    assert months["2027-01"]["open_requests"] == {"deciding": 5, "assessing": 0,
                                                 "drafting": 0}
    assert feb["open_requests"] == {"deciding": 2, "assessing": 5, "drafting": 0}
    assert mar["open_requests"] == {"deciding": 0, "assessing": 7, "drafting": 0}
    # the dashboard says so instead of drawing a percentage
    out = tmp_path / "kpi.html"
    busy_february.ok("report", "kpi", "--from", "2027-01-01", "--to", "2027-03-31",
                     "--format", "html", "-o", str(out), now=NOW)
    page = out.read_text(encoding="utf-8")
    found = cells(page).keys
    assert found["months.2027-02.pct_requests_decided_within_6_weeks"] == "80.0%"
    assert found["months.2027-03.pct_requests_decided_within_6_weeks"] == "too few"
    assert found["months.2027-01.pct_requests_decided_within_6_weeks"] == "none"
    section = page[page.index('<section id="six-weeks"'):]
    section = section[:section.index("</section>")]
    assert ">too few</text>" in section and ">2 of 2</text>" in section
    assert "0%</text>" in section  # the axis, and nothing drawn at 0 for March


def test_a_worked_year_month_by_month(year):
    k = year.json("report", "kpi", "--from", "2027-01-01", "--to", "2027-12-31", now=NOW)
    months = {m["month"]: m for m in k["months"]}
    # the existing series keeps its form
    assert months["2027-03"]["plans_issued"] == k["by_month"][2]["plans_issued"] == 2
    # P1 within, P2 a day late with an exception
    assert {key: months["2027-03"][key] for key in (
        "plans_issued", "plans_within_20_weeks", "plans_with_exceptions",
        "plans_issued_excl_exceptions", "plans_within_20_weeks_excl_exceptions")} == {
        "plans_issued": 2, "plans_within_20_weeks": 1, "plans_with_exceptions": 1,
        "plans_issued_excl_exceptions": 1, "plans_within_20_weeks_excl_exceptions": 1}
    # twelve months to March 2027: A1, A2 and P5 of 2026 and P1 within, P2 late
    assert months["2027-03"]["pct_within_20_weeks_12m"] == 80.0
    # to December: the five plans of 2027, three within (as the year's figure)
    assert months["2027-12"]["pct_within_20_weeks_12m"] == k["pct_within_20_weeks"] == 60.0
    assert months["2027-12"]["pct_within_20_weeks_excl_exceptions_12m"] is None  # 3 plans
    # requests open as January ended: P3, P4 deciding; P1, P2 assessed
    assert months["2027-01"]["open_requests"] == {"deciding": 2, "assessing": 2,
                                                 "drafting": 0}
    # February: Z1 (closed only in 2028) deciding; P3, P4 assessed; P1, P2 drafted
    assert months["2027-02"]["open_requests"] == {"deciding": 1, "assessing": 2,
                                                 "drafting": 2}
    # R1 refused on 20 July: open in June, not in July
    assert months["2027-06"]["open_requests"]["deciding"] == 2
    assert months["2027-07"]["open_requests"]["deciding"] == 1
    # advice as each month ended: Q2's three pieces asked on 4 Oct
    assert months["2027-10"]["advice_outstanding"] == {
        "educational-psychology": 1, "health": 1, "social-care": 1, "school": 0, "other": 0}
    assert sum(months["2027-10"]["advice_overdue"].values()) == 0
    assert months["2027-12"]["advice_outstanding"] == k["advice_outstanding"]
    assert months["2027-12"]["advice_overdue"] == k["advice_overdue"]
    # the CSV holds the series too
    csv = year.ok("report", "kpi", "--from", "2027-01-01", "--to", "2027-12-31",
                  "--format", "csv", now=NOW).stdout.splitlines()
    assert "months.2027-02.open_requests.drafting,2" in csv
    assert "months.2027-03.pct_within_20_weeks_12m,80.0" in csv


def test_every_figure_of_the_json_is_in_the_html(year, tmp_path):
    year.ok("setting", "set", "kpi-target-20-weeks", "75", now=NOW)
    k = year.json("report", "kpi", "--from", "2027-01-01", "--to", "2027-12-31", now=NOW)
    assert (k["england_pct_within_20_weeks"], k["england_year"]) == (46.4, 2024)
    assert k["target_pct_within_20_weeks"] == 75.0
    out = tmp_path / "kpi.html"
    result = year.ok("report", "kpi", "--from", "2027-01-01", "--to", "2027-12-31",
                     "--format", "html", "-o", str(out), now=NOW)
    assert result.stdout == ""
    page = out.read_text(encoding="utf-8")
    assert check_every_figure(k, page) > 500
    assert_self_contained(page)
    # charts are images with a title and a description; reference lines named
    svgs = cells(page).svgs
    assert len(svgs) == 9  # the forecast's chart among them
    for svg in svgs:
        assert svg["role"] == "img" and svg["title"] and len(svg["desc"]) > 20, svg
    assert "England 2024: 46.4%" in page and "target: 75.0%" in page
    assert "@page { size: A4" in page and "@media print" in page
    assert "3 of 5 new plans were issued within 20 weeks (60.0%)" in page


def test_html_needs_a_file_and_no_other_format_is_taken(team, tmp_path):
    assert team.fails(2, "report", "kpi", "--format", "html") == (
        "error: --format html writes a file; add -o FILE.html")
    out = tmp_path / "out"
    out.mkdir()
    assert team.fails(2, "report", "kpi", "--format", "yaml", "-o", str(out / "k.yaml")) == (
        "error: --format 'yaml' is not known; use table, csv, json or html")
    assert list(out.iterdir()) == []


def test_an_empty_store_draws_an_empty_dashboard(team, tmp_path):
    out = tmp_path / "kpi.html"
    team.ok("report", "kpi", "--format", "html", "-o", str(out), now=NOW)
    page = out.read_text(encoding="utf-8")
    k = team.json("report", "kpi", now=NOW)
    check_every_figure(k, page)
    assert_self_contained(page)
    assert "Nothing to count in the period." in page
    assert "the council has set no target" in page


def test_the_target_is_a_setting(team):
    assert team.json("setting", "show")[1] == {
        "setting": "kpi-target-20-weeks", "value": "none", "default": "none",
        "meaning": "the council's own target for new plans issued within 20 weeks, a "
                   "percentage (0-100, or none); the KPI dashboard draws it beside "
                   "England's figure"}
    r = team.ok("setting", "set", "kpi-target-20-weeks", "92.5", now=NOW)
    assert r.stderr == "kpi-target-20-weeks: none -> 92.5\n"
    assert team.json("report", "kpi", now=NOW)["target_pct_within_20_weeks"] == 92.5
    for bad in ("101", "ninety", "92.55", "0x50"):
        assert team.fails(2, "setting", "set", "kpi-target-20-weeks", bad) == (
            f"error: kpi-target-20-weeks '{bad}' is not a percentage from 0 to 100 (at most "
            "one decimal place, e.g. 80 or 92.5) or 'none'")
    audit = team.json("audit")
    assert any(a["action"] == "setting.set" and a["after"] == {"kpi-target-20-weeks": "92.5"}
               for a in audit)
    team.ok("setting", "set", "kpi-target-20-weeks", "none", now=NOW)
    assert team.json("report", "kpi", now=NOW)["target_pct_within_20_weeks"] is None


def test_sparkline_marks():
    assert sparkline([0, 12.4, 12.5, 50, 87.5, 100, None]) == "▁▁▂▅██·"
    assert sparkline([]) == ""


def test_the_terminal_table_shows_a_trend_within_80_columns(year, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    out = year.ok("report", "kpi", "--from", "2027-01-01", "--to", "2027-12-31",
                  now=NOW).stdout
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    k = year.json("report", "kpi", "--from", "2027-01-01", "--to", "2027-12-31", now=NOW)
    expected = sparkline([m["pct_within_20_weeks_12m"] for m in k["months"]])
    # January, February: 3 plans in the twelve months (too few); March to May
    # 80.0-83.3%; June 3 of 5 (A1 and A2 of 2026 out); July 4 of 6; December 60.0%
    assert expected == "··▇▇▇▅▆▆▆▅▅▅"
    line = next(x for x in lines if x.lstrip().startswith("New plans issued within 20 weeks"))
    assert line.split() == ["New", "plans", "issued", "within", "20", "weeks", "3", "5", "60.0",
                            expected]
    assert "Trend: the figure over the 12 months to each month from 2027-01 to 2027-12," \
        in out


def test_a_long_period_gives_its_last_ten_years(team):
    k = team.json("report", "kpi", "--from", "2000-01-01", "--to", "2027-12-31", now=NOW)
    assert len(k["by_month"]) == 28 * 12
    assert len(k["months"]) == 120 and k["months"][0]["month"] == "2018-01"


def test_the_json_is_plain_json(year):
    k = year.json("report", "kpi", now=NOW)
    assert json.loads(json.dumps(k)) == k
