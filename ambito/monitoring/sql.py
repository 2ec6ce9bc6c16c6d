"""SQL building blocks for the indicator engine: day differences, ages, percentiles.

Each works on PostgreSQL (production) and SQLite (local checkout) and keeps the work inside the
database: Python only ever sees one aggregated row per breakdown key."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import FloatField, Func, IntegerField


class DaysBetween(Func):
    """Days from ``start`` to ``end``: with fractions between two timestamps, or calendar days between two
    dates with ``dates=True`` (on PostgreSQL a date difference, not an interval of timestamps)."""

    output_field = FloatField()
    arity = 2

    def __init__(self, end, start, *, dates: bool = False, **extra):
        super().__init__(end, start, **extra)
        self.dates = dates

    def as_sql(self, compiler, conn, **extra):
        end, start = self.source_expressions
        end_sql, end_params = compiler.compile(end)
        start_sql, start_params = compiler.compile(start)
        if conn.vendor != "postgresql":
            sql = f"(julianday({end_sql}) - julianday({start_sql}))"
        elif self.dates:
            sql = f"CAST(({end_sql})::date - ({start_sql})::date AS double precision)"
        else:
            sql = f"(EXTRACT(EPOCH FROM ({end_sql} - {start_sql})) / 86400.0)"
        return sql, (*end_params, *start_params)


class AgeAt(Func):
    """Age in completed years at the date ``at`` of someone born on ``birth`` (both dates)."""

    output_field = IntegerField()
    arity = 2

    def as_sql(self, compiler, conn, **extra):
        at, birth = self.source_expressions
        at_sql, at_params = compiler.compile(at)
        birth_sql, birth_params = compiler.compile(birth)
        if conn.vendor == "postgresql":
            sql = f"CAST(EXTRACT(YEAR FROM AGE(CAST({at_sql} AS date), {birth_sql})) AS integer)"
            return sql, (*at_params, *birth_params)
        # SQLite: year difference, minus one when the birthday has not come yet in the year of ``at``.
        sql = (
            f"(CAST(strftime('%%Y', {at_sql}) AS integer) - CAST(strftime('%%Y', {birth_sql}) AS integer)"
            f" - (strftime('%%m-%%d', {at_sql}) < strftime('%%m-%%d', {birth_sql})))"
        )
        return sql, (*at_params, *at_params, *birth_params, *birth_params)


def percentile_sql(inner_sql: str, params, fraction: float, *, labelled: bool = False) -> tuple[str, tuple]:
    """SQL of ``(key, percentile, n[, label])`` rows: the ``fraction`` percentile of column ``mval`` grouped
    by column ``mkey`` of ``inner_sql`` (with column ``mlabel`` when ``labelled``), with linear
    interpolation between the two closest ranks (the definition of PostgreSQL's ``percentile_cont``). On
    PostgreSQL the database's own ``percentile_cont`` runs; on SQLite the same interpolation is written
    with window functions."""
    label = ", MAX(mlabel)" if labelled else ""
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT mkey, percentile_cont(%s) WITHIN GROUP (ORDER BY mval), COUNT(*){label} "
            f"FROM ({inner_sql}) AS base WHERE mval IS NOT NULL GROUP BY mkey"
        )
        return sql, (fraction, *params)
    # rank r (0-based) of each value within its key; position p*(n-1) lies between ranks lo and lo+1.
    carried = ", mlabel" if labelled else ""
    sql = f"""
        WITH base AS ({inner_sql}),
        ranked AS (
            SELECT mkey, mval{carried},
                   ROW_NUMBER() OVER (PARTITION BY mkey ORDER BY mval) - 1 AS r,
                   COUNT(*) OVER (PARTITION BY mkey) AS n
            FROM base WHERE mval IS NOT NULL
        ),
        placed AS (
            SELECT mkey, mval{carried}, r, n, %s * (n - 1) AS pos, CAST(%s * (n - 1) AS integer) AS lo
            FROM ranked
        )
        SELECT mkey,
               SUM(CASE WHEN r = lo THEN mval * (1 - (pos - lo))
                        WHEN r = lo + 1 THEN mval * (pos - lo)
                        ELSE 0 END),
               MAX(n){label}
        FROM placed GROUP BY mkey
    """
    return sql, (*params, fraction, fraction)


def rounded(value, places: int = 1) -> Decimal | None:
    """A figure as shown and exported: Decimal rounded half-up; None stays None (no data)."""
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-places)
    return Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)


class JsonListHas(Func):
    """True when the JSON list in ``field`` holds the string ``value`` (e.g. a LEPS code)."""

    conditional = True

    def __init__(self, field, value: str, **extra):
        from django.db.models import BooleanField, F

        super().__init__(F(field), output_field=BooleanField(), **extra)
        self.value = value

    def as_sql(self, compiler, conn, **extra):
        import json

        field_sql, params = compiler.compile(self.source_expressions[0])
        if conn.vendor == "postgresql":
            return f"({field_sql} @> %s::jsonb)", (*params, json.dumps([self.value]))
        return f"EXISTS (SELECT 1 FROM json_each({field_sql}) WHERE json_each.value = %s)", (*params, self.value)
