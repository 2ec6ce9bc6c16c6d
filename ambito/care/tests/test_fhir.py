"""FHIR R4 by the HL7 SDOH Clinical Care referral profiles: every demo Bundle validates with fhir.resources and
meets the SDOHCC Task For Referral Management and ServiceRequest cardinalities; content negotiation; the
closed loop driven by a partner system through a FHIR update of the Task."""

import json

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from ambito.access.models import Person
from ambito.accounts.models import AccessLog
from ambito.care import services
from ambito.care.fhir import fhir_base
from ambito.care.fhir_api import person_bundle_for
from ambito.care.models import AnswerChannel, Referral, ReferralStatus
from ambito.care.tests.factories import accepted_referral, signed_plan

pytestmark = pytest.mark.django_db
FHIR_JSON = "application/fhir+json"
TASK_STATUSES = {"draft", "requested", "accepted", "rejected", "cancelled", "on-hold", "in-progress", "failed",
                 "completed", "entered-in-error"}  # SDOHCC-ValueSetReferralTaskStatus: TaskStatus less ready, received


def _resolves(bundle: dict, reference: dict, *types) -> dict:
    """The entry a relative reference points to (references resolve inside the Bundle by fullUrl)."""
    assert reference and reference.get("reference"), reference
    kind = reference["reference"].split("/")[0]
    assert not types or kind in types, (reference, types)
    matches = [e["resource"] for e in bundle["entry"] if e["fullUrl"] == f"{fhir_base()}/{reference['reference']}"]
    assert len(matches) == 1, f"{reference} does not resolve in the Bundle"
    return matches[0]


def _all_references(value):
    if isinstance(value, dict):
        if set(value) & {"reference"} and isinstance(value["reference"], str):
            yield value
        for item in value.values():
            yield from _all_references(item)
    elif isinstance(value, list):
        for item in value:
            yield from _all_references(item)


def check_sdohcc(bundle: dict):
    """Each required element of the profiles, one by one."""
    Bundle.model_validate(bundle)  # R4 structure and datatypes of every resource
    for entry in bundle["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert entry["fullUrl"] == f"{fhir_base()}/{resource['resourceType']}/{resource['id']}"
        for reference in _all_references(resource):
            _resolves(bundle, reference)
    resources = [e["resource"] for e in bundle["entry"]]
    for task in (r for r in resources if r["resourceType"] == "Task"):
        assert task["status"] in TASK_STATUSES
        assert task["intent"] == "order"
        assert {"system": "http://hl7.org/fhir/CodeSystem/task-code", "code": "fulfill"}.items() \
            <= task["code"]["coding"][0].items()
        _resolves(bundle, task["focus"], "ServiceRequest")
        _resolves(bundle, task["for"], "Patient", "Group", "RelatedPerson")
        assert task["authoredOn"]
        requester = _resolves(bundle, task["requester"], "PractitionerRole", "Organization")
        if requester["resourceType"] == "PractitionerRole":
            _resolves(bundle, requester["practitioner"], "Practitioner")
            _resolves(bundle, requester["organization"], "Organization")
        assert _resolves(bundle, task["owner"], "Organization")["name"]
        assert task["businessStatus"]["coding"][0]["code"]
        if "statusReason" in task:
            assert task["statusReason"]["text"]
        if task["status"] == "rejected":
            assert task["statusReason"]["text"]
    for request in (r for r in resources if r["resourceType"] == "ServiceRequest"):
        assert request["status"] and request["intent"]
        assert request["code"]["coding"][0]["system"] == "http://snomed.info/sct"
        _resolves(bundle, request["subject"], "Patient")
        assert request["authoredOn"]
        _resolves(bundle, request["requester"], "PractitionerRole", "Organization")
        categories = {c["coding"][0]["system"] for c in request["category"]}
        assert "http://snomed.info/sct" in categories
        assert "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes" in categories
        for performer in request["performer"]:
            _resolves(bundle, performer, "Organization")
    for goal in (r for r in resources if r["resourceType"] == "Goal"):
        assert goal["description"]["coding"] and goal["lifecycleStatus"]
    for observation in (r for r in resources if r["resourceType"] == "Observation"):
        assert observation["status"] == "final" and observation["code"]["coding"]
        assert "valueQuantity" in observation and observation["effectiveDateTime"]
        if observation["code"]["text"].startswith("Barthel") or observation["code"]["coding"][-1]["code"] == \
                "barthel":
            assert observation["code"]["coding"][0] == {"system": "http://loinc.org", "code": "96761-2",
                                                         "display": "Total score Barthel Index"}
    assert "urn:ambito" not in json.dumps(bundle)


def test_every_demo_bundle_validates_and_meets_the_sdohcc_cardinalities(demo_with):
    demo_with("network", "access", "care")  # a bundle holds nothing of the plan
    persons = Person.objects.filter(pk__in=Referral.objects.values("person_id"))
    assert persons.count() >= 3
    seen = {"Task": 0, "Observation": 0, "Goal": 0, "PractitionerRole": 0, "Organization": 0, "CarePlan": 0}
    codes = set()
    for person in persons:
        bundle = person_bundle_for(person)
        check_sdohcc(bundle)
        for entry in bundle["entry"]:
            kind = entry["resource"]["resourceType"]
            seen[kind] = seen.get(kind, 0) + 1
            if kind == "Observation":
                codes.add(entry["resource"]["code"]["coding"][0]["code"])
    assert all(seen.values()), seen
    assert "96761-2" in codes


def test_the_bundle_answers_the_media_type_fhir_clients_ask_for(care_demo, client_as):
    referral = accepted_referral(care_demo)
    client = client_as("sw.monza")
    url = f"/api/v1/persons/{referral.person_id}/fhir/"
    fhir = client.get(url, HTTP_ACCEPT=FHIR_JSON)
    assert fhir.status_code == 200 and fhir["Content-Type"].startswith(FHIR_JSON)
    check_sdohcc(fhir.json())
    plain = client.get(url, HTTP_ACCEPT="application/json")
    assert plain.status_code == 200 and plain["Content-Type"].startswith("application/json")
    assert client.get(url + "?_format=json", HTTP_ACCEPT="application/xml")["Content-Type"].startswith(FHIR_JSON)
    assert client.get(url + "?_format=application/json")["Content-Type"].startswith("application/json")
    xml = client.get(url, HTTP_ACCEPT="application/fhir+xml")
    assert xml.status_code == 406 and xml.json()["resourceType"] == "OperationOutcome"
    assert client.get(url + "?_format=xml").status_code == 406
    task = client.get(f"/api/v1/fhir/Task/referral-{referral.pk}", HTTP_ACCEPT=FHIR_JSON)
    assert task.status_code == 200 and task.json()["status"] == "accepted" and task["ETag"] == \
        f'W/"{referral.version}"'


def test_the_fhir_base_has_a_capability_statement_and_the_code_systems_resolve(care_demo, client):
    for url in ("/api/v1/fhir", "/api/v1/fhir/metadata", "/api/v1/fhir/metadata?_format=json"):
        response = client.get(url, HTTP_ACCEPT=FHIR_JSON)
        assert response.status_code == 200 and response["Content-Type"].startswith(FHIR_JSON)
        statement = get_fhir_model_class("CapabilityStatement").model_validate(response.json())
        assert statement.fhirVersion == "4.0.1"
        task = next(r for r in statement.rest[0].resource if r.type == "Task")
        assert {i.code for i in task.interaction} == {"read", "update", "patch"}
    referral = accepted_referral(care_demo)
    client.force_login(care_demo.users["sw.monza"])
    bundle = client.get(f"/api/v1/persons/{referral.person_id}/fhir/").json()
    client.logout()
    systems = {c["system"] for c in _codings(bundle) if c["system"].startswith(fhir_base())}
    assert f"{fhir_base()}/CodeSystem/service" in systems
    for system in systems:
        code_system = client.get(system.removeprefix(fhir_base().removesuffix("/api/v1/fhir")))
        assert code_system.status_code == 200, system
        resource = get_fhir_model_class("CodeSystem").model_validate(code_system.json())
        assert resource.url == system
        used = {c["code"] for c in _codings(bundle) if c["system"] == system}
        assert used <= {concept.code for concept in resource.concept}, system
    assert client.get("/api/v1/fhir/CodeSystem/nothing").json()["resourceType"] == "OperationOutcome"


def _codings(value):
    if isinstance(value, dict):
        if "system" in value and "code" in value:
            yield value
        for item in value.values():
            yield from _codings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _codings(item)


def _put(client, referral, **changes):
    task = client.get(f"/api/v1/fhir/Task/referral-{referral.pk}").json()
    task.update(changes)
    return client.put(f"/api/v1/fhir/Task/referral-{referral.pk}", json.dumps(task), content_type=FHIR_JSON)


def _patch(client, referral, operations, **headers):
    return client.patch(f"/api/v1/fhir/Task/referral-{referral.pk}", json.dumps(operations),
                        content_type="application/json-patch+json", **headers)


def test_a_provider_system_moves_the_referral_through_its_loop_with_fhir_updates(care_demo, client_as):
    _plan, intervention = signed_plan(care_demo)
    referral = services.referral_send(actor=care_demo.users["sw.monza"], intervention=intervention)
    provider = client_as("ets.operator")
    accepted = _put(provider, referral, status="accepted")
    assert accepted.status_code == 200 and accepted["Content-Type"].startswith(FHIR_JSON)
    assert accepted.json()["status"] == "accepted" and accepted.json()["businessStatus"]["coding"][0]["code"] \
        == "accepted"
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED and referral.answered_via == AnswerChannel.API
    assert referral.status_changes.filter(to_status="accepted", actor=care_demo.users["ets.operator"]).exists()
    assert AccessLog.objects.filter(user=care_demo.users["ets.operator"], action="update",
                                    purpose="referral accepted").exists()
    stale = _patch(provider, referral, [{"op": "replace", "path": "/status", "value": "in-progress"}],
                   HTTP_IF_MATCH='W/"1"')
    assert stale.status_code == 412 and stale.json()["resourceType"] == "OperationOutcome"
    started = _patch(provider, referral, [{"op": "test", "path": "/status", "value": "accepted"},
                                          {"op": "replace", "path": "/status", "value": "in-progress"}],
                     HTTP_IF_MATCH=f'W/"{referral.version}"')
    assert started.status_code == 200 and started.json()["status"] == "in-progress"
    completed = _patch(provider, referral, [{"op": "replace", "path": "/status", "value": "completed"},
                                            {"op": "add", "path": "/note", "value": [{"text": "Ciclo concluso"}]}])
    assert completed.status_code == 200
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED and referral.outcome_note == "Ciclo concluso"
    assert completed.json()["note"] == [{"text": "Ciclo concluso"}]
    assert list(referral.status_changes.values_list("to_status", flat=True).order_by("at", "pk")) == \
        ["sent", "accepted", "in_progress", "completed"]
    back = _put(provider, referral, status="accepted")
    assert back.status_code in (409, 422) and back.json()["resourceType"] == "OperationOutcome"


def test_a_rejection_carries_its_reason(care_demo, client_as):
    _plan, intervention = signed_plan(care_demo)
    referral = services.referral_send(actor=care_demo.users["sw.monza"], intervention=intervention)
    provider = client_as("ets.operator")
    no_reason = _put(provider, referral, status="rejected")
    assert no_reason.status_code == 422 and no_reason.json()["issue"][0]["code"] == "business-rule"
    rejected = _put(provider, referral, status="rejected", statusReason={
        "coding": [{"system": f"{fhir_base()}/CodeSystem/decline-reason", "code": "no_capacity"}],
        "text": "Posti esauriti fino a marzo"})
    assert rejected.status_code == 200, rejected.content
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED and referral.decline_reason == "no_capacity"
    assert referral.decline_note == "Posti esauriti fino a marzo"
    assert rejected.json()["statusReason"]["coding"][0]["code"] == "no_capacity"


def test_a_forbidden_update_is_refused_with_an_operation_outcome(care_demo, client_as):
    _plan, intervention = signed_plan(care_demo)
    referral = services.referral_send(actor=care_demo.users["sw.monza"], intervention=intervention)
    outsider = _put(client_as("sw.brugherio"), referral, status="accepted")
    assert outsider.status_code == 403 and outsider["Content-Type"].startswith(FHIR_JSON)
    assert outsider.json()["resourceType"] == "OperationOutcome" and outsider.json()["issue"][0]["code"] == \
        "forbidden"
    assert AccessLog.objects.filter(user=care_demo.users["sw.brugherio"], action="denied").exists()
    # the case team reads the Task but may not answer in the provider's place
    team = _put(client_as("sw.monza"), referral, status="accepted")
    assert team.status_code == 403 and team.json()["resourceType"] == "OperationOutcome"
    skipped = _put(client_as("ets.operator"), referral, status="completed")
    assert skipped.status_code == 422 and skipped.json()["resourceType"] == "OperationOutcome"
    bogus = _put(client_as("ets.operator"), referral, status="ready")
    assert bogus.status_code == 422
    client = client_as("ets.operator")
    client.logout()
    anonymous = client.put(f"/api/v1/fhir/Task/referral-{referral.pk}", "{}", content_type=FHIR_JSON)
    assert anonymous.status_code in (401, 403) and anonymous.json()["resourceType"] == "OperationOutcome"
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_the_bundle_reads_in_a_fixed_number_of_queries(care_demo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = accepted_referral(care_demo)
    with CaptureQueriesContext(connection) as one:
        person_bundle_for(first.person)
    for _ in range(2):
        _plan, intervention = signed_plan(care_demo, who=first.person)
        services.referral_send(actor=care_demo.users["sw.monza"], intervention=intervention)
    with CaptureQueriesContext(connection) as three:
        bundle = person_bundle_for(first.person)
    assert sum(e["resource"]["resourceType"] == "Task" for e in bundle["entry"]) == 3
    assert len(three) == len(one)
