"""Writes of the accounts app. ``access_log_record`` is the one helper every app calls when it reads
or writes a person's record."""

import contextvars
import functools
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from ambito.accounts.models import AccessAction, AccessLog, Membership, Organisation


def _person_ref(record) -> str:
    for attribute in ("pseudonym", "person_pseudonym"):
        value = getattr(record, attribute, None)
        if value:
            return str(value)
    person = getattr(record, "person", None)
    return str(getattr(person, "pseudonym", "") or "") if person is not None else ""


def access_log_record(*, actor, record, action: str, purpose: str, organisation=None) -> AccessLog:
    """Record one read or write of a personal record (GDPR art. 5(2) accountability)."""
    if action not in AccessAction.values:
        raise ValueError(f"unknown access action {action!r}")
    return AccessLog.objects.create(
        user=actor if actor is not None and actor.is_authenticated else None,
        organisation=organisation,
        content_type=ContentType.objects.get_for_model(record),
        object_id=str(record.pk),
        person_ref=_person_ref(record),
        action=action,
        purpose=purpose[:200],
    )


def access_log_records(*, actor, records: Iterable, action: str, purpose: str) -> int:
    """Record reads of many records at once (a list page) in one INSERT."""
    rows = []
    content_types: dict = {}
    user = actor if actor is not None and actor.is_authenticated else None
    for record in records:
        model = type(record)
        if model not in content_types:
            content_types[model] = ContentType.objects.get_for_model(model)
        rows.append(
            AccessLog(
                user=user,
                content_type=content_types[model],
                object_id=str(record.pk),
                person_ref=_person_ref(record),
                action=action,
                purpose=purpose[:200],
            )
        )
    AccessLog.objects.bulk_create(rows)
    return len(rows)


# Refusals found inside a service's transaction are written after it ends: a refusal usually rolls the
# transaction back, and the evidence of the attempt must not roll back with it. Only the outermost
# ``atomic_service`` collects and writes them.
_pending_denials: contextvars.ContextVar = contextvars.ContextVar("pending_denials", default=None)


def access_note_denial(*, actor, record, purpose: str) -> None:
    """Log a refused touch of a record as DENIED (deferred to the end of the enclosing service)."""
    if record is None or not getattr(record, "pk", None):
        return
    pending = _pending_denials.get()
    if pending is None:
        access_log_record(actor=actor, record=record, action=AccessAction.DENIED, purpose=purpose)
    else:
        pending.append((actor, record, purpose))


def access_deny(*, actor, record, purpose: str):
    """Refuse and leave a trace in the access log."""
    access_note_denial(actor=actor, record=record, purpose=purpose)
    raise PermissionDenied(_("You cannot do this on this record."))


def atomic_service(function):
    """``transaction.atomic`` for a service whose refusals must stay in the access log after a rollback."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if _pending_denials.get() is not None:
            with transaction.atomic():
                return function(*args, **kwargs)
        pending: list = []
        token = _pending_denials.set(pending)
        try:
            with transaction.atomic():
                return function(*args, **kwargs)
        finally:
            _pending_denials.reset(token)
            for actor, record, purpose in pending:
                access_log_record(actor=actor, record=record, action=AccessAction.DENIED, purpose=purpose)

    return wrapper


@transaction.atomic
def membership_grant(*, user, organisation: Organisation, role: str) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        user=user, organisation=organisation, role=role, defaults={"active": True}
    )
    if hasattr(user, "_ambito_scope"):
        del user._ambito_scope
    return membership
