"""Who may see and act on PUA records, derived from the authorisation matrix
(``ambito.accounts.authorization.MATRIX``): each named predicate asks the queryset filter (``*_q``) of the
same cells about one object; tests/test_rules.py checks that the two agree for every demo persona.

- Social workers and ASL district operators: persons resident in the Comuni of their organisation (a
  Comune's social service: that Comune; the district: the Comuni it serves), plus persons explicitly
  shared with their organisation.
- GPs: only the requests they sent themselves, their outcome, and the person those requests are about.
- ETS operators, the planning office, regional observers, administrators, DPO, citizens: no person data
  here (aggregates elsewhere; ETS receive referrals in the ``care`` app)."""

import rules

from ambito.access.models import AccessRequest, Person
from ambito.accounts import authorization as authz
from ambito.accounts.roles import Role
from ambito.accounts.selectors import scope_for

PERSON_ROLES = authz.CASE_TEAM
LIST_ROLES = (Role.SOCIAL_WORKER, Role.HEALTH_OPERATOR, Role.PLANNER)
NOTHING = authz.NOTHING


def territorial_comune_ids(user) -> frozenset:
    """The Comuni whose residents the user's case-team roles serve."""
    scope = scope_for(user)
    return scope.comune_ids(*PERSON_ROLES) if scope.has(*PERSON_ROLES) else frozenset()


# --- What the matrix's relations need to know about persons (registered in ``apps.AccessConfig.ready``) -----

def _shared_with(organisation_ids) -> list:
    return list(Person.shared_with.through.objects.filter(organisation_id__in=organisation_ids)
                .values_list("person_id", flat=True))


def _restricted() -> list:
    return list(Person.objects.filter(restricted_at__isnull=False).order_by().values_list("id", flat=True))


def _sent_for(user):
    return AccessRequest.objects.filter(brought_by=user).values("person_id")


PERSON_FACTS = authz.PersonFacts(shared_with=_shared_with, restricted=_restricted, sent_for=_sent_for)

# --- Persons -----------------------------------------------------------------------------------------------

person_q = authz.q_function("person", "view")
can_view_person = authz.predicate("person", "view")
person_editable_q = authz.q_function("person", "change")
can_edit_person = authz.predicate("person", "change")


@rules.predicate
def can_register_person(user) -> bool:
    return authz.may_act(user, "person", "add")


# --- Requests ----------------------------------------------------------------------------------------------

request_q = authz.q_function("request", "view")
can_view_request = authz.predicate("request", "view")
request_workable_q = authz.q_function("request", "work")
can_work_on_request = authz.predicate("request", "work")


@rules.predicate
def can_send_request(user) -> bool:
    return authz.may_act(user, "request", "add")


# --- Assessments -------------------------------------------------------------------------------------------

assessment_q = authz.q_function("assessment", "view")
can_view_assessment = authz.predicate("assessment", "view")
can_work_on_assessment = authz.predicate("assessment", "work")

# --- Waiting lists -----------------------------------------------------------------------------------------

waiting_list_q = authz.q_function("waiting_list", "view")
can_view_waiting_list = authz.predicate("waiting_list", "view")
can_manage_waiting_list = authz.predicate("waiting_list", "manage")
waiting_list_entry_q = authz.q_function("waiting_list_entry", "view")
can_view_waiting_list_entry = authz.predicate("waiting_list_entry", "view")


# --- The Ambito's configuration: triage rules and scales --------------------------------------------------------


def triage_rule_ambito_ids(user) -> frozenset:
    """The Ambiti whose triage rules the user edits: those of their planning office (Ufficio di Piano)."""
    scope = scope_for(user)
    return scope.ambito_ids(Role.PLANNER) if scope.has(Role.PLANNER) else frozenset()


def can_manage_triage_rules(user, ambito) -> bool:
    return ambito is not None and ambito.pk in triage_rule_ambito_ids(user)
