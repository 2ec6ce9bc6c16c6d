"""Who may edit the catalogue, from the authorisation matrix (``ambito.accounts.authorization``): each check on
one object asks the queryset filter beside it about that object; tests/test_rules.py checks that the two
agree for every demo persona.

- The planning office (Ufficio di Piano) edits every service and provider profile of its Ambito.
- A provider / Third-Sector operator edits only its own organisation's profile and services — but not its
  accreditation nor its RUNTS registration: those are the planning office's record of the organisation
  (``can_accredit_provider``), not something the organisation declares about itself.
- Info-point contacts are logged by the planning office and by operators of the organisations that run
  or staff the info-point."""


from ambito.accounts import authorization as authz
from ambito.accounts.roles import Role
from ambito.accounts.selectors import scope_for

service_editable_filter = authz.q_function("service", "change")
can_edit_service = authz.predicate("service", "change")
provider_editable_filter = authz.q_function("provider", "change")  # on ``Organisation``
can_edit_provider = authz.predicate("provider", "change")
contact_loggable_filter = authz.q_function("info_point", "log_contact")  # on ``Service`` (info-points)
can_log_info_point_contact = authz.predicate("info_point", "log_contact")


def can_accredit_provider(user, organisation) -> bool:
    """Accreditation (status, dates) and RUNTS registration (number, section) of an organisation are changed
    only by the planning office of the organisation's Ambito."""
    ambito_id = organisation.ambito_id
    return ambito_id is not None and ambito_id in scope_for(user).ambito_ids(Role.PLANNER)


def can_edit_synonyms(user, ambito) -> bool:
    """The directory's synonym list belongs to the Ambito: its planning office edits it."""
    return ambito is not None and ambito.pk in scope_for(user).ambito_ids(Role.PLANNER)


def can_review_hsds_import(user, ambito) -> bool:
    """Files from other systems enter the catalogue only through the planning office of the Ambito."""
    return ambito is not None and ambito.pk in scope_for(user).ambito_ids(Role.PLANNER)
