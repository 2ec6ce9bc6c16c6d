"""Corrections and cancellations of care records (*rettifiche e annullamenti*): planned interventions, the case
manager, deliveries and Budget di salute expenses.

Nothing is deleted: a correction saves the new values with its reason (``correction_reason``), so the change
history (django-auditlog) shows what changed, from what to what, by whom and why; a cancellation keeps the row
with who, when and why, and the default managers leave it out of every count (``models.NotCancelledManager``)."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ambito.accounts.models import AccessAction
from ambito.accounts.services import access_deny as deny
from ambito.accounts.services import atomic_service
from ambito.care import rules
from ambito.care.models import (
    OPEN_REFERRAL_STATUSES,
    CarePlan,
    CarePlanStatus,
    Delivery,
    HealthBudgetExpense,
    PlannedIntervention,
    Referral,
    ReferralStatus,
)
from ambito.care.services.common import _log
from ambito.care.services.deliveries import _validate_delivery
from ambito.core.concurrency import save_versioned


def _reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: _("Say why: a correction or cancellation needs its reason.")})
    return reason[:300]


def _cancel(record, *, actor, reason: str, at=None) -> None:
    if record.cancelled_at is not None:
        raise ValidationError(_("This record has already been cancelled."), code="already_cancelled")
    record.cancelled_at, record.cancelled_by, record.cancel_reason = at or timezone.now(), actor, reason
    record.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])


# --- Planned interventions -----------------------------------------------------------------------------------


def _editable_intervention(actor, intervention: PlannedIntervention, purpose: str) -> CarePlan:
    plan = intervention.care_plan
    if not rules.can_edit_care_plan(actor, plan):
        deny(actor=actor, record=plan, purpose=purpose)
    if plan.status == CarePlanStatus.CLOSED:
        raise ValidationError(_("This plan is closed: it can no longer change."), code="closed")
    if intervention.cancelled_at is not None:
        raise ValidationError(_("This intervention has been cancelled."), code="already_cancelled")
    return plan


@atomic_service
def intervention_correct(*, actor, intervention: PlannedIntervention, reason: str, description: str,
                         intensity: Decimal, intensity_unit: str, start_date: datetime.date,
                         end_date: datetime.date, payer: str, person_share: Decimal | None = None) -> PlannedIntervention:
    """Correct a planned intervention (what, how much, when, who pays), with the reason. The service and the
    provider stay: a different service is a new intervention (and this one is cancelled)."""
    intervention = PlannedIntervention.objects.select_for_update().select_related("care_plan").get(pk=intervention.pk)
    plan = _editable_intervention(actor, intervention, "correct an intervention outside the actor's territory")
    reason = _reason(reason)
    intensity = Decimal(intensity)
    if intensity <= 0:
        raise ValidationError({"intensity": _("The intensity must be more than zero.")})
    if person_share is not None and Decimal(person_share) < 0:
        raise ValidationError({"person_share": _("The person's share cannot be negative.")})
    if end_date < start_date:
        raise ValidationError({"end_date": _("The intervention cannot end before it starts.")})
    if start_date < plan.start_date or end_date > plan.end_date:
        raise ValidationError(_("The intervention must fall within the plan's dates (%(start)s – %(end)s).") % {
            "start": plan.start_date.strftime("%d/%m/%Y"), "end": plan.end_date.strftime("%d/%m/%Y")})
    intervention.description, intervention.intensity = description.strip(), intensity.quantize(Decimal("0.01"))
    if person_share is not None:
        person_share = Decimal(person_share).quantize(Decimal("0.01"))
    intervention.intensity_unit, intervention.start_date, intervention.end_date = intensity_unit, start_date, end_date
    intervention.payer, intervention.person_share, intervention.correction_reason = payer, person_share, reason
    intervention.save()
    _log(actor, plan, AccessAction.UPDATE, "intervention corrected")
    return intervention


@atomic_service
def intervention_cancel(*, actor, intervention: PlannedIntervention, reason: str, at=None) -> PlannedIntervention:
    """Cancel a planned intervention with its reason. Refused while a referral for it is still open: cancel
    the referral first, so the provider is told."""
    intervention = PlannedIntervention.objects.select_for_update().select_related("care_plan").get(pk=intervention.pk)
    plan = _editable_intervention(actor, intervention, "cancel an intervention outside the actor's territory")
    reason = _reason(reason)
    if Referral.objects.filter(intervention=intervention, status__in=OPEN_REFERRAL_STATUSES).exists():
        raise ValidationError(_("A referral for this intervention is still open: cancel it first, so the provider "
                                "knows."), code="open_referral")
    _cancel(intervention, actor=actor, reason=reason, at=at)
    _log(actor, plan, AccessAction.UPDATE, "intervention cancelled")
    return intervention


# --- The case manager -----------------------------------------------------------------------------------------


@atomic_service
def care_plan_case_manager_set(*, actor, plan: CarePlan, case_manager, reason: str,
                               expected_version: int | None = None) -> CarePlan:
    """Hand the case to another case manager (*responsabile del caso*), with the reason: someone of the case team
    of the person's Comune."""
    if not rules.can_edit_care_plan(actor, plan):
        deny(actor=actor, record=plan, purpose="change the case manager outside the actor's territory")
    if plan.status == CarePlanStatus.CLOSED:
        raise ValidationError(_("This plan is closed: it can no longer change."), code="closed")
    reason = _reason(reason)
    if case_manager is None or not isinstance(case_manager, get_user_model()) or not case_manager.is_active \
            or not rules.can_edit_care_plan(case_manager, plan):
        raise ValidationError({"case_manager": _("The case manager must be someone of the case team who may work "
                                                 "on this plan.")})
    if case_manager.pk == plan.case_manager_id:
        raise ValidationError({"case_manager": _("This is already the case manager.")})
    plan.case_manager, plan.correction_reason, plan.updated_at = case_manager, reason, timezone.now()
    save_versioned(plan, expected_version=expected_version, fields=["case_manager", "correction_reason",
                                                                    "updated_at"])
    _log(actor, plan, AccessAction.UPDATE, "case manager changed")
    return plan


# --- Deliveries ---------------------------------------------------------------------------------------------


def _delivery_for_change(actor, delivery: Delivery, purpose: str) -> Delivery:
    delivery = Delivery.all_objects.select_for_update().select_related(
        "referral__intervention", "referral__care_plan").get(pk=delivery.pk)
    referral = delivery.referral
    if not (rules.can_log_delivery(actor, referral) or rules.can_manage_referral(actor, referral)):
        deny(actor=actor, record=referral, purpose=purpose)
    if delivery.cancelled_at is not None:
        raise ValidationError(_("This record has already been cancelled."), code="already_cancelled")
    return delivery


@atomic_service
def delivery_correct(*, actor, delivery: Delivery, reason: str, **data) -> Delivery:
    """Correct a logged delivery (the provider that logged it, or the case team), with the reason: the same
    rules as when it was logged (dates, times, one operator in one place at a time)."""
    delivery = _delivery_for_change(actor, delivery, "correct a delivery of another organisation")
    reason = _reason(reason)
    errors = []
    # a correction on a referral since completed is still allowed: the rules are those of the day it was logged
    referral = delivery.referral
    status = referral.status
    if status not in (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS):
        referral.status = ReferralStatus.IN_PROGRESS
    checked = _validate_delivery(1, data, referral, [], errors, exclude_pk=delivery.pk)
    referral.status = status
    if errors:
        raise ValidationError({e.field or "__all__": e.message for e in errors})
    for name in ("delivery_type", "delivered_on", "start_time", "end_time", "hours", "quantity", "amount",
                 "operator_name", "operator_ref", "notes"):
        setattr(delivery, name, getattr(checked, name))
    delivery.correction_reason = reason
    delivery.save()
    _log(actor, delivery, AccessAction.UPDATE, "delivery corrected")
    return delivery


@atomic_service
def delivery_cancel(*, actor, delivery: Delivery, reason: str, at=None) -> Delivery:
    """Cancel a delivery logged by mistake (twice, wrong person): kept, with who, when and why, and out of every
    count of hours, persons and costs."""
    delivery = _delivery_for_change(actor, delivery, "cancel a delivery of another organisation")
    _cancel(delivery, actor=actor, reason=_reason(reason), at=at)
    _log(actor, delivery, AccessAction.UPDATE, "delivery cancelled")
    return delivery


# --- Budget di salute expenses --------------------------------------------------------------------------------


def _expense_for_change(actor, expense: HealthBudgetExpense, purpose: str) -> HealthBudgetExpense:
    expense = HealthBudgetExpense.all_objects.select_for_update().select_related("line__budget").get(pk=expense.pk)
    if not rules.can_edit_health_budget(actor, expense.line.budget):
        deny(actor=actor, record=expense.line.budget, purpose=purpose)
    if expense.cancelled_at is not None:
        raise ValidationError(_("This record has already been cancelled."), code="already_cancelled")
    return expense


@atomic_service
def health_budget_expense_correct(*, actor, expense: HealthBudgetExpense, reason: str, spent_on: datetime.date,
                                  amount: Decimal, description: str = "") -> HealthBudgetExpense:
    """Correct an expense (date, amount, description), with the reason."""
    expense = _expense_for_change(actor, expense, "correct spending outside the actor's territory")
    reason = _reason(reason)
    budget = expense.line.budget
    amount = Decimal(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("An expense must be more than zero.")})
    if not budget.start_date <= spent_on <= budget.end_date:
        raise ValidationError({"spent_on": _("The expense falls outside the project's dates.")})
    expense.spent_on, expense.amount = spent_on, amount.quantize(Decimal("0.01"))
    expense.description, expense.correction_reason = description, reason
    expense.save()
    _log(actor, budget, AccessAction.UPDATE, "budget expense corrected")
    return expense


@atomic_service
def health_budget_expense_cancel(*, actor, expense: HealthBudgetExpense, reason: str,
                                 at=None) -> HealthBudgetExpense:
    """Cancel an expense recorded by mistake: kept, and out of the amounts spent."""
    expense = _expense_for_change(actor, expense, "cancel spending outside the actor's territory")
    _cancel(expense, actor=actor, reason=_reason(reason), at=at)
    _log(actor, expense.line.budget, AccessAction.UPDATE, "budget expense cancelled")
    return expense
