"""Optimistic locking: a record carries a version; a save based on an older version is refused."""

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
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


MISSING_VERSION = _("This form was sent without the version of the record it was based on: reload the page "
                    "and make your change again.")


def save_versioned(instance: VersionedModel, *, expected_version: int | None, fields: list[str]) -> VersionedModel:
    """Write ``fields`` only if the row is still at ``expected_version``; bump the version in the same UPDATE."""
    if expected_version is None:
        expected_version = instance.version
    with transaction.atomic():
        _change_log(instance, fields)
        updated = type(instance).objects.filter(pk=instance.pk, version=expected_version).update(
            **{name: getattr(instance, name) for name in fields}, version=F("version") + 1
        )
        if not updated:
            raise StaleEditError()
    instance.version = expected_version + 1
    return instance


def _change_log(instance, fields) -> None:
    """A queryset UPDATE sends no ``pre_save``: write the change-log entry django-auditlog would have written
    (old values read from the row, before the write; rolled back with it when the save is stale)."""
    from auditlog.receivers import log_update
    from auditlog.registry import auditlog

    if auditlog.contains(type(instance)):
        log_update(sender=type(instance), instance=instance, update_fields=fields)


def stale_conflict(error: StaleEditError, current: dict) -> dict:
    """Body of an API's 409 for a stale save: the refusal and the record as it is saved now, with its version,
    so the client can show the other person's change and send its own again on top of it."""
    return {"detail": error.messages, "code": "stale", "current_version": current.get("version"), "current": current}


# Concurrent creations --------------------------------------------------------------------------------------
# A check-then-insert ("is this person already registered?") races: two requests both find nothing and both
# insert. Where a unique constraint cannot say what a duplicate is (two real people may share a name and a birth
# date), the check and the insert run under a lock on what they look at, held until the transaction ends.

ADVISORY_NAMESPACE = 0x414D4249  # "AMBI": the first key of the two-key form, so other users of advisory locks
# (another application sharing the database, pg_dump helpers) never wait on ours.

CONFLICT_MESSAGE = _("Someone else saved a record that conflicts with this one at the same moment. Reload the page, "
                     "check what is saved now, then try again if still needed.")


def advisory_lock(*keys: str) -> None:
    """Take PostgreSQL transaction-level advisory locks on ``keys`` (text, hashed), in a fixed order so two
    transactions wanting the same keys queue instead of deadlocking; released at COMMIT or ROLLBACK. A no-op on
    SQLite, where a write transaction (``BEGIN IMMEDIATE``) already excludes every other. A hash collision only
    makes two unrelated registrations wait for each other."""
    if connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        raise RuntimeError("advisory_lock() outside a transaction would be released at once")
    with connection.cursor() as cursor:
        for key in sorted(set(keys)):
            cursor.execute("SELECT pg_advisory_xact_lock(%s::integer, hashtext(%s))", [ADVISORY_NAMESPACE, key])
