"""Who may edit the catalogue. Each object predicate sits beside the queryset filter that selects the same
objects; tests/test_rules.py checks that the two agree for every demo persona.

- The planning office (Ufficio di Piano) edits every service and provider profile of its Ambito.
- A provider / Third-Sector operator edits only its own organisation's profile and services.
- Info-point contacts are logged by the planning office and by operators of the organisations that run
  or staff the info-point."""

import rules
from django.db.models import Q

from ambito.accounts.roles import Role
from ambito.accounts.selectors import scope_for


def service_editable_filter(user) -> Q:
    scope = scope_for(user)
    return Q(ambito_id__in=scope.ambito_ids(Role.PLANNER)) | Q(
        provider_id__in=scope.organisation_ids(Role.PROVIDER_OPERATOR)
    )


@rules.predicate
def can_edit_service(user, service) -> bool:
    """Paired with ``service_editable_filter``."""
    if service is None:
        return False
    scope = scope_for(user)
    return service.ambito_id in scope.ambito_ids(Role.PLANNER) or service.provider_id in scope.organisation_ids(
        Role.PROVIDER_OPERATOR
    )


def provider_editable_filter(user) -> Q:
    """On ``Organisation``."""
    scope = scope_for(user)
    return Q(ambito_id__in=scope.ambito_ids(Role.PLANNER)) | Q(id__in=scope.organisation_ids(Role.PROVIDER_OPERATOR))


@rules.predicate
def can_edit_provider(user, organisation) -> bool:
    """Paired with ``provider_editable_filter``."""
    if organisation is None:
        return False
    scope = scope_for(user)
    return organisation.ambito_id in scope.ambito_ids(Role.PLANNER) or organisation.id in scope.organisation_ids(
        Role.PROVIDER_OPERATOR
    )


def contact_loggable_filter(user) -> Q:
    """On ``Service`` (info-points)."""
    scope = scope_for(user)
    own = scope.organisation_ids(Role.PROVIDER_OPERATOR, Role.HEALTH_OPERATOR, Role.SOCIAL_WORKER)
    return Q(service_type="info_point") & (
        Q(ambito_id__in=scope.ambito_ids(Role.PLANNER)) | Q(provider_id__in=own) | Q(staffed_by__in=own)
    )


@rules.predicate
def can_log_info_point_contact(user, service) -> bool:
    """Paired with ``contact_loggable_filter``."""
    if service is None or service.service_type != "info_point":
        return False
    scope = scope_for(user)
    own = scope.organisation_ids(Role.PROVIDER_OPERATOR, Role.HEALTH_OPERATOR, Role.SOCIAL_WORKER)
    if service.ambito_id in scope.ambito_ids(Role.PLANNER) or service.provider_id in own:
        return True
    return bool(own) and any(org.id in own for org in service.staffed_by.all())


rules.add_perm("network.change_service", can_edit_service)
rules.add_perm("network.change_providerprofile", can_edit_provider)
rules.add_perm("network.add_infopointcontact", can_log_info_point_contact)
