"""Every persona on every care object: the predicate and the queryset filter agree, and the boundary is the
one DESIGN.md §3 draws (case team of the Comune, GP of their own patients, referred provider only, nobody
else)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ambito.care import rules, services
from ambito.care.models import (
    CarePlan,
    CaseAttachment,
    CaseNote,
    Delivery,
    Discharge,
    DischargeSetting,
    HealthBudget,
    NoteVisibility,
    Referral,
)
from ambito.care.tests.factories import accepted_referral, person, provider_operator, uvm

pytestmark = pytest.mark.django_db

PERSONAS = ["planner", "sw.monza", "sw.brugherio", "asl.operator", "gp", "ets.operator", "observer", "admin",
            "citizen"]

PAIRS = [
    (CarePlan, rules.can_view_care_plan, rules.care_plan_q),
    (CarePlan, rules.can_edit_care_plan, rules.care_plan_editable_q),
    (HealthBudget, rules.can_view_health_budget, rules.health_budget_q),
    (Referral, rules.can_view_referral, rules.referral_q),
    (Referral, rules.can_answer_referral, rules.referral_provider_q),
    (Delivery, rules.can_view_delivery, rules.delivery_q),
    (Discharge, rules.can_view_discharge, rules.discharge_q),
    (CaseNote, rules.can_view_case_note, rules.case_note_q),
    (CaseAttachment, rules.can_view_case_attachment, rules.case_attachment_q),
]


@pytest.fixture
def world(care_demo):
    """Cases in Monza (referred to Il Ponte, GP-sent) and in Brugherio (referred to Spazio Aperto)."""
    import datetime

    from django.utils import timezone

    sw = care_demo.users["sw.monza"]
    referral = accepted_referral(care_demo)
    monza_person = referral.person
    uvm(care_demo, monza_person, gp=care_demo.users["gp"])  # the GP sent a request for this person
    services.delivery_create(actor=care_demo.users["ets.operator"], referral=referral,
                             delivered_on=timezone.localdate() - datetime.timedelta(days=1),
                             start_time=datetime.time(9), end_time=datetime.time(11), delivery_type="home_care_visit",
                             operator_name="Anna B.")
    for visibility in NoteVisibility.values:
        services.case_note_add(actor=sw, person=monza_person, text=f"note {visibility}", visibility=visibility,
                               referral=referral, files=[SimpleUploadedFile("a.txt", b"x", "text/plain")])
    budget = services.health_budget_create(actor=sw, person=monza_person, title="BdS",
                                           start_date=referral.care_plan.start_date,
                                           end_date=referral.care_plan.end_date)
    assert budget
    services.discharge_create(actor=sw, person=monza_person, setting=DischargeSetting.HOSPITAL, facility="San Gerardo",
                              planned_on=timezone.localdate())
    brugherio = accepted_referral(care_demo, who=person(care_demo, "brugherio", first="Luigi", last="Neri"),
                                  actor=care_demo.users["sw.brugherio"], service="sad_brugherio",
                                  answer_as=provider_operator(care_demo, "op.spazio", "coop_spazio"))
    return {"monza": referral, "brugherio": brugherio}


def test_predicates_and_querysets_agree_for_every_persona(care_demo, world):
    for username in PERSONAS:
        user = care_demo.users[username]
        for model, predicate, q in PAIRS:
            allowed = {obj.pk for obj in model.objects.all() if predicate(user, obj)}
            selected = set(model.objects.filter(q(user)).values_list("pk", flat=True))
            assert allowed == selected, (username, model.__name__, predicate.__name__)


def _visible(user, model, q):
    return model.objects.filter(q(user)).count()


def test_the_boundary_of_each_role(care_demo, world):
    users = care_demo.users
    # Social worker of Monza: the Monza case, not Brugherio's.
    assert _visible(users["sw.monza"], CarePlan, rules.care_plan_q) == 1
    assert _visible(users["sw.monza"], CaseNote, rules.case_note_q) == 3
    assert rules.can_edit_care_plan(users["sw.monza"], world["monza"].care_plan)
    assert not rules.can_view_care_plan(users["sw.monza"], world["brugherio"].care_plan)
    # District operator: both Comuni, but not the notes kept for the social service.
    assert _visible(users["asl.operator"], CarePlan, rules.care_plan_q) == 2
    assert set(CaseNote.objects.filter(rules.case_note_q(users["asl.operator"])).values_list("visibility", flat=True)) \
        == {"health", "provider"}
    # GP: reads the plan of their own patient, edits nothing.
    assert _visible(users["gp"], CarePlan, rules.care_plan_q) == 1
    assert not rules.can_edit_care_plan(users["gp"], world["monza"].care_plan)
    # ETS operator of Il Ponte: only its referral and deliveries, no plan, only the provider-shared note.
    ets = users["ets.operator"]
    assert list(Referral.objects.filter(rules.referral_q(ets))) == [world["monza"]]
    assert _visible(ets, CarePlan, rules.care_plan_q) == 0
    assert _visible(ets, HealthBudget, rules.health_budget_q) == 0
    assert _visible(ets, Discharge, rules.discharge_q) == 0
    assert list(CaseNote.objects.filter(rules.case_note_q(ets)).values_list("visibility", flat=True)) == ["provider"]
    assert not rules.can_view_referral(ets, world["brugherio"])
    assert not rules.can_view_referral_case(ets, world["monza"])
    # Planner, observer, admin, citizen: nothing person-level.
    for username in ("planner", "observer", "admin", "citizen"):
        for model, _predicate, q in PAIRS:
            assert _visible(users[username], model, q) == 0, (username, model.__name__)
