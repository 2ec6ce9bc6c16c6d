"""Who sees and produces SIUSS flows. The files carry codici fiscali: only the Comune's SIUSS officer
(*referente SIUSS*, ``Role.SIUSS_OFFICER``) produces and downloads its own Comune's files and sees the records
behind the pre-flight report; the planning office and the Region see only counts and completeness. Completing
a record's data follows the matrix (``"siuss"`` on person, care plan and assessment: the officer and the
case team of the Comune)."""

from ambito.accounts import authorization
from ambito.accounts.roles import Role
from ambito.accounts.selectors import scope_for


def officer_comune_ids(user) -> frozenset:
    """The Comuni whose files ``user`` produces."""
    return scope_for(user).comune_ids(Role.SIUSS_OFFICER)


def counts_comune_ids(user) -> frozenset:
    """The Comuni whose counts and completeness ``user`` sees (officer, planning office, Region)."""
    return scope_for(user).comune_ids(Role.SIUSS_OFFICER, Role.PLANNER, Role.REGIONAL_OBSERVER)


def can_see_siuss(user) -> bool:
    return bool(counts_comune_ids(user))


def can_produce(user, comune) -> bool:
    return comune.pk in officer_comune_ids(user)


def can_complete(user, kind: str, obj) -> bool:
    return authorization.allows(user, kind, "siuss", obj)


def can_edit_ente(user, comune) -> bool:
    """A Comune's codice fiscale: its SIUSS officer or the planning office of its Ambito."""
    scope = scope_for(user)
    return comune.pk in scope.comune_ids(Role.SIUSS_OFFICER) or comune.ambito_id in scope.ambito_ids(Role.PLANNER)


# Who edits the Ambito's SINA mapping.
MAPPING_ROLES = (Role.PLANNER,)
