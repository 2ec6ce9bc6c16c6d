"""A plan's year closed for monitoring, and the measured values it froze."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanYearClosure(models.Model):
    """A year of a Piano di Zona closed for monitoring: the measured values of its linked indicators are
    kept as they were computed that day (``FrozenMeasure``), so later corrections to the records do not
    change what the plan reported."""

    plan = models.ForeignKey("planning.Plan", on_delete=models.CASCADE, related_name="monitoring_closures",
                             verbose_name=_("plan"))
    year = models.PositiveSmallIntegerField(_("year"))
    closed_at = models.DateTimeField(_("closed at"))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")

    class Meta:
        verbose_name = _("plan year closed for monitoring")
        verbose_name_plural = _("plan years closed for monitoring")
        ordering = ["plan", "year"]
        constraints = [models.UniqueConstraint(fields=["plan", "year"], name="monitoring_one_closure_per_year")]

    def __str__(self):
        return f"{self.plan} — {self.year}"


class FrozenMeasure(models.Model):
    """The value a linked indicator of the plan had for a closed year, with the day it was computed."""

    closure = models.ForeignKey(PlanYearClosure, on_delete=models.CASCADE, related_name="measures")
    plan_indicator = models.ForeignKey("planning.Indicator", on_delete=models.CASCADE, related_name="+",
                                       verbose_name=_("indicator of the plan"))
    code = models.SlugField(_("monitoring indicator"), max_length=60)
    value = models.DecimalField(_("measured value"), max_digits=14, decimal_places=2, null=True, blank=True)
    suppressed = models.BooleanField(_("withheld (small cell)"), default=False)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("frozen measured value")
        verbose_name_plural = _("frozen measured values")
        constraints = [models.UniqueConstraint(fields=["closure", "plan_indicator"],
                                               name="monitoring_one_frozen_measure")]

    def __str__(self):
        return f"{self.code} {self.closure.year}: {self.value}"
