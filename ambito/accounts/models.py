from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from ambito.accounts.roles import Role


class OrganisationKind(models.TextChoices):
    COMUNE = "comune", _("Comune")
    HEALTH_AUTHORITY = "health_authority", _("Health authority (ASL/ASST/ATS)")
    HEALTH_DISTRICT = "health_district", _("Health district")
    ETS = "ets", _("Third-Sector entity (ETS)")
    PLANNING_OFFICE = "planning_office", _("Planning office (Ufficio di Piano)")
    REGION = "region", _("Region")
    OTHER = "other", _("Other public body")


class Organisation(models.Model):
    """An organisation that acts in the Ambito (*ente*): a Comune, the ASL and its districts, an ETS,
    the Ufficio di Piano, the Region. People work for it through memberships."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    ambito = models.ForeignKey(
        "territory.Ambito",
        verbose_name=_("Ambito"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        help_text=_("The Ambito the organisation belongs to or works in; empty for a Region."),
    )
    comune = models.OneToOneField(
        "territory.Comune",
        verbose_name=_("Comune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisation",
        help_text=_("For a Comune: the territorial Comune it governs."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("For a health district: its health authority."),
    )
    comuni_served = models.ManyToManyField(
        "territory.Comune",
        verbose_name=_("Comuni served"),
        blank=True,
        related_name="serving_organisations",
    )
    region_code = models.CharField(
        _("ISTAT region code"), max_length=2, blank=True, help_text=_("For a Region: e.g. 03 for Lombardia.")
    )
    tax_code = models.CharField(_("tax code"), max_length=16, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["ambito", "name"], name="organisation_unique_name_in_ambito"),
            models.CheckConstraint(
                condition=models.Q(kind="comune", comune__isnull=False) | ~models.Q(kind="comune"),
                name="organisation_comune_kind_has_comune",
            ),
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A user works for an organisation with one role. Several memberships are allowed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role"),
        ]
        indexes = [models.Index(fields=["user", "active"])]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"


class AccessAction(models.TextChoices):
    READ = "read", _("read")
    LIST = "list", _("listed")
    CREATE = "create", _("created")
    UPDATE = "update", _("updated")
    DELETE = "delete", _("deleted")
    EXPORT = "export", _("exported")
    DENIED = "denied", _("access denied")


class AccessPurpose(models.TextChoices):
    """Why personal data was touched (*finalità del trattamento*), as a short code the DPO can filter on.
    Call sites pass a free-text detail; the code is inferred from the record type when they do not give one."""

    CARE = "care", _("Care of the person")
    INTAKE = "intake", _("Access and intake (PUA)")
    ASSESSMENT = "assessment", _("Multidimensional assessment (UVM)")
    REFERRAL = "referral", _("Referral to a provider")
    REPORTING = "reporting", _("Statutory reporting and exports")
    ADMINISTRATION = "administration", _("Administration of the catalogue")
    AUDIT = "audit", _("Audit of accesses")
    GDPR_REQUEST = "gdpr_request", _("Data subject request (GDPR)")
    OTHER = "other", _("Other")


class AppendOnlyError(Exception):
    """An attempt to change or remove an access log entry outside the retention purge."""


class AccessLogQuerySet(models.QuerySet):
    """Entries are evidence: no bulk UPDATE or DELETE. The retention purge deletes through ``_purge``."""

    def update(self, **kwargs):
        raise AppendOnlyError("the access log is append-only: entries cannot be updated")

    def delete(self):
        raise AppendOnlyError("the access log is append-only: entries cannot be deleted")

    def _purge(self) -> int:
        """Delete without the guard; only ``accounts.services.access_log_purge`` calls it (and on
        PostgreSQL only inside its transaction with ``ambito.retention_purge`` on)."""
        return self._raw_delete(self.db)


class AccessLog(models.Model):
    """Who touched which personal record, for which organisation and role, how, why and when (GDPR art. 5(2),
    30 and 32 accountability; *registro degli accessi*).

    Rows are written only through ``accounts.services.access_log_record(s)``; they hold record ids, never
    the personal data itself. Append-only: the model, its queryset and (on PostgreSQL) a trigger refuse
    updates and deletes; only the retention purge removes entries older than ``ACCESS_LOG_RETENTION_DAYS``."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("acting for")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    # Indexes: every list page appends a row per record shown, so each index costs every page; the ones below
    # and in Meta serve the reads (a person's trail, a record's, a DPO's filters), with no single-column twin
    # of a composite and no LIKE index (no read searches by prefix).
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("record type"),
                                     db_index=False)
    object_id = models.CharField(_("record id"), max_length=64)
    record = GenericForeignKey("content_type", "object_id")
    # A plain id, not a foreign key: the trail of a person must survive the erasure of the person's record
    # (GDPR art. 17 erases the data, not the evidence of who processed it), and accounts must not depend on
    # the access app.
    person_id = models.BigIntegerField(
        _("person id"), null=True, blank=True,
        help_text=_("The id of the person the record is about (their requests, plans, referrals...)."),
    )
    person_ref = models.CharField(
        _("person pseudonym"), max_length=64, blank=True,
        help_text=_("The pseudonym of the person the record is about, so one person's trail can be read back."),
    )
    action = models.CharField(_("action"), max_length=10, choices=AccessAction.choices)
    purpose_code = models.CharField(
        _("purpose"), max_length=20, choices=AccessPurpose.choices, default=AccessPurpose.OTHER
    )
    purpose = models.CharField(_("purpose detail"), max_length=200)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["person_id", "-at"], name="accesslog_person_at"),
            models.Index(fields=["person_ref"], name="accesslog_person_ref"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.content_type.model}#{self.object_id}"

    def save(self, *args, **kwargs):
        # A row with a pk already set would be saved as an UPDATE: refuse that too.
        if not self._state.adding or self.pk is not None:
            raise AppendOnlyError("the access log is append-only: entries cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("the access log is append-only: entries cannot be deleted")
