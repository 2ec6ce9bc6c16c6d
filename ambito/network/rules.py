"""Who may edit the catalogue, from the authorisation matrix (``ambito.accounts.authorization``): each check on
one object asks the queryset filter beside it about that object; tests/test_rules.py checks that the two
agree for every demo persona.

- The planning office (Ufficio di Piano) edits every service and provider profile of its Ambito.
- A provider / Third-Sector operator edits only its own organisation's profile and services.
- Info-point contacts are logged by the planning office and by operators of the organisations that run
  or staff the info-point."""


from ambito.accounts import authorization as authz

service_editable_filter = authz.q_function("service", "change")
can_edit_service = authz.predicate("service", "change")
provider_editable_filter = authz.q_function("provider", "change")  # on ``Organisation``
can_edit_provider = authz.predicate("provider", "change")
contact_loggable_filter = authz.q_function("info_point", "log_contact")  # on ``Service`` (info-points)
can_log_info_point_contact = authz.predicate("info_point", "log_contact")
