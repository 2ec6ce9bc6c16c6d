import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ambito.core.concurrency import VersionedModel
from ambito.network.taxonomy import Area, Fee, ServiceType


class TaxonomyTerm(models.Model):
    """A code of the CISIS *Nomenclatore degli interventi e servizi sociali* (e.g. A1.04)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=300)
    macro_area = models.CharField(_("macro-area"), max_length=1, blank=True,
                                  help_text=_("A services, B money transfers, C facilities."))
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")

    class Meta:
        verbose_name = _("Nomenclatore code")
        verbose_name_plural = _("Nomenclatore codes")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class CapacityUnit(models.TextChoices):
    PLACES = "places", _("places")
    HOURS_PER_WEEK = "hours_week", _("hours per week")


class LegalForm(models.TextChoices):
    PUBLIC_BODY = "public_body", _("Public body")
    SOCIAL_COOPERATIVE = "social_cooperative", _("Social cooperative")
    ASSOCIATION = "association", _("Association")
    FOUNDATION = "foundation", _("Foundation")
    SOCIAL_ENTERPRISE = "social_enterprise", _("Social enterprise")
    OTHER = "other", _("Other")


class RuntsSection(models.TextChoices):
    """Sections of the *Registro Unico Nazionale del Terzo Settore* (D.Lgs. 117/2017, art. 46)."""

    ODV = "a", _("a) Voluntary organisations (ODV)")
    APS = "b", _("b) Social promotion associations (APS)")
    PHILANTHROPIC = "c", _("c) Philanthropic entities")
    SOCIAL_ENTERPRISE = "d", _("d) Social enterprises, including social cooperatives")
    NETWORK = "e", _("e) Associative networks")
    MUTUAL_AID = "f", _("f) Mutual aid societies")
    OTHER = "g", _("g) Other Third-Sector entities")


class AccreditationStatus(models.TextChoices):
    """*Accreditamento* with the Ambito (L. 328/2000 art. 11; regional rules)."""

    NONE = "none", _("Not accredited")
    PENDING = "pending", _("Application under review")
    ACCREDITED = "accredited", _("Accredited")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")


class ProviderProfile(VersionedModel):
    """Provider data of an organisation (*ente erogatore*): legal form, RUNTS registration for ETS,
    accreditation with the Ambito, public contacts. One per organisation; accounts owns the organisation."""

    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.CASCADE,
                                        related_name="provider_profile", verbose_name=_("organisation"))
    hsds_id = models.UUIDField(_("HSDS identifier"), default=uuid.uuid4, unique=True, editable=False)
    description = models.TextField(_("description"), blank=True)
    legal_form = models.CharField(_("legal form"), max_length=20, choices=LegalForm.choices, blank=True)
    runts_number = models.CharField(_("RUNTS number"), max_length=30, blank=True,
                                    help_text=_("Registration number in the national Third-Sector register."))
    runts_section = models.CharField(_("RUNTS section"), max_length=1, choices=RuntsSection.choices, blank=True)
    areas = models.JSONField(_("areas of activity"), default=list, blank=True)
    accreditation_status = models.CharField(_("accreditation"), max_length=12, choices=AccreditationStatus.choices,
                                            default=AccreditationStatus.NONE)
    accreditation_date = models.DateField(_("accredited on"), null=True, blank=True)
    accreditation_expiry = models.DateField(_("accreditation expires on"), null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    extra = models.JSONField(_("other HSDS fields"), default=dict, blank=True,
                             help_text=_("Fields received from other systems that Ambito keeps unchanged."))
    hsds_source = models.JSONField(default=dict, blank=True, editable=False)
    hsds_baseline = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("provider profile")
        verbose_name_plural = _("provider profiles")

    def __str__(self):
        return str(self.organisation)


class Location(models.Model):
    """A place where services are delivered (HSDS *location*)."""

    hsds_id = models.UUIDField(_("HSDS identifier"), default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="locations", verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    comune = models.ForeignKey("territory.Comune", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="service_locations", verbose_name=_("Comune"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    transportation = models.CharField(_("how to get there"), max_length=300, blank=True)
    accessibility = models.CharField(_("accessibility"), max_length=300, blank=True,
                                     help_text=_("E.g. step-free access, lift, accessible toilet."))
    extra = models.JSONField(_("other HSDS fields"), default=dict, blank=True)
    hsds_source = models.JSONField(default=dict, blank=True, editable=False)
    hsds_baseline = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Service(VersionedModel):
    """A service of the Ambito's catalogue (Open Referral HSDS *service*), offered by one organisation."""

    ambito = models.ForeignKey("territory.Ambito", on_delete=models.PROTECT, related_name="services",
                               verbose_name=_("Ambito"))
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="services",
                                 verbose_name=_("provider"))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    service_type = models.CharField(_("service type"), max_length=30, choices=ServiceType.choices)
    area = models.CharField(_("area"), max_length=20, choices=Area.choices)
    taxonomy_term = models.ForeignKey(TaxonomyTerm, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="services", verbose_name=_("Nomenclatore code"))
    leps = models.JSONField(_("LEPS"), default=list, blank=True,
                            help_text=_("Essential levels (LEPS) the service contributes to."))
    comuni = models.ManyToManyField("territory.Comune", related_name="services", verbose_name=_("Comuni covered"))
    capacity_unit = models.CharField(_("capacity unit"), max_length=12, choices=CapacityUnit.choices,
                                     default=CapacityUnit.PLACES)
    capacity = models.DecimalField(_("capacity"), max_digits=9, decimal_places=1, null=True, blank=True)
    vacancies = models.IntegerField(_("current vacancies"), null=True, blank=True)
    estimated_wait_days = models.PositiveIntegerField(_("estimated wait (days)"), null=True, blank=True)
    target_wait_days = models.PositiveIntegerField(_("target wait (days)"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # HSDS-shaped public description
    hsds_id = models.UUIDField(_("HSDS identifier"), default=uuid.uuid4, unique=True, editable=False)
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    isee_max = models.DecimalField(_("ISEE threshold (EUR)"), max_digits=9, decimal_places=2, null=True, blank=True,
                                   help_text=_("Highest ISEE admitted; empty when there is no income limit."))
    eligibility_description = models.TextField(_("who can apply"), blank=True)
    application_process = models.TextField(_("how to access"), blank=True)
    fee = models.CharField(_("fees"), max_length=12, choices=Fee.choices, default=Fee.FREE)
    fees_description = models.CharField(_("fee details"), max_length=300, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True,
                                 help_text=_("ISO 639-1 codes of the languages spoken, e.g. it, en, ar."))
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    url = models.URLField(_("web page"), blank=True)
    locations = models.ManyToManyField(Location, through="ServiceAtLocation", related_name="services",
                                       verbose_name=_("locations"))
    staffed_by = models.ManyToManyField("accounts.Organisation", blank=True, related_name="staffed_services",
                                        verbose_name=_("staffed by"),
                                        help_text=_("For info-points: the organisations whose people staff it."))
    extra = models.JSONField(_("other HSDS fields"), default=dict, blank=True,
                             help_text=_("Fields received from other systems that Ambito keeps unchanged."))
    # The HSDS document as another system sent it, and Ambito's own rendering of it right after the import:
    # an export gives back the source's value of every field Ambito has not changed since (``hsds.export``).
    hsds_source = models.JSONField(default=dict, blank=True, editable=False)
    hsds_baseline = models.JSONField(default=dict, blank=True, editable=False)
    # The directory's search document: every label a person may type (name, text, Nomenclatore term, area,
    # type, target groups, provider, Comuni), folded to lower-case ASCII; and its Snowball Italian stems for
    # databases without full-text search (``network.search``).
    search_text = models.TextField(blank=True, editable=False)
    search_stems = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]
        indexes = [models.Index(fields=["ambito", "service_type"]), models.Index(fields=["area"])]

    def __str__(self):
        return self.name

    @property
    def is_info_point(self) -> bool:
        return self.service_type == ServiceType.INFO_POINT


class ServiceAtLocation(models.Model):
    """HSDS *service_at_location*: a service offered at one place."""

    hsds_id = models.UUIDField(_("HSDS identifier"), default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_locations")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="service_locations")
    description = models.CharField(_("description"), max_length=300, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("service at location")
        verbose_name_plural = _("services at locations")
        constraints = [models.UniqueConstraint(fields=["service", "location"], name="service_at_location_unique")]

    def __str__(self):
        return f"{self.service_id} @ {self.location_id}"


class Weekday(models.IntegerChoices):
    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")
    SUNDAY = 7, _("Sunday")


class Schedule(models.Model):
    """Opening hours of a service (*orari*), one weekly slot per row (HSDS *schedule*, freq=WEEKLY)."""

    hsds_id = models.UUIDField(_("HSDS identifier"), default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules")
    location = models.ForeignKey(Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")),
                                   name="schedule_closes_after_opening"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class ContactChannel(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    ONLINE = "online", _("Online")


class ContactTopic(models.TextChoices):
    INFORMATION = "information", _("Information on services")
    BENEFITS = "benefits", _("Benefits and exemptions")
    CARE_PATH = "care_path", _("Care path and appointments")
    PSYCHOLOGICAL = "psychological", _("Psychological support")
    CAREGIVER = "caregiver", _("Caregiver support")
    TRANSPORT = "transport", _("Transport")
    OTHER = "other", _("Other")


class InfoPointContact(models.Model):
    """One contact at an info-point (*registro contatti*). Deliberately anonymous: no name, no tax code,
    no free text — only what is needed to count contacts by channel and topic and to follow referrals."""

    info_point = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="info_point_contacts",
                                   verbose_name=_("info-point"))
    date = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=10, choices=ContactChannel.choices)
    topic = models.CharField(_("topic"), max_length=15, choices=ContactTopic.choices)
    referred_to = models.ForeignKey(Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("referred to"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("info-point contact")
        verbose_name_plural = _("info-point contacts")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["info_point", "date"])]

    def __str__(self):
        return f"{self.date} {self.channel} {self.topic}"


class SearchSynonym(models.Model):
    """A word people type and what the catalogue calls it (*badante* → *assistenza domiciliare*), edited by
    the planning office; the directory searches for the word or any of its alternatives."""

    ambito = models.ForeignKey("territory.Ambito", on_delete=models.CASCADE, related_name="search_synonyms")
    term = models.CharField(_("word"), max_length=60)
    alternatives = models.CharField(_("also search for"), max_length=300,
                                    help_text=_("Words or phrases separated by commas."))

    class Meta:
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")
        ordering = ["term"]
        constraints = [models.UniqueConstraint(fields=["ambito", "term"], name="search_synonym_unique")]

    def __str__(self):
        return f"{self.term} → {self.alternatives}"

    @property
    def phrases(self) -> list[str]:
        return [p.strip() for p in self.alternatives.split(",") if p.strip()]


class HsdsTaxonomyRecord(models.Model):
    """A taxonomy or taxonomy term another system sent (HSDS *taxonomy*, *taxonomy_term*), kept as sent and
    served by the HSDS API beside the Nomenclatore."""

    hsds_id = models.UUIDField(unique=True)
    kind = models.CharField(max_length=20, choices=[("taxonomy", "taxonomy"), ("taxonomy_term", "taxonomy_term")])
    document = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("HSDS taxonomy record")
        verbose_name_plural = _("HSDS taxonomy records")
        ordering = ["kind", "hsds_id"]

    def __str__(self):
        return self.document.get("name") or str(self.hsds_id)


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("To review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class HsdsImport(models.Model):
    """An HSDS file received from another system, waiting for the planning office: nothing of it is written
    to the catalogue (nor shown to the public) until the office approves it and names the Comuni it covers."""

    ambito = models.ForeignKey("territory.Ambito", on_delete=models.CASCADE, related_name="hsds_imports")
    source_name = models.CharField(_("file"), max_length=200)
    documents = models.JSONField(default=list)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    comuni = models.ManyToManyField("territory.Comune", blank=True, related_name="+", verbose_name=_("Comuni"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("HSDS import")
        verbose_name_plural = _("HSDS imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.source_name} ({self.get_status_display()})"
