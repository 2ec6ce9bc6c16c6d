"""Reads of the monitoring app: dashboard tiles and charts, indicator values for the API and CSV,
survey results. Everything is scoped by ``scope_for(actor)`` inside the indicator engine."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Avg, Count, Q, QuerySet
from django.utils.translation import gettext as _

from ambito.accounts.selectors import scope_for
from ambito.core.charts import chart
from ambito.monitoring import indicators
from ambito.monitoring.indicators import Direction, IndicatorResult, Period
from ambito.monitoring.models import Moderation, QuestionKind, Survey, SurveyAnswer
from ambito.monitoring.rules import survey_filter
from ambito.network.models import Service
from ambito.territory.models import Comune

# Headline indicators of the dashboard, in order; those whose source is not built are skipped.
TILE_CODES = [
    "days_to_first_delivery_median", "days_to_first_delivery_p90", "waiting_days_median", "waiting_days_p90", "persons_admitted_per_1000", "persons_waiting",
    "requests_received", "hours_delivered", "persons_served_per_1000", "spending_delivered",
    "referral_answer_rate", "referral_response_days_median", "discharges_services_active", "budget_planned", "spending_committed", "spending_paid", "residents_per_social_worker", "leps_pua_coverage",
    "leps_protected_discharge_coverage", "leps_social_emergency_coverage", "satisfaction_mean",
    "survey_responses", "residents", "share_65_plus", "old_age_index",
]


def default_period() -> Period:
    today = dt.date.today()
    return Period(dt.date(today.year, 1, 1), today)


@dataclass
class Tile:
    code: str
    name: str
    unit: str
    value: object
    target: object
    previous: object
    suppressed: bool
    trend: str  # "up", "down", "flat" or ""
    good: bool | None  # the trend goes the way the indicator wants
    complementary: bool = False  # withheld only so that a small cell cannot be worked out from it
    computed_at: object = None  # when the stored value was computed (``IndicatorCell``); None: computed now


def _trend(value, previous, direction):
    if value is None or previous is None:
        return "", None
    if value == previous:
        return "flat", None
    trend = "up" if value > previous else "down"
    if direction == Direction.HIGHER_IS_BETTER:
        return trend, trend == "up"
    if direction == Direction.LOWER_IS_BETTER:
        return trend, trend == "down"
    return trend, None


def indicator_values(*, actor, code: str, period: Period, by: str | None = None, comune_ids=None,
                     service_id=None, area=None) -> IndicatorResult:
    return indicators.compute(code, actor=actor, period=period, by=by, comune_ids=comune_ids,
                              service_id=service_id, area=area)


def dashboard_tiles(*, actor, period: Period, comune_ids=None, area=None) -> list[Tile]:
    available = {d.code: d for d in indicators.definitions()}
    try:
        previous_period = Period.of(*_previous(period))
    except ValidationError:
        previous_period = None
    tiles = []
    for code in TILE_CODES:
        spec = available.get(code)
        if spec is None:
            continue
        area_for = area if "area" in spec.breakdowns else None
        result = indicator_values(actor=actor, code=code, period=period, comune_ids=comune_ids, area=area_for)
        cell = result.total
        previous = None
        if previous_period is not None:
            old = indicator_values(actor=actor, code=code, period=previous_period, comune_ids=comune_ids,
                                   area=area_for).total
            previous = old.value if old else None
        value = cell.value if cell else None
        trend, good = _trend(value, previous, spec.direction)
        tiles.append(Tile(code=code, name=str(spec.name), unit=spec.unit, value=value,
                          target=cell.target if cell else None, previous=previous,
                          suppressed=bool(cell and cell.suppressed), trend=trend, good=good,
                          complementary=bool(cell and cell.complementary), computed_at=result.computed_at))
    return tiles


def computed_at(figures) -> tuple:
    """``(oldest computation time, whether any figure was computed now)`` of tiles or charts: what the page
    says about when its figures were computed (*calcolati il …*)."""
    stamps = [figure.computed_at for figure in figures]
    stored = [stamp for stamp in stamps if stamp is not None]
    return (min(stored) if stored else None), any(stamp is None for stamp in stamps)


def _previous(period: Period):
    previous = period.previous()
    return previous.start, previous.end


@dataclass
class Chart:
    id: str
    title: str
    code: str
    by: str
    by_label: str
    unit: str
    spec: dict
    rows: list  # cells
    computed_at: object = None  # as ``Tile.computed_at``


CHARTS = [
    # chart id, indicator, breakdown, kind
    ("chart-waiting-month", "waiting_days_median", "month", "line"),
    ("chart-waiting-service", "waiting_days_median", "service", "bar"),
    ("chart-admitted-comune", "persons_admitted_per_1000", "comune", "bar"),
    ("chart-first-delivery-service", "days_to_first_delivery_median", "service", "bar"),
    ("chart-hours-month", "hours_delivered", "month", "line"),
    ("chart-served-comune", "persons_served_per_1000", "comune", "bar"),
    ("chart-referral-provider", "referral_response_days_median", "provider", "bar"),
    ("chart-budget-source", "budget_planned", "source", "bar"),
    ("chart-budget-comune", "budget_planned", "comune", "bar"),
    ("chart-committed-source", "spending_committed", "source", "bar"),
    ("chart-committed-comune", "spending_committed", "comune", "bar"),
    ("chart-paid-source", "spending_paid", "source", "bar"),
    ("chart-paid-comune", "spending_paid", "comune", "bar"),
    ("chart-satisfaction-service", "satisfaction_mean", "service", "bar"),
    ("chart-requests-month", "requests_received", "month", "line"),
    ("chart-share65-comune", "share_65_plus", "comune", "bar"),
    ("chart-pua-comune", "leps_pua_coverage", "comune", "bar"),
]


def dashboard_charts(*, actor, period: Period, comune_ids=None, area=None) -> list[Chart]:
    available = {d.code: d for d in indicators.definitions()}
    charts = []
    for chart_id, code, by, kind in CHARTS:
        spec = available.get(code)
        if spec is None or by not in spec.breakdowns:
            continue
        if by == "comune" and comune_ids is not None and len(comune_ids) < 2:
            continue  # a Comune's own dashboard: a bar per Comune would be a single bar
        result = indicator_values(actor=actor, code=code, period=period, by=by, comune_ids=comune_ids,
                                  area=area if "area" in spec.breakdowns else None)
        if not any(cell.value is not None for cell in result.cells):
            continue
        series = {str(spec.name): [cell.value for cell in result.cells]}
        if len({cell.target for cell in result.cells if cell.target is not None}) > 1:  # a constant goes in the table
            series[_("Target")] = [cell.target for cell in result.cells]
        title = _("%(indicator)s by %(breakdown)s") % {
            "indicator": spec.name, "breakdown": str(indicators.Breakdown.LABELS[by]).lower()}
        charts.append(Chart(
            id=chart_id, title=title, code=code, by=by, by_label=str(indicators.Breakdown.LABELS[by]), unit=spec.unit,
            spec=chart(kind=kind, labels=[cell.label or cell.key for cell in result.cells], series=series,
                       unit="EUR" if spec.unit == "eur" else ""),
            rows=result.cells, computed_at=result.computed_at,
        ))
    return charts


# --- surveys ----------------------------------------------------------------------------------------------


def survey_list(*, actor) -> QuerySet:
    """Surveys the planning office manages, with their response counts (one query)."""
    return survey_filter(actor, Survey.objects.all()).select_related("service").annotate(
        response_count=Count("responses", filter=Q(responses__flagged=False), distinct=True),
        pending_count=Count("questions__answers", filter=Q(questions__answers__moderation=Moderation.PENDING),
                            distinct=True),
    )


def public_survey_list() -> QuerySet:
    return Survey.objects.filter(active=True, service__active=True).select_related("service").order_by(
        "service__name", "title")


def survey_results(*, survey: Survey, include_unmoderated: bool) -> dict:
    """Per question: mean score and distribution (scale), or the texts (free text, published ones only
    unless the reader is the planning office). Responses held back as a burst (``flagged``) count nowhere;
    ``flagged`` says how many there are."""
    questions = list(survey.questions.all())
    counted = SurveyAnswer.objects.filter(question__survey=survey, response__flagged=False)
    scores = {
        row["question_id"]: row
        for row in counted.filter(score__isnull=False)
        .values("question_id").annotate(mean=Avg("score"), n=Count("pk")).order_by()
    }
    distribution: dict = {}
    for question_id, score, n in (
        counted.filter(score__isnull=False)
        .values_list("question_id", "score").annotate(n=Count("pk")).order_by()
    ):
        distribution.setdefault(question_id, {})[score] = n
    texts = counted.filter(question__kind=QuestionKind.TEXT).exclude(text="")
    if not include_unmoderated:
        texts = texts.filter(moderation=Moderation.APPROVED)
    texts_by_question: dict = {}
    for answer in texts.select_related("response").order_by("-response__submitted_at"):
        texts_by_question.setdefault(answer.question_id, []).append(answer)
    return {
        "questions": [
            {
                "question": q,
                "mean": scores.get(q.pk, {}).get("mean"),
                "n": scores.get(q.pk, {}).get("n", 0),
                "distribution": [distribution.get(q.pk, {}).get(s, 0) for s in range(1, 6)],
                "texts": texts_by_question.get(q.pk, []),
            }
            for q in questions
        ],
        "responses": survey.responses.filter(flagged=False).count(),
        "flagged": survey.responses.filter(flagged=True).count(),
    }


def pending_answers(*, actor) -> QuerySet:
    return SurveyAnswer.objects.filter(
        moderation=Moderation.PENDING, response__flagged=False,
        question__survey__in=survey_filter(actor, Survey.objects.all()),
    ).select_related("question__survey__service", "response").order_by("response__submitted_at")


def comuni_in_scope(*, actor):
    return Comune.objects.filter(id__in=scope_for(actor).comune_ids()).order_by("name")


def published_comments(*, actor, period: Period, comune_ids=None, limit: int = 5) -> list:
    """The latest free-text answers the planning office published, about services covering the Comuni in
    view (one query). Unmoderated or held-back comments never leave the office."""
    from django.db.models import Exists, OuterRef

    allowed = scope_for(actor).comune_ids()
    wanted = allowed if comune_ids is None else set(comune_ids) & set(allowed)
    covering = Service.comuni.through.objects.filter(service_id=OuterRef("question__survey__service_id"),
                                                     comune_id__in=wanted)
    return list(
        SurveyAnswer.objects.filter(
            Exists(covering), moderation=Moderation.APPROVED, question__kind=QuestionKind.TEXT,
            response__flagged=False,
            response__submitted_at__gte=period.start_at, response__submitted_at__lt=period.end_before,
        )
        .exclude(text="")
        .select_related("question__survey__service", "response")
        .order_by("-response__submitted_at")[:limit]
    )
