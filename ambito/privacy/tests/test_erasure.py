"""Art. 17 and 18: erasure keeps what the law requires (restricted, identifiers replaced by the pseudonym),
deletes what nothing requires, pseudonymises the person; limitation only restricts. One transaction,
logged, idempotent."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from ambito.access.models import Person
from ambito.accounts.models import AccessLog
from ambito.privacy import registry, services
from ambito.privacy.models import PrivacyRequestKind, PrivacyRequestStatus
from ambito.privacy.tests.conftest import ADDRESS, EMAIL, FIRST, LAST, PHONE, make_subject


def _text_columns(model):
    return [f for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField | models.FileField)]


def _where(needle: str) -> list[str]:
    """Every table and column of the database holding ``needle`` (case-insensitive), JSON included."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        for field in _text_columns(model):
            lookup = f"{field.name}__icontains"
            if isinstance(field, models.JSONField):
                hits = [pk for pk, value in model._default_manager.values_list("pk", field.name)
                        if needle.lower() in str(value).lower()]
            else:
                hits = list(model._default_manager.filter(**{lookup: needle}).values_list("pk", flat=True)[:5])
            if hits:
                found.append(f"{model._meta.label}.{field.name} {hits}")
    return found


def _counts(person):
    return {s.key: s.rows_for(person).count() for s in registry.sources()}


def _erase(world, person):
    dpo = world.users["dpo"]
    request = services.privacy_request_create(actor=dpo, person=person, kind=PrivacyRequestKind.ERASURE,
                                               notes=f"PEC di {FIRST} {LAST}, {EMAIL}")
    return services.privacy_request_complete(actor=dpo, request=request, outcome="Cancellati i dati non soggetti a "
                                                                                   "obbligo di conservazione")


def test_after_erasure_the_identity_is_nowhere_and_retained_records_remain(world, subject, client_as, run_jobs,
                                                                           django_capture_on_commit_callbacks):
    cf = subject.fiscal_code
    with django_capture_on_commit_callbacks(execute=True):  # an earlier export holds the identity
        services.subject_access_export_start(actor=world.users["dpo"], person=subject, fmt="pdf")
    run_jobs()
    bystander = make_subject(world, first="Ottavina", last="Bergonzoli", comune="brugherio", full=False,
                             phone="039 2223334", address="Via Dante 2")
    for needle in (cf, LAST, f"{FIRST} "):
        assert _where(needle), needle  # the scan finds them before
    before = _counts(subject)

    request = _erase(world, subject)

    assert request.status == PrivacyRequestStatus.COMPLETED
    for needle in (cf, LAST, FIRST, PHONE, PHONE.replace(" ", ""), EMAIL, ADDRESS, "039 1111111"):
        assert _where(needle) == [], (needle, _where(needle))
    after = _counts(subject)
    before["privacy.PrivacyRequest"] += 1  # the erasure request itself, kept as accountability
    for source in registry.sources():
        if source.erasure == registry.Erasure.RETAIN:
            assert after[source.key] == before[source.key], source.key
        elif source.erasure == registry.Erasure.DELETE:
            assert after[source.key] == 0, source.key
    assert after["access.Person"] == 1 and after["privacy.PrivacyRequest"] == 1
    subject.refresh_from_db()
    assert subject.restricted_at is not None and subject.fiscal_code == ""
    assert subject.last_name == subject.pseudonym and subject.birth_date.isoformat() == "1941-01-01"
    # the substance of the retained records stays, the names in it are the pseudonym
    note = subject.case_notes.get()
    assert note.text.startswith(f"Colloquio con {subject.pseudonym}")
    assert note.attachments.get().file.read() == f"{FIRST} {LAST}".encode()  # documents kept, restricted
    assert subject.deliveries.get().hours == 2
    assert request.result["sources"]["care.ReferralLink"] == {"action": "deleted", "rows": 1}
    assert request.result["export_files_deleted"] == 1
    # the access log names the person by pseudonym only and records the erasure
    log = AccessLog.objects.filter(person_ref=subject.pseudonym)
    assert log.filter(purpose__startswith="gdpr_request: erasure art. 17").count() == 1
    assert not AccessLog.objects.filter(purpose__icontains=LAST).exists()
    # nobody else touched
    bystander.refresh_from_db()
    assert bystander.last_name == "Bergonzoli" and bystander.fiscal_code and bystander.restricted_at is None


def test_erasure_is_idempotent(world, subject):
    first = _erase(world, subject)
    subject.refresh_from_db()
    snapshot = (subject.version, subject.last_name, subject.restricted_at)
    again = services.privacy_request_complete(actor=world.users["dpo"], request=first)
    assert again.result == first.result
    second = _erase(world, subject)  # a second request for the same person changes nothing either
    subject.refresh_from_db()
    assert (subject.version, subject.last_name, subject.restricted_at) == snapshot
    assert second.result == first.result
    assert AccessLog.objects.filter(purpose__startswith="gdpr_request: erasure art. 17").count() == 1


def test_a_failing_erasure_leaves_everything_as_it_was(world, subject, monkeypatch):
    dpo = world.users["dpo"]
    request = services.privacy_request_create(actor=dpo, person=subject, kind=PrivacyRequestKind.ERASURE)
    before = _counts(subject)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    from ambito.care.models import CaseAttachment

    attachments = list(CaseAttachment.objects.filter(note__person=subject))
    assert attachments, "the subject has an attachment whose name the erasure would change"
    monkeypatch.setattr(services, "_drop_exports", boom)
    with pytest.raises(RuntimeError):
        services.privacy_request_complete(actor=dpo, request=request)
    subject.refresh_from_db()
    assert subject.last_name == LAST and subject.restricted_at is None and _counts(subject) == before
    for attachment in attachments:  # files are not transactional: the originals must still be there
        attachment.refresh_from_db()
        assert attachment.file.storage.exists(attachment.file.name), attachment.file.name
    request.refresh_from_db()
    assert request.status == "received" and request.result == {}


def test_limitation_restricts_without_pseudonymising_and_can_be_lifted(world, subject, client_as):
    dpo = world.users["dpo"]
    request = services.privacy_request_create(actor=dpo, person=subject, kind=PrivacyRequestKind.RESTRICTION)
    services.privacy_request_complete(actor=dpo, request=request, outcome="Limitazione in attesa di verifica")
    subject.refresh_from_db()
    assert subject.restricted_at is not None and subject.last_name == LAST and subject.fiscal_code
    assert Person.objects.filter(pk=subject.pk, restricted_at__isnull=False).exists()
    # the case team loses the privacy page, the DPO keeps it
    assert client_as("sw.monza").get(f"/privacy/persone/{subject.pseudonym}/").status_code == 404
    assert client_as("dpo").get(f"/privacy/persone/{subject.pseudonym}/").status_code == 200
    with pytest.raises(ValidationError):
        services.person_restriction_lift(actor=dpo, person=subject, reason="")
    services.person_restriction_lift(actor=dpo, person=subject, reason="Verifica conclusa")
    subject.refresh_from_db()
    assert subject.restricted_at is None
    log = AccessLog.objects.filter(person_ref=subject.pseudonym)
    assert log.filter(purpose__contains="restriction art. 18").count() == 1
    assert log.filter(purpose="gdpr_request: restriction lifted: Verifica conclusa").count() == 1


def test_a_restriction_after_erasure_cannot_be_lifted(world, subject):
    _erase(world, subject)
    subject.refresh_from_db()
    with pytest.raises(ValidationError):
        services.person_restriction_lift(actor=world.users["dpo"], person=subject, reason="Errore")


def test_only_the_dpo_of_the_ambito_records_and_decides(world, subject):
    from django.core.exceptions import PermissionDenied

    for username in ("sw.monza", "admin", "planner"):
        with pytest.raises(PermissionDenied):
            services.privacy_request_create(actor=world.users[username], person=subject, kind="erasure")
    request = services.privacy_request_create(actor=world.users["dpo"], person=subject, kind="erasure")
    with pytest.raises(PermissionDenied):
        services.privacy_request_complete(actor=world.users["sw.monza"], request=request)
    with pytest.raises(ValidationError):
        services.privacy_request_reject(actor=world.users["dpo"], request=request, outcome=" ")
    rejected = services.privacy_request_reject(actor=world.users["dpo"], request=request,
                                               outcome="Dati necessari per obbligo di legge")
    assert rejected.status == "rejected" and rejected.decided_by == world.users["dpo"]
    subject.refresh_from_db()
    assert subject.last_name == LAST
    assert (request.due_by - request.received_at.date()).days == 30

