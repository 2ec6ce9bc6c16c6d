"""Piano di Zona indicators (``planning``): the budget planned by source, area, Comune and year, and the
LEPS ratio of social workers to residents (L. 178/2020 art. 1 c. 797: at least 1 full-time social worker
per 5,000 residents, 1 per 4,000 as the further objective).

Only approved versions of a plan count: what the Region, the public and the annual report read is what the
Accordo di Programma was signed on, never a draft. A plan that is approved, in force or closed has its
approved content in its rows (they cannot change in those states); a plan in draft, co-programming or
consultation counts with the last version it froze on approval (``PlanVersion.content``), and not at all
when it was never approved. The planning office sees its working draft on the plan's own pages."""

from decimal import Decimal

from django.db.models import Subquery, Sum
from django.utils.translation import gettext_lazy as _

from ambito.monitoring.indicators import (
    TOTAL_KEY,
    Breakdown,
    Cell,
    Direction,
    IndicatorDefinition,
    register,
)
from ambito.monitoring.indicators.common import compiled, grouped, rows, scoped
from ambito.monitoring.sql import rounded

LEPS_RESIDENTS_PER_SOCIAL_WORKER = Decimal(5000)
LEPS_RESIDENTS_PER_SOCIAL_WORKER_OBJECTIVE = Decimal(4000)


def _ambito_ids(query):
    """The Ambiti of the query's Comuni, as a subquery (no round trip of its own)."""
    from ambito.territory.models import Comune

    return Comune.objects.filter(pk__in=query.comune_ids).values("ambito_id")


def approved_states() -> list[str]:
    """Plan states whose rows are an approved version (content is frozen in them)."""
    from ambito.planning.models import EDITABLE_STATES, PlanState

    return [state for state in PlanState.values if state not in EDITABLE_STATES]


def last_approved_versions(ambito_ids) -> list:
    """For each plan of ``ambito_ids`` now being revised (draft, co-programming or consultation), the last
    version it froze on approval, with its plan (one query; plans never approved have none)."""
    from django.db.models import OuterRef

    from ambito.planning.models import EDITABLE_STATES, PlanVersion

    latest = PlanVersion.objects.filter(plan=OuterRef("plan"), frozen=True).order_by("-number").values("number")[:1]
    return list(PlanVersion.objects.filter(plan__ambito_id__in=ambito_ids, plan__state__in=EDITABLE_STATES,
                                           frozen=True, number=Subquery(latest)).select_related("plan"))


BUDGET_DIMS = {Breakdown.SOURCE: "source", Breakdown.AREA: "intervention__area", Breakdown.YEAR: ("int", "year"),
               Breakdown.COMUNE: "comune__istat_code"}


def budget_lines(query):
    from django.db.models import Q

    from ambito.planning.models import BudgetLine

    qs = BudgetLine.objects.filter(
        intervention__plan__ambito_id__in=_ambito_ids(query), intervention__plan__state__in=approved_states(),
        year__gte=query.period.start.year, year__lte=query.period.end.year,
    ).filter(Q(comune__isnull=True) | Q(comune_id__in=query.comune_ids))
    qs = scoped(qs, query, service="intervention__service_id", area="intervention__area")
    if query.by == Breakdown.COMUNE:
        qs = qs.filter(comune__isnull=False)
    return qs


def budget_planned(query):
    """The budget lines of approved plans (``budget_lines``), plus those of the last approved version of
    each plan being revised (read from its frozen snapshot)."""
    cells = grouped(query, "planning.budget_planned", budget_lines, BUDGET_DIMS, Sum("amount"), places=2)
    revised = _revised_budget(query)
    if not revised:
        return cells
    from dataclasses import replace

    from ambito.monitoring.indicators.common import labels

    by_key = {cell.key: cell for cell in cells}
    names = labels(query.by, [key for key in revised if key not in by_key]) if query.by else {}
    for key, (amount, lines) in revised.items():
        cell = by_key.get(key)
        if cell is None:
            by_key[key] = Cell(key=key, value=rounded(amount, 2), n=lines,
                               label=names.get(key, key) if query.by else "")
        else:
            by_key[key] = replace(cell, value=rounded((cell.value or 0) + amount, 2), n=(cell.n or 0) + lines)
    return list(by_key.values())


def _revised_budget(query) -> dict:
    """``{key: [amount, lines]}`` of the frozen budget of the last approved version of each plan being
    revised, grouped like ``budget_lines`` (snapshot keys: ``"<year> <source>"`` or
    ``"<year> comune:<ISTAT code>"``, see ``planning.selectors.plan_snapshot``). The indicator takes no
    service filter (``compute`` refuses it), which a snapshot could not follow."""
    versions = last_approved_versions(_ambito_ids(query))
    if not versions:
        return {}
    from ambito.territory.models import Comune

    istat_codes = set(Comune.objects.filter(pk__in=query.comune_ids).values_list("istat_code", flat=True))
    sums: dict = {}
    for version in versions:
        for intervention in (version.content.get("interventions") or {}).values():
            area = intervention.get("area", "")
            if query.area and area != query.area:
                continue
            for column, amount in (intervention.get("budget") or {}).items():
                year, _, column = column.partition(" ")
                source, _, istat = column.partition(":")
                if not year.isdigit() or not query.period.start.year <= int(year) <= query.period.end.year:
                    continue
                if (istat and istat not in istat_codes) or (query.by == Breakdown.COMUNE and not istat):
                    continue
                key = {None: TOTAL_KEY, Breakdown.SOURCE: source, Breakdown.AREA: area,
                       Breakdown.YEAR: f"{int(year):04d}", Breakdown.COMUNE: istat}[query.by]
                entry = sums.setdefault(key, [Decimal(0), 0])
                entry[0] += Decimal(amount)
                entry[1] += 1
    return sums


def _residents_and_fte(query):
    """One row: full-time-equivalent social workers and residents (two scalar subqueries, one round trip)."""
    from django.db.models import F, Func

    from ambito.planning.models import StaffPosition
    from ambito.planning.selectors import leps_social_worker_q
    from ambito.territory.models import PopulationRecord

    year = query.period.end.year
    fte = StaffPosition.objects.filter(
        leps_social_worker_q(),  # the staffing page's definition: employed by the Ambito or its Comuni
        intervention__plan__ambito_id__in=_ambito_ids(query), intervention__plan__start_year__lte=year, intervention__plan__end_year__gte=year,
        intervention__plan__state__in=approved_states(),
    )
    population = PopulationRecord.objects.filter(comune_id__in=query.comune_ids, year__lte=year)
    latest = Subquery(population.order_by("-year").values("year")[:1])
    residents = population.filter(year=latest)
    # an ungrouped SUM (Func, not an aggregate: no GROUP BY), typed like the column for its converter
    parts = [compiled(qs.order_by().annotate(total=Func(F(field), function="SUM")).values_list("total"))
             for qs, field in ((fte, "fte"), (residents, "count"))]
    sql = "SELECT " + ", ".join(f"({part_sql})" for part_sql, *_ in parts)
    params = tuple(param for _, part_params, *_ in parts for param in part_params)
    converters = {pos: part[2][0] for pos, part in enumerate(parts) if 0 in part[2]}
    return sql, params, converters, None


def residents_per_social_worker(query):
    """Residents (latest population year not after the period) per full-time-equivalent social worker
    employed by the Ambito or its Comuni (``planning.selectors.leps_social_worker_q``, as the staffing page)
    staffed by the approved plans covering the period's last year. A plan being revised drops out until its new version is approved: the frozen snapshot lists its
    staffing as text without the permanent flag, so the approved figure cannot be read back from it."""
    [(fte, residents)] = rows("planning.residents_per_social_worker", query, _residents_and_fte)
    value = Decimal(residents) / fte if fte and residents else None
    return [Cell(key=TOTAL_KEY, value=rounded(value, 0))]


def _leps_target(query, cells):
    return {cell.key: LEPS_RESIDENTS_PER_SOCIAL_WORKER for cell in cells}


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
