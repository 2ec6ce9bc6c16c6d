"""A plan's linked indicators measured year by year (one selector for the intervention page, the plan's
monitoring tab, the annual report and the API)."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ambito.core.charts import chart
from ambito.monitoring.indicators import compute, definition, definitions, year_period
from ambito.monitoring.models import PlanIndicatorLink
from ambito.monitoring.plans.models import FrozenMeasure, PlanYearClosure


@dataclass
class YearMeasure:
    year: int
    target: Decimal | None
    value: Decimal | None
    suppressed: bool = False
    frozen: bool = False
    computed_at: dt.datetime | None = None
    future: bool = False  # the year has not started: nothing to measure

    @property
    def gap(self) -> Decimal | None:
        if self.value is None or self.target is None:
            return None
        return self.value - self.target


@dataclass
class IndicatorMeasures:
    """One indicator of the plan with its link and a value per year of the plan."""

    indicator: object  # planning.Indicator
    link: object  # PlanIndicatorLink
    unit_label: str
    years: list = field(default_factory=list)

    @property
    def intervention(self):
        return self.indicator.intervention

    def met(self, measure: YearMeasure) -> bool | None:
        if measure.gap is None:
            return None
        return measure.gap <= 0 if self.indicator.lower_is_better else measure.gap >= 0

    @property
    def rows(self) -> list[tuple]:
        return [(measure, self.met(measure)) for measure in self.years]

    @property
    def chart_id(self) -> str:
        return f"measure-{self.indicator.pk}-chart"

    @property
    def chart(self) -> dict:
        labels, measured, targets = [], [], []
        if self.indicator.baseline is not None and self.indicator.baseline_year:
            labels.append(self.indicator.baseline_year)
            measured.append(self.indicator.baseline)
            targets.append(None)
        for measure in self.years:
            labels.append(measure.year)
            measured.append(measure.value)
            targets.append(measure.target)
        return chart(kind="line", labels=labels, series={_("Measured"): measured, _("Target"): targets},
                     unit=self.unit_label)


def plan_comune_ids(plan) -> set:
    from ambito.territory.models import Comune

    return set(Comune.objects.filter(ambito_id=plan.ambito_id).values_list("pk", flat=True))


def plan_links(*, plan, intervention=None):
    qs = PlanIndicatorLink.objects.filter(plan_indicator__intervention__plan=plan).select_related(
        "plan_indicator__intervention", "service").prefetch_related("plan_indicator__targets")
    if intervention is not None:
        qs = qs.filter(plan_indicator__intervention=intervention)
    return qs.order_by("plan_indicator__intervention__code", "plan_indicator__name", "pk")


def measure_year(*, actor, link, year: int, comune_ids) -> tuple[Decimal | None, bool]:
    """The value of the linked monitoring indicator for one year of the plan, for the plan's Comuni (and
    the link's service): ``(value, suppressed)``."""
    spec = definition(link.code)
    service_id = link.service_id if link.service_id and "service" in spec.breakdowns else None
    result = compute(link.code, actor=actor, period=year_period(year), comune_ids=comune_ids, service_id=service_id)
    total = result.total
    if total is None:
        return None, False
    return total.value, total.suppressed


def plan_measures(*, actor, plan, intervention=None) -> list[IndicatorMeasures]:
    """Every indicator of ``plan`` linked to a monitoring indicator (of ``intervention`` only, if given):
    baseline, target, measured value and gap for each year of the plan. A closed year gives the values it
    froze (with the day they were computed); an open one computes them now, with the indicator engine, for
    the plan's Comuni as ``actor`` may see them; a year not started yet has none."""
    today = dt.date.today()
    links = list(plan_links(plan=plan, intervention=intervention))
    if not links:
        return []
    closures = {c.year: c for c in PlanYearClosure.objects.filter(plan=plan)}
    frozen = {(m.closure.year, m.plan_indicator_id): m for m in FrozenMeasure.objects.filter(
        closure__plan=plan, plan_indicator_id__in=[link.plan_indicator_id for link in links]).select_related("closure")}
    comune_ids = plan_comune_ids(plan)
    out = []
    for link in links:
        indicator = link.plan_indicator
        targets = {t.year: t.value for t in indicator.targets.all()}
        try:
            spec = definition(link.code)
        except LookupError:
            continue
        measures = IndicatorMeasures(indicator=indicator, link=link, unit_label=indicator.unit or spec.unit)
        for year in plan.years:
            kept = frozen.get((year, indicator.pk))
            if kept is not None:
                measures.years.append(YearMeasure(year=year, target=targets.get(year), value=kept.value,
                                                  suppressed=kept.suppressed, frozen=True,
                                                  computed_at=kept.computed_at))
            elif year > today.year:
                measures.years.append(YearMeasure(year=year, target=targets.get(year), value=None, future=True))
            else:
                value, suppressed = measure_year(actor=actor, link=link, year=year, comune_ids=comune_ids)
                measures.years.append(YearMeasure(year=year, target=targets.get(year), value=value,
                                                  suppressed=suppressed,
                                                  computed_at=closures[year].closed_at if year in closures else None))
        out.append(measures)
    return out


def closed_years(*, plan) -> list:
    return list(PlanYearClosure.objects.filter(plan=plan).select_related("closed_by").order_by("year"))


def linkable_codes() -> list[tuple[str, str]]:
    """The monitoring indicators a plan's indicator can be linked to: (code, name)."""
    return [(spec.code, f"{spec.name} ({spec.code})") for spec in definitions()]


def check_code(code: str):
    try:
        return definition(code)
    except LookupError:
        raise ValidationError({"code": _("There is no monitoring indicator with this code.")},
                              code="unknown_indicator") from None
