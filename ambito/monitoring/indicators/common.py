"""Helpers the source modules share: turning a breakdown into a grouping expression, and the few
aggregated rows back into cells with stable keys and readable labels."""

import datetime as dt
from decimal import Decimal

from django.db.models import Case, CharField, Count, F, Value, When
from django.db.models.functions import Cast, TruncMonth, TruncQuarter, TruncYear
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.timezone import get_current_timezone, is_aware, localtime

from ambito.monitoring.indicators import AGE_BANDS, TOTAL_KEY, Breakdown, Cell
from ambito.monitoring.sql import AgeAt, percentiles_by_key, rounded


def age_band_case() -> Case:
    """The age band (see ``AGE_BANDS``) of the ``mage`` annotation, as a string key."""
    whens = [
        When(mage__gte=low, then=Value(label)) if high is None
        else When(mage__gte=low, mage__lte=high, then=Value(label))
        for label, low, high in AGE_BANDS
    ]
    return Case(*whens, default=Value(""), output_field=CharField())


def with_key(queryset, by: str | None, dims: dict):
    """Annotate ``mkey``: the grouping key of breakdown ``by`` built from the source's ``dims``
    (breakdown → field path; for ``age_band`` a pair (date field of the event, birth-date field) or an
    integer age field; time breakdowns take the date or timestamp field of the event)."""
    if not by:
        return queryset.annotate(mkey=Value(TOTAL_KEY, output_field=CharField()))
    spec = dims[by]
    if by == Breakdown.YEAR and isinstance(spec, tuple):  # ("int", field): the year is already a number
        return queryset.annotate(mkey=F(spec[1]))
    if by == Breakdown.MONTH:
        return queryset.annotate(mkey=TruncMonth(spec))
    if by == Breakdown.QUARTER:
        return queryset.annotate(mkey=TruncQuarter(spec))
    if by == Breakdown.YEAR:
        return queryset.annotate(mkey=TruncYear(spec))
    if by == Breakdown.AGE_BAND:
        age = AgeAt(F(spec[0]), F(spec[1])) if isinstance(spec, tuple) else F(spec)
        return queryset.annotate(mage=age).annotate(mkey=age_band_case())
    return queryset.annotate(mkey=Cast(F(spec), CharField()))


def _as_date(raw):
    if isinstance(raw, dt.datetime):
        return (localtime(raw) if is_aware(raw) else raw).date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw)
    parsed = parse_datetime(text)
    if parsed is not None:
        if is_aware(parsed):
            parsed = parsed.astimezone(get_current_timezone())
        return parsed.date()
    return parse_date(text[:10])


def normalise(by: str | None, raw) -> str:
    if not by:
        return TOTAL_KEY
    if by == Breakdown.YEAR and isinstance(raw, int):
        return f"{raw:04d}"
    if by in Breakdown.TIME:
        day = _as_date(raw)
        if by == Breakdown.MONTH:
            return f"{day.year:04d}-{day.month:02d}"
        if by == Breakdown.QUARTER:
            return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
        return f"{day.year:04d}"
    return "" if raw is None else str(raw)


def labels(by: str | None, keys) -> dict:
    """Readable labels of the keys (one query for Comuni, services or providers)."""
    keys = [k for k in keys if k]
    if by == Breakdown.COMUNE:
        from ambito.territory.models import Comune

        return dict(Comune.objects.filter(istat_code__in=keys).values_list("istat_code", "name"))
    if by == Breakdown.SERVICE:
        from ambito.network.models import Service

        ids = [int(k) for k in keys if k.isdigit()]
        return {str(pk): name for pk, name in Service.objects.filter(pk__in=ids).values_list("pk", "name")}
    if by == Breakdown.PROVIDER:
        from ambito.accounts.models import Organisation

        ids = [int(k) for k in keys if k.isdigit()]
        return {str(pk): name for pk, name in Organisation.objects.filter(pk__in=ids).values_list("pk", "name")}
    if by == Breakdown.AREA:
        from ambito.network.taxonomy import Area

        return {k: str(Area(k).label) for k in keys if k in Area.values}
    if by == Breakdown.SEX:
        from ambito.territory.models import Sex

        return {k: str(Sex(k).label) for k in keys if k in Sex.values}
    if by == Breakdown.SOURCE and keys:
        try:
            from ambito.planning.models import FundingSource
        except ImportError:
            return {}
        return {k: str(FundingSource(k).label) for k in keys if k in FundingSource.values}
    if by == Breakdown.AGE_BAND:
        return {k: k.replace("-", "–") for k in keys}
    return {k: k for k in keys}


def cells(by: str | None, rows, places: int = 1) -> list[Cell]:
    """Cells from ``(raw key, value, n)`` rows; with no breakdown there is always one total cell, with
    ``None`` when nothing was recorded (no data is not zero)."""
    merged: dict[str, list] = {}
    for raw, value, n in rows:
        key = normalise(by, raw)
        if by and not key:
            continue
        # An aggregate over no rows at all is "no data", not zero.
        merged[key] = [None if not n else value, n or 0]
    if not by and TOTAL_KEY not in merged:
        merged[TOTAL_KEY] = [None, 0]
    names = labels(by, merged.keys())
    return [
        Cell(key=key, value=rounded(value, places), n=n, label=names.get(key, key) if by else "")
        for key, (value, n) in merged.items()
    ]


def comune_dims(path: str) -> str:
    """The breakdown path of a Comune, keyed by ISTAT code (stable across databases)."""
    return f"{path}__istat_code"


def grouped(queryset, by, dims, value, n=None, places: int = 1) -> list[Cell]:
    """One aggregate ``value`` (and optional person count ``n``) per key, in one query."""
    rows = (
        with_key(queryset, by, dims)
        .values("mkey")
        .annotate(v=value, n=n if n is not None else Count("pk"))
        .values_list("mkey", "v", "n")
        .order_by()
    )
    return cells(by, rows, places)


def percentile_cells(queryset, by, dims, value_expression, fraction: float, places: int = 1) -> list[Cell]:
    base = with_key(queryset, by, dims).annotate(mval=value_expression).values("mkey", "mval").order_by()
    rows = [(key, value, n) for key, (value, n) in percentiles_by_key(base, fraction).items()]
    return cells(by, rows, places)


def ratio(numerator, denominator, scale) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return Decimal(numerator) * Decimal(scale) / Decimal(denominator)
