"""Optimistic locking: a record carries a version; a save based on an older version is refused."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class StaleEditError(ValidationError):
    def __init__(self):
        super().__init__(
            _("Someone else saved this record after you opened it. Reload the page to see their changes, "
              "then apply yours again."),
            code="stale",
        )


def save_versioned(instance: VersionedModel, *, expected_version: int | None, fields: list[str]) -> VersionedModel:
    """Write ``fields`` only if the row is still at ``expected_version``; bump the version in the same UPDATE."""
    if expected_version is None:
        expected_version = instance.version
    updated = type(instance).objects.filter(pk=instance.pk, version=expected_version).update(
        **{name: getattr(instance, name) for name in fields}, version=F("version") + 1
    )
    if not updated:
        raise StaleEditError()
    instance.version = expected_version + 1
    return instance
