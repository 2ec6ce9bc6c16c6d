from django.utils.translation import gettext_lazy as _

from ambito.core.navigation import NavItem

ITEMS = [
    NavItem(
        "planning-plan-list",
        _("Piano di Zona"),
        _("The three-year plan: objectives, interventions, budget, staffing, co-programming and agreement."),
        order=30,
        icon="it-files",
    ),
    NavItem(
        "planning-consultation-list",
        _("Plan consultation"),
        _("Read the Piano di Zona in public consultation and send your comments."),
        public=True,
        order=85,
        icon="it-comment",
    ),
]
