"""Reading the stored values of the indicators (``IndicatorCell``, *valori calcolati*) in place of computing
them, when a query asks for exactly what the refresh stores: a standard period, a whole Ambito or one of its
Comuni, no service or area filter. Anything else (a custom period, a filter, Comuni of two Ambiti) is
computed live, as before.

What is read is the cells before small-cell suppression, with their person counts: the engine applies the
rule on read, for whoever reads, exactly as on live cells. Reads are kept on the actor for the rest of the
request (like its scope): one query for the Ambiti's refresh state, then one per scope, period and
breakdown, whatever the number of indicators or rows behind them."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from ambito.monitoring.indicators import Breakdown, Cell, IndicatorDefinition, Query

# Breakdowns whose labels are translated words, named again on read in the reader's language.
TRANSLATED = (Breakdown.AREA, Breakdown.SEX, Breakdown.SOURCE, Breakdown.CHANNEL, Breakdown.AGE_BAND)


def _cache(actor) -> dict:
    cache = getattr(actor, "_ambito_stored_cells", None)
    if cache is None:
        cache = {}
        if actor is not None:
            try:
                actor._ambito_stored_cells = cache
            except AttributeError:
                pass
    return cache


def _refreshed(cache: dict, ambito_ids) -> dict:
    """Ambito id → set of (start, end) stored, for the Ambiti in view (one query per actor)."""
    from ambito.monitoring.models import IndicatorRefresh

    state = cache.get("refreshed")
    if state is None or not set(ambito_ids) <= state[0]:
        wanted = set(ambito_ids) | (state[0] if state else set())
        periods = {ambito_id: {(dt.date.fromisoformat(start), dt.date.fromisoformat(end)) for start, end in stored}
                   for ambito_id, stored in IndicatorRefresh.objects.filter(
                       ambito_id__in=wanted, computed_at__isnull=False).values_list("ambito_id", "periods")}
        state = cache["refreshed"] = (wanted, periods)
    return state[1]


def scope_of(groups, comune_ids) -> tuple | None:
    """``(ambito id, None)`` for the whole of one Ambito, ``(ambito id, comune id)`` for one of its Comuni,
    None for anything else."""
    ambiti = {groups.group_of.get(pk) for pk in comune_ids}
    if len(ambiti) != 1:
        return None
    ambito = ambiti.pop()
    if not isinstance(ambito, int):  # a Comune without an Ambito
        return None
    if groups.members.get(ambito) == set(comune_ids):
        return ambito, None
    if len(comune_ids) == 1:
        return ambito, next(iter(comune_ids))
    return None


def lookup(actor, spec: IndicatorDefinition, query: Query, groups: Callable) -> tuple[list[Cell], dt.datetime] | None:
    """The stored cells of ``query`` and when they were computed, or None when they are not stored."""
    if query.service_id is not None or query.area is not None or not query.comune_ids:
        return None
    scope = scope_of(groups(), query.comune_ids)
    if scope is None:
        return None
    cache = _cache(actor)
    if (query.period.start, query.period.end) not in _refreshed(cache, [scope[0]]).get(scope[0], ()):
        return None
    key = (scope, query.period.start, query.period.end, query.by or "")
    tables = cache.get(key)
    if tables is None:
        tables = cache[key] = _load(scope, query)
    return tables.get(spec.code)


def _load(scope, query: Query) -> dict:
    from ambito.monitoring.indicators.common import labels
    from ambito.monitoring.models import IndicatorCell

    rows = IndicatorCell.objects.filter(
        ambito_id=scope[0], comune_id=scope[1], period_start=query.period.start, period_end=query.period.end,
        breakdown=query.by or "",
    ).order_by("code", "pk").values_list("code", "key", "label", "value", "n", "target", "computed_at")
    tables: dict = {}
    for code, key, label, value, n, target, computed_at in rows:
        cells, _ = tables.setdefault(code, ([], computed_at))
        if key or not query.by:  # an empty key marks a table computed with no cell
            cells.append(Cell(key=key, label=label, n=n, value=None if value is None else Decimal(value),
                              target=None if target is None else Decimal(target)))
    if query.by in TRANSLATED:
        for cells, _ in tables.values():
            names = labels(query.by, [cell.key for cell in cells])
            for cell in cells:
                cell.label = names.get(cell.key, cell.label)
    return tables
