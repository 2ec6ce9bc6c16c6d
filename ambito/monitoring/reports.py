"""Content of the annual monitoring report (*relazione annuale di monitoraggio*) and of the open-data
exports, shared by the PDF, the XLSX and the JSON/CSV writers."""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from ambito.monitoring import indicators
from ambito.monitoring.indicators import Breakdown, Period, year_period
from ambito.monitoring.models import ReportNarrative


@dataclass
class IndicatorRow:
    code: str
    name: str
    unit: str
    value: object
    target: object
    previous: object
    suppressed: bool
    met: bool | None
    unit_code: str = ""  # the indicator's own unit ("persons", "eur"…): how its figures are written


@dataclass
class ReportContent:
    ambito: object
    year: int
    period: Period
    rows: list
    spending: list  # (label, value)
    # planned beside what was recorded as committed and paid, by funding source: (label, planned, committed, paid)
    spent: list = field(default_factory=list)
    objectives: list = field(default_factory=list)  # (objective, [(indicator name, baseline, target, unit)])
    # the plan's linked indicators for the year: (name, unit, baseline, target, measured, gap, met, suppressed)
    measured: list = field(default_factory=list)
    narrative: ReportNarrative | None = None
    # when the indicator table's values were computed, if stored (the oldest); whether some were computed now
    computed_at: object = None
    computed_now: bool = False


def _met(value, target, direction):
    if value is None or target is None:
        return None
    if direction == indicators.Direction.LOWER_IS_BETTER:
        return value <= target
    return value >= target


def report_content(*, actor, ambito, year: int, progress=lambda *a: None) -> ReportContent:
    period = year_period(year)
    comune_ids = set(ambito.comuni.values_list("pk", flat=True))
    try:
        previous = year_period(year - 1)
    except Exception:  # noqa: BLE001 — a year before 2000 has no previous period to compare
        previous = None
    rows, stamps = [], []
    definitions = indicators.definitions()
    for position, spec in enumerate(definitions):
        progress(10 + int(60 * position / max(len(definitions), 1)), _("Computing %(name)s") % {"name": spec.name})
        result = indicators.compute(spec.code, actor=actor, period=period, comune_ids=comune_ids)
        cell, old = result.total, None
        stamps.append(result.computed_at)
        if previous is not None:
            earlier = indicators.compute(spec.code, actor=actor, period=previous, comune_ids=comune_ids)
            old = earlier.total
            stamps.append(earlier.computed_at)
        rows.append(IndicatorRow(
            code=spec.code, name=str(spec.name), unit=str(indicators.UNITS.get(spec.unit, spec.unit)),
            value=cell.value, target=cell.target, previous=old.value if old else None, suppressed=cell.suppressed,
            met=_met(cell.value, cell.target, spec.direction), unit_code=spec.unit,
        ))
    spending = []
    available = {d.code for d in definitions}
    if "budget_planned" in available:
        result = indicators.compute("budget_planned", actor=actor, period=period, by=Breakdown.SOURCE,
                                    comune_ids=comune_ids)
        spending = [(cell.label or cell.key, cell.value) for cell in result.cells]
    return ReportContent(
        ambito=ambito, year=year, period=period, rows=rows, spending=spending,
        spent=_spent(actor, period, comune_ids, spending, available),
        objectives=_objectives(ambito, year), measured=_measured(actor, ambito, year),
        narrative=ReportNarrative.objects.filter(ambito=ambito, year=year).first(),
        computed_at=min((stamp for stamp in stamps if stamp is not None), default=None),
        computed_now=any(stamp is None for stamp in stamps),
    )


def _spent(actor, period, comune_ids, spending, available) -> list:
    """Planned (approved version), committed and paid by funding source, from the spending indicators: the
    report reads recorded spending, not the budget alone."""
    rows = {label: [label, value, None, None] for label, value in spending}
    for column, code in ((2, "spending_committed"), (3, "spending_paid")):
        if code not in available:
            continue
        result = indicators.compute(code, actor=actor, period=period, by=Breakdown.SOURCE, comune_ids=comune_ids)
        for cell in result.cells:
            label = cell.label or cell.key
            rows.setdefault(label, [label, None, None, None])[column] = cell.value
    if all(row[2] is None and row[3] is None for row in rows.values()):
        return []
    return [tuple(row) for row in rows.values()]


def _measured(actor, ambito, year) -> list:
    """The linked indicators of the plans in force in ``year`` with their value for the year, from the
    selector the plan's monitoring tab shows (``monitoring.plans.selectors.plan_measures``)."""
    from ambito.monitoring.indicators.planning import approved_states
    from ambito.monitoring.plans.selectors import plan_measures
    from ambito.planning.models import Plan

    lines = []
    for plan in Plan.objects.filter(ambito=ambito, start_year__lte=year, end_year__gte=year,
                                    state__in=approved_states()).order_by("start_year"):
        for m in plan_measures(actor=actor, plan=plan):
            for measure, met in m.rows:
                if measure.year == year:
                    lines.append((f"{m.intervention.code} · {m.indicator.name}", str(m.unit_label),
                                  m.indicator.baseline, measure.target, measure.value, measure.gap, met,
                                  measure.suppressed))
    return lines


def _objectives(ambito, year):
    """The plan's objectives with the indicators and targets the plan set for ``year``, as approved: the
    rows of an approved (in force, closed) plan, the frozen snapshot of the last approved version of a plan
    being revised, nothing of a plan never approved (a draft is the planning office's, not the report's)."""
    from django.db.models import Prefetch

    from ambito.monitoring.indicators.planning import approved_states
    from ambito.planning.models import Indicator, IndicatorTarget, Objective

    objectives = (
        Objective.objects.filter(plan__ambito=ambito, plan__start_year__lte=year, plan__end_year__gte=year,
                                 plan__state__in=approved_states())
        .prefetch_related(Prefetch(
            "interventions__indicators",
            queryset=Indicator.objects.prefetch_related(
                Prefetch("targets", queryset=IndicatorTarget.objects.filter(year=year), to_attr="year_targets")),
        ))
        .order_by("code")
    )
    out = []
    for objective in objectives:
        lines = []
        for intervention in objective.interventions.all():
            for indicator in intervention.indicators.all():
                target = indicator.year_targets[0].value if indicator.year_targets else None
                lines.append((f"{intervention.code} · {indicator.name}", indicator.baseline, target, indicator.unit))
        out.append((objective.code, str(objective), lines))
    out += _revised_objectives(ambito, year)
    return [(label, lines) for _code, label, lines in sorted(out, key=lambda item: item[0])]


def _revised_objectives(ambito, year) -> list:
    """``(code, label, lines)`` of the objectives of the last approved version of each plan of ``ambito``
    covering ``year`` that is being revised, read from its frozen snapshot. The snapshot keeps no unit: it
    is the one the indicator of the same name has in the draft, if it is still there."""
    from decimal import Decimal, InvalidOperation

    from ambito.monitoring.indicators.planning import last_approved_versions
    from ambito.planning.models import Indicator

    def number(text):
        try:
            return Decimal(text) if text not in (None, "") else None
        except InvalidOperation:
            return None

    out = []
    for version in last_approved_versions([ambito.pk]):
        if not version.plan.start_year <= year <= version.plan.end_year:
            continue
        units = {(code, name): unit for code, name, unit in Indicator.objects.filter(
            intervention__plan=version.plan).values_list("intervention__code", "name", "unit")}
        content = version.content
        interventions = sorted((content.get("interventions") or {}).items())
        for code, objective in sorted((content.get("objectives") or {}).items()):
            lines = [
                (f"{intervention_code} · {name}", number(indicator.get("baseline")),
                 number((indicator.get("targets") or {}).get(str(year))), units.get((intervention_code, name), ""))
                for intervention_code, intervention in interventions if intervention.get("objective") == code
                for name, indicator in (intervention.get("indicators") or {}).items()
            ]
            out.append((code, f"{code} {objective.get('title', '')}", lines))
    return out


def open_data(*, actor, ambito, year: int) -> tuple[dict, list[dict]]:
    """Aggregate indicators by Comune (and for the whole Ambito) with their DCAT-AP_IT metadata (JSON-LD, from
    ``monitoring.opendata``). Small cells are always suppressed: this is published."""
    period = year_period(year)
    comune_ids = set(ambito.comuni.values_list("pk", flat=True))
    rows, now = [], timezone.now()
    for spec in indicators.definitions():
        for by in (None, Breakdown.COMUNE):
            if by and by not in spec.breakdowns:
                continue
            result = indicators.compute(spec.code, actor=actor, period=period, by=by, comune_ids=comune_ids,
                                        public=True)
            for cell in result.cells:
                rows.append({
                    "indicator": spec.code, "name": str(spec.name), "unit": spec.unit,
                    "territory": cell.key if by else ambito.code, "territory_name": cell.label or ambito.name,
                    "period_start": period.start.isoformat(), "period_end": period.end.isoformat(),
                    "value": None if cell.value is None else str(cell.value),
                    "target": None if cell.target is None else str(cell.target),
                    "suppressed": cell.suppressed,
                    # when the value was computed: stored values keep their time, others are computed now
                    "computed_at": (result.computed_at or now).isoformat(timespec="seconds"),
                })
    from ambito.monitoring.opendata import dataset_metadata

    # The indicators dataset as the public DCAT-AP_IT catalogue describes it, with this year's distribution.
    metadata = dataset_metadata(ambito, "indicatori", year=year)
    return metadata, rows
