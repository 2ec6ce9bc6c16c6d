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
    NavItem("access-bring", _("Send a request to the PUA"),
            _("Register or find a person by codice fiscale, record the consents collected and send their request."),
            roles=frozenset({Role.GP, Role.HEALTH_OPERATOR, Role.PROVIDER_OPERATOR}), order=15,
            icon="it-plus-circle"),
    NavItem("access-my-requests", _("My requests"),
            _("The requests you brought to the PUA, with their status and outcome."),
            roles=frozenset({Role.GP, Role.HEALTH_OPERATOR, Role.PROVIDER_OPERATOR}), order=16, icon="it-files"),
    NavItem("access-desks", _("Community access desks"),
            _("Desks where social workers and GPs receive people together, with their figures."),
            roles=frozenset({Role.SOCIAL_WORKER, Role.HEALTH_OPERATOR, Role.GP, Role.PLANNER}), order=27,
            icon="it-map-marker"),
    NavItem("access-triage-rules", _("Triage rules"),
            _("The Ambito's rules proposing an answer to each request, with a preview on the last month."),
            roles=frozenset({Role.PLANNER}), order=28, icon="it-settings"),
]
