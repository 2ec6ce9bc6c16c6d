"""Each object predicate agrees with the queryset filter beside it, for every demo persona."""

from ambito.accounts.models import Organisation
from ambito.network.models import Service
from ambito.network.rules import can_edit_provider, can_edit_service, can_log_info_point_contact
from ambito.network.selectors import info_point_loggable_list, provider_editable_list, service_editable_list

PERSONAS = ["planner", "sw.monza", "sw.brugherio", "asl.operator", "gp", "ets.operator", "observer", "admin", "citizen"]


def test_predicates_agree_with_selectors_for_every_persona(demo_with):
    demo = demo_with("network")
    for username in PERSONAS:
        _check_persona(demo.users[username], username)


def _check_persona(user, username):
    editable = set(service_editable_list(actor=user))
    for service in Service.objects.prefetch_related("staffed_by"):
        assert can_edit_service(user, service) == (service in editable), (username, service)
    providers = set(provider_editable_list(actor=user))
    for organisation in Organisation.objects.all():
        assert can_edit_provider(user, organisation) == (organisation in providers), (username, organisation)
    loggable = set(info_point_loggable_list(actor=user))
    for service in Service.objects.prefetch_related("staffed_by"):
        assert can_log_info_point_contact(user, service) == (service in loggable), (username, service)


def test_the_ets_operator_edits_only_its_cooperative(demo_with):
    demo = demo_with("network")
    editable = set(service_editable_list(actor=demo.users["ets.operator"]))
    assert editable == set(Service.objects.filter(provider=demo.organisations["coop_ponte"]))
    assert {demo.services["sad_monza"], demo.services["school"]} <= editable
    assert set(provider_editable_list(actor=demo.users["ets.operator"])) == {demo.organisations["coop_ponte"]}


def test_the_planning_office_edits_the_whole_catalogue(demo_with):
    demo = demo_with("network")
    assert set(service_editable_list(actor=demo.users["planner"])) == set(Service.objects.all())
