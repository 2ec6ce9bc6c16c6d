from django.utils.translation import gettext_lazy as _

from ambito.core.navigation import NavItem

ITEMS = [
    NavItem(
        "territory-overview",
        _("Territory"),
        _("Residents, ageing and dependency by Comune, from ISTAT population data."),
        order=80,
        icon="it-map-marker-circle",
    ),
]
