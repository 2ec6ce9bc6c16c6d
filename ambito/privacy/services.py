"""Writes of the privacy app: the DPO records and decides the requests of data subjects (GDPR art. 12–22);
limitation (art. 18) and erasure (art. 17) are executed here, each in one transaction, logged in the access
log with the purpose ``gdpr_request``, and idempotent."""

import re

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ambito.access.models import EntryStatus, Person, WaitingListEntry
from ambito.accounts.models import AccessAction
from ambito.accounts.services import access_deny, access_log_record, atomic_service
from ambito.core.models import Job
from ambito.core.services import job_start
from ambito.privacy import registry, rules
from ambito.privacy.history import person_log_q
from ambito.privacy.models import (
    OPEN_STATUSES,
    PrivacyRequest,
    PrivacyRequestKind,
    PrivacyRequestStatus,
    due_by_for,
)

PURPOSE = "gdpr_request"
ERASED_FIRST_NAME = "—"  # the last name becomes the pseudonym: lists stay readable, nobody is named
EXPORT_JOB = "privacy.subject_access"
EXPORT_FORMATS = ("pdf", "json")
MIN_IDENTIFIER_LENGTH = 3  # shorter strings would blank out syllables of unrelated words


def _purpose(text: str) -> str:
    return f"{PURPOSE}: {text}"


# --- Requests ----------------------------------------------------------------------------------------------

@atomic_service
def privacy_request_create(*, actor, person: Person, kind: str, received_at=None, notes: str = "") -> PrivacyRequest:
    """Record a request of a data subject (*istanza*). ``due_by`` is one month after receipt (art. 12(3))."""
    if not rules.is_dpo_of_person(actor, person):
        access_deny(actor=actor, record=person, purpose=_purpose("privacy request refused"))
    if kind not in PrivacyRequestKind.values:
        raise ValidationError({"kind": _("Choose the right the person is exercising.")})
    received_at = received_at or timezone.now()
    if received_at > timezone.now():
        raise ValidationError({"received_at": _("A request cannot be received in the future.")})
    request = PrivacyRequest.objects.create(
        ambito=person.ambito, person=person, kind=kind, received_at=received_at, due_by=due_by_for(received_at),
        notes=notes, recorded_by=actor)
    access_log_record(actor=actor, record=request, action=AccessAction.CREATE, purpose=_purpose(kind))
    return request


def _locked(actor, request: PrivacyRequest) -> PrivacyRequest:
    request = PrivacyRequest.objects.select_for_update().select_related("person", "ambito").get(pk=request.pk)
    if not rules.can_handle_privacy_request(actor, request):
        access_deny(actor=actor, record=request, purpose=_purpose("privacy request refused"))
    return request


@atomic_service
def privacy_request_start(*, actor, request: PrivacyRequest) -> PrivacyRequest:
    """The DPO takes the request in hand (idempotent)."""
    request = _locked(actor, request)
    if request.status == PrivacyRequestStatus.RECEIVED:
        request.status = PrivacyRequestStatus.IN_PROGRESS
        request.save(update_fields=["status"])
        access_log_record(actor=actor, record=request, action=AccessAction.UPDATE, purpose=_purpose("in progress"))
    return request


@atomic_service
def privacy_request_reject(*, actor, request: PrivacyRequest, outcome: str) -> PrivacyRequest:
    """Refuse a request, with the reasons given to the person (art. 12(4): reasons and the right to complain
    to the Garante)."""
    request = _locked(actor, request)
    if not request.is_open:
        raise ValidationError(_("This request is already closed."))
    if not outcome.strip():
        raise ValidationError({"outcome": _("Write the reasons for refusing: the person must receive them.")})
    _close(actor, request, PrivacyRequestStatus.REJECTED, outcome)
    return request


@atomic_service
def privacy_request_complete(*, actor, request: PrivacyRequest, outcome: str = "") -> PrivacyRequest:
    """Close a request as granted. Erasure and restriction are executed here, in the same transaction;
    access, rectification and objection record the answer given (the export is a job, the rectification is
    made on the person's record by the case team). Completing a completed request changes nothing."""
    request = _locked(actor, request)
    if request.status == PrivacyRequestStatus.COMPLETED:
        return request
    if request.status not in OPEN_STATUSES:
        raise ValidationError(_("This request is already closed."))
    if request.kind == PrivacyRequestKind.ERASURE:
        request.result = _erase(actor=actor, person=request.person, request=request)
    elif request.kind == PrivacyRequestKind.RESTRICTION:
        request.result = _restrict(actor=actor, person=request.person, request=request)
    _close(actor, request, PrivacyRequestStatus.COMPLETED, outcome)
    return request


def _close(actor, request, status, outcome):
    request.status = status
    request.outcome = outcome
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "outcome", "decided_by", "decided_at", "result"])
    access_log_record(actor=actor, record=request, action=AccessAction.UPDATE,
                      purpose=_purpose(f"{request.kind} {status}"))


# --- Limitation (art. 18) ----------------------------------------------------------------------------------

def _restrict(*, actor, person: Person, request) -> dict:
    """Mark the person restricted: the data stays as it is, but only the DPO can read it and no work list
    shows it (selectors honour ``Person.restricted_at``)."""
    now = timezone.now()
    updated = Person.objects.filter(pk=person.pk, restricted_at__isnull=True).update(restricted_at=now)
    access_log_record(actor=actor, record=person, action=AccessAction.UPDATE,
                      purpose=_purpose(f"restriction art. 18 (request {request.pk})"))
    person.refresh_from_db(fields=["restricted_at"])
    return {"restricted_at": person.restricted_at.isoformat(), "newly_restricted": bool(updated)}


@atomic_service
def person_restriction_lift(*, actor, person: Person, reason: str) -> Person:
    """Lift a limitation (art. 18(3): the person is told beforehand). Not after an erasure: those records
    stay restricted for as long as they are kept."""
    if not rules.is_dpo_of_person(actor, person):
        access_deny(actor=actor, record=person, purpose=_purpose("lift restriction refused"))
    if PrivacyRequest.objects.filter(person=person, kind=PrivacyRequestKind.ERASURE,
                                     status=PrivacyRequestStatus.COMPLETED).exists():
        raise ValidationError(_("The person's data was erased: what is kept stays restricted."))
    if not reason.strip():
        raise ValidationError({"reason": _("Write why the limitation ends.")})
    Person.objects.filter(pk=person.pk).update(restricted_at=None)
    person.restricted_at = None
    access_log_record(actor=actor, record=person, action=AccessAction.UPDATE,
                      purpose=_purpose(f"restriction lifted: {reason}"))
    return person


# --- Erasure (art. 17) -------------------------------------------------------------------------------------

IDENTITY_FIELDS = ("fiscal_code", "first_name", "last_name", "email", "address", "phone")


def _past_identity_values(person: Person) -> set[str]:
    """Values the identifying fields had before a rectification, from the person's change log: an old phone
    number is still the person's in the notes written back then."""
    from django.contrib.contenttypes.models import ContentType

    values = set()
    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Person), object_id=person.pk)
    for changes in entries.values_list("changes", flat=True):
        for name in IDENTITY_FIELDS:
            change = (changes or {}).get(name)
            if isinstance(change, list):
                values.update(str(v) for v in change if v not in (None, "None"))
    return values


def identifiers_of(person: Person, past: set[str] = frozenset()) -> list[str]:
    """The strings that name or reach the person directly (now or before a rectification), longest first."""
    values = {person.fiscal_code, person.first_name, person.last_name, person.full_name,
              f"{person.last_name} {person.first_name}", person.email, person.address, person.phone, *past}
    values |= {v.replace(" ", "") for v in values if v and any(c.isdigit() for c in v)}  # phones written joined
    return sorted({v.strip() for v in values if v and len(v.strip()) >= MIN_IDENTIFIER_LENGTH},
                  key=len, reverse=True)


class Scrubber:
    """Replaces the person's identifiers in text and JSON with the pseudonym (case-insensitive, whole words)."""

    def __init__(self, person: Person):
        self.replacement = person.pseudonym
        words = identifiers_of(person, _past_identity_values(person))
        # Letters and digits bound a match; "_" and punctuation do not ("documento_rossi.pdf").
        self.pattern = re.compile(r"(?<![^\W_])(" + "|".join(re.escape(w) for w in words) + r")(?![^\W_])",
                                  re.IGNORECASE) if words else None

    def text(self, value):
        if not self.pattern or not isinstance(value, str):
            return value
        return self.pattern.sub(self.replacement, value)

    def data(self, value):
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.data(v) for v in value]
        if isinstance(value, dict):
            return {k: self.data(v) for k, v in value.items()}
        return value


def _text_fields(model):
    from django.db import models

    return [f for f in model._meta.concrete_fields
            if not f.is_relation and not f.choices and f.name != "pseudonym"
            and isinstance(f, models.CharField | models.TextField | models.JSONField | models.FileField)]


def _scrub_rows(queryset, scrubber: Scrubber) -> int:
    """Replace identifiers in every free-text, JSON and file-name column of the rows; returns rows changed."""
    from django.db import models

    fields = _text_fields(queryset.model)
    if not fields:
        return 0
    changed = []
    touched: set = set()
    for row in queryset.only("pk", *[f.name for f in fields]):
        dirty = False
        for field in fields:
            value = getattr(row, field.attname)
            if isinstance(field, models.FileField):
                new_name = scrubber.text(value.name) if value else value
                if value and new_name != value.name:
                    with value.open("rb") as handle:
                        stored = value.storage.save(new_name, ContentFile(handle.read()))
                    _delete_file_on_commit(value.storage, value.name)
                    setattr(row, field.attname, stored)
                    dirty = True
                    touched.add(field.name)
                continue
            new = scrubber.data(value) if isinstance(field, models.JSONField) else scrubber.text(value)
            if new != value:
                setattr(row, field.attname, new)
                dirty = True
                touched.add(field.name)
        if dirty:
            changed.append(row)
    if changed:
        # the base manager: cancelled rows (left out by a default manager) are scrubbed too
        queryset.model._base_manager.bulk_update(changed, sorted(touched), batch_size=500)
    return len(changed)


def _scrub_change_log(person: Person, scrubber: Scrubber) -> int:
    entries = list(LogEntry.objects.filter(person_log_q(person)).only(
        "pk", "object_repr", "changes", "changes_text", "serialized_data", "additional_data"))
    for entry in entries:
        entry.object_repr = scrubber.text(entry.object_repr)
        entry.changes = scrubber.data(entry.changes)
        entry.changes_text = scrubber.text(entry.changes_text)
        entry.serialized_data = scrubber.data(entry.serialized_data)
        entry.additional_data = scrubber.data(entry.additional_data)
    LogEntry.objects.bulk_update(entries, ["object_repr", "changes", "changes_text", "serialized_data",
                                           "additional_data"], batch_size=500)
    return len(entries)


def _delete_file_on_commit(storage, name: str) -> None:
    """Files are not transactional: the old file goes only once the erasure commits, so a rollback leaves
    the rows pointing at files that still exist (at worst a scrubbed copy is left unreferenced)."""
    transaction.on_commit(lambda: storage.delete(name))


def _drop_exports(person: Person) -> int:
    """Earlier art. 15 exports hold the identity: their files go (the job rows stay, without a result)."""
    jobs = list(Job.objects.filter(kind=EXPORT_JOB, params__person_id=person.pk).exclude(result_file=""))
    for job in jobs:
        _delete_file_on_commit(job.result_file.storage, job.result_file.name)
        job.result_file = ""
        job.result_name = ""
        job.save(update_fields=["result_file", "result_name"])
    return len(jobs)


def _erase(*, actor, person: Person, request) -> dict:
    """Erasure that respects legal retention (art. 17(3)(b) and (e)), source by source of the registry:

    - ``RETAIN`` sources (case files, health and accounting records: see ``privacy.registry``) keep their rows
      and substance, restricted; the person's names, codice fiscale and contacts in their free text,
      JSON and file names are replaced by the pseudonym;
    - ``DELETE`` sources (sharing with other organisations, single-use answer links) are deleted;
    - the person record keeps only the pseudonym, sex, birth year and Comune (the counts monitoring
      reports by age band and Comune stay right); names, codice fiscale, contacts and household notes go.

    Waiting-list entries still waiting are closed as removed; the change log about these records is
    scrubbed like the records themselves; earlier export files are deleted. Idempotent: a person already
    erased is left as it is."""
    already = PrivacyRequest.objects.filter(person=person, kind=PrivacyRequestKind.ERASURE,
                                            status=PrivacyRequestStatus.COMPLETED).exclude(pk=request.pk).first()
    if already is not None:
        return already.result
    person = Person.objects.select_for_update().get(pk=person.pk)
    scrubber = Scrubber(person)
    now = timezone.now()
    result: dict = {"sources": {}}
    with disable_auditlog():  # the change log must not copy the values being erased
        WaitingListEntry.objects.filter(person=person, status=EntryStatus.WAITING).update(
            status=EntryStatus.REMOVED, removed_at=now, removed_by=actor,
            removal_reason=_("Erasure requested by the person (art. 17 GDPR)"))
        result["change_log_entries"] = _scrub_change_log(person, scrubber)
        for source in registry.sources():
            rows = source.rows_for(person)
            if source.erasure == registry.Erasure.DELETE:
                count = rows.count()
                rows.delete()
                result["sources"][source.key] = {"action": "deleted", "rows": count}
            elif source.erasure == registry.Erasure.RETAIN:
                result["sources"][source.key] = {"action": "retained", "rows": rows.count(),
                                                 "scrubbed": _scrub_rows(rows, scrubber)}
        result["export_files_deleted"] = _drop_exports(person)
        birth = person.birth_date.replace(month=1, day=1)
        Person.objects.filter(pk=person.pk).update(
            fiscal_code="", first_name=ERASED_FIRST_NAME, last_name=person.pseudonym, birth_date=birth, address="",
            phone="", email="", household_notes="", restricted_at=F("restricted_at") if person.restricted_at
            else now, version=F("version") + 1)
        result["sources"]["access.Person"] = {"action": "pseudonymised", "rows": 1}
    access_log_record(actor=actor, record=person, action=AccessAction.UPDATE,
                      purpose=_purpose(f"erasure art. 17 (request {request.pk})"))
    return result


# --- Subject access export (art. 15) -----------------------------------------------------------------------

def subject_access_export_start(*, actor, person: Person, fmt: str = "pdf", request: PrivacyRequest | None = None):
    """Start the art. 15 export of everything held on the person (PDF to read, JSON for machines) as a
    background job; a privacy request it answers moves to in progress."""
    if fmt not in EXPORT_FORMATS:
        raise ValidationError({"format": _("Choose PDF or JSON.")})
    if not rules.can_read_person_privacy(actor, person):
        access_deny(actor=actor, record=person, purpose=_purpose("export refused"))
    if request is not None and request.person_id == person.pk and request.status == PrivacyRequestStatus.RECEIVED:
        privacy_request_start(actor=actor, request=request)
    return job_start(kind=EXPORT_JOB, actor=actor, params={"person_id": person.pk, "format": fmt},
                     title=_("Personal data of %(pseudonym)s (%(format)s)") % {"pseudonym": person.pseudonym,
                                                                                "format": fmt.upper()})
