from django.utils.translation import gettext_lazy as _

from ambito.accounts.roles import Role
from ambito.core.navigation import NavItem

ITEMS = [
    NavItem("access-work-queue", _("PUA work queue"),
            _("New requests to triage, UVM assessments due, waiting-list entries near their target wait."),
            roles=frozenset({Role.SOCIAL_WORKER, Role.HEALTH_OPERATOR}), order=20, icon="it-inbox"),
    NavItem("access-waiting-lists", _("Waiting lists"),
            _("Waiting lists of the services, by priority, with admission from the top."),
            roles=frozenset({Role.SOCIAL_WORKER, Role.HEALTH_OPERATOR, Role.PLANNER}), order=25, icon="it-list"),
]
