"""Reads of the regional comparison (*confronto tra gli Ambiti della Regione*). One selector,
``region_comparison``, builds every figure the page and the API show: sections of rows, each row one cell per
Ambito in the order of ``RegionComparison.ambiti``. Another kind of figure (e.g. each plan's alignment to the
regional objectives) is one more ``Section`` appended here, with nothing to change in the page or the API.

Which Ambiti: those the reader works for as planning office or regional observer (``scope_for``): the
observer of a Region sees every Ambito of it, a planning office its own only.

Small cells: indicator values come from the indicator engine (``indicators.compute``) for each Ambito's
Comuni, so a person-based figure of fewer than ``AMBITO_SMALL_CELL`` persons is withheld exactly as on the
dashboard. Side by side, the Ambiti are also the cells of a table whose total the observer reads on its own
dashboard (the whole Region): so the complementary rule of the engine (``suppression_pattern``) is applied
across the Ambiti too, or the Region's total minus the Ambiti shown would give a withheld one back."""

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from ambito.accounts.roles import Role
from ambito.accounts.selectors import scope_for
from ambito.core.charts import chart
from ambito.monitoring import indicators
from ambito.monitoring.indicators import Direction, Period, suppression_pattern, year_period
from ambito.territory.models import Ambito, Comune

YEARS_OFFERED = 10  # this year and the nine before it

# Indicator rows by section, in order; codes the engine does not know are skipped (as the dashboard does).
INDICATOR_SECTIONS = [
    ("population", gettext_lazy("Population"), ["residents", "share_65_plus", "old_age_index", "dependency_ratio"]),
    ("access", gettext_lazy("Access and waiting"),
     ["requests_received", "persons_admitted_per_1000", "persons_waiting", "waiting_days_median",
      "days_to_first_delivery_median"]),
    ("care", gettext_lazy("Care delivered"),
     ["persons_served_per_1000", "hours_delivered", "referral_answer_rate", "referral_response_days_median",
      "discharges_services_active", "satisfaction_mean"]),
]
LEPS_CODES = ["residents_per_social_worker", "leps_pua_coverage", "leps_protected_discharge_coverage",
              "leps_social_emergency_coverage"]
LEPS_ESSENTIAL, LEPS_GOAL = Decimal(5000), Decimal(4000)  # L. 234/2021 c. 159: 1 per 5,000, goal 1 per 4,000


def offered_years(today: dt.date | None = None) -> list[int]:
    today = today or dt.date.today()
    return list(range(today.year, today.year - YEARS_OFFERED, -1))


def default_year(today: dt.date | None = None) -> int:
    """The last whole year: this year's figures are still coming in."""
    return (today or dt.date.today()).year - 1


def check_year(year) -> int:
    """The year asked for, refused with a message a person can act on when it is not one of the years offered."""
    years = offered_years()
    try:
        value = int(str(year).strip())
    except (TypeError, ValueError):
        value = None
    if value not in years:
        raise ValidationError(_("Choose a year between %(first)s and %(last)s.") % {"first": years[-1],
                                                                                   "last": years[0]},
                              code="year")
    return value


@dataclass
class Figure:
    """One Ambito's value in a row. ``value`` None: no data, or withheld (``suppressed``; ``complementary``
    when withheld only so that a small cell elsewhere cannot be worked out)."""

    value: object = None
    suppressed: bool = False
    complementary: bool = False
    met: bool | None = None  # against the row's target, when it has one


@dataclass
class Row:
    code: str
    name: str
    unit: str  # an indicator unit (``indicators.UNITS``) or "yes_no"
    cells: list  # Figure per Ambito
    target: Decimal | None = None
    direction: str = ""


@dataclass
class Section:
    key: str
    title: str
    rows: list
    note: str = ""


@dataclass
class RegionChart:
    id: str
    title: str
    unit: str
    spec: dict
    series: list  # names
    rows: list  # (Ambito name, [value per series])


@dataclass
class RegionComparison:
    year: int
    period: Period
    ambiti: list
    sections: list = field(default_factory=list)
    charts: list = field(default_factory=list)
    small_cells_withheld: bool = True
    not_computed: list = field(default_factory=list)  # Ambiti whose indicators are not stored for the year
    computed_at: dt.datetime | None = None  # a snapshot's time (``SNAPSHOT_SECONDS``); None: computed now

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)


def region_ambiti(*, actor) -> list:
    """The Ambiti compared for ``actor``: those it sees as planning office or regional observer."""
    ids = scope_for(actor).ambito_ids(Role.PLANNER, Role.REGIONAL_OBSERVER)
    return list(Ambito.objects.filter(pk__in=ids).order_by("name"))


# Past LIVE_AMBITI_LIMIT Ambiti the comparison is served from a snapshot at most this old: at 100 Ambiti it
# costs about 15 queries an Ambito (population, staffing, spending, alignment: 1.6 s on a quiet machine), and
# the regional observer asks for it every few seconds. Aggregates only, small cells withheld: nothing personal.
SNAPSHOT_SECONDS = 300


def region_comparison(*, actor, year: int) -> RegionComparison:
    """Every figure of the comparison for ``year``; ``year`` is checked (``check_year``). Over more than
    ``LIVE_AMBITI_LIMIT`` Ambiti, a snapshot of at most ``SNAPSHOT_SECONDS`` (``computed_at`` says when)."""
    year = check_year(year)
    ambiti = region_ambiti(actor=actor)
    withheld = not scope_for(actor).is_case_role
    if len(ambiti) <= LIVE_AMBITI_LIMIT:
        return _comparison(actor, year, ambiti, withheld)
    key = "region-comparison:" + hashlib.sha256(
        f"{[a.pk for a in ambiti]}|{year}|{withheld}|{get_language()}".encode()).hexdigest()
    comparison = cache.get(key)
    if comparison is None:
        comparison = _comparison(actor, year, ambiti, withheld)
        comparison.computed_at = timezone.now()
        cache.set(key, comparison, SNAPSHOT_SECONDS)
    return comparison


def _comparison(actor, year, ambiti, withheld) -> RegionComparison:
    period = year_period(year)
    comuni = {a.pk: set() for a in ambiti}
    for pk, ambito_id in Comune.objects.filter(ambito__in=ambiti).values_list("pk", "ambito_id"):
        comuni[ambito_id].add(pk)
    comparison = RegionComparison(year=year, period=period, ambiti=ambiti, small_cells_withheld=withheld)
    known = {d.code for d in indicators.definitions()}
    stored = _stored_ambiti(ambiti, period)
    live = [a for a in ambiti if a.pk not in stored]
    if len(live) > LIVE_AMBITI_LIMIT:
        comparison.not_computed = live
    skipped = {a.pk for a in comparison.not_computed}
    measured = {pk: set() if pk in skipped else ids for pk, ids in comuni.items()}

    def rows(codes):
        return [_indicator_row(actor, code, period, ambiti, measured, withheld) for code in codes if code in known]

    approved = _approved_plans_by_ambito(ambiti, year)

    for key, title, codes in INDICATOR_SECTIONS:
        comparison.sections.append(Section(key=key, title=str(title), rows=rows(codes)))
    leps = rows(LEPS_CODES) + _social_worker_rows(ambiti, year, approved)
    comparison.sections.append(Section(
        key="leps", title=_("Essential levels (LEPS)"), rows=leps,
        note=_("Social workers: at most 5,000 residents each (LEPS), 4,000 the objective (L. 234/2021 art. 1 "
               "c. 159); counted from the staffing of the approved plan covering the year.")))
    comparison.sections.append(Section(
        key="spending", title=_("Spending per resident"), rows=_spending_rows(ambiti, year, approved),
        note=_("Planned in the approved Piani di Zona covering the year, committed and paid as recorded, per "
               "resident of the Ambito.")))
    comparison.sections.append(Section(
        key="alignment", title=_("Alignment to the regional objectives"), rows=_alignment_rows(ambiti, year, approved),
        note=_("For the approved Piano di Zona covering the year: the part of its objectives linked to an objective "
               "of the Region's social plan and, for each regional objective, the planned budget of the "
               "interventions that answer to it (linked themselves or through their objective) over the years the "
               "two plans share.")))
    comparison.charts = _charts(comparison)
    return comparison


# --- indicator rows ----------------------------------------------------------------------------------------

# Ambiti whose indicators a comparison computes live when they are not stored for the year. Measured on the
# synthetic region: 99 Ambiti computed live took over 60 s and held both web workers. Beyond the limit an
# Ambito's indicator cells stay empty and the page names it (``not_computed``) until the refresh stores them.
LIVE_AMBITI_LIMIT = 5


def _stored_ambiti(ambiti, period) -> set:
    """The Ambiti whose stored indicator values (``monitoring_refresh_indicators``) cover ``period``."""
    from ambito.monitoring.models import IndicatorRefresh

    wanted = [period.start.isoformat(), period.end.isoformat()]
    return {pk for pk, periods in IndicatorRefresh.objects.filter(ambito__in=ambiti, computed_at__isnull=False)
            .values_list("ambito_id", "periods") if wanted in periods}



def _indicator_row(actor, code, period, ambiti, comuni, withheld) -> Row:
    spec = indicators.definition(code)
    totals = [indicators.compute(code, actor=actor, period=period, comune_ids=comuni[a.pk]).total
              if comuni[a.pk] else None for a in ambiti]
    hidden = set()
    if withheld and spec.person_based and spec.additive:
        # the Ambiti add up to the Region's total, which the observer reads on its dashboard
        _primary, hidden = suppression_pattern({str(i): (cell.n if cell else None) for i, cell in enumerate(totals)})
    targets = {cell.target for cell in totals if cell is not None}
    target = targets.pop() if len(targets) == 1 else None
    cells = []
    for i, cell in enumerate(totals):
        if cell is None:
            cells.append(Figure())
        elif str(i) in hidden and not cell.suppressed:
            cells.append(Figure(suppressed=True, complementary=True))
        else:
            cells.append(Figure(value=cell.value, suppressed=cell.suppressed, complementary=cell.complementary,
                                met=_met(cell.value, cell.target, spec.direction)))
    return Row(code=code, name=str(spec.name), unit=spec.unit, cells=cells, target=target, direction=spec.direction)


def _met(value, target, direction) -> bool | None:
    if value is None or target is None:
        return None
    if direction == Direction.LOWER_IS_BETTER:
        return value <= target
    if direction == Direction.HIGHER_IS_BETTER:
        return value >= target
    return None


# --- LEPS: social workers ------------------------------------------------------------------------------------


def _approved_plans_by_ambito(ambiti, year) -> dict:
    """Ambito id → the approved plans covering ``year``, newest first (as ``plans_covering``), in one query for
    every Ambito compared: three sections ask for each Ambito."""
    from ambito.monitoring.indicators.planning import approved_states
    from ambito.planning.models import Plan

    plans: dict = {a.pk: [] for a in ambiti}
    for plan in Plan.objects.filter(ambito__in=ambiti, start_year__lte=year, end_year__gte=year,
                                    state__in=approved_states()).order_by("-start_year"):
        plans[plan.ambito_id].append(plan)
    return plans


def _social_worker_rows(ambiti, year, approved) -> list[Row]:
    """FTE the LEPS counts, FTE needed at 1:5,000 and 1:4,000, and whether each is met (the staffing page's
    ``social_worker_ratio`` of the approved plan covering the year; the ratio itself is the engine's row)."""
    from ambito.planning.selectors import social_worker_ratio

    ratios = []
    for ambito in ambiti:
        plans = approved[ambito.pk]
        ratios.append(social_worker_ratio(plan=plans[0], year=year) if plans else None)

    def row(code, name, unit, value):
        return Row(code=code, name=name, unit=unit,
                   cells=[Figure(value=value(r)) if r is not None else Figure() for r in ratios])

    return [
        row("social_workers_fte", _("Social workers counted by the LEPS (FTE)"), "fte", lambda r: r.leps_fte),
        row("social_workers_needed_5000", _("FTE needed for 1 per 5,000 residents"), "fte",
            lambda r: r.needed_essential),
        row("social_workers_needed_4000", _("FTE needed for 1 per 4,000 residents (objective)"), "fte",
            lambda r: r.needed_goal),
        row("leps_social_worker_met", _("LEPS 1 per 5,000 met"), "yes_no", lambda r: r.essential_met),
        row("leps_social_worker_goal_met", _("Objective 1 per 4,000 met"), "yes_no", lambda r: r.goal_met),
    ]


# --- spending per resident ------------------------------------------------------------------------------------


def _spending_rows(ambiti, year, approved) -> list[Row]:
    """Planned, committed and paid per resident for the year, over the approved plans covering it (the
    planning office's ``spending_overview``, summed when two plans cover the year)."""
    from ambito.planning.selectors_spending import money, spending_totals

    figures = []
    for ambito in ambiti:
        totals = [spending_totals(plan=plan, year=year) for plan in approved[ambito.pk]]
        if not totals:
            figures.append(None)
            continue
        residents = totals[0]["residents"]
        sums = {k: money(sum(t[k] for t in totals)) for k in ("planned", "committed", "paid")}
        per = {k: (v / residents).quantize(Decimal("0.01")) if residents else None for k, v in sums.items()}
        figures.append({"residents": residents, **sums, **{f"{k}_per_resident": v for k, v in per.items()},
                        "paid_share": (sums["paid"] * 100 / sums["committed"]).quantize(Decimal("0.1"))
                        if sums["committed"] else None})

    def row(code, name, unit, key):
        return Row(code=code, name=name, unit=unit,
                   cells=[Figure(value=f[key]) if f is not None else Figure() for f in figures])

    return [
        row("planned_per_resident", _("Planned per resident"), "eur_cents", "planned_per_resident"),
        row("committed_per_resident", _("Committed per resident"), "eur_cents", "committed_per_resident"),
        row("paid_per_resident", _("Paid per resident"), "eur_cents", "paid_per_resident"),
        row("committed", _("Committed"), "eur", "committed"),
        row("paid", _("Paid"), "eur", "paid"),
        row("paid_share", _("Paid of what was committed"), "percent", "paid_share"),
    ]


# --- alignment to the regional objectives -----------------------------------------------------------------------


def _alignment_rows(ambiti, year, approved) -> list[Row]:
    """The share of each approved plan's objectives linked to a regional objective, then one row per regional
    objective with the planned budget that answers to it (``planning.selectors_partner.plan_alignment``); an
    Ambito without an approved plan for the year has no data."""
    from ambito.planning.selectors_partner import plan_alignment

    alignments = []
    for ambito in ambiti:
        plans = approved[ambito.pk]
        alignments.append(plan_alignment(plans[0]) if plans else None)
    rows = [Row(code="alignment_share", name=_("Objectives of the plan linked to a regional objective"),
                unit="percent", cells=[
                    Figure(value=(a["share"] * 100).quantize(Decimal("0.1")))
                    if a is not None and a["share"] is not None else Figure() for a in alignments])]
    budgets: dict = {}  # regional objective → its objective and the budget per Ambito
    for index, alignment in enumerate(alignments):
        for row in alignment["rows"] if alignment else []:
            objective = row["objective"]
            entry = budgets.setdefault((objective.partner_plan.start_year, objective.code, objective.pk),
                                       [objective, [None] * len(ambiti)])
            entry[1][index] = row["budget"]
    for (_start, _code, _pk), (objective, values) in sorted(budgets.items()):
        rows.append(Row(code=f"alignment_{objective.code.lower()}",
                        name=_("Planned for %(code)s %(title)s") % {"code": objective.code, "title": objective.title},
                        unit="eur", cells=[Figure(value=v) for v in values]))
    return rows


# --- charts ------------------------------------------------------------------------------------------------------


def _charts(comparison: RegionComparison) -> list[RegionChart]:
    names = [a.name for a in comparison.ambiti]
    wanted = [
        ("chart-region-spending", _("Spending per resident by Ambito"), "eur_cents", "spending",
         ["committed_per_resident", "paid_per_resident"]),
        ("chart-region-social-workers", _("Residents per social worker by Ambito"), "residents_per_fte", "leps",
         ["residents_per_social_worker"]),
        ("chart-region-served", _("Persons served per 1,000 residents by Ambito"), "per_1000", "care",
         ["persons_served_per_1000"]),
    ]
    charts = []
    for chart_id, title, unit, section_key, codes in wanted:
        section = comparison.section(section_key)
        rows = [r for r in (section.rows if section else []) if r.code in codes]
        if not rows or not any(cell.value is not None for r in rows for cell in r.cells):
            continue
        series = {r.name: [cell.value for cell in r.cells] for r in rows}
        charts.append(RegionChart(
            id=chart_id, title=title, unit=unit, series=list(series),
            spec=chart(kind="bar", labels=names, series=series, unit="EUR" if unit.startswith("eur") else ""),
            rows=[(name, [r.cells[i] for r in rows]) for i, name in enumerate(names)]))
    return charts
