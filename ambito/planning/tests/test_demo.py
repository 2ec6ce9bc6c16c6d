from decimal import Decimal

from ambito.core.demo import load_demo
from ambito.planning.models import ContributionStatus, Plan, PlanState
from ambito.planning.selectors import (
    budget_totals,
    budget_totals_by_year,
    indicator_targets,
    planned_social_worker_fte,
)


def test_the_demo_has_the_2021_plan_in_force_with_a_2022_budget_of_5_4_million(pdz):
    plan = Plan.objects.get(ambito=pdz.ambito, start_year=2021)
    assert plan.state == PlanState.IN_FORCE
    totals = budget_totals(plan=plan, year=2022)
    assert totals.total == Decimal("5400000.00")
    sources = {row["source"] for row in totals.by_source}
    assert {"comune", "fnps", "fna", "poverty", "regional"} <= sources
    assert all(row["amount"] > 0 for row in totals.by_comune)
    assert plan.versions.get(number=1).frozen


def test_monitoring_reads_targets_totals_and_staffing_through_the_selectors(pdz):
    plan = Plan.objects.get(ambito=pdz.ambito, start_year=2021)
    targets = [t for t in indicator_targets(plan=plan) if t["intervention_code"] == "I01"]
    assert [(t["year"], t["target"]) for t in targets] == [(2021, Decimal("40.00")), (2022, Decimal("35.00")),
                                                           (2023, Decimal("30.00"))]
    assert targets[0]["baseline"] == Decimal("45.00") and targets[0]["lower_is_better"]
    assert planned_social_worker_fte(plan=plan) == Decimal("33.00")
    assert [row["amount"] for row in budget_totals_by_year(plan=plan)] == [
        Decimal("5238000.00"), Decimal("5400000.00"), Decimal("5562000.00")]


def test_the_demo_has_a_draft_2025_plan_in_coprogramming_with_two_tables_and_contributions(pdz):
    plan = Plan.objects.get(ambito=pdz.ambito, start_year=2025)
    assert plan.state == PlanState.COPROGRAMMING
    assert plan.tables.count() == 2
    statuses = set(plan.contributions.values_list("status", flat=True))
    assert statuses == set(ContributionStatus.values)


def test_loading_the_demo_twice_changes_nothing(pdz):
    before = (Plan.objects.count(), sum(p.interventions.count() for p in Plan.objects.all()))
    load_demo(["territory", "accounts", "network", "planning"])
    assert (Plan.objects.count(), sum(p.interventions.count() for p in Plan.objects.all())) == before
