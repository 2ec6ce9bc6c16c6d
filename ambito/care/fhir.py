"""HL7 FHIR R4 export of a person's care, shaped by the HL7 SDOH Clinical Care guide (the Gravity Project's
referral profiles, http://hl7.org/fhir/us/sdoh-clinicalcare), so a health system can route the referrals:

- ``Patient``: the pseudonym as its only identifier (no name, birth date or codice fiscale leave the system);
- ``Observation`` per scored scale of the person's assessments (SDOHCC Observation Assessment): LOINC where a
  code exists (96761-2, Barthel Index total), else the Ambito's own ``scale`` CodeSystem;
- ``CarePlan`` per PAI, its coded ``Goal`` resources (addressing the assessment's observations) and one
  ``ServiceRequest`` per planned intervention (SDOHCC ServiceRequest: subject, requester, authoredOn,
  category, code, performer);
- ``Task`` per referral (SDOHCC Task For Referral Management: ``code = fulfill``, ``intent = order``, focus on
  the ServiceRequest, ``for``, ``authoredOn``, ``requester`` a PractitionerRole, ``owner`` the provider's
  Organization) whose ``status`` and ``businessStatus`` follow the referral's closed loop;
- the ``Organization``, ``Practitioner`` and ``PractitionerRole`` resources those reference.

Every resource has a RESTful ``fullUrl`` under the FHIR base and references are relative (``Task/referral-3``),
so every reference resolves inside the Bundle. Codes the Ambito owns live in CodeSystems whose canonical URL is
their address on the FHIR base (``CodeSystem/{id}``, served by ``fhir_api``), never a private ``urn:``.

Plain dictionaries: the tests validate them against the ``fhir.resources`` R4 models (a dev dependency)."""

from django.conf import settings
from django.utils import timezone

from ambito.care.models import CarePlanStatus, DeclineReason, GoalStatus, ReferralStatus

FHIR_VERSION = "4.0.1"
SDOHCC = "http://hl7.org/fhir/us/sdoh-clinicalcare"
SDOHCC_CODES = f"{SDOHCC}/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"
SDOHCC_TASK_PROFILE = f"{SDOHCC}/StructureDefinition/SDOHCC-TaskForReferralManagement"
SDOHCC_SERVICE_REQUEST_PROFILE = f"{SDOHCC}/StructureDefinition/SDOHCC-ServiceRequest"
SDOHCC_GOAL_PROFILE = f"{SDOHCC}/StructureDefinition/SDOHCC-Goal"
SDOHCC_OBSERVATION_PROFILE = f"{SDOHCC}/StructureDefinition/SDOHCC-ObservationAssessment"
SDOHCC_PRACTITIONER_ROLE_PROFILE = f"{SDOHCC}/StructureDefinition/SDOHCC-practitionerrole"
TASK_CODE = "http://hl7.org/fhir/CodeSystem/task-code"
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
CODICE_FISCALE = "http://hl7.it/sid/codiceFiscale"
DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
SOCIAL_SERVICE_PROCEDURE = {"system": SNOMED, "code": "410606002", "display": "Social service procedure"}
# Scales with a LOINC code for their total; the others are coded in the Ambito's own ``scale`` CodeSystem.
LOINC_SCALES = {"barthel": ("96761-2", "Total score Barthel Index")}
# Area of the plan → SDOHCC category (SDOHCC-ValueSetSDOHCategory); the rest is "unspecified".
SDOH_CATEGORY = {"poverta": ("financial-insecurity", "Financial Insecurity")}

CAREPLAN_STATUS = {CarePlanStatus.DRAFT: "draft", CarePlanStatus.ACTIVE: "active", CarePlanStatus.CLOSED: "completed"}
GOAL_LIFECYCLE = {GoalStatus.OPEN: "active", GoalStatus.DROPPED: "cancelled"}
GOAL_ACHIEVEMENT = {GoalStatus.OPEN: "in-progress", GoalStatus.ACHIEVED: "achieved",
                    GoalStatus.PARTLY: "improving", GoalStatus.NOT_ACHIEVED: "not-achieved"}
# The referral loop as Task.status (SDOHCC-ValueSetReferralTaskStatus: TaskStatus without ready/received).
TASK_STATUS = {
    ReferralStatus.SENT: "requested",
    ReferralStatus.ACCEPTED: "accepted",
    ReferralStatus.DECLINED: "rejected",
    ReferralStatus.IN_PROGRESS: "in-progress",
    ReferralStatus.COMPLETED: "completed",
    ReferralStatus.CANCELLED: "cancelled",
}
REFERRAL_STATUS = {value: key for key, value in TASK_STATUS.items()}
SERVICE_REQUEST_STATUS = {
    ReferralStatus.SENT: "active", ReferralStatus.ACCEPTED: "active", ReferralStatus.IN_PROGRESS: "active",
    ReferralStatus.COMPLETED: "completed", ReferralStatus.DECLINED: "revoked", ReferralStatus.CANCELLED: "revoked",
}


def fhir_base() -> str:
    return f"{settings.SITE_URL}/api/v1/fhir"


def _masked() -> dict:
    """A value Ambito has but does not give: the Patient is the pseudonym alone (US Core Patient's name and
    gender say so with the data-absent-reason ``masked``)."""
    return {"extension": [{"url": DATA_ABSENT_REASON, "valueCode": "masked"}]}


def code_system_url(name: str) -> str:
    """Canonical URL of one of the Ambito's CodeSystems (``scale``, ``care-area``, ``service``,
    ``referral-status``, ``decline-reason``): its address on the FHIR base."""
    return f"{fhir_base()}/CodeSystem/{name}"


def identifier_system(name: str) -> str:
    return f"{fhir_base()}/sid/{name}"


def _dt(value) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _ref(resource: dict) -> dict:
    return {"reference": f"{resource['resourceType']}/{resource['id']}"}


def _category(area: str) -> dict:
    code, display = SDOH_CATEGORY.get(area, ("sdoh-category-unspecified", "SDOH Category Unspecified"))
    return {"coding": [{"system": SDOHCC_CODES, "code": code, "display": display}]}


def _area(plan) -> dict:
    label = str(plan.get_area_display())
    return {"coding": [{"system": code_system_url("care-area"), "code": plan.area, "display": label}], "text": label}


def organization(org) -> dict:
    """An ``accounts.Organisation`` (Comune, ASL, ETS…) as a FHIR Organization."""
    resource = {"resourceType": "Organization", "id": f"org-{org.pk}", "active": bool(org.active),
                "identifier": [{"system": identifier_system("organisation"), "value": str(org.pk)}],
                "type": [{"coding": [{"system": code_system_url("organisation-kind"), "code": org.kind}],
                          "text": str(org.get_kind_display())}],
                "name": org.name}
    if org.tax_code:
        resource["identifier"].append({"system": CODICE_FISCALE, "value": org.tax_code})
    telecom = [{"system": system, "value": value} for system, value in
               (("phone", org.phone), ("email", org.email), ("url", org.website)) if value]
    if telecom:
        resource["telecom"] = telecom
    return resource


def comune_organization(comune) -> dict:
    """The Comune as an Organization: its own ``Organisation`` where it has one, else from its ISTAT data."""
    org = getattr(comune, "organisation", None)
    if org is not None:
        return organization(org)
    return {"resourceType": "Organization", "id": f"comune-{comune.istat_code}", "active": True,
            "identifier": [{"system": identifier_system("istat-comune"), "value": comune.istat_code}],
            "name": f"Comune di {comune.name}"}


def _membership(user, comune):
    """The user's active membership that best names who acts for the Comune (its own organisation first)."""
    memberships = [m for m in user.memberships.all() if m.active]
    memberships.sort(key=lambda m: (m.organisation.comune_id != comune.pk, m.pk))
    return memberships[0] if memberships else None


class _Resources:
    """The Bundle's entries, each resource once (by type and id)."""

    def __init__(self):
        self.entries: dict[tuple, dict] = {}

    def add(self, resource: dict) -> dict:
        self.entries.setdefault((resource["resourceType"], resource["id"]), resource)
        return _ref(resource)

    def requester(self, user, comune) -> dict:
        """A PractitionerRole for the user (with their Practitioner and Organization), or the Comune's
        Organization when nobody is named."""
        membership = _membership(user, comune) if user is not None else None
        if membership is None:
            return self.add(comune_organization(comune))
        org_ref = self.add(organization(membership.organisation))
        practitioner = {"resourceType": "Practitioner", "id": f"practitioner-{user.pk}", "active": user.is_active,
                        "identifier": [{"system": identifier_system("user"), "value": str(user.pk)}]}
        name = user.get_full_name().strip()
        # US Core Practitioner: a name with its family part; an account without a name says it is unknown
        practitioner["name"] = [{"text": name, "family": user.last_name or name,
                                 **({"given": [user.first_name]} if user.first_name else {})} if name else
                                {"_family": {"extension": [{"url": DATA_ABSENT_REASON, "valueCode": "unknown"}]}}]
        practitioner_ref = self.add(practitioner)
        return self.add({
            "resourceType": "PractitionerRole", "id": f"role-{membership.pk}",
            "meta": {"profile": [SDOHCC_PRACTITIONER_ROLE_PROFILE]}, "active": membership.active,
            "practitioner": practitioner_ref, "organization": org_ref,
            "code": [{"coding": [{"system": code_system_url("role"), "code": membership.role}],
                      "text": str(membership.get_role_display())}],
            "telecom": _role_telecom(user, membership.organisation),
        })


def _role_telecom(user, org) -> list[dict]:
    """How to reach the role (US Core PractitionerRole's pd-1: telecom or endpoint): the organisation's phone
    and e-mail, else the user's e-mail, else the Ambito's site, where the referral inbox is answered."""
    telecom = [{"system": system, "value": value, "use": "work"}
               for system, value in (("phone", org.phone), ("email", org.email)) if value]
    if not telecom and user.email:
        telecom = [{"system": "email", "value": user.email, "use": "work"}]
    return telecom or [{"system": "url", "value": settings.SITE_URL, "use": "work"}]


def observation(score, patient_ref) -> dict:
    """A scored scale as an SDOHCC Observation Assessment."""
    scale = score.scale
    if scale.code in LOINC_SCALES:
        loinc, display = LOINC_SCALES[scale.code]
        coding = [{"system": LOINC, "code": loinc, "display": display}]
    else:
        coding = []
    coding.append({"system": code_system_url("scale"), "code": scale.code, "display": scale.name})
    resource = {
        "resourceType": "Observation", "id": f"score-{score.pk}",
        "meta": {"profile": [SDOHCC_OBSERVATION_PROFILE]},
        "status": "final",
        "category": [
            {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "survey",
                         "display": "Survey"}]},
            {"coding": [{"system": "http://hl7.org/fhir/us/core/CodeSystem/us-core-category", "code": "sdoh",
                         "display": "SDOH"}]},
            _category(""),
        ],
        "code": {"coding": coding, "text": scale.name},
        "subject": patient_ref,
        "effectiveDateTime": (score.assessment.held_on.isoformat() if score.assessment.held_on
                              else _dt(score.scored_at)),
        "issued": timezone.localtime(score.scored_at).isoformat(timespec="seconds"),
        "valueQuantity": {"value": float(score.score), "unit": "{score}", "system": UCUM, "code": "{score}"},
        "referenceRange": [{"low": {"value": float(scale.min_score)}, "high": {"value": float(score.max_score)}}],
    }
    if score.band:
        resource["interpretation"] = [{"text": score.band}]
    return resource


def _goal(goal, plan, patient_ref, observation_refs) -> dict:
    resource = {
        "resourceType": "Goal", "id": f"goal-{goal.pk}",
        "meta": {"profile": [SDOHCC_GOAL_PROFILE]},
        "lifecycleStatus": GOAL_LIFECYCLE.get(goal.status, "completed"),
        "category": [_category(plan.area), _area(plan)],
        "description": {"coding": [{"system": code_system_url("care-area"), "code": plan.area,
                                    "display": str(plan.get_area_display())}], "text": goal.description},
        "subject": patient_ref,
        "target": [{"measure": {"text": goal.indicator}, "detailString": goal.target,
                    "dueDate": goal.review_on.isoformat()}],
    }
    measure = goal.indicator.lower()
    for code, (loinc, display) in LOINC_SCALES.items():
        if code in measure:
            resource["target"][0]["measure"]["coding"] = [{"system": LOINC, "code": loinc, "display": display}]
    if goal.status in GOAL_ACHIEVEMENT:
        resource["achievementStatus"] = {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/goal-achievement",
            "code": GOAL_ACHIEVEMENT[goal.status]}], "text": str(goal.get_status_display())}
    if observation_refs:
        resource["addresses"] = list(observation_refs)
    return resource


def service_code(service) -> dict:
    coding = [dict(SOCIAL_SERVICE_PROCEDURE)]
    if service.taxonomy_term_id:
        coding.append({"system": code_system_url("service"), "code": service.taxonomy_term.code,
                       "display": service.taxonomy_term.name})
    return {"coding": coding, "text": service.name}


def task_resource(referral, *, resources: _Resources | None = None) -> dict:
    """A referral as an SDOHCC Task For Referral Management. ``resources`` collects the Organization and
    PractitionerRole it references (a Bundle's); alone, the Task is what ``GET Task/{id}`` answers."""
    resources = resources or _Resources()
    status = ReferralStatus(referral.status)
    task = {
        "resourceType": "Task",
        "id": f"referral-{referral.pk}",
        "meta": {"versionId": str(referral.version), "lastUpdated": _dt(
            referral.completed_at or referral.cancelled_at or referral.started_at or referral.answered_at
            or referral.sent_at), "profile": [SDOHCC_TASK_PROFILE]},
        "status": TASK_STATUS[status],
        "businessStatus": {"coding": [{"system": code_system_url("referral-status"), "code": status.value,
                                       "display": str(status.label)}], "text": str(status.label)},
        "intent": "order",
        "code": {"coding": [{"system": TASK_CODE, "code": "fulfill", "display": "Fulfill the focal request"}]},
        "focus": {"reference": f"ServiceRequest/intervention-{referral.intervention_id}"},
        "for": {"reference": f"Patient/{referral.person.pseudonym.lower()}"},
        "authoredOn": _dt(referral.sent_at),
        "lastModified": _dt(referral.completed_at or referral.cancelled_at or referral.started_at
                            or referral.answered_at or referral.sent_at),
        "requester": resources.requester(referral.sent_by, referral.comune),
        "owner": {**resources.add(organization(referral.provider)), "display": referral.provider.name},
        "description": referral.what_to_deliver,
        "restriction": {"period": {"end": referral.answer_due_on.isoformat()}},
    }
    if status == ReferralStatus.DECLINED:
        label = str(DeclineReason(referral.decline_reason).label) if referral.decline_reason else ""
        task["statusReason"] = {"text": ": ".join(filter(None, [label, referral.decline_note])) or label}
        if referral.decline_reason:
            task["statusReason"]["coding"] = [{"system": code_system_url("decline-reason"),
                                               "code": referral.decline_reason, "display": label}]
    elif status == ReferralStatus.CANCELLED and referral.outcome_note:
        task["statusReason"] = {"text": referral.outcome_note}
    if status == ReferralStatus.COMPLETED and referral.outcome_note:
        task["note"] = [{"text": referral.outcome_note}]
    return task


def person_bundle(*, person, plans, referrals, scores=()) -> dict:
    """Build the Bundle. ``plans`` with goals, interventions (service, taxonomy term, provider), comune
    (organisation) and case manager (memberships) prefetched; ``referrals`` of the same person with provider,
    comune and sender prefetched; ``scores`` the ``ScaleScore`` rows of the person's assessments (scale,
    assessment)."""
    resources = _Resources()
    base = fhir_base()
    patient = {"resourceType": "Patient", "id": person.pseudonym.lower(),
               "identifier": [{"system": identifier_system("pseudonym"), "value": person.pseudonym}],
               "name": [_masked()], "_gender": _masked()}
    patient_ref = resources.add(patient)
    by_assessment: dict[int, list] = {}
    for score in scores:
        by_assessment.setdefault(score.assessment_id, []).append(resources.add(observation(score, patient_ref)))
    latest_by_intervention = {}
    for referral in sorted(referrals, key=lambda r: (r.sent_at, r.pk)):
        latest_by_intervention[referral.intervention_id] = referral
    for plan in plans:
        observation_refs = by_assessment.get(plan.assessment_id, [])
        plan_ref = {"reference": f"CarePlan/careplan-{plan.pk}"}
        goal_refs = [resources.add(_goal(goal, plan, patient_ref, observation_refs)) for goal in plan.goals.all()]
        activity = []
        author = resources.requester(plan.case_manager, plan.comune)
        for intervention in plan.interventions.all():
            referral = latest_by_intervention.get(intervention.pk)
            status = SERVICE_REQUEST_STATUS[referral.status] if referral else (
                "active" if plan.status == CarePlanStatus.ACTIVE else "draft")
            requester = resources.requester(referral.sent_by, referral.comune) if referral else author
            request = {
                "resourceType": "ServiceRequest",
                "id": f"intervention-{intervention.pk}",
                "meta": {"profile": [SDOHCC_SERVICE_REQUEST_PROFILE]},
                "status": status,
                "intent": "plan" if referral is None else "order",
                "category": [{"coding": [dict(SOCIAL_SERVICE_PROCEDURE)]}, _category(plan.area), _area(plan)],
                "code": service_code(intervention.service),
                "subject": patient_ref,
                "basedOn": [plan_ref],
                "authoredOn": _dt(referral.sent_at if referral else plan.created_at),
                "requester": requester,
                "performer": [{**resources.add(organization(intervention.provider)),
                               "display": intervention.provider.name}],
                "occurrencePeriod": {"start": intervention.start_date.isoformat(),
                                     "end": intervention.end_date.isoformat()},
                "quantityQuantity": {"value": float(intervention.intensity),
                                     "unit": str(intervention.get_intensity_unit_display())},
            }
            if goal_refs:
                request["extension"] = [{"url": "http://hl7.org/fhir/StructureDefinition/resource-pertainsToGoal",
                                         "valueReference": ref} for ref in goal_refs]
            if observation_refs:
                request["reasonReference"] = list(observation_refs)
            if intervention.description:
                request["note"] = [{"text": intervention.description}]
            activity.append({"reference": resources.add(request)})
        careplan = {
            "resourceType": "CarePlan",
            "id": f"careplan-{plan.pk}",
            "status": CAREPLAN_STATUS[plan.status],
            "intent": "plan",
            "category": [{"coding": [{"system": "http://hl7.org/fhir/us/core/CodeSystem/careplan-category",
                                      "code": "assess-plan"}]}, _category(plan.area), _area(plan)],
            "title": plan.title,
            "subject": patient_ref,
            "period": {"start": plan.start_date.isoformat(), "end": plan.end_date.isoformat()},
            "created": _dt(plan.created_at),
            "author": author,
        }
        if goal_refs:
            careplan["goal"] = goal_refs
        if activity:
            careplan["activity"] = activity
        if observation_refs:
            careplan["supportingInfo"] = list(observation_refs)
        resources.add(careplan)
    for referral in referrals:
        resources.add(task_resource(referral, resources=resources))
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": _dt(timezone.now()),
        "entry": [{"fullUrl": f"{base}/{kind}/{rid}", "resource": resource}
                  for (kind, rid), resource in resources.entries.items()],
    }
