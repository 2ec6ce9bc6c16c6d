from django.utils.translation import gettext_lazy as _

from ambito.accounts.roles import Role
from ambito.core.navigation import NavItem

ITEMS = [
    NavItem("accounts-access-log", _("Access log"),
            _("Who read or changed personal data in the Ambito, when, for which organisation and why."),
            roles=frozenset({Role.DATA_PROTECTION_OFFICER}), order=90, icon="it-password-visible"),
]
