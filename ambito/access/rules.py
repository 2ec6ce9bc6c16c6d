"""Who may see and act on PUA records. Each object predicate is paired with the queryset filter next to it
(``*_q``); tests/test_rules.py checks that the two agree for every demo persona.

- Social workers and ASL district operators: persons resident in the Comuni of their organisation (a
  Comune's social service: that Comune; the district: the Comuni it serves), plus persons explicitly
  shared with their organisation.
- GPs: only the requests they sent themselves, their outcome, and the person those requests are about.
- ETS operators, the planning office, regional observers, administrators, citizens: no person data here
  (aggregates elsewhere; ETS receive referrals in the ``care`` app)."""

import rules
from django.db.models import Q

from ambito.accounts.roles import Role
from ambito.accounts.selectors import scope_for

PERSON_ROLES = (Role.SOCIAL_WORKER, Role.HEALTH_OPERATOR)
NOTHING = Q(pk__in=[])


def _territorial(user):
    scope = scope_for(user)
    return scope.comune_ids(*PERSON_ROLES) if scope.has(*PERSON_ROLES) else frozenset(), (
        scope.organisation_ids(*PERSON_ROLES) if scope.has(*PERSON_ROLES) else frozenset())


def _shared_person_ids(user, organisation_ids) -> list:
    """Persons shared with the user's organisations, read once per request. A literal id list (usually
    empty) lets PostgreSQL combine indexes; an ``OR id IN (subquery)`` forced a scan of every request."""
    from ambito.access.models import Person

    cached = getattr(user, "_ambito_shared_persons", None)
    if cached is None:
        cached = list(Person.shared_with.through.objects.filter(organisation_id__in=organisation_ids)
                      .values_list("person_id", flat=True)) if organisation_ids else []
        user._ambito_shared_persons = cached
    return cached


# --- Persons -----------------------------------------------------------------------------------------------


def person_q(user, prefix: str = "") -> Q:
    """Filter for the persons ``user`` may see (``prefix`` e.g. "person__" to filter related records)."""
    from ambito.access.models import AccessRequest

    comune_ids, organisation_ids = _territorial(user)
    q = NOTHING
    if comune_ids:
        q |= Q(**{f"{prefix}residence_comune_id__in": comune_ids})
    shared = _shared_person_ids(user, organisation_ids)
    if shared:
        q |= Q(**{f"{prefix}id__in": shared})
    if scope_for(user).has(Role.GP):
        q |= Q(**{f"{prefix}id__in": AccessRequest.objects.filter(brought_by=user).values("person_id")})
    return q


@rules.predicate
def can_view_person(user, person) -> bool:
    if person is None:
        return False
    comune_ids, organisation_ids = _territorial(user)
    if person.residence_comune_id in comune_ids:
        return True
    if organisation_ids and person.shared_with.filter(id__in=organisation_ids).exists():
        return True
    if scope_for(user).has(Role.GP):
        return person.requests.filter(brought_by=user).exists()
    return False


@rules.predicate
def can_edit_person(user, person) -> bool:
    """Only the territorial roles edit a person's record; a GP sees it through its own requests."""
    if person is None:
        return False
    comune_ids, organisation_ids = _territorial(user)
    return person.residence_comune_id in comune_ids or bool(
        organisation_ids and person.shared_with.filter(id__in=organisation_ids).exists())


def person_editable_q(user) -> Q:

    comune_ids, organisation_ids = _territorial(user)
    q = NOTHING
    if comune_ids:
        q |= Q(residence_comune_id__in=comune_ids)
    shared = _shared_person_ids(user, organisation_ids)
    if shared:
        q |= Q(id__in=shared)
    return q


@rules.predicate
def can_register_person(user) -> bool:
    return scope_for(user).has(Role.SOCIAL_WORKER, Role.HEALTH_OPERATOR, Role.GP)


# --- Requests ----------------------------------------------------------------------------------------------


def request_q(user, prefix: str = "") -> Q:
    """Filter for the access requests ``user`` may see."""

    comune_ids, organisation_ids = _territorial(user)
    q = NOTHING
    if comune_ids:
        q |= Q(**{f"{prefix}comune_id__in": comune_ids})
    shared = _shared_person_ids(user, organisation_ids)
    if shared:
        q |= Q(**{f"{prefix}person_id__in": shared})
    if scope_for(user).has(Role.GP):
        q |= Q(**{f"{prefix}brought_by": user})
    return q


@rules.predicate
def can_view_request(user, request) -> bool:
    if request is None:
        return False
    if can_work_on_request(user, request):
        return True
    return scope_for(user).has(Role.GP) and request.brought_by_id == user.id


@rules.predicate
def can_work_on_request(user, request) -> bool:
    """Triage, transitions, assessments: the territorial roles of the responsible Comune (or shared)."""
    if request is None:
        return False
    comune_ids, organisation_ids = _territorial(user)
    return request.comune_id in comune_ids or bool(
        organisation_ids and request.person.shared_with.filter(id__in=organisation_ids).exists())


def request_workable_q(user, prefix: str = "") -> Q:

    comune_ids, organisation_ids = _territorial(user)
    q = NOTHING
    if comune_ids:
        q |= Q(**{f"{prefix}comune_id__in": comune_ids})
    shared = _shared_person_ids(user, organisation_ids)
    if shared:
        q |= Q(**{f"{prefix}person_id__in": shared})
    return q


@rules.predicate
def can_send_request(user) -> bool:
    return scope_for(user).has(Role.SOCIAL_WORKER, Role.HEALTH_OPERATOR, Role.GP)


# --- Assessments -------------------------------------------------------------------------------------------


def assessment_q(user) -> Q:
    return request_q(user, prefix="request__")


@rules.predicate
def can_view_assessment(user, assessment) -> bool:
    return assessment is not None and can_view_request(user, assessment.request)


@rules.predicate
def can_work_on_assessment(user, assessment) -> bool:
    return assessment is not None and can_work_on_request(user, assessment.request)


# --- Waiting lists -----------------------------------------------------------------------------------------

LIST_ROLES = (Role.SOCIAL_WORKER, Role.HEALTH_OPERATOR, Role.PLANNER)


def waiting_list_q(user) -> Q:
    """Lists (counts only, no person data) of the Ambiti of the case workers and the planning office."""
    scope = scope_for(user)
    ambito_ids = scope.ambito_ids(*LIST_ROLES) if scope.has(*LIST_ROLES) else frozenset()
    return Q(service__ambito_id__in=ambito_ids) if ambito_ids else NOTHING


@rules.predicate
def can_view_waiting_list(user, waiting_list) -> bool:
    scope = scope_for(user)
    return waiting_list is not None and scope.has(*LIST_ROLES) and (
        waiting_list.service.ambito_id in scope.ambito_ids(*LIST_ROLES))


def waiting_list_entry_q(user) -> Q:
    return person_editable_q_prefixed(user, "person__")


def person_editable_q_prefixed(user, prefix: str) -> Q:
    from ambito.access.models import Person

    comune_ids, organisation_ids = _territorial(user)
    q = NOTHING
    if comune_ids:
        q |= Q(**{f"{prefix}residence_comune_id__in": comune_ids})
    if organisation_ids:
        q |= Q(**{f"{prefix}id__in": Person.shared_with.through.objects.filter(
            organisation_id__in=organisation_ids).values("person_id")})
    return q


@rules.predicate
def can_view_waiting_list_entry(user, entry) -> bool:
    """Entries carry person data: only the territorial roles that may edit the person."""
    return entry is not None and can_edit_person(user, entry.person)


@rules.predicate
def can_manage_waiting_list(user, waiting_list) -> bool:
    """Admit, remove, set open slots: social workers and district operators of a Comune the service covers."""
    if waiting_list is None:
        return False
    comune_ids, _ = _territorial(user)
    return bool(comune_ids) and any(c.id in comune_ids for c in waiting_list.service.comuni.all())


rules.add_perm("access.view_person", can_view_person)
rules.add_perm("access.change_person", can_edit_person)
rules.add_perm("access.add_person", can_register_person)
rules.add_perm("access.view_accessrequest", can_view_request)
rules.add_perm("access.change_accessrequest", can_work_on_request)
rules.add_perm("access.add_accessrequest", can_send_request)
rules.add_perm("access.view_assessment", can_view_assessment)
rules.add_perm("access.change_assessment", can_work_on_assessment)
rules.add_perm("access.view_waitinglist", can_view_waiting_list)
rules.add_perm("access.manage_waitinglist", can_manage_waiting_list)
rules.add_perm("access.view_waitinglistentry", can_view_waiting_list_entry)
