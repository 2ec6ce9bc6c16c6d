"""Each PUA predicate agrees with its queryset filter for every demo persona; who sees what."""

import pytest

from ambito.access import rules as r
from ambito.access import services
from ambito.access.models import AccessRequest, Assessment, Person, WaitingList, WaitingListEntry
from ambito.access.tests.factories import make_person, make_request

PERSONAS = ["planner", "sw.monza", "sw.brugherio", "asl.operator", "gp", "ets.operator", "observer", "admin", "citizen"]


@pytest.fixture
def world(pua):
    sw_m, sw_b, gp = pua.users["sw.monza"], pua.users["sw.brugherio"], pua.users["gp"]
    monza = make_person(sw_m, pua.comuni["monza"])
    brugherio = make_person(sw_b, pua.comuni["brugherio"])
    shared = make_person(sw_m, pua.comuni["monza"])
    services.person_share(actor=sw_m, person=shared, organisation=pua.organisations["comune_brugherio"])
    from_gp = make_person(gp, pua.comuni["monza"])
    requests = [make_request(sw_m, monza), make_request(sw_b, brugherio), make_request(sw_m, shared),
                make_request(gp, from_gp, channel="gp")]
    services.request_triage(actor=sw_m, request=requests[0], triage_kind="social", outcome="uvm")
    services.assessment_schedule(actor=sw_m, request=requests[0], scheduled_for=requests[0].received_at.date())
    waiting_list = services.waiting_list_ensure(service=pua.services["sad_monza"], open_slots=1)
    services.waiting_list_entry_add(actor=sw_m, waiting_list=waiting_list, person=monza)
    return pua


PAIRS = [
    (Person, r.can_view_person, lambda u: Person.objects.filter(r.person_q(u))),
    (Person, r.can_edit_person, lambda u: Person.objects.filter(r.person_editable_q(u))),
    (AccessRequest, r.can_view_request, lambda u: AccessRequest.objects.filter(r.request_q(u))),
    (AccessRequest, r.can_work_on_request, lambda u: AccessRequest.objects.filter(r.request_workable_q(u))),
    (Assessment, r.can_view_assessment, lambda u: Assessment.objects.filter(r.assessment_q(u))),
    (WaitingList, r.can_view_waiting_list, lambda u: WaitingList.objects.filter(r.waiting_list_q(u))),
    (WaitingListEntry, r.can_view_waiting_list_entry, lambda u: WaitingListEntry.objects.filter(
        r.waiting_list_entry_q(u))),
]


def test_predicates_agree_with_selectors_for_every_persona(world):
    # One world, every persona (a loop, not a parametrisation: the demo loads once).
    for username in PERSONAS:
        user = world.users[username]
        for model, predicate, selector in PAIRS:
            visible = set(selector(user).distinct())
            for obj in model.objects.all():
                assert predicate(user, obj) == (obj in visible), (username, predicate.name, obj)


def test_brugherio_sees_no_monza_person_unless_shared(world):
    names = {p.pk for p in Person.objects.filter(r.person_q(world.users["sw.brugherio"]))}
    monza_ids = set(Person.objects.filter(residence_comune=world.comuni["monza"]).values_list("pk", flat=True))
    shared = Person.objects.filter(shared_with=world.organisations["comune_brugherio"]).get()
    assert names & monza_ids == {shared.pk}


def test_a_gp_sees_only_the_requests_it_sent(world):
    gp = world.users["gp"]
    assert list(AccessRequest.objects.filter(r.request_q(gp))) == list(AccessRequest.objects.filter(brought_by=gp))
    assert not AccessRequest.objects.filter(r.request_workable_q(gp)).exists()


def test_non_case_roles_see_no_person_data(world):
    for username in ("ets.operator", "observer", "planner", "citizen", "admin"):
        user = world.users[username]
        assert not Person.objects.filter(r.person_q(user)).exists(), username
        assert not AccessRequest.objects.filter(r.request_q(user)).exists(), username
        assert not WaitingListEntry.objects.filter(r.waiting_list_entry_q(user)).exists(), username
