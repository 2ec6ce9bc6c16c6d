"""Monitoring owns only what no other app records: citizen feedback surveys (*questionari di
gradimento*) and the narrative of the annual monitoring report. Indicators are computed from the other
apps' records (see ``monitoring.indicators``); the only copy is ``IndicatorCell``, their computed values for
the standard periods, refreshed by the task worker so dashboards need not recompute them on every view."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Survey(models.Model):
    """A short satisfaction survey about one service, answered anonymously on its public page or on paper
    and typed in by the office."""

    service = models.ForeignKey("network.Service", on_delete=models.PROTECT, related_name="surveys",
                                verbose_name=_("service"))
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True,
                                    help_text=_("Shown above the questions: why we ask, that answers are anonymous."))
    public_id = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True, editable=False)
    active = models.BooleanField(_("open for answers"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["service__name", "title"]

    def __str__(self):
        return self.title


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("Scale from 1 (very poor) to 5 (excellent)")
    TEXT = "text", _("Free text")


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions",
                               verbose_name=_("survey"))
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=5, choices=QuestionKind.choices, default=QuestionKind.SCALE)
    required = models.BooleanField(_("required"), default=False)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "order", "id"]

    def __str__(self):
        return self.text


class ResponseChannel(models.TextChoices):
    ONLINE = "online", _("Online, on the public page")
    PAPER = "paper", _("On paper, typed in by the office")


class SurveyResponse(models.Model):
    """One anonymous set of answers: no user, no name, no address is stored with it."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses",
                               verbose_name=_("survey"))
    channel = models.CharField(_("channel"), max_length=6, choices=ResponseChannel.choices,
                               default=ResponseChannel.ONLINE)
    submitted_at = models.DateTimeField(_("answered on"), db_index=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("typed in by"),
                                   help_text=_("Only for paper answers: who typed them in."))
    flagged = models.BooleanField(
        _("held back as a suspicious burst"), default=False,
        help_text=_("Sent online from the same address right after another answer, or in a flood of answers: "
                    "not counted until the planning office counts it."))

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["survey", "submitted_at"])]

    def __str__(self):
        return f"{self.survey_id} · {self.submitted_at:%Y-%m-%d}"


class SurveySubmission(models.Model):
    """That an online answer came from a client, to limit repeated answers (``services.survey_response_submit``):
    a keyed hash of the survey and the client's address — never the address — and the time. Not linked to the
    response, and deleted once older than the limit's window."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+", verbose_name=_("survey"))
    client_key = models.CharField(_("client key"), max_length=64)
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        verbose_name = _("online submission")
        verbose_name_plural = _("online submissions")
        indexes = [models.Index(fields=["survey", "client_key", "at"])]

    def __str__(self):
        return f"{self.survey_id} · {self.at:%Y-%m-%d %H:%M}"


class Moderation(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    APPROVED = "approved", _("Published")
    REJECTED = "rejected", _("Not published")


class SurveyAnswer(models.Model):
    """One answer: a score for scale questions, a text for free-text questions. Free text is seen only by
    the planning office until it is moderated (personal data, offensive words)."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers",
                                 verbose_name=_("response"))
    question = models.ForeignKey(SurveyQuestion, on_delete=models.PROTECT, related_name="answers",
                                 verbose_name=_("question"))
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True,
                                             validators=[MinValueValidator(1), MaxValueValidator(5)])
    text = models.TextField(_("answer"), blank=True)
    moderation = models.CharField(_("moderation"), max_length=8, choices=Moderation.choices, blank=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["response", "question__order"]
        constraints = [
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
                                   name="survey_answer_score_1_5"),
            models.UniqueConstraint(fields=["response", "question"], name="survey_answer_one_per_question"),
        ]

    def __str__(self):
        return f"{self.question_id}: {self.score if self.score is not None else self.text[:40]}"


class ReportNarrative(models.Model):
    """The parts of the annual monitoring report (*relazione annuale di monitoraggio*) that the planning
    office writes; the figures come from the indicators."""

    ambito = models.ForeignKey("territory.Ambito", on_delete=models.CASCADE, related_name="report_narratives",
                               verbose_name=_("Ambito"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    introduction = models.TextField(_("introduction"), blank=True)
    achievements = models.TextField(_("results achieved"), blank=True)
    critical_issues = models.TextField(_("critical issues"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("report narrative")
        verbose_name_plural = _("report narratives")
        constraints = [models.UniqueConstraint(fields=["ambito", "year"], name="report_narrative_unique_year")]

    def __str__(self):
        return f"{self.ambito} {self.year}"


class PlanIndicatorLink(models.Model):
    """Ties an indicator of the Piano di Zona (with its yearly targets) to the monitoring indicator that
    measures it, e.g. "Giorni di attesa per l'attivazione del SAD" → ``waiting_days_median`` for the SAD
    service. The plan's target for the year then shows beside the value: of that service when ``service``
    is set, of the whole Ambito otherwise."""

    code = models.SlugField(_("monitoring indicator"), max_length=60)
    plan_indicator = models.OneToOneField("planning.Indicator", on_delete=models.CASCADE,
                                          related_name="monitoring_link", verbose_name=_("indicator of the plan"))
    service = models.ForeignKey("network.Service", on_delete=models.CASCADE, null=True, blank=True,
                                related_name="+", verbose_name=_("service"),
                                help_text=_("Only when the plan's indicator is about one service."))

    class Meta:
        verbose_name = _("link to a plan indicator")
        verbose_name_plural = _("links to plan indicators")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} ← {self.plan_indicator}"

    def clean(self):
        from django.core.exceptions import ValidationError

        from ambito.monitoring.indicators import definitions

        if self.code not in {d.code for d in definitions()}:
            raise ValidationError({"code": _("There is no monitoring indicator with this code.")})


from ambito.monitoring.plans.models import FrozenMeasure, PlanYearClosure  # noqa: E402, F401  (#20)
from ambito.monitoring.siuss.models import SinaRecord, SinaRule, SinbaRecord  # noqa: E402, F401  (SIUSS, #17)


class IndicatorCell(models.Model):
    """One computed value of an indicator (*valore calcolato*) for a standard period, before small-cell
    suppression: the persons behind it (``n``) are kept so the rule runs on read, for whoever reads.
    The scope is a whole Ambito (``comune`` empty) or one of its Comuni. A table with no cell at all is one
    row with an empty ``key``, so "computed, nothing there" is not mistaken for "not computed"."""

    ambito = models.ForeignKey("territory.Ambito", on_delete=models.CASCADE, related_name="+")
    comune = models.ForeignKey("territory.Comune", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    code = models.CharField(max_length=80)
    period_start = models.DateField()
    period_end = models.DateField()
    breakdown = models.CharField(max_length=20, blank=True)
    key = models.CharField(max_length=100, blank=True)
    label = models.CharField(max_length=300, blank=True)
    # Decimals as text: the reader gets back the very value (and precision) the engine computed
    value = models.CharField(max_length=40, null=True, blank=True)
    n = models.IntegerField(null=True, blank=True)
    target = models.CharField(max_length=40, null=True, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("computed indicator value")
        verbose_name_plural = _("computed indicator values")
        indexes = [models.Index(fields=["ambito", "comune", "period_start", "period_end", "breakdown"],
                                name="monitoring_cell_lookup")]

    def __str__(self):
        return f"{self.code} {self.period_start}/{self.period_end} {self.breakdown or 'total'} {self.key}"


class IndicatorRefresh(models.Model):
    """When an Ambito's computed values were last refreshed, and since when a write to an indicator's
    sources has made them stale (*da ricalcolare*)."""

    ambito = models.OneToOneField("territory.Ambito", on_delete=models.CASCADE, related_name="+")
    dirty_since = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    periods = models.JSONField(default=list, blank=True)  # [[start, end], …] ISO dates of the stored periods

    class Meta:
        verbose_name = _("indicator refresh")
        verbose_name_plural = _("indicator refreshes")

    def __str__(self):
        return f"{self.ambito_id}: {self.computed_at}"
