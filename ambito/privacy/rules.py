"""Who may handle data-protection matters. Each check on one object asks its queryset filter (``*_q``)
about that object (``authorization.matches``), so each rule is written once.

- The data protection officer (*RPD/DPO*) of an Ambito: every person of that Ambito, restricted or not;
  records, decides and executes requests; reads the record of processing and the access log of the
  Ambito's organisations and persons.
- The case team (social workers and district operators who may edit the person, ``access.rules``) and the
  person's case manager: read who accessed the person's record, unless the person is restricted.
- The administrator: reads the record of processing (no person data), never the access log (it audits them).
- Everyone else: nothing here."""

import rules
from django.db.models import Q

from ambito.access import rules as access_rules
from ambito.access.models import Person
from ambito.accounts.authorization import matches
from ambito.accounts.models import Organisation
from ambito.accounts.roles import Role
from ambito.accounts.selectors import scope_for
from ambito.care.models import CarePlan, CarePlanStatus

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
    return matches(person, dpo_person_q(user))


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
    return matches(privacy_request, privacy_request_q(user))


@rules.predicate
def can_view_record_of_processing(user) -> bool:
    return scope_for(user).has(DPO, Role.ADMINISTRATOR)


# --- The access log (registro degli accessi) -----------------------------------------------------------------
# The DPO reads it; administrators, who are audited by it, do not (separation of duties). A superuser is no
# exception: nothing here asks Django's permissions.

def access_log_ambito_ids(user) -> frozenset:
    """The Ambiti whose organisations the user is data protection officer of (a Region's DPO is not one of
    an Ambito's organisations). One query, cached with the user's scope."""
    scope = scope_for(user)
    organisation_ids = scope.organisation_ids(DPO) if scope.has(DPO) else frozenset()
    if not organisation_ids:
        return frozenset()
    cached = getattr(user, "_ambito_dpo_ambiti", None)
    if cached is not None and cached[0] is scope:
        return cached[1]
    ambiti = frozenset(Organisation.objects.filter(id__in=organisation_ids, ambito__isnull=False)
                       .values_list("ambito_id", flat=True))
    user._ambito_dpo_ambiti = (scope, ambiti)
    return ambiti


@rules.predicate
def can_read_access_log(user) -> bool:
    """A DPO of an organisation that belongs to an Ambito (the access log pages are per Ambito)."""
    return bool(access_log_ambito_ids(user))


def managed_person_q(user) -> Q:
    """Persons whose current care plan (PAI, draft or active) names the user as case manager."""
    if not scope_for(user).by_role:
        return NOTHING
    return Q(pk__in=CarePlan.objects.filter(case_manager=user, status__in=[CarePlanStatus.DRAFT, CarePlanStatus.ACTIVE],
                                            person__restricted_at__isnull=True).values("person_id"))


def person_access_log_q(user, one: bool = False) -> Q:
    """Persons whose access trail the user may read: a DPO of an organisation of the person's Ambito, a
    case-team member who may edit the person, the case manager of the person's care plan. ``one``: shaped for
    asking about one person (``authorization.allowed_q``)."""
    scope = scope_for(user)
    if not scope.by_role:
        return NOTHING
    q = NOTHING
    ambiti = access_log_ambito_ids(user)
    if ambiti:
        q |= Q(ambito_id__in=ambiti)
    if scope.has(*access_rules.PERSON_ROLES):
        q |= access_rules.person_editable_q(user, one=one)
    return q | managed_person_q(user)


@rules.predicate
def can_view_person_access_log(user, person) -> bool:
    return matches(person, person_access_log_q(user, one=True))


def access_log_entry_q(user) -> Q:
    """The entries a DPO may read: made for an organisation of one of the DPO's Ambiti, or about a person of
    those Ambiti."""
    ambiti = access_log_ambito_ids(user)
    if not ambiti:
        return NOTHING
    persons = Person.objects.filter(ambito_id__in=ambiti)
    return (Q(organisation__ambito_id__in=ambiti) | Q(person_id__in=persons.values("pk"))
            | Q(person_id__isnull=True, person_ref__in=persons.values("pseudonym")))
