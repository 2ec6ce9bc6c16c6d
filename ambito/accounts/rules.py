"""Permission rules (django-rules). Each object predicate is paired with the selector that filters
querysets the same way; tests/test_rules.py checks that the two agree."""

import rules

from ambito.accounts.roles import Role
from ambito.accounts.selectors import scope_for


def _role_predicate(*roles):
    @rules.predicate(name="has_role_" + "_or_".join(str(r) for r in roles))
    def predicate(user):
        return scope_for(user).has(*roles)

    return predicate


is_planner = _role_predicate(Role.PLANNER)
is_social_worker = _role_predicate(Role.SOCIAL_WORKER)
is_health_operator = _role_predicate(Role.HEALTH_OPERATOR)
is_gp = _role_predicate(Role.GP)
is_provider_operator = _role_predicate(Role.PROVIDER_OPERATOR)
is_regional_observer = _role_predicate(Role.REGIONAL_OBSERVER)
is_administrator = _role_predicate(Role.ADMINISTRATOR)
is_case_worker = _role_predicate(Role.SOCIAL_WORKER, Role.HEALTH_OPERATOR, Role.GP)
has_membership = rules.predicate(lambda user: bool(scope_for(user).by_role), name="has_membership")


@rules.predicate
def can_view_comune(user, comune):
    """Paired with ``selectors.comune_list``."""
    return comune is not None and comune.id in scope_for(user).comune_ids()


@rules.predicate
def is_member_of(user, organisation):
    return organisation is not None and organisation.id in scope_for(user).organisation_ids()


rules.add_perm("territory.view_comune", can_view_comune)
rules.add_perm("territory.view_indicators", has_membership)
rules.add_perm("accounts.view_access_log", is_administrator)
