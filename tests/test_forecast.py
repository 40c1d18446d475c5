"""send-cli forecast: the breach forecast on a store, as people run it."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta

import pytest

BACKENDS = ("sqlite", "postgresql")
NOW = "2026-08-03T09:00"  # a Monday
EP = "educational-psychology"
KEYS = ["case_ref", "officer", "stage", "waiting_for", "predicted_final", "final_due",
        "margin_days", "late", "basis"]


def d(text: str) -> date:
    return date.fromisoformat(text)


def record(cli, ref: str, *, received: date, decided: date | None = None,
           advice: tuple[date, date | None] | None = None, issue: date | None = None,
           draft: date | None = None, final: date | None = None, officer: str = "AO1",
           now: str = NOW) -> None:
    """A request and the steps it went through, recorded as an officer would."""
    cli.case(ref, received=received.isoformat(), officer=officer)
    steps = [("assessment-decision", decided, "agreed"), ("issue-decision", issue, "agreed"),
             ("draft-plan", draft, None), ("final-plan", final, None)]
    for kind, on, outcome in steps[:1]:
        if on is not None:
            cli.ok("case", "milestone", ref, kind, "--on", on.isoformat(),
                   *(["--outcome", outcome] if outcome else []), now=now)
    if advice is not None:
        asked, got = advice
        cli.ok("case", "advice", ref, "--from", EP, "--requested", asked.isoformat(),
               *(["--received", got.isoformat()] if got else []), now=now)
    for kind, on, outcome in steps[1:]:
        if on is not None:
            cli.ok("case", "milestone", ref, kind, "--on", on.isoformat(),
                   *(["--outcome", outcome] if outcome else []), now=now)


def finished(cli, ref: str, received: date, officer: str = "CO1") -> None:
    """A plan made the team's way: decided in 5 weeks, EP advice asked that
    day and back in 8 weeks, the plan made 8 weeks after the advice."""
    decided = received + timedelta(days=35)
    got = decided + timedelta(days=56)
    record(cli, ref, received=received, decided=decided, advice=(decided, got),
           issue=got + timedelta(days=14), draft=got + timedelta(days=28),
           final=got + timedelta(days=56), officer=officer)


@pytest.fixture
def history(team):
    """Three plans made in the last 12 months, every EP report 8 weeks and
    every plan 8 weeks after its last advice; three open requests."""
    for n, received in enumerate(("2025-10-06", "2025-10-13", "2025-10-20"), 1):
        finished(team, f"H-{n}", d(received))
    # EP advice asked 2026-07-13, still out: 07-13 + 56 = 09-07, + 56 = 11-02;
    # the 20 weeks from 2026-06-01 end on 10-19: 14 days late
    record(team, "LATE-1", received=d("2026-06-01"), decided=d("2026-07-13"),
           advice=(d("2026-07-13"), None))
    # asked 2026-05-11, so due back by 07-06 by the median: already overdue,
    # expected today (08-03), the plan 56 days later on 09-28; due 08-24
    record(team, "OVERDUE-1", received=d("2026-04-06"), decided=d("2026-05-11"),
           advice=(d("2026-05-11"), None), officer="CO2")
    # asked 2026-07-27: 09-21, plan 11-16; due 12-07: 21 days to spare
    record(team, "ONTIME-1", received=d("2026-07-20"), decided=d("2026-07-27"),
           advice=(d("2026-07-27"), None))
    return team


def test_forecast_by_hand(history):
    rows = history.json("forecast", now=NOW)
    assert [list(r) for r in rows] == [KEYS] * 3
    by_ref = {r["case_ref"]: r for r in rows}
    # the least margin first
    assert [r["case_ref"] for r in rows] == ["OVERDUE-1", "LATE-1", "ONTIME-1"]
    late = by_ref["LATE-1"]
    assert late == {
        "case_ref": "LATE-1", "officer": "AO1", "stage": "advice",
        "waiting_for": "educational-psychology advice", "predicted_final": "2026-11-02",
        "final_due": "2026-10-19", "margin_days": -14, "late": True,
        "basis": "educational-psychology advice 56 days (median of 3); "
                 "plan after advice 56 days (median of 3)"}
    overdue = by_ref["OVERDUE-1"]
    assert (overdue["predicted_final"], overdue["final_due"], overdue["margin_days"],
            overdue["late"]) == ("2026-09-28", "2026-08-24", -35, True)
    ontime = by_ref["ONTIME-1"]
    assert (ontime["predicted_final"], ontime["margin_days"], ontime["late"]) == \
        ("2026-11-16", 21, False)


def test_filters_and_exit_code(history):
    assert [r["case_ref"] for r in history.json("forecast", "--officer", "CO2", now=NOW)] == \
        ["OVERDUE-1"]
    # 20-week days within 12 weeks of 08-03 (by 10-26): OVERDUE-1 (08-24), LATE-1 (10-19)
    assert [r["case_ref"] for r in history.json("forecast", "--within", "12", now=NOW)] == \
        ["OVERDUE-1", "LATE-1"]
    assert history("forecast", "--exit-code", now=NOW).exit_code == 4
    assert history("forecast", "--exit-code", "--officer", "AO1", "--within", "0",
                   now=NOW).exit_code == 0


def test_table_fits_80_columns(history):
    result = history.ok("forecast", now=NOW, env={"COLUMNS": "80"})
    lines = result.stdout.splitlines()
    assert lines[0] == "Forecast Mon 03 Aug 2026: 2 of 3 to miss 20 weeks"
    assert all(len(line) <= 80 for line in lines), result.stdout
    row = next(line for line in lines if line.lstrip().startswith("LATE-1"))
    assert row.split() == ["LATE-1", "AO1", "EP", "advice", "2026-10-19", "2026-11-02", "-14"]
    assert result.stderr == ("2 of 3 open requests forecast to miss 20 weeks (waiting for: "
                             "2 educational-psychology advice)\n")
    one = history.ok("forecast", "--officer", "CO2", "--within", "12", now=NOW,
                     env={"COLUMNS": "80"}).stdout.splitlines()
    assert one[0] == "Forecast Mon 03 Aug 2026, CO2, due by 2026-10-26: 1 of 1 to miss 20 weeks"
    assert one[2].split() == ["case", "ref", "waits", "for", "20", "weeks", "forecast", "margin"]
    assert "Officer left out (one officer)." in " ".join(one)


def test_summary_for_managers(history):
    facts = history.json("forecast", "--summary", now=NOW)
    assert facts["forecast_day"] == "2026-08-03"
    assert (facts["open_requests"], facts["forecast_late"]) == (3, 2)
    assert facts["by_waiting_for"] == [
        {"waiting_for": "educational-psychology advice", "requests": 3, "late": 2}]
    ep = next(s for s in facts["advice_sources"] if s["source"] == EP)
    # three reports out; none received in the 12 weeks from 2026-05-11
    assert ep == {"source": EP, "backlog": 3, "received_12_weeks": 0, "per_week": 0.0,
                  "weeks_to_clear": None, "median_days": 56}
    table = history.ok("forecast", "--summary", now=NOW).stdout
    assert "educational-psychology advice" in table and "weeks to clear" in table


def test_no_history_falls_back_to_the_statutory_lengths(team):
    team.case("NEW-1", received="2026-07-27")
    [row] = team.json("forecast", now=NOW)
    assert (row["stage"], row["waiting_for"]) == ("decision", "assessment decision")
    assert row["predicted_final"] == row["final_due"] == "2026-12-14"
    assert (row["margin_days"], row["late"]) == (0, False)
    assert "decision 42 days (statutory: no history)" in row["basis"]
    assert "plan after advice 56 days (statutory: no history)" in row["basis"]


def test_backtest_on_constant_durations_has_no_error(team):
    # a request every fortnight through 2025, each taking the same time:
    # decided in 35 days, EP advice 56 days, plan 56 days after it (147 in
    # all: 7 days past the 20 weeks, every one)
    day = d("2025-01-06")
    n = 0
    while day <= d("2025-12-29"):
        n += 1
        finished(team, f"B-{n:02d}", day)
        day += timedelta(weeks=2)
    result = team.json("forecast", "--backtest", "--from", "2025-09-01", "--to", "2025-10-27",
                       now=NOW)
    assert list(result) == ["forecasts", "breaches_predicted", "breaches_actual", "precision",
                            "recall", "median_abs_error_days"]
    assert result["forecasts"] > 20
    assert result["breaches_predicted"] == result["breaches_actual"] == result["forecasts"]
    assert (result["precision"], result["recall"], result["median_abs_error_days"]) == \
        (1.0, 1.0, 0)


def test_backtest_scores_only_what_has_settled(history):
    # on 2026-07-06 and 07-13: OVERDUE-1 (due 08-24, still in time by now) and
    # ONTIME-1 are not scored; LATE-1 is received but its 20 weeks have not
    # passed; nothing else was open
    result = history.json("forecast", "--backtest", "--from", "2026-07-06", "--to",
                          "2026-07-13", now=NOW)
    assert result == {"forecasts": 0, "breaches_predicted": 0, "breaches_actual": 0,
                      "precision": None, "recall": None, "median_abs_error_days": None}
    # a year on, the two late ones have passed their 20 weeks with no plan
    later = "2027-01-04T09:00"
    result = history.json("forecast", "--backtest", "--from", "2026-08-03", "--to",
                          "2026-08-03", now=later)
    assert result == {"forecasts": 3, "breaches_predicted": 2, "breaches_actual": 3,
                      "precision": 1.0, "recall": 0.667, "median_abs_error_days": None}


@pytest.mark.parametrize("args, error", [
    (["--format", "yaml"], "error: --format 'yaml' is not known; use table, csv, json or xlsx"),
    (["--from", "2026-01-05"], "error: --from and --to are for --backtest; add --backtest, "
                               "or leave them out to forecast today"),
    (["--backtest", "--from", "2026-01-05"],
     "error: --backtest needs --from DATE and --to DATE (YYYY-MM-DD)"),
    (["--backtest", "--from", "2026-03-02", "--to", "2026-01-05"],
     "error: --from 2026-03-02 is after --to 2026-01-05; give a period that runs forward"),
    (["--backtest", "--from", "2026-03-02", "--to", "2026-09-07"],
     "error: --to 2026-09-07 is after today (2026-08-03): the backtest replays the past"),
    (["--backtest", "--from", "2020-01-06", "--to", "2026-08-03"],
     "error: --from 2020-01-06 to --to 2026-08-03 is more than three years; give a shorter "
     "period"),
    (["--backtest", "--officer", "AO1", "--from", "2026-01-05", "--to", "2026-02-02"],
     "error: --backtest takes --from and --to only (not --officer, --within or --summary)"),
])
def test_bad_input_is_one_line_exit_2(team, args, error):
    assert team.fails(2, "forecast", *args, now=NOW) == error


def test_bad_date_and_unknown_officer(team):
    line = team.fails(2, "forecast", "--backtest", "--from", "2026-13-01", "--to",
                      "2026-08-03", now=NOW)
    assert line.startswith("error: --from '2026-13-01'")
    assert team.fails(1, "forecast", "--officer", "ZZ9", now=NOW) == "error: no officer 'ZZ9'"
    assert team("forecast", "--within", "-1", now=NOW).exit_code == 2


def test_csv_and_output_file(history, tmp_path):
    out = tmp_path / "f.csv"
    history.ok("forecast", "--format", "csv", "-o", str(out), now=NOW)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(KEYS)
    assert lines[1].startswith("OVERDUE-1,CO2,advice,educational-psychology advice,2026-09-28,"
                               "2026-08-24,-35,true,")


def test_workbooks(history, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "forecast.xlsx"
    history.ok("forecast", "-o", str(out), now=NOW)
    sheet = load_workbook(out, read_only=True).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == [k.replace("_", " ") for k in KEYS]  # headers for people
    assert [r[0] for r in values[1:]] == ["OVERDUE-1", "LATE-1", "ONTIME-1"]
    late = dict(zip(KEYS, values[2], strict=True))
    assert (late["predicted_final"].date(), late["margin_days"], late["late"]) == \
        (d("2026-11-02"), -14, True)
    summary = tmp_path / "summary.xlsx"
    history.ok("forecast", "--summary", "-o", str(summary), now=NOW)
    pairs = dict(r for r in load_workbook(summary, read_only=True).active
                 .iter_rows(values_only=True, min_row=2))
    assert pairs["forecast_late"] == "2"
    assert pairs["by_waiting_for.educational-psychology advice.late"] == "2"
    assert history.fails(2, "forecast", "--format", "xlsx", now=NOW) == \
        "error: --format xlsx writes a file; add -o FILE.xlsx"


def test_a_real_process(history, store_path):
    proc = subprocess.run([sys.executable, "-m", "send_cli", "--db", str(store_path), "--now",
                           NOW, "forecast", "--format", "json", "--within", "12"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert [r["case_ref"] for r in json.loads(proc.stdout)] == ["OVERDUE-1", "LATE-1"]


def test_help_does_not_import_sqlalchemy():
    code = ("import sys; from send_cli.cli import main\n"
            "try:\n    main(['forecast', '--help'])\nexcept SystemExit:\n    pass\n"
            "assert 'sqlalchemy' not in sys.modules, 'sqlalchemy imported'")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert "--backtest" in proc.stdout
