"""Spending indicators (``planning`` and ``care``): what was committed and paid against the Piani di Zona
(recorded acts, by competence year), and the value of what was delivered at the providers' unit costs.

Commitments and payments are recorded only against plans approved at least once (the planning services refuse
them on a plan never approved), so these figures never read a draft."""

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _

from ambito.monitoring.indicators import Breakdown, IndicatorDefinition, register
from ambito.monitoring.indicators.care import DELIVERY_DIMS, deliveries
from ambito.monitoring.indicators.common import grouped, scoped

COMMITMENT_DIMS = {Breakdown.SOURCE: "source", Breakdown.AREA: "intervention__area", Breakdown.YEAR: ("int", "year"),
                   Breakdown.COMUNE: "comune__istat_code"}
PAYMENT_DIMS = {Breakdown.SOURCE: "commitment__source", Breakdown.AREA: "commitment__intervention__area",
                Breakdown.YEAR: ("int", "commitment__year"), Breakdown.COMUNE: "commitment__comune__istat_code"}


def _ambito_ids(query):
    from ambito.territory.models import Comune

    return Comune.objects.filter(pk__in=query.comune_ids).values("ambito_id")


def commitments(query):
    from ambito.planning.models import Commitment

    qs = Commitment.objects.filter(
        intervention__plan__ambito_id__in=_ambito_ids(query), year__gte=query.period.start.year,
        year__lte=query.period.end.year).filter(Q(comune__isnull=True) | Q(comune_id__in=query.comune_ids))
    qs = scoped(qs, query, service="intervention__service_id", area="intervention__area")
    if query.by == Breakdown.COMUNE:
        qs = qs.filter(comune__isnull=False)
    return qs


def payments(query):
    from ambito.planning.models import Payment, PaymentStage

    qs = Payment.objects.filter(
        stage=PaymentStage.PAID, commitment__intervention__plan__ambito_id__in=_ambito_ids(query),
        commitment__year__gte=query.period.start.year, commitment__year__lte=query.period.end.year,
    ).filter(Q(commitment__comune__isnull=True) | Q(commitment__comune_id__in=query.comune_ids))
    qs = scoped(qs, query, service="commitment__intervention__service_id", area="commitment__intervention__area")
    if query.by == Breakdown.COMUNE:
        qs = qs.filter(commitment__comune__isnull=False)
    return qs


def spending_committed(query):
    return grouped(query, "spending.committed", commitments, COMMITMENT_DIMS, Sum("amount"), places=2)


def spending_paid(query):
    return grouped(query, "spending.paid", payments, PAYMENT_DIMS, Sum("amount"), places=2)


def valued_deliveries(queryset):
    """Deliveries annotated with the unit cost of their service and provider valid on the day (``rate``,
    ``basis``) and their ``value``: hours × hourly rate, the daily rate for a day, quantity × lump sum."""
    from ambito.planning.models import CostBasis, UnitCost

    cost = UnitCost.objects.filter(service_id=OuterRef("service_id"), provider_id=OuterRef("provider_id"),
                                   valid_from__lte=OuterRef("delivered_on")).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=OuterRef("delivered_on"))).order_by("-valid_from")
    money = DecimalField(max_digits=14, decimal_places=2)
    return queryset.annotate(rate=Subquery(cost.values("rate")[:1]), basis=Subquery(cost.values("basis")[:1])).annotate(
        value=Case(
            When(basis=CostBasis.HOURLY, then=ExpressionWrapper(F("hours") * F("rate"), output_field=money)),
            When(basis=CostBasis.DAILY, then=F("rate")),
            When(basis=CostBasis.LUMP_SUM, then=ExpressionWrapper(F("quantity") * F("rate"), output_field=money)),
            default=Value(None), output_field=money))


def delivered_value(query):
    return grouped(query, "spending.delivered_value", lambda q: valued_deliveries(deliveries(q)), DELIVERY_DIMS,
                   Sum("value"), n=Count("person_id", distinct=True), places=2)


register(IndicatorDefinition(
    code="spending_committed", name=_("Spending committed"), unit="eur", source="planning",
    formula=_("Sum of the commitments (impegni) recorded against the Piani di Zona for the years of the period "
              "(Comune breakdown: the Comuni's own funds)."),
    breakdowns=(Breakdown.SOURCE, Breakdown.AREA, Breakdown.YEAR, Breakdown.COMUNE),
    compute=spending_committed, order=22,
))
register(IndicatorDefinition(
    code="spending_paid", name=_("Spending paid"), unit="eur", source="planning",
    formula=_("Sum of the payment orders (mandati) against the commitments of the years of the period."),
    breakdowns=(Breakdown.SOURCE, Breakdown.AREA, Breakdown.YEAR, Breakdown.COMUNE),
    compute=spending_paid, order=23,
))
register(IndicatorDefinition(
    code="delivered_value", name=_("Value of services delivered"), unit="eur", source="care",
    formula=_("Deliveries of the period valued at the unit cost of their service and provider valid on the day "
              "(hours × hourly rate, daily rate per day, quantity × lump sum); deliveries without a unit cost "
              "are left out and listed by the reconciliation."),
    breakdowns=(Breakdown.PROVIDER, Breakdown.MONTH, Breakdown.SERVICE, Breakdown.COMUNE, Breakdown.YEAR),
    compute=delivered_value, person_based=True, order=53,
))
