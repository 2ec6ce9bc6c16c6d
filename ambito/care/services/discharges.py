"""Protected discharges (*dimissioni protette*): required services and checklist."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ambito.access.models import Person
from ambito.accounts.models import AccessAction
from ambito.accounts.services import access_deny as deny
from ambito.accounts.services import atomic_service
from ambito.care import rules
from ambito.care.models import (
    CarePlan,
    Discharge,
    DischargeService,
    DischargeStatus,
    DischargeTask,
    Referral,
)
from ambito.care.services.common import _log

# --- Protected discharges ----------------------------------------------------------------------------------


@atomic_service
def discharge_create(*, actor, person: Person, setting: str, facility: str, planned_on: datetime.date,
                     care_plan: CarePlan | None = None) -> Discharge:
    """Plan a protected discharge (*dimissione protetta*)."""
    if not rules.is_case_team(actor, person):
        deny(actor=actor, record=person, purpose="plan a discharge outside the actor's territory")
    discharge = Discharge.objects.create(ambito_id=person.ambito_id, comune_id=person.residence_comune_id,
                                         person=person, care_plan=care_plan, setting=setting, facility=facility,
                                         planned_on=planned_on, created_by=actor)
    _log(actor, discharge, AccessAction.CREATE, "protected discharge planned")
    return discharge


def _editable_discharge(actor, discharge, purpose):
    if not rules.can_edit_discharge(actor, discharge):
        deny(actor=actor, record=discharge, purpose=purpose)
    if discharge.status != DischargeStatus.PLANNED:
        raise ValidationError(_("This discharge is no longer planned: it cannot change."))


@atomic_service
def discharge_service_require(*, actor, discharge: Discharge, service, referral: Referral | None = None):
    _editable_discharge(actor, discharge, "change a discharge outside the actor's territory")
    item = DischargeService.objects.create(discharge=discharge, service=service, referral=referral)
    _log(actor, discharge, AccessAction.UPDATE, "required service added")
    return item


@atomic_service
def discharge_service_confirm(*, actor, item: DischargeService, at=None) -> DischargeService:
    """The service (its provider, or the case team on its behalf) confirms it will be active on the day."""
    discharge = item.discharge
    if not (rules.can_edit_discharge(actor, discharge)
            or item.service.provider_id in rules.provider_organisation_ids(actor)):
        deny(actor=actor, record=discharge, purpose="confirm a discharge service for another organisation")
    if discharge.status != DischargeStatus.PLANNED:
        raise ValidationError(_("This discharge is no longer planned: it cannot change."))
    item.confirmed_at, item.confirmed_by = at or timezone.now(), actor
    item.save(update_fields=["confirmed_at", "confirmed_by"])
    _log(actor, discharge, AccessAction.UPDATE, "discharge service confirmed")
    return item


@atomic_service
def discharge_task_add(*, actor, discharge: Discharge, label: str, owner_organisation, due_on: datetime.date,
                       owner_name: str = "") -> DischargeTask:
    _editable_discharge(actor, discharge, "change a discharge outside the actor's territory")
    if due_on > discharge.planned_on:
        raise ValidationError({"due_on": _("A checklist item must be done by the discharge day.")})
    task = DischargeTask.objects.create(discharge=discharge, label=label, owner_organisation=owner_organisation,
                                        owner_name=owner_name, due_on=due_on)
    _log(actor, discharge, AccessAction.UPDATE, "checklist item added")
    return task


@atomic_service
def discharge_task_done(*, actor, task: DischargeTask, at=None) -> DischargeTask:
    _editable_discharge(actor, task.discharge, "change a discharge outside the actor's territory")
    task.done_at, task.done_by = at or timezone.now(), actor
    task.save(update_fields=["done_at", "done_by"])
    _log(actor, task.discharge, AccessAction.UPDATE, "checklist item done")
    return task


def discharge_loose_ends(discharge: Discharge) -> dict:
    """What is still open before the person goes home: required services not confirmed, checklist items not done."""
    return {"unconfirmed": discharge.services.filter(confirmed_at__isnull=True).count(),
            "open_tasks": discharge.tasks.filter(done_at__isnull=True).count()}


@atomic_service
def discharge_complete(*, actor, discharge: Discharge, completed_on: datetime.date,
                       confirm_incomplete: bool = False) -> Discharge:
    """Record the discharge and how many required services were active (confirmed) on the day. With services
    not confirmed or checklist items open, only when the operator confirms it explicitly
    (``confirm_incomplete``): a person is never sent home without support by a click."""
    _editable_discharge(actor, discharge, "complete a discharge outside the actor's territory")
    loose = discharge_loose_ends(discharge)
    if (loose["unconfirmed"] or loose["open_tasks"]) and not confirm_incomplete:
        raise ValidationError(
            _("%(services)s required services are not confirmed and %(tasks)s checklist items are open: confirm "
              "that the person is discharged anyway.") % {"services": loose["unconfirmed"],
                                                         "tasks": loose["open_tasks"]},
            code="incomplete_discharge")
    end_of_day = timezone.make_aware(datetime.datetime.combine(completed_on, datetime.time(23, 59, 59)))
    discharge.services_active_on_day = discharge.services.filter(confirmed_at__lte=end_of_day).count()
    discharge.status, discharge.completed_on = DischargeStatus.COMPLETED, completed_on
    discharge.save(update_fields=["status", "completed_on", "services_active_on_day"])
    _log(actor, discharge, AccessAction.UPDATE, "discharge completed")
    return discharge
