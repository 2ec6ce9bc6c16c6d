"""The links of an intervention to the ASST's and the Region's plans, shown and edited on its page."""

from django import template
from django.urls import reverse

from ambito.planning import rules
from ambito.planning.forms_partner import PartnerLinkForm
from ambito.planning.selectors_partner import partner_links_of, partner_objective_choices

register = template.Library()


@register.inclusion_tag("planning/_partner_links.html", takes_context=True)
def intervention_partner_links(context, intervention):
    user = context["request"].user
    can_link = rules.can_edit_plan(user, intervention.plan)
    return {
        "request": context["request"], "csrf_token": context.get("csrf_token"),
        "links": partner_links_of(actor=user, intervention=intervention),
        "can_link": can_link,
        "link_form": PartnerLinkForm(choices=partner_objective_choices(actor=user, plan=intervention.plan))
        if can_link else None,
        "link_action": reverse("planning-intervention-link", args=[intervention.pk]),
    }
