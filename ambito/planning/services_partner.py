"""Changes to the plans of other parties (the ASST's PPT, the Region's social plan) and to the links a Piano di
Zona makes to their objectives (issue 20, item 4). One transaction each; refusals in Italian."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from ambito.accounts.roles import Role
from ambito.accounts.selectors import scope_for
from ambito.accounts.services import atomic_service
from ambito.planning import rules
from ambito.planning.models import Intervention, Objective, PartnerLink, PartnerObjective, PartnerPlan
from ambito.territory.models import Ambito


def _require_partner_editor(actor, partner_plan):
    if not rules.can_edit_partner_plan(actor, partner_plan):
        raise PermissionDenied(_("Only the planning office can change the plans of the ASST and of the Region."))


def _editable_region_codes(actor) -> set[str]:
    """Regions of the Ambiti where the actor is planning office or administrator (the matrix's ``change``
    cell of partner plans, for a plan not saved yet)."""
    ambito_ids = scope_for(actor).ambito_ids(Role.PLANNER, Role.ADMINISTRATOR)
    return set(Ambito.objects.filter(id__in=ambito_ids).values_list("region_code", flat=True))


@atomic_service
def partner_plan_create(*, actor, kind: str, region_code: str, title: str, start_year: int, end_year: int,
                        organisation=None) -> PartnerPlan:
    """A reference copy of another party's plan: the ASST's *Piano di sviluppo del Polo Territoriale* or
    the Region's *Piano sociale regionale* of the actor's region."""
    if region_code not in _editable_region_codes(actor):
        raise PermissionDenied(_("Only the planning office can change the plans of the ASST and of the Region."))
    partner_plan = PartnerPlan(kind=kind, region_code=region_code, title=title.strip(), start_year=start_year,
                               end_year=end_year, organisation=organisation)
    if end_year < start_year:
        raise ValidationError(_("The last year cannot come before the first."))
    partner_plan.full_clean()
    partner_plan.save()
    return partner_plan


@atomic_service
def partner_objective_save(*, actor, partner_plan, code: str, title: str, description: str = "",
                           objective=None) -> PartnerObjective:
    _require_partner_editor(actor, partner_plan)
    code = code.strip().upper()
    clash = PartnerObjective.objects.filter(partner_plan=partner_plan, code=code)
    if objective is not None:
        clash = clash.exclude(pk=objective.pk)
    if clash.exists():
        raise ValidationError(_("This plan already has an objective with code %(code)s.") % {"code": code})
    objective = objective or PartnerObjective(partner_plan=partner_plan)
    objective.code, objective.title, objective.description = code, title.strip(), description
    objective.full_clean()
    objective.save()
    return objective


@atomic_service
def partner_link_add(*, actor, partner_objective: PartnerObjective, objective: Objective | None = None,
                     intervention: Intervention | None = None) -> PartnerLink:
    """Say that a Piano di Zona objective or intervention answers to an objective of the ASST's or the
    Region's plan (L. 328/2000 art. 19: the Piano di Zona is made in agreement with the ASL and within the
    regional plan). A link is a reading aid, not plan content, so it may be made after approval too."""
    if (objective is None) == (intervention is None):
        raise ValidationError(_("Link either an objective or an intervention."))
    plan = (objective or intervention).plan
    if not rules.can_edit_plan(actor, plan):
        raise PermissionDenied(_("Only the planning office of this Ambito can change the plan."))
    partner_plan = partner_objective.partner_plan
    if not rules.can_view_partner_plan(actor, partner_plan) or partner_plan.region_code != plan.ambito.region_code:
        raise ValidationError(_("That plan is not of this Ambito's region."))
    if partner_plan.end_year < plan.start_year or partner_plan.start_year > plan.end_year:
        raise ValidationError(_("The two plans do not share any year."))
    existing = PartnerLink.objects.filter(partner_objective=partner_objective, objective=objective,
                                          intervention=intervention)
    if existing.exists():
        raise ValidationError(_("This link is already there."))
    return PartnerLink.objects.create(partner_objective=partner_objective, objective=objective,
                                      intervention=intervention, linked_by=actor)


@atomic_service
def partner_link_remove(*, actor, link: PartnerLink) -> None:
    plan = (link.objective or link.intervention).plan
    if not rules.can_edit_plan(actor, plan):
        raise PermissionDenied(_("Only the planning office of this Ambito can change the plan."))
    link.delete()
