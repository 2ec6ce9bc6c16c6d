"""One figure, one number, on the demo: the satisfaction answers counted Comune by Comune never add up to more
than the Ambito's (an Ambito-wide service's answers count once, for the Ambito), in every year of the demo."""

from ambito.monitoring.indicators import compute, year_period


def test_the_comuni_answers_add_up_to_no_more_than_the_ambitos_in_every_demo_year(demo_with):
    ctx = demo_with("network", "monitoring")
    planner = ctx.users["planner"]
    comune_ids = list(ctx.ambito.comuni.values_list("pk", flat=True))
    counted_years = 0
    for year in range(2021, 2026):
        period = year_period(year)
        ambito = compute("survey_responses", actor=planner, period=period, comune_ids=set(comune_ids)).total.value
        by_comune = [compute("survey_responses", actor=planner, period=period, comune_ids={pk}).total.value
                     for pk in comune_ids]
        if ambito:
            counted_years += 1
            assert sum(value or 0 for value in by_comune) <= ambito, year
    assert counted_years >= 3, "the demo has answers across the years"
