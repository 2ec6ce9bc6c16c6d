from django.utils.translation import gettext_lazy as _

from ambito.accounts.roles import Role
from ambito.core.navigation import NavItem

ITEMS = [
    NavItem(
        "monitoring-dashboard",
        _("Monitoring"),
        _("Indicators against targets, waiting times, coverage, LEPS and citizen satisfaction, by Comune."),
        order=70,
        icon="it-chart-line",
    ),
    NavItem(
        "monitoring-report",
        _("Monitoring report and open data"),
        _("The annual monitoring report (PDF, XLSX) and open-data exports of the indicators."),
        roles=frozenset({Role.PLANNER, Role.REGIONAL_OBSERVER}),
        order=71,
        icon="it-files",
    ),
    NavItem(
        "monitoring-region",
        _("Ambiti compared"),
        _("Every Ambito of the Region side by side: indicators, LEPS and spending per resident."),
        roles=frozenset({Role.REGIONAL_OBSERVER}),
        order=71,
        icon="it-map-marker-circle",
    ),
    NavItem(
        "monitoring-siuss",
        _("SIUSS flows"),
        _("Pre-flight report and INPS files (PS-PSA, SINA, SINBA) of each Comune; counts for the planning office."),
        roles=frozenset({Role.SIUSS_OFFICER, Role.PLANNER, Role.REGIONAL_OBSERVER}),
        order=71,
        icon="it-upload",
    ),
    NavItem(
        "monitoring-surveys",
        _("Satisfaction surveys"),
        _("Questionnaires per service, paper answers, moderation of comments."),
        roles=frozenset({Role.PLANNER, Role.ADMINISTRATOR}),
        order=72,
        icon="it-comment",
    ),
    NavItem(
        "survey-public-list",
        _("Rate a service"),
        _("Tell us, anonymously, how a service of the Ambito worked for you."),
        public=True,
        order=90,
        icon="it-star-outline",
    ),
    NavItem(
        "opendata-index",
        _("Open data"),
        _("The Ambito's open data: indicators, the plan's budget and the service directory, free to reuse."),
        public=True,
        order=91,
        icon="it-download",
    ),
]
