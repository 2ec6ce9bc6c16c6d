"""Plans that talk to each other (issue 20, item 4): the ASST's PPT and the Region's social plan held with their
objectives; a Piano di Zona objective or intervention links to them, each side sees the link, only the planning
office links; the alignment of a plan to its Region's objectives."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ambito.planning import rules, services_partner
from ambito.planning.models import BudgetLine, PartnerPlanKind, Plan
from ambito.planning.selectors_partner import (
    partner_links_of,
    partner_plan_list,
    partner_plan_objectives,
    plan_alignment,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def regional(demo, planner):
    plan = services_partner.partner_plan_create(actor=planner, kind=PartnerPlanKind.REGIONAL, region_code="03",
                                                title="Linee di indirizzo", start_year=2025, end_year=2027,
                                                organisation=demo.organisations["region"])
    for code, title in (("RL1", "Integrazione sociosanitaria"), ("RL2", "Domiciliarità")):
        services_partner.partner_objective_save(actor=planner, partner_plan=plan, code=code, title=title)
    return plan


def test_a_link_from_an_objective_shows_on_both_sides(demo, planner, plan, regional):
    rl1 = regional.objectives.get(code="RL1")
    ob1 = plan.objectives.get(code="OB1")
    services_partner.partner_link_add(actor=planner, partner_objective=rl1, objective=ob1)
    assert [link.partner_objective.code for link in partner_links_of(actor=planner, objective=ob1)] == ["RL1"]
    observer = demo.users["observer"]
    # the plan is a draft: its objective does not show on the regional plan's side but to the planning office
    assert partner_plan_objectives(actor=observer, partner_plan=regional)[0].visible_links == []
    assert [link.objective.code for link in partner_plan_objectives(
        actor=planner, partner_plan=regional)[0].visible_links] == ["OB1"]
    Plan.objects.filter(pk=plan.pk).update(state="in_force")
    by_code = {o.code: o for o in partner_plan_objectives(actor=observer, partner_plan=regional)}
    assert [link.objective.code for link in by_code["RL1"].visible_links] == ["OB1"]
    assert by_code["RL2"].visible_links == []


def test_only_the_planning_office_links_and_a_link_is_made_once(demo, planner, plan, regional):
    rl1 = regional.objectives.get(code="RL1")
    intervention = plan.interventions.get(code="I01")
    for username in ("sw.monza", "observer", "asl.operator"):
        with pytest.raises(PermissionDenied):
            services_partner.partner_link_add(actor=demo.users[username], partner_objective=rl1,
                                              intervention=intervention)
    services_partner.partner_link_add(actor=planner, partner_objective=rl1, intervention=intervention)
    with pytest.raises(ValidationError):
        services_partner.partner_link_add(actor=planner, partner_objective=rl1, intervention=intervention)
    with pytest.raises(PermissionDenied):
        services_partner.partner_objective_save(actor=demo.users["observer"], partner_plan=regional, code="RL9",
                                                title="Nuova linea")


def test_links_may_be_made_after_the_plan_is_approved_but_not_across_years(demo, planner, plan, regional):
    Plan.objects.filter(pk=plan.pk).update(state="in_force")
    plan.refresh_from_db()
    ob2 = plan.objectives.get(code="OB2")
    link = services_partner.partner_link_add(actor=planner, partner_objective=regional.objectives.get(code="RL2"),
                                             objective=ob2)
    assert link.linked_by == planner
    old = services_partner.partner_plan_create(actor=planner, kind=PartnerPlanKind.PPT, region_code="03",
                                               title="PPT", start_year=2019, end_year=2021,
                                               organisation=demo.organisations["asst"])
    ppt1 = services_partner.partner_objective_save(actor=planner, partner_plan=old, code="PPT1", title="COT")
    with pytest.raises(ValidationError):
        services_partner.partner_link_add(actor=planner, partner_objective=ppt1, objective=ob2)


def test_who_reads_and_who_keeps_the_partner_plans(demo, regional):
    for username in ("planner", "observer", "asl.operator", "admin"):
        assert rules.can_view_partner_plan(demo.users[username], regional), username
        assert regional in partner_plan_list(actor=demo.users[username]), username
    for username in ("sw.monza", "gp", "ets.operator", "citizen"):
        assert not rules.can_view_partner_plan(demo.users[username], regional), username
        assert regional not in partner_plan_list(actor=demo.users[username]), username
    assert rules.can_edit_partner_plan(demo.users["planner"], regional)
    assert not rules.can_edit_partner_plan(demo.users["observer"], regional)
    elsewhere = type(regional).objects.create(kind="regional", region_code="16", title="Puglia", start_year=2025,
                                              end_year=2027)
    assert not rules.can_view_partner_plan(demo.users["observer"], elsewhere)


def test_alignment_counts_linked_objectives_and_the_budget_of_what_answers(demo, planner, plan, regional):
    rl1, rl2 = regional.objectives.get(code="RL1"), regional.objectives.get(code="RL2")
    ob1 = plan.objectives.get(code="OB1")
    i01, i02 = plan.interventions.get(code="I01"), plan.interventions.get(code="I02")
    BudgetLine.objects.create(intervention=i01, year=2025, source="fnps", amount=Decimal("1000"))
    BudgetLine.objects.create(intervention=i02, year=2026, source="fna", amount=Decimal("250"))
    services_partner.partner_link_add(actor=planner, partner_objective=rl1, objective=ob1)  # I01 through OB1
    services_partner.partner_link_add(actor=planner, partner_objective=rl1, intervention=i01)  # counted once
    services_partner.partner_link_add(actor=planner, partner_objective=rl2, intervention=i02)
    alignment = plan_alignment(plan)
    rows = {row["objective"].code: row for row in alignment["rows"]}
    assert rows["RL1"]["budget"] == Decimal("1000.00") and [o.code for o in rows["RL1"]["objectives"]] == ["OB1"]
    assert rows["RL2"]["budget"] == Decimal("250.00") and [i.code for i in rows["RL2"]["interventions"]] == ["I02"]
    assert (alignment["objectives_linked"], alignment["objectives_total"]) == (1, 2)
    assert alignment["share"] == Decimal("0.500")


def test_the_demo_links_the_monza_plans_to_the_regional_lines_and_the_ppt(pdz):
    plan_2021 = Plan.objects.get(ambito=pdz.ambito, start_year=2021)
    alignment = plan_alignment(plan_2021)
    assert {row["objective"].code for row in alignment["rows"]} == {"RL1", "RL2", "RL3", "RL4"}
    assert alignment["objectives_linked"] == 3 and alignment["objectives_total"] == 4
    assert all(row["budget"] > 0 for row in alignment["rows"])
    plan_2025 = Plan.objects.get(ambito=pdz.ambito, start_year=2025)
    links = partner_links_of(actor=pdz.users["planner"], intervention=plan_2025.interventions.get(code="I01"))
    assert {link.partner_objective.code for link in links} == {"PPT3", "RL2"}
