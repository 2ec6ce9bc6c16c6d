"""HL7 FHIR R4 export of a person's care: a ``collection`` Bundle with

- ``Patient``: the pseudonym as its only identifier (no name, birth date or codice fiscale leave the system);
- ``CarePlan`` per PAI, with its ``Goal`` resources and one ``ServiceRequest`` per planned intervention;
- ``Task`` per referral, whose ``status`` follows the referral loop (requested → accepted / rejected →
  in-progress → completed / cancelled) so health-side systems can follow the closed loop.

Plain dictionaries: the tests validate them against the ``fhir.resources`` R4 models."""

import uuid

from django.utils import timezone

from ambito.care.models import CarePlanStatus, GoalStatus, ReferralStatus

NAMESPACE = uuid.UUID("6f1c1f0e-5f57-4d3a-9d55-0c7c2b1e7a10")
PSEUDONYM_SYSTEM = "urn:ambito:pseudonym"
CAREPLAN_STATUS = {CarePlanStatus.DRAFT: "draft", CarePlanStatus.ACTIVE: "active", CarePlanStatus.CLOSED: "completed"}
GOAL_LIFECYCLE = {GoalStatus.OPEN: "active", GoalStatus.DROPPED: "cancelled"}
GOAL_ACHIEVEMENT = {GoalStatus.OPEN: "in-progress", GoalStatus.ACHIEVED: "achieved",
                    GoalStatus.PARTLY: "improving", GoalStatus.NOT_ACHIEVED: "not-achieved"}
TASK_STATUS = {
    ReferralStatus.SENT: "requested",
    ReferralStatus.ACCEPTED: "accepted",
    ReferralStatus.DECLINED: "rejected",
    ReferralStatus.IN_PROGRESS: "in-progress",
    ReferralStatus.COMPLETED: "completed",
    ReferralStatus.CANCELLED: "cancelled",
}
SERVICE_REQUEST_STATUS = {
    ReferralStatus.SENT: "active", ReferralStatus.ACCEPTED: "active", ReferralStatus.IN_PROGRESS: "active",
    ReferralStatus.COMPLETED: "completed", ReferralStatus.DECLINED: "revoked", ReferralStatus.CANCELLED: "revoked",
}


def _urn(kind: str, pk) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{kind}:{pk}')}"


def _dt(value) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _entry(full_url: str, resource: dict) -> dict:
    return {"fullUrl": full_url, "resource": resource}


def person_bundle(*, person, plans, referrals) -> dict:
    """Build the Bundle. ``plans`` with goals and interventions prefetched; ``referrals`` of the same person."""
    patient_url = _urn("patient", person.pk)
    entries = [_entry(patient_url, {
        "resourceType": "Patient",
        "id": person.pseudonym.lower(),
        "identifier": [{"system": PSEUDONYM_SYSTEM, "value": person.pseudonym}],
    })]
    latest_by_intervention = {}
    for referral in sorted(referrals, key=lambda r: (r.sent_at, r.pk)):
        latest_by_intervention[referral.intervention_id] = referral
    for plan in plans:
        plan_url = _urn("careplan", plan.pk)
        goal_urls, activity = [], []
        for goal in plan.goals.all():
            url = _urn("goal", goal.pk)
            goal_urls.append(url)
            resource = {
                "resourceType": "Goal",
                "id": f"goal-{goal.pk}",
                "lifecycleStatus": GOAL_LIFECYCLE.get(goal.status, "completed"),
                "description": {"text": goal.description},
                "subject": {"reference": patient_url},
                "target": [{"measure": {"text": goal.indicator}, "detailString": goal.target,
                            "dueDate": goal.review_on.isoformat()}],
            }
            if goal.status in GOAL_ACHIEVEMENT:
                resource["achievementStatus"] = {"coding": [{
                    "system": "http://terminology.hl7.org/CodeSystem/goal-achievement",
                    "code": GOAL_ACHIEVEMENT[goal.status]}], "text": str(goal.get_status_display())}
            entries.append(_entry(url, resource))
        for intervention in plan.interventions.all():
            url = _urn("servicerequest", intervention.pk)
            activity.append({"reference": {"reference": url}})
            referral = latest_by_intervention.get(intervention.pk)
            status = SERVICE_REQUEST_STATUS[referral.status] if referral else (
                "active" if plan.status == CarePlanStatus.ACTIVE else "draft")
            code = {"text": intervention.service.name}
            if intervention.service.taxonomy_term_id:
                code["coding"] = [{"system": "urn:ambito:nomenclatore-cisis",
                                   "code": intervention.service.taxonomy_term.code}]
            entries.append(_entry(url, {
                "resourceType": "ServiceRequest",
                "id": f"intervention-{intervention.pk}",
                "status": status,
                "intent": "plan" if referral is None else "order",
                "code": code,
                "subject": {"reference": patient_url},
                "occurrencePeriod": {"start": intervention.start_date.isoformat(),
                                     "end": intervention.end_date.isoformat()},
                "quantityQuantity": {"value": float(intervention.intensity),
                                     "unit": str(intervention.get_intensity_unit_display())},
                "performer": [{"display": intervention.provider.name}],
                "note": [{"text": intervention.description}],
            }))
        entries.append(_entry(plan_url, {
            "resourceType": "CarePlan",
            "id": f"careplan-{plan.pk}",
            "status": CAREPLAN_STATUS[plan.status],
            "intent": "plan",
            "title": plan.title,
            "subject": {"reference": patient_url},
            "period": {"start": plan.start_date.isoformat(), "end": plan.end_date.isoformat()},
            "created": _dt(plan.created_at),
            "goal": [{"reference": url} for url in goal_urls],
            "activity": activity,
        }))
    for referral in referrals:
        task = {
            "resourceType": "Task",
            "id": f"referral-{referral.pk}",
            "status": TASK_STATUS[referral.status],
            "intent": "order",
            "focus": {"reference": _urn("servicerequest", referral.intervention_id)},
            "for": {"reference": patient_url},
            "authoredOn": _dt(referral.sent_at),
            "lastModified": _dt(referral.completed_at or referral.cancelled_at or referral.started_at
                                or referral.answered_at or referral.sent_at),
            "owner": {"display": referral.provider.name},
            "businessStatus": {"text": str(ReferralStatus(referral.status).label)},
            "restriction": {"period": {"end": referral.answer_due_on.isoformat()}},
        }
        if referral.status == ReferralStatus.DECLINED:
            task["statusReason"] = {"text": str(referral.get_decline_reason_display())}
        entries.append(_entry(_urn("task", referral.pk), task))
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": _dt(timezone.now()),
        "entry": entries,
    }
