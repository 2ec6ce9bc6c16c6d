"""Fixtures of the planning tests: a small plan built through the services, and the full demo plans."""

from datetime import date
from decimal import Decimal

import pytest

from ambito.network.taxonomy import Area
from ambito.planning import services


@pytest.fixture
def planner(demo):
    return demo.users["planner"]


@pytest.fixture
def plan(demo, planner):
    """Piano 2025–2027 in draft with two objectives and two interventions (I01 elderly for all Comuni,
    I02 disability for Monza only)."""
    plan = services.plan_create(actor=planner, ambito=demo.ambito, title="Piano di prova", start_year=2025)
    ob1 = services.objective_save(actor=planner, plan=plan, code="OB1", title="Domiciliarità")
    ob2 = services.objective_save(actor=planner, plan=plan, code="OB2", title="Inclusione")
    services.intervention_create(actor=planner, plan=plan, code="I01", title="Assistenza domiciliare",
                                 objective=ob1, area=Area.ELDERLY, start_date=date(2025, 1, 1),
                                 end_date=date(2027, 12, 31))
    services.intervention_create(actor=planner, plan=plan, code="I02", title="Educativa scolastica",
                                 objective=ob2, area=Area.DISABILITY, comuni=[demo.comuni["monza"]],
                                 lead_organisation=demo.organisations["coop_ponte"])
    plan.refresh_from_db()
    return plan


@pytest.fixture
def pdz(demo_with):
    """The demo Piani di Zona (2021–2023 in force, 2025–2027 in co-programming)."""
    return demo_with("network", "planning")


def col(demo, key):
    """Budget column key of a Comune's own funds."""
    return f"comune:{demo.comuni[key].istat_code}"


def approve(plan, planner, on=date(2025, 3, 1)):
    """Run a plan with content to approval: tables, consultation, every required party signs."""
    services.party_add(actor=planner, plan=plan, organisation=plan.ambito.organisations.get(name="Comune di Monza"),
                       role="Comune capofila")
    services.plan_transition(actor=planner, plan=plan, action="start_coprogramming")
    services.plan_transition(actor=planner, plan=plan, action="open_consultation")
    for party in plan.parties.all():
        services.party_sign(actor=planner, party=party, signatory="Il Sindaco", signed_on=on)
    plan = services.plan_transition(actor=planner, plan=plan, action="approve")
    return plan


EURO = Decimal
