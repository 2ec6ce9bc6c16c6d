"""Reads of the network app. The catalogue is public information (the *carta dei servizi*): the directory
shows active services to everyone; editing is scoped by ``rules``."""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ambito.accounts.models import Organisation
from ambito.network import search
from ambito.network.models import InfoPointContact, Schedule, SearchSynonym, Service
from ambito.network.rules import contact_loggable_filter, provider_editable_filter, service_editable_filter
from ambito.network.search import search_terms  # noqa: F401  (the directory's query words, for callers)
from ambito.network.taxonomy import ServiceType


@dataclass(frozen=True)
class DirectoryFilters:
    """The directory's query string (?q=&comune=&area=&target=&fee=&open=1), so searches are bookmarkable."""

    q: str = ""
    comune: str = ""  # ISTAT code
    area: str = ""
    target: str = ""
    fee: str = ""
    open_now: bool = False

    @property
    def active(self) -> bool:
        return bool(self.q or self.comune or self.area or self.target or self.fee or self.open_now)


def _text_search(queryset: QuerySet, q: str) -> QuerySet:
    return search.search(queryset, q, synonyms=list(SearchSynonym.objects.all()))


def synonym_list(*, ambito) -> QuerySet:
    return SearchSynonym.objects.filter(ambito=ambito).order_by("term")


def _has_target(target: str) -> Q:
    if connection.vendor == "postgresql":
        return Q(target_groups__contains=[target])
    # SQLite keeps JSON as text: match the quoted value, which cannot be part of another code.
    return Q(target_groups__icontains=f'"{target}"')


def open_now_filter(now: datetime | None = None) -> Exists:
    local = timezone.localtime(now)
    return Exists(
        Schedule.objects.filter(service=OuterRef("pk"), weekday=local.isoweekday(), opens_at__lte=local.time(),
                                closes_at__gt=local.time())
    )


def directory_search(*, filters: DirectoryFilters, now: datetime | None = None) -> QuerySet:
    """The public directory (*guida ai servizi*): active services, filtered and searched in Italian.
    Query-bounded: the caller paginates; Comuni and schedules come with two prefetches."""
    queryset = Service.objects.filter(active=True)
    if filters.comune:
        queryset = queryset.filter(comuni__istat_code=filters.comune)
    if filters.area:
        queryset = queryset.filter(area=filters.area)
    if filters.target:
        queryset = queryset.filter(_has_target(filters.target))
    if filters.fee:
        queryset = queryset.filter(fee=filters.fee)
    if filters.open_now:
        queryset = queryset.filter(open_now_filter(now))
    queryset = queryset.select_related("provider", "taxonomy_term").prefetch_related("comuni")
    if filters.q.strip():
        return _text_search(queryset, filters.q.strip())
    return queryset.order_by("name")


def service_public_detail(*, pk: int) -> Service:
    return (
        Service.objects.filter(active=True)
        .select_related("provider", "provider__provider_profile", "taxonomy_term")
        .prefetch_related("comuni", "schedules", "service_locations__location__comune", "staffed_by")
        .get(pk=pk)
    )


def service_list(*, actor=None) -> QuerySet:
    """Every active service, for the API and referrers (public data); editors also see their inactive ones."""
    queryset = Service.objects.all()
    if actor is not None and actor.is_authenticated:
        queryset = queryset.filter(Q(active=True) | service_editable_filter(actor))
    else:
        queryset = queryset.filter(active=True)
    return queryset.select_related("provider", "taxonomy_term").prefetch_related("comuni").order_by("name")


def service_editable_list(*, actor) -> QuerySet:
    """Paired with ``rules.can_edit_service``."""
    return (
        Service.objects.filter(service_editable_filter(actor))
        .select_related("provider", "taxonomy_term")
        .prefetch_related("comuni")
        .order_by("provider__name", "name")
    )


def provider_list() -> QuerySet:
    """Organisations that deliver services or have a provider profile, with their number of services."""
    return (
        Organisation.objects.filter(Q(services__isnull=False) | Q(provider_profile__isnull=False), active=True)
        .distinct()
        .select_related("provider_profile", "ambito")
        .annotate(service_count=Count("services", filter=Q(services__active=True), distinct=True))
        .order_by("name")
    )


def provider_editable_list(*, actor) -> QuerySet:
    """Paired with ``rules.can_edit_provider``."""
    return Organisation.objects.filter(provider_editable_filter(actor)).order_by("name")


def info_point_list() -> QuerySet:
    return (
        Service.objects.filter(service_type=ServiceType.INFO_POINT, active=True)
        .select_related("provider", "taxonomy_term")
        .prefetch_related("comuni", "schedules", "staffed_by", "service_locations__location")
        .order_by("name")
    )


def info_point_loggable_list(*, actor) -> QuerySet:
    """Paired with ``rules.can_log_info_point_contact``."""
    return Service.objects.filter(contact_loggable_filter(actor)).distinct().order_by("name")


def info_point_contact_summary(*, info_point: Service, since=None, until=None) -> dict:
    """Contacts counted by topic and by channel (no personal data is ever stored)."""
    contacts = InfoPointContact.objects.filter(info_point=info_point)
    if since:
        contacts = contacts.filter(date__gte=since)
    if until:
        contacts = contacts.filter(date__lte=until)
    rows = list(contacts.values("topic", "channel").annotate(n=Count("id")))
    by_topic: dict = {}
    by_channel: dict = {}
    for row in rows:
        by_topic[row["topic"]] = by_topic.get(row["topic"], 0) + row["n"]
        by_channel[row["channel"]] = by_channel.get(row["channel"], 0) + row["n"]
    referred = contacts.filter(referred_to__isnull=False).count()
    return {"total": sum(by_topic.values()), "by_topic": by_topic, "by_channel": by_channel, "referred": referred}


def hsds_import_list(*, ambito) -> QuerySet:
    from ambito.network.models import HsdsImport

    return HsdsImport.objects.filter(ambito=ambito).select_related("created_by", "decided_by").order_by(
        "-created_at", "-id")


def hsds_import_review(*, batch) -> list:
    """What the file would add or change, record by record (``hsds.review``)."""
    from ambito.network.hsds.review import review_rows

    comuni = {c.istat_code: c for c in batch.ambito.comuni.all()}
    return review_rows(batch.documents, comuni)
