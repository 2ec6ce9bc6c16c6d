"""Who may handle data-protection matters. Each predicate is paired with its queryset filter (``*_q``);
tests/test_rules.py checks that the two agree for every demo persona.

- The data protection officer (*RPD/DPO*) of an Ambito: every person of that Ambito, restricted or not;
  records, decides and executes requests; reads the record of processing.
- The case team (social workers and district operators who may edit the person, ``access.rules``): starts
  the art. 15 export and reads the change history of persons they work on, unless the person is restricted.
- The administrator: reads the record of processing (no person data).
- Everyone else: nothing here."""

import rules
from django.db.models import Q

from ambito.accounts.roles import Role
from ambito.accounts.selectors import scope_for

NOTHING = Q(pk__in=[])
DPO = Role.DATA_PROTECTION_OFFICER


def dpo_ambito_ids(user) -> frozenset:
    scope = scope_for(user)
    return scope.ambito_ids(DPO) if scope.has(DPO) else frozenset()


is_dpo = rules.predicate(lambda user: scope_for(user).has(DPO), name="is_dpo")


# --- Persons seen by the DPO ---------------------------------------------------------------------------------

def dpo_person_q(user, prefix: str = "") -> Q:
    ids = dpo_ambito_ids(user)
    return Q(**{f"{prefix}ambito_id__in": list(ids)}) if ids else NOTHING


@rules.predicate
def is_dpo_of_person(user, person) -> bool:
    return person is not None and person.ambito_id in dpo_ambito_ids(user)


# --- Export (art. 15) and change history (art. 16): the DPO of the person's Ambito ---------------------------
# The export and the history gather every source without the matrix's per-kind limits (an ASL operator does
# not read the social service's notes, a provider sees only its referral): only the DPO, who answers the
# request, reads them whole.

def person_privacy_q(user) -> Q:
    """Persons whose data the user may export and whose change history the user may read."""
    return dpo_person_q(user)


can_read_person_privacy = is_dpo_of_person


# --- Privacy requests: the DPO of the Ambito ---------------------------------------------------------------

def privacy_request_q(user) -> Q:
    ids = dpo_ambito_ids(user)
    return Q(ambito_id__in=list(ids)) if ids else NOTHING


@rules.predicate
def can_handle_privacy_request(user, privacy_request) -> bool:
    return privacy_request is not None and privacy_request.ambito_id in dpo_ambito_ids(user)


@rules.predicate
def can_view_record_of_processing(user) -> bool:
    return scope_for(user).has(DPO, Role.ADMINISTRATOR)


rules.add_perm("privacy.view_privacyrequest", can_handle_privacy_request)
rules.add_perm("privacy.change_privacyrequest", can_handle_privacy_request)
rules.add_perm("privacy.add_privacyrequest", is_dpo)
rules.add_perm("privacy.export_person", can_read_person_privacy)
rules.add_perm("privacy.view_record_of_processing", can_view_record_of_processing)
