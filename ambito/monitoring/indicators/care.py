"""Care indicators (``care``): hours delivered and persons served per 1,000 residents, spending delivered,
the closed referral loop (share of referrals the provider answered, median days to answer) and protected
discharges completed with every required service active on the day."""

from django.db.models import Avg, Case, Count, Exists, F, FloatField, OuterRef, Q, Sum, Value, When
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from ambito.monitoring.indicators import (
    Breakdown,
    Direction,
    IndicatorDefinition,
    register,
)
from ambito.monitoring.indicators.common import grouped, percentile_cells, persons_per_1000, scoped
from ambito.monitoring.sql import DaysBetween

DELIVERY_DIMS = {
    Breakdown.COMUNE: "comune__istat_code",
    Breakdown.SERVICE: "service_id",
    Breakdown.AREA: "service__area",
    Breakdown.PROVIDER: "provider_id",
    Breakdown.MONTH: "delivered_on",
    Breakdown.QUARTER: "delivered_on",
    Breakdown.YEAR: "delivered_on",
    Breakdown.SEX: "person__sex",
    Breakdown.AGE_BAND: ("delivered_on", "person__birth_date"),
}
REFERRAL_DIMS = {
    Breakdown.COMUNE: "comune__istat_code",
    Breakdown.SERVICE: "service_id",
    Breakdown.AREA: "service__area",
    Breakdown.PROVIDER: "provider_id",
    Breakdown.MONTH: "sent_at",
    Breakdown.QUARTER: "sent_at",
    Breakdown.YEAR: "sent_at",
}
DISCHARGE_DIMS = {
    Breakdown.COMUNE: "comune__istat_code",
    Breakdown.MONTH: "completed_on",
    Breakdown.QUARTER: "completed_on",
    Breakdown.YEAR: "completed_on",
    Breakdown.SEX: "person__sex",
    Breakdown.AGE_BAND: ("completed_on", "person__birth_date"),
}


def deliveries(query):
    from ambito.care.models import Delivery

    qs = Delivery.objects.filter(comune_id__in=query.comune_ids, delivered_on__gte=query.period.start,
                                 delivered_on__lte=query.period.end)
    return scoped(qs, query)


def hours_delivered(query):
    return grouped(query, "care.hours_delivered", deliveries, DELIVERY_DIMS, Sum("hours"),
                   n=Count("person_id", distinct=True), places=1)


def _paid_deliveries(query):
    return deliveries(query).filter(amount__isnull=False)


def spending_delivered(query):
    return grouped(query, "care.spending_delivered", _paid_deliveries, DELIVERY_DIMS, Sum("amount"),
                   n=Count("person_id", distinct=True), places=2)


def persons_served_per_1000(query):
    """Distinct persons with at least one delivery in the period per 1,000 residents of the service's age
    group, by Comune of residence at the time of delivery."""
    return persons_per_1000(query, "care.persons_served_per_1000", deliveries, "comune_id")


def referrals(query):
    from ambito.care.models import Referral

    qs = Referral.objects.filter(comune_id__in=query.comune_ids, sent_at__gte=query.period.start_at,
                                 sent_at__lt=query.period.end_before)
    return scoped(qs, query)


def referral_answer_rate(query):
    """Closed loop: referrals sent in the period that the provider answered (accepted or declined), × 100 /
    referrals sent in the period."""
    def with_answered(q):
        answered = Case(When(answered_at__isnull=False, then=Value(100.0)), default=Value(0.0),
                        output_field=FloatField())
        return referrals(q).annotate(answered=answered)

    return grouped(query, "care.referral_answer_rate", with_answered, REFERRAL_DIMS, Avg("answered"),
                   n=Count("person_id", distinct=True), places=1)


def referral_response_days_median(query):
    def answered(q):
        return referrals(q).filter(answered_at__isnull=False)

    return percentile_cells(query, "care.referral_response_days_median", answered, REFERRAL_DIMS,
                            DaysBetween(F("answered_at"), F("sent_at")), 0.5)


def discharges_covered(query):
    """Protected discharges completed in the period, annotated ``covered`` (100 or 0)."""
    from ambito.care.models import Discharge, DischargeService, DischargeStatus

    required = DischargeService.objects.filter(discharge=OuterRef("pk"))
    late = required.filter(Q(confirmed_at__isnull=True) | Q(confirmed_at__date__gt=OuterRef("completed_on")))
    covered = Case(When(Exists(required) & ~Exists(late), then=Value(100.0)), default=Value(0.0),
                   output_field=FloatField())
    return Discharge.objects.filter(
        comune_id__in=query.comune_ids, status=DischargeStatus.COMPLETED,
        completed_on__gte=query.period.start, completed_on__lte=query.period.end,
    ).annotate(covered=covered)


def discharges_with_services_active(query):
    """Protected discharges completed in the period whose required services were all confirmed by the
    discharge day (confirmation timestamps, not a typed count), × 100 / protected discharges completed.
    A discharge with no required service recorded does not count as covered."""
    return grouped(query, "care.discharges_services_active", discharges_covered, DISCHARGE_DIMS, Avg("covered"),
                   n=Count("person_id", distinct=True), places=1)


FIRST_DELIVERY_DIMS = {
    Breakdown.COMUNE: "comune__istat_code",
    Breakdown.SERVICE: "service_id",
    Breakdown.AREA: "service__area",
    Breakdown.PROVIDER: "provider_id",
    Breakdown.MONTH: "first_delivery",
    Breakdown.QUARTER: "first_delivery",
    Breakdown.YEAR: "first_delivery",
    Breakdown.SEX: "person__sex",
    Breakdown.AGE_BAND: ("first_delivery", "person__birth_date"),
}


def first_deliveries(query):
    """Referrals whose first delivery fell in the period, annotated with that day; the wait starts when the
    PUA received the request behind the care plan."""
    from django.db.models import DateField, Subquery

    from ambito.care.models import Delivery, Referral

    first = Subquery(Delivery.objects.filter(referral=OuterRef("pk")).order_by("delivered_on")
                     .values("delivered_on")[:1], output_field=DateField())
    qs = Referral.objects.filter(comune_id__in=query.comune_ids, care_plan__request__isnull=False).annotate(
        first_delivery=first).filter(first_delivery__gte=query.period.start, first_delivery__lte=query.period.end)
    return scoped(qs, query)


def days_to_first_delivery(fraction):
    def compute(query):
        # calendar days: the delivery has a date, the request's timestamp is taken as its local date
        wait = DaysBetween(F("first_delivery"), TruncDate("care_plan__request__received_at"), dates=True)
        return percentile_cells(query, f"care.days_to_first_delivery.{fraction}", first_deliveries,
                                FIRST_DELIVERY_DIMS, wait, fraction)

    return compute


def _full(query, cells):
    from decimal import Decimal

    return {cell.key: Decimal(100) for cell in cells}


register(IndicatorDefinition(
    code="hours_delivered", name=_("Hours delivered"), unit="hours", source="care",
    formula=_("Sum of the hours of the deliveries recorded by providers in the period."),
    breakdowns=tuple(DELIVERY_DIMS), compute=hours_delivered, direction=Direction.HIGHER_IS_BETTER,
    person_based=True, order=50,
))
register(IndicatorDefinition(
    code="days_to_first_delivery_median", name=_("Days from request to first delivery, median"),
    unit="days", source="care",
    formula=_("Median of the days from the PUA request behind the care plan to the first delivery of each "
              "referral, for first deliveries in the period."),
    breakdowns=tuple(FIRST_DELIVERY_DIMS), compute=days_to_first_delivery(0.5),
    direction=Direction.LOWER_IS_BETTER, person_based=True, additive=False, order=48,
))
register(IndicatorDefinition(
    code="days_to_first_delivery_p90", name=_("Days from request to first delivery, 90th percentile"),
    unit="days", source="care",
    formula=_("90th percentile (linear interpolation) of the days from the PUA request to the first "
              "delivery."),
    breakdowns=tuple(FIRST_DELIVERY_DIMS), compute=days_to_first_delivery(0.9),
    direction=Direction.LOWER_IS_BETTER, person_based=True, additive=False, order=49,
))
register(IndicatorDefinition(
    code="persons_served_per_1000", name=_("Persons served per 1,000 residents"), unit="per_1000",
    source="care",
    formula=_("Distinct persons with at least one delivery in the period × 1,000 / residents of the "
              "service's age group (latest population year)."),
    breakdowns=(Breakdown.COMUNE,), compute=persons_served_per_1000, direction=Direction.HIGHER_IS_BETTER,
    person_based=True, order=51,
))
register(IndicatorDefinition(
    code="spending_delivered", name=_("Spending on benefits delivered"), unit="eur", source="care",
    formula=_("Sum of the amounts of the economic benefits delivered in the period."),
    breakdowns=tuple(DELIVERY_DIMS), compute=spending_delivered, person_based=True, order=52,
))
register(IndicatorDefinition(
    code="referral_answer_rate", name=_("Referrals answered by the provider (closed loop)"), unit="percent",
    source="care",
    formula=_("Referrals sent in the period that the provider accepted or declined × 100 / referrals sent."),
    breakdowns=tuple(REFERRAL_DIMS), compute=referral_answer_rate, direction=Direction.HIGHER_IS_BETTER,
    person_based=True, target=_full, target_description=_("Every referral answered."), order=53,
))
register(IndicatorDefinition(
    code="referral_response_days_median", name=_("Days for the provider to answer a referral, median"),
    unit="days", source="care",
    formula=_("Median of the days from sending a referral to the provider's answer, for referrals sent "
              "in the period."),
    breakdowns=tuple(REFERRAL_DIMS), compute=referral_response_days_median,
    direction=Direction.LOWER_IS_BETTER, person_based=True, additive=False, order=54,
))
register(IndicatorDefinition(
    code="discharges_services_active", name=_("Protected discharges with services active on the day"),
    unit="percent", source="care",
    formula=_("Protected discharges completed in the period with every required service confirmed by the "
              "discharge day × 100 / protected discharges completed."),
    breakdowns=tuple(DISCHARGE_DIMS), compute=discharges_with_services_active,
    direction=Direction.HIGHER_IS_BETTER, person_based=True, target=_full,
    target_description=_("Every protected discharge with its services in place (LEPS)."), order=55,
))
