"""Writes of the plan's monitoring: link an indicator of the plan to a monitoring indicator, close a year."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ambito.accounts.services import atomic_service
from ambito.core.concurrency import advisory_lock
from ambito.monitoring.models import PlanIndicatorLink
from ambito.monitoring.plans.models import FrozenMeasure, PlanYearClosure
from ambito.monitoring.plans.selectors import check_code, measure_year, plan_comune_ids, plan_links
from ambito.planning import rules as planning_rules


def _require_planner(actor, plan):
    if not planning_rules.can_edit_plan(actor, plan):
        raise PermissionDenied(_("Only the planning office of the Ambito can change the plan's monitoring."))


@atomic_service
def plan_indicator_link(*, actor, plan_indicator, code: str, service=None) -> PlanIndicatorLink:
    """Tie an indicator of the plan to the monitoring indicator that measures it (for one service of the
    Ambito, or the whole Ambito). Linking again changes the link. Allowed whatever the plan's state:
    monitoring goes on while the plan is in force."""
    plan = plan_indicator.intervention.plan
    _require_planner(actor, plan)
    spec = check_code(code)
    if service is not None:
        if "service" not in spec.breakdowns:
            raise ValidationError({"service": _("This monitoring indicator cannot be measured for one service: "
                                                "leave the service empty.")}, code="no_service_filter")
        if not service.comuni.filter(ambito_id=plan.ambito_id).exists():
            raise ValidationError({"service": _("The service does not serve the Comuni of this Ambito.")},
                                  code="service_outside")
    link, _created = PlanIndicatorLink.objects.update_or_create(
        plan_indicator=plan_indicator, defaults={"code": code, "service": service})
    return link


@atomic_service
def plan_indicator_unlink(*, actor, link: PlanIndicatorLink) -> None:
    _require_planner(actor, link.plan_indicator.intervention.plan)
    link.delete()


@atomic_service
def plan_year_close(*, actor, plan, year: int, at=None) -> PlanYearClosure:
    """Close a year of the plan for monitoring: the measured value of every linked indicator is computed now
    and kept with the time it was computed; later changes to the records no longer move it. Only a year of
    the plan that has ended, once."""
    _require_planner(actor, plan)
    at = at or timezone.now()
    if year not in plan.years:
        raise ValidationError(_("%(year)s is not a year of this plan.") % {"year": year}, code="not_plan_year")
    if dt.date(year, 12, 31) >= timezone.localdate(at):
        raise ValidationError(_("A year can be closed only once it has ended."), code="year_not_ended")
    advisory_lock(f"monitoring.plan_year_close.{plan.pk}")
    if PlanYearClosure.objects.filter(plan=plan, year=year).exists():
        raise ValidationError(_("This year is already closed."), code="already_closed")
    closure = PlanYearClosure.objects.create(plan=plan, year=year, closed_at=at, closed_by=actor)
    comune_ids = plan_comune_ids(plan)
    FrozenMeasure.objects.bulk_create([
        FrozenMeasure(closure=closure, plan_indicator_id=link.plan_indicator_id, code=link.code,
                      value=None if value is None else Decimal(value).quantize(Decimal("0.01")),
                      suppressed=suppressed, computed_at=at)
        for link in plan_links(plan=plan)
        for value, suppressed in [measure_year(actor=actor, link=link, year=year, comune_ids=comune_ids)]
    ])
    return closure
