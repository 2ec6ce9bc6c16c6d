from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles of DESIGN.md §3. A membership gives one role within one organisation."""

    PLANNER = "planner", _("Planning office (Ufficio di Piano)")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    HEALTH_OPERATOR = "health_operator", _("ASL district operator")
    GP = "gp", _("General practitioner (MMG)")
    PROVIDER_OPERATOR = "provider_operator", _("Provider / Third-Sector operator")
    REGIONAL_OBSERVER = "regional_observer", _("Regional observer")
    ADMINISTRATOR = "administrator", _("Administrator")
    DATA_PROTECTION_OFFICER = "dpo", _("Data protection officer (DPO)")
    SIUSS_OFFICER = "siuss_officer", _("SIUSS officer of the Comune (referente SIUSS)")


# Roles that work on individual cases and may see person-level records of their scope.
CASE_ROLES = frozenset({Role.SOCIAL_WORKER, Role.HEALTH_OPERATOR, Role.GP})
