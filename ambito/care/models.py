"""Care (*presa in carico*): individual care plans (PAI), Budget di salute, closed-loop referrals to
providers, deliveries, protected discharges and case notes.

Writes go through ``care.services`` and reads through ``care.selectors``; both record every touch of a
person's data in the access log. Monitoring computes its indicators from these tables, so the fields
it reads are plain columns (dates, Decimal hours and euro, foreign keys), documented on each model:

- ``Delivery``: one row per delivered unit of service — ``delivered_on``, ``hours``, ``quantity``,
  ``amount`` (euro, economic benefits), ``service``/``provider``/``person``/``comune``, ``delivery_type``.
- ``Referral``: ``status`` with ``sent_at``, ``answered_at``, ``started_at``, ``completed_at``,
  ``cancelled_at`` and the full ``ReferralStatusChange`` history; ``answer_due_on`` for timeliness.
- ``HealthBudgetLine`` / ``HealthBudgetExpense``: planned and spent euro by axis and funder.
"""

import hashlib

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ambito.core.concurrency import VersionedModel
from ambito.network.taxonomy import Area


def private_storage():
    """Attachments live outside the web root (``storages["private"]``) and are served only by a view that
    checks permissions."""
    return storages["private"]


# --- Corrections and cancellations ---------------------------------------------------------------------------


class NotCancelledManager(models.Manager):
    """The default manager of a record that can be cancelled: every count, list and indicator reads only the
    rows in force. ``all_objects`` (and ``_base_manager``, which privacy exports and erasure use) keep the
    cancelled ones, which are never deleted."""

    def get_queryset(self):
        return super().get_queryset().filter(cancelled_at__isnull=True)


class AllRowsManager(models.Manager):
    """Every row, cancelled ones included (history, corrections)."""


class Correctable(models.Model):
    """A record kept right without silent deletion: a correction saves the new values with its reason
    (``correction_reason``: the change history, django-auditlog, shows the old and new values beside it); a
    cancellation keeps the row with who, when and why, and takes it out of every count."""

    correction_reason = models.CharField(_("reason for the last correction"), max_length=300, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("cancelled by"))
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


# --- Care plan (PAI) -----------------------------------------------------------------------------------------


class CarePlanStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("care plan status", "Draft")
    ACTIVE = "active", pgettext_lazy("care plan status", "Active")
    CLOSED = "closed", pgettext_lazy("care plan status", "Closed")


class CarePlan(VersionedModel):
    """An individual care plan (*PAI — Piano di Assistenza Individualizzato*, or *progetto personalizzato*,
    L. 328/2000 art. 14), usually decided by a UVM assessment: goals, planned interventions, the case manager
    and the agreement signed by the person or family.

    ``revision`` counts the plan's versions: each review (``services.care_plan_review``) stores a
    ``CarePlanRevision`` with a snapshot of goals and interventions and bumps it, so the history stays
    visible. ``version`` (from VersionedModel) is only the optimistic lock."""

    ambito = models.ForeignKey("territory.Ambito", on_delete=models.PROTECT, related_name="care_plans",
                               verbose_name=_("Ambito"))
    comune = models.ForeignKey("territory.Comune", on_delete=models.PROTECT, related_name="care_plans",
                               verbose_name=_("responsible Comune"))
    person = models.ForeignKey("access.Person", on_delete=models.PROTECT, related_name="care_plans",
                               verbose_name=_("person"))
    request = models.ForeignKey("access.AccessRequest", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="care_plans", verbose_name=_("request"))
    assessment = models.ForeignKey("access.Assessment", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="care_plans", verbose_name=_("UVM assessment"))
    title = models.CharField(_("title"), max_length=200)
    area = models.CharField(_("area"), max_length=20, choices=Area.choices)
    summary = models.TextField(_("needs and resources"), blank=True,
                               help_text=_("What the UVM found: needs, strengths, family and network resources."))
    status = models.CharField(_("status"), max_length=8, choices=CarePlanStatus.choices,
                              default=CarePlanStatus.DRAFT, db_index=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    case_manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="managed_care_plans", verbose_name=_("case manager"))
    agreement_signed_on = models.DateField(_("agreement signed on"), null=True, blank=True)
    agreement_signed_by = models.CharField(
        _("agreement signed by"), max_length=120, blank=True,
        help_text=_("The person, or the family member or guardian who signed the plan."))
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    revision = models.PositiveIntegerField(_("plan version"), default=1)
    correction_reason = models.CharField(_("reason for the last correction"), max_length=300, blank=True,
                                         help_text=_("Why the case manager or another recorded fact was changed."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("care plan (PAI)")
        verbose_name_plural = _("care plans (PAI)")
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["comune", "status"]), models.Index(fields=["person", "status"])]
        constraints = [models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")),
                                              name="careplan_end_after_start")]

    def __str__(self):
        return f"PAI #{self.pk} · {self.person.pseudonym}"


class CarePlanRevision(models.Model):
    """One version of a plan, written at each review (*verifica del PAI*): who reviewed it, when, what was
    decided, and a snapshot of goals and interventions as they stood."""

    care_plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="revisions",
                                  verbose_name=_("care plan"))
    number = models.PositiveIntegerField(_("version"))
    reviewed_on = models.DateField(_("reviewed on"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))
    summary = models.TextField(_("review summary"), blank=True)
    snapshot = models.JSONField(_("plan as reviewed"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("care plan version")
        verbose_name_plural = _("care plan versions")
        ordering = ["care_plan", "-number"]
        constraints = [models.UniqueConstraint(fields=["care_plan", "number"], name="careplanrevision_unique")]

    def __str__(self):
        return f"{self.care_plan_id} v{self.number}"


class GoalStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACHIEVED = "achieved", _("Achieved")
    PARTLY = "partly", _("Partly achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")
    DROPPED = "dropped", _("Dropped")


# Goals still worked on: each review must give them an outcome.
ACTIVE_GOAL_STATUSES = (GoalStatus.OPEN, GoalStatus.PARTLY)


class Goal(models.Model):
    """A measurable goal of the plan (*obiettivo*): what, measured how, from which baseline to which target,
    by when it is reviewed."""

    care_plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="goals",
                                  verbose_name=_("care plan"))
    description = models.CharField(_("goal"), max_length=300)
    indicator = models.CharField(_("how it is measured"), max_length=200)
    baseline = models.CharField(_("starting value"), max_length=60, blank=True)
    target = models.CharField(_("target"), max_length=60)
    review_on = models.DateField(_("review date"))
    status = models.CharField(_("status"), max_length=12, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["care_plan", "order", "id"]

    def __str__(self):
        return self.description


class GoalReview(models.Model):
    """The outcome of one goal at one review of the plan."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("goal"))
    revision = models.ForeignKey(CarePlanRevision, on_delete=models.CASCADE, related_name="goal_reviews",
                                 verbose_name=_("plan version"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=GoalStatus.choices)
    measured_value = models.CharField(_("measured value"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("goal review")
        verbose_name_plural = _("goal reviews")
        ordering = ["goal", "revision__number"]
        constraints = [models.UniqueConstraint(fields=["goal", "revision"], name="goalreview_unique")]

    def __str__(self):
        return f"{self.goal_id} v{self.revision_id}: {self.outcome}"


class IntensityUnit(models.TextChoices):
    HOURS_WEEK = "hours_week", _("hours per week")
    HOURS_MONTH = "hours_month", _("hours per month")
    ACCESSES_WEEK = "accesses_week", _("visits per week")
    DAYS_WEEK = "days_week", _("days per week")
    EUR_MONTH = "eur_month", _("euro per month")
    PLACE = "place", pgettext_lazy("intensity unit", "place")  # "posto": other apps translate "place" as "luogo"


class Payer(models.TextChoices):
    COMUNE = "comune", _("Comune")
    ASL = "asl", _("ASL / ASST")
    PERSON = "person", _("Person's share")
    OTHER = "other", _("Other")


class MeansTest(models.TextChoices):
    """*PresenzaProvaMezzi* of the INPS PS-PSA record."""

    ISEE = "1", _("Subject to ISEE")
    OTHER_TEST = "2", _("Means-tested, not through ISEE")
    ISEE_WAIVED = "3", _("Usually ISEE, waived for this person")
    NONE = "4", _("Not means-tested")


class BenefitCharacter(models.TextChoices):
    """*CaratterePrestazione* of the INPS PS-PSA record."""

    PERIODIC = "1", _("Periodic")
    OCCASIONAL = "2", _("Occasional (one-off)")


class PlannedIntervention(Correctable):
    """An intervention of the plan (*intervento programmato*): which service, delivered by whom, how much
    (``intensity`` in ``intensity_unit``), from when to when, who pays. ``person_share`` is the monthly
    co-payment (*compartecipazione*) in euro when part of the cost falls on the person."""

    care_plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="interventions",
                                  verbose_name=_("care plan"))
    service = models.ForeignKey("network.Service", on_delete=models.PROTECT, related_name="planned_interventions",
                                verbose_name=_("service"))
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                 related_name="planned_interventions", verbose_name=_("provider"))
    description = models.CharField(_("what to deliver"), max_length=300)
    intensity = models.DecimalField(_("intensity"), max_digits=7, decimal_places=2)
    intensity_unit = models.CharField(_("unit"), max_length=14, choices=IntensityUnit.choices,
                                      default=IntensityUnit.HOURS_WEEK)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    payer = models.CharField(_("paid by"), max_length=8, choices=Payer.choices, default=Payer.COMUNE)
    person_share = models.DecimalField(_("person's share (EUR/month)"), max_digits=9, decimal_places=2,
                                       null=True, blank=True)
    # What SIUSS (PS-PSA) asks of each benefit, recorded when the intervention is planned.
    request_protocol = models.CharField(_("request protocol"), max_length=32, blank=True,
                                        help_text=_("Protocol number of the person's application for this benefit."))
    means_test = models.CharField(_("means test"), max_length=1, choices=MeansTest.choices, blank=True,
                                  help_text=_("Empty: read from the service (ISEE threshold or income-based fee)."))
    dsu_protocol = models.CharField(_("DSU protocol"), max_length=30, blank=True,
                                    help_text=_("Protocol of the ISEE declaration (DSU), e.g. "
                                                "INPS-ISEE-2026-00012345A-00."))
    dsu_date = models.DateField(_("DSU date"), null=True, blank=True)
    character = models.CharField(_("character of the benefit"), max_length=1, choices=BenefitCharacter.choices,
                                 blank=True, help_text=_("Empty: periodic, unless it is a one-off economic benefit."))
    monthly_amount = models.DecimalField(
        _("monthly amount (EUR)"), max_digits=11, decimal_places=2, null=True, blank=True,
        help_text=_("What the benefit costs the paying body each month; empty: read from the amounts delivered."))

    class Meta:
        verbose_name = _("planned intervention")
        verbose_name_plural = _("planned interventions")
        ordering = ["care_plan", "start_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")),
                                   name="plannedintervention_end_after_start"),
            models.CheckConstraint(condition=Q(intensity__gt=0), name="plannedintervention_positive_intensity"),
        ]

    def __str__(self):
        return self.description


# --- Budget di salute --------------------------------------------------------------------------------------


class BudgetAxis(models.TextChoices):
    """The axes of a Budget di salute: home, work, learning and training, social life (the project's four
    *assi*: casa/habitat, lavoro, apprendimento/formazione, socialità/affettività)."""

    HOME = "home", _("Home and living")
    WORK = "work", _("Work")
    LEARNING = "learning", _("Learning and training")
    SOCIAL = "social", _("Social life and affectivity")


class Funder(models.TextChoices):
    ASL = "asl", _("ASL / ASST")
    COMUNE = "comune", _("Comune")
    PERSON = "person", _("Person and family")
    ETS = "ets", _("Third-Sector entity (ETS)")
    OTHER = "other", _("Other")


class HealthBudgetStatus(models.TextChoices):
    DESIGN = "design", _("In co-design")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class HealthBudget(VersionedModel):
    """A *Budget di salute* (Piano nazionale salute mentale; Intesa Stato-Regioni 6 July 2022): a personalised
    project in mental health or disability, co-designed by the ASL service, the social worker, the ETS and
    the person, funded by several parties across three axes (home, work/training, social life). Planned
    amounts are ``HealthBudgetLine`` rows (axis × funder), spending is ``HealthBudgetExpense`` rows."""

    ambito = models.ForeignKey("territory.Ambito", on_delete=models.PROTECT, related_name="health_budgets",
                               verbose_name=_("Ambito"))
    comune = models.ForeignKey("territory.Comune", on_delete=models.PROTECT, related_name="health_budgets",
                               verbose_name=_("responsible Comune"))
    person = models.ForeignKey("access.Person", on_delete=models.PROTECT, related_name="health_budgets",
                               verbose_name=_("person"))
    care_plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="health_budgets", verbose_name=_("care plan"))
    title = models.CharField(_("project"), max_length=200)
    area = models.CharField(_("area"), max_length=20, choices=Area.choices, default=Area.MENTAL_HEALTH)
    status = models.CharField(_("status"), max_length=8, choices=HealthBudgetStatus.choices,
                              default=HealthBudgetStatus.DESIGN)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Budget di salute")
        verbose_name_plural = _("Budget di salute")
        ordering = ["-start_date", "-id"]
        constraints = [models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")),
                                              name="healthbudget_end_after_start")]

    def __str__(self):
        return f"{self.title} · {self.person.pseudonym}"


class TeamRole(models.TextChoices):
    ASL_SERVICE = "asl_service", _("ASL service (mental health, disability)")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    ETS = "ets", _("Third-Sector entity (ETS)")
    PERSON = "person", _("The person")
    FAMILY = "family", _("Family member or guardian")
    OTHER = "other", _("Other")


class HealthBudgetMember(models.Model):
    """A member of the co-design team (*équipe di co-progettazione*)."""

    budget = models.ForeignKey(HealthBudget, on_delete=models.CASCADE, related_name="team",
                               verbose_name=_("Budget di salute"))
    role = models.CharField(_("role"), max_length=14, choices=TeamRole.choices)
    name = models.CharField(_("name"), max_length=150)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("organisation"))

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("co-design team")
        ordering = ["budget", "role", "id"]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"


class HealthBudgetLine(models.Model):
    """A planned amount of the budget for one axis from one funder (euro, Decimal)."""

    budget = models.ForeignKey(HealthBudget, on_delete=models.CASCADE, related_name="lines",
                               verbose_name=_("Budget di salute"))
    axis = models.CharField(_("axis"), max_length=8, choices=BudgetAxis.choices)
    funder = models.CharField(_("funder"), max_length=8, choices=Funder.choices)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("funding organisation"))
    description = models.CharField(_("what it pays for"), max_length=200)
    planned_amount = models.DecimalField(_("planned (EUR)"), max_digits=11, decimal_places=2)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["budget", "axis", "funder", "id"]
        constraints = [models.CheckConstraint(condition=Q(planned_amount__gte=0),
                                              name="healthbudgetline_non_negative")]

    def __str__(self):
        return self.description


class HealthBudgetExpense(Correctable):
    """Money actually spent on a budget line (euro, Decimal)."""

    line = models.ForeignKey(HealthBudgetLine, on_delete=models.PROTECT, related_name="expenses",
                             verbose_name=_("budget line"))
    spent_on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount (EUR)"), max_digits=11, decimal_places=2)
    description = models.CharField(_("description"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))

    objects = NotCancelledManager()
    all_objects = AllRowsManager()

    class Meta:
        verbose_name = _("budget expense")
        verbose_name_plural = _("budget expenses")
        ordering = ["line", "spent_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="healthbudgetexpense_positive")]

    def __str__(self):
        return f"{self.spent_on} {self.amount}"


# --- Referrals (closed loop) ---------------------------------------------------------------------------------


class ReferralStatus(models.TextChoices):
    # A context of their own: other apps translate the same English words differently.
    SENT = "sent", pgettext_lazy("referral status", "Sent")
    ACCEPTED = "accepted", pgettext_lazy("referral status", "Accepted")
    DECLINED = "declined", pgettext_lazy("referral status", "Declined")
    IN_PROGRESS = "in_progress", pgettext_lazy("referral status", "In progress")
    COMPLETED = "completed", pgettext_lazy("referral status", "Completed")
    CANCELLED = "cancelled", pgettext_lazy("referral status", "Cancelled")


REFERRAL_TRANSITIONS = {
    ReferralStatus.SENT: {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.CANCELLED},
    ReferralStatus.ACCEPTED: {ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED, ReferralStatus.CANCELLED},
    ReferralStatus.IN_PROGRESS: {ReferralStatus.COMPLETED, ReferralStatus.CANCELLED},
    ReferralStatus.DECLINED: set(),
    ReferralStatus.COMPLETED: set(),
    ReferralStatus.CANCELLED: set(),
}
OPEN_REFERRAL_STATUSES = (ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS)


class DeclineReason(models.TextChoices):
    NO_CAPACITY = "no_capacity", _("No capacity at the moment")
    OUT_OF_AREA = "out_of_area", _("Outside the area we serve")
    NOT_APPROPRIATE = "not_appropriate", _("The service does not fit the need")
    PERSON_REFUSED = "person_refused", _("The person refused")
    MISSING_INFORMATION = "missing_info", _("Information missing to start")
    OTHER = "other", _("Other")


class AnswerChannel(models.TextChoices):
    ACCOUNT = "account", _("Signed in")
    LINK = "link", _("E-mail link")
    API = "api", _("API")


class Referral(VersionedModel):
    """A referral to a provider (*invio / segnalazione al servizio*), closed loop: sent → accepted or declined
    (with a structured reason) → in progress → completed or cancelled. Each move writes a
    ``ReferralStatusChange`` and its timestamp here. The provider must answer by ``answer_due_on``
    (``response_days`` after sending); ``care_send_referral_reminders`` reminds it when it has not.

    A provider sees only what it needs to deliver: ``Referral.provider_view`` (name, address, contact, what
    to deliver)."""

    ambito = models.ForeignKey("territory.Ambito", on_delete=models.PROTECT, related_name="referrals",
                               verbose_name=_("Ambito"))
    comune = models.ForeignKey("territory.Comune", on_delete=models.PROTECT, related_name="referrals",
                               verbose_name=_("responsible Comune"))
    person = models.ForeignKey("access.Person", on_delete=models.PROTECT, related_name="referrals",
                               verbose_name=_("person"))
    care_plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="referrals",
                                  verbose_name=_("care plan"))
    intervention = models.ForeignKey(PlannedIntervention, on_delete=models.PROTECT, related_name="referrals",
                                     verbose_name=_("planned intervention"))
    service = models.ForeignKey("network.Service", on_delete=models.PROTECT, related_name="referrals",
                                verbose_name=_("service"))
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="referrals",
                                 verbose_name=_("provider"))
    what_to_deliver = models.TextField(_("what to deliver"))
    status = models.CharField(_("status"), max_length=12, choices=ReferralStatus.choices,
                              default=ReferralStatus.SENT, db_index=True)
    response_days = models.PositiveSmallIntegerField(_("days to answer"), default=5)
    answer_due_on = models.DateField(_("answer due by"))
    contact_email = models.EmailField(_("provider e-mail for the answer link"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), db_index=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("sent by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_via = models.CharField(_("answered via"), max_length=8, choices=AnswerChannel.choices, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=16, choices=DeclineReason.choices,
                                      blank=True)
    decline_note = models.CharField(_("decline details"), max_length=300, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    outcome_note = models.CharField(_("outcome"), max_length=300, blank=True)
    last_reminder_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["provider", "status"]),
            models.Index(fields=["status", "answer_due_on"]),
            models.Index(fields=["comune", "status"]),
        ]

    def __str__(self):
        return f"#{self.pk} · {self.person.pseudonym} → {self.provider}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REFERRAL_STATUSES


class ReferralStatusChange(models.Model):
    """One move of a referral: both sides read the loop's state from these rows."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="status_changes",
                                 verbose_name=_("referral"))
    from_status = models.CharField(_("from"), max_length=12, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=ReferralStatus.choices)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    via = models.CharField(_("via"), max_length=8, choices=AnswerChannel.choices, default=AnswerChannel.ACCOUNT)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("referral status change")
        verbose_name_plural = _("referral status changes")
        ordering = ["referral", "at", "id"]
        indexes = [models.Index(fields=["to_status", "at"])]

    def __str__(self):
        return f"{self.referral_id}: {self.from_status or '—'} → {self.to_status}"


def hash_nonce(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


class ReferralLink(models.Model):
    """A single-use answer link for a provider without an account (*link firmato monouso*).

    The e-mailed token is ``TimestampSigner`` over ``"<id>:<nonce>"``; only the SHA-256 of the nonce is
    stored, so a database reader cannot rebuild a valid link. ``used_at`` makes it single-use; the signature's
    age and ``expires_at`` make it expire after the referral's ``response_days``."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="links",
                                 verbose_name=_("referral"))
    nonce_hash = models.CharField(_("nonce hash"), max_length=64, unique=True)
    email = models.EmailField(_("sent to"))
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("answer link")
        verbose_name_plural = _("answer links")
        ordering = ["-created_at"]

    def __str__(self):
        return f"link {self.pk} · referral {self.referral_id}"


# --- Deliveries --------------------------------------------------------------------------------------------


class DeliveryType(models.TextChoices):
    HOME_CARE_VISIT = "home_care_visit", _("Home care visit")
    EDUCATIONAL_SESSION = "educational_session", _("Educational session")
    SCHOOL_ASSISTANCE = "school_assistance", _("School assistance hour")
    DAY_CENTRE_ATTENDANCE = "day_centre", _("Day-centre attendance")
    TRANSPORT = "transport", _("Transport")
    NURSING_VISIT = "nursing_visit", _("Nursing visit")
    ECONOMIC_BENEFIT = "economic_benefit", _("Economic benefit")
    OTHER = "other", _("Other")


class DeliverySource(models.TextChoices):
    FORM = "form", _("Form")
    WEEK = "week", _("Weekly entry")
    CSV = "csv", _("CSV import")
    API = "api", _("API")


class Delivery(Correctable):
    """What a provider delivered (*prestazione erogata*): the unit monitoring counts.

    - ``delivered_on``: the day; ``start_time``/``end_time`` when the provider records times.
    - ``hours``: Decimal hours delivered (computed from the times when given; 0 for an economic benefit).
    - ``quantity``: units delivered (visits, sessions, trips; 1 by default).
    - ``amount``: euro paid for an economic benefit, else empty.
    - ``person``, ``comune`` (the plan's responsible Comune: the residence when the plan was opened), ``service``,
      ``provider``, ``referral``: for counts of persons, hours and costs by Comune, service and provider.
    - ``operator_name`` / ``operator_ref``: who delivered it (the provider's own staff code), to refuse
      overlapping times for one operator."""

    # The largest table (12 M rows a year at region scale): these keys are indexed only by the composites
    # (key, delivered_on) of Meta, which serve the key alone too; a single-column twin costs every write.
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="deliveries",
                                 verbose_name=_("referral"), db_index=False)
    person = models.ForeignKey("access.Person", on_delete=models.PROTECT, related_name="deliveries",
                               verbose_name=_("person"), db_index=False)
    comune = models.ForeignKey("territory.Comune", on_delete=models.PROTECT, related_name="deliveries",
                               verbose_name=_("Comune"), db_index=False)
    service = models.ForeignKey("network.Service", on_delete=models.PROTECT, related_name="deliveries",
                                verbose_name=_("service"), db_index=False)
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="deliveries",
                                 verbose_name=_("provider"), db_index=False)
    delivery_type = models.CharField(_("type"), max_length=20, choices=DeliveryType.choices)
    delivered_on = models.DateField(_("date"), db_index=True)
    start_time = models.TimeField(_("from"), null=True, blank=True)
    end_time = models.TimeField(_("to"), null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2, default=0)
    quantity = models.DecimalField(_("quantity"), max_digits=8, decimal_places=2, default=1)
    amount = models.DecimalField(_("amount (EUR)"), max_digits=11, decimal_places=2, null=True, blank=True)
    operator_name = models.CharField(_("operator"), max_length=120)
    operator_ref = models.CharField(_("operator code"), max_length=40, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    source = models.CharField(_("entered via"), max_length=6, choices=DeliverySource.choices,
                              default=DeliverySource.FORM)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = NotCancelledManager()
    all_objects = AllRowsManager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-delivered_on", "-start_time", "-id"]
        indexes = [
            models.Index(fields=["provider", "delivered_on"]),
            models.Index(fields=["comune", "delivered_on"]),
            models.Index(fields=["service", "delivered_on"]),
            models.Index(fields=["person", "delivered_on"]),
            # first delivery per referral (waiting-time indicators): an index-only top-1 per referral;
            # EXPLAIN on 123,572 deliveries: 155 ms -> 42 ms for days_to_first_delivery_median
            models.Index(fields=["referral", "delivered_on"], name="delivery_referral_day_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gte=0), name="delivery_non_negative_hours"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="delivery_non_negative_quantity"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0),
                                   name="delivery_non_negative_amount"),
            models.CheckConstraint(
                condition=Q(start_time__isnull=True) | Q(end_time__isnull=True) | Q(end_time__gt=models.F("start_time")),
                name="delivery_end_after_start"),
        ]

    def __str__(self):
        return f"{self.delivered_on} · {self.person.pseudonym} · {self.hours} h"


# --- Protected discharges ----------------------------------------------------------------------------------


class DischargeSetting(models.TextChoices):
    """Where the person leaves from. Leaving a residential or semi-residential socio-health setting (RSA, RSD,
    CSS, a day centre) is planned with the same checklist as a hospital discharge and counts in the same LEPS
    (*dimissioni protette*, PNISS 2021–2023), seed 004."""

    HOSPITAL = "hospital", _("Hospital")
    RESIDENTIAL = "residential", _("Residential facility")
    REHABILITATION = "rehabilitation", _("Rehabilitation facility")
    RSA = "rsa", _("RSA — residential care home for older people")
    RSD = "rsd", _("RSD — residential facility for persons with disabilities")
    CSS = "css", _("CSS — community socio-health residence")
    SEMI_RESIDENTIAL = "day_centre", _("Semi-residential centre (CDI, CDD)")


# Leaving residential or semi-residential socio-health care (a transition, not a hospital discharge)
RESIDENTIAL_SETTINGS = (DischargeSetting.RESIDENTIAL, DischargeSetting.RSA, DischargeSetting.RSD,
                        DischargeSetting.CSS, DischargeSetting.SEMI_RESIDENTIAL)


class DischargeStatus(models.TextChoices):
    # A context of their own: a dimissione is "programmata", not "previsto" (the word of other apps' "Planned").
    PLANNED = "planned", pgettext_lazy("discharge status", "Planned")
    COMPLETED = "completed", pgettext_lazy("discharge status", "Completed")
    CANCELLED = "cancelled", pgettext_lazy("discharge status", "Cancelled")


class Discharge(VersionedModel):
    """A protected discharge (*dimissione protetta*, LEPS of the PNISS 2021–2023): a frail person goes home
    from hospital or a residential setting with the services they need already active. Required services
    are ``DischargeService`` rows that the provider confirms; a checklist with owners tracks the rest. The
    discharge is flagged when a service is not confirmed two days before ``planned_on``."""

    ambito = models.ForeignKey("territory.Ambito", on_delete=models.PROTECT, related_name="discharges",
                               verbose_name=_("Ambito"))
    comune = models.ForeignKey("territory.Comune", on_delete=models.PROTECT, related_name="discharges",
                               verbose_name=_("responsible Comune"))
    person = models.ForeignKey("access.Person", on_delete=models.PROTECT, related_name="discharges",
                               verbose_name=_("person"))
    care_plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="discharges", verbose_name=_("care plan"))
    setting = models.CharField(_("from"), max_length=14, choices=DischargeSetting.choices)
    facility = models.CharField(_("facility and ward"), max_length=200)
    planned_on = models.DateField(_("planned discharge date"), db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=DischargeStatus.choices,
                              default=DischargeStatus.PLANNED)
    completed_on = models.DateField(_("discharged on"), null=True, blank=True)
    services_active_on_day = models.PositiveSmallIntegerField(
        _("services active on the day"), null=True, blank=True,
        help_text=_("Set at completion: how many required services were confirmed on the discharge day."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("protected discharge")
        verbose_name_plural = _("protected discharges")
        ordering = ["planned_on", "id"]

    def __str__(self):
        return f"{self.planned_on} · {self.person.pseudonym}"


class DischargeService(models.Model):
    """A service that must be active on the discharge day, and its confirmation by the provider."""

    discharge = models.ForeignKey(Discharge, on_delete=models.CASCADE, related_name="services",
                                  verbose_name=_("discharge"))
    service = models.ForeignKey("network.Service", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("service"))
    referral = models.ForeignKey(Referral, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("referral"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("confirmed by"))

    class Meta:
        verbose_name = _("required service")
        verbose_name_plural = _("required services")
        ordering = ["discharge", "id"]

    def __str__(self):
        return f"{self.discharge_id} · {self.service_id}"


class DischargeTask(models.Model):
    """A checklist item of the discharge with its owner (e.g. aids delivered, caregiver trained, GP told)."""

    discharge = models.ForeignKey(Discharge, on_delete=models.CASCADE, related_name="tasks",
                                  verbose_name=_("discharge"))
    label = models.CharField(_("task"), max_length=200)
    owner_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                           related_name="+", verbose_name=_("owner"))
    owner_name = models.CharField(_("person in charge"), max_length=120, blank=True)
    due_on = models.DateField(_("due by"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("done by"))

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist")
        ordering = ["discharge", "due_on", "id"]

    def __str__(self):
        return self.label


# --- Case notes --------------------------------------------------------------------------------------------


class NoteVisibility(models.TextChoices):
    SOCIAL = "social", _("Social service only")
    HEALTH = "health", _("Shared with health")
    PROVIDER = "provider", _("Shared with the provider")


class CaseNote(models.Model):
    """A note on the case (*diario / nota di servizio*) with who may read it: the social service only, also
    the health side (district, GP of the person), or also the provider of ``referral``."""

    person = models.ForeignKey("access.Person", on_delete=models.PROTECT, related_name="case_notes",
                               verbose_name=_("person"))
    comune = models.ForeignKey("territory.Comune", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("responsible Comune"))
    care_plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="notes", verbose_name=_("care plan"))
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="notes",
                                 verbose_name=_("referral"))
    visibility = models.CharField(_("visible to"), max_length=8, choices=NoteVisibility.choices,
                                  default=NoteVisibility.SOCIAL)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("author"))
    author_role = models.CharField(_("author role"), max_length=20, blank=True)
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(
            condition=~Q(visibility="provider") | Q(referral__isnull=False),
            name="casenote_provider_visibility_needs_referral")]

    def __str__(self):
        return f"note {self.pk} · {self.person_id}"


class CaseAttachment(models.Model):
    """A document attached to a note, stored outside the web root and served only after a permission check."""

    note = models.ForeignKey(CaseNote, on_delete=models.CASCADE, related_name="attachments",
                             verbose_name=_("note"))
    file = models.FileField(_("file"), storage=private_storage, upload_to="care/attachments/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["note", "id"]

    def __str__(self):
        return self.original_name

    @property
    def person(self):
        """The person the access log files a download under (``accounts.services._person_of``)."""
        return self.note.person
