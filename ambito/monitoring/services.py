"""Writes of the monitoring app: survey answers (online, anonymous; or typed in from paper), moderation of
free text, the narrative of the annual report, and the start of reports and exports as background jobs."""

import datetime
import hashlib
import hmac

from django.conf import settings
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
    SurveySubmission,
)
from ambito.monitoring.rules import can_manage_survey, can_manage_surveys, can_run_reports

# Online answers to one survey from one client (address): at most SURVEY_CLIENT_LIMIT within
# SURVEY_CLIENT_WINDOW (a family, a day centre's computer may answer more than once; a script may not). A
# second answer within SURVEY_REPEAT_WINDOW, or any answer once SURVEY_BURST arrived within
# SURVEY_BURST_WINDOW, is stored but held back from the counts until the planning office counts it.
SURVEY_CLIENT_LIMIT = 3
SURVEY_CLIENT_WINDOW = datetime.timedelta(hours=24)
SURVEY_REPEAT_WINDOW = datetime.timedelta(minutes=10)
SURVEY_BURST = 30
SURVEY_BURST_WINDOW = datetime.timedelta(minutes=10)


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
                           submitted_at=None, client_ip: str | None = None) -> SurveyResponse:
    """Store one anonymous response. ``answers`` maps question id → score (1–5) or text. Nothing about the
    person answering is kept; for paper questionnaires only who typed them in is recorded. Free text
    waits for moderation before anyone but the planning office reads it.

    Online answers (``client_ip``: the address the public page saw) are limited per survey and client
    (``_limit_online_answer``): the response may be refused, or stored but held back from the counts."""
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
    flagged = False
    if channel == ResponseChannel.ONLINE and client_ip is not None:
        flagged = _limit_online_answer(survey=survey, client_ip=client_ip)
    response = SurveyResponse.objects.create(
        survey=survey, channel=channel, submitted_at=submitted_at or timezone.now(),
        entered_by=actor if channel == ResponseChannel.PAPER else None, flagged=flagged,
    )
    for row in rows:
        row.response = response
    SurveyAnswer.objects.bulk_create(rows)
    return response


def survey_client_key(*, survey: Survey, client_ip: str) -> str:
    """A keyed hash (HMAC-SHA256 with the site's secret key) of the survey and the client's address: the same
    client is recognised on one survey for a while, its address is never stored, and the key says nothing
    about its answers to other surveys."""
    message = f"survey:{survey.pk}:{client_ip}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _limit_online_answer(*, survey: Survey, client_ip: str) -> bool:
    """Refuse an online answer past ``SURVEY_CLIENT_LIMIT`` from one client to one survey within
    ``SURVEY_CLIENT_WINDOW``; otherwise record the submission (hashed, ``SurveySubmission``) and say whether
    the response is to be held back (``flagged``): the same client answered within ``SURVEY_REPEAT_WINDOW``,
    or the survey received ``SURVEY_BURST`` online answers within ``SURVEY_BURST_WINDOW`` (a flood from many
    addresses). Submissions to one survey are serialised on its row, so two at once cannot both pass."""
    now = timezone.now()
    list(Survey.objects.select_for_update().filter(pk=survey.pk).values_list("pk", flat=True))
    SurveySubmission.objects.filter(at__lt=now - SURVEY_CLIENT_WINDOW).delete()  # nothing is kept longer
    key = survey_client_key(survey=survey, client_ip=client_ip)
    recent = SurveySubmission.objects.filter(survey=survey, client_key=key,
                                             at__gte=now - SURVEY_CLIENT_WINDOW)
    if recent.count() >= SURVEY_CLIENT_LIMIT:
        raise ValidationError(
            _("Thank you: this questionnaire has already received the answers it takes from this device or "
              "network today. Please try again tomorrow."), code="survey_client_limit")
    repeated = recent.filter(at__gte=now - SURVEY_REPEAT_WINDOW).exists()
    flood = SurveyResponse.objects.filter(survey=survey, channel=ResponseChannel.ONLINE,
                                          submitted_at__gte=now - SURVEY_BURST_WINDOW).count() >= SURVEY_BURST
    SurveySubmission.objects.create(survey=survey, client_key=key, at=now)
    return repeated or flood


@atomic_service
def survey_responses_count_flagged(*, actor, survey: Survey) -> int:
    """The planning office looked at the answers held back as a burst and counts them after all (e.g. a group
    answering together from one network). The number of responses now counted."""
    if not can_manage_survey(actor, survey):
        raise PermissionDenied
    return SurveyResponse.objects.filter(survey=survey, flagged=True).update(flagged=False)


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


def siuss_export_start(*, actor, ambito, year: int, flow: str, partial: bool = False):
    """Queue a SIUSS file of the actor's Comune in ``ambito`` (the first, by name, when the actor is the SIUSS
    officer of several). Files carry codici fiscali: the Comune's SIUSS officer only; the planning office and
    the Region see counts on the SIUSS page (``monitoring.siuss``)."""
    from ambito.monitoring.siuss import rules
    from ambito.monitoring.siuss.services import export_start

    comune = ambito.comuni.filter(pk__in=rules.officer_comune_ids(actor)).order_by("name").first()
    if comune is None:
        raise PermissionDenied
    return export_start(actor=actor, comune=comune, year=year, flow=flow, partial=partial)
