"""The plan's monitoring tab: its linked indicators measured against their targets year by year, the form
that links an indicator of the plan to a monitoring indicator, and the closing of a year."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ambito.core.forms import call_service
from ambito.core.text import plain_int
from ambito.monitoring.models import PlanIndicatorLink
from ambito.monitoring.plans import selectors, services
from ambito.monitoring.plans.forms import LinkForm
from ambito.planning import rules as planning_rules
from ambito.planning.selectors import plan_list


def _plan(request, pk):
    return get_object_or_404(plan_list(actor=request.user).select_related("ambito"), pk=pk)


@login_required
def plan_monitoring(request, pk):
    plan = _plan(request, pk)
    can_manage = planning_rules.can_edit_plan(request.user, plan)
    form = LinkForm(request.POST or None, plan=plan)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            if call_service(request, lambda: services.plan_indicator_link(
                    actor=request.user, plan_indicator=data["plan_indicator"], code=data["code"],
                    service=data["service"]), form=form, success=_("Indicator linked: its values are measured.")):
                return redirect("monitoring-plan", plan.pk)
    measures = selectors.plan_measures(actor=request.user, plan=plan)
    closed = selectors.closed_years(plan=plan)
    closed_years = {c.year for c in closed}
    return render(request, "monitoring/plan_monitoring.html", {
        "plan": plan, "measures": measures, "form": form, "can_manage": can_manage, "closures": closed,
        "closable": [y for y in plan.years if y not in closed_years and y < _today().year] if can_manage else [],
    })


def _today():
    from django.utils import timezone

    return timezone.localdate()


@login_required
@require_POST
def plan_year_close(request, pk):
    plan = _plan(request, pk)
    year = plain_int(request.POST.get("year"))
    if year is None:
        return redirect("monitoring-plan", plan.pk)
    call_service(request, lambda: services.plan_year_close(actor=request.user, plan=plan, year=year),
                 success=_("Year %(year)s closed: its measured values are kept as computed today.") % {"year": year},
                 show_denied=True)
    return redirect("monitoring-plan", plan.pk)


@login_required
@require_POST
def plan_indicator_unlink(request, pk):
    link = get_object_or_404(PlanIndicatorLink.objects.select_related("plan_indicator__intervention__plan").filter(
        plan_indicator__intervention__plan__in=plan_list(actor=request.user)), pk=pk)
    plan_id = link.plan_indicator.intervention.plan_id
    call_service(request, lambda: services.plan_indicator_unlink(actor=request.user, link=link),
                 success=_("Link removed."), show_denied=True)
    return redirect("monitoring-plan", plan_id)
