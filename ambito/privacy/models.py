"""Requests of data subjects under the GDPR (*richieste degli interessati*, art. 15–22), recorded and decided
by the data protection officer (RPD/DPO). Executing an erasure or a limitation goes through
``privacy.services``; the sources of personal data are declared in ``privacy.registry``."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Art. 12(3): an answer within one month of receipt (extendable by two months, with reasons).
ANSWER_DAYS = 30


class PrivacyRequestKind(models.TextChoices):
    ACCESS = "access", _("Access (art. 15)")
    RECTIFICATION = "rectification", _("Rectification (art. 16)")
    ERASURE = "erasure", _("Erasure (art. 17)")
    RESTRICTION = "restriction", _("Restriction of processing (art. 18)")
    OBJECTION = "objection", _("Objection (art. 21)")


class PrivacyRequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Rejected")


OPEN_STATUSES = (PrivacyRequestStatus.RECEIVED, PrivacyRequestStatus.IN_PROGRESS)


def due_by_for(received_at) -> datetime.date:
    return (received_at + datetime.timedelta(days=ANSWER_DAYS)).date()


class PrivacyRequest(models.Model):
    """A request of a person exercising a GDPR right (*istanza dell'interessato*): when it arrived, by when it
    must be answered (``due_by``, art. 12(3)), who decided, with which outcome and, for erasure and
    limitation, what was done to each source (``result``: counts per source, no personal data)."""

    ambito = models.ForeignKey("territory.Ambito", on_delete=models.PROTECT, related_name="privacy_requests",
                               verbose_name=_("Ambito"))
    person = models.ForeignKey("access.Person", on_delete=models.PROTECT, related_name="privacy_requests",
                               verbose_name=_("person"))
    kind = models.CharField(_("right exercised"), max_length=14, choices=PrivacyRequestKind.choices)
    received_at = models.DateTimeField(_("received at"))
    due_by = models.DateField(_("answer due by"))
    status = models.CharField(_("status"), max_length=12, choices=PrivacyRequestStatus.choices,
                              default=PrivacyRequestStatus.RECEIVED, db_index=True)
    notes = models.TextField(_("notes"), blank=True,
                             help_text=_("How the request arrived and what it asks. Write no more than needed."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True,
                               help_text=_("The answer given to the person, with the reasons when refused."))
    result = models.JSONField(_("what was done"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("privacy request")
        verbose_name_plural = _("privacy requests")
        ordering = ["due_by", "id"]
        indexes = [models.Index(fields=["ambito", "status", "due_by"])]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.person.pseudonym}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
