"""PUA access indicators (``access``): waiting days from request to admission, persons admitted per
1,000 residents, requests received, persons waiting. Waiting days run from the request's ``received_at``
(or, for a person put on a list without a request, from ``entered_at``) to ``admitted_at``: computed from
timestamps, never typed in."""

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from ambito.monitoring.indicators import (
    Breakdown,
    Direction,
    IndicatorDefinition,
    register,
)
from ambito.monitoring.indicators.common import grouped, percentile_cells, persons_per_1000, scoped
from ambito.monitoring.sql import DaysBetween


def _entries():
    from ambito.access.models import WaitingListEntry

    return WaitingListEntry.objects.all()


ENTRY_DIMS = {
    Breakdown.COMUNE: "person__residence_comune__istat_code",
    Breakdown.SERVICE: "waiting_list__service_id",
    Breakdown.AREA: "waiting_list__service__area",
    Breakdown.MONTH: "admitted_at",
    Breakdown.QUARTER: "admitted_at",
    Breakdown.YEAR: "admitted_at",
    Breakdown.SEX: "person__sex",
    Breakdown.AGE_BAND: ("admitted_at", "person__birth_date"),
}
ENTRY_BREAKDOWNS = tuple(ENTRY_DIMS)


def admissions(query):
    """Admissions from a waiting list in the period, of persons living in the Comuni of the query."""
    from ambito.access.models import EntryStatus

    qs = _entries().filter(
        status=EntryStatus.ADMITTED,
        admitted_at__gte=query.period.start_at,
        admitted_at__lt=query.period.end_before,
        person__residence_comune_id__in=query.comune_ids,
    )
    return scoped(qs, query, service="waiting_list__service_id", area="waiting_list__service__area")


WAIT = DaysBetween(F("admitted_at"), Coalesce(F("request__received_at"), F("entered_at")))


def waiting_days(fraction):
    def compute(query):
        return percentile_cells(query, f"access.waiting_days.{fraction}", admissions, ENTRY_DIMS, WAIT, fraction)

    return compute


def service_targets(query, cells):
    """Target waiting days of the service (``network.Service.target_wait_days``)."""
    from decimal import Decimal

    from ambito.network.models import Service

    if query.by == Breakdown.SERVICE:
        ids = [int(c.key) for c in cells if c.key.isdigit()]
        return {str(pk): Decimal(days) for pk, days in
                Service.objects.filter(pk__in=ids, target_wait_days__isnull=False).order_by()
                .values_list("pk", "target_wait_days")}
    if query.service_id:
        days = Service.objects.filter(pk=query.service_id).values_list("target_wait_days", flat=True).order_by().first()
        if days is not None:
            return {c.key: Decimal(days) for c in cells}
    return {}


def persons_admitted_per_1000(query):
    """Distinct persons admitted in the period per 1,000 residents of the service's age group, by Comune of
    residence."""
    return persons_per_1000(query, "access.persons_admitted_per_1000", admissions, "person__residence_comune_id")


REQUEST_DIMS = {
    Breakdown.COMUNE: "comune__istat_code", Breakdown.AREA: "area", Breakdown.MONTH: "received_at",
    Breakdown.QUARTER: "received_at", Breakdown.YEAR: "received_at", Breakdown.SEX: "person__sex",
    Breakdown.AGE_BAND: ("received_at", "person__birth_date"), Breakdown.CHANNEL: "channel",
}


def access_requests(query):
    from ambito.access.models import AccessRequest

    qs = AccessRequest.objects.filter(
        comune_id__in=query.comune_ids, received_at__gte=query.period.start_at,
        received_at__lt=query.period.end_before,
    )
    return scoped(qs, query, service=None, area="area")


def requests_received(query):
    return grouped(query, "access.requests_received", access_requests, REQUEST_DIMS, Count("pk"),
                   n=Count("person_id", distinct=True), places=0)


WAITING_DIMS = {key: value for key, value in ENTRY_DIMS.items() if key not in Breakdown.TIME}
WAITING_DIMS[Breakdown.AGE_BAND] = ("entered_at", "person__birth_date")


def waiting(query):
    """Entries on a waiting list on the last day of the period (entered before its end, not yet admitted
    or removed by then)."""
    end = query.period.end_before
    qs = _entries().filter(person__residence_comune_id__in=query.comune_ids, entered_at__lt=end).filter(
        Q(admitted_at__isnull=True) | Q(admitted_at__gte=end), Q(removed_at__isnull=True) | Q(removed_at__gte=end),
    )
    return scoped(qs, query, service="waiting_list__service_id", area="waiting_list__service__area")


def persons_waiting(query):
    """Persons on a waiting list on the last day of the period."""
    return grouped(query, "access.persons_waiting", waiting, WAITING_DIMS, Count("person_id", distinct=True),
                   n=Count("person_id", distinct=True), places=0)


register(IndicatorDefinition(
    code="waiting_days_median", name=_("Waiting days, median"), unit="days", source="access",
    formula=_("Median of the days from the request (or entry on the list) to admission to the service, "
              "for admissions in the period."),
    breakdowns=ENTRY_BREAKDOWNS, compute=waiting_days(0.5), direction=Direction.LOWER_IS_BETTER,
    person_based=True, additive=False, target=service_targets,
    target_description=_("Target waiting days of the service in the catalogue."), order=40,
))
register(IndicatorDefinition(
    code="waiting_days_p90", name=_("Waiting days, 90th percentile"), unit="days", source="access",
    formula=_("90th percentile (linear interpolation) of the days from the request to admission."),
    breakdowns=ENTRY_BREAKDOWNS, compute=waiting_days(0.9), direction=Direction.LOWER_IS_BETTER,
    person_based=True, additive=False, target=service_targets,
    target_description=_("Target waiting days of the service in the catalogue."), order=41,
))
register(IndicatorDefinition(
    code="persons_admitted_per_1000", name=_("Persons admitted per 1,000 residents"), unit="per_1000",
    source="access",
    formula=_("Distinct persons admitted to a service in the period × 1,000 / residents of the service's "
              "age group (latest population year)."),
    breakdowns=(Breakdown.COMUNE,), compute=persons_admitted_per_1000, direction=Direction.HIGHER_IS_BETTER,
    person_based=True, order=42,
))
register(IndicatorDefinition(
    code="requests_received", name=_("Requests received at the PUA"), unit="requests", source="access",
    formula=_("Access requests received in the period, by the responsible Comune."),
    breakdowns=(Breakdown.COMUNE, Breakdown.AREA, Breakdown.MONTH, Breakdown.QUARTER, Breakdown.YEAR,
                Breakdown.SEX, Breakdown.AGE_BAND, Breakdown.CHANNEL),
    compute=requests_received, person_based=True, order=43,
))
register(IndicatorDefinition(
    code="persons_waiting", name=_("Persons on waiting lists"), unit="persons", source="access",
    formula=_("Persons on a waiting list on the last day of the period."),
    breakdowns=(Breakdown.COMUNE, Breakdown.SERVICE, Breakdown.AREA, Breakdown.SEX, Breakdown.AGE_BAND),
    compute=persons_waiting, direction=Direction.LOWER_IS_BETTER, person_based=True, order=44,
))


# Community access desks (*welfare di accesso di comunità*, seed 004): requests taken at a desk, and those taken
# with a GP present (joint GP + social-worker assessments), per desk.
DESK_DIMS = {Breakdown.DESK: "desk_id", Breakdown.COMUNE: "comune__istat_code", Breakdown.MONTH: "received_at",
             Breakdown.QUARTER: "received_at", Breakdown.YEAR: "received_at"}


def desk_requests_source(query):
    return access_requests(query).filter(desk__isnull=False)


def desk_requests(query):
    return grouped(query, "access.desk_requests", desk_requests_source, DESK_DIMS, Count("pk"),
                   n=Count("person_id", distinct=True), places=0)


def desk_joint_source(query):
    return access_requests(query).filter(desk__isnull=False, desk_gp__isnull=False)


def desk_joint_assessments(query):
    return grouped(query, "access.desk_joint_assessments", desk_joint_source, DESK_DIMS, Count("pk"),
                   n=Count("person_id", distinct=True), places=0)


register(IndicatorDefinition(
    code="desk_requests", name=_("Requests taken at community access desks"), unit="requests", source="access",
    formula=_("Access requests received in the period at a community access desk, by desk."),
    breakdowns=tuple(DESK_DIMS), compute=desk_requests, person_based=True, order=45,
))
register(IndicatorDefinition(
    code="desk_joint_assessments", name=_("Joint GP and social-worker assessments at community desks"),
    unit="requests", source="access",
    formula=_("Requests taken at a community access desk with a GP present beside the social worker, by desk."),
    breakdowns=tuple(DESK_DIMS), compute=desk_joint_assessments, direction=Direction.HIGHER_IS_BETTER,
    person_based=True, order=46,
))
