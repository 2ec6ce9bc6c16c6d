"""The *Piano di Zona* (L. 328/2000 art. 19): triennial plan of the Ambito, its content, budget, staffing,
co-programming with the Third Sector (D.Lgs. 117/2017 art. 55), public consultation and the
*Accordo di Programma* that makes it binding."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ambito.core.concurrency import VersionedModel
from ambito.network.taxonomy import Area, ServiceType

MONEY = {"max_digits": 14, "decimal_places": 2}
non_negative = MinValueValidator(Decimal("0"))


class PlanState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COPROGRAMMING = "coprogramming", _("Co-programming")
    CONSULTATION = "consultation", _("Public consultation")
    APPROVED = "approved", _("Approved")
    IN_FORCE = "in_force", _("In force")
    CLOSED = "closed", _("Closed")


# Content (objectives, interventions, budget, staffing, parties) may change only in these states; once
# the Accordo di Programma is signed the approved version is frozen and changes need a new version.
EDITABLE_STATES = frozenset({PlanState.DRAFT, PlanState.COPROGRAMMING, PlanState.CONSULTATION})


class Plan(VersionedModel):
    """*Piano di Zona* of one Ambito for one triennium (e.g. 2025–2027)."""

    ambito = models.ForeignKey("territory.Ambito", on_delete=models.PROTECT, related_name="plans",
                               verbose_name=_("Ambito"))
    title = models.CharField(_("title"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("first year"), validators=[MinValueValidator(2000)])
    end_year = models.PositiveSmallIntegerField(_("last year"), validators=[MinValueValidator(2000)])
    state = models.CharField(_("state"), max_length=20, choices=PlanState.choices, default=PlanState.DRAFT)
    current_version = models.PositiveSmallIntegerField(_("current version"), default=1)
    needs_narrative = models.TextField(_("needs analysis"), blank=True,
                                       help_text=_("Narrative of the needs analysis; figures are read live "
                                                   "from the territory data."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    consultation_opened_at = models.DateTimeField(_("consultation opened"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    class Meta:
        verbose_name = _("Piano di Zona")
        verbose_name_plural = _("Piani di Zona")
        ordering = ["-start_year", "ambito__name"]
        constraints = [
            models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")), name="plan_years_ordered"),
        ]

    def __str__(self):
        return f"{self.title} {self.start_year}–{self.end_year}"

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES


class PlanVersion(models.Model):
    """One version of the plan's content. An approved version keeps a frozen snapshot; a revision starts
    the next version from a copy of it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    frozen = models.BooleanField(_("frozen"), default=False)
    content = models.JSONField(_("content"), default=dict, blank=True)
    reason = models.CharField(_("reason for the new version"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    frozen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique")]

    def __str__(self):
        return f"{self.plan} v{self.number}"


class Objective(models.Model):
    """*Obiettivo strategico* with its priorities."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")
    code = models.CharField(_("code"), max_length=10)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    priorities = models.TextField(_("priorities"), blank=True, help_text=_("One priority per line."))

    class Meta:
        verbose_name = _("strategic objective")
        verbose_name_plural = _("strategic objectives")
        ordering = ["plan", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="objective_code_unique")]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def priority_list(self) -> list[str]:
        return [line.strip() for line in self.priorities.splitlines() if line.strip()]


class Lea(models.TextChoices):
    """Socio-health LEA (DPCM 12 January 2017, Capo IV) an intervention shares with the ASL."""

    HOME_CARE = "art22", _("Integrated home care (art. 22)")
    MINORS_FAMILY = "art24", _("Minors, women, couples and families (art. 24)")
    MENTAL_HEALTH = "art26", _("Adults with mental disorders (art. 26)")
    DISABILITY = "art27", _("People with disabilities (art. 27)")
    ADDICTIONS = "art28", _("People with addictions (art. 28)")
    ELDERLY_RESIDENTIAL = "art30", _("Non-self-sufficient people, residential and day care (art. 30)")


class Intervention(VersionedModel):
    """*Intervento* of the plan: what is done, for whom, where, by whom, with which indicators."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="interventions")
    objective = models.ForeignKey(Objective, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="interventions", verbose_name=_("strategic objective"))
    code = models.CharField(_("code"), max_length=12,
                            help_text=_("Short code used in the budget spreadsheet, e.g. I01."))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    area = models.CharField(_("area of intervention"), max_length=20, choices=Area.choices)
    target_group = models.CharField(_("target group"), max_length=300, blank=True)
    comuni = models.ManyToManyField("territory.Comune", related_name="plan_interventions", blank=True,
                                    verbose_name=_("Comuni covered"))
    lead_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="led_interventions", verbose_name=_("lead organisation"))
    partners = models.ManyToManyField("accounts.Organisation", related_name="partner_interventions", blank=True,
                                      verbose_name=_("partners"))
    leps = models.JSONField(_("LEPS"), default=list, blank=True)
    lea = models.JSONField(_("LEA"), default=list, blank=True)
    service_type = models.CharField(_("service type"), max_length=30, choices=ServiceType.choices, blank=True)
    service = models.ForeignKey("network.Service", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="plan_interventions", verbose_name=_("service in the catalogue"))
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    planned_total = models.DecimalField(_("planned total cost"), **MONEY, null=True, blank=True,
                                        validators=[non_negative],
                                        help_text=_("Cost over the triennium; the budget lines must add up to it."))
    always_available = models.BooleanField(_("reachable 24 hours a day, 7 days a week"), default=False)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0,
                                                validators=[MaxValueValidator(100)])
    progress_note = models.TextField(_("progress note"), blank=True)

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["plan", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="intervention_code_unique"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="intervention_progress_max"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"


class Indicator(models.Model):
    """An indicator of an intervention with its baseline and yearly targets."""

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=300)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    lower_is_better = models.BooleanField(_("lower is better"), default=False,
                                          help_text=_("E.g. waiting days."))

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["intervention", "id"]

    def __str__(self):
        return self.name


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("target"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        ordering = ["indicator", "year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="indicator_target_unique")]

    def __str__(self):
        return f"{self.indicator} {self.year}: {self.value}"


class FundingSource(models.TextChoices):
    COMUNE = "comune", _("Comune's own funds")
    FNPS = "fnps", _("National social policy fund (FNPS)")
    FNA = "fna", _("National fund for non-self-sufficiency (FNA)")
    POVERTY = "poverty", _("Poverty fund (Fondo Povertà)")
    REGIONAL = "regional", _("Regional funds")
    HEALTH = "health", _("ASL/ASST co-funding")
    EU_PNRR = "eu_pnrr", _("EU funds and PNRR")
    REINVESTED = "reinvested", _("Reinvested health savings")
    OTHER = "other", _("Other sources")


def _comune_only_for_own_funds(name: str):
    return models.CheckConstraint(
        condition=Q(source="comune", comune__isnull=False) | (~Q(source="comune") & Q(comune__isnull=True)),
        name=name)


class FundedBySource(models.Model):
    """Money of one funding source; for the Comuni's own funds, the Comune whose funds they are."""

    source = models.CharField(_("funding source"), max_length=12, choices=FundingSource.choices)
    comune = models.ForeignKey("territory.Comune", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("Comune"))

    class Meta:
        abstract = True


class BudgetLine(FundedBySource):
    """Amount planned for one intervention, one year and one funding source (Comune funds by Comune)."""

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="budget_lines")
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("amount (€)"), **MONEY, validators=[non_negative])

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["intervention", "year", "source", "comune"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_line_amount_non_negative"),
            _comune_only_for_own_funds("budget_line_comune_only_for_own_funds"),
            models.UniqueConstraint(fields=["intervention", "year", "source", "comune"],
                                    condition=Q(comune__isnull=False), name="budget_line_unique_comune"),
            models.UniqueConstraint(fields=["intervention", "year", "source"], condition=Q(comune__isnull=True),
                                    name="budget_line_unique_source"),
        ]
        indexes = [models.Index(fields=["year", "source"])]

    def __str__(self):
        return f"{self.intervention.code} {self.year} {self.source}: {self.amount}"


class CarryOver(FundedBySource):
    """Unspent funds brought forward from the previous plan (*residui*), by source."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="carry_overs")
    amount = models.DecimalField(_("amount (€)"), **MONEY, validators=[non_negative])
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("carry-over")
        verbose_name_plural = _("carry-overs")
        ordering = ["plan", "source"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="carry_over_non_negative")]

    def __str__(self):
        return f"{self.source}: {self.amount}"


class StaffProfile(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("Social worker")
    EDUCATOR = "educator", _("Educator")
    OSS = "oss", _("Social-health operator (OSS)")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    ADMINISTRATIVE = "administrative", _("Administrative staff")
    OTHER = "other", _("Other")


class StaffPosition(models.Model):
    """Planned human resources of an intervention."""

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="staffing")
    profile = models.CharField(_("profile"), max_length=20, choices=StaffProfile.choices)
    fte = models.DecimalField(_("full-time equivalents"), max_digits=6, decimal_places=2,
                              validators=[MinValueValidator(Decimal("0.01"))])
    employer = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("employer"))
    permanent = models.BooleanField(_("permanent contract"), default=True,
                                    help_text=_("Only permanent staff count for the L. 178/2020 grant."))

    class Meta:
        verbose_name = _("staff position")
        verbose_name_plural = _("staffing")
        ordering = ["intervention", "profile"]
        constraints = [models.CheckConstraint(condition=Q(fte__gt=0), name="staff_fte_positive")]

    def __str__(self):
        return f"{self.get_profile_display()} {self.fte}"


class SessionKind(models.TextChoices):
    TRAINING = "training", _("Training")
    SUPERVISION = "supervision", _("Supervision")


class TrainingSession(models.Model):
    """*Formazione e supervisione*: a course or supervision session with its participants and hours."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="training_sessions")
    kind = models.CharField(_("kind"), max_length=12, choices=SessionKind.choices)
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1,
                                validators=[MinValueValidator(Decimal("0.5"))])
    led_by = models.CharField(_("led by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("training or supervision session")
        verbose_name_plural = _("training and supervision")
        ordering = ["-date"]

    def __str__(self):
        return f"{self.title} ({self.date})"


class SessionParticipant(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(_("participant"), max_length=200)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation"))

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [models.UniqueConstraint(fields=["session", "name"], name="session_participant_unique")]

    def __str__(self):
        return self.name


class CoprogrammingTable(models.Model):
    """*Tavolo tematico* of co-programming with the ETS and public bodies taking part."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tables")
    name = models.CharField(_("name"), max_length=200)
    area = models.CharField(_("area"), max_length=20, choices=Area.choices, blank=True)
    description = models.TextField(_("description"), blank=True)
    participants = models.ManyToManyField("accounts.Organisation", related_name="coprogramming_tables",
                                          blank=True, verbose_name=_("participating organisations"))

    class Meta:
        verbose_name = _("thematic table")
        verbose_name_plural = _("thematic tables")
        ordering = ["plan", "name"]

    def __str__(self):
        return self.name


class Meeting(models.Model):
    table = models.ForeignKey(CoprogrammingTable, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    attendees = models.ManyToManyField("accounts.Organisation", related_name="+", blank=True,
                                       verbose_name=_("organisations present"))
    people_present = models.PositiveSmallIntegerField(_("people present"), default=0)
    minutes = models.TextField(_("minutes"), blank=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["table", "date"]

    def __str__(self):
        return f"{self.table} {self.date}"


class ContributionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    MERGED = "merged", _("Merged into an intervention")
    DECLINED = "declined", _("Declined")


class Contribution(models.Model):
    """A proposal from an ETS (as an organisation) to an objective or intervention of the plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="contributions")
    table = models.ForeignKey(CoprogrammingTable, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="contributions", verbose_name=_("thematic table"))
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="plan_contributions", verbose_name=_("organisation"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+")
    objective = models.ForeignKey(Objective, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="contributions", verbose_name=_("strategic objective"))
    intervention = models.ForeignKey(Intervention, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="contributions", verbose_name=_("intervention"))
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("proposal"))
    attachment = models.FileField(_("attachment"), upload_to="planning/contributions/", blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ContributionStatus.choices,
                              default=ContributionStatus.SUBMITTED)
    reason = models.TextField(_("reason"), blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["plan", "submitted_at"]

    def __str__(self):
        return self.title


class ConsultationSection(models.TextChoices):
    NEEDS = "needs", _("Needs analysis")
    OBJECTIVES = "objectives", _("Strategic objectives")
    INTERVENTIONS = "interventions", _("Interventions")
    BUDGET = "budget", _("Budget")
    GENERAL = "general", _("The plan as a whole")


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting moderation")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Not published")


class ConsultationComment(models.Model):
    """A comment of the public consultation. The author is kept for moderation only, never shown."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="comments")
    section = models.CharField(_("section"), max_length=20, choices=ConsultationSection.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    on_behalf_of = models.ForeignKey("accounts.Organisation", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("on behalf of"))
    text = models.TextField(_("comment"))
    status = models.CharField(_("status"), max_length=12, choices=CommentStatus.choices,
                              default=CommentStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("answer of the planning office"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("consultation comment")
        verbose_name_plural = _("consultation comments")
        ordering = ["plan", "created_at"]

    def __str__(self):
        return f"{self.get_section_display()} {self.created_at:%Y-%m-%d}"


class AgreementParty(models.Model):
    """A party of the *Accordo di Programma* and its signature."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation"))
    role = models.CharField(_("role in the agreement"), max_length=200, blank=True)
    required = models.BooleanField(_("signature required"), default=True)
    signatory = models.CharField(_("signatory"), max_length=200, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("party to the agreement")
        verbose_name_plural = _("parties to the agreement")
        ordering = ["plan", "-required", "organisation__name"]
        constraints = [models.UniqueConstraint(fields=["plan", "organisation"], name="agreement_party_unique")]

    def __str__(self):
        return str(self.organisation)

    @property
    def signed(self) -> bool:
        return self.signed_on is not None


# --- Spending: commitments and payments, fund reports, unit costs, reinvested savings (issue 19) ---------------


class AccountingCode(FundedBySource):
    """A chapter (*capitolo/articolo*) of a Comune's accounting export mapped once by the planning office to
    an intervention and a funding source (for the Comuni's own funds, the Comune whose funds they are)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="accounting_codes")
    ente = models.ForeignKey("territory.Comune", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("Comune keeping the accounts"))
    code = models.CharField(_("accounting code"), max_length=40)
    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="accounting_codes",
                                     verbose_name=_("intervention"))

    class Meta:
        verbose_name = _("accounting code")
        verbose_name_plural = _("accounting codes")
        ordering = ["plan", "ente", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "ente", "code"], name="accounting_code_unique"),
            _comune_only_for_own_funds("accounting_code_comune_only_for_own_funds"),
        ]

    def __str__(self):
        return f"{self.code} → {self.intervention.code} {self.source}"


class SpendingImport(models.Model):
    """One accounting export imported (all or nothing): which file, by whom, how many rows."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="spending_imports")
    ente = models.ForeignKey("territory.Comune", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("Comune keeping the accounts"))
    filename = models.CharField(_("file"), max_length=200)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("accounting import")
        verbose_name_plural = _("accounting imports")
        ordering = ["-imported_at"]
        constraints = [models.UniqueConstraint(fields=["plan", "sha256"], name="spending_import_once")]

    def __str__(self):
        return self.filename


class Commitment(FundedBySource):
    """*Impegno di spesa*: money committed by an act (*determina*) for one intervention, funding source,
    Comune (own funds) and year."""

    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="commitments",
                                     verbose_name=_("intervention"))
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("committed (€)"), **MONEY)
    act_number = models.CharField(_("act number"), max_length=60)
    act_date = models.DateField(_("act date"))
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("contractor"))
    payee = models.CharField(_("beneficiary"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    spending_import = models.ForeignKey(SpendingImport, on_delete=models.CASCADE, null=True, blank=True,
                                        related_name="commitments")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["intervention", "year", "act_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="commitment_positive"),
            _comune_only_for_own_funds("commitment_comune_only_for_own_funds"),
        ]
        indexes = [models.Index(fields=["year", "source"], name="commitment_year_source")]

    def __str__(self):
        return f"{self.act_number} {self.amount}"


class PaymentStage(models.TextChoices):
    LIQUIDATED = "liquidated", _("Liquidated")
    PAID = "paid", _("Paid")


class Payment(models.Model):
    """*Liquidazione* or *mandato di pagamento* against a commitment, with its date and payee."""

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="payments",
                                   verbose_name=_("commitment"))
    stage = models.CharField(_("stage"), max_length=12, choices=PaymentStage.choices, default=PaymentStage.PAID)
    amount = models.DecimalField(_("amount (€)"), **MONEY)
    paid_on = models.DateField(_("date"))
    payee = models.CharField(_("payee"), max_length=200)
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("provider paid"))
    reference = models.CharField(_("reference"), max_length=60, blank=True,
                                 help_text=_("Number of the liquidation act or of the payment order."))
    service_month = models.DateField(_("month of service paid"), null=True, blank=True,
                                     help_text=_("First day of the month a provider's invoice is for: the "
                                                 "reconciliation with deliveries reads it."))
    spending_import = models.ForeignKey(SpendingImport, on_delete=models.CASCADE, null=True, blank=True,
                                        related_name="payments")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["commitment", "paid_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_positive")]
        indexes = [models.Index(fields=["provider", "paid_on"], name="payment_provider_day")]

    def __str__(self):
        return f"{self.paid_on} {self.payee} {self.amount}"


class FundAllocation(models.Model):
    """What the Ambito received from a national or regional fund for a year (*riparto*)."""

    ambito = models.ForeignKey("territory.Ambito", on_delete=models.PROTECT, related_name="fund_allocations")
    source = models.CharField(_("fund"), max_length=12, choices=FundingSource.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("allocation received (€)"), **MONEY, validators=[non_negative])
    act = models.CharField(_("allocation act"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("fund allocation")
        verbose_name_plural = _("fund allocations")
        ordering = ["ambito", "year", "source"]
        constraints = [models.UniqueConstraint(fields=["ambito", "source", "year"], name="fund_allocation_unique"),
                       models.CheckConstraint(condition=Q(amount__gte=0), name="fund_allocation_non_negative")]

    def __str__(self):
        return f"{self.source} {self.year}: {self.amount}"


class FundReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class FundReport(models.Model):
    """*Rendicontazione* of one fund and year to the Region: its figures are frozen in ``content`` when it
    is submitted; a later correction is a new version with its reason."""

    ambito = models.ForeignKey("territory.Ambito", on_delete=models.PROTECT, related_name="fund_reports")
    source = models.CharField(_("fund"), max_length=12, choices=FundingSource.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=FundReportStatus.choices,
                              default=FundReportStatus.DRAFT)
    reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)
    content = models.JSONField(_("content"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("fund report")
        verbose_name_plural = _("fund reports")
        ordering = ["ambito", "-year", "source", "-version"]
        constraints = [models.UniqueConstraint(fields=["ambito", "source", "year", "version"],
                                               name="fund_report_version_unique")]

    def __str__(self):
        return f"{self.source} {self.year} v{self.version}"


class CostBasis(models.TextChoices):
    HOURLY = "hourly", _("Hourly rate")
    DAILY = "daily", _("Daily rate")
    LUMP_SUM = "lump_sum", _("Lump sum per unit")


class UnitCost(models.Model):
    """The price agreed with a provider for a service (*tariffa*), valid between two dates."""

    service = models.ForeignKey("network.Service", on_delete=models.CASCADE, related_name="unit_costs",
                                verbose_name=_("service"))
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="unit_costs",
                                 verbose_name=_("provider"))
    basis = models.CharField(_("basis"), max_length=10, choices=CostBasis.choices)
    rate = models.DecimalField(_("rate (€)"), max_digits=10, decimal_places=2)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("unit cost")
        verbose_name_plural = _("unit costs")
        ordering = ["service", "provider", "valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(rate__gt=0), name="unit_cost_positive"),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                                   name="unit_cost_dates_ordered"),
        ]

    def __str__(self):
        return f"{self.service} {self.provider} {self.rate} ({self.basis})"


class HealthActivityFigure(models.Model):
    """Aggregate hospital figures the ASL gives for the chronic and frail residents of a Comune in a year:
    never persons, only counts."""

    comune = models.ForeignKey("territory.Comune", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("Comune"))
    year = models.PositiveSmallIntegerField(_("year"))
    admissions = models.PositiveIntegerField(_("admissions"))
    bed_days = models.PositiveIntegerField(_("bed-days"))
    avoidable_admissions = models.PositiveIntegerField(_("avoidable admissions"))
    avoidable_indicator = models.CharField(_("indicator of avoidable admissions"), max_length=120)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ASL aggregate figure")
        verbose_name_plural = _("ASL aggregate figures")
        ordering = ["year", "comune"]
        constraints = [models.UniqueConstraint(fields=["comune", "year"], name="health_figure_unique")]

    def __str__(self):
        return f"{self.comune_id} {self.year}"


class ReinvestmentAgreement(models.Model):
    """What the Accordo commits to: savings are the bed-days saved against the baseline years, valued at a
    cost per bed-day; a share of them is reinvested as the plan's funding source "reinvested"."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="reinvestment")
    baseline_start = models.PositiveSmallIntegerField(_("baseline from"))
    baseline_end = models.PositiveSmallIntegerField(_("baseline to"))
    cost_per_bed_day = models.DecimalField(_("cost of a bed-day (€)"), max_digits=10, decimal_places=2)
    share = models.DecimalField(_("share reinvested (%)"), max_digits=5, decimal_places=2,
                                validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))])
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("reinvestment of savings")
        verbose_name_plural = _("reinvestments of savings")
        constraints = [models.CheckConstraint(condition=Q(baseline_end__gte=models.F("baseline_start")),
                                              name="reinvestment_baseline_ordered")]

    def __str__(self):
        return f"{self.plan} {self.share}%"


# --- Plans of other parties the Piano di Zona links to (issue 20) --------------------------------------------
from ambito.planning.models_partner import PartnerLink, PartnerObjective, PartnerPlan, PartnerPlanKind  # noqa: E402,F401,I001

# --- Signed documents and minutes beside their records (issue 20, item 6) -------------------------------------
from ambito.planning.models_files import PlanFile, PlanFileKind  # noqa: E402,F401,I001
