"""Reads about who may see what. Everything else scopes its querysets with ``scope_for``."""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils import timezone

from ambito.accounts.models import AccessLog, AccessPurpose, Membership, Organisation, OrganisationKind
from ambito.accounts.roles import CASE_ROLES, Role
from ambito.territory.models import Comune


@dataclass(frozen=True)
class RoleScope:
    organisation_ids: frozenset = field(default_factory=frozenset)
    comune_ids: frozenset = field(default_factory=frozenset)
    ambito_ids: frozenset = field(default_factory=frozenset)


@dataclass(frozen=True)
class Scope:
    """What one user may reach, per role, computed from active memberships in at most three queries
    and cached on the user object for the rest of the request."""

    by_role: dict

    @property
    def roles(self) -> frozenset:
        return frozenset(self.by_role)

    def has(self, *roles) -> bool:
        return any(role in self.by_role for role in roles)

    def _union(self, attr, roles):
        roles = roles or tuple(self.by_role)
        result = set()
        for role in roles:
            if role in self.by_role:
                result |= getattr(self.by_role[role], attr)
        return frozenset(result)

    def comune_ids(self, *roles) -> frozenset:
        return self._union("comune_ids", roles)

    def ambito_ids(self, *roles) -> frozenset:
        return self._union("ambito_ids", roles)

    def organisation_ids(self, *roles) -> frozenset:
        return self._union("organisation_ids", roles)

    @property
    def is_case_role(self) -> bool:
        return any(role in CASE_ROLES for role in self.by_role)


EMPTY_SCOPE = Scope(by_role={})


def scope_for(user) -> Scope:
    if user is None or not user.is_authenticated:
        return EMPTY_SCOPE
    cached = getattr(user, "_ambito_scope", None)
    if cached is not None:
        return cached
    memberships = list(
        Membership.objects.filter(user=user, active=True, organisation__active=True)
        .select_related("organisation")
        .prefetch_related("organisation__comuni_served")
    )
    ambito_ids_needed = {m.organisation.ambito_id for m in memberships if m.organisation.ambito_id}
    region_codes = {m.organisation.region_code for m in memberships if m.organisation.kind == OrganisationKind.REGION}
    comuni = []
    if ambito_ids_needed or region_codes:
        comuni = list(
            Comune.objects.filter(Q(ambito_id__in=ambito_ids_needed) | Q(ambito__region_code__in=region_codes))
            .values_list("id", "ambito_id", "ambito__region_code")
        )
    by_role: dict = {}
    for membership in memberships:
        org = membership.organisation
        if org.kind == OrganisationKind.REGION:
            rows = [c for c in comuni if c[2] == org.region_code]
            comune_ids = {c[0] for c in rows}
            ambito_ids = {c[1] for c in rows}
        elif org.kind == OrganisationKind.COMUNE:
            comune_ids, ambito_ids = {org.comune_id}, {org.ambito_id}
        elif org.kind == OrganisationKind.HEALTH_DISTRICT and org.comuni_served.all():
            comune_ids = {c.id for c in org.comuni_served.all()}
            ambito_ids = {org.ambito_id} if org.ambito_id else set()
        elif org.ambito_id:
            comune_ids = {c[0] for c in comuni if c[1] == org.ambito_id}
            ambito_ids = {org.ambito_id}
        else:
            comune_ids, ambito_ids = set(), set()
        previous = by_role.get(membership.role, RoleScope())
        by_role[membership.role] = RoleScope(
            organisation_ids=previous.organisation_ids | {org.id},
            comune_ids=previous.comune_ids | comune_ids,
            ambito_ids=previous.ambito_ids | {a for a in ambito_ids if a},
        )
    scope = Scope(by_role=by_role)
    user._ambito_scope = scope
    return scope


def comune_list(*, actor) -> QuerySet:
    """Comuni the actor may look at: those of the Ambiti (or Region) of any of its memberships."""
    return Comune.objects.filter(id__in=scope_for(actor).comune_ids()).select_related("ambito")


def organisation_list(*, actor) -> QuerySet:
    scope = scope_for(actor)
    if not scope.by_role:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        Q(ambito_id__in=scope.ambito_ids()) | Q(id__in=scope.organisation_ids())
    ).select_related("ambito", "comune")


def access_log_for_record(*, record) -> QuerySet:
    from django.contrib.contenttypes.models import ContentType

    return AccessLog.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=str(record.pk)
    ).select_related("user")


# --- Access log (registro degli accessi) -------------------------------------------------------------------

NOTHING = Q(pk__in=[])
ACCESS_LOG_RELATED = ("user", "organisation", "content_type")


def dpo_ambito_ids(user) -> frozenset:
    """The Ambiti whose organisations the user is data protection officer (RPD/DPO) of. A Region's DPO is not
    one of an Ambito's organisations. One query, cached with the user's scope."""
    scope = scope_for(user)
    organisation_ids = scope.organisation_ids(Role.DATA_PROTECTION_OFFICER) if scope.has(
        Role.DATA_PROTECTION_OFFICER) else frozenset()
    if not organisation_ids:
        return frozenset()
    cached = getattr(user, "_ambito_dpo_ambiti", None)
    if cached is not None and cached[0] is scope:
        return cached[1]
    ambiti = frozenset(Organisation.objects.filter(id__in=organisation_ids, ambito__isnull=False)
                       .values_list("ambito_id", flat=True))
    user._ambito_dpo_ambiti = (scope, ambiti)
    return ambiti


def managed_person_ids_q(user) -> Q:
    """Persons whose current care plan (PAI, draft or active) names the user as case manager."""
    if not scope_for(user).by_role or not apps.is_installed("ambito.care"):
        return NOTHING
    CarePlan = apps.get_model("care", "CarePlan")
    return Q(pk__in=CarePlan.objects.filter(case_manager=user, status__in=["draft", "active"],
                                            person__restricted_at__isnull=True).values("person_id"))


def person_access_log_q(user) -> Q:
    """Filter on persons whose access trail the user may read: a DPO of an organisation of the person's
    Ambito, a case-team member who may edit the person, the case manager of the person's care plan.
    Paired with ``rules.can_view_person_access_log``."""
    from ambito.access import rules as access_rules

    scope = scope_for(user)
    if not scope.by_role:
        return NOTHING
    q = NOTHING
    ambiti = dpo_ambito_ids(user)
    if ambiti:
        q |= Q(ambito_id__in=ambiti)
    if scope.has(*access_rules.PERSON_ROLES):
        q |= access_rules.person_editable_q(user)
    return q | managed_person_ids_q(user)


def person_access_log_persons(*, actor) -> QuerySet:
    Person = apps.get_model("access", "Person")
    return Person.objects.filter(person_access_log_q(actor))


def access_log_entry_q(user) -> Q:
    """Filter on the entries a DPO may read: made for an organisation of one of the DPO's Ambiti, or about a
    person of those Ambiti. Paired with ``rules.can_view_access_log_entry``."""
    ambiti = dpo_ambito_ids(user)
    if not ambiti:
        return NOTHING
    persons = apps.get_model("access", "Person").objects.filter(ambito_id__in=ambiti)
    return (Q(organisation__ambito_id__in=ambiti) | Q(person_id__in=persons.values("pk"))
            | Q(person_id__isnull=True, person_ref__in=persons.values("pseudonym")))


def _between(qs: QuerySet, filters: dict) -> QuerySet:
    """Filters of the access log pages and API: ``date_from``/``date_to`` (dates, inclusive), ``action``,
    ``purpose`` (code), ``user`` (id)."""
    tz = timezone.get_current_timezone()
    if filters.get("date_from"):
        qs = qs.filter(at__gte=datetime.datetime.combine(filters["date_from"], datetime.time.min, tzinfo=tz))
    if filters.get("date_to"):
        end = filters["date_to"] + datetime.timedelta(days=1)
        qs = qs.filter(at__lt=datetime.datetime.combine(end, datetime.time.min, tzinfo=tz))
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    if filters.get("purpose"):
        qs = qs.filter(purpose_code=filters["purpose"])
    if filters.get("user"):
        qs = qs.filter(user_id=getattr(filters["user"], "pk", filters["user"]))
    return qs


def person_access_log(*, person, filters: dict | None = None) -> QuerySet:
    """Who accessed a person's record and everything about them (requests, assessments, plans, referrals...),
    newest first. Entries written before ``person_id`` existed are found by pseudonym. The caller checks
    ``rules.can_view_person_access_log`` first."""
    qs = AccessLog.objects.filter(Q(person_id=person.pk) | Q(person_id__isnull=True, person_ref=person.pseudonym))
    return _between(qs, filters or {}).select_related(*ACCESS_LOG_RELATED).order_by("-at", "-id")


def access_log_list(*, actor, filters: dict | None = None) -> QuerySet:
    """The access log of the actor's Ambiti for a DPO (empty for anyone else), newest first.
    ``exclude_own_audit`` hides the actor's own reads of the log, which every page view adds."""
    filters = filters or {}
    qs = _between(AccessLog.objects.filter(access_log_entry_q(actor)), filters)
    if filters.get("exclude_own_audit"):
        qs = qs.exclude(user=actor, purpose_code=AccessPurpose.AUDIT)
    return qs.select_related(*ACCESS_LOG_RELATED).order_by("-at", "-id")


def access_log_users(*, actor) -> QuerySet:
    """Users of the organisations of the DPO's Ambiti (choices of the user filter)."""
    from django.contrib.auth import get_user_model

    ambiti = dpo_ambito_ids(actor)
    return get_user_model().objects.filter(
        id__in=Membership.objects.filter(organisation__ambito_id__in=ambiti).values("user_id")
    ).order_by("last_name", "first_name", "username")
