"""The breach forecast's arithmetic (send_cli/rules/forecast.py), worked by hand."""

from datetime import date, timedelta

from send_cli.rules import forecast as model

EP = "educational-psychology"
# every EP report took 8 weeks, every plan was made 8 weeks after its last advice
EIGHT_WEEKS = model.Medians({"advice:educational-psychology": 56, "plan": 56},
                            {"advice:educational-psychology": 3, "plan": 3})


def test_median_of_a_histogram_takes_the_lower_middle_of_an_even_count():
    assert model.median_of({}) is None
    assert model.median_of({30: 1}) == 30
    assert model.median_of({10: 1, 20: 1, 30: 1}) == 20
    assert model.median_of({10: 2, 40: 2}) == 10  # 10 10 | 40 40: the lower middle
    assert model.median_of({5: 1, 7: 3, 100: 1}) == 7
    assert model.median_of({3: 0}) is None


def test_medians_from_histograms_count_their_samples():
    m = model.Medians.from_histograms({"decision": {35: 2, 40: 1}, "plan": {}})
    assert m.days == {"decision": 35}
    assert m.samples == {"decision": 3}
    assert m.length("decision") == (35, "decision 35 days (median of 3)")
    assert m.length("plan") == (56, "plan after advice 56 days (statutory: no history)")


def test_ep_advice_outstanding_is_forecast_by_hand():
    # asked 2026-07-13: expected 07-13 + 56 = 09-07; plan 09-07 + 56 = 11-02.
    # 20 weeks from 2026-06-01 is 2026-10-19: 14 days late.
    request = model.Request(received=date(2026, 6, 1), decided=date(2026, 7, 13),
                            advice=[(EP, date(2026, 7, 13), None)])
    p = model.predict(request, EIGHT_WEEKS, date(2026, 8, 3))
    assert p.predicted_final == date(2026, 11, 2)
    assert p.final_due == date(2026, 10, 19)
    assert (p.margin_days, p.late) == (-14, True)
    assert (p.stage, p.waiting_for) == ("advice", "educational-psychology advice")
    assert p.basis == ("educational-psychology advice 56 days (median of 3); "
                       "plan after advice 56 days (median of 3)")


def test_overdue_advice_is_expected_today_not_in_the_past():
    request = model.Request(received=date(2026, 6, 1), decided=date(2026, 7, 13),
                            advice=[(EP, date(2026, 7, 13), None)])
    # on 2026-10-01 the advice (due back 09-07 by the median) is still out
    p = model.predict(request, EIGHT_WEEKS, date(2026, 10, 1))
    assert p.predicted_final == date(2026, 11, 26)  # 10-01 + 56
    assert p.margin_days == -38


def test_a_plan_waiting_only_for_its_final_step_is_forecast_from_its_last_advice():
    request = model.Request(received=date(2026, 6, 1), decided=date(2026, 6, 29),
                            issue_decided=date(2026, 8, 10), drafted=date(2026, 8, 17),
                            advice=[(EP, date(2026, 6, 29), date(2026, 8, 3)),
                                    ("health", date(2026, 6, 29), date(2026, 7, 20))])
    p = model.predict(request, EIGHT_WEEKS, date(2026, 8, 20))
    assert (p.stage, p.waiting_for) == ("plan", "final plan")
    assert p.predicted_final == date(2026, 9, 28)  # 08-03 + 56
    assert (p.margin_days, p.late) == (21, False)
    assert p.basis == "plan after advice 56 days (median of 3)"


def test_the_slowest_outstanding_advice_is_what_it_waits_for():
    m = model.Medians({"advice:health": 20, "advice:educational-psychology": 56, "plan": 56})
    request = model.Request(received=date(2026, 6, 1), decided=date(2026, 7, 13),
                            advice=[("health", date(2026, 7, 13), None),
                                    (EP, date(2026, 7, 13), None)])
    p = model.predict(request, m, date(2026, 7, 20))
    assert p.waiting_for == "educational-psychology advice"
    assert p.predicted_final == date(2026, 11, 2)


def test_with_no_history_every_stage_takes_its_statutory_length():
    # 6 weeks to decide, advice asked at once, 6 weeks for it, 8 weeks to the
    # plan: a request on time so far is forecast on its 20-week day
    p = model.predict(model.Request(received=date(2026, 6, 1)), model.Medians(),
                      date(2026, 6, 8))
    assert (p.stage, p.waiting_for) == ("decision", "assessment decision")
    assert p.predicted_final == p.final_due == date(2026, 10, 19)
    assert (p.margin_days, p.late) == (0, False)
    assert p.basis.startswith("decision 42 days (statutory: no history); "
                              "advice asked 0 days (statutory: no history); ")
    assert "plan after advice 56 days (statutory: no history)" in p.basis
    # decided, nothing asked: the four kinds of advice every assessment seeks
    p = model.predict(model.Request(received=date(2026, 6, 1), decided=date(2026, 7, 6)),
                      model.Medians(), date(2026, 7, 8))
    assert (p.stage, p.waiting_for) == ("asking", "advice to be asked")
    assert p.predicted_final == date(2026, 7, 8) + timedelta(days=98)
    for source in model.REQUIRED_ADVICE:
        assert f"{source} advice 42 days (statutory: no history)" in p.basis


def test_a_decision_already_late_is_expected_today():
    m = model.Medians({"decision": 30, "asking": 0, "plan": 10,
                       **{f"advice:{s}": 10 for s in model.REQUIRED_ADVICE}})
    p = model.predict(model.Request(received=date(2026, 1, 5)), m, date(2026, 6, 1))
    assert p.predicted_final == date(2026, 6, 21)  # 06-01 + 0 + 10 + 10
    assert p.margin_days == (date(2026, 5, 25) - date(2026, 6, 21)).days


def test_mondays():
    assert model.mondays(date(2026, 8, 4), date(2026, 8, 24)) == [
        date(2026, 8, 10), date(2026, 8, 17), date(2026, 8, 24)]
    assert model.mondays(date(2026, 8, 3), date(2026, 8, 3)) == [date(2026, 8, 3)]
    assert model.mondays(date(2026, 8, 4), date(2026, 8, 9)) == []


def test_score():
    def p(final: date, due: date) -> model.Prediction:
        return model.Prediction("advice", "x", final, due, "")

    due = date(2026, 10, 19)
    pairs = [
        (p(date(2026, 10, 25), due), model.Outcome(date(2026, 10, 29), due)),  # hit, 4 off
        (p(date(2026, 10, 25), due), model.Outcome(date(2026, 10, 15), due)),  # false alarm
        (p(date(2026, 10, 10), due), model.Outcome(None, due)),  # missed, no plan yet
        (p(date(2026, 10, 10), due), model.Outcome(date(2026, 10, 12), due)),  # right, 2 off
    ]
    assert model.score(pairs) == {
        "forecasts": 4, "breaches_predicted": 2, "breaches_actual": 2, "precision": 0.5,
        "recall": 0.5, "median_abs_error_days": 4}  # errors 4, 10, 2: the middle one
    assert model.score([]) == {
        "forecasts": 0, "breaches_predicted": 0, "breaches_actual": 0, "precision": None,
        "recall": None, "median_abs_error_days": None}


def test_only_settled_requests_are_scored():
    today = date(2026, 11, 1)
    assert model.scoreable(date(2026, 10, 1), date(2026, 10, 19), today)
    assert model.scoreable(None, date(2026, 10, 19), today)  # 20 weeks passed, no plan
    assert not model.scoreable(None, date(2026, 11, 9), today)  # still in time


def test_a_plan_agreed_with_no_advice_recorded():
    m = model.Medians({"asking": 3, "plan": 20, **{f"advice:{s}": 30
                                                   for s in model.REQUIRED_ADVICE}})
    # the medians put the advice at 05-18 + 3 + 30 = 06-20, before the
    # decision to issue (07-30): the plan was due 20 days later, 07-10, which
    # has passed, so it is expected today
    request = model.Request(received=date(2026, 4, 8), decided=date(2026, 5, 18),
                            issue_decided=date(2026, 7, 30))
    p = model.predict(request, m, date(2026, 8, 3))
    assert (p.stage, p.waiting_for) == ("plan", "draft plan")
    assert p.predicted_final == date(2026, 8, 3)
    # the decision to issue came sooner than the medians say: the advice was in by then
    early = model.Request(received=date(2026, 4, 8), decided=date(2026, 5, 18),
                          issue_decided=date(2026, 6, 1))
    assert model.predict(early, m, date(2026, 6, 2)).predicted_final == date(2026, 6, 21)
