"""The authorisation matrix (matrice delle autorizzazioni): one declarative table of
role × object kind × relation → allowed actions, and the engine that turns it into a queryset filter
(``allowed_q``). A check on one object (``allows``) asks that same filter about the object (``matches``: from
the object's loaded fields where it can, else one query), so each relation is written once, as a ``Q``.

A *relation* is how a user stands to an object through one of their roles: the person lives in a Comune
the role serves (``own_comune``), the person was shared with the role's organisation (``shared``), the
GP sent a request for the person (``my_patient``), the referral was sent to the role's organisation
(``referred``), the object belongs to the role's Ambito (``own_ambito``)... Each object kind says by which
paths its objects reach a person, a Comune, a provider, an Ambito. The table then only says, per kind and
role, which actions each relation grants.

The kinds name their models by label (``"care.CarePlan"``), as foreign keys between apps do: this module sits
below the apps whose records it guards and imports none of them. What only the app that keeps persons knows
(who was shared with an organisation, whose processing is restricted, for whom a GP sent a request) that
app registers at start-up (``register_persons``, from ``ambito.access.apps``).

``rules.py`` of each app exposes named predicates and filters derived from here, so views, services and
selectors keep their vocabulary; ``tests/test_matrix*.py`` walk every cell over the UI and the API.
Anything not in the table is refused, and nobody here reaches the records of a person whose processing is
restricted (GDPR art. 18, ``Person.restricted_at``): the DPO reads those through the privacy app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import rules
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db.models import F, Model, Q, QuerySet

from ambito.accounts.roles import Role
from ambito.accounts.selectors import scope_for
from ambito.core.lookups import InSubquery

NOTHING = Q(pk__in=[])

# Relations ------------------------------------------------------------------------------------------------
OWN_COMUNE = "own_comune"  # the object's Comune is one the role serves
SHARED = "shared"  # the person was shared with the role's organisation
MY_PATIENT = "my_patient"  # the GP sent a request for the person (for requests: sent this very request)
REFERRED = "referred"  # the referral / delivery / note was sent to the role's organisation
COVERS_COMUNE = "covers_comune"  # the service (of a waiting list) covers a Comune the role serves
OWN_AMBITO = "own_ambito"  # the object belongs to the role's Ambito
OWN_ORGANISATION = "own_organisation"  # the object is, or is run by, the role's organisation
STAFFED = "staffed"  # the role's organisation staffs the object (an info-point)
PUBLIC = "public"  # anyone, signed in or not (public catalogue, plan in consultation)
OWN_REGION = "own_region"  # the object belongs to the region of an Ambito the role serves (a regional plan)

RELATIONS = (OWN_COMUNE, SHARED, MY_PATIENT, REFERRED, COVERS_COMUNE, OWN_AMBITO, OWN_ORGANISATION, STAFFED,
             PUBLIC, OWN_REGION)


@dataclass(frozen=True)
class Kind:
    """An object kind and the paths (Django lookups, ``__``-separated) by which its objects reach what the
    relations look at. A missing path means the relation cannot hold for this kind."""

    name: str
    model: str
    person: str | None = None  # path to the Person ("" for the person itself)
    comune: str | None = None  # path to the responsible Comune
    sender: str | None = None  # path to the user who sent the request (GP)
    provider: str | None = None  # path to the provider organisation
    ambito: str | None = None  # path to the Ambito
    comuni: str | None = None  # path to a many-to-many of Comuni covered
    organisation: str | None = None  # path to an organisation (or the object itself: "")
    staffed_by: str | None = None  # path to a many-to-many of organisations that staff the object
    region: str | None = None  # path to an ISTAT region code
    # Actions granted only on objects that also meet a condition (a filter), e.g. notes by visibility, plans
    # by state.
    conditions: dict = field(default_factory=dict)


def _join(prefix: str, path: str, suffix: str = "") -> str:
    parts = [p for p in (prefix.rstrip("_"), path, suffix) if p]
    return "__".join(parts)


@dataclass(frozen=True)
class PersonFacts:
    """What the relations need to know about persons, from the app that keeps them (``ambito.access``
    registers its own with ``register_persons`` in ``AppConfig.ready``)."""

    shared_with: Callable  # organisation ids -> ids of the persons shared with any of them (a list)
    restricted: Callable  # () -> ids of the persons whose processing is restricted (a list)
    sent_for: Callable  # user -> ids of the persons the user sent a request for (a ``values()`` queryset)


_persons: PersonFacts | None = None


def register_persons(facts: PersonFacts) -> None:
    global _persons
    _persons = facts


def _person_facts() -> PersonFacts:
    if _persons is None:
        raise ImproperlyConfigured("No app registered the persons' facts (ambito.access registers them).")
    return _persons


def _shared_person_ids(user, organisation_ids) -> list:
    """Persons shared with the user's organisations, read once per request. A literal id list (usually
    empty) lets PostgreSQL combine indexes; an ``OR id IN (subquery)`` forced a scan of every request."""
    if not organisation_ids:
        return []
    cache = user.__dict__.setdefault("_ambito_shared_persons", {})
    key = frozenset(organisation_ids)
    if key not in cache:
        cache[key] = list(_person_facts().shared_with(organisation_ids))
    return cache[key]


def _restricted_person_ids(user) -> list:
    """Persons whose processing is restricted, read once per request through a partial index: usually none,
    and a literal list keeps the filters free of a join to the persons table."""
    holder = user.__dict__ if user is not None else {}
    if "_ambito_restricted_persons" not in holder:
        holder["_ambito_restricted_persons"] = list(_person_facts().restricted())
    return holder["_ambito_restricted_persons"]


def _relation_q(kind: Kind, relation: str, user, roles, prefix: str, one: bool = False) -> Q:
    """The relation as a filter. For lists the persons shared with the user's organisations are read first,
    once per request, into a literal id list; for one object (``one``) the filter joins instead, so a check
    the object's own fields settle (its Comune) reads nothing."""
    scope = scope_for(user)
    if relation == PUBLIC:
        return Q()
    if relation == OWN_COMUNE and kind.comune is not None:
        ids = scope.comune_ids(*roles)
        if not ids:
            return NOTHING
        if not one and kind.person and kind.comune == f"{kind.person}__residence_comune":
            # A list scoped by the person's residence reads the persons' ids first (an array), not a join nor a
            # hashed subplan: both made PostgreSQL test every row of the region's table (the work queue's
            # overdue referrals at 100 Ambiti: join 126 ms, IN (subquery) 50 ms, = ANY(ARRAY(…)) 6.5 ms).
            persons = apps.get_model("access.Person").objects.filter(residence_comune_id__in=list(ids)).order_by().values("pk")
            return Q(InSubquery(F(_join(prefix, kind.person, "id")), persons))
        return Q(**{_join(prefix, kind.comune, "id__in"): list(ids)})
    if relation == SHARED and kind.person is not None:
        organisation_ids = scope.organisation_ids(*roles)
        if one:
            return Q(**{_join(prefix, kind.person, "shared_with__in"): list(organisation_ids)}) \
                if organisation_ids else NOTHING
        ids = _shared_person_ids(user, organisation_ids)
        return Q(**{_join(prefix, kind.person, "id__in"): ids}) if ids else NOTHING
    if relation == MY_PATIENT:
        if kind.sender is not None:
            return Q(**{_join(prefix, kind.sender): user})
        if kind.person is not None:
            return Q(**{_join(prefix, kind.person, "id__in"): _person_facts().sent_for(user)})
    if relation == REFERRED and kind.provider is not None:
        ids = scope.organisation_ids(*roles)
        return Q(**{_join(prefix, kind.provider, "id__in"): ids}) if ids else NOTHING
    if relation == COVERS_COMUNE and kind.comuni is not None:
        return _through_many(kind, kind.comuni, scope.comune_ids(*roles), prefix, one)
    if relation == STAFFED and kind.staffed_by is not None:
        return _through_many(kind, kind.staffed_by, scope.organisation_ids(*roles), prefix, one)
    if relation == OWN_AMBITO and kind.ambito is not None:
        ids = scope.ambito_ids(*roles)
        return Q(**{_join(prefix, kind.ambito, "id__in"): ids}) if ids else NOTHING
    if relation == OWN_REGION and kind.region is not None:
        ids = scope.ambito_ids(*roles)
        codes = apps.get_model("territory.Ambito").objects.filter(id__in=ids).values("region_code")
        return Q(**{_join(prefix, kind.region, "in"): codes}) if ids else NOTHING
    if relation == OWN_ORGANISATION and kind.organisation is not None:
        ids = scope.organisation_ids(*roles)
        return Q(**{_join(prefix, kind.organisation, "id__in"): ids}) if ids else NOTHING
    return NOTHING


def _through_many(kind: Kind, path: str, ids, prefix: str, one: bool = False) -> Q:
    """Objects linked to any of ``ids`` through a many-to-many, as an ``id IN (subquery)`` so rows are not
    repeated; for one object, the many-to-many itself (its prefetched rows settle it without a query)."""
    if not ids:
        return NOTHING
    if one:
        return Q(**{_join(prefix, path, "in"): list(ids)})
    linked = _model(kind).objects.filter(**{f"{path}__id__in": ids}).values("id")
    return Q(**{_join(prefix, "id__in"): linked})


def _model(kind: Kind):
    return apps.get_model(kind.model)


# The object kinds -----------------------------------------------------------------------------------------

_PERSON_OF = dict(person="person", comune="person__residence_comune")
_PLAN_SHARED = ["consultation", "approved", "in_force", "closed"]  # plan states every member reads


def _visibility(value):
    return Q(visibility=value)


KINDS = {k.name: k for k in (
    Kind("person", "access.Person", person="", comune="residence_comune"),
    Kind("request", "access.AccessRequest", person="person", comune="comune", sender="brought_by"),
    Kind("assessment", "access.Assessment", person="request__person", comune="request__comune",
         sender="request__brought_by"),
    Kind("waiting_list", "access.WaitingList", ambito="service__ambito", comuni="service__comuni"),
    Kind("waiting_list_entry", "access.WaitingListEntry", **_PERSON_OF),
    Kind("care_plan", "care.CarePlan", **_PERSON_OF),
    Kind("health_budget", "care.HealthBudget", **_PERSON_OF),
    Kind("discharge", "care.Discharge", **_PERSON_OF),
    Kind("referral", "care.Referral", provider="provider", **_PERSON_OF),
    Kind("delivery", "care.Delivery", provider="provider", **_PERSON_OF),
    Kind("case_note", "care.CaseNote", provider="referral__provider", conditions={
        "view_social": _visibility("social"), "view_health": _visibility("health"),
        "view_provider": _visibility("provider")}, **_PERSON_OF),
    Kind("service", "network.Service", ambito="ambito", organisation="provider"),
    Kind("info_point", "network.Service", ambito="ambito", organisation="provider", staffed_by="staffed_by",
         conditions={"log_contact": Q(service_type="info_point")}),
    Kind("provider", "accounts.Organisation", ambito="ambito", organisation=""),
    Kind("plan", "planning.Plan", ambito="ambito", conditions={
        "view_consultation": Q(state="consultation"), "comment": Q(state="consultation"),
        "contribute": Q(state="coprogramming"),
        "view_coprogramming": Q(state__in=["coprogramming", *_PLAN_SHARED]), "view_shared": Q(state__in=_PLAN_SHARED)}),
    Kind("survey", "monitoring.Survey", ambito="service__ambito"),
    Kind("partner_plan", "planning.PartnerPlan", region="region_code"),
)}

# Derived actions: "view" a case note means seeing it at its visibility.
DERIVED = {
    ("case_note", "view"): ("view_social", "view_health", "view_provider"),
    # A Piano di Zona being written is the planning office's; in co-programming its partners (the Third Sector
    # and the ASL's district) read it too; from public consultation on, every member of the Ambito (issue 19).
    ("plan", "view"): ("view_any", "view_coprogramming", "view_shared"),
}

# The matrix -----------------------------------------------------------------------------------------------

SW, HO, GP, ETS = Role.SOCIAL_WORKER, Role.HEALTH_OPERATOR, Role.GP, Role.PROVIDER_OPERATOR
PLANNER, OBSERVER, ADMIN, DPO = Role.PLANNER, Role.REGIONAL_OBSERVER, Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER
SIUSS = Role.SIUSS_OFFICER
MEMBERS = (PLANNER, SW, HO, GP, ETS, OBSERVER, ADMIN, DPO)
CASE_TEAM = (SW, HO)
ALL_NOTES = {"view_social", "view_health", "view_provider"}
HEALTH_NOTES = {"view_health", "view_provider"}


def _grant(roles, relations, actions) -> dict:
    return {role: {relation: set(actions) for relation in relations} for role in roles}


def _merge(*grants) -> dict:
    merged: dict = {}
    for grant in grants:
        for role, by_relation in grant.items():
            for relation, actions in by_relation.items():
                merged.setdefault(role, {}).setdefault(relation, set()).update(actions)
    return merged


# MATRIX[kind][role][relation] = allowed actions. Roles and relations not listed get nothing.
MATRIX = {
    # SIUSS ("siuss"): the Comune's SIUSS officer and its case team read and complete what the INPS flows
    # need (citizenship, birthplace, DSU, protocol, SINA and SINBA answers) of the Comune's records.
    # PUA: the case team of the person's Comune (or of an organisation it was shared with); the GP reads
    # the persons and requests they sent.
    "person": _merge(_grant(CASE_TEAM, (OWN_COMUNE, SHARED), {"view", "change"}),
                     _grant((GP,), (MY_PATIENT,), {"view"}),
                     _grant((SW, HO, SIUSS), (OWN_COMUNE,), {"siuss"})),
    "request": _merge(_grant(CASE_TEAM, (OWN_COMUNE, SHARED), {"view", "work"}),
                      _grant((GP, ETS), (MY_PATIENT,), {"view"})),
    "assessment": _merge(_grant(CASE_TEAM, (OWN_COMUNE, SHARED), {"view", "work"}),
                         _grant((GP,), (MY_PATIENT,), {"view"}),
                         _grant((SW, HO, SIUSS), (OWN_COMUNE,), {"siuss"})),
    # Waiting lists show counts to the planning office and case workers of the Ambito; the case workers
    # of a Comune the service covers admit and remove. Entries carry person data.
    "waiting_list": _merge(_grant((SW, HO, PLANNER), (OWN_AMBITO,), {"view"}),
                           _grant(CASE_TEAM, (COVERS_COMUNE,), {"manage"})),
    "waiting_list_entry": _grant(CASE_TEAM, (OWN_COMUNE, SHARED), {"view"}),
    # Care: the team edits, the GP reads their own patients' plans, the referred provider sees only the
    # referral, its deliveries and the notes shared with it.
    "care_plan": _merge(_grant(CASE_TEAM, (OWN_COMUNE, SHARED), {"view", "change"}),
                        _grant((GP,), (MY_PATIENT,), {"view"}),
                        _grant((SW, HO, SIUSS), (OWN_COMUNE,), {"siuss"})),
    "health_budget": _merge(_grant(CASE_TEAM, (OWN_COMUNE, SHARED), {"view", "change"}),
                            _grant((GP,), (MY_PATIENT,), {"view"})),
    "discharge": _grant(CASE_TEAM, (OWN_COMUNE, SHARED), {"view", "change"}),
    "referral": _merge(_grant(CASE_TEAM, (OWN_COMUNE, SHARED), {"view", "view_case", "manage", "log_delivery"}),
                       _grant((GP,), (MY_PATIENT,), {"view", "view_case"}),
                       _grant((ETS, SW, HO), (REFERRED,), {"view", "answer", "log_delivery"})),
    "delivery": _merge(_grant(CASE_TEAM, (OWN_COMUNE, SHARED), {"view"}),
                       _grant((GP,), (MY_PATIENT,), {"view"}),
                       _grant((ETS, SW, HO), (REFERRED,), {"view"})),
    "case_note": _merge(_grant((SW,), (OWN_COMUNE, SHARED), ALL_NOTES),
                        _grant((HO,), (OWN_COMUNE, SHARED), HEALTH_NOTES),
                        _grant((GP,), (MY_PATIENT,), HEALTH_NOTES),
                        _grant((ETS, SW, HO), (REFERRED,), {"view_provider"})),
    # Catalogue: the planning office edits its Ambito's services and providers, a provider its own.
    "service": _merge(_grant((PLANNER,), (OWN_AMBITO,), {"change"}),
                      _grant((ETS,), (OWN_ORGANISATION,), {"change"})),
    "provider": _merge(_grant((PLANNER,), (OWN_AMBITO,), {"change"}),
                       _grant((ETS,), (OWN_ORGANISATION,), {"change"})),
    # Piano di Zona: members of the Ambito read it, the planning office edits it, ETS contribute during
    # co-programming; everyone reads it in public consultation.
    "plan": _merge(_grant(MEMBERS, (OWN_AMBITO,), {"view_shared"}),
                   _grant((ETS, HO), (OWN_AMBITO,), {"view_coprogramming"}),
                   _grant((PLANNER,), (OWN_AMBITO,), {"view_any", "change"}),
                   _grant((ETS,), (OWN_AMBITO,), {"contribute"})),
    # Info-point contacts are logged by the planning office and by the organisations that run or staff it.
    "info_point": _merge(_grant((PLANNER,), (OWN_AMBITO,), {"log_contact"}),
                         _grant((ETS, HO, SW), (OWN_ORGANISATION, STAFFED), {"log_contact"})),
    "survey": _grant((PLANNER, ADMIN), (OWN_AMBITO,), {"manage"}),
    # Plans of the ASST and of the Region (PPT, Piano sociale regionale): the planning office, the district's
    # operators and the regional observer of the region read them; the planning office and the administrator
    # keep them and link the Piano di Zona to them.
    "partner_plan": _merge(_grant((PLANNER, HO, OBSERVER, ADMIN), (OWN_REGION,), {"view"}),
                           _grant((PLANNER, ADMIN), (OWN_REGION,), {"change"})),
}
# Actions that depend on the role alone (creating a record), per kind.
ROLE_ACTIONS = {
    "person": {"add": (SW, HO, GP)},
    "request": {"add": (SW, HO, GP, ETS)},
    "care_plan": {"add": CASE_TEAM},
}
# Public actions (no role needed) per kind.
PUBLIC_ACTIONS = {"plan": {"view_consultation"}}
# Actions any signed-in person may take where the public relation holds.
SIGNED_IN_ACTIONS = {"plan": {"comment"}}


def roles_granting(kind: str, action: str) -> dict[str, tuple]:
    """relation → roles whose cell grants ``action`` on ``kind``."""
    result: dict[str, list] = {}
    for role, by_relation in MATRIX.get(kind, {}).items():
        for relation, actions in by_relation.items():
            if action in actions:
                result.setdefault(relation, []).append(role)
    return {relation: tuple(roles) for relation, roles in result.items()}


def _base_actions(kind: str, action: str) -> tuple:
    return DERIVED.get((kind, action), (action,))


def _any(filters: list) -> Q:
    """OR of ``filters``; an empty ``Q()`` (everything) wins, no filter at all means nothing."""
    if any(not f for f in filters):
        return Q()
    if not filters:
        return NOTHING
    combined = filters[0]
    for f in filters[1:]:
        combined |= f
    return combined


def _is_public(kind: str, action: str, user) -> bool:
    return action in PUBLIC_ACTIONS.get(kind, ()) or (
        action in SIGNED_IN_ACTIONS.get(kind, ()) and user is not None and user.is_authenticated)


def allowed_q(user, kind: str, action: str, prefix: str = "", one: bool = False) -> Q:
    """The objects of ``kind`` on which ``user`` may take ``action`` (``prefix`` to filter related records,
    e.g. "request__" to filter assessments by their request). ``one``: the same filter shaped for asking
    about one object (``allows``): joins to the person instead of id lists read beforehand."""
    spec = KINDS[kind]
    scope = scope_for(user)
    per_action = []
    for base in _base_actions(kind, action):
        if _is_public(kind, base, user):
            granted = [Q()]
        else:
            granted = [_relation_q(spec, relation, user, held, prefix, one)
                       for relation, roles in roles_granting(kind, base).items()
                       if (held := tuple(r for r in roles if scope.has(r)))]
            granted = [g for g in granted if g is not NOTHING]
        if not granted:
            continue
        q = _any(granted)
        # A restricted person (GDPR art. 18) leaves every list and every page.
        if spec.person is not None and one:
            q = Q(**{_join(prefix, spec.person, "restricted_at__isnull"): True}) & q
        elif spec.person is not None and (restricted := _restricted_person_ids(user)):
            q = ~Q(**{_join(prefix, spec.person, "id__in"): restricted}) & q
        if base in spec.conditions:
            q = Q(**{_join(prefix, k): v for k, v in spec.conditions[base].children}) & q
        per_action.append(q)
    return _any(per_action)


def matches(obj, q: Q) -> bool:
    """Whether ``obj`` is among the objects the filter ``q`` selects. Answered from the object's own fields
    where the filter only compares them with values (ids of the user's Comuni, a state...), as a list page
    already loaded them: no query; where it needs the database (a subquery, a many-to-many), one ``EXISTS``
    on the object's key. An object not saved yet is matched on its fields only."""
    if obj is None:
        return False
    answer = _evaluate(obj, q)
    if answer is not None:
        return answer
    if obj.pk is None:
        return False
    return type(obj)._base_manager.filter(q, pk=obj.pk).exists()


_UNKNOWN = object()
_LOOKUPS = ("exact", "in", "isnull")


def _evaluate(obj, q: Q) -> bool | None:
    """``q`` on ``obj`` in memory, in three-valued logic: None where a part needs the database."""
    answers = [_evaluate(obj, child) if isinstance(child, Q) else _compare(obj, *child) if isinstance(child, tuple)
               else None for child in q.children]  # an expression (``InSubquery``) needs the database
    if q.connector == Q.AND:
        answer = False if False in answers else None if None in answers else True
    else:
        answer = True if True in answers else None if None in answers else False
    return answer if answer is None or not q.negated else not answer


def _compare(obj, lookup: str, value) -> bool | None:
    parts = lookup.split("__")
    operator = parts.pop() if parts[-1] in _LOOKUPS else "exact"
    if isinstance(value, QuerySet) or hasattr(value, "resolve_expression"):
        return None
    current = _value(obj, parts)
    if current is _UNKNOWN:
        return None
    if isinstance(current, _Many):  # a many-to-many matches when any of its rows does
        return any(related in value for related in current.ids) if operator == "in" else None
    if operator == "isnull":
        return (current is None) == bool(value)
    if operator == "in":
        return current is not None and current in value
    return current == (value.pk if isinstance(value, Model) else value)


@dataclass(frozen=True)
class _Many:
    ids: tuple  # the related ids of a prefetched many-to-many


def _value(obj, parts: list):
    """The value at the end of a lookup path (the id for a foreign key, without loading the object; the ids
    of a prefetched many-to-many), or _UNKNOWN for a path memory cannot follow (a many-to-many not
    prefetched, a reverse relation, a field it does not know)."""
    for index, name in enumerate(parts):
        if obj is None:
            return None
        try:
            field = obj._meta.pk if name == "pk" else obj._meta.get_field(name)
        except FieldDoesNotExist:
            return _UNKNOWN
        rest = parts[index + 1:]
        if field.many_to_many and field.concrete and rest in ([], ["id"], ["pk"]):
            prefetched = getattr(obj, "_prefetched_objects_cache", {})
            if field.name not in prefetched:
                return _UNKNOWN
            return _Many(tuple(related.pk for related in prefetched[field.name]))
        if not field.concrete or field.many_to_many:
            return _UNKNOWN
        if not field.is_relation:
            return getattr(obj, field.attname) if not rest else _UNKNOWN
        if not rest or rest in (["id"], ["pk"], [field.target_field.name]):
            return getattr(obj, field.attname)
        obj = getattr(obj, field.name)
    return _UNKNOWN


def allows(user, kind: str, action: str, obj) -> bool:
    """Whether ``user`` may take ``action`` on ``obj``: the filter of ``allowed_q``, asked about one object."""
    return obj is not None and matches(obj, allowed_q(user, kind, action, one=True))


def may_act(user, kind: str, action: str) -> bool:
    """Whether the user's roles allow ``action`` on ``kind`` somewhere: a role-level action (creating a
    record) or an object action some relation could grant (for "new ..." buttons and menus)."""
    scope = scope_for(user)
    if action in ROLE_ACTIONS.get(kind, {}):
        return scope.has(*ROLE_ACTIONS[kind][action])
    return any(scope.has(*roles) for roles in roles_granting(kind, action).values())


def actions_of(kind: str) -> set:
    actions = set(PUBLIC_ACTIONS.get(kind, ())) | set(SIGNED_IN_ACTIONS.get(kind, ())) | set(ROLE_ACTIONS.get(kind, ()))
    for by_relation in MATRIX.get(kind, {}).values():
        for granted in by_relation.values():
            actions |= granted
    for (derived_kind, action), _bases in DERIVED.items():
        if derived_kind == kind:
            actions.add(action)
    return actions


def predicate(kind: str, action: str) -> Callable:
    """A named django-rules predicate for one (kind, action) of the matrix."""

    @rules.predicate(name=f"{kind}_{action}")
    def check(user, obj) -> bool:
        return allows(user, kind, action, obj)

    return check


def q_function(kind: str, action: str, default_prefix: str = "") -> Callable:
    def build(user, prefix: str = default_prefix, one: bool = False) -> Q:
        return allowed_q(user, kind, action, prefix, one)

    build.__name__ = f"{kind}_{action}_q"
    return build


def matrix_markdown() -> str:
    """The matrix as a Markdown table (docs/authorization-matrix.md is generated from it and checked)."""
    lines = ["| Object kind | Role | Relation | Allowed actions |", "|---|---|---|---|"]
    for kind in sorted(MATRIX):
        for role in sorted(MATRIX[kind], key=str):
            for relation in RELATIONS:
                actions = MATRIX[kind][role].get(relation)
                if actions:
                    lines.append(f"| {kind} | {Role(role).value} | {relation} | {', '.join(sorted(actions))} |")
    for table, label in ((ROLE_ACTIONS, "any object (role alone)"),):
        for kind in sorted(table):
            for action, roles in table[kind].items():
                lines.append(f"| {kind} | {', '.join(sorted(Role(r).value for r in roles))} | {label} | {action} |")
    for kind, actions in sorted(PUBLIC_ACTIONS.items()):
        lines.append(f"| {kind} | anyone | {PUBLIC} | {', '.join(sorted(actions))} |")
    for kind, actions in sorted(SIGNED_IN_ACTIONS.items()):
        lines.append(f"| {kind} | any signed-in person | {PUBLIC} | {', '.join(sorted(actions))} |")
    return "\n".join(lines) + "\n"
