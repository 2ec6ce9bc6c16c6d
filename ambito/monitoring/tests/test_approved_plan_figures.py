"""The Region, the public and the annual report read approved plan versions only; a draft stays with the
planning office.

Plan 2025–2027 of the test Ambito. Never approved (draft): FNPS € 9,000 for 2025 and a permanent social
worker, which nobody outside the office sees. Approved then revised: version 1 was signed with FNPS € 500
for 2025 and a target of 25 waiting days; the draft of version 2 says € 900 and 30 days: the Region, the
public and the report read € 500 and 25 until version 2 is approved."""

from decimal import Decimal

import pytest

from ambito.monitoring.indicators import Period, compute
from ambito.monitoring.tests import factories

YEAR = Period.year(2025)


def _plan(world, *, state, amount):
    from ambito.planning.models import BudgetLine, Intervention, Objective, Plan, PlanVersion, StaffPosition

    plan = Plan.objects.create(ambito=world.ambito, title="Piano di Zona", start_year=2025, end_year=2027,
                               state=state)
    PlanVersion.objects.create(plan=plan, number=1)
    objective = Objective.objects.create(plan=plan, code="OB1", title="Domiciliarità")
    intervention = Intervention.objects.create(plan=plan, objective=objective, code="I01", title="SAD",
                                               area="anziani")
    BudgetLine.objects.create(intervention=intervention, year=2025, source="fnps", amount=Decimal(amount))
    StaffPosition.objects.create(intervention=intervention, profile="social_worker", fte=Decimal("0.10"),
                                 employer=world.orgs["udp"])
    return plan


@pytest.fixture
def draft(world):
    _plan(world, state="draft", amount="9000.00")
    return world


@pytest.fixture
def revised(world):
    """Version 1 approved (in force) with € 500 and target 25; version 2 being drafted with € 900 and 30."""
    from ambito.monitoring.models import PlanIndicatorLink
    from ambito.planning import services
    from ambito.planning.models import BudgetLine, Indicator, IndicatorTarget, Objective, PlanVersion
    from ambito.planning.selectors import plan_snapshot

    plan = _plan(world, state="in_force", amount="500.00")
    svc = factories.service(world, "sad", target_wait_days=60)
    factories.admitted(world, svc, days=20)
    indicator = Indicator.objects.create(intervention=plan.interventions.get(), name="Giorni di attesa SAD",
                                         unit="giorni", lower_is_better=True)
    target = IndicatorTarget.objects.create(indicator=indicator, year=2025, value=Decimal("25"))
    PlanIndicatorLink.objects.create(code="waiting_days_median", plan_indicator=indicator, service=svc)
    # what approval does (services.plan_transition "approve"): freeze the version's content
    PlanVersion.objects.filter(plan=plan, number=1).update(frozen=True, content=plan_snapshot(plan))
    services.plan_transition(actor=world.users["t.planner"], plan=plan, action="start_revision",
                             reason="Rimodulazione del SAD")
    BudgetLine.objects.filter(intervention__plan=plan).update(amount=Decimal("900.00"))
    IndicatorTarget.objects.filter(pk=target.pk).update(value=Decimal("30"))
    Objective.objects.filter(plan=plan).update(title="Domiciliarità e caregiver")
    world.plan = plan
    return world


def _values(result):
    return {cell.key: cell.value for cell in result.cells}


# --- a plan never approved ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["t.observer", "t.planner"])
def test_a_draft_budget_is_nobody_s_figure_in_the_indicators(draft, who):
    actor = draft.users[who]
    assert _values(compute("budget_planned", actor=actor, period=YEAR)) == {"total": None}
    assert _values(compute("budget_planned", actor=actor, period=YEAR, by="source")) == {}
    assert _values(compute("residents_per_social_worker", actor=actor, period=YEAR)) == {"total": None}


def test_a_draft_budget_is_not_in_the_open_data_nor_in_the_report(draft):
    from ambito.monitoring.reports import open_data, report_content

    _metadata, rows = open_data(actor=draft.users["t.observer"], ambito=draft.ambito, year=2025)
    budget = [r for r in rows if r["indicator"] == "budget_planned"]
    assert budget and all(r["value"] is None for r in budget)
    report = report_content(actor=draft.users["t.observer"], ambito=draft.ambito, year=2025)
    assert report.spending == []
    assert report.objectives == []
    rows = {row.code: row for row in report.rows}
    assert rows["budget_planned"].value is None and rows["residents_per_social_worker"].value is None


def test_the_region_s_dashboard_does_not_show_a_draft_budget(draft, client):
    client.force_login(draft.users["t.observer"])
    html = client.get("/monitoraggio/?dal=2025-01-01&al=2025-12-31").content.decode()
    tile = html[html.index('data-indicator="budget_planned"'):][:600]
    assert "nessun dato" in tile and "9.000" not in tile
    assert "9.000" not in html


def test_the_planning_office_still_sees_its_draft_on_the_plan_s_pages(draft, client):
    from ambito.planning.models import Plan

    plan = Plan.objects.get()
    client.force_login(draft.users["t.planner"])
    html = client.get(f"/piano/{plan.pk}/bilancio/?anno=2025").content.decode()
    assert "€\u00a09.000,00" in html


# --- a plan being revised ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["t.observer", "t.planner", "public"])
def test_a_plan_under_revision_counts_with_its_last_approved_version(revised, who):
    actor = revised.users["t.observer" if who == "public" else who]
    public = who == "public"
    assert _values(compute("budget_planned", actor=actor, period=YEAR, public=public)) == {
        "total": Decimal("500.00")}
    assert _values(compute("budget_planned", actor=actor, period=YEAR, by="source", public=public)) == {
        "fnps": Decimal("500.00")}
    assert _values(compute("budget_planned", actor=actor, period=YEAR, by="area", public=public)) == {
        "anziani": Decimal("500.00")}
    assert _values(compute("budget_planned", actor=actor, period=YEAR, by="year", public=public)) == {
        "2025": Decimal("500.00")}
    assert _values(compute("budget_planned", actor=actor, period=YEAR, area="disabili", public=public)) == {
        "total": None}


def test_the_plan_target_beside_an_indicator_is_the_approved_one(revised):
    sw = revised.users["t.sw"]
    by_service = compute("waiting_days_median", actor=sw, period=YEAR, by="service")
    assert [c.target for c in by_service.cells] == [Decimal("25")]


def test_the_report_reads_the_approved_version_of_a_plan_under_revision(revised):
    from ambito.monitoring.reports import report_content

    report = report_content(actor=revised.users["t.observer"], ambito=revised.ambito, year=2025)
    assert [value for _label, value in report.spending] == [Decimal("500.00")]
    assert report.objectives == [("OB1 Domiciliarità", [("I01 · Giorni di attesa SAD", None, Decimal("25"),
                                                          "giorni")])]


def test_the_planning_office_sees_its_revision_on_its_pages_and_the_region_once_approved(revised, client):
    client.force_login(revised.users["t.planner"])
    assert "€\u00a0900,00" in client.get(f"/piano/{revised.plan.pk}/bilancio/?anno=2025").content.decode()
    observer = revised.users["t.observer"]
    revised.plan.state = "approved"  # version 2 approved
    revised.plan.save(update_fields=["state"])
    assert _values(compute("budget_planned", actor=observer, period=YEAR)) == {"total": Decimal("900.00")}
