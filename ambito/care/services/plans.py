"""Care plan (*PAI*): goals, interventions, signature, review."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ambito.access.models import AssessmentDecision, Person
from ambito.accounts.models import AccessAction
from ambito.accounts.services import access_deny as deny
from ambito.accounts.services import atomic_service
from ambito.care import rules
from ambito.care.models import (
    ACTIVE_GOAL_STATUSES,
    CarePlan,
    CarePlanRevision,
    CarePlanStatus,
    Goal,
    GoalReview,
    GoalStatus,
    PlannedIntervention,
)
from ambito.care.services.common import _log
from ambito.core.concurrency import save_versioned

# --- Care plan (PAI) -----------------------------------------------------------------------------------------


@atomic_service
def care_plan_create(*, actor, person: Person, title: str, area: str, start_date: datetime.date,
                     end_date: datetime.date, assessment=None, request=None, case_manager=None, summary: str = "",
                     next_review_on: datetime.date | None = None) -> CarePlan:
    """Open a PAI for a person, usually from a UVM whose decision was a personalised plan."""
    if not rules.is_case_team(actor, person):
        deny(actor=actor, record=person, purpose="open a care plan outside the actor's territory")
    if end_date < start_date:
        raise ValidationError({"end_date": _("The plan cannot end before it starts.")})
    if assessment is not None:
        if assessment.person_id != person.pk:
            raise ValidationError(_("The UVM assessment is about another person."))
        if assessment.decision and assessment.decision != AssessmentDecision.CARE_PLAN:
            raise ValidationError(_("The UVM did not decide a personalised plan for this person."))
        request = request or assessment.request
    plan = CarePlan.objects.create(
        ambito_id=person.ambito_id, comune_id=person.residence_comune_id, person=person, request=request,
        assessment=assessment, title=title.strip(), area=area, summary=summary, start_date=start_date,
        end_date=end_date, case_manager=case_manager or actor, next_review_on=next_review_on, created_by=actor)
    _log(actor, plan, AccessAction.CREATE, "care plan opened")
    return plan


def _editable_plan(actor, plan: CarePlan, purpose: str) -> None:
    if not rules.can_edit_care_plan(actor, plan):
        deny(actor=actor, record=plan, purpose=purpose)
    if plan.status == CarePlanStatus.CLOSED:
        raise ValidationError(_("This plan is closed: it can no longer change."), code="closed")


@atomic_service
def care_plan_update(*, actor, plan: CarePlan, expected_version: int | None, title: str, summary: str,
                     start_date: datetime.date, end_date: datetime.date,
                     next_review_on: datetime.date | None = None) -> CarePlan:
    """Edit the plan's header (*modifica del PAI*: title, needs and resources, period, next review) on the
    version the social worker read: refused (``StaleEditError``) if someone saved the plan since."""
    _editable_plan(actor, plan, "edit a care plan outside the actor's territory")
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the plan a title.")})
    if end_date < start_date:
        raise ValidationError({"end_date": _("The plan cannot end before it starts.")})
    if (plan.goals.filter(Q(review_on__lt=start_date) | Q(review_on__gt=end_date)).exists()
            or plan.interventions.filter(Q(start_date__lt=start_date) | Q(end_date__gt=end_date)).exists()):
        raise ValidationError(_("Goals and interventions must stay within the plan's dates: the new period leaves "
                                "some of them out."), code="period")
    plan.title, plan.summary, plan.start_date, plan.end_date = title.strip(), summary, start_date, end_date
    plan.next_review_on, plan.updated_at = next_review_on, timezone.now()
    save_versioned(plan, expected_version=expected_version,
                   fields=["title", "summary", "start_date", "end_date", "next_review_on", "updated_at"])
    _log(actor, plan, AccessAction.UPDATE, "care plan edited")
    return plan


@atomic_service
def goal_add(*, actor, plan: CarePlan, description: str, indicator: str, target: str, review_on: datetime.date,
             baseline: str = "") -> Goal:
    """Add a measurable goal (*obiettivo misurabile*): what is measured, from where to where, reviewed when."""
    _editable_plan(actor, plan, "add a goal outside the actor's territory")
    if not (indicator or "").strip() or not (target or "").strip():
        raise ValidationError(_("A goal needs a way to measure it and a target."))
    if not plan.start_date <= review_on <= plan.end_date:
        raise ValidationError({"review_on": _("The review date must fall within the plan's dates.")})
    goal = Goal.objects.create(care_plan=plan, description=description.strip(), indicator=indicator.strip(),
                               baseline=baseline, target=target.strip(), review_on=review_on,
                               order=plan.goals.count() + 1)
    _log(actor, plan, AccessAction.UPDATE, "goal added")
    return goal


@atomic_service
def intervention_add(*, actor, plan: CarePlan, service, description: str, intensity: Decimal, intensity_unit: str,
                     start_date: datetime.date, end_date: datetime.date, payer: str, provider=None,
                     person_share: Decimal | None = None, request_protocol: str = "", means_test: str = "",
                     dsu_protocol: str = "", dsu_date: datetime.date | None = None, character: str = "",
                     monthly_amount: Decimal | None = None) -> PlannedIntervention:
    """Plan an intervention: service, provider (the service's own by default), intensity, dates, who pays; and
    what SIUSS asks of the benefit (request protocol, means test with the DSU, periodic or one-off, monthly
    amount), recorded here rather than in a form at the end of the year."""
    _editable_plan(actor, plan, "plan an intervention outside the actor's territory")
    intensity = Decimal(intensity)
    if intensity <= 0:
        raise ValidationError({"intensity": _("The intensity must be more than zero.")})
    if person_share is not None and Decimal(person_share) < 0:
        raise ValidationError({"person_share": _("The person's share cannot be negative.")})
    if end_date < start_date:
        raise ValidationError({"end_date": _("The intervention cannot end before it starts.")})
    if monthly_amount is not None and Decimal(monthly_amount) < 0:
        raise ValidationError({"monthly_amount": _("The amount cannot be negative.")})
    if start_date < plan.start_date or end_date > plan.end_date:
        raise ValidationError(_("The intervention must fall within the plan's dates (%(start)s – %(end)s).") % {
            "start": plan.start_date.strftime("%d/%m/%Y"), "end": plan.end_date.strftime("%d/%m/%Y")})
    intervention = PlannedIntervention.objects.create(
        care_plan=plan, service=service, provider=provider or service.provider, description=description.strip(),
        intensity=intensity, intensity_unit=intensity_unit, start_date=start_date, end_date=end_date, payer=payer,
        person_share=person_share, request_protocol=(request_protocol or "").strip(), means_test=means_test or "",
        dsu_protocol=(dsu_protocol or "").strip(), dsu_date=dsu_date, character=character or "",
        monthly_amount=monthly_amount)
    _log(actor, plan, AccessAction.UPDATE, "intervention planned")
    return intervention


@atomic_service
def care_plan_sign(*, actor, plan: CarePlan, signed_on: datetime.date, signed_by: str,
                   expected_version: int | None = None) -> CarePlan:
    """Record the person's (or family's) agreement and make the plan active (*sottoscrizione del PAI*)."""
    _editable_plan(actor, plan, "sign a care plan outside the actor's territory")
    if not plan.goals.exists() or not plan.interventions.exists():
        raise ValidationError(_("A plan is signed once it has at least one goal and one intervention."))
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("The agreement cannot be signed in the future.")})
    if not (signed_by or "").strip():
        raise ValidationError({"signed_by": _("Say who signed the plan.")})
    plan.agreement_signed_on, plan.agreement_signed_by = signed_on, signed_by.strip()
    plan.status = CarePlanStatus.ACTIVE
    save_versioned(plan, expected_version=expected_version,
                   fields=["agreement_signed_on", "agreement_signed_by", "status"])
    _log(actor, plan, AccessAction.UPDATE, "care plan signed")
    return plan


def _snapshot(plan: CarePlan) -> dict:
    return {
        "title": plan.title,
        "start_date": plan.start_date.isoformat(),
        "end_date": plan.end_date.isoformat(),
        "case_manager": plan.case_manager.get_full_name() if plan.case_manager_id else "",
        "agreement_signed_on": plan.agreement_signed_on.isoformat() if plan.agreement_signed_on else None,
        "goals": [{"id": g.pk, "description": g.description, "indicator": g.indicator, "baseline": g.baseline,
                   "target": g.target, "review_on": g.review_on.isoformat(), "status": g.status}
                  for g in plan.goals.all()],
        "interventions": [{"id": i.pk, "service": i.service.name, "provider": i.provider.name,
                           "description": i.description, "intensity": str(i.intensity), "unit": i.intensity_unit,
                           "start_date": i.start_date.isoformat(), "end_date": i.end_date.isoformat(),
                           "payer": i.payer} for i in plan.interventions.select_related("service", "provider")],
    }


@atomic_service
def care_plan_review(*, actor, plan: CarePlan, reviewed_on: datetime.date, outcomes: dict, summary: str = "",
                     next_review_on: datetime.date | None = None, close: bool = False) -> CarePlanRevision:
    """Review the plan (*verifica periodica del PAI*): an outcome for each goal, a new version of the plan with
    the snapshot of what was reviewed, the next review date (or the plan's closure).

    ``outcomes`` maps goal id to ``{"outcome": GoalStatus, "value": "…", "note": "…"}``; every goal still worked
    on (open or partly achieved) needs one."""
    plan = CarePlan.objects.select_for_update().get(pk=plan.pk)
    _editable_plan(actor, plan, "review a care plan outside the actor's territory")
    if plan.status != CarePlanStatus.ACTIVE:
        raise ValidationError(_("Only a signed, active plan can be reviewed."))
    goals = list(plan.goals.all())
    missing = [g.description for g in goals if g.status in ACTIVE_GOAL_STATUSES and str(g.pk) not in
               {str(k) for k in outcomes}]
    if missing:
        raise ValidationError(_("Give an outcome for every goal still open: %(goals)s.") % {"goals": "; ".join(missing)})
    if not close and next_review_on is None:
        raise ValidationError({"next_review_on": _("Set the next review date, or close the plan.")})
    revision = CarePlanRevision.objects.create(
        care_plan=plan, number=plan.revision, reviewed_on=reviewed_on, reviewed_by=actor, summary=summary,
        snapshot=_snapshot(plan))
    by_id = {str(g.pk): g for g in goals}
    for goal_id, result in outcomes.items():
        goal = by_id.get(str(goal_id))
        if goal is None:
            raise ValidationError(_("A goal reviewed does not belong to this plan."))
        outcome = result.get("outcome")
        if outcome not in GoalStatus.values:
            raise ValidationError(_("Unknown outcome for goal “%(goal)s”.") % {"goal": goal.description})
        GoalReview.objects.create(goal=goal, revision=revision, outcome=outcome,
                                  measured_value=result.get("value", "")[:60], note=result.get("note", "")[:300])
        goal.status = outcome
        goal.save(update_fields=["status"])
    fields = {"revision": F("revision") + 1, "version": F("version") + 1, "next_review_on": next_review_on}
    if close:
        fields.update(status=CarePlanStatus.CLOSED, closed_at=timezone.now())
    CarePlan.objects.filter(pk=plan.pk).update(**fields)
    _log(actor, plan, AccessAction.UPDATE, f"care plan reviewed (version {revision.number})")
    return revision
