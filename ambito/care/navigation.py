from django.utils.translation import gettext_lazy as _

from ambito.accounts.roles import Role
from ambito.core.navigation import NavItem

ITEMS = [
    NavItem("care-plan-list", _("Cases (PAI)"),
            _("Care plans of your territory: goals, interventions, referrals to providers, deliveries and notes."),
            roles=frozenset({Role.SOCIAL_WORKER, Role.HEALTH_OPERATOR, Role.GP}), order=40, icon="it-user"),
    NavItem("care-budget-list", _("Budget di salute"),
            _("Personalised projects in mental health and disability: planned and spent by axis and funder."),
            roles=frozenset({Role.SOCIAL_WORKER, Role.HEALTH_OPERATOR}), order=45, icon="it-chart-line"),
    NavItem("care-discharge-list", _("Protected discharges"),
            _("Discharges from hospital with the services that must be active on the day; the ones at risk first."),
            roles=frozenset({Role.SOCIAL_WORKER, Role.HEALTH_OPERATOR}), order=46, icon="it-exchange-circle"),
    NavItem("care-referral-inbox", _("Referrals received"),
            _("Referrals sent to your organisation: accept or decline, log what you deliver."),
            roles=frozenset({Role.PROVIDER_OPERATOR}), order=30, icon="it-inbox"),
]
