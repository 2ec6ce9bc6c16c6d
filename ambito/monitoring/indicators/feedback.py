"""Citizen feedback indicators from this app's own surveys: mean satisfaction on the 1–5 questions and
the number of responses. A survey counts where its service works: for a set of Comuni only when every Comune
its service covers is in the set (the Ambito's surveys of an Ambito-wide service count for the Ambito, not
again for each of its Comuni, so the Comuni's figures never add up to more than the Ambito's)."""

from django.db.models import Avg, Count, Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from ambito.monitoring.indicators import Breakdown, Direction, IndicatorDefinition, register
from ambito.monitoring.indicators.common import grouped, scoped

DIMS = {
    Breakdown.SERVICE: "survey__service_id",
    Breakdown.AREA: "survey__service__area",
    Breakdown.MONTH: "submitted_at",
    Breakdown.QUARTER: "submitted_at",
    Breakdown.YEAR: "submitted_at",
}


def responses(query):
    from ambito.monitoring.models import SurveyResponse
    from ambito.network.models import Service

    coverage = Service.comuni.through.objects.filter(service_id=OuterRef("survey__service_id"))
    covering = coverage.filter(comune_id__in=query.comune_ids)
    outside = coverage.exclude(comune_id__in=query.comune_ids)
    qs = SurveyResponse.objects.filter(  # answers held back as a burst (flagged) are not counted
        Exists(covering), ~Exists(outside), submitted_at__gte=query.period.start_at,
        submitted_at__lt=query.period.end_before, flagged=False,
    )
    return scoped(qs, query, service="survey__service_id", area="survey__service__area")


def satisfaction_mean(query):
    from ambito.monitoring.models import QuestionKind

    def scale_answers(q):
        return responses(q).filter(answers__question__kind=QuestionKind.SCALE, answers__score__isnull=False)

    return grouped(query, "feedback.satisfaction_mean", scale_answers, DIMS, Avg("answers__score"),
                   n=Count("pk", distinct=True), places=2)


def survey_responses(query):
    return grouped(query, "feedback.survey_responses", responses, DIMS, Count("pk"), n=Count("pk"), places=0)


register(IndicatorDefinition(
    code="satisfaction_mean", name=_("Citizen satisfaction"), unit="score_1_5", source="monitoring",
    formula=_("Mean of all 1–5 answers to the satisfaction surveys of the services, in the period."),
    breakdowns=tuple(DIMS), compute=satisfaction_mean, direction=Direction.HIGHER_IS_BETTER,
    person_based=True, order=60,
))
register(IndicatorDefinition(
    code="survey_responses", name=_("Survey responses"), unit="answers", source="monitoring",
    formula=_("Questionnaires answered in the period, online or on paper."),
    breakdowns=tuple(DIMS), compute=survey_responses, direction=Direction.HIGHER_IS_BETTER,
    person_based=True, order=61,
))
