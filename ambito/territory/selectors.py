"""Reads of the territory app. Needs indicators are aggregated in SQL (conditional sums over the single
years of age); only the ratios between the few aggregated numbers are divided here."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from ambito.territory.models import Comune, PopulationRecord

AGE_CLASSES = {
    "residents": Q(),
    "aged_0_14": Q(age__lte=14),
    "aged_15_64": Q(age__gte=15, age__lte=64),
    "aged_65_plus": Q(age__gte=65),
    "aged_75_plus": Q(age__gte=75),
    "minors": Q(age__lte=17),
}


def _ratio(numerator, denominator, scale=100) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) * scale / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class NeedsIndicators:
    """Demographic needs indicators (ISTAT definitions)."""

    residents: int
    aged_0_14: int
    aged_15_64: int
    aged_65_plus: int
    aged_75_plus: int
    minors: int

    @classmethod
    def from_row(cls, row: dict) -> "NeedsIndicators":
        return cls(**{key: int(row.get(key) or 0) for key in AGE_CLASSES})

    @property
    def share_65_plus(self):
        return _ratio(self.aged_65_plus, self.residents)

    @property
    def share_75_plus(self):
        return _ratio(self.aged_75_plus, self.residents)

    @property
    def old_age_index(self):
        """Indice di vecchiaia: residents 65+ per 100 aged 0–14."""
        return _ratio(self.aged_65_plus, self.aged_0_14)

    @property
    def dependency_ratio(self):
        """Indice di dipendenza strutturale: (0–14 + 65+) per 100 aged 15–64."""
        return _ratio(self.aged_0_14 + self.aged_65_plus, self.aged_15_64)

    def as_dict(self) -> dict:
        return {
            **{key: getattr(self, key) for key in AGE_CLASSES},
            "share_65_plus": self.share_65_plus,
            "share_75_plus": self.share_75_plus,
            "old_age_index": self.old_age_index,
            "dependency_ratio": self.dependency_ratio,
        }


def _age_sums(prefix: str = "") -> dict:
    field = f"{prefix}count"
    return {
        key: Coalesce(Sum(field, filter=_prefixed(condition, prefix)), 0) for key, condition in AGE_CLASSES.items()
    }


def _prefixed(condition: Q, prefix: str) -> Q:
    if not prefix:
        return condition
    return Q(*[(prefix + key, value) for key, value in condition.children], _connector=condition.connector)


def population_years(*, comune_ids=None) -> list[int]:
    qs = PopulationRecord.objects.all()
    if comune_ids is not None:
        qs = qs.filter(comune_id__in=comune_ids)
    return sorted(qs.values_list("year", flat=True).distinct(), reverse=True)


def latest_population_year(*, comune_ids=None) -> int | None:
    qs = PopulationRecord.objects.all()
    if comune_ids is not None:
        qs = qs.filter(comune_id__in=comune_ids)
    return qs.aggregate(year=Max("year"))["year"]


def comune_list_with_indicators(*, comune_ids, year: int) -> QuerySet:
    """The Comuni ``comune_ids`` (the user's scope), each annotated with its population counts for ``year``
    (one query).
    Annotations are prefixed ``pop_`` so they never clash with reverse relations other apps add to Comune."""
    year_filter = Q(population__year=year)
    annotations = {
        f"pop_{key}": Coalesce(Sum("population__count", filter=year_filter & _prefixed(condition, "population__")), 0)
        for key, condition in AGE_CLASSES.items()
    }
    return (
        Comune.objects.filter(id__in=comune_ids)
        .select_related("ambito")
        .annotate(**annotations)
        .order_by("name")
    )


def needs_indicators(*, comune_ids, year: int) -> NeedsIndicators:
    """Indicators for a set of Comuni taken together (the Ambito, a district)."""
    row = PopulationRecord.objects.filter(year=year, comune_id__in=comune_ids).aggregate(**_age_sums())
    return NeedsIndicators.from_row(row)


def indicators_of(comune) -> NeedsIndicators:
    """Indicators of a Comune annotated by ``comune_list_with_indicators``."""
    return NeedsIndicators.from_row({key: getattr(comune, f"pop_{key}") for key in AGE_CLASSES})


def age_structure(*, comune_ids, year: int, band: int = 5) -> list[dict]:
    """Residents by ``band``-year age class and sex, grouped in SQL (population pyramid)."""
    from django.db.models import F, IntegerField
    from django.db.models.functions import Cast

    rows = (
        PopulationRecord.objects.filter(year=year, comune_id__in=comune_ids)
        .annotate(age_class=Cast(F("age") / band, IntegerField()) * band)
        .values("age_class", "sex")
        .annotate(total=Sum("count"))
        .order_by("age_class", "sex")
    )
    classes: dict[int, dict] = {}
    for row in rows:
        entry = classes.setdefault(row["age_class"], {"age_from": row["age_class"], "M": 0, "F": 0})
        entry[row["sex"]] = row["total"]
    for entry in classes.values():
        start = entry["age_from"]
        entry["label"] = f"{start}+" if start >= 100 else f"{start}–{start + band - 1}"
    return [classes[key] for key in sorted(classes)]


def residents_by_comune(*, year: int, comune_ids=None, age_from: int = 0, age_to: int | None = None) -> dict:
    """Residents per Comune within an age range: the denominator of coverage indicators."""
    qs = PopulationRecord.objects.filter(year=year, age__gte=age_from)
    if age_to is not None:
        qs = qs.filter(age__lte=age_to)
    if comune_ids is not None:
        qs = qs.filter(comune_id__in=comune_ids)
    return dict(qs.values("comune_id").annotate(total=Sum("count")).values_list("comune_id", "total"))
