"""PUA access (*Punto Unico di Accesso*): persons, consent, requests from every door, triage, UVM
assessments with their scales, waiting lists.

Writes go through ``access.services``, reads through ``access.selectors``; both record every touch of a
person's data in the access log (``accounts.services.access_log_record``)."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ambito.core.concurrency import VersionedModel
from ambito.network.taxonomy import Area

PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone without mistakes


def new_pseudonym() -> str:
    """A random, stable pseudonym (``P-`` + 10 characters). Never derived from the codice fiscale, so it
    cannot be reversed by anyone holding a list of codici fiscali."""
    return "P-" + "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(10))


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class Person(VersionedModel):
    """A person known to the PUA (*persona / utente*): only what the work needs (GDPR art. 5(1)(c)).

    ``pseudonym`` identifies the person in analytics, exports and the access log; the codice fiscale is
    checked with python-codicefiscale (format, checksum, birth date and sex always; a birthplace code it
    cannot resolve only with an operator's override). A person is seen by the social workers of the
    Comune of residence and by organisations it was explicitly shared with."""

    ambito = models.ForeignKey("territory.Ambito", on_delete=models.PROTECT, related_name="persons",
                               verbose_name=_("Ambito"))
    pseudonym = models.CharField(_("pseudonym"), max_length=16, unique=True, default=new_pseudonym, editable=False)
    fiscal_code = models.CharField(_("codice fiscale"), max_length=16, blank=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birthplace_override = models.BooleanField(
        _("birthplace code confirmed by the operator"), default=False,
        help_text=_("The codice fiscale's birthplace code is not in the reference list (e.g. a Comune since merged "
                    "or a foreign State); the operator checked the document and confirmed it."))
    # SIUSS beneficiary data (D.M. 206/2014): ISTAT code of the State of citizenship (Italy 100) and the
    # cadastral code of the birthplace (a Comune's Belfiore code, Z… for a foreign State).
    citizenship = models.CharField(
        _("citizenship"), max_length=3, blank=True,
        help_text=_("ISTAT code of the State of citizenship (three digits; Italy is 100)."))
    birthplace_code = models.CharField(
        _("birthplace (cadastral code)"), max_length=4, blank=True,
        help_text=_("Belfiore code of the Comune of birth, or Z followed by three digits for a foreign State; read "
                    "from the codice fiscale when empty."))
    residence_comune = models.ForeignKey("territory.Comune", on_delete=models.PROTECT, related_name="residents",
                                         verbose_name=_("Comune of residence"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    lives_alone = models.BooleanField(_("lives alone"), default=False)
    household_notes = models.TextField(_("household notes"), blank=True,
                                       help_text=_("Who lives with the person, who helps, relevant family facts."))
    shared_with = models.ManyToManyField(
        "accounts.Organisation", blank=True, related_name="shared_persons", verbose_name=_("shared with"),
        help_text=_("Other organisations (e.g. another Comune's social service) allowed to see this person."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Limitation of processing (GDPR art. 18, and art. 17 where records must be retained): set only by
    # ``privacy.services``; a restricted person leaves every work list and is readable by the DPO only.
    restricted_at = models.DateTimeField(_("processing restricted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_code"], condition=~models.Q(fiscal_code=""),
                                    name="person_unique_fiscal_code"),
        ]
        indexes = [
            models.Index(fields=["last_name", "first_name", "birth_date"]),
            models.Index(fields=["residence_comune", "last_name"]),
            # The few restricted persons, read once per request by the authorisation matrix.
            models.Index(fields=["restricted_at"], condition=models.Q(restricted_at__isnull=False),
                         name="person_restricted_idx"),
        ]

    def __str__(self):
        return self.pseudonym

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class ShareStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Shared")
    DECLINED = "declined", _("Declined")


class PersonShareRequest(models.Model):
    """Someone outside a person's scope tried to register them (same codice fiscale, or same names and birth
    date): they were not told the record exists; the case team holding it sees this request in its work queue
    and shares the record with the requester's organisation (``services.person_share``) or declines."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="share_requests",
                               verbose_name=_("person"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("for the organisation"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=ShareStatus.choices, default=ShareStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("request to share a person")
        verbose_name_plural = _("requests to share a person")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "organisation"], condition=models.Q(status="pending"),
                                    name="personsharerequest_one_pending"),
        ]

    def __str__(self):
        return f"{self.person.pseudonym} → {self.organisation_id}"


class ConsentKind(models.TextChoices):
    INFORMATION_NOTICE = "information_notice", _("Information notice given (GDPR art. 13)")
    CARE_PROCESSING = "care_processing", _("Processing for social and socio-health care")
    HEALTH_SHARING = "health_sharing", _("Sharing with the health authority (ASL/ASST) and the GP")
    PROVIDER_SHARING = "provider_sharing", _("Sharing with the providers delivering services")
    CONTACT = "contact", _("Contact by phone or e-mail")


class Consent(models.Model):
    """What a person was told and agreed to (*informativa e consenso*), when, for which processing, and
    whether it was later withdrawn. The latest row per kind is the one in force."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents", verbose_name=_("person"))
    kind = models.CharField(_("processing"), max_length=30, choices=ConsentKind.choices)
    given = models.BooleanField(_("given"), default=True)
    notice_version = models.CharField(_("notice version"), max_length=40, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["person", "kind", "-recorded_at"]

    def __str__(self):
        return f"{self.person} · {self.get_kind_display()}"


class Channel(models.TextChoices):
    PUA_DESK = "pua_desk", _("PUA desk")
    GP = "gp", _("GP (MMG)")
    HOSPITAL_DISCHARGE = "hospital_discharge", _("Hospital discharge")
    ETS = "ets", _("Third-Sector entity (ETS)")
    INFO_POINT = "info_point", _("Info-point")
    PHONE = "phone", _("Phone")
    ONLINE = "online", _("Online")
    COMMUNITY_DESK = "community_desk", _("Community access desk")


class Urgency(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    TRIAGED = "triaged", _("Triaged")
    ASSESSMENT = "assessment", _("In UVM assessment")
    CARE_PLAN = "care_plan", _("Care plan")
    REFERRED = "referred", _("Referred to a service")
    INFORMATION = "information", _("Answered with information")
    CLOSED = "closed", _("Closed")


# The request lifecycle. Waiting times are computed from the RequestStatusChange rows these produce.
TRANSITIONS = {
    RequestStatus.RECEIVED: {RequestStatus.TRIAGED, RequestStatus.CLOSED},
    RequestStatus.TRIAGED: {RequestStatus.ASSESSMENT, RequestStatus.REFERRED, RequestStatus.INFORMATION,
                            RequestStatus.CLOSED},
    RequestStatus.ASSESSMENT: {RequestStatus.CARE_PLAN, RequestStatus.REFERRED, RequestStatus.INFORMATION,
                               RequestStatus.CLOSED},
    RequestStatus.CARE_PLAN: {RequestStatus.CLOSED},
    RequestStatus.REFERRED: {RequestStatus.CLOSED},
    RequestStatus.INFORMATION: {RequestStatus.CLOSED},
    RequestStatus.CLOSED: set(),
}
OUTCOME_STATUSES = frozenset({RequestStatus.CARE_PLAN, RequestStatus.REFERRED, RequestStatus.INFORMATION})


class TriageKind(models.TextChoices):
    SOCIAL = "social", _("Social")
    HEALTH = "health", _("Health")
    SOCIO_HEALTH = "socio_health", _("Socio-health")


class TriageOutcome(models.TextChoices):
    UVM = "uvm", _("Multidimensional assessment (UVM)")
    REFERRAL = "referral", _("Direct referral to a service")
    INFORMATION = "information", _("Information at the desk")


class AccessRequest(VersionedModel):
    """A request for help (*domanda di accesso*) reaching the PUA from any door.

    ``status`` moves only through ``services.request_transition``; each move writes a
    ``RequestStatusChange`` and the matching ``*_at`` timestamp here, so waiting times are computed, never
    typed in. The responsible Comune is the person's Comune of residence when the request is received."""

    ambito = models.ForeignKey("territory.Ambito", on_delete=models.PROTECT, related_name="access_requests",
                               verbose_name=_("Ambito"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="requests", verbose_name=_("person"))
    comune = models.ForeignKey("territory.Comune", on_delete=models.PROTECT, related_name="access_requests",
                               verbose_name=_("responsible Comune"), db_index=False)  # request_comune_newest
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    brought_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="brought_access_requests", verbose_name=_("brought by"))
    brought_by_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="brought_requests",
        verbose_name=_("on behalf of"))
    need = models.TextField(_("need"))
    area = models.CharField(_("area"), max_length=20, choices=Area.choices)
    urgency = models.PositiveSmallIntegerField(_("urgency"), choices=Urgency.choices, default=Urgency.NORMAL)
    status = models.CharField(_("status"), max_length=12, choices=RequestStatus.choices,
                              default=RequestStatus.RECEIVED, db_index=True)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="assigned_access_requests", verbose_name=_("case worker"))
    # Triage result (written by services.request_triage).
    triage_kind = models.CharField(_("triage"), max_length=12, choices=TriageKind.choices, blank=True)
    triage_outcome = models.CharField(_("triage outcome"), max_length=12, choices=TriageOutcome.choices, blank=True)
    triage_rule = models.ForeignKey("TriageRule", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("triage rule applied"))
    triage_inputs = models.JSONField(_("triage inputs"), default=dict, blank=True)
    triage_explanation = models.TextField(_("triage explanation"), blank=True)
    outcome_note = models.TextField(_("outcome"), blank=True)
    # Timestamps of the lifecycle (set by the transition service only).
    received_at = models.DateTimeField(_("received at"), db_index=True)
    triaged_at = models.DateTimeField(_("triaged at"), null=True, blank=True)
    assessment_at = models.DateTimeField(_("sent to assessment at"), null=True, blank=True)
    outcome_at = models.DateTimeField(_("outcome at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The door it came through, where the channel alone does not say it (``services.doors``): a community
    # access desk with the GP who was there, or the info-point contact that became this request.
    desk = models.ForeignKey("CommunityDesk", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="requests", verbose_name=_("community access desk"))
    desk_gp = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("GP present at the desk"))
    info_point_contact = models.OneToOneField(
        "network.InfoPointContact", on_delete=models.PROTECT, null=True, blank=True, related_name="access_request",
        verbose_name=_("info-point contact"))

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["comune", "status", "received_at"]),
            # A Comune's requests newest first (the case workers' list and API): at region scale PostgreSQL
            # otherwise walks the whole region's requests by date to find one Comune's page (66 ms -> see
            # docs/performance.md).
            models.Index(fields=["comune", "-received_at", "-id"], name="request_comune_newest"),
            models.Index(fields=["brought_by", "received_at"]),
            models.Index(fields=["assigned_to", "status"]),
        ]

    def __str__(self):
        return f"#{self.pk} · {self.person.pseudonym}"

    @property
    def is_closed(self) -> bool:
        return self.status == RequestStatus.CLOSED


class RequestStatusChange(models.Model):
    """One move of a request through its lifecycle: the source of every waiting-time figure."""

    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="status_changes",
                                verbose_name=_("request"))
    from_status = models.CharField(_("from"), max_length=12, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=RequestStatus.choices)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("request status change")
        verbose_name_plural = _("request status changes")
        ordering = ["request", "at", "id"]
        indexes = [models.Index(fields=["to_status", "at"])]

    def __str__(self):
        return f"{self.request_id}: {self.from_status or '—'} → {self.to_status}"


class ScoreOperator(models.TextChoices):
    LT = "lt", "<"
    LTE = "lte", "≤"
    GT = "gt", ">"
    GTE = "gte", "≥"


class TriageRule(models.Model):
    """A triage rule of the Ambito, as data (*criteri di accesso alla UVM*): when a request matches every
    condition set (channel, area, minimum urgency, a screening score against a threshold), it gets this
    triage kind and outcome. Rules are tried by ``order``; the first match wins and is shown to the operator
    with its explanation."""

    ambito = models.ForeignKey("territory.Ambito", on_delete=models.CASCADE, related_name="triage_rules",
                               verbose_name=_("Ambito"))
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveIntegerField(_("order"), default=100)
    active = models.BooleanField(_("active"), default=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    area = models.CharField(_("area"), max_length=20, choices=Area.choices, blank=True)
    min_urgency = models.PositiveSmallIntegerField(_("minimum urgency"), choices=Urgency.choices, null=True,
                                                   blank=True)
    scale = models.ForeignKey("Scale", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("screening scale"))
    score_operator = models.CharField(_("comparison"), max_length=3, choices=ScoreOperator.choices, blank=True)
    score_threshold = models.DecimalField(_("threshold"), max_digits=6, decimal_places=1, null=True, blank=True)
    triage_kind = models.CharField(_("triage"), max_length=12, choices=TriageKind.choices)
    outcome = models.CharField(_("outcome"), max_length=12, choices=TriageOutcome.choices)
    explanation = models.CharField(_("explanation"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("triage rule")
        verbose_name_plural = _("triage rules")
        ordering = ["ambito", "order", "id"]

    def __str__(self):
        return self.name


class ScoreDirection(models.TextChoices):
    HIGHER_IS_BETTER = "higher_better", _("Higher score, more autonomy")
    HIGHER_IS_WORSE = "higher_worse", _("Higher score, more need")


class Scale(models.Model):
    """A validated assessment scale defined as data (*scala di valutazione*): Barthel Index, Lawton IADL,
    social and household assessment, or a Region's own (e.g. SVAMA sections) — items, their answer options
    and points, cut-off bands. ``services.scale_score`` scores any of them the same way."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    min_score = models.DecimalField(_("minimum score"), max_digits=6, decimal_places=1, default=0)
    max_score = models.DecimalField(_("maximum score"), max_digits=6, decimal_places=1)
    direction = models.CharField(_("direction"), max_length=14, choices=ScoreDirection.choices,
                                 default=ScoreDirection.HIGHER_IS_BETTER)
    bands = models.JSONField(
        _("cut-off bands"), default=list, blank=True,
        help_text=_('List of {"min": n, "max": n, "label": "…"} covering the score range.'))
    allows_not_applicable = models.BooleanField(
        _("allows 'never done'"), default=False,
        help_text=_("Items may be answered 'never done': the corrected score rescales over the items that apply."))
    variant_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="variants", verbose_name=_("variant of"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("scale")
        verbose_name_plural = _("scales")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ScaleItem(models.Model):
    """One item of a scale with its allowed answers: ``options`` is a list of
    ``{"value": "…", "label": "…", "points": n}``; any other answer is refused."""

    scale = models.ForeignKey(Scale, on_delete=models.CASCADE, related_name="items", verbose_name=_("scale"))
    code = models.SlugField(_("code"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"))
    label = models.CharField(_("label"), max_length=200)
    options = models.JSONField(_("answer options"))

    class Meta:
        verbose_name = _("scale item")
        verbose_name_plural = _("scale items")
        ordering = ["scale", "order"]
        constraints = [models.UniqueConstraint(fields=["scale", "code"], name="scaleitem_unique_code")]

    def __str__(self):
        return f"{self.scale.code}.{self.code}"


class AssessmentStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    COMPLETED = "completed", _("Completed")


class NeedProfile(models.TextChoices):
    SOCIAL = "social", _("Mainly social")
    HEALTH = "health", _("Mainly health")
    SOCIO_HEALTH = "socio_health", _("Socio-health")


class Intensity(models.IntegerChoices):
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")
    VERY_HIGH = 4, _("Very high")


class AssessmentDecision(models.TextChoices):
    CARE_PLAN = "care_plan", _("Personalised care plan (PAI)")
    SERVICE = "service", _("Access to a service")
    INFORMATION = "information", _("Information and guidance")


class Assessment(models.Model):
    """A multidimensional assessment (*valutazione multidimensionale, UVM*): a session of a multidisciplinary
    team (social worker, nurse, GP, specialist) scoring validated scales, ending with a need profile, an
    intensity level and a decision (care plan, service, information)."""

    request = models.ForeignKey(AccessRequest, on_delete=models.PROTECT, related_name="assessments",
                                verbose_name=_("request"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("person"))
    status = models.CharField(_("status"), max_length=10, choices=AssessmentStatus.choices,
                              default=AssessmentStatus.SCHEDULED, db_index=True)
    scheduled_for = models.DateField(_("scheduled for"))
    held_on = models.DateField(_("held on"), null=True, blank=True)
    team = models.JSONField(_("team"), default=list, blank=True,
                            help_text=_("Professions present: social worker, nurse, GP, specialist…"))
    need_profile = models.CharField(_("need profile"), max_length=12, choices=NeedProfile.choices, blank=True)
    intensity = models.PositiveSmallIntegerField(_("intensity"), choices=Intensity.choices, null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=12, choices=AssessmentDecision.choices, blank=True)
    decision_service = models.ForeignKey("network.Service", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name=_("service decided"))
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("UVM assessment")
        verbose_name_plural = _("UVM assessments")
        ordering = ["-scheduled_for", "-id"]
        indexes = [models.Index(fields=["status", "scheduled_for"])]

    def __str__(self):
        return f"UVM #{self.pk} · {self.person.pseudonym}"


class ScaleScore(models.Model):
    """The scored answers of one scale in one assessment. ``score`` is computed by the system from
    ``answers``; ``corrected_score`` rescales it over the items that apply (Lawton's 'never done')."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores",
                                   verbose_name=_("assessment"))
    scale = models.ForeignKey(Scale, on_delete=models.PROTECT, related_name="scores", verbose_name=_("scale"))
    answers = models.JSONField(_("answers"))
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=1)
    max_score = models.DecimalField(_("maximum possible"), max_digits=6, decimal_places=1)
    applicable_items = models.PositiveSmallIntegerField(_("items that apply"))
    corrected_score = models.DecimalField(_("corrected score"), max_digits=6, decimal_places=1, null=True,
                                          blank=True)
    band = models.CharField(_("band"), max_length=100, blank=True)
    scored_at = models.DateTimeField(_("scored at"))
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("scored by"))

    class Meta:
        verbose_name = _("scale score")
        verbose_name_plural = _("scale scores")
        ordering = ["assessment", "scale__name"]
        constraints = [models.UniqueConstraint(fields=["assessment", "scale"], name="scalescore_unique_scale")]

    def __str__(self):
        return f"{self.scale.code} {self.score}"


class PriorityFactor(models.TextChoices):
    UVM_INTENSITY = "uvm_intensity", _("UVM intensity level")
    LIVES_ALONE = "lives_alone", _("Lives alone")
    CAREGIVER_BURDEN = "caregiver_burden", _("Caregiver burden")
    ISEE_BAND = "isee_band", _("ISEE band")
    URGENCY = "urgency", _("Urgency")


class PriorityCriterion(models.Model):
    """A criterion of the Ambito's waiting-list priority (*criteri di priorità*, set by the regolamento di
    accesso): for a factor, the points each value earns, e.g. ``{"1": 0, "2": 5, "3": 10, "4": 15}``
    for UVM intensity. A criterion with ``waiting_list`` set applies to that list only and replaces the
    Ambito-wide criterion for the same factor."""

    ambito = models.ForeignKey("territory.Ambito", on_delete=models.CASCADE, related_name="priority_criteria",
                               verbose_name=_("Ambito"))
    waiting_list = models.ForeignKey("WaitingList", on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="criteria", verbose_name=_("waiting list"))
    factor = models.CharField(_("factor"), max_length=20, choices=PriorityFactor.choices)
    points = models.JSONField(_("points by value"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("priority criterion")
        verbose_name_plural = _("priority criteria")
        ordering = ["ambito", "factor"]

    def __str__(self):
        return self.get_factor_display()


class WaitingList(models.Model):
    """The waiting list of one network service (*lista d'attesa*). ``open_slots`` are the places (or care
    packages) free to be assigned from the list; admissions lock this row so one slot is never given twice."""

    service = models.OneToOneField("network.Service", on_delete=models.PROTECT, related_name="waiting_list",
                                   verbose_name=_("service"))
    open_slots = models.PositiveIntegerField(_("open slots"), default=0)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("waiting list")
        verbose_name_plural = _("waiting lists")
        ordering = ["service__name"]

    def __str__(self):
        return str(self.service)


class EntryStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    ADMITTED = "admitted", _("Admitted")
    REMOVED = "removed", _("Removed")


class RemovalReason(models.TextChoices):
    """Why an entry leaves a waiting list without an admission (the list of the regolamento di accesso)."""

    MOVED_AWAY = "moved_away", _("Moved to another Ambito")
    DECLINED = "declined", _("Declined the service")
    DECEASED = "deceased", _("Deceased")
    NOT_ELIGIBLE = "not_eligible", _("No longer eligible")
    SERVED_ELSEWHERE = "served_elsewhere", _("Served by another service")
    RESIDENTIAL_CARE = "residential", _("Admitted to residential care")
    UNREACHABLE = "unreachable", _("Unreachable after repeated contacts")
    ENTERED_BY_MISTAKE = "mistake", _("Entered by mistake")
    OTHER = "other", _("Other (explain in the note)")


class IseeBand(models.TextChoices):
    UNDER_6K = "under_6k", _("Up to € 6,000")
    FROM_6K_TO_15K = "6k_15k", _("€ 6,000–15,000")
    FROM_15K_TO_30K = "15k_30k", _("€ 15,000–30,000")
    OVER_30K = "over_30k", _("Over € 30,000")
    NOT_GIVEN = "not_given", _("Not given")


class CaregiverBurden(models.TextChoices):
    NONE = "none", _("No caregiver or no burden")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class WaitingListEntry(models.Model):
    """A person waiting for a service. ``priority_score`` is computed from the factors by
    ``services.waiting_list_entry_add`` with the Ambito's criteria (breakdown kept for the explanation);
    the list is ordered by score, then by ``entered_at``. Time waited is computed from the timestamps."""

    waiting_list = models.ForeignKey(WaitingList, on_delete=models.PROTECT, related_name="entries",
                                     verbose_name=_("waiting list"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="waiting_list_entries",
                               verbose_name=_("person"))
    request = models.ForeignKey(AccessRequest, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="waiting_list_entries", verbose_name=_("request"))
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="waiting_list_entries", verbose_name=_("assessment"))
    status = models.CharField(_("status"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.WAITING)
    entered_at = models.DateTimeField(_("entered at"))
    uvm_intensity = models.PositiveSmallIntegerField(_("UVM intensity"), choices=Intensity.choices, null=True,
                                                     blank=True)
    lives_alone = models.BooleanField(_("lives alone"), default=False)
    caregiver_burden = models.CharField(_("caregiver burden"), max_length=10, choices=CaregiverBurden.choices,
                                        default=CaregiverBurden.NONE)
    isee_band = models.CharField(_("ISEE band"), max_length=10, choices=IseeBand.choices,
                                 default=IseeBand.NOT_GIVEN)
    urgency = models.PositiveSmallIntegerField(_("urgency"), choices=Urgency.choices, default=Urgency.NORMAL)
    priority_score = models.DecimalField(_("priority score"), max_digits=6, decimal_places=1, default=0)
    priority_breakdown = models.JSONField(_("priority breakdown"), default=dict, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("added by"))
    admitted_at = models.DateTimeField(_("admitted at"), null=True, blank=True)
    admitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("admitted by"))
    skip_reason = models.CharField(_("reason for skipping the entries above"), max_length=300, blank=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("removed by"))
    removal_reason = models.CharField(_("removal note"), max_length=300, blank=True)
    removal_code = models.CharField(_("removal reason"), max_length=20, choices=RemovalReason.choices, blank=True)
    # A person removed and put back on the same list keeps one clock: ``entered_at`` is the first entry's date,
    # ``rejoined_at`` when they came back, ``previous_entry`` the entry that was removed (the gap is shown).
    previous_entry = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("previous entry"))
    rejoined_at = models.DateTimeField(_("put back on the list at"), null=True, blank=True)

    class Meta:
        verbose_name = _("waiting-list entry")
        verbose_name_plural = _("waiting-list entries")
        ordering = ["waiting_list", "-priority_score", "entered_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["waiting_list", "person"], condition=models.Q(status="waiting"),
                                    name="waitinglistentry_one_waiting_per_person"),
        ]
        indexes = [models.Index(fields=["waiting_list", "status", "priority_score", "entered_at"])]

    def __str__(self):
        return f"{self.waiting_list_id} · {self.person.pseudonym}"


class SlotChangeKind(models.TextChoices):
    RECORDED = "recorded", _("Places recorded")
    ADMISSION = "admission", _("Admission")


class SlotChangeReason(models.TextChoices):
    """Why the free places of a service changed."""

    PACKAGE_ENDED = "package_ended", _("A care package ended")
    NEW_FUNDING = "new_funding", _("New funding or capacity")
    PROVIDER_CAPACITY = "provider_capacity", _("Provider capacity changed")
    CORRECTION = "correction", _("Correction of a mistake")
    OTHER = "other", _("Other (explain in the note)")


class WaitingListSlotChange(models.Model):
    """One change of a list's free places (*posti disponibili*): who, when, from how many to how many, and
    why; admissions are recorded too, so the history adds up to ``WaitingList.open_slots``."""

    waiting_list = models.ForeignKey(WaitingList, on_delete=models.CASCADE, related_name="slot_changes",
                                     verbose_name=_("waiting list"))
    kind = models.CharField(_("kind"), max_length=10, choices=SlotChangeKind.choices)
    slots_before = models.PositiveIntegerField(_("places before"))
    slots_after = models.PositiveIntegerField(_("places after"))
    reason = models.CharField(_("reason"), max_length=20, choices=SlotChangeReason.choices, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    entry = models.ForeignKey(WaitingListEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("entry admitted"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("by"))
    changed_at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("change of free places")
        verbose_name_plural = _("changes of free places")
        ordering = ["waiting_list", "-changed_at", "-id"]
        indexes = [models.Index(fields=["waiting_list", "changed_at"])]

    def __str__(self):
        return f"{self.waiting_list_id}: {self.slots_before} → {self.slots_after}"


class RequestAssignment(models.Model):
    """One assignment of a request (a case) to a case worker, or its release: the history of who followed it."""

    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="assignments",
                                verbose_name=_("request"))
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("case worker"))
    previous = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("previous case worker"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("assigned by"))
    at = models.DateTimeField(_("at"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("case assignment")
        verbose_name_plural = _("case assignments")
        ordering = ["request", "at", "id"]

    def __str__(self):
        return f"{self.request_id} → {self.assigned_to_id or '—'}"


# --- The person's record: contacts, household, guardian; transfers between Comuni ---------------------------


class ContactKind(models.TextChoices):
    CONTACT = "contact", _("Contact person")
    HOUSEHOLD = "household", _("Household member")
    CAREGIVER = "caregiver", _("Family caregiver")
    GUARDIAN = "guardian", _("Legal guardian (tutore)")
    SUPPORT_ADMINISTRATOR = "support_admin", _("Support administrator (amministratore di sostegno)")


class PersonContact(models.Model):
    """Someone around the person (*rete familiare e di supporto*): a contact, a member of the household, a
    caregiver, the legal guardian (*tutore*) or the support administrator (*amministratore di sostegno*, L.
    6/2004, with the court's decree). Never deleted: a contact no longer in force is ended, with a reason."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("person"))
    kind = models.CharField(_("role"), max_length=14, choices=ContactKind.choices)
    name = models.CharField(_("name"), max_length=150)
    relationship = models.CharField(_("relationship"), max_length=80, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lives_with_person = models.BooleanField(_("lives with the person"), default=False)
    court_decree = models.CharField(_("court decree"), max_length=120, blank=True,
                                    help_text=_("For a guardian or support administrator: court and decree number."))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    ended_at = models.DateTimeField(_("no longer in force since"), null=True, blank=True)
    ended_reason = models.CharField(_("why no longer in force"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("person's contact")
        verbose_name_plural = _("person's contacts")
        ordering = ["person", "ended_at", "kind", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.name}"


class PersonTransfer(models.Model):
    """A person moving to another Comune (*trasferimento di residenza / passaggio di consegne*): who handed
    the record over, when, from where, to where and why. The receiving Comune's social service sees the person
    from then on; the sending one keeps what the authorisation matrix gives it (its own care plans' history)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="transfers", verbose_name=_("person"))
    from_comune = models.ForeignKey("territory.Comune", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("from Comune"))
    to_comune = models.ForeignKey("territory.Comune", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("to Comune"))
    moved_on = models.DateField(_("moved on"))
    reason = models.CharField(_("reason"), max_length=300)
    handover_note = models.TextField(_("handover note"), blank=True,
                                     help_text=_("What the receiving social service needs to know."))
    transferred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("handed over by"))
    transferred_at = models.DateTimeField(_("handed over at"), auto_now_add=True)

    class Meta:
        verbose_name = _("transfer to another Comune")
        verbose_name_plural = _("transfers to another Comune")
        ordering = ["person", "-transferred_at", "-id"]
        constraints = [models.CheckConstraint(condition=~models.Q(from_comune=models.F("to_comune")),
                                              name="persontransfer_other_comune")]

    def __str__(self):
        return f"{self.person} {self.from_comune} → {self.to_comune}"


# --- Community access desks (*welfare di accesso di comunità*) ------------------------------------------------


class CommunityDesk(models.Model):
    """A community access desk (*sportello di welfare di accesso di comunità*, seed 004): a place in a Comune
    where social workers and GPs receive people together, at set opening sessions. Requests taken there name
    the desk, and the GP present when the social worker took it makes it a joint assessment."""

    ambito = models.ForeignKey("territory.Ambito", on_delete=models.PROTECT, related_name="community_desks",
                               verbose_name=_("Ambito"))
    comune = models.ForeignKey("territory.Comune", on_delete=models.PROTECT, related_name="community_desks",
                               verbose_name=_("Comune"))
    name = models.CharField(_("name"), max_length=200)
    place = models.CharField(_("place"), max_length=200, help_text=_("Where the desk is held: address, building."))
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="community_desks",
                                   verbose_name=_("staff (social workers and GPs)"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("community access desk")
        verbose_name_plural = _("community access desks")
        ordering = ["comune__name", "name"]

    def __str__(self):
        return self.name


class DeskSession(models.Model):
    """A weekly opening session of a community desk (*apertura*): the day, the hours, who is usually there."""

    desk = models.ForeignKey(CommunityDesk, on_delete=models.CASCADE, related_name="sessions",
                             verbose_name=_("desk"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=[
        (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")),
        (5, _("Saturday"))])
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))
    with_gp = models.BooleanField(_("a GP is present"), default=True)

    class Meta:
        verbose_name = _("desk opening session")
        verbose_name_plural = _("desk opening sessions")
        ordering = ["desk", "weekday", "opens_at"]
        constraints = [models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")),
                                              name="desksession_closes_after_opening")]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"
