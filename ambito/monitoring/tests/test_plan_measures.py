"""A plan's indicator linked to a monitoring indicator is measured year by year for the plan's Comuni, beside
its baseline and target, with the gap; closing a year freezes its values with the time they were computed;
the plan's monitoring tab, the intervention page, the annual report and the API read the same selector."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ambito.monitoring.plans import selectors, services
from ambito.monitoring.tests import factories


@pytest.fixture
def plan(world):
    from ambito.planning.models import Indicator, IndicatorTarget, Intervention, Plan

    plan = Plan.objects.create(ambito=world.ambito, title="Piano di Zona", start_year=2021, end_year=2023,
                               state="in_force")
    intervention = Intervention.objects.create(plan=plan, code="I01", title="SAD", area="anziani")
    indicator = Indicator.objects.create(intervention=intervention, name="Giorni di attesa SAD", unit="giorni",
                                         baseline=Decimal("45"), baseline_year=2020, lower_is_better=True)
    for year, value in ((2021, 40), (2022, 35), (2023, 30)):
        IndicatorTarget.objects.create(indicator=indicator, year=year, value=Decimal(value))
    svc = factories.service(world, "sad")
    for year, days in ((2021, 44), (2022, 36), (2023, 28)):  # five admissions a year, the median is ``days``
        for shift in (-2, -1, 0, 1, 2):
            factories.admitted(world, svc, days=days + shift, received=factories.at(year, 3, 1 + shift + 2))
    world.plan, world.indicator, world.intervention, world.svc = plan, indicator, intervention, svc
    return world


def test_a_linked_indicator_is_measured_for_each_year_beside_baseline_and_target(plan):
    planner = plan.users["t.planner"]
    services.plan_indicator_link(actor=planner, plan_indicator=plan.indicator, code="waiting_days_median",
                                 service=plan.svc)
    [measures] = selectors.plan_measures(actor=planner, plan=plan.plan)
    assert measures.indicator.baseline == Decimal("45")
    rows = [(y.year, y.target, y.value, y.gap, met) for y, met in measures.rows]
    assert rows == [(2021, Decimal("40.00"), Decimal("44"), Decimal("4"), False),
                    (2022, Decimal("35.00"), Decimal("36"), Decimal("1"), False),
                    (2023, Decimal("30.00"), Decimal("28"), Decimal("-2"), True)]
    chart = measures.chart
    assert chart["labels"] == ["2020", "2021", "2022", "2023"]
    assert chart["datasets"][0]["data"] == [45.0, 44.0, 36.0, 28.0]


def test_only_the_planning_office_links_and_an_unknown_code_is_refused(plan):
    with pytest.raises(PermissionDenied):
        services.plan_indicator_link(actor=plan.users["t.sw"], plan_indicator=plan.indicator,
                                     code="waiting_days_median")
    with pytest.raises(ValidationError):
        services.plan_indicator_link(actor=plan.users["t.planner"], plan_indicator=plan.indicator, code="nope")


def test_closing_a_year_freezes_its_values_with_the_time_they_were_computed(plan):
    from ambito.access.models import WaitingListEntry

    planner = plan.users["t.planner"]
    services.plan_indicator_link(actor=planner, plan_indicator=plan.indicator, code="waiting_days_median",
                                 service=plan.svc)
    closure = services.plan_year_close(actor=planner, plan=plan.plan, year=2022)
    # a correction afterwards moves the live value, not the closed year's
    WaitingListEntry.objects.filter(admitted_at__year=2022).update(admitted_at=factories.at(2022, 12, 30))
    [measures] = selectors.plan_measures(actor=planner, plan=plan.plan)
    by_year = {y.year: y for y in measures.years}
    assert by_year[2022].frozen and by_year[2022].value == Decimal("36.00")
    assert by_year[2022].computed_at == closure.closed_at
    assert not by_year[2023].frozen
    with pytest.raises(ValidationError):
        services.plan_year_close(actor=planner, plan=plan.plan, year=2022)  # once
    with pytest.raises(ValidationError):
        services.plan_year_close(actor=planner, plan=plan.plan, year=dt.date.today().year + 1)  # not a plan year
    with pytest.raises(PermissionDenied):
        services.plan_year_close(actor=plan.users["t.sw"], plan=plan.plan, year=2021)


def test_the_tab_the_intervention_page_the_api_and_the_report_show_the_same_values(plan, client):
    from ambito.monitoring.reports import report_content

    planner = plan.users["t.planner"]
    client.force_login(planner)
    response = client.post(reverse("monitoring-plan", args=[plan.plan.pk]), {
        "plan_indicator": plan.indicator.pk, "code": "waiting_days_median", "service": plan.svc.pk})
    assert response.status_code == 302
    page = client.get(reverse("monitoring-plan", args=[plan.plan.pk])).content.decode()
    row = page[page.index('data-year="2022"'):]
    assert "36,0" in row[:row.index("</tr>")]
    page = client.get(reverse("planning-intervention-detail", args=[plan.intervention.pk])).content.decode()
    row = page[page.index(f'data-plan-indicator="{plan.indicator.pk}"'):]
    row = row[row.index('data-year="2022"'):]
    assert "36,0" in row[:row.index("</tr>")]
    body = client.get(f"/api/v1/plans/{plan.plan.pk}/measures/").json()
    assert [(y["year"], y["value"]) for y in body[0]["years"]] == [(2021, "44.0"), (2022, "36.0"), (2023, "28.0")]
    content = report_content(actor=planner, ambito=plan.ambito, year=2022)
    [(name, _unit, baseline, target, value, gap, met, suppressed)] = content.measured
    assert (value, target, gap, met) == (Decimal("36"), Decimal("35.00"), Decimal("1"), False)


def test_the_report_writes_each_figure_as_the_dashboard_does(plan):
    """One figure, one number: counts without decimals ("170.929 persone", not "170.929,00")."""
    from django.template.loader import render_to_string

    from ambito.monitoring.reports import report_content
    from ambito.monitoring.templatetags.monitoring import indicator_value

    content = report_content(actor=plan.users["t.planner"], ambito=plan.ambito, year=2023)
    html = render_to_string("monitoring/report_pdf.html", {"r": content})
    residents = next(row for row in content.rows if row.code == "residents")
    assert residents.value and residents.unit_code == "persons"
    shown = indicator_value(residents.value, "persons")
    assert "," not in shown and f'<td class="n">{shown}</td>' in html
