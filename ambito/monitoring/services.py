"""Writes of the monitoring app: survey answers (online, anonymous; or typed in from paper), moderation of
free text, the narrative of the annual report, and the start of reports and exports as background jobs."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ambito.accounts.services import atomic_service
from ambito.monitoring.models import (
    Moderation,
    QuestionKind,
    ReportNarrative,
    ResponseChannel,
    Survey,
    SurveyAnswer,
    SurveyResponse,
)
from ambito.monitoring.rules import can_manage_surveys, can_run_reports


@atomic_service
def survey_create(*, actor, service, title: str, introduction: str = "", questions: list) -> Survey:
    """A questionnaire for a service of the planning office's Ambito; ``questions`` are (text, kind) pairs."""
    from ambito.accounts.roles import Role
    from ambito.accounts.selectors import scope_for
    from ambito.monitoring.models import SurveyQuestion

    if service.ambito_id not in scope_for(actor).ambito_ids(Role.PLANNER, Role.ADMINISTRATOR):
        raise PermissionDenied
    survey = Survey.objects.create(service=service, title=title, introduction=introduction, created_by=actor)
    SurveyQuestion.objects.bulk_create(
        SurveyQuestion(survey=survey, order=position, text=text, kind=kind, required=kind == QuestionKind.SCALE)
        for position, (text, kind) in enumerate(questions, start=1)
    )
    return survey


@atomic_service
def survey_response_submit(*, survey: Survey, answers: dict, actor=None, channel=ResponseChannel.ONLINE,
                           submitted_at=None) -> SurveyResponse:
    """Store one anonymous response. ``answers`` maps question id → score (1–5) or text. Nothing about the
    person answering is kept; for paper questionnaires only who typed them in is recorded. Free text
    waits for moderation before anyone but the planning office reads it."""
    if not survey.active and channel == ResponseChannel.ONLINE:
        raise ValidationError(_("This questionnaire is closed and no longer accepts answers."))
    if channel == ResponseChannel.PAPER and not can_manage_surveys(actor):
        raise PermissionDenied
    questions = list(survey.questions.all())
    errors, rows = [], []
    for question in questions:
        raw = answers.get(question.pk, answers.get(str(question.pk)))
        raw = raw.strip() if isinstance(raw, str) else raw
        if raw in (None, ""):
            if question.required:
                errors.append(_("Please answer: %(question)s") % {"question": question.text})
            continue
        if question.kind == QuestionKind.SCALE:
            try:
                score = int(raw)
            except (TypeError, ValueError):
                score = 0
            if not 1 <= score <= 5:
                errors.append(_("Choose a score from 1 to 5 for: %(question)s") % {"question": question.text})
                continue
            rows.append(SurveyAnswer(question=question, score=score))
        else:
            rows.append(SurveyAnswer(question=question, text=str(raw)[:4000], moderation=Moderation.PENDING))
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise ValidationError(_("The questionnaire is empty: answer at least one question."))
    response = SurveyResponse.objects.create(
        survey=survey, channel=channel, submitted_at=submitted_at or timezone.now(),
        entered_by=actor if channel == ResponseChannel.PAPER else None,
    )
    for row in rows:
        row.response = response
    SurveyAnswer.objects.bulk_create(rows)
    return response


@atomic_service
def survey_answer_moderate(*, actor, answer: SurveyAnswer, approve: bool) -> SurveyAnswer:
    """Publish or hold back a free-text answer (it may name people or hold offensive words)."""
    if not can_manage_surveys(actor):
        raise PermissionDenied
    if answer.question.kind != QuestionKind.TEXT:
        raise ValidationError(_("Only free-text answers are moderated."))
    answer.moderation = Moderation.APPROVED if approve else Moderation.REJECTED
    answer.moderated_by = actor
    answer.moderated_at = timezone.now()
    answer.save(update_fields=["moderation", "moderated_by", "moderated_at"])
    return answer


@atomic_service
def report_narrative_save(*, actor, ambito, year: int, **texts) -> ReportNarrative:
    if not can_manage_surveys(actor):
        raise PermissionDenied
    narrative, _created = ReportNarrative.objects.get_or_create(ambito=ambito, year=year)
    for field in ("introduction", "achievements", "critical_issues", "next_steps"):
        if field in texts:
            setattr(narrative, field, texts[field] or "")
    narrative.updated_by = actor
    narrative.save()
    return narrative


def report_start(*, actor, ambito, year: int, fmt: str = "pdf"):
    """Queue the annual monitoring report as PDF or XLSX; the same request while running is the same job."""
    from ambito.core.services import job_start

    if not can_run_reports(actor):
        raise PermissionDenied
    if fmt not in ("pdf", "xlsx"):
        raise ValidationError(_("Choose PDF or XLSX."))
    return job_start(kind="monitoring.annual_report", actor=actor,
                     params={"ambito": ambito.pk, "year": int(year), "format": fmt},
                     title=_("Annual monitoring report %(year)s (%(format)s)") % {"year": year,
                                                                                  "format": fmt.upper()})


def open_data_export_start(*, actor, ambito, year: int, fmt: str):
    from ambito.core.services import job_start

    if not can_run_reports(actor):
        raise PermissionDenied
    if fmt not in ("csv", "json"):
        raise ValidationError(_("Choose CSV or JSON."))
    return job_start(kind="monitoring.open_data", actor=actor,
                     params={"ambito": ambito.pk, "year": int(year), "format": fmt},
                     title=_("Open data %(year)s (%(format)s)") % {"year": year, "format": fmt.upper()})


def siuss_export_start(*, actor, ambito, year: int, flow: str):
    """Queue a SIUSS-style export. Pseudonymised person-level rows: the planning office and the social
    workers (their own Comuni) only, never a regional observer."""
    from ambito.accounts.roles import Role
    from ambito.accounts.selectors import scope_for
    from ambito.core.services import job_start

    if not scope_for(actor).has(Role.PLANNER, Role.SOCIAL_WORKER):
        raise PermissionDenied
    if flow not in ("psa", "sina", "sinba"):
        raise ValidationError(_("Choose PS-PSA, SINA or SINBA."))
    return job_start(kind="monitoring.siuss", actor=actor,
                     params={"ambito": ambito.pk, "year": int(year), "flow": flow},
                     title=_("SIUSS export %(flow)s %(year)s") % {"flow": flow.upper(), "year": year})
