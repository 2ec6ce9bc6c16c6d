"""Every persona: the predicates and the queryset filters of privacy.rules agree, and the boundary is the
one the rules draw (DPO of the Ambito; the case team while the person is not restricted; nobody else)."""

from django.utils import timezone

from ambito.access.models import Person
from ambito.privacy import rules, services
from ambito.privacy.models import PrivacyRequest
from ambito.privacy.tests.conftest import make_subject

PERSONAS = ["planner", "sw.monza", "sw.brugherio", "asl.operator", "gp", "ets.operator", "observer", "admin",
            "dpo", "citizen"]


def test_predicates_and_querysets_agree_for_every_persona(world):
    monza = make_subject(world, first="Adalgisa", last="Pennacchietti", full=False)
    brugherio = make_subject(world, first="Ermenegilda", last="Sbrocchi", comune="brugherio", full=False,
                             phone="039 5550001", address="Via Kennedy 4")
    restricted = make_subject(world, first="Gioconda", last="Trabucchi", full=False, phone="039 5550002",
                              address="Via Cavour 9")
    Person.objects.filter(pk=restricted.pk).update(restricted_at=timezone.now())
    for person in (monza, brugherio, restricted):
        services.privacy_request_create(actor=world.users["dpo"], person=person, kind="access")
    persons = list(Person.objects.all())
    requests = list(PrivacyRequest.objects.select_related("person"))
    seen = {}
    for username in PERSONAS:
        user = world.users[username]
        for predicate, q in ((rules.can_read_person_privacy, rules.person_privacy_q),
                             (rules.is_dpo_of_person, rules.dpo_person_q)):
            allowed = {p.pk for p in persons if predicate(user, p)}
            assert allowed == set(Person.objects.filter(q(user)).values_list("pk", flat=True)), (username, predicate)
        allowed = {r.pk for r in requests if rules.can_handle_privacy_request(user, r)}
        assert allowed == set(PrivacyRequest.objects.filter(rules.privacy_request_q(user)).values_list("pk", flat=True))
        seen[username] = {p.pk for p in persons if rules.can_read_person_privacy(user, p)}
    assert seen["dpo"] == {monza.pk, brugherio.pk, restricted.pk}
    # The export and the history gather every source whole: the case team does not read them (an ASL
    # operator must not see the social service's notes through an export).
    for username in ("sw.monza", "sw.brugherio", "asl.operator", "planner", "gp", "ets.operator", "observer",
                     "admin", "citizen"):
        assert seen[username] == set(), username
    assert rules.can_view_record_of_processing(world.users["admin"])
    assert not rules.can_view_record_of_processing(world.users["sw.monza"])
