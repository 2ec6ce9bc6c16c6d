from django.utils.translation import gettext_lazy as _

from ambito.accounts.roles import Role
from ambito.core.navigation import NavItem

ITEMS = [
    NavItem("privacy-requests", _("Privacy requests"),
            _("Requests of data subjects (access, rectification, erasure, restriction, objection) and their "
              "deadlines."),
            roles=frozenset({Role.DATA_PROTECTION_OFFICER}), order=80, icon="it-locked"),
    NavItem("privacy-ropa", _("Record of processing"),
            _("The record of processing activities (art. 30 GDPR), generated from the data model."),
            roles=frozenset({Role.DATA_PROTECTION_OFFICER, Role.ADMINISTRATOR}), order=81, icon="it-file"),
    NavItem("privacy-access-log", _("Access log"),
            _("Who read or changed personal data in the Ambito, when, for which organisation and why."),
            roles=frozenset({Role.DATA_PROTECTION_OFFICER}), order=90, icon="it-password-visible"),
]
