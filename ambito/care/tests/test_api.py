import datetime

import pytest
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from ambito.accounts.models import AccessLog
from ambito.care import services
from ambito.care.models import Delivery, ReferralStatus
from ambito.care.tests.factories import accepted_referral, person, signed_plan

pytestmark = pytest.mark.django_db


def test_the_provider_sees_only_the_minimum_and_the_case_team_sees_the_loop(care_demo, client_as):
    referral = accepted_referral(care_demo)
    provider = client_as("ets.operator").get("/api/v1/referrals/").json()["results"]
    assert [r["id"] for r in provider] == [referral.pk]
    assert set(provider[0]) >= {"name", "address", "phone", "what_to_deliver"}
    assert "pseudonym" not in provider[0] and "care_plan" not in provider[0] and "birth_date" not in provider[0]
    team = client_as("sw.monza").get(f"/api/v1/referrals/{referral.pk}/").json()
    assert team["status"] == "accepted" and team["care_plan"] == referral.care_plan_id
    assert client_as("sw.brugherio").get(f"/api/v1/referrals/{referral.pk}/").status_code == 403
    assert client_as("observer").get("/api/v1/referrals/").json()["results"] == []
    assert client_as("ets.operator").get("/api/v1/care-plans/").json()["results"] == []
    assert AccessLog.objects.filter(user=care_demo.users["sw.brugherio"], action="denied").exists()


def test_accept_decline_complete_through_the_api(care_demo, client_as):
    _plan, intervention = signed_plan(care_demo)
    referral = services.referral_send(actor=care_demo.users["sw.monza"], intervention=intervention)
    api = client_as("ets.operator")
    assert api.post(f"/api/v1/referrals/{referral.pk}/decline/", {"reason": "bogus"}).status_code == 400
    assert api.post(f"/api/v1/referrals/{referral.pk}/accept/").json()["status"] == "accepted"
    again = api.post(f"/api/v1/referrals/{referral.pk}/decline/", {"reason": "no_capacity"})
    assert again.status_code == 409 and "due volte" in str(again.json())
    assert api.post(f"/api/v1/referrals/{referral.pk}/complete/", {"outcome_note": "ok"}).json()["status"] \
        == ReferralStatus.COMPLETED
    assert client_as("sw.monza").post(f"/api/v1/referrals/{referral.pk}/accept/").status_code == 403


def test_deliveries_and_bulk_through_the_api(care_demo, client_as):
    referral = accepted_referral(care_demo)
    day = timezone.localdate() - datetime.timedelta(days=1)
    api = client_as("ets.operator")
    one = api.post("/api/v1/deliveries/", {"referral": referral.pk, "delivered_on": day.isoformat(),
                                           "start_time": "09:00", "end_time": "10:30",
                                           "delivery_type": "home_care_visit", "operator_name": "Anna"},
                   content_type="application/json")
    assert one.status_code == 201 and one.json()["hours"] == "1.50"
    bad = api.post("/api/v1/deliveries/bulk/", {"referral": referral.pk, "rows": [
        {"delivered_on": day.isoformat(), "start_time": "11:00", "end_time": "12:00",
         "delivery_type": "home_care_visit", "operator_name": "Anna"},
        {"delivered_on": day.isoformat(), "start_time": "09:30", "end_time": "10:00",
         "delivery_type": "home_care_visit", "operator_name": "Anna"}]}, content_type="application/json")
    assert bad.status_code == 400 and [r["row"] for r in bad.json()["rows"]] == [2]
    assert Delivery.objects.count() == 1
    listed = api.get("/api/v1/deliveries/").json()["results"]
    assert [d["hours"] for d in listed] == ["1.50"]
    assert client_as("observer").get("/api/v1/deliveries/").json()["results"] == []


def test_a_care_plan_is_created_through_the_api_only_in_the_own_territory(care_demo, client_as):
    who = person(care_demo)
    payload = {"person": who.pk, "title": "PAI", "area": "anziani", "start_date": "2026-01-01",
               "end_date": "2026-12-31"}
    assert client_as("sw.brugherio").post("/api/v1/care-plans/", payload).status_code == 403
    created = client_as("sw.monza").post("/api/v1/care-plans/", payload)
    assert created.status_code == 201 and created.json()["pseudonym"] == who.pseudonym
    bad = client_as("sw.monza").post("/api/v1/care-plans/", {**payload, "end_date": "2025-01-01"})
    assert bad.status_code == 400


def test_the_fhir_bundle_is_valid_r4_and_pseudonymous(care_demo, client_as):
    referral = accepted_referral(care_demo)
    declined_plan, intervention = signed_plan(care_demo, who=referral.person)
    declined = services.referral_send(actor=care_demo.users["sw.monza"], intervention=intervention)
    services.referral_decline(actor=care_demo.users["ets.operator"], referral=declined, reason="no_capacity")
    response = client_as("sw.monza").get(f"/api/v1/persons/{referral.person_id}/fhir/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/fhir+json")
    data = response.json()
    bundle = Bundle.model_validate(data)
    kinds = [e.resource.get_resource_type() for e in bundle.entry]
    assert kinds.count("Patient") == 1 and kinds.count("CarePlan") == 2 and kinds.count("Task") == 2
    assert {"Goal", "ServiceRequest"} <= set(kinds)
    patient = data["entry"][0]["resource"]
    assert set(patient) == {"resourceType", "id", "identifier", "name", "_gender"}  # name and gender: masked
    assert patient["name"] == [{"extension": [{"url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
                                               "valueCode": "masked"}]}] and patient["_gender"] == patient["name"][0]
    assert patient["identifier"][0]["value"] == referral.person.pseudonym
    text = response.content.decode()
    assert referral.person.last_name not in text and referral.person.address not in text
    tasks = {e["resource"]["id"]: e["resource"]["status"] for e in data["entry"] if e["resource"]["resourceType"]
             == "Task"}
    assert tasks == {f"referral-{referral.pk}": "accepted", f"referral-{declined.pk}": "rejected"}
    assert AccessLog.objects.filter(action="export", person_ref=referral.person.pseudonym).exists()
    assert client_as("ets.operator").get(f"/api/v1/persons/{referral.person_id}/fhir/").status_code == 403


LIST_ENDPOINTS = [("ets.operator", "/api/v1/referrals/"), ("ets.operator", "/api/v1/deliveries/"),
                  ("sw.monza", "/api/v1/referrals/"), ("sw.monza", "/api/v1/care-plans/"),
                  ("sw.monza", "/api/v1/health-budgets/"), ("sw.monza", "/api/v1/deliveries/")]


def _case_with_budget_and_delivery(demo, who=None, operator="A"):
    referral = accepted_referral(demo, **({"who": who} if who else {}))
    services.health_budget_create(actor=demo.users["sw.monza"], person=referral.person, title="B",
                                  start_date=referral.care_plan.start_date, end_date=referral.care_plan.end_date)
    services.delivery_create(actor=demo.users["ets.operator"], referral=referral, hours=1, operator_name=operator,
                             delivered_on=timezone.localdate() - datetime.timedelta(days=1),
                             delivery_type="home_care_visit")
    return referral


def test_list_endpoints_use_the_same_queries_for_1_and_many_rows(care_demo, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _case_with_budget_and_delivery(care_demo)

    def counts():
        result = {}
        for username, url in LIST_ENDPOINTS:
            client.force_login(care_demo.users[username])
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            result[(username, url)] = (len(queries), len(response.json()["results"]))
        return result

    one = counts()
    for index in range(6):
        _case_with_budget_and_delivery(care_demo, who=person(care_demo, first=f"N{index}"), operator=f"A{index}")
    many = counts()
    for key in one:
        assert many[key][1] == 7, key
        assert many[key][0] == one[key][0], key
