"""Role predicates (django-rules) shared by the apps: whether a user holds a role anywhere. What a role may
do to an object is the authorisation matrix's (``authorization.py``), read through each app's ``rules.py``."""

import rules

from ambito.accounts.roles import Role
from ambito.accounts.selectors import scope_for


def _role_predicate(*roles):
    @rules.predicate(name="has_role_" + "_or_".join(str(r) for r in roles))
    def predicate(user):
        return scope_for(user).has(*roles)

    return predicate


is_planner = _role_predicate(Role.PLANNER)
is_regional_observer = _role_predicate(Role.REGIONAL_OBSERVER)
has_membership = rules.predicate(lambda user: bool(scope_for(user).by_role), name="has_membership")
