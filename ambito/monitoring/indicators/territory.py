"""Needs indicators from ISTAT resident population (``territory``), beside the service indicators: the
same definitions as ``territory.selectors`` (share of older residents, old-age index, dependency ratio),
here computable by Comune, sex, age band and year. Population is a stock at 1 January: without a year
breakdown the latest year loaded that is not after the period is used."""

from django.db.models import FloatField, Q, Subquery, Sum
from django.db.models.functions import Cast, NullIf
from django.utils.translation import gettext_lazy as _

from ambito.monitoring.indicators import Breakdown, Direction, IndicatorDefinition, register
from ambito.monitoring.indicators.common import grouped
from ambito.territory.models import PopulationRecord

DIMS = {
    Breakdown.COMUNE: "comune__istat_code",
    Breakdown.SEX: "sex",
    Breakdown.AGE_BAND: "age",
    Breakdown.YEAR: ("int", "year"),
}


def population(query):
    """Records of the years in the period (year breakdown), else of the latest year loaded that is not
    after the period: population at 1 January is published months later, so the last known stock stands."""
    qs = PopulationRecord.objects.filter(comune_id__in=query.comune_ids, year__lte=query.period.end.year)
    if query.by == Breakdown.YEAR:
        return qs.filter(year__gte=query.period.start.year)
    # the latest year as a subquery: one round trip instead of two
    return qs.filter(year=Subquery(qs.order_by("-year").values("year")[:1]))


def _grouped(name, query, value, places=1):
    return grouped(query, f"territory.{name}", population, DIMS, value, n=Sum("count"), places=places)


def _share(condition: Q, scale=100.0, base: Q | None = None):
    numerator = Cast(Sum("count", filter=condition), FloatField()) * scale
    denominator = Sum("count", filter=base) if base is not None else Sum("count")
    return numerator / NullIf(denominator, 0)


def residents(query):
    return _grouped("residents", query, Sum("count"), places=0)


def share_65_plus(query):
    return _grouped("share_65_plus", query, _share(Q(age__gte=65)))


def old_age_index(query):
    return _grouped("old_age_index", query, _share(Q(age__gte=65), base=Q(age__lte=14)))


def dependency_ratio(query):
    return _grouped("dependency_ratio", query,
                    _share(Q(age__lte=14) | Q(age__gte=65), base=Q(age__gte=15, age__lte=64)))


register(IndicatorDefinition(
    code="residents", name=_("Resident population"), unit="persons", source="territory",
    formula=_("Residents at 1 January (ISTAT), latest year loaded not after the period."),
    breakdowns=(Breakdown.COMUNE, Breakdown.SEX, Breakdown.AGE_BAND, Breakdown.YEAR),
    compute=residents, order=10,
))
register(IndicatorDefinition(
    code="share_65_plus", name=_("Residents aged 65 and over"), unit="percent", source="territory",
    formula=_("Residents aged 65+ × 100 / residents."),
    breakdowns=(Breakdown.COMUNE, Breakdown.SEX, Breakdown.YEAR),
    compute=share_65_plus, order=11,
))
register(IndicatorDefinition(
    code="old_age_index", name=_("Old-age index"), unit="index", source="territory",
    formula=_("Residents aged 65+ × 100 / residents aged 0–14 (indice di vecchiaia)."),
    breakdowns=(Breakdown.COMUNE, Breakdown.SEX, Breakdown.YEAR),
    compute=old_age_index, order=12,
))
register(IndicatorDefinition(
    code="dependency_ratio", name=_("Dependency ratio"), unit="index", source="territory",
    formula=_("(Residents aged 0–14 + 65+) × 100 / residents aged 15–64 (indice di dipendenza strutturale)."),
    breakdowns=(Breakdown.COMUNE, Breakdown.SEX, Breakdown.YEAR),
    compute=dependency_ratio, order=13, direction=Direction.NEUTRAL,
))
