"""The indicator engine (*sistema degli indicatori*).

An indicator is a definition held as data (``IndicatorDefinition``: stable ``code``, name, unit, formula,
source app, allowed breakdowns, direction, target) plus one SQL-backed function computing its values for a
``Query`` (period, breakdown, Comuni in scope, optional service/area filter). Functions aggregate in the
database and return one ``Cell`` per breakdown key; "no data" is ``None``, never 0.

Each source app has its own module here (``territory``, ``network``, ``planning``, ``access``, ``care``,
``feedback``)."""

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from importlib import import_module

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ambito.accounts.selectors import scope_for


class Breakdown:
    """Keys a value can be broken down by (*disaggregazioni*)."""

    COMUNE = "comune"
    AREA = "area"
    SERVICE = "service"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    SEX = "sex"
    AGE_BAND = "age_band"
    SOURCE = "source"
    PROVIDER = "provider"

    ALL = (COMUNE, AREA, SERVICE, MONTH, QUARTER, YEAR, SEX, AGE_BAND, SOURCE, PROVIDER)
    TIME = (MONTH, QUARTER, YEAR)

    LABELS = {
        COMUNE: gettext_lazy("Comune"),
        AREA: gettext_lazy("Area"),
        SERVICE: gettext_lazy("Service"),
        MONTH: gettext_lazy("Month"),
        QUARTER: gettext_lazy("Quarter"),
        YEAR: gettext_lazy("Year"),
        SEX: gettext_lazy("Sex"),
        AGE_BAND: gettext_lazy("Age band"),
        SOURCE: gettext_lazy("Funding source"),
        PROVIDER: gettext_lazy("Provider"),
    }


# Age bands used by every person-based indicator (upper bound inclusive; None = open).
AGE_BANDS = [("0-17", 0, 17), ("18-64", 18, 64), ("65-74", 65, 74), ("75+", 75, None)]

TOTAL_KEY = "total"
EARLIEST_DATE = dt.date(2000, 1, 1)
MAX_PERIOD_DAYS = 366 * 10 + 3


class Direction:
    HIGHER_IS_BETTER = "higher"
    LOWER_IS_BETTER = "lower"
    NEUTRAL = ""


@dataclass(frozen=True)
class Period:
    """A closed interval of days. Refused when it cannot be: end before start, before 2000, too long, or
    starting in the future."""

    start: dt.date
    end: dt.date

    @classmethod
    def parse(cls, start: str | None, end: str | None, *, default: "Period | None" = None) -> "Period":
        if not start and not end and default is not None:
            return default
        try:
            start_date = dt.date.fromisoformat(start or "")
            end_date = dt.date.fromisoformat(end or "")
        except ValueError:
            raise ValidationError(
                _("Give the period as two real dates, from and to, in the form YYYY-MM-DD (e.g. 2025-01-01)."),
                code="period_format",
            ) from None
        return cls.of(start_date, end_date)

    @classmethod
    def of(cls, start: dt.date, end: dt.date) -> "Period":
        if end < start:
            raise ValidationError(_("The period ends before it starts: check the two dates."), code="period_order")
        if start < EARLIEST_DATE:
            raise ValidationError(_("The period starts before 2000: there are no records that old."),
                                  code="period_too_early")
        if start > dt.date.today():
            raise ValidationError(_("The period starts in the future: there is nothing to measure yet."),
                                  code="period_future")
        if (end - start).days > MAX_PERIOD_DAYS:
            raise ValidationError(_("The period is longer than ten years: choose a shorter one."),
                                  code="period_too_long")
        return cls(start, end)

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls.of(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @property
    def years(self) -> list[int]:
        return list(range(self.start.year, self.end.year + 1))

    @property
    def start_at(self) -> dt.datetime:
        from django.utils import timezone

        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def end_before(self) -> dt.datetime:
        """First instant after the period (exclusive upper bound for timestamps)."""
        from django.utils import timezone

        return timezone.make_aware(dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min))

    def previous(self) -> "Period":
        """The period of the same length just before this one (the trend's comparison)."""
        length = self.end - self.start
        end = self.start - dt.timedelta(days=1)
        return Period(end - length, end)

    def __str__(self):
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


def year_period(year: int) -> Period:
    end = dt.date(year, 12, 31)
    return Period(dt.date(year, 1, 1), min(end, dt.date.today()) if year == dt.date.today().year else end)


@dataclass(frozen=True)
class Query:
    period: Period
    by: str | None
    comune_ids: frozenset
    service_id: int | None = None
    area: str | None = None


@dataclass
class Cell:
    """One value of an indicator: ``n`` counts the persons (or answers) behind it, for small-cell rules."""

    key: str
    value: Decimal | None
    n: int | None = None
    target: Decimal | None = None
    label: str = ""
    suppressed: bool = False


@dataclass(frozen=True)
class IndicatorDefinition:
    code: str
    name: str
    unit: str
    formula: str
    source: str
    breakdowns: tuple
    compute: Callable = field(repr=False, compare=False)
    direction: str = Direction.NEUTRAL
    person_based: bool = False  # values built from persons: small cells suppressed for non-case roles
    target: Callable | None = field(default=None, repr=False, compare=False)  # (query, cells) -> {key: target}
    target_description: str = ""
    order: int = 50

    @property
    def source_label(self) -> str:
        return str(SOURCE_LABELS.get(self.source, self.source))


SOURCE_LABELS = {
    "territory": gettext_lazy("ISTAT resident population"),
    "network": gettext_lazy("Services catalogue"),
    "planning": gettext_lazy("Piano di Zona"),
    "access": gettext_lazy("PUA requests and waiting lists"),
    "care": gettext_lazy("Care plans, referrals and deliveries"),
    "monitoring": gettext_lazy("Citizen feedback surveys"),
}

UNITS = {
    "persons": gettext_lazy("persons"),
    "days": gettext_lazy("days"),
    "percent": "%",
    "per_1000": gettext_lazy("per 1,000 residents"),
    "index": gettext_lazy("index"),
    "eur": "EUR",
    "hours": gettext_lazy("hours"),
    "score_1_5": gettext_lazy("score 1–5"),
    "residents_per_fte": gettext_lazy("residents per FTE"),
    "answers": gettext_lazy("answers"),
    "requests": gettext_lazy("requests"),
}

_registry: dict[str, IndicatorDefinition] = {}
_loaded = False
SOURCE_MODULES = ["territory", "network", "planning", "access", "care", "feedback"]


def register(definition: IndicatorDefinition) -> IndicatorDefinition:
    if definition.code in _registry:
        raise ValueError(f"indicator {definition.code!r} registered twice")
    unknown = set(definition.breakdowns) - set(Breakdown.ALL)
    if unknown:
        raise ValueError(f"indicator {definition.code!r}: unknown breakdowns {unknown}")
    _registry[definition.code] = definition
    return definition


def _load():
    global _loaded
    if not _loaded:
        _loaded = True
        for name in SOURCE_MODULES:
            import_module(f"ambito.monitoring.indicators.{name}")


def definitions() -> list[IndicatorDefinition]:
    _load()
    return sorted(_registry.values(), key=lambda d: (d.order, d.code))


def definition(code: str) -> IndicatorDefinition:
    _load()
    try:
        return _registry[code]
    except KeyError:
        raise LookupError(code) from None


@dataclass
class IndicatorResult:
    definition: IndicatorDefinition
    query: Query
    cells: list[Cell]

    @property
    def total(self) -> Cell | None:
        return self.cells[0] if self.cells else None


def compute(code: str, *, actor, period: Period, by: str | None = None, comune_ids=None,
            service_id: int | None = None, area: str | None = None, public: bool = False) -> IndicatorResult:
    """Values of one indicator for what ``actor`` may see. Comuni outside the actor's scope are never
    counted; person-based cells with fewer than ``AMBITO_SMALL_CELL`` persons are suppressed (value
    ``None``) for roles that are not case roles, so a regional observer cannot single anyone out by
    narrowing the breakdown. ``public`` (open data) suppresses small cells whoever asks."""
    spec = definition(code)
    if by and by not in spec.breakdowns:
        raise ValidationError(
            _("This indicator cannot be broken down by %(by)s. Possible: %(allowed)s.")
            % {"by": by, "allowed": ", ".join(spec.breakdowns) or "—"},
            code="breakdown",
        )
    for name, given in ((Breakdown.AREA, area), (Breakdown.SERVICE, service_id)):
        if given and name not in spec.breakdowns:
            raise ValidationError(_("This indicator cannot be filtered by %(filter)s.") % {"filter": name},
                                  code="filter")
    scope = scope_for(actor)
    allowed = scope.comune_ids()
    wanted = frozenset(allowed if comune_ids is None else set(comune_ids) & set(allowed))
    query = Query(period=period, by=by or None, comune_ids=wanted, service_id=service_id, area=area or None)
    cells = spec.compute(query) if wanted else []
    if spec.target is not None and cells:
        targets = spec.target(query, cells)
        cells = [replace(cell, target=targets.get(cell.key)) for cell in cells]
    if cells and query.by in (None, Breakdown.SERVICE):
        plan_targets = _plan_targets(code, query)
        cells = [replace(cell, target=plan_targets[cell.key]) if cell.key in plan_targets else cell
                 for cell in cells]
    if spec.person_based and (public or not scope.is_case_role):
        threshold = settings.AMBITO_SMALL_CELL
        cells = [
            replace(cell, value=None, suppressed=True) if cell.n is not None and 0 < cell.n < threshold else cell
            for cell in cells
        ]
    return IndicatorResult(definition=spec, query=query, cells=_sorted(cells, by))


def _plan_targets(code: str, query: Query) -> dict:
    """Targets the Piano di Zona set for the period's last year, for the indicators of the plan linked to
    this code (``PlanIndicatorLink``): keyed by service for a service breakdown, else the total's
    (a link without a service, or with the service the query is filtered on). One query when the code has
    no link, two when it has."""
    from ambito.monitoring.indicators.common import compiled, rows
    from ambito.monitoring.models import PlanIndicatorLink
    from ambito.planning.models import IndicatorTarget
    from ambito.territory.models import Comune

    # Most indicators have no plan link: a one-table lookup answers that before the five-table join,
    # which costs milliseconds to plan even on empty tables.
    links = dict(rows(f"plan_links.{code}", query, lambda q: compiled(
        PlanIndicatorLink.objects.filter(code=code).order_by().values_list("plan_indicator_id", "service_id"))))
    if not links:
        return {}
    rows = IndicatorTarget.objects.filter(
        indicator_id__in=list(links), year=query.period.end.year,
        indicator__intervention__plan__ambito_id__in=Comune.objects.filter(pk__in=query.comune_ids)
        .values("ambito_id"),
    ).order_by("indicator__intervention__plan__start_year").values_list("indicator_id", "value")
    targets = {}
    for service_id, value in ((links[indicator_id], value) for indicator_id, value in rows):  # later plans win
        if query.by == Breakdown.SERVICE:
            if service_id is not None:
                targets[str(service_id)] = value
        elif service_id is None or service_id == query.service_id:
            targets[TOTAL_KEY] = value
    return targets


def _sorted(cells, by):
    if by in Breakdown.TIME or by == Breakdown.AGE_BAND:
        return sorted(cells, key=lambda c: c.key)
    return sorted(cells, key=lambda c: (c.label or c.key).lower())


# --- helpers shared by the source modules -------------------------------------------------------------


def month_key(year, month) -> str:
    return f"{int(year):04d}-{int(month):02d}"


def quarter_key(year, quarter) -> str:
    return f"{int(year):04d}-Q{int(quarter)}"


def last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])
