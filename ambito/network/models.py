from django.db import models
from django.utils.translation import gettext_lazy as _

from ambito.core.concurrency import VersionedModel
from ambito.network.taxonomy import Area, ServiceType


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

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]
        indexes = [models.Index(fields=["ambito", "service_type"]), models.Index(fields=["area"])]

    def __str__(self):
        return self.name
