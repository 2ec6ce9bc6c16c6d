"""Other parties' plans the Piano di Zona answers to and dialogues with (issue 20, item 4): the ASST's
*Piano di sviluppo del Polo Territoriale* (PPT) and the Region's social plan (*Piano sociale regionale*),
each with its own years and coded objectives. A Piano di Zona objective or intervention links to their
objectives; both sides read the links.

The partner plans are held as reference copies typed in by the planning office: their owners keep the
originals. Imported by ``planning.models`` so Django finds them."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PartnerPlanKind(models.TextChoices):
    PPT = "ppt", _("ASST territorial plan (PPT)")
    REGIONAL = "regional", _("Regional social plan")


class PartnerPlan(models.Model):
    """A plan of another party: the ASST's PPT (``organisation`` is the ASST) or the Region's social plan,
    identified by the ISTAT region code it belongs to (as ``territory.Ambito.region_code``)."""

    kind = models.CharField(_("kind"), max_length=10, choices=PartnerPlanKind.choices)
    region_code = models.CharField(_("ISTAT region code"), max_length=2)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="partner_plans", verbose_name=_("owner"))
    title = models.CharField(_("title"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("first year"), validators=[MinValueValidator(2000)])
    end_year = models.PositiveSmallIntegerField(_("last year"), validators=[MinValueValidator(2000)])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("partner plan")
        verbose_name_plural = _("partner plans")
        ordering = ["region_code", "kind", "-start_year", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")),
                                   name="partner_plan_years_ordered"),
        ]

    def __str__(self):
        return f"{self.title} {self.start_year}–{self.end_year}"

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))


class PartnerObjective(models.Model):
    """A coded objective of a partner plan (a regional strategic line, a PPT objective)."""

    partner_plan = models.ForeignKey(PartnerPlan, on_delete=models.CASCADE, related_name="objectives")
    code = models.CharField(_("code"), max_length=12)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("partner plan objective")
        verbose_name_plural = _("partner plan objectives")
        ordering = ["partner_plan", "code"]
        constraints = [models.UniqueConstraint(fields=["partner_plan", "code"], name="partner_objective_code_unique")]

    def __str__(self):
        return f"{self.code} {self.title}"


class PartnerLink(models.Model):
    """A Piano di Zona objective or intervention (exactly one) that answers to a partner objective, with who
    linked it and when: a link is a reading aid, not content of the plan, so it may be made after approval
    and its author is kept."""

    partner_objective = models.ForeignKey(PartnerObjective, on_delete=models.CASCADE, related_name="links",
                                          verbose_name=_("partner plan objective"))
    objective = models.ForeignKey("planning.Objective", on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="partner_links", verbose_name=_("strategic objective"))
    intervention = models.ForeignKey("planning.Intervention", on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="partner_links", verbose_name=_("intervention"))
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("link to a partner plan")
        verbose_name_plural = _("links to partner plans")
        ordering = ["partner_objective", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(objective__isnull=False, intervention__isnull=True)
                                   | Q(objective__isnull=True, intervention__isnull=False),
                                   name="partner_link_one_side"),
            models.UniqueConstraint(fields=["partner_objective", "objective"], condition=Q(objective__isnull=False),
                                    name="partner_link_objective_once"),
            models.UniqueConstraint(fields=["partner_objective", "intervention"],
                                    condition=Q(intervention__isnull=False), name="partner_link_intervention_once"),
        ]

    def __str__(self):
        return f"{self.objective or self.intervention} → {self.partner_objective}"
