"""Finding 7: the care side in the API — goals, interventions, signature, review, case manager, notes, referrals
(send, start, cancel), the Budget di salute, deliveries' corrections, discharges — through the same services and
checks as the pages; and finding 6's last item: an API write names its author in the change history."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ambito.accounts.services import api_token_issue
from ambito.care import services
from ambito.care.models import (
    CarePlan,
    CaseNote,
    Delivery,
    Discharge,
    Goal,
    HealthBudget,
    HealthBudgetExpense,
    PlannedIntervention,
    ReferralStatus,
)
from ambito.care.tests.factories import accepted_referral, person, signed_plan, uvm

pytestmark = pytest.mark.django_db


def token_client(client, user):
    token = api_token_issue(user=user)[0]
    client.logout()
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token}"
    return client


def test_a_pai_is_built_signed_reviewed_and_handed_over_through_the_api(care_demo, client_as):
    who = person(care_demo)
    _request, assessment = uvm(care_demo, who)
    api = client_as("sw.monza")
    today = timezone.localdate()
    plan = api.post("/api/v1/care-plans/", {"person": who.pk, "assessment": assessment.pk, "title": "PAI",
                                            "area": "anziani", "start_date": today.isoformat(),
                                            "end_date": (today + datetime.timedelta(days=300)).isoformat()},
                    content_type="application/json").json()
    base = f"/api/v1/care-plans/{plan['id']}"
    assert api.post(f"{base}/sign/", {"signed_on": today.isoformat(), "signed_by": "Maria"},
                    content_type="application/json").status_code == 400  # no goal nor intervention yet
    goal = api.post(f"{base}/goals/", {"description": "Stays at home", "indicator": "Barthel", "target": "60",
                                       "review_on": (today + datetime.timedelta(days=90)).isoformat()},
                    content_type="application/json")
    assert goal.status_code == 201
    outside = api.post(f"{base}/goals/", {"description": "x", "indicator": "y", "target": "z",
                                          "review_on": "2099-01-01"}, content_type="application/json")
    assert outside.status_code == 400 and "review_on" in outside.json()
    intervention = {"service": care_demo.services["sad_monza"].pk, "description": "Personal care",
                    "intensity": "6", "intensity_unit": "hours_week", "start_date": today.isoformat(),
                    "end_date": (today + datetime.timedelta(days=200)).isoformat(), "payer": "comune"}
    foreign = api.post(f"{base}/interventions/", {**intervention, "service": 999999},
                       content_type="application/json")
    assert foreign.status_code == 400 and "service" in foreign.json()
    created = api.post(f"{base}/interventions/", intervention, content_type="application/json")
    assert created.status_code == 201
    api.patch(f"{base}/", {"version": plan["version"], "title": "PAI domiciliare"}, content_type="application/json")
    signed = api.post(f"{base}/sign/", {"signed_on": today.isoformat(), "signed_by": "Maria Rossi",
                                        "version": plan["version"]}, content_type="application/json")
    assert signed.status_code == 409  # the header was saved since: the version read is stale
    version = signed.json()["current_version"]
    signed = api.post(f"{base}/sign/", {"signed_on": today.isoformat(), "signed_by": "Maria Rossi",
                                        "version": version}, content_type="application/json")
    assert signed.status_code == 200 and signed.json()["status"] == "active"
    sent = api.post(f"{base}/interventions/{created.json()['id']}/referral/", {"response_days": 5},
                    content_type="application/json")
    assert sent.status_code == 201 and sent.json()["status"] == ReferralStatus.SENT
    note = api.post(f"{base}/notes/", {"text": "Visita domiciliare", "visibility": "social",
                                       "attachment": SimpleUploadedFile("v.txt", b"verbale della visita\n")})
    assert note.status_code == 201 and note.json()["attachments"] == ["v.txt"]
    assert CaseNote.objects.get(pk=note.json()["id"]).attachments.count() == 1
    review = api.post(f"{base}/review/", {"reviewed_on": today.isoformat(), "summary": "ok",
                                          "next_review_on": (today + datetime.timedelta(days=90)).isoformat(),
                                          "outcomes": []}, content_type="application/json")
    assert review.status_code == 400  # every open goal needs its outcome, as on the page
    review = api.post(f"{base}/review/", {"reviewed_on": today.isoformat(), "summary": "ok",
                                          "next_review_on": (today + datetime.timedelta(days=90)).isoformat(),
                                          "outcomes": [{"goal": goal.json()["id"], "outcome": "partly",
                                                        "value": "50"}]}, content_type="application/json")
    assert review.status_code == 201 and review.json()["plan"]["revision"] == 2
    colleague = care_demo.users["sw.monza"]
    handed = api.post(f"{base}/case-manager/", {"case_manager": care_demo.users["sw.brugherio"].pk,
                                                "reason": "ferie"}, content_type="application/json")
    assert handed.status_code == 400  # not of the person's case team
    assert CarePlan.objects.get(pk=plan["id"]).case_manager == colleague
    assert client_as("gp").post(f"{base}/goals/", {}, content_type="application/json").status_code in (403, 404)
    assert client_as("sw.brugherio").post(f"{base}/goals/", {"description": "x", "indicator": "y", "target": "z",
                                                             "review_on": today.isoformat()},
                                          content_type="application/json").status_code == 403


def test_interventions_deliveries_and_expenses_are_corrected_and_cancelled_with_a_reason(care_demo, client_as):
    referral = accepted_referral(care_demo)
    plan = referral.care_plan
    day = timezone.localdate() - datetime.timedelta(days=1)
    provider = client_as("ets.operator")
    one = provider.post("/api/v1/deliveries/", {"referral": referral.pk, "delivered_on": day.isoformat(),
                                                "hours": "2", "delivery_type": "home_care_visit",
                                                "operator_name": "Anna"}, content_type="application/json").json()
    no_reason = provider.patch(f"/api/v1/deliveries/{one['id']}/", {"hours": "1.5"}, content_type="application/json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    fixed = provider.patch(f"/api/v1/deliveries/{one['id']}/", {"hours": "1.5", "reason": "typed 2 instead of 1.5"},
                           content_type="application/json")
    assert fixed.status_code == 200 and fixed.json()["hours"] == "1.50"
    assert fixed.json()["correction_reason"] == "typed 2 instead of 1.5"
    cancelled = provider.post(f"/api/v1/deliveries/{one['id']}/cancel/", {"reason": "logged twice"},
                              content_type="application/json")
    assert cancelled.status_code == 200 and cancelled.json()["cancelled_at"]
    assert not Delivery.objects.filter(pk=one["id"]).exists()  # out of every count …
    assert Delivery.all_objects.get(pk=one["id"]).cancel_reason == "logged twice"  # … never deleted
    assert provider.get("/api/v1/deliveries/").json()["results"] == []
    again = provider.post(f"/api/v1/deliveries/{one['id']}/cancel/", {"reason": "x"}, content_type="application/json")
    assert again.status_code == 400

    team = client_as("sw.monza")
    intervention = referral.intervention
    base = f"/api/v1/care-plans/{plan.pk}/interventions/{intervention.pk}"
    assert team.post(f"{base}/cancel/", {"reason": "no longer needed"},
                     content_type="application/json").status_code == 400  # its referral is still open
    corrected = team.patch(f"{base}/", {"intensity": "4", "reason": "the UVM lowered the hours"},
                           content_type="application/json")
    assert corrected.status_code == 200 and corrected.json()["intensity"] == "4.00"
    team.post(f"/api/v1/referrals/{referral.pk}/cancel/", {"reason": "the person moved"},
              content_type="application/json")
    assert team.post(f"{base}/cancel/", {"reason": "the person moved"},
                     content_type="application/json").status_code == 200
    assert PlannedIntervention.objects.get(pk=intervention.pk).cancel_reason == "the person moved"

    budget = team.post("/api/v1/health-budgets/", {"person": plan.person_id, "title": "Progetto", "area":
                                                   "salute_mentale", "start_date": day.isoformat(),
                                                   "end_date": (day + datetime.timedelta(days=365)).isoformat()},
                       content_type="application/json")
    assert budget.status_code == 201
    budget_id = budget.json()["id"]
    line = team.post(f"/api/v1/health-budgets/{budget_id}/lines/", {"axis": "home", "funder": "comune",
                                                                   "description": "Affitto", "planned_amount": "1000"},
                     content_type="application/json")
    assert line.status_code == 201
    line_id = HealthBudget.objects.get(pk=budget_id).lines.get().pk
    assert team.post(f"/api/v1/health-budgets/{budget_id}/members/", {"role": "person", "name": "Maria"},
                     content_type="application/json").status_code == 201
    expense = team.post(f"/api/v1/health-budgets/{budget_id}/expenses/", {"line": line_id, "amount": "300",
                                                                         "spent_on": day.isoformat()},
                        content_type="application/json").json()
    corrected = team.patch(f"/api/v1/health-budgets/{budget_id}/expenses/{expense['id']}/",
                           {"amount": "250", "reason": "receipt says 250"}, content_type="application/json")
    assert corrected.status_code == 200 and corrected.json()["amount"] == "250.00"
    team.post(f"/api/v1/health-budgets/{budget_id}/expenses/{expense['id']}/cancel/", {"reason": "double"},
              content_type="application/json")
    report = team.get(f"/api/v1/health-budgets/{budget_id}/").json()["report"]
    assert report["total"]["spent"] == "0.00"
    assert HealthBudgetExpense.all_objects.get(pk=expense["id"]).cancelled_by == care_demo.users["sw.monza"]


def test_referral_start_and_discharges_through_the_api(care_demo, client_as):
    referral = accepted_referral(care_demo)
    started = client_as("ets.operator").post(f"/api/v1/referrals/{referral.pk}/start/")
    assert started.status_code == 200 and started.json()["status"] == ReferralStatus.IN_PROGRESS
    team = client_as("sw.monza")
    today = timezone.localdate()
    created = team.post("/api/v1/discharges/", {"person": referral.person_id, "setting": "hospital",
                                                "facility": "San Gerardo, Medicina", "planned_on": today.isoformat()},
                        content_type="application/json")
    assert created.status_code == 201
    base = f"/api/v1/discharges/{created.json()['id']}"
    with_service = team.post(f"{base}/services/", {"service": care_demo.services["sad_monza"].pk},
                             content_type="application/json").json()
    item = with_service["services"][0]["id"]
    task = team.post(f"{base}/tasks/", {"label": "Letto", "owner_organisation": care_demo.organisations[
        "comune_monza"].pk, "due_on": today.isoformat()}, content_type="application/json")
    assert task.status_code == 201
    task_id = task.json()["tasks"][0]["id"]
    assert team.post(f"{base}/services/{item}/confirm/").status_code == 200
    assert team.post(f"{base}/tasks/{task_id}/done/").status_code == 200
    done = team.post(f"{base}/complete/", {}, content_type="application/json")
    assert done.status_code == 200 and done.json()["services_active_on_day"] == 1
    assert Discharge.objects.get().status == "completed"
    assert client_as("sw.brugherio").get(base + "/").status_code == 403
    assert client_as("gp").get("/api/v1/discharges/").json()["results"] == []


def test_an_api_write_names_its_author_in_the_change_history(care_demo, client):
    """Token callers are authenticated by DRF after auditlog's middleware looked at the request: the author
    was lost (``"actor": ""``). Now every API write carries it, as a page's does."""
    plan, _intervention = signed_plan(care_demo)
    worker = care_demo.users["sw.monza"]
    api = token_client(client, worker)
    review_on = (plan.start_date + datetime.timedelta(days=30)).isoformat()
    response = api.post(f"/api/v1/care-plans/{plan.pk}/goals/", {"description": "Walks", "indicator": "Tinetti",
                                                                 "target": "20", "review_on": review_on},
                        content_type="application/json")
    assert response.status_code == 201
    goal = Goal.objects.get(pk=response.json()["id"])
    entry = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(Goal), object_id=goal.pk)
    assert entry.actor == worker
    patched = api.patch(f"/api/v1/persons/{plan.person_id}/", {"phone": "039 111111", "version": plan.person.version},
                        content_type="application/json")
    assert patched.status_code == 200
    person_entries = LogEntry.objects.filter(content_type__model="person", object_id=plan.person_id,
                                             action=LogEntry.Action.UPDATE)
    assert [e.actor for e in person_entries] == [worker]


def test_services_called_twice_through_api_and_form_agree(care_demo, client_as):
    """The same refusal on both paths: a referral for a cancelled intervention is refused by the service."""
    plan, intervention = signed_plan(care_demo)
    services.intervention_cancel(actor=care_demo.users["sw.monza"], intervention=intervention, reason="changed")
    api = client_as("sw.monza").post(f"/api/v1/care-plans/{plan.pk}/interventions/{intervention.pk}/referral/",
                                     {}, content_type="application/json")
    page = client_as("sw.monza").post(f"/casi/{plan.pk}/interventi/{intervention.pk}/invio/", {"response_days": 5})
    assert api.status_code == 400 and page.status_code == 400
