"""Writes of the accounts app. ``access_log_record`` is the one helper every app calls when it reads
or writes a person's record."""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

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


@transaction.atomic
def membership_grant(*, user, organisation: Organisation, role: str) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        user=user, organisation=organisation, role=role, defaults={"active": True}
    )
    if hasattr(user, "_ambito_scope"):
        del user._ambito_scope
    return membership
