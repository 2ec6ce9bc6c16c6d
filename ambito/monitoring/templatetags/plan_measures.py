"""The measured values of an intervention's linked indicators, for the intervention page of the planning app
(which cannot import monitoring: the page loads this tag instead)."""

from django import template

from ambito.monitoring.plans.selectors import plan_measures

register = template.Library()


@register.inclusion_tag("monitoring/_intervention_measures.html", takes_context=True)
def intervention_measures(context, intervention):
    request = context.get("request")
    user = getattr(request, "user", None)
    measures = plan_measures(actor=user, plan=intervention.plan, intervention=intervention) if user else []
    return {"measures": measures, "plan": intervention.plan, "request": request,
            "can_link": context.get("can_manage_monitoring", False)}
