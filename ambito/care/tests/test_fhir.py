"""FHIR R4 by the HL7 SDOH Clinical Care referral profiles: every demo Bundle validates with fhir.resources and
meets the SDOHCC Task For Referral Management and ServiceRequest cardinalities; content negotiation; the
closed loop driven by a partner system through a FHIR update of the Task."""

import json
from collections.abc import Callable
from dataclasses import dataclass

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
SDOHCC = "http://hl7.org/fhir/us/sdoh-clinicalcare"
SDOHCC_CODES = f"{SDOHCC}/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"
US_CORE_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/us-core-category"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
SNOMED = "http://snomed.info/sct"
DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"

# --- The profiles' constraints ---------------------------------------------------------------------------
# Transcribed from the official sources (their files are not vendored): HL7 SDOH Clinical Care STU3 (3.0.0),
# repository HL7/fhir-sdoh-clinicalcare at commit 6604b7ac, input/fsh/profiles/SDOHCC{TaskForReferralManagement,
# ServiceRequest,ObservationAssessment,Goal,PractitionerRole}.fsh and input/fsh/valuesets/SDOHCCValueSet
# {ReferralTaskStatus,SDOHCategory}.fsh; and the US Core 7.0.0 profiles they derive from or reference (repository
# HL7/US-Core, tag 7.0.0, input/resources/StructureDefinition-us-core-{servicerequest,simple-observation,goal,
# practitionerrole,practitioner,organization,patient}.json, differentials). Listed: every element whose minimum
# cardinality is 1 or more (with the R4 base's where the profile leans on them), fixed and pattern values,
# reference targets, the required bindings on codes Ambito sends, and the error-level invariants. The generated
# StructureDefinitions (snapshots) are only in the published package, which this workplace cannot download.

# SDOHCC-ValueSetReferralTaskStatus: TaskStatus less ready and received
REFERRAL_TASK_STATUS = frozenset({"draft", "requested", "accepted", "rejected", "cancelled", "on-hold",
                                  "in-progress", "failed", "completed", "entered-in-error"})
# SDOHCC-ValueSetSDOHCategory
SDOH_CATEGORY = frozenset({
    "sdoh-category-unspecified", "food-insecurity", "housing-instability", "homelessness", "inadequate-housing",
    "transportation-insecurity", "financial-insecurity", "material-hardship", "educational-attainment",
    "employment-status", "veteran-status", "stress", "social-connection", "intimate-partner-violence",
    "elder-abuse", "personal-health-literacy", "health-insurance-coverage-status", "medical-cost-burden",
    "digital-literacy", "digital-access", "utility-insecurity", "incarceration-status", "language-access",
    "protective-factor"})
GOAL_STATUS = frozenset({"proposed", "planned", "accepted", "active", "on-hold", "completed", "cancelled",
                         "entered-in-error", "rejected"})


@dataclass(frozen=True)
class Need:
    """``path`` (dotted, through lists) has at least ``min`` values in each element at ``within`` (the whole
    resource when empty); ``targets``: the resource types its references may point to (resolved in the Bundle);
    ``values``: the values it may take (a fixed value or a required binding); ``pattern``: items one of its
    values must carry."""

    path: str
    within: str = ""
    min: int = 1
    targets: tuple = ()
    values: frozenset | None = None
    pattern: dict | None = None


@dataclass(frozen=True)
class Invariant:
    key: str
    holds: Callable[[dict], bool]


def _codes(concepts, system):
    return [c.get("code") for concept in concepts for c in concept.get("coding", []) if c.get("system") == system]


def _sdoh_categories(resource):  # category[SDOHCC]: SDOHCC-ValueSetSDOHCategory (required)
    return set(_codes(resource.get("category", []), SDOHCC_CODES)) <= SDOH_CATEGORY


PROFILES = {
    "SDOHCC-TaskForReferralManagement": [
        Need("status", values=REFERRAL_TASK_STATUS),
        Need("intent", values=frozenset({"order"})),
        Need("code.coding", pattern={"system": "http://hl7.org/fhir/CodeSystem/task-code", "code": "fulfill"}),
        Need("focus", targets=("ServiceRequest",)),
        Need("for", targets=("Patient", "Group", "RelatedPerson")),
        Need("authoredOn"),
        Need("requester", targets=("PractitionerRole", "Organization")),
        Need("text", within="statusReason"),
        Need("owner", min=0, targets=("Organization", "PractitionerRole", "Practitioner", "CareTeam",
                                      "HealthcareService", "Patient", "Device", "RelatedPerson")),
    ],
    "SDOHCC-ServiceRequest": [  # and US Core ServiceRequest 7.0.0
        Need("status"), Need("intent"),
        Need("code.coding", pattern={"system": SNOMED}),  # us-core-procedure-code (required): SNOMED CT procedures
        Need("subject", targets=("Patient", "Group", "Location")),
        Need("valueReference", within="extension", targets=("Goal",)),  # pertainsToGoal, the only extension
        Need("basedOn", min=0, targets=("CarePlan", "ServiceRequest")),
        Need("requester", min=0, targets=("RelatedPerson", "Device", "PractitionerRole", "Practitioner",
                                          "Patient", "Organization")),
        Need("performer", min=0, targets=("HealthcareService", "Device", "RelatedPerson", "Patient",
                                          "Practitioner", "PractitionerRole", "Organization", "CareTeam")),
        Invariant("category[SDOHCC] in SDOHCC-ValueSetSDOHCategory", _sdoh_categories),
    ],
    "SDOHCC-ObservationAssessment": [  # and US Core Simple Observation 7.0.0
        Need("status"), Need("code.coding"), Need("category"),
        Need("subject", targets=("Patient", "Group")),
        Invariant("category[us-core] 1..*", lambda r: bool(
            _codes(r["category"], US_CORE_CATEGORY) + _codes(r["category"], OBSERVATION_CATEGORY))),
        Invariant("SDOH-Obs-4", lambda r: "sdoh" in _codes(r["category"], US_CORE_CATEGORY)),
        Invariant("us-core-2", lambda r: any(k.startswith("value") for k in r)
                  or bool({"dataAbsentReason", "component", "hasMember"} & set(r))),
        Invariant("category[SDOHCC] in SDOHCC-ValueSetSDOHCategory", _sdoh_categories),
    ],
    "SDOHCC-Goal": [  # and US Core Goal 7.0.0
        Need("lifecycleStatus", values=GOAL_STATUS), Need("description"),
        Need("subject", targets=("Patient",)),
        Need("addresses", min=0, targets=("Condition", "Observation", "RiskAssessment")),
        Invariant("category[SDOHCC] in SDOHCC-ValueSetSDOHCategory", _sdoh_categories),
    ],
    "SDOHCC-practitionerrole": [  # and US Core PractitionerRole 7.0.0
        Need("practitioner", targets=("Practitioner",)), Need("organization", targets=("Organization",)),
        Need("system", within="telecom"), Need("value", within="telecom"),
        Invariant("pd-1", lambda r: bool(r.get("telecom") or r.get("endpoint"))),
        Invariant("us-core-13", lambda r: bool({"practitioner", "organization", "healthcareService", "location"}
                                                & set(r))),
    ],
    # US Core profiles the SDOHCC ones reference (Task.for, ServiceRequest.subject, requester, practitioner)
    "Patient": [
        Need("identifier"), Need("system", within="identifier"), Need("value", within="identifier"),
        Need("name"), Need("system", within="telecom"), Need("value", within="telecom"),
        Need("gender", min=0, values=frozenset({"male", "female", "other", "unknown"})),
        Invariant("us-core-6", lambda r: all(
            bool(n.get("family") or n.get("given")) != any(
                e["url"] == DATA_ABSENT_REASON for e in n.get("extension", [])) for n in r["name"])),
        Invariant("gender 1..1", lambda r: "gender" in r or "_gender" in r),
    ],
    "Practitioner": [
        Need("identifier"), Need("system", within="identifier"), Need("value", within="identifier"),
        Need("name"), Invariant("name.family 1..1", lambda r: all("family" in n or "_family" in n
                                                                  for n in r["name"])),
    ],
    "Organization": [Need("active"), Need("name")],
}


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


def _at(value, path: str) -> list:
    """The values at a dotted path, through lists."""
    values = value if isinstance(value, list) else [value]
    for name in filter(None, path.split(".")):
        values = [item for parent in values if isinstance(parent, dict) and name in parent
                  for item in (parent[name] if isinstance(parent[name], list) else [parent[name]])]
    return values


def _meets(bundle: dict, resource: dict, rule, profile: str):
    where = f"{resource['resourceType']}/{resource['id']} ({profile})"
    if isinstance(rule, Invariant):
        assert rule.holds(resource), f"{where}: {rule.key}"
        return
    for element in _at(resource, rule.within) if rule.within else [resource]:
        values = _at(element, rule.path)
        assert len(values) >= rule.min, f"{where}: {rule.within}.{rule.path} needs {rule.min}"
        for value in values:
            assert rule.values is None or value in rule.values, f"{where}: {rule.path} = {value}"
            if rule.targets:
                _resolves(bundle, value, *rule.targets)
        if rule.pattern:
            assert any(rule.pattern.items() <= value.items() for value in values), f"{where}: {rule.path}"


def check_sdohcc(bundle: dict) -> dict:
    """The Bundle is R4 and each resource meets the constraints of the profiles it claims (``meta.profile``) and
    of the US Core profiles the SDOHCC ones reference (``PROFILES``), then what the issue asks beyond them.
    Answers how many resources each profile's rules were checked on."""
    Bundle.model_validate(bundle)  # R4 structure, datatypes and base cardinalities of every resource
    checked = {}
    for entry in bundle["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert entry["fullUrl"] == f"{fhir_base()}/{resource['resourceType']}/{resource['id']}"
        for reference in _all_references(resource):
            _resolves(bundle, reference)
        profiles = [url.rsplit("/", 1)[1] for url in resource.get("meta", {}).get("profile", [])]
        assert set(profiles) <= set(PROFILES), profiles  # no claimed profile goes unchecked
        for profile in profiles + [resource["resourceType"]] * (resource["resourceType"] in PROFILES):
            for rule in PROFILES[profile]:
                _meets(bundle, resource, rule, profile)
            checked[profile] = checked.get(profile, 0) + 1
    resources = [e["resource"] for e in bundle["entry"]]
    for task in (r for r in resources if r["resourceType"] == "Task"):
        assert task["meta"]["profile"] == [f"{SDOHCC}/StructureDefinition/SDOHCC-TaskForReferralManagement"]
        assert _resolves(bundle, task["owner"], "Organization")["name"]
        assert task["businessStatus"]["coding"][0]["code"]
        if task["status"] == "rejected":  # the profile: statusReason.text "should" be there
            assert task["statusReason"]["text"]
    for request in (r for r in resources if r["resourceType"] == "ServiceRequest"):
        assert request["meta"]["profile"] == [f"{SDOHCC}/StructureDefinition/SDOHCC-ServiceRequest"]
        assert request["authoredOn"] and request["requester"]
        assert request["code"]["coding"][0] == {"system": SNOMED, "code": "410606002",
                                                "display": "Social service procedure"}
        assert {SNOMED, SDOHCC_CODES} <= {c["coding"][0]["system"] for c in request["category"]}
        for performer in request["performer"]:
            _resolves(bundle, performer, "Organization")
    for goal in (r for r in resources if r["resourceType"] == "Goal"):
        assert goal["description"]["coding"]
    for observation in (r for r in resources if r["resourceType"] == "Observation"):
        assert observation["status"] == "final" and observation["code"]["coding"]
        assert "valueQuantity" in observation and observation["effectiveDateTime"]
        if observation["code"]["text"].startswith("Barthel") or observation["code"]["coding"][-1]["code"] == \
                "barthel":
            assert observation["code"]["coding"][0] == {"system": "http://loinc.org", "code": "96761-2",
                                                         "display": "Total score Barthel Index"}
    assert "urn:ambito" not in json.dumps(bundle)
    return checked


def _the_check_finds_what_a_bundle_leaves_out(bundle: dict):
    """The check itself: each gap below passes R4 validation and is caught by a profile's rule."""

    def broken(kind, change):
        changed = json.loads(json.dumps(bundle))
        change(next(e["resource"] for e in changed["entry"] if e["resource"]["resourceType"] == kind))
        with pytest.raises(AssertionError):
            check_sdohcc(changed)

    broken("Task", lambda r: r.pop("authoredOn"))
    broken("Task", lambda r: r.update(status="ready"))
    broken("Task", lambda r: r["code"]["coding"][0].update(code="approve"))
    broken("Task", lambda r: r.update(statusReason={"coding": r["businessStatus"]["coding"]}))
    broken("Task", lambda r: r.update(requester=r["for"]))
    broken("ServiceRequest", lambda r: r.update(subject=r["requester"]))
    broken("ServiceRequest", lambda r: r["category"][1]["coding"][0].update(code="loneliness"))
    broken("Observation", lambda r: r["category"].pop(1))
    broken("Goal", lambda r: r.update(subject=r["category"] and {"reference": r["id"].join(["Goal/", ""])}))
    broken("PractitionerRole", lambda r: r.pop("telecom"))
    broken("PractitionerRole", lambda r: r.pop("organization"))
    broken("Patient", lambda r: r.pop("_gender"))
    broken("Patient", lambda r: r["name"][0].update(family="Rossi"))
    broken("Practitioner", lambda r: r.pop("name"))


def test_every_demo_bundle_validates_and_meets_the_sdohcc_cardinalities(demo_with):
    demo_with("network", "access", "care")  # a bundle holds nothing of the plan
    persons = Person.objects.filter(pk__in=Referral.objects.values("person_id"))
    assert persons.count() >= 3
    seen = {"Task": 0, "Observation": 0, "Goal": 0, "PractitionerRole": 0, "Organization": 0, "CarePlan": 0}
    codes, checked, richest = set(), set(), None
    for person in persons:
        bundle = person_bundle_for(person)
        checked |= set(check_sdohcc(bundle))
        kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
        if richest is None or len(kinds) > len(richest[0]):
            richest = (kinds, bundle)
        for entry in bundle["entry"]:
            kind = entry["resource"]["resourceType"]
            seen[kind] = seen.get(kind, 0) + 1
            if kind == "Observation":
                codes.add(entry["resource"]["code"]["coding"][0]["code"])
    assert all(seen.values()), seen
    assert "96761-2" in codes
    assert set(checked) == set(PROFILES), checked  # every profile's rules ran on the demo's resources
    _the_check_finds_what_a_bundle_leaves_out(richest[1])


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
