from django.utils.translation import gettext_lazy as _

from ambito.core.navigation import NavItem

ITEMS = [
    NavItem(
        "portal-directory",
        _("Find a service"),
        _("Social and health services of the Ambito: search by need and by Comune, with hours and contacts."),
        public=True,
        order=5,
        icon="it-search",
    ),
    NavItem(
        "portal-request-online",
        _("Ask for help online"),
        _("Send a request for help to the PUA of your Comune (sign in with SPID or CIE) and follow its outcome."),
        public=True,
        order=6,
        icon="it-help-circle",
    ),
]
