"""Plan lifecycle: draft → co-programming → consultation → approved → in force → closed, versions."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ambito.planning import services
from ambito.planning.models import Objective, Plan, PlanState, PlanVersion
from ambito.planning.selectors import version_diff

from .conftest import approve, col


def test_a_planner_creates_a_plan_for_a_triennium_at_version_1(demo, planner):
    plan = services.plan_create(actor=planner, ambito=demo.ambito, title="Piano di Zona", start_year=2028)
    assert (plan.start_year, plan.end_year, plan.state, plan.current_version) == (2028, 2030, PlanState.DRAFT, 1)
    assert plan.versions.get().number == 1


def test_only_the_planning_office_creates_or_changes_a_plan(demo, plan):
    for username in ("sw.monza", "observer", "ets.operator", "citizen"):
        with pytest.raises(PermissionDenied):
            services.plan_create(actor=demo.users[username], ambito=demo.ambito, title="X", start_year=2031)
        with pytest.raises(PermissionDenied):
            services.plan_transition(actor=demo.users[username], plan=plan, action="start_coprogramming")
    assert Plan.objects.count() == 1


def test_a_second_plan_for_the_same_triennium_is_refused(demo, planner, plan):
    with pytest.raises(ValidationError, match="ha già un piano"):
        services.plan_create(actor=planner, ambito=demo.ambito, title="Doppione", start_year=2025)


def test_the_plan_goes_through_every_state_in_order(demo, planner, plan):
    plan = approve(plan, planner)
    assert plan.state == PlanState.APPROVED and plan.approved_at
    plan = services.plan_transition(actor=planner, plan=plan, action="put_in_force")
    assert plan.state == PlanState.IN_FORCE
    plan = services.plan_transition(actor=planner, plan=plan, action="close")
    assert plan.state == PlanState.CLOSED


@pytest.mark.parametrize("action", ["open_consultation", "approve", "put_in_force", "close", "start_revision"])
def test_a_transition_out_of_order_is_refused_and_changes_nothing(planner, plan, action):
    with pytest.raises(ValidationError) as exc:
        services.plan_transition(actor=planner, plan=plan, action=action, reason="x")
    assert "non è possibile mentre il piano è" in exc.value.messages[0]
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT and plan.current_version == 1


def test_coprogramming_needs_an_objective(demo, planner):
    plan = services.plan_create(actor=planner, ambito=demo.ambito, title="Vuoto", start_year=2030)
    with pytest.raises(ValidationError, match="almeno un obiettivo"):
        services.plan_transition(actor=planner, plan=plan, action="start_coprogramming")


def test_consultation_waits_for_every_contribution_to_be_decided(demo, planner, plan):
    services.plan_transition(actor=planner, plan=plan, action="start_coprogramming")
    services.contribution_submit(actor=demo.users["ets.operator"], plan=plan,
                                 organisation=demo.organisations["coop_ponte"], title="Proposta", text="Testo")
    with pytest.raises(ValidationError, match="attendono ancora una decisione"):
        services.plan_transition(actor=planner, plan=plan, action="open_consultation")
    plan.refresh_from_db()
    assert plan.state == PlanState.COPROGRAMMING


def test_approval_needs_every_required_party_to_have_signed(demo, planner, plan):
    services.party_add(actor=planner, plan=plan, organisation=demo.organisations["comune_monza"], role="Capofila")
    services.party_add(actor=planner, plan=plan, organisation=demo.organisations["asst"], role="ASST")
    services.party_add(actor=planner, plan=plan, organisation=demo.organisations["province"], required=False)
    services.plan_transition(actor=planner, plan=plan, action="start_coprogramming")
    services.plan_transition(actor=planner, plan=plan, action="open_consultation")
    services.party_sign(actor=planner, party=plan.parties.get(organisation=demo.organisations["comune_monza"]),
                        signatory="Il Sindaco", signed_on=date(2025, 3, 1))
    with pytest.raises(ValidationError) as exc:
        services.plan_transition(actor=planner, plan=plan, action="approve")
    assert "manca ancora la firma di: ASST Monza" in " ".join(exc.value.messages)
    services.party_sign(actor=planner, party=plan.parties.get(organisation=demo.organisations["asst"]),
                        signatory="Il Direttore Generale", signed_on=date(2025, 3, 2))
    plan = services.plan_transition(actor=planner, plan=plan, action="approve")
    assert plan.state == PlanState.APPROVED  # the Province's optional signature is not needed


def test_a_signature_is_recorded_only_during_consultation_and_not_in_the_future(demo, planner, plan):
    party = services.party_add(actor=planner, plan=plan, organisation=demo.organisations["comune_monza"])
    with pytest.raises(ValidationError, match="consultazione pubblica"):
        services.party_sign(actor=planner, party=party, signatory="Il Sindaco", signed_on=date(2025, 1, 1))
    services.plan_transition(actor=planner, plan=plan, action="start_coprogramming")
    services.plan_transition(actor=planner, plan=plan, action="open_consultation")
    with pytest.raises(ValidationError, match="futuro"):
        services.party_sign(actor=planner, party=party, signatory="Il Sindaco", signed_on=date(2999, 1, 1))
    party.refresh_from_db()
    assert party.signed_on is None


def test_approved_content_is_frozen(demo, planner, plan):
    plan = approve(plan, planner)
    intervention = plan.interventions.get(code="I01")
    attempts = [
        lambda: services.objective_save(actor=planner, plan=plan, code="OB9", title="Nuovo"),
        lambda: services.intervention_update(actor=planner, intervention=intervention,
                                             expected_version=intervention.version, title="Cambiato"),
        lambda: services.budget_row_set(actor=planner, intervention=intervention, year=2025,
                                        amounts={"fnps": "100"}),
        lambda: services.plan_update(actor=planner, plan=plan, expected_version=plan.version, title="Altro",
                                     needs_narrative=""),
        lambda: services.party_add(actor=planner, plan=plan, organisation=demo.organisations["asst"]),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as exc:
            attempt()
        assert exc.value.messages == ["La versione 1 di questo piano è approvata e congelata: avvia una nuova "
                                      "versione per modificarla."]
    assert not Objective.objects.filter(code="OB9").exists()
    intervention.refresh_from_db()
    assert intervention.title == "Assistenza domiciliare"
    assert not intervention.budget_lines.exists()


def test_a_new_version_copies_the_content_and_the_diff_is_readable(demo, planner, plan):
    services.budget_row_set(actor=planner, intervention=plan.interventions.get(code="I01"), year=2025,
                            amounts={"fnps": "1000,00", col(demo, "monza"): "500"})
    plan = approve(plan, planner)
    frozen = PlanVersion.objects.get(plan=plan, number=1)
    assert frozen.frozen and frozen.content["interventions"]["I01"]["budget"]["2025 fnps"] == "1000.00"
    with pytest.raises(ValidationError, match="perché"):
        services.plan_transition(actor=planner, plan=plan, action="start_revision", reason=" ")
    plan = services.plan_transition(actor=planner, plan=plan, action="start_revision",
                                    reason="Aggiornamento delle risorse regionali")
    assert (plan.state, plan.current_version) == (PlanState.DRAFT, 2)
    assert plan.interventions.count() == 2  # the content carried over into version 2
    assert not plan.parties.filter(signed_on__isnull=False).exists()  # the new text is signed again
    i01 = plan.interventions.get(code="I01")
    services.intervention_update(actor=planner, intervention=i01, expected_version=i01.version,
                                 title="Assistenza domiciliare e teleassistenza")
    services.budget_row_set(actor=planner, intervention=i01, year=2025, amounts={"fnps": "1200"})
    services.objective_save(actor=planner, plan=plan, code="OB3", title="Prossimità")
    changes = version_diff(plan=plan, old=1, new=2)
    rows = {(c["what"], c["change"], c["field"], c["old"], c["new"]) for c in changes}
    assert ("Intervento I01", "changed", "titolo", "Assistenza domiciliare",
            "Assistenza domiciliare e teleassistenza") in rows
    assert ("Intervento I01", "changed", "bilancio 2025 fnps", "1000.00", "1200.00") in rows
    assert any(c["what"] == "Obiettivo OB3" and c["change"] == "added" for c in changes)
    # the frozen version itself did not move
    assert PlanVersion.objects.get(plan=plan, number=1).content["interventions"]["I01"]["title"] == \
        "Assistenza domiciliare"


def test_an_unknown_action_is_refused(planner, plan):
    with pytest.raises(ValidationError, match="Azione sconosciuta"):
        services.plan_transition(actor=planner, plan=plan, action="teleport")
