"""Signed documents kept beside their records (issue 20, item 6): the signed *Accordo di Programma* beside the
plan's parties, and the minutes (*verbale*) of a co-programming meeting beside the meeting. PDF only, stored in
the private storage (never under MEDIA), served by an access-checked view to whoever may read the plan.
Imported by ``planning.models`` so Django finds them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ambito.core.models import _private_storage


class PlanFileKind(models.TextChoices):
    AGREEMENT = "agreement", _("Signed Accordo di Programma")
    MINUTES = "minutes", _("Meeting minutes")


class PlanFile(models.Model):
    plan = models.ForeignKey("planning.Plan", on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=10, choices=PlanFileKind.choices)
    meeting = models.ForeignKey("planning.Meeting", on_delete=models.CASCADE, null=True, blank=True,
                                related_name="files", verbose_name=_("meeting"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    file = models.FileField(_("file"), storage=_private_storage, upload_to="planning/files/%Y/")
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan document")
        verbose_name_plural = _("plan documents")
        ordering = ["plan", "kind", "-uploaded_at", "id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(kind="agreement", meeting__isnull=True) | models.Q(kind="minutes",
                                                                                 meeting__isnull=False),
            name="plan_file_minutes_have_a_meeting")]

    def __str__(self):
        return self.title or self.original_name
