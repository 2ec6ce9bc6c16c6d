"""Who may edit the catalogue. Each object predicate sits beside the queryset filter that selects the same
objects, both built from the authorisation matrix (``ambito.accounts.authorization``);
tests/test_rules.py checks that the two agree for every demo persona.

- The planning office (Ufficio di Piano) edits every service and provider profile of its Ambito.
- A provider / Third-Sector operator edits only its own organisation's profile and services.
- Info-point contacts are logged by the planning office and by operators of the organisations that run
  or staff the info-point."""

import rules

from ambito.accounts import authorization as authz

service_editable_filter = authz.q_function("service", "change")
can_edit_service = authz.predicate("service", "change")
provider_editable_filter = authz.q_function("provider", "change")  # on ``Organisation``
can_edit_provider = authz.predicate("provider", "change")
contact_loggable_filter = authz.q_function("info_point", "log_contact")  # on ``Service`` (info-points)
can_log_info_point_contact = authz.predicate("info_point", "log_contact")

rules.add_perm("network.change_service", can_edit_service)
rules.add_perm("network.change_providerprofile", can_edit_provider)
rules.add_perm("network.add_infopointcontact", can_log_info_point_contact)
