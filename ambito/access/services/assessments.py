"""UVM assessments (*Unità di Valutazione Multidimensionale*): schedule, score, decide."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ambito.access import rules as access_rules
from ambito.access.models import (
    AccessRequest,
    Assessment,
    AssessmentDecision,
    AssessmentStatus,
    RequestStatus,
    Scale,
    ScaleScore,
)
from ambito.access.scoring import score_answers
from ambito.access.services.requests import _transition
from ambito.accounts.models import AccessAction
from ambito.accounts.services import access_deny, access_log_record, atomic_service

# --- UVM assessments -----------------------------------------------------------------------------------------


@atomic_service
def assessment_schedule(*, actor, request: AccessRequest, scheduled_for: datetime.date, team: list | None = None,
                        at=None) -> Assessment:
    """Convene a UVM for a triaged request; the request moves to "in assessment"."""
    if not access_rules.can_work_on_request(actor, request):
        access_deny(actor=actor, record=request, purpose="schedule a UVM outside the actor's scope")
    if request.status == RequestStatus.TRIAGED:
        _transition(actor=actor, request=request, to_status=RequestStatus.ASSESSMENT, at=at)
    elif request.status != RequestStatus.ASSESSMENT:
        raise ValidationError(_("A UVM can be scheduled only for a triaged request."), code="bad_transition")
    assessment = Assessment.objects.create(request=request, person_id=request.person_id, scheduled_for=scheduled_for,
                                           team=list(team or []), created_by=actor)
    access_log_record(actor=actor, record=assessment, action=AccessAction.CREATE, purpose="UVM scheduled")
    return assessment


@atomic_service
def assessment_score(*, actor, assessment: Assessment, scale: Scale, answers: dict, at=None) -> ScaleScore:
    """Score one scale of a UVM from the item answers (the system computes; answers outside the options are
    refused and nothing is saved). Scoring again replaces the previous answers until the UVM is completed."""
    if not access_rules.can_work_on_assessment(actor, assessment):
        access_deny(actor=actor, record=assessment, purpose="score a UVM outside the actor's scope")
    if assessment.status == AssessmentStatus.COMPLETED:
        raise ValidationError(_("This assessment is completed: its scales can no longer change."), code="completed")
    result = score_answers(scale, list(scale.items.all()), answers)
    score, _created = ScaleScore.objects.update_or_create(
        assessment=assessment, scale=scale,
        defaults={"answers": {k: str(v) for k, v in answers.items()}, "score": result.score,
                  "max_score": result.max_score, "applicable_items": result.applicable_items,
                  "corrected_score": result.corrected_score, "band": result.band,
                  "scored_at": at or timezone.now(), "scored_by": actor})
    access_log_record(actor=actor, record=assessment, action=AccessAction.UPDATE, purpose=f"scale {scale.code}")
    return score


DECISION_STATUS = {
    AssessmentDecision.CARE_PLAN: RequestStatus.CARE_PLAN,
    AssessmentDecision.SERVICE: RequestStatus.REFERRED,
    AssessmentDecision.INFORMATION: RequestStatus.INFORMATION,
}


@atomic_service
def assessment_complete(*, actor, assessment: Assessment, need_profile: str, intensity: int, decision: str,
                        decision_service=None, notes: str = "", held_on: datetime.date | None = None,
                        at=None) -> Assessment:
    """Close a UVM with its outcome: need profile, intensity level and decision (PAI, a service, information).
    The request moves to the matching outcome status."""
    if not access_rules.can_work_on_assessment(actor, assessment):
        access_deny(actor=actor, record=assessment, purpose="complete a UVM outside the actor's scope")
    if assessment.status == AssessmentStatus.COMPLETED:
        raise ValidationError(_("This assessment is already completed."), code="completed")
    if not assessment.scores.exists():
        raise ValidationError(_("Score at least one scale before completing the assessment."), code="no_scores")
    if decision == AssessmentDecision.SERVICE and decision_service is None:
        raise ValidationError({"decision_service": _("Choose the service decided.")})
    at = at or timezone.now()
    assessment.status = AssessmentStatus.COMPLETED
    assessment.need_profile, assessment.intensity, assessment.decision = need_profile, int(intensity), decision
    assessment.decision_service, assessment.notes = decision_service, notes
    assessment.held_on = held_on or timezone.localdate(at)
    assessment.completed_at = at
    assessment.save()
    request = assessment.request
    if request.status == RequestStatus.ASSESSMENT:
        _transition(actor=actor, request=request, to_status=DECISION_STATUS[decision], at=at,
                    note=_("UVM outcome: %(decision)s") % {"decision": AssessmentDecision(decision).label})
    access_log_record(actor=actor, record=assessment, action=AccessAction.UPDATE, purpose="UVM completed")
    return assessment
