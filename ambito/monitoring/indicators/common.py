"""Helpers the source modules share: turning a breakdown into a grouping expression, and the few
aggregated rows back into cells with stable keys and readable labels."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from functools import partial

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Case, CharField, Count, F, Max, Value, When
from django.db.models.functions import TruncMonth, TruncQuarter, TruncYear
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.timezone import get_current_timezone, get_current_timezone_name, is_aware, localtime

from ambito.monitoring.indicators import AGE_BANDS, TOTAL_KEY, Breakdown, Cell, Period, Query
from ambito.monitoring.sql import AgeAt, percentile_sql, rounded


def age_band_case() -> Case:
    """The age band (see ``AGE_BANDS``) of the ``mage`` annotation, as a string key."""
    whens = [
        When(mage__gte=low, then=Value(label)) if high is None
        else When(mage__gte=low, mage__lte=high, then=Value(label))
        for label, low, high in AGE_BANDS
    ]
    return Case(*whens, default=Value(""), output_field=CharField())


def label_path(by: str | None, dims: dict) -> str | None:
    """The name beside the key of a Comune (ISTAT code), service or provider (id) breakdown, read in the
    value query itself, so the breakdown needs no second query for its labels."""
    spec = dims.get(by) if by in (Breakdown.COMUNE, Breakdown.SERVICE, Breakdown.PROVIDER) else None
    if not isinstance(spec, str):
        return None
    if by == Breakdown.COMUNE and (spec == "istat_code" or spec.endswith("__istat_code")):
        return spec[: -len("istat_code")] + "name"
    if by != Breakdown.COMUNE and spec.endswith("_id"):
        return spec[: -len("_id")] + "__name"
    return None


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
    # the column itself, not cast to text: grouping and sorting an integer id is cheaper, and ``normalise``
    # turns the key into a string anyway
    return queryset.annotate(mkey=F(spec))


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
    if not keys:  # nothing to name: not even the ORM (building a query that cannot match costs ~0.5 ms)
        return {}
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
    if by == Breakdown.SOURCE:
        from ambito.planning.models import FundingSource

        return {k: str(FundingSource(k).label) for k in keys if k in FundingSource.values}
    if by == Breakdown.CHANNEL:
        from ambito.access.models import Channel

        return {k: str(Channel(k).label) for k in keys if k in Channel.values}
    if by == Breakdown.DESK:
        from ambito.access.models import CommunityDesk

        ids = [int(k) for k in keys if k.isdigit()]
        return {str(pk): name for pk, name in CommunityDesk.objects.filter(pk__in=ids).values_list("pk", "name")}
    if by == Breakdown.AGE_BAND:
        return {k: k.replace("-", "–") for k in keys}
    return {k: k for k in keys}


def cells(by: str | None, rows, places: int = 1) -> list[Cell]:
    """Cells from ``(raw key, value, n)`` rows, or ``(raw key, value, n, label)`` rows when the value query
    read the labels too; with no breakdown there is always one total cell, with ``None`` when nothing was
    recorded (no data is not zero)."""
    merged: dict[str, list] = {}
    names: dict | None = None
    for raw, value, n, *label in rows:
        key = normalise(by, raw)
        if by and not key:
            continue
        # An aggregate over no rows at all is "no data", not zero.
        merged[key] = [None if not n else value, n or 0]
        if label:
            names = {} if names is None else names
            if label[0] is not None:
                names[key] = label[0]
    if not by and TOTAL_KEY not in merged:
        merged[TOTAL_KEY] = [None, 0]
    if names is None:
        names = labels(by, merged.keys())
    return [
        Cell(key=key, value=rounded(value, places), n=n, label=names.get(key, key) if by else "")
        for key, (value, n) in merged.items()
    ]


def scoped(queryset, query: Query, *, service: str | None = "service_id", area: str = "service__area"):
    """``queryset`` narrowed to the service and the area the query asks for, if any: ``service`` and ``area``
    are the paths to the source's service id and area (``service`` None: the source has no service)."""
    if query.service_id and service:
        queryset = queryset.filter(**{service: query.service_id})
    if query.area:
        queryset = queryset.filter(**{area: query.area})
    return queryset


def comune_dims(path: str) -> str:
    """The breakdown path of a Comune, keyed by ISTAT code (stable across databases)."""
    return f"{path}__istat_code"


def _named_after(queryset, by: str | None, dims: dict):
    """For a service or provider breakdown keyed by a foreign key id: ``(table, id column, name column)`` of
    the model it points to, to name the few aggregated rows after grouping (a join on every source row
    costs more than the grouping itself). None otherwise: a Comune's name rides on its existing join."""
    spec = dims.get(by) if by in (Breakdown.SERVICE, Breakdown.PROVIDER) else None
    if not isinstance(spec, str) or not spec.endswith("_id"):
        return None
    model = queryset.model
    *path, last = spec.split("__")
    for part in path:
        model = model._meta.get_field(part).related_model
    target = model._meta.get_field(last).related_model
    quote = connection.ops.quote_name
    return (quote(target._meta.db_table), quote(target._meta.pk.column),
            quote(target._meta.get_field("name").column))


def _with_names(sql: str, named) -> str:
    table, pk, name = named
    return f"SELECT g.*, l.{name} FROM ({sql}) g LEFT JOIN {table} l ON l.{pk} = g.mkey"


def grouped(query: Query, name: str, source: Callable, dims: dict, value, n=None, places: int = 1) -> list[Cell]:
    """One aggregate ``value`` (and optional person count ``n``) per key of ``query.by``, in one query over
    ``source(query)``, with the keys' names. ``name`` names the SQL (see ``rows``): one name, one way of
    building it."""

    def compile_rows(q):
        base = source(q)
        named = _named_after(base, q.by, dims)
        label = None if named else label_path(q.by, dims)
        extra = {"mlabel": Max(label)} if label else {}
        qs = (
            with_key(base, q.by, dims)
            .values("mkey")
            .annotate(v=value, n=n if n is not None else Count("pk"), **extra)
            .values_list("mkey", "v", "n", *extra)
            .order_by()
        )
        sql, params, converters, col_count = compiled(qs)
        if named:
            return _with_names(sql, named), params, converters, None
        return sql, params, converters, col_count

    return cells(query.by, rows(name, query, compile_rows), places)


def percentile_cells(query: Query, name: str, source: Callable, dims: dict, value_expression, fraction: float,
                     places: int = 1) -> list[Cell]:
    """The ``fraction`` percentile of ``value_expression`` over ``source(query)`` per key (see
    ``sql.percentile_sql``), with the keys' names, in one query."""

    def compile_rows(q):
        source_qs = source(q)
        named = _named_after(source_qs, q.by, dims)
        label = None if named else label_path(q.by, dims)
        extra = {"mlabel": F(label)} if label else {}
        base = (with_key(source_qs, q.by, dims).annotate(mval=value_expression, **extra)
                .values("mkey", "mval", *extra).order_by())
        inner_sql, params = base.query.sql_with_params()
        sql, params = percentile_sql(inner_sql, params, fraction, labelled=bool(label))
        return (_with_names(sql, named) if named else sql), params, {}, None

    return cells(query.by, rows(name, query, compile_rows), places)


def persons_per_1000(query: Query, name: str, persons: Callable, comune_path: str) -> list[Cell]:
    """Distinct persons of ``persons(query)`` per 1,000 residents of the service's age group (the whole
    population when no service, or a service without age limits, is chosen); by Comune (``comune_path``,
    see ``per_1000_by_comune``) with a breakdown. The denominator is the latest population year not after
    the period's end."""
    from django.db.models import Subquery

    from ambito.network.models import Service
    from ambito.territory.models import PopulationRecord
    from ambito.territory.selectors import residents_by_comune

    age_from, age_to = 0, None
    if query.service_id:
        limits = Service.objects.filter(pk=query.service_id).values_list("minimum_age", "maximum_age").first()
        if limits:
            age_from, age_to = limits[0] or 0, limits[1]
    if query.by:
        return per_1000_by_comune(query, name, persons, comune_path, age_from, age_to)
    # the latest population year as a subquery of the residents query: one round trip fewer
    year = Subquery(PopulationRecord.objects.filter(comune_id__in=query.comune_ids, year__lte=query.period.end.year)
                    .order_by("-year").values("year")[:1])
    residents = residents_by_comune(year=year, comune_ids=query.comune_ids, age_from=age_from, age_to=age_to)
    count = persons(query).aggregate(n=Count("person_id", distinct=True))["n"]
    value = ratio(count, sum(residents.values()), 1000) if count else None
    return [Cell(key=TOTAL_KEY, value=rounded(value, 2), n=count)]


def per_1000_by_comune(query: Query, name: str, persons: Callable, comune_path: str, age_from: int = 0,
                       age_to: int | None = None) -> list[Cell]:
    """Distinct persons of ``persons(query)`` (counted by ``comune_path``) × 1,000 / residents aged
    ``age_from``–``age_to`` of the latest population year not after the period, for every Comune of the
    query (no value where nobody was counted). One query: the Comuni, their residents and their persons
    joined in SQL."""
    from django.db.models import Subquery, Sum

    from ambito.territory.models import Comune, PopulationRecord

    def compile_rows(q):
        latest = Subquery(PopulationRecord.objects.filter(comune_id__in=q.comune_ids, year__lte=q.period.end.year)
                          .order_by("-year").values("year")[:1])
        population = PopulationRecord.objects.filter(year=latest, age__gte=age_from, comune_id__in=q.comune_ids)
        if age_to is not None:
            population = population.filter(age__lte=age_to)
        parts = [
            compiled(Comune.objects.filter(pk__in=q.comune_ids).order_by()
                     .values(mcid=F("pk"), mkey=F("istat_code"), mlabel=F("name"))
                     .values_list("mcid", "mkey", "mlabel")),
            compiled(population.order_by().values(mcid=F("comune_id")).annotate(mtotal=Sum("count"))
                     .values_list("mcid", "mtotal")),
            compiled(persons(q).order_by().values(mcid=F(comune_path))
                     .annotate(mn=Count("person_id", distinct=True)).values_list("mcid", "mn")),
        ]
        # each part grouped once, joined on the Comune (a correlated subquery would scan once per Comune)
        sql = ("SELECT c.mkey, c.mlabel, r.mtotal, k.mn FROM ({}) c LEFT JOIN ({}) r ON r.mcid = c.mcid"
               " LEFT JOIN ({}) k ON k.mcid = c.mcid").format(*(part[0] for part in parts))
        return sql, tuple(param for part in parts for param in part[1]), {}, None

    return [
        Cell(key=istat, label=label, n=n or 0, value=rounded(ratio(n, residents, 1000), 2) if n else None)
        for istat, label, residents, n in rows(f"{name}.{age_from}.{age_to}", query, compile_rows)
    ]


def ratio(numerator, denominator, scale) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return Decimal(numerator) * Decimal(scale) / Decimal(denominator)


# --- SQL built once per process -------------------------------------------------------------------------
# Building and compiling an indicator's queryset costs several times what the database spends answering it
# (a few aggregated rows). The SQL depends only on the query's shape (breakdown, filters present, number of
# Comuni, time zone): it is compiled once per shape with stand-in values, which are then swapped for the
# query's own at each call. The first call of each shape checks the swap against a real compile and, if
# they differ, that shape is simply always compiled.

_PROBE_COMUNE = 1_900_000_000
_PROBE_SERVICE = 1_900_100_000
_PROBE_AREA = "probe-area-7f3c1e"
_PROBE_PERIOD = Period(dt.date(1907, 3, 5), dt.date(1911, 8, 9))  # years no SQL literal uses
_UNCACHEABLE = object()
_EMPTY = object()


def compiled(queryset) -> tuple:
    """``(sql, params, converters, column count)`` of a ``values_list`` queryset, as its iterator runs it."""
    compiler = queryset.query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    if not sql:
        raise EmptyResultSet
    converters = compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]])
    return sql, params, converters, compiler.col_count


def _shape(name: str, query: Query) -> tuple:
    return (name, query.by, query.service_id is not None, query.area is not None, len(query.comune_ids),
            get_current_timezone_name())


def _probe(query: Query) -> Query:
    return Query(period=_PROBE_PERIOD, by=query.by,
                 comune_ids=frozenset(range(_PROBE_COMUNE, _PROBE_COMUNE + len(query.comune_ids))),
                 service_id=None if query.service_id is None else _PROBE_SERVICE,
                 area=None if query.area is None else _PROBE_AREA)


def _slots(probe: Query) -> dict:
    """Each stand-in value, as it may appear among compiled parameters (raw or adapted by the backend),
    → (how to read the real value from a query and its ordered Comuni, how to adapt it)."""
    ops = connection.ops
    # PostgreSQL passes integers of integer fields typed (psycopg Int2, Int4, Int8)
    integer = (None, str, *(partial(ops.adapt_integerfield_value, internal_type=kind) for kind in (
        "SmallIntegerField", "PositiveSmallIntegerField", "IntegerField", "PositiveIntegerField",
        "BigIntegerField", "PositiveBigIntegerField")))
    readers = [
        (lambda q, c: q.period.start, (None, ops.adapt_datefield_value)),
        (lambda q, c: q.period.end, (None, ops.adapt_datefield_value)),
        (lambda q, c: q.period.start_at, (None, ops.adapt_datetimefield_value)),
        (lambda q, c: q.period.end_before, (None, ops.adapt_datetimefield_value)),
        (lambda q, c: q.period.start.year, integer),
        (lambda q, c: q.period.end.year, integer),
    ]
    if probe.service_id is not None:
        readers.append((lambda q, c: q.service_id, integer))
    if probe.area is not None:
        readers.append((lambda q, c: q.area, (None,)))
    readers += [((lambda q, c, i=i: c[i]), integer) for i in range(len(probe.comune_ids))]
    probe_comuni = list(probe.comune_ids)
    slots = {}
    for read, adapters in readers:
        raw = read(probe, probe_comuni)
        for adapt in adapters:
            shown = raw if adapt is None else adapt(raw)
            slots.setdefault((type(shown), shown), (read, adapt))
    return slots


def _template(params, slots) -> tuple:
    template = []
    for param in params:
        try:
            slot = slots.get((type(param), param))
        except TypeError:  # unhashable: a constant
            slot = None
        template.append(slot if slot is not None else (None, param))
    return tuple(template)


def _fill(template, query: Query) -> tuple:
    comuni = list(query.comune_ids)  # the order Django writes an IN list of this frozenset in
    return tuple(
        value if read is None else (read(query, comuni) if value is None else value(read(query, comuni)))
        for read, value in template
    )


def _compile_or_empty(compile_rows, query):
    try:
        return compile_rows(query)
    except EmptyResultSet:
        return _EMPTY


def _entry(name: str, query: Query, compile_rows: Callable):
    """The cached ``(sql, template, converters, column count)`` of this shape, compiling it on first use."""
    # on the thread's own connection object: its backend, its adapters and converters
    cache = connections[DEFAULT_DB_ALIAS].__dict__.setdefault("_ambito_indicator_sql", {})
    shape = _shape(name, query)
    entry = cache.get(shape)
    if entry is None:
        probe = _probe(query)
        built = _compile_or_empty(compile_rows, probe)
        real = _compile_or_empty(compile_rows, query)
        if built is _EMPTY or real is _EMPTY:
            entry = _EMPTY if built is real else _UNCACHEABLE
        else:
            template = _template(built[1], _slots(probe))
            same = built[0] == real[0] and _fill(template, query) == tuple(real[1])
            entry = (built[0], template, built[2], built[3]) if same else _UNCACHEABLE
        cache[shape] = entry
    return entry


def rows(name: str, query: Query, compile_rows: Callable) -> list[tuple]:
    """The rows of the SQL ``compile_rows(query)`` builds (``(sql, params, converters, column count)``, a
    pure function of the query: it must read nothing from the database), built once per shape of query."""
    entry = _entry(name, query, compile_rows)
    if entry is _EMPTY:
        return []
    if entry is _UNCACHEABLE:
        built = _compile_or_empty(compile_rows, query)
        if built is _EMPTY:
            return []
        sql, params, converters, col_count = built
    else:
        sql, template, converters, col_count = entry
        params = _fill(template, query)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    if col_count is not None:
        fetched = [row[:col_count] for row in fetched]
    if not converters:
        return [tuple(row) for row in fetched]
    result = []
    for row in map(list, fetched):
        for pos, (convs, expression) in converters.items():
            value = row[pos]
            for converter in convs:
                value = converter(value, expression, connection)
            row[pos] = value
        result.append(tuple(row))
    return result
