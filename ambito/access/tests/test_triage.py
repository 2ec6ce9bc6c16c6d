"""Triage rules as data, applied by a service that explains its result."""

import pytest
from django.core.exceptions import ValidationError

from ambito.access import services
from ambito.access.demo import _rules
from ambito.access.models import TriageRule
from ambito.access.tests.factories import BARTHEL_ALL, make_person, make_request


@pytest.fixture
def rules(pua):
    _rules(pua)
    return pua


def discharge(ctx, **overrides):
    sw = ctx.users["sw.monza"]
    return make_request(sw, make_person(sw, ctx.comuni["monza"]), channel="hospital_discharge", **overrides)


def test_a_discharge_with_barthel_under_60_goes_to_uvm_and_says_why(rules):
    proposal = services.triage_evaluate(request=discharge(rules), screening={"barthel": 45})
    assert proposal.outcome == "uvm" and proposal.triage_kind == "socio_health"
    assert "Dimissione ospedaliera con Barthel < 60" in proposal.explanation
    assert "45 < 60" in proposal.explanation


@pytest.mark.parametrize(("barthel", "outcome"), [(59, "uvm"), (60, "referral"), (85, "referral")])
def test_the_threshold_is_strict(rules, barthel, outcome):
    assert services.triage_evaluate(request=discharge(rules), screening={"barthel": barthel}).outcome == outcome


def test_without_a_screening_the_latest_scored_barthel_is_used(rules):
    sw = rules.users["sw.monza"]
    first = discharge(rules)
    services.request_triage(actor=sw, request=first, screening={"barthel": 30})
    assessment = services.assessment_schedule(actor=sw, request=first, scheduled_for=first.received_at.date())
    services.assessment_score(actor=sw, assessment=assessment, scale=_barthel(),
                              answers={**BARTHEL_ALL, "stairs": 0, "mobility": 0, "transfers": 0, "bathing": 0})
    again = make_request(sw, first.person, channel="hospital_discharge")
    proposal = services.triage_evaluate(request=again)
    assert proposal.outcome == "uvm" and "55 < 60" in proposal.explanation


def _barthel():
    from ambito.access.models import Scale

    return Scale.objects.get(code="barthel")


def test_rules_are_tried_in_order_and_inactive_ones_are_skipped(rules):
    assert services.triage_evaluate(request=discharge(rules), screening={"barthel": 20}).outcome == "uvm"
    TriageRule.objects.filter(order=10).update(active=False)
    # the SAD rule needs Barthel ≥ 60: with rule 10 off, a Barthel of 20 matches no rule (the operator decides)
    assert services.triage_evaluate(request=discharge(rules), screening={"barthel": 20}).outcome == ""


def test_triage_records_the_rule_and_the_explanation(rules):
    request = discharge(rules)
    services.request_triage(actor=rules.users["sw.monza"], request=request, screening={"barthel": 40})
    request.refresh_from_db()
    assert request.status == "triaged" and request.triage_outcome == "uvm"
    assert request.triage_rule.order == 10 and request.triage_inputs["score_barthel"] == "40"


def test_the_operator_may_decide_otherwise_and_it_shows(rules):
    request = discharge(rules)
    services.request_triage(actor=rules.users["sw.monza"], request=request, screening={"barthel": 40},
                            outcome="information", note="La famiglia ha già attivato una badante")
    request.refresh_from_db()
    assert request.triage_outcome == "information"
    assert "L'operatore ha deciso diversamente: La famiglia" in request.triage_explanation


def test_without_a_matching_rule_the_operator_must_choose(rules):
    sw = rules.users["sw.monza"]
    request = make_request(sw, make_person(sw, rules.comuni["monza"]), area="immigrati", channel="phone")
    with pytest.raises(ValidationError):
        services.request_triage(actor=sw, request=request)
    request.refresh_from_db()
    assert request.status == "received"
    services.request_triage(actor=sw, request=request, triage_kind="social", outcome="information")
