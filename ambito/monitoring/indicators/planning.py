"""Piano di Zona indicators (``planning``): the budget planned by source, area, Comune and year, and the
LEPS ratio of social workers to residents (L. 178/2020 art. 1 c. 797: at least 1 full-time social worker
per 5,000 residents, 1 per 4,000 as the further objective)."""

from decimal import Decimal

from django.db.models import Subquery, Sum
from django.utils.translation import gettext_lazy as _

from ambito.monitoring.indicators import (
    TOTAL_KEY,
    Breakdown,
    Cell,
    Direction,
    IndicatorDefinition,
    models_available,
    register,
)
from ambito.monitoring.indicators.common import grouped
from ambito.monitoring.sql import rounded

LEPS_RESIDENTS_PER_SOCIAL_WORKER = Decimal(5000)
LEPS_RESIDENTS_PER_SOCIAL_WORKER_OBJECTIVE = Decimal(4000)


def _ambito_ids(query):
    """The Ambiti of the query's Comuni, as a subquery (no round trip of its own)."""
    from ambito.territory.models import Comune

    return Comune.objects.filter(pk__in=query.comune_ids).values("ambito_id")


def budget_planned(query):
    from django.db.models import Q

    from ambito.planning.models import BudgetLine

    qs = BudgetLine.objects.filter(
        intervention__plan__ambito_id__in=_ambito_ids(query),
        year__gte=query.period.start.year, year__lte=query.period.end.year,
    ).filter(Q(comune__isnull=True) | Q(comune_id__in=query.comune_ids))
    if query.area:
        qs = qs.filter(intervention__area=query.area)
    if query.service_id:
        qs = qs.filter(intervention__service_id=query.service_id)
    if query.by == Breakdown.COMUNE:
        qs = qs.filter(comune__isnull=False)
    dims = {Breakdown.SOURCE: "source", Breakdown.AREA: "intervention__area", Breakdown.YEAR: ("int", "year"),
            Breakdown.COMUNE: "comune__istat_code"}
    return grouped(qs, query.by, dims, Sum("amount"), places=2)


def residents_per_social_worker(query):
    """Residents (latest population year not after the period) per full-time-equivalent social worker on a
    permanent contract (the ones c. 797 counts) staffed by the plans covering the period's last year."""
    from ambito.planning.models import StaffPosition, StaffProfile
    from ambito.territory.models import PopulationRecord

    year = query.period.end.year
    fte = StaffPosition.objects.filter(
        profile=StaffProfile.SOCIAL_WORKER, permanent=True, intervention__plan__ambito_id__in=_ambito_ids(query),
        intervention__plan__start_year__lte=year, intervention__plan__end_year__gte=year,
    ).aggregate(fte=Sum("fte"))["fte"]
    population = PopulationRecord.objects.filter(comune_id__in=query.comune_ids, year__lte=year)
    latest = Subquery(population.order_by("-year").values("year")[:1])
    residents = population.filter(year=latest).aggregate(total=Sum("count"))["total"]
    value = Decimal(residents) / fte if fte and residents else None
    return [Cell(key=TOTAL_KEY, value=rounded(value, 0))]


def _leps_target(query, cells):
    return {cell.key: LEPS_RESIDENTS_PER_SOCIAL_WORKER for cell in cells}


if models_available("planning", "Plan", "Intervention", "BudgetLine", "StaffPosition"):
    register(IndicatorDefinition(
        code="budget_planned", name=_("Budget planned"), unit="eur", source="planning",
        formula=_("Sum of the plan's budget lines for the years of the period (Comune breakdown: the "
                  "Comuni's own funds)."),
        breakdowns=(Breakdown.SOURCE, Breakdown.AREA, Breakdown.YEAR, Breakdown.COMUNE),
        compute=budget_planned, order=20,
    ))
    register(IndicatorDefinition(
        code="residents_per_social_worker", name=_("Residents per social worker"), unit="residents_per_fte",
        source="planning",
        formula=_("Residents / full-time-equivalent social workers on permanent contracts in the plan's staffing. "
                  "LEPS: at most 5,000 (objective 4,000), L. 178/2020 art. 1 c. 797."),
        breakdowns=(), compute=residents_per_social_worker, direction=Direction.LOWER_IS_BETTER,
        target=_leps_target, target_description=_("LEPS: 1 social worker per 5,000 residents."), order=21,
    ))
