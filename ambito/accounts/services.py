"""Writes of the accounts app. ``access_log_record`` is the one helper every app calls when it reads
or writes a person's record."""

import contextlib
import contextvars
import datetime
import functools
import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ambito.accounts.models import AccessAction, AccessLog, AccessPurpose, Membership, Organisation
from ambito.accounts.roles import Role
from ambito.accounts.selectors import scope_for

logger = logging.getLogger(__name__)


PERSON_MODEL = "access.person"

# The purpose a read or write serves when the call site does not name one, by record type, then by app.
PURPOSE_BY_MODEL = {
    "access.person": AccessPurpose.CARE,
    "access.consent": AccessPurpose.CARE,
    "access.assessment": AccessPurpose.ASSESSMENT,
    "access.scalescore": AccessPurpose.ASSESSMENT,
    "care.referral": AccessPurpose.REFERRAL,
    "care.referrallink": AccessPurpose.REFERRAL,
    "care.delivery": AccessPurpose.REFERRAL,
    "accounts.accesslog": AccessPurpose.AUDIT,
}
PURPOSE_BY_APP = {
    "access": AccessPurpose.INTAKE,
    "care": AccessPurpose.CARE,
    "monitoring": AccessPurpose.REPORTING,
    "core": AccessPurpose.REPORTING,
    "network": AccessPurpose.ADMINISTRATION,
    "privacy": AccessPurpose.GDPR_REQUEST,
}
# When a user holds several roles, the one an access is most likely made in (case work first).
ROLE_PRIORITY = (Role.SOCIAL_WORKER, Role.HEALTH_OPERATOR, Role.GP, Role.PROVIDER_OPERATOR, Role.DATA_PROTECTION_OFFICER,
                 Role.SIUSS_OFFICER, Role.PLANNER, Role.ADMINISTRATOR, Role.REGIONAL_OBSERVER)


def _person_of(record) -> tuple[int | None, str]:
    """The id and pseudonym of the person a record is about (the person itself, or the person of a request,
    plan, referral...); ``(None, "")`` for records about no one."""
    if record._meta.label_lower == PERSON_MODEL:
        return record.pk, str(record.pseudonym or "")
    if isinstance(record, AccessLog):
        return record.person_id, record.person_ref
    pseudonym = str(getattr(record, "person_pseudonym", "") or "")  # records that carry it denormalised
    person = getattr(record, "person", None)
    if person is not None:
        return person.pk, pseudonym or str(getattr(person, "pseudonym", "") or "")
    return getattr(record, "person_id", None), pseudonym


def infer_purpose(record, purpose: str) -> str:
    """The purpose code of an access: the one given if it is a code or starts with one (``"code: detail"``), else
    the default of the record type."""
    if purpose in AccessPurpose.values:
        return purpose
    prefix = purpose.partition(":")[0].strip()  # "gdpr_request: erasure art. 17" names its code first
    if prefix in AccessPurpose.values:
        return prefix
    meta = record._meta
    return PURPOSE_BY_MODEL.get(meta.label_lower) or PURPOSE_BY_APP.get(meta.app_label, AccessPurpose.OTHER)


def _acting_as(user, organisation, role) -> tuple[str, int | None]:
    """The role and organisation a user acts in: as given, else read from the user's memberships (the scope is
    cached on the user, so a request that already checked permissions pays no query)."""
    organisation_id = getattr(organisation, "pk", organisation)
    if user is None or (role and organisation_id):
        return role or "", organisation_id
    by_role = scope_for(user).by_role
    candidates = [r for r in ROLE_PRIORITY if r in by_role
                  and (organisation_id is None or organisation_id in by_role[r].organisation_ids)]
    if role:
        candidates = [role] if role in by_role else []
    if not candidates:
        return role or "", organisation_id
    chosen = candidates[0]
    if organisation_id is None and len(by_role[chosen].organisation_ids) == 1:
        organisation_id = next(iter(by_role[chosen].organisation_ids))
    return chosen, organisation_id


def _entry(*, user, record, content_type, action, purpose, detail, organisation_id, role) -> AccessLog:
    person_id, person_ref = _person_of(record)
    code = infer_purpose(record, purpose)
    return AccessLog(
        user=user,
        organisation_id=organisation_id,
        role=role,
        content_type=content_type,
        object_id=str(record.pk),
        person_id=person_id,
        person_ref=person_ref,
        action=action,
        purpose_code=code,
        purpose=_purpose_text(purpose, code, detail),
    )


def _purpose_text(purpose: str, code: str, detail: str) -> str:
    return (detail or (purpose if purpose != code else str(AccessPurpose(code).label)))[:200]


def _check_action(action: str) -> None:
    if action not in AccessAction.values:
        raise ValueError(f"unknown access action {action!r}")


def access_log_record(*, actor, record, action: str, purpose: str, organisation=None, role: str = "",
                      detail: str = "") -> AccessLog:
    """Record one read or write of a personal record (GDPR art. 5(2) accountability).

    ``purpose`` is a purpose code (``AccessPurpose``) or, as most call sites give, a free-text detail from
    which the code is inferred by record type; ``organisation`` and ``role`` default to the actor's own."""
    _check_action(action)
    user = actor if actor is not None and actor.is_authenticated else None
    role, organisation_id = _acting_as(user, organisation, role)
    entry = _entry(user=user, record=record, content_type=ContentType.objects.get_for_model(record), action=action,
                   purpose=purpose, detail=detail, organisation_id=organisation_id, role=role)
    entry.save(force_insert=True)
    return entry


def access_log_records(*, actor, records: Iterable, action: str, purpose: str, detail: str = "") -> int:
    """Record reads of many records at once (a list page) in one INSERT."""
    _check_action(action)
    user = actor if actor is not None and actor.is_authenticated else None
    role, organisation_id = _acting_as(user, None, "")
    rows = []
    per_model: dict = {}  # model -> (content type, purpose code, text): the same for every row of a page
    at, user_id = timezone.now(), getattr(user, "pk", None)
    for record in records:
        model = type(record)
        if model not in per_model:
            code = infer_purpose(record, purpose)
            per_model[model] = (ContentType.objects.get_for_model(model).pk, code, _purpose_text(purpose, code, detail))
        content_type_id, code, text = per_model[model]
        person_id, person_ref = _person_of(record)
        rows.append((at, user_id, organisation_id, role, content_type_id, str(record.pk), person_id, person_ref,
                     action, code, text))
    _access_log_insert(rows)
    return len(rows)


_LOG_FIELDS = ("at", "user", "organisation", "role", "content_type", "object_id", "person_id", "person_ref", "action",
               "purpose_code", "purpose")


def _access_log_insert(rows: list[tuple]) -> None:
    """Append ``rows`` (values in ``_LOG_FIELDS`` order) to the access log in one statement. On PostgreSQL one
    ``INSERT … SELECT FROM UNNEST`` of one array per column, with no transaction of its own: every list page
    and list endpoint pays this, and building 50 model instances for ``bulk_create`` (with its
    ``BEGIN``/``COMMIT``) cost more than the rest of the page's own Python (see docs/performance.md)."""
    if not rows:
        return
    connection = connections[AccessLog.objects.db]
    if connection.vendor != "postgresql":
        names = [AccessLog._meta.get_field(name).attname for name in _LOG_FIELDS]
        AccessLog.objects.bulk_create([AccessLog(**dict(zip(names, row, strict=True))) for row in rows])
        return
    fields = [AccessLog._meta.get_field(name) for name in _LOG_FIELDS]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(AccessLog._meta.db_table)} ({columns}) "  # noqa: S608 - model metadata
                       f"SELECT * FROM UNNEST({arrays})", [list(column) for column in zip(*rows, strict=True)])


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


def job_download_logged(*, purpose: str, audit_record=None):
    """The ``on_download`` of a background job kind whose file holds person-level data
    (``core.jobs.job_handler(kind, on_download=...)``): every download of the file writes an access-log row,
    action ``export`` with ``purpose``, against ``audit_record(job)`` (the person a file is about) or the job."""

    def record(*, actor, job):
        target = (audit_record(job) if audit_record is not None else None) or job
        access_log_record(actor=actor, record=target, action=AccessAction.EXPORT, purpose=purpose,
                          detail=f"Download of {job.result_name} (job {job.pk}, {job.kind})")

    return record


# --- API tokens --------------------------------------------------------------------------------------------

def api_token_issue(*, user) -> tuple[str, datetime.datetime | None]:
    """A new API token for ``user`` and when it expires. Only a hash of it is stored (django-rest-knox, with a
    short prefix to find it), so the key is returned here once and can be read nowhere afterwards. The user's
    expired tokens are removed."""
    from knox.models import get_token_model

    tokens = get_token_model().objects
    tokens.filter(user=user, expiry__lt=timezone.now()).delete()
    instance, key = tokens.create(user=user)
    return key, instance.expiry


def api_tokens_revoke(*, user) -> int:
    """Revoke every API token of ``user`` (e.g. when two-factor sign-in is enrolled); how many there were."""
    from knox.models import get_token_model

    deleted, _by_model = get_token_model().objects.filter(user=user).delete()
    return deleted


# --- Retention ---------------------------------------------------------------------------------------------

# The Garante's measure on system administrators (provvedimento 27 novembre 2008) asks for access logs kept
# at least six months; the purge refuses a shorter setting.
MINIMUM_RETENTION_DAYS = 183
PURGE_BATCH = 5000


def access_log_retention_days() -> int:
    days = settings.ACCESS_LOG_RETENTION_DAYS
    if days < MINIMUM_RETENTION_DAYS:
        raise ImproperlyConfigured(
            f"ACCESS_LOG_RETENTION_DAYS={days} is below the minimum of {MINIMUM_RETENTION_DAYS} days")
    return days


@contextlib.contextmanager
def _purge_switch(connection):
    """Switch ``ambito.retention_purge`` on for one DELETE. SET LOCAL lasts until the end of the top-level
    transaction, not of a savepoint: switch it off again so that it never outlives the purge when the purge runs
    inside a caller's transaction (a failed DELETE rolls the savepoint, and the setting, back)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('ambito.retention_purge', 'on', true)")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('ambito.retention_purge', 'off', true)")


def access_log_purge(*, now=None, batch: int = PURGE_BATCH) -> int:
    """Delete the access log entries older than the retention period (*conservazione*): the only delete the
    log allows. Batches of ``batch`` rows, each its own short transaction; on PostgreSQL each transaction
    switches on ``ambito.retention_purge`` so that the append-only trigger lets its DELETE through."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=access_log_retention_days())
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(AccessLog.objects.filter(at__lt=cutoff).order_by("at").values_list("pk", flat=True)[:batch])
            if not ids:
                break
            with _purge_switch(connections[AccessLog.objects.db]):
                deleted += AccessLog.objects.filter(pk__in=ids)._purge()
    logger.info("access log purge: %s entries older than %s deleted", deleted, cutoff.date())
    return deleted
