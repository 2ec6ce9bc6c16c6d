"""The demo spans the Piano di Zona 2021–2023 and the current one: activity in every year from 2021, the
waits for home care and school integration falling, the 2021–23 plan measured in each of its years and the
dashboard of a past year filled in."""

import pytest
from django.urls import reverse

from ambito.monitoring.indicators import compute, year_period


@pytest.fixture
def full_demo(demo_with):
    return demo_with("network", "planning", "access", "care", "monitoring")


def _values(ctx, code, years, **kwargs):
    planner = ctx.users["planner"]
    comune_ids = set(ctx.ambito.comuni.values_list("pk", flat=True))
    return [compute(code, actor=planner, period=year_period(year), comune_ids=comune_ids, **kwargs).total.value
            for year in years]


def test_the_demo_spans_2021_to_today_and_the_waits_fall(full_demo, client):
    from ambito.monitoring.plans.selectors import plan_measures

    ctx = full_demo
    today = __import__("datetime").date.today()
    years = list(range(2021, today.year + 1))
    requests = _values(ctx, "requests_received", years)
    assert all(value for value in requests), requests  # requests every year, 2021 to today

    home_care = _values(ctx, "waiting_days_median", range(2021, 2026), service_id=ctx.services["sad_monza"].pk)
    assert None not in home_care and home_care == sorted(home_care, reverse=True), home_care
    assert len(set(home_care)) == len(home_care)  # falls every year
    school = _values(ctx, "waiting_days_median", (2022, 2025), service_id=ctx.services["school"].pk)
    assert None not in school and school[0] > school[1], school

    # the 2021–2023 plan: every linked indicator has a measured value in each of its years
    plan = ctx.plans["2021"]
    measures = plan_measures(actor=ctx.users["planner"], plan=plan)
    assert len(measures) >= 3
    for m in measures:
        assert [(y.year, y.value is not None) for y in m.years] == [(2021, True), (2022, True), (2023, True)], \
            m.indicator.name
    client.force_login(ctx.users["planner"])
    page = client.get(reverse("monitoring-plan", args=[plan.pk])).content.decode()
    for m in measures:
        assert f'data-plan-indicator="{m.indicator.pk}"' in page

    # the dashboard of 2022 shows figures
    page = client.get(reverse("monitoring-dashboard"), {"dal": "2022-01-01", "al": "2022-12-31"}).content.decode()
    for code in ("requests_received", "waiting_days_median", "hours_delivered", "satisfaction_mean",
                 "discharges_services_active"):
        tile = page[page.index(f'data-indicator="{code}"'):]
        value = tile[tile.index('class="tile-value'):]
        value = value[:value.index("</p>")]
        assert "nessun dato" not in value and "&lt; 5" not in value and "<abbr" not in value, (code, value)
