"""A UVM: scheduled from a triaged request, scales scored, outcome moves the request; consent records."""

import pytest
from django.core.exceptions import ValidationError

from ambito.access import services
from ambito.access.models import Consent, Scale
from ambito.access.tests.factories import BARTHEL_ALL, LAWTON_ALL, make_person, make_request


@pytest.fixture
def uvm(pua):
    sw = pua.users["sw.monza"]
    request = make_request(sw, make_person(sw, pua.comuni["monza"], lives_alone=True))
    services.request_triage(actor=sw, request=request, triage_kind="socio_health", outcome="uvm")
    return services.assessment_schedule(actor=sw, request=request, scheduled_for=request.received_at.date(),
                                        team=["assistente sociale", "infermiere"])


def test_scheduling_moves_the_request_to_assessment(uvm):
    uvm.request.refresh_from_db()
    assert uvm.request.status == "assessment" and uvm.request.assessment_at is not None


def test_a_uvm_cannot_be_scheduled_for_a_request_not_triaged(pua):
    sw = pua.users["sw.monza"]
    request = make_request(sw, make_person(sw, pua.comuni["monza"]))
    with pytest.raises(ValidationError):
        services.assessment_schedule(actor=sw, request=request, scheduled_for=request.received_at.date())


def test_scoring_then_completing_moves_the_request_to_its_outcome(pua, uvm):
    sw = pua.users["sw.monza"]
    score = services.assessment_score(actor=sw, assessment=uvm, scale=Scale.objects.get(code="barthel"),
                                      answers={**BARTHEL_ALL, "stairs": 0})
    assert score.score == 90 and score.band == "Dipendenza moderata"
    services.assessment_score(actor=sw, assessment=uvm, scale=Scale.objects.get(code="lawton_iadl"),
                              answers=LAWTON_ALL)
    services.assessment_complete(actor=sw, assessment=uvm, need_profile="socio_health", intensity=2,
                                 decision="service", decision_service=pua.services["sad_monza"])
    uvm.request.refresh_from_db()
    assert uvm.request.status == "referred" and uvm.request.outcome_at is not None
    waiting_list = services.waiting_list_ensure(service=pua.services["sad_monza"])
    entry = services.waiting_list_entry_add(actor=sw, waiting_list=waiting_list, person=uvm.person, assessment=uvm)
    assert entry.uvm_intensity == 2 and entry.lives_alone and entry.request == uvm.request


def test_a_completed_uvm_refuses_new_scores(pua, uvm):
    sw = pua.users["sw.monza"]
    with pytest.raises(ValidationError):
        services.assessment_complete(actor=sw, assessment=uvm, need_profile="social", intensity=1,
                                     decision="information")
    services.assessment_score(actor=sw, assessment=uvm, scale=Scale.objects.get(code="barthel"), answers=BARTHEL_ALL)
    services.assessment_complete(actor=sw, assessment=uvm, need_profile="social", intensity=1, decision="information")
    with pytest.raises(ValidationError):
        services.assessment_score(actor=sw, assessment=uvm, scale=Scale.objects.get(code="barthel"),
                                  answers=BARTHEL_ALL)


def test_an_out_of_range_answer_saves_nothing(pua, uvm):
    with pytest.raises(ValidationError):
        services.assessment_score(actor=pua.users["sw.monza"], assessment=uvm,
                                  scale=Scale.objects.get(code="barthel"), answers={**BARTHEL_ALL, "mobility": 20})
    assert not uvm.scores.exists()


def test_a_withdrawn_consent_closes_the_one_in_force(pua):
    sw = pua.users["sw.monza"]
    person = make_person(sw, pua.comuni["monza"])
    services.consent_record(actor=sw, person=person, kind="provider_sharing", notice_version="2026-01")
    services.consent_record(actor=sw, person=person, kind="provider_sharing", given=False, note="Revoca scritta")
    given, withdrawn = Consent.objects.filter(person=person).order_by("id")
    assert given.withdrawn_at is not None and not withdrawn.given
