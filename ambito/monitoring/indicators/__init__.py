"""The indicator engine (*sistema degli indicatori*).

An indicator is a definition held as data (``IndicatorDefinition``: stable ``code``, name, unit, formula,
source app, allowed breakdowns, direction, target) plus one SQL-backed function computing its values for a
``Query`` (period, breakdown, Comuni in scope, optional service/area filter). Functions aggregate in the
database and return one ``Cell`` per breakdown key; "no data" is ``None``, never 0.

Each source app has its own module here (``territory``, ``network``, ``planning``, ``access``, ``care``,
``feedback``).

Small cells (``compute``, for person-based indicators read by a role that does not work on cases, and for
everything published): a value built from 1 to ``AMBITO_SMALL_CELL`` − 1 persons is withheld (*primary
suppression*). Withholding it alone is not enough: the total of a breakdown is shown too, so total minus
the cells shown would give it back (3 Comuni, total 15, shown 5 and 8: the third is 2). So every table
also gets *complementary (secondary) suppression*, the rule statistics offices apply (ISTAT, Eurostat):

- a table is cut into groups of cells whose sum can be read elsewhere: for a Comune breakdown one group
  per Ambito (an Ambito's total is published in its report and open data, and it is the whole table of
  its planning office), for any other breakdown the whole table;
- while a group holds hidden non-zero cells that are only one, or fewer than ``AMBITO_SMALL_CELL``
  persons together, its smallest non-zero shown cell (fewest persons, then key) is hidden as well, and
  the groups are gone through again until nothing changes (``suppression_pattern``). A group whose
  non-zero cells are then all hidden has a total made of them alone, itself below the threshold and so
  itself withheld;
- the pattern of a Comune's cell depends on its own Ambito only, whoever asks and whatever part of the
  Region they see, so two people never get patterns that complete each other;
- a value that is itself a cell of a table the same user can ask for follows that table's pattern: the
  total of a few Comuni (a Comune's own dashboard, a health district) is withheld when it takes in some
  but not all of the hidden cells of an Ambito; the total of one area or one service is withheld when
  that cell is hidden in the breakdown by area or by service;
- medians and percentiles (``additive=False``) do not add up, so no subtraction gives a hidden one back:
  only their small cells are withheld. Rates per 1,000 residents and means do add up once their weights
  are known (the residents are published), so they are treated like counts.

Hiding the total instead was the alternative: for an Ambito of three Comuni it would hide the Ambito's own
figure whenever one Comune is small, the figure people need most. Withheld cells have ``value`` None and
``suppressed`` True; ``complementary`` tells the cells hidden only to protect another (they are not
"fewer than 5"). The rule covers each table with its own total and the totals of its cells (areas,
services, groups of Comuni); it does not cover differencing across periods (this year minus the first
half), across tables crossed with a filter (the breakdown by Comune of one area against the breakdown by
Comune of all areas), or an Ambito whose total is itself withheld against the Region's total and the other
Ambiti's: those need a linked-tables method (e.g. tau-ARGUS's modular hypercube) and are not done."""

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
    CHANNEL = "channel"  # the door of the PUA a request came through
    DESK = "desk"  # the community access desk

    ALL = (COMUNE, AREA, SERVICE, MONTH, QUARTER, YEAR, SEX, AGE_BAND, SOURCE, PROVIDER, CHANNEL, DESK)
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
        CHANNEL: gettext_lazy("Door (channel)"),
        DESK: gettext_lazy("Community access desk"),
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
    complementary: bool = False  # hidden only so that a small cell cannot be worked out (not itself small)


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
    # The total and the cells add up, so a hidden cell could be worked out from the ones shown: counts and
    # sums, and rates and means too once their weights are known (residents are published). Then the
    # complementary cells are hidden as well. Not for medians and percentiles: no subtraction gives a
    # cell's median back, only the small cells themselves are withheld.
    additive: bool = True
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
SOURCE_MODULES = ["territory", "network", "planning", "access", "care", "feedback", "spending"]


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
    # when the values were computed, if they were read from the stored ones (``IndicatorCell``); None: just now
    computed_at: dt.datetime | None = None

    @property
    def total(self) -> Cell | None:
        return self.cells[0] if self.cells else None


def compute(code: str, *, actor, period: Period, by: str | None = None, comune_ids=None,
            service_id: int | None = None, area: str | None = None, public: bool = False) -> IndicatorResult:
    """Values of one indicator for what ``actor`` may see. Comuni outside the actor's scope are never
    counted; person-based cells with fewer than ``AMBITO_SMALL_CELL`` persons are suppressed (value
    ``None``) for roles that are not case roles, so a regional observer cannot single anyone out by
    narrowing the breakdown, with the complementary cells that keep them from being worked out from a
    total (see the module's docstring). ``public`` (open data) suppresses small cells whoever asks."""
    from ambito.monitoring.indicators import stored

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
    groups = lambda: _comune_groups(actor, allowed)  # noqa: E731
    found = stored.lookup(actor, spec, query, groups) if wanted else None
    computed_at = found[1] if found else None
    cells = found[0] if found else (computed_cells(spec, query) if wanted else [])

    def table(other: Query) -> list:
        """Another table of the same indicator, for the small-cell rule: stored if it is, else computed."""
        hit = stored.lookup(actor, spec, other, groups)
        return hit[0] if hit else spec.compute(other)

    if spec.person_based and (public or not scope.is_case_role) and cells:
        if spec.additive:
            cells = _suppressed(spec, query, cells, groups, table)
        else:
            cells = _withheld(cells, suppression_pattern({cell.key: cell.n for cell in cells}, groups=[])[0], set())
    return IndicatorResult(definition=spec, query=query, cells=_sorted(cells, by), computed_at=computed_at)


def computed_cells(spec: IndicatorDefinition, query: Query) -> list[Cell]:
    """The cells of one query computed now in the database, with their targets, before any suppression:
    what ``IndicatorCell`` stores (the same for whoever asks, once the Comuni are given)."""
    cells = spec.compute(query)
    if spec.target is not None and cells:
        targets = spec.target(query, cells)
        cells = [replace(cell, target=targets.get(cell.key)) for cell in cells]
    if cells and query.by in (None, Breakdown.SERVICE):
        plan_targets = _plan_targets(spec.code, query)
        cells = [replace(cell, target=plan_targets[cell.key]) if cell.key in plan_targets else cell
                 for cell in cells]
    return cells


# --- small cells: primary and complementary suppression (see the module's docstring) --------------------


def suppression_pattern(counts: dict, groups=None, threshold: int | None = None) -> tuple[set, set]:
    """``(primary, complementary)`` keys to withhold in one table. ``counts`` maps each cell's key to the
    persons behind it (None or 0: nobody, nothing to protect); ``groups`` are the sets of keys whose sum
    can be read elsewhere (default: the whole table). Primary: 1 to ``threshold`` − 1 persons. Then, while
    a group holds hidden non-zero cells that are only one, or fewer than ``threshold`` persons together,
    its smallest non-zero shown cell (fewest persons, then key) is hidden too, over every group again
    until nothing changes; a group with no shown non-zero cell left is done. Pure: no database."""
    threshold = settings.AMBITO_SMALL_CELL if threshold is None else threshold
    size = {key: n or 0 for key, n in counts.items()}
    primary = {key for key, n in size.items() if 0 < n < threshold}
    hidden = set(primary)
    groups = [set(counts)] if groups is None else [set(group) & set(counts) for group in groups]
    changed = True
    while changed:
        changed = False
        for group in groups:
            while True:
                inside = [key for key in group if key in hidden and size[key]]
                if not inside or (len(inside) >= 2 and sum(size[key] for key in inside) >= threshold):
                    break
                shown = [key for key in group if key not in hidden and size[key]]
                if not shown:
                    break
                hidden.add(min(shown, key=lambda key: (size[key], key)))
                changed = True
    return primary, hidden - primary


@dataclass
class ComuneGroups:
    """The Comuni of the Ambiti an actor's scope touches, to cut a Comune breakdown into one group per
    Ambito. A Comune without an Ambito is a group of its own."""

    istat: dict  # Comune id -> ISTAT code (the key of a Comune cell)
    group_of: dict  # Comune id -> Ambito id, or ("comune", id)
    members: dict  # group -> set of Comune ids

    def around(self, comune_ids) -> frozenset:
        """Every Comune of the Ambiti of ``comune_ids``."""
        return frozenset(pk for group in {self.group_of[pk] for pk in comune_ids if pk in self.group_of}
                         for pk in self.members[group]) | frozenset(comune_ids)

    def key_groups(self, comune_ids) -> list[set]:
        """The ISTAT codes of ``comune_ids``, one set per Ambito."""
        groups: dict = {}
        for pk in comune_ids:
            if pk in self.istat:
                groups.setdefault(self.group_of[pk], set()).add(self.istat[pk])
        return list(groups.values())


def _comune_groups(actor, allowed) -> ComuneGroups:
    """One query per actor and scope, kept on the actor for the rest of the request (like its scope)."""
    from django.db.models import Q

    from ambito.territory.models import Comune

    cached = getattr(actor, "_ambito_comune_groups", None)
    if cached is not None and cached[0] == allowed:
        return cached[1]
    rows = Comune.objects.filter(
        Q(pk__in=allowed) | Q(ambito_id__in=Comune.objects.filter(pk__in=allowed).values("ambito_id"))
    ).order_by().values_list("pk", "istat_code", "ambito_id")
    istat, group_of, members = {}, {}, {}
    for pk, code, ambito_id in rows:
        group = ambito_id if ambito_id is not None else ("comune", pk)
        istat[pk], group_of[pk] = code, group
        members.setdefault(group, set()).add(pk)
    groups = ComuneGroups(istat=istat, group_of=group_of, members=members)
    if actor is not None:
        try:
            actor._ambito_comune_groups = (allowed, groups)
        except AttributeError:  # an object that takes no attributes: just not cached
            pass
    return groups


def _suppressed(spec: IndicatorDefinition, query: Query, cells: list, comune_groups: Callable,
                table: Callable) -> list:
    if query.by is None:
        primary, _ = suppression_pattern({cell.key: cell.n for cell in cells})
        complementary = set()
        if not primary and _total_is_a_hidden_cell(spec, query, cells, comune_groups, table):
            complementary = {cell.key for cell in cells}
        return _withheld(cells, primary, complementary)
    if query.by == Breakdown.COMUNE:
        groups = comune_groups()
        whole = groups.around(query.comune_ids)
        whole_table = cells if whole == query.comune_ids else table(replace(query, comune_ids=whole))
        primary, complementary = suppression_pattern({cell.key: cell.n for cell in whole_table},
                                                     groups.key_groups(whole))
    else:
        primary, complementary = suppression_pattern({cell.key: cell.n for cell in cells})
    return _withheld(cells, primary, complementary)


def _total_is_a_hidden_cell(spec, query: Query, cells: list, comune_groups: Callable, table: Callable) -> bool:
    """Whether a total the small-cell rule lets through is a cell (or part of the hidden cells) of a
    breakdown the same user can ask for, and hidden there: the total of one area or one service (a cell of
    the breakdown by area or by service), the total of some of an Ambito's Comuni (cells of the breakdown
    by Comune, whose pattern is the Ambito's)."""
    if not any(cell.n for cell in cells):
        return False
    for name, key, unfiltered in ((Breakdown.AREA, query.area, {"area": None}),
                                  (Breakdown.SERVICE, query.service_id, {"service_id": None})):
        if key and name in spec.breakdowns:
            other = table(replace(query, by=name, **unfiltered))
            primary, complementary = suppression_pattern({cell.key: cell.n for cell in other})
            if str(key) in primary | complementary:
                return True
    if Breakdown.COMUNE not in spec.breakdowns:
        return False  # no Comune cells to follow (survey answers count for every Comune a service covers)
    groups = comune_groups()
    whole = groups.around(query.comune_ids)
    if whole == query.comune_ids:
        return False  # whole Ambiti: the total of the groups themselves
    other = table(replace(query, by=Breakdown.COMUNE, comune_ids=whole))
    primary, complementary = suppression_pattern({cell.key: cell.n for cell in other}, groups.key_groups(whole))
    hidden = primary | complementary
    asked = {groups.istat[pk] for pk in query.comune_ids if pk in groups.istat}
    for group in groups.key_groups(whole):
        inside = group & hidden  # hidden cells are never empty ones
        # some of an Ambito's hidden cells but not all: total minus the Comuni shown gives them apart
        if inside & asked and not inside <= asked:
            return True
    return False


def _withheld(cells: list, primary: set, complementary: set) -> list:
    return [
        replace(cell, value=None, suppressed=True) if cell.key in primary
        else replace(cell, value=None, suppressed=True, complementary=True) if cell.key in complementary
        else cell
        for cell in cells
    ]


def _plan_targets(code: str, query: Query) -> dict:
    """Targets the Piano di Zona set for the period's last year, for the indicators of the plan linked to
    this code (``PlanIndicatorLink``): keyed by service for a service breakdown, else the total's
    (a link without a service, or with the service the query is filtered on). Approved plans only: a plan
    being revised gives the targets of its last approved version (its frozen snapshot), a plan never
    approved none. One query when the code has no link, three when it has (four with a plan in revision)."""
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
    from ambito.monitoring.indicators.planning import approved_states, last_approved_versions

    ambito_ids = Comune.objects.filter(pk__in=query.comune_ids).values("ambito_id")
    year = query.period.end.year
    found = list(IndicatorTarget.objects.filter(
        indicator_id__in=list(links), year=year, indicator__intervention__plan__ambito_id__in=ambito_ids,
        indicator__intervention__plan__state__in=approved_states(),
    ).values_list("indicator__intervention__plan__start_year", "indicator_id", "value"))
    revised = {version.plan_id: version for version in last_approved_versions(ambito_ids)}
    if revised:
        from ambito.planning.models import Indicator

        for start_year, plan_id, indicator_id, intervention, name in Indicator.objects.filter(
            pk__in=list(links), intervention__plan_id__in=list(revised),
        ).values_list("intervention__plan__start_year", "intervention__plan_id", "pk", "intervention__code", "name"):
            frozen = (revised[plan_id].content.get("interventions") or {}).get(intervention) or {}
            value = ((frozen.get("indicators") or {}).get(name) or {}).get("targets", {}).get(str(year))
            if value not in (None, ""):
                found.append((start_year, indicator_id, Decimal(value)))
    rows = [(indicator_id, value) for _start, indicator_id, value in sorted(found, key=lambda row: row[0])]
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
