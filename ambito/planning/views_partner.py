"""Pages of the plans of other parties (the ASST's PPT, the Region's social plan) and of the links a Piano di
Zona makes to their objectives (issue 20). Links are a reading aid, not plan content: the planning office
makes and removes them in any state of the plan, after approval too."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ambito.accounts.roles import Role
from ambito.accounts.selectors import scope_for
from ambito.core.forms import call_service
from ambito.planning import forms_partner, rules, services_partner
from ambito.planning.models import Objective, PartnerLink, PartnerPlan
from ambito.planning.selectors import plan_list
from ambito.planning.selectors_partner import (
    partner_links_of,
    partner_objective_choices,
    partner_plan_list,
    partner_plan_objectives,
)
from ambito.planning.views import _intervention, _submit, login_post
from ambito.territory.models import Ambito


def _partner_plan(request, pk, *, edit=False) -> PartnerPlan:
    partner_plan = get_object_or_404(partner_plan_list(actor=request.user), pk=pk)
    if edit and not rules.can_edit_partner_plan(request.user, partner_plan):
        raise PermissionDenied
    return partner_plan


@login_required
def partner_plan_list_view(request):
    editor_ambiti = scope_for(request.user).ambito_ids(Role.PLANNER, Role.ADMINISTRATOR)
    form = forms_partner.PartnerPlanForm(request.POST or None)
    if request.method == "POST":
        ambito = Ambito.objects.filter(pk__in=editor_ambiti).order_by("pk").first()
        if ambito is None:
            raise PermissionDenied
        created = _submit(request, form, lambda data: services_partner.partner_plan_create(
            actor=request.user, region_code=ambito.region_code, **data), success=_("Plan added."),
            invalid=_("Give the plan a title and its years."))
        if created:
            return redirect("planning-partner-plan-detail", created.pk)
    return render(request, "planning/partner_plan_list.html", {
        "partner_plans": list(partner_plan_list(actor=request.user).order_by("kind", "start_year", "title")),
        "form": form, "can_create": bool(editor_ambiti)})


@login_required
def partner_plan_detail(request, pk):
    partner_plan = _partner_plan(request, pk)
    return render(request, "planning/partner_plan_detail.html", {
        "partner_plan": partner_plan,
        "objectives": partner_plan_objectives(actor=request.user, partner_plan=partner_plan),
        "can_edit": rules.can_edit_partner_plan(request.user, partner_plan),
        "objective_form": forms_partner.PartnerObjectiveForm(),
    })


@login_post
def partner_objective_create(request, pk):
    partner_plan = _partner_plan(request, pk, edit=True)
    _submit(request, forms_partner.PartnerObjectiveForm(request.POST),
            lambda data: services_partner.partner_objective_save(actor=request.user, partner_plan=partner_plan,
                                                                 **data),
            success=_("Objective added."), invalid=_("Give the objective a code and a title."))
    return redirect("planning-partner-plan-detail", partner_plan.pk)


def _objective(request, pk) -> Objective:
    return get_object_or_404(Objective.objects.select_related("plan__ambito")
                             .filter(plan__in=plan_list(actor=request.user)), pk=pk)


@login_required
def objective_detail(request, pk):
    """A strategic objective of the Piano di Zona with its interventions and its links to the ASST's and the
    Region's plans."""
    objective = _objective(request, pk)
    plan = objective.plan
    can_link = rules.can_edit_plan(request.user, plan)
    return render(request, "planning/objective_detail.html", {
        "plan": plan, "objective": objective,
        "interventions": list(objective.interventions.order_by("code")),
        "links": partner_links_of(actor=request.user, objective=objective),
        "can_link": can_link,
        "link_form": forms_partner.PartnerLinkForm(
            choices=partner_objective_choices(actor=request.user, plan=plan)) if can_link else None,
        "link_action": reverse("planning-objective-link", args=[objective.pk]),
    })


def _link(request, plan, **target):
    form = forms_partner.PartnerLinkForm(request.POST, choices=partner_objective_choices(actor=request.user,
                                                                                           plan=plan))
    _submit(request, form, lambda data: services_partner.partner_link_add(
        actor=request.user, partner_objective=data["partner_objective"], **target),
        success=_("Link saved."), invalid=_("Choose an objective of the ASST's or the Region's plan."))


@login_post
def objective_link(request, pk):
    objective = _objective(request, pk)
    _link(request, objective.plan, objective=objective)
    return redirect(reverse("planning-objective-detail", args=[objective.pk]) + "#raccordi")


@login_post
def intervention_link(request, pk):
    intervention = _intervention(request, pk)
    _link(request, intervention.plan, intervention=intervention)
    return redirect(reverse("planning-intervention-detail", args=[intervention.pk]) + "#raccordi")


@login_post
def partner_link_remove(request, pk):
    visible = plan_list(actor=request.user).values("id")
    link = get_object_or_404(PartnerLink.objects.filter(Q(objective__plan__in=visible)
                                                        | Q(intervention__plan__in=visible)), pk=pk)
    back = (reverse("planning-objective-detail", args=[link.objective_id]) if link.objective_id
            else reverse("planning-intervention-detail", args=[link.intervention_id])) + "#raccordi"
    call_service(request, lambda: services_partner.partner_link_remove(actor=request.user, link=link),
                 success=_("Link removed."), show_denied=True)
    return redirect(back)
