"""Reads about who may see what. Everything else scopes its querysets with ``scope_for``. The access log is
written here (``services.access_log_record``) and read by the privacy app, which knows whose data it is
about."""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet, prefetch_related_objects

from ambito.accounts.models import AccessLog, Membership, Organisation, OrganisationKind
from ambito.accounts.roles import CASE_ROLES, Role
from ambito.core.navigation import items_for
from ambito.territory.models import Comune


@dataclass(frozen=True)
class RoleScope:
    organisation_ids: frozenset = field(default_factory=frozenset)
    comune_ids: frozenset = field(default_factory=frozenset)
    ambito_ids: frozenset = field(default_factory=frozenset)


@dataclass(frozen=True)
class Scope:
    """What one user may reach, per role, computed from active memberships in one to three queries
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
        Membership.objects.filter(user=user, active=True, organisation__active=True).select_related("organisation")
    )
    # Only a health district reads the Comuni it serves, and only an organisation whose Comuni are those of its
    # Ambito reads them: a Comune's social worker (most requests) costs one query here, not three.
    districts = [m.organisation for m in memberships if m.organisation.kind == OrganisationKind.HEALTH_DISTRICT]
    if districts:
        prefetch_related_objects(districts, "comuni_served")
    ambito_ids_needed = {
        m.organisation.ambito_id for m in memberships
        if m.organisation.ambito_id and m.organisation.kind != OrganisationKind.COMUNE
        and not (m.organisation.kind == OrganisationKind.HEALTH_DISTRICT and m.organisation.comuni_served.all())}
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
    return AccessLog.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=str(record.pk)
    ).select_related("user")


def home_context(*, actor) -> dict:
    """What a user's home page shows: one group of entries per role it holds, in Role order."""
    scope = scope_for(actor)
    items = items_for(scope)
    groups = []
    for role in Role:
        if not scope.has(role):
            continue
        entries = [item for item in items if not item.public and (not item.roles or role in item.roles)]
        groups.append({"role": role, "items": entries})
    public_items = [item for item in items if item.public]
    return {"role_groups": groups, "public_items": public_items, "scope": scope}
