from django.utils.translation import gettext_lazy as _

from ambito.accounts.roles import Role
from ambito.core.navigation import NavItem

ITEMS = [
    NavItem(
        "network-catalogue",
        _("Services network"),
        _("Services, providers and info-points you look after: descriptions, hours, availability, contacts."),
        roles=frozenset({Role.PLANNER, Role.PROVIDER_OPERATOR}),
        order=40,
        icon="it-pa",
    ),
]
