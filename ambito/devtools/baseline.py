"""The fair API baseline of `make bench`: for each list endpoint of /api/v1/, a plain DRF ``ListAPIView`` over
the same rows, the same fields and the same page size, served by the same gunicorn in the same run.

A baseline view does what any authenticated paginated list must do and nothing the app adds: knox token
authentication (without naming the caller in the audit context), the caller's memberships read in one query
and turned into a plain ``filter()`` (the Comuni, organisations and Ambiti of the caller's organisations),
the real endpoint's ordering, ``select_related`` for the related values the real output shows, and a plain
``ModelSerializer``. It does not evaluate the authorisation matrix, does not exclude restricted persons
(the bench data has none) and writes no access log: the ratio endpoint / baseline in requests per second is
the price of those.

The fields come from the real endpoint's serializer: model fields as they are, fields read through a relation
(``source="person.pseudonym"``) through the same relation; computed fields (``SerializerMethodField``,
annotations) are left out, so a baseline is at most as heavy as its endpoint.

Mounted only by the bench's own URLconf (``ambito.devtools.bench_urls``, settings
``ambito.devtools.bench_settings``) under ``/bench-baseline/``: nothing at runtime imports this package.
``tests/test_baseline.py`` proves each baseline returns the same ids as its endpoint for the same caller."""

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q
from django.urls import path, resolve, reverse
from knox.auth import TokenAuthentication
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.settings import api_settings

from ambito.accounts.authorization import KINDS

PREFIX = "bench-baseline"


@dataclass(frozen=True)
class Facts:
    """The caller's organisations, their Ambiti and the Comuni its case roles serve (social worker, health
    operator: the roles that see persons by Comune), from the memberships."""

    organisation_ids: list
    comune_ids: list
    ambito_ids: list

    @classmethod
    def of(cls, user) -> "Facts":
        from ambito.accounts.models import Membership, OrganisationKind
        from ambito.accounts.roles import Role
        from ambito.territory.models import Comune

        rows = list(Membership.objects.filter(user=user, active=True, organisation__active=True)
                    .values_list("organisation_id", "role", "organisation__kind", "organisation__comune_id",
                                 "organisation__ambito_id"))
        case = [row for row in rows if row[1] in (Role.SOCIAL_WORKER, Role.HEALTH_OPERATOR)]
        own = {comune for _, _, kind, comune, _ in case if kind == OrganisationKind.COMUNE and comune}
        ambiti = {ambito for _, _, kind, _, ambito in case if ambito and kind != OrganisationKind.COMUNE}
        comuni = own | set(Comune.objects.filter(ambito_id__in=ambiti).values_list("id", flat=True)) \
            if ambiti else own
        return cls(organisation_ids=[row[0] for row in rows], comune_ids=sorted(comuni),
                   ambito_ids=sorted({row[4] for row in rows if row[4]}))


def _kind_scope(kind_name: str):
    """The rows of an authorisation kind within the caller's Comuni, reached as a provider, or of its Ambiti:
    a plain filter on the same paths the matrix uses."""
    kind = KINDS[kind_name]

    def scope(facts: Facts) -> Q:
        q = Q(pk__in=[])
        if kind.comune is not None and facts.comune_ids:
            q |= Q(**{f"{kind.comune}__in": facts.comune_ids})
        if kind.provider is not None and facts.organisation_ids:
            q |= Q(**{f"{kind.provider}__in": facts.organisation_ids})
        if kind.ambito is not None and facts.ambito_ids:
            q |= Q(**{f"{kind.ambito}__in": facts.ambito_ids})
        return q

    return scope


@dataclass(frozen=True)
class Baseline:
    url_name: str  # the real list endpoint
    model: str  # its rows' model, as a label
    persona: str  # the bench user both are measured as (``bench.sw``, ``bench.provider``, ``bench.planner``)
    scope: object  # Facts -> Q
    ordering: tuple = ()  # empty: the model's own, as the endpoint
    distinct: bool = False
    query: str = ""  # the query string both are asked with
    seeded: bool = True  # False: the synthetic generator makes no such rows, the bench times an empty page

    @property
    def slug(self) -> str:
        return self.url_name.removeprefix("api-")

    def endpoint_url(self) -> str:
        return reverse(self.url_name) + self.query

    def baseline_url(self) -> str:
        return f"/{PREFIX}/{self.slug}/" + self.query


def _public(q: Q):
    return lambda facts: q


BASELINES = [
    Baseline("api-person-list", "access.Person", "bench.sw", _kind_scope("person")),
    Baseline("api-request-list", "access.AccessRequest", "bench.sw", _kind_scope("request")),
    Baseline("api-assessment-list", "access.Assessment", "bench.sw", _kind_scope("assessment")),
    Baseline("api-waiting-list-list", "access.WaitingList", "bench.sw", _kind_scope("waiting_list")),
    Baseline("api-waiting-list-entry-list", "access.WaitingListEntry", "bench.sw", _kind_scope("waiting_list_entry"),
             ordering=("-priority_score", "entered_at", "id")),
    Baseline("api-triage-rule-list", "access.TriageRule", "bench.sw", lambda facts: Q(ambito_id__in=facts.ambito_ids),
             ordering=("ambito", "order", "id"), seeded=False),
    Baseline("api-care-plan-list", "care.CarePlan", "bench.sw", _kind_scope("care_plan")),
    Baseline("api-health-budget-list", "care.HealthBudget", "bench.sw", _kind_scope("health_budget"), seeded=False),
    Baseline("api-referral-list", "care.Referral", "bench.provider", _kind_scope("referral")),
    Baseline("api-delivery-list", "care.Delivery", "bench.provider", _kind_scope("delivery")),
    Baseline("api-discharge-list", "care.Discharge", "bench.sw", _kind_scope("discharge"), seeded=False, ordering=("status", "planned_on", "id")),
    Baseline("api-plan-list", "planning.Plan", "bench.planner", _kind_scope("plan"), ordering=("-start_year", "id")),
    Baseline("api-comune-list", "territory.Comune", "bench.planner", lambda facts: Q(ambito_id__in=facts.ambito_ids)),
    Baseline("api-service-list", "network.Service", "bench.planner", _public(Q(active=True)), ordering=("name",)),
    Baseline("api-organisation-list", "accounts.Organisation", "bench.planner",
             _public(Q(Q(services__isnull=False) | Q(provider_profile__isnull=False), active=True)),
             ordering=("name",), distinct=True),
    Baseline("api-info-point-list", "network.Service", "bench.planner", _public(Q(service_type="info_point", active=True)),
             ordering=("name",)),
]


def _endpoint_serializer(url_name: str):
    # the project's URLconf: this runs while the bench's own one is being built
    match = resolve(reverse(url_name, urlconf="ambito.urls"), urlconf="ambito.urls")
    view = getattr(match.func, "cls", None) or match.func.view_class
    return view.serializer_class


def _serializer_and_joins(spec: "Baseline"):
    """A plain ``ModelSerializer`` of the endpoint's model and fields, and the relations to join."""
    real = _endpoint_serializer(spec.url_name)
    model = apps.get_model(spec.model)
    concrete = {f.name for f in model._meta.concrete_fields}
    attnames = {f.attname for f in model._meta.concrete_fields}
    declared, names, joins = {}, [], set()
    for name, real_field in real().fields.items():
        if isinstance(real_field, serializers.SerializerMethodField):
            continue
        source = real_field.source or name
        if "." in source and source != "*":
            declared[name] = serializers.ReadOnlyField(source=source)
            joins.add("__".join(source.split(".")[:-1]))
        elif source == name and source in concrete:
            pass  # the model field as ModelSerializer renders it (a relation by its key)
        elif source in attnames:
            declared[name] = serializers.ReadOnlyField(**({"source": source} if source != name else {}))
        else:
            continue  # annotations, nested lists, reverse relations: the app's own work
        names.append(name)
    meta = type("Meta", (), {"model": model, "fields": names})
    serializer = type(f"Baseline{real.__name__}", (serializers.ModelSerializer,), {**declared, "Meta": meta})
    return model, serializer, sorted(joins)


class BaselinePagination(PageNumberPagination):
    page_size = api_settings.PAGE_SIZE


def view_for(spec: Baseline):
    model, serializer, joins = _serializer_and_joins(spec)

    class BaselineList(generics.ListAPIView):
        authentication_classes = [TokenAuthentication]
        permission_classes = [IsAuthenticated]
        pagination_class = BaselinePagination
        filter_backends = []
        serializer_class = serializer

        def get_queryset(self):
            queryset = model.objects.filter(spec.scope(Facts.of(self.request.user)))
            if joins:
                queryset = queryset.select_related(*joins)
            if spec.distinct:
                queryset = queryset.distinct()
            return queryset.order_by(*(spec.ordering or model._meta.ordering))

    BaselineList.__name__ = f"Baseline_{spec.slug}"
    return BaselineList.as_view()


def urlpatterns() -> list:
    return [path(f"{spec.slug}/", view_for(spec), name=f"bench-baseline-{spec.slug}") for spec in BASELINES]

