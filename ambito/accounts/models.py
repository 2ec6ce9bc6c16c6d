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


class AccessLog(models.Model):
    """Who touched which personal record, how, why and when (GDPR art. 30 and 32 accountability).

    Rows are written only through ``accounts.services.access_log_record``; they hold record ids, never
    the personal data itself."""

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
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("record type"))
    object_id = models.CharField(_("record id"), max_length=64)
    record = GenericForeignKey("content_type", "object_id")
    person_ref = models.CharField(
        _("person pseudonym"), max_length=64, blank=True, db_index=True,
        help_text=_("The pseudonym of the person the record is about, so one person's trail can be read back."),
    )
    action = models.CharField(_("action"), max_length=10, choices=AccessAction.choices)
    purpose = models.CharField(_("purpose"), max_length=200)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.content_type.model}#{self.object_id}"
