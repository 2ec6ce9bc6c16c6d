"""Writes of the network app: the services catalogue (*catalogo dei servizi*), provider profiles and the
info-point contact log. Permission checks come first and outside the transaction, so a refused attempt is
logged even though nothing else is written."""

import json
import logging
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ambito.accounts.services import access_deny, atomic_service
from ambito.core.concurrency import save_versioned
from ambito.network import search
from ambito.network.models import InfoPointContact, ProviderProfile, SearchSynonym, Service, TaxonomyTerm
from ambito.network.rules import (
    can_accredit_provider,
    can_edit_provider,
    can_edit_service,
    can_edit_synonyms,
    can_log_info_point_contact,
    can_review_hsds_import,
)

logger = logging.getLogger(__name__)

NOMENCLATORE_FILE = Path(__file__).resolve().parent / "data" / "nomenclatore_cisis.json"

SERVICE_EDITABLE_FIELDS = [
    "name", "description", "taxonomy_term", "target_groups", "minimum_age", "maximum_age", "isee_max",
    "eligibility_description", "application_process", "fee", "fees_description", "languages", "email", "phone",
    "url", "capacity", "capacity_unit", "target_wait_days", "active",
]
PROVIDER_EDITABLE_FIELDS = [
    "description", "legal_form", "runts_number", "runts_section", "areas", "accreditation_status",
    "accreditation_date", "accreditation_expiry", "contact_name", "contact_email", "contact_phone",
]
# The planning office's record of an organisation, never changed by the organisation itself.
PROVIDER_OFFICE_FIELDS = ["runts_number", "runts_section", "accreditation_status", "accreditation_date",
                          "accreditation_expiry"]


def deny(*, actor, record, purpose: str):
    """Log the refused attempt (access log and application log), then refuse."""
    logger.warning("network: user %s denied %s on %s %s", getattr(actor, "pk", None), purpose,
                   type(record).__name__, record.pk)
    access_deny(actor=actor, record=record, purpose=purpose)


def taxonomy_load_nomenclatore(*, terms=None) -> int:
    """Load the CISIS *Nomenclatore* codes shipped in ``data/nomenclatore_cisis.json`` (idempotent)."""
    if terms is None:
        terms = json.loads(NOMENCLATORE_FILE.read_text(encoding="utf-8"))["terms"]
    by_code = {}
    for code, name, parent_code in terms:
        term, _created = TaxonomyTerm.objects.update_or_create(
            code=code, defaults={"name": name, "macro_area": code[0], "parent": by_code.get(parent_code)}
        )
        by_code[code] = term
    return len(by_code)


def _validate_service(service: Service):
    errors = {}
    if service.minimum_age is not None and service.maximum_age is not None and service.minimum_age > service.maximum_age:
        errors["maximum_age"] = _("The maximum age cannot be lower than the minimum age.")
    if service.isee_max is not None and service.isee_max < 0:
        errors["isee_max"] = _("The ISEE threshold cannot be negative.")
    if service.capacity is not None and service.capacity < 0:
        errors["capacity"] = _("The capacity cannot be negative.")
    if errors:
        raise ValidationError(errors)


def service_update(*, actor, service: Service, expected_version: int | None = None, **fields) -> Service:
    """Edit a catalogue entry. The planning office edits every service of its Ambito, a provider operator
    only its own organisation's (refused attempts are logged)."""
    if not can_edit_service(actor, service):
        deny(actor=actor, record=service, purpose="edit a service of another organisation")
    unknown = set(fields) - set(SERVICE_EDITABLE_FIELDS) - {"comuni"}
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    return _service_save(actor=actor, service=service, expected_version=expected_version, fields=fields)


@atomic_service
def _service_save(*, actor, service, expected_version, fields):
    comuni = fields.pop("comuni", None)
    for name, value in fields.items():
        setattr(service, name, value)
    _validate_service(service)
    service.updated_at = timezone.now()
    save_versioned(service, expected_version=expected_version, fields=[*fields, "updated_at"])
    if comuni is not None:
        service.comuni.set(comuni)
    search.refresh([service])
    logger.info("network: service %s updated by user %s", service.pk, getattr(actor, "pk", None))
    return service


@atomic_service
def service_update_availability(*, service: Service, vacancies: int | None, estimated_wait_days: int | None) -> Service:
    """Current vacancies and estimated wait (*posti disponibili*, *attesa stimata*), recomputed by the access
    app from the waiting lists so referrers see availability before referring. No actor: a system write."""
    if vacancies is not None and vacancies < 0:
        raise ValidationError({"vacancies": _("Vacancies cannot be negative.")})
    if estimated_wait_days is not None and estimated_wait_days < 0:
        raise ValidationError({"estimated_wait_days": _("The estimated wait cannot be negative.")})
    Service.objects.filter(pk=service.pk).update(
        vacancies=vacancies, estimated_wait_days=estimated_wait_days, updated_at=timezone.now()
    )
    service.vacancies, service.estimated_wait_days = vacancies, estimated_wait_days
    return service


def provider_profile_update(*, actor, organisation, expected_version: int | None = None, **fields) -> ProviderProfile:
    """Edit an organisation's provider data (legal form, RUNTS, accreditation, contacts). The organisation
    edits its own description, legal form, areas and contacts; its accreditation and RUNTS registration
    only the planning office of its Ambito (a refused attempt is logged)."""
    if not can_edit_provider(actor, organisation):
        deny(actor=actor, record=organisation, purpose="edit the profile of another organisation")
    if set(fields) & set(PROVIDER_OFFICE_FIELDS) and not can_accredit_provider(actor, organisation):
        deny(actor=actor, record=organisation, purpose="change the accreditation or RUNTS data of an organisation")
    unknown = set(fields) - set(PROVIDER_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    return _provider_save(organisation=organisation, expected_version=expected_version, fields=fields)


@atomic_service
def _provider_save(*, organisation, expected_version, fields):
    profile, _created = ProviderProfile.objects.get_or_create(organisation=organisation)
    for name, value in fields.items():
        setattr(profile, name, value)
    errors = {}
    if profile.runts_number and not profile.runts_section:
        errors["runts_section"] = _("Give the RUNTS section of the registration number.")
    if profile.accreditation_status == "accredited" and not profile.accreditation_date:
        errors["accreditation_date"] = _("An accredited provider needs the date of accreditation.")
    if profile.accreditation_date and profile.accreditation_expiry and (
        profile.accreditation_expiry <= profile.accreditation_date
    ):
        errors["accreditation_expiry"] = _("The accreditation must expire after the date it was granted.")
    if errors:
        raise ValidationError(errors)
    save_versioned(profile, expected_version=expected_version if expected_version is not None else profile.version,
                   fields=list(fields))
    return profile


def info_point_contact_record(*, actor, info_point: Service, date: date, channel: str, topic: str,
                              referred_to: Service | None = None) -> InfoPointContact:
    """Count one contact at an info-point (*registro dei contatti*), with no personal data."""
    if not can_log_info_point_contact(actor, info_point):
        deny(actor=actor, record=info_point, purpose="log a contact at another organisation's info-point")
    return _contact_save(actor=actor, info_point=info_point, date=date, channel=channel, topic=topic,
                         referred_to=referred_to)


@atomic_service
def _contact_save(*, actor, info_point, date, channel, topic, referred_to):
    if date > timezone.localdate():
        raise ValidationError({"date": _("A contact cannot be logged in the future.")})
    if referred_to is not None and referred_to.pk == info_point.pk:
        raise ValidationError({"referred_to": _("Refer the person to another service, not to this info-point.")})
    contact = InfoPointContact(info_point=info_point, date=date, channel=channel, topic=topic,
                               referred_to=referred_to, recorded_by=actor)
    contact.full_clean()
    contact.save()
    return contact


# The synonyms a new Ambito starts with: words people type, and what the catalogue calls them.
DEFAULT_SYNONYMS = [
    ("badante", "assistenza domiciliare, assistente familiare, assistenza familiare"),
    ("demenza", "Alzheimer, decadimento cognitivo"),
    ("Alzheimer", "demenza, decadimento cognitivo"),
    ("anziano", "terza età"),
    ("handicap", "disabilità"),
    ("disabile", "disabilità"),
    ("sussidio", "contributo economico, sostegno al reddito, assegno di inclusione"),
    ("soldi", "contributo economico, sostegno al reddito"),
    ("casa", "abitativo, housing"),
    ("senzatetto", "senza dimora"),
    ("ragazzi", "giovani, minori"),
    ("pasti", "pranzo"),
    ("trasporto", "accompagnamento"),
]


def synonyms_parse(text: str) -> list[tuple[str, str]]:
    """Lines ``word = alternative, alternative``; blank lines and lines starting with # are skipped."""
    rows, errors = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        term, sep, alternatives = line.partition("=")
        term, alternatives = term.strip(), ", ".join(a.strip() for a in alternatives.split(",") if a.strip())
        if not sep or not term or not alternatives:
            errors.append(_("Line %(n)s: write a word, an equals sign and the words to search for as well.")
                          % {"n": number})
        elif len(term) > 60 or len(alternatives) > 300:
            errors.append(_("Line %(n)s is too long.") % {"n": number})
        else:
            rows.append((term, alternatives))
    terms = [t.lower() for t, _a in rows]
    for term in {t for t in terms if terms.count(t) > 1}:
        errors.append(_("The word %(term)s is listed twice.") % {"term": term})
    if errors:
        raise ValidationError({"text": errors})
    return rows


def synonyms_replace(*, actor, ambito, text: str) -> int:
    """Replace the Ambito's search synonyms (the planning office of that Ambito only; refused attempts are
    logged)."""
    if not can_edit_synonyms(actor, ambito):
        deny(actor=actor, record=ambito, purpose="edit the directory's search synonyms")
    rows = synonyms_parse(text)
    return _synonyms_save(ambito=ambito, rows=rows, actor=actor)


@atomic_service
def _synonyms_save(*, ambito, rows, actor):
    SearchSynonym.objects.filter(ambito=ambito).delete()
    SearchSynonym.objects.bulk_create(SearchSynonym(ambito=ambito, term=t, alternatives=a) for t, a in rows)
    logger.info("network: search synonyms of ambito %s replaced by user %s (%s)", ambito.pk,
                getattr(actor, "pk", None), len(rows))
    return len(rows)


def synonyms_load_defaults(*, ambito) -> int:
    """Give an Ambito the default synonym list if it has none (demo and new installations)."""
    if SearchSynonym.objects.filter(ambito=ambito).exists():
        return 0
    SearchSynonym.objects.bulk_create(SearchSynonym(ambito=ambito, term=t, alternatives=a)
                                      for t, a in DEFAULT_SYNONYMS)
    return len(DEFAULT_SYNONYMS)


# --- HSDS files from other systems: staged, reviewed, approved ---------------------------------------


def hsds_import_stage(*, actor, ambito, documents: list, source_name: str):
    """Receive an HSDS file for the planning office to review: validated now (``ImportRejected`` with every
    error), written to the catalogue only when approved. ``actor`` None: an administrator's command."""
    from ambito.network.hsds import check_documents
    from ambito.network.models import HsdsImport

    if actor is not None and not can_review_hsds_import(actor, ambito):
        deny(actor=actor, record=ambito, purpose="import HSDS records into the catalogue")
    check_documents(documents, ambito=ambito)
    return HsdsImport.objects.create(ambito=ambito, source_name=source_name[:200], documents=documents,
                                     created_by=actor)


def hsds_import_approve(*, actor, batch, comuni=()) -> dict:
    """Write an import to the catalogue; services that name no Comune of the Ambito cover ``comuni``. Only
    then do they appear in the public directory (if their status is active)."""
    if actor is not None and not can_review_hsds_import(actor, batch.ambito):
        deny(actor=actor, record=batch, purpose="approve an HSDS import")
    return _hsds_import_apply(actor=actor, batch=batch, comuni=list(comuni))


@atomic_service
def _hsds_import_apply(*, actor, batch, comuni):
    from ambito.network.hsds import import_documents
    from ambito.network.models import HsdsImport, ImportStatus

    batch = HsdsImport.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportStatus.PENDING:
        raise ValidationError(_("This import was already decided."))
    foreign = [c for c in comuni if c.ambito_id != batch.ambito_id]
    if foreign:
        raise ValidationError({"comuni": _("Choose Comuni of the Ambito.")})
    result = import_documents(batch.documents, ambito=batch.ambito, comuni=comuni)
    batch.status, batch.decided_by, batch.decided_at, batch.result = (
        ImportStatus.APPROVED, actor, timezone.now(), result)
    batch.save(update_fields=["status", "decided_by", "decided_at", "result"])
    batch.comuni.set(comuni)
    logger.info("network: HSDS import %s approved by user %s: %s", batch.pk, getattr(actor, "pk", None), result)
    return result


def hsds_import_reject(*, actor, batch):
    if not can_review_hsds_import(actor, batch.ambito):
        deny(actor=actor, record=batch, purpose="reject an HSDS import")
    return _hsds_import_reject(actor=actor, batch=batch)


@atomic_service
def _hsds_import_reject(*, actor, batch):
    from ambito.network.models import HsdsImport, ImportStatus

    updated = HsdsImport.objects.filter(pk=batch.pk, status=ImportStatus.PENDING).update(
        status=ImportStatus.REJECTED, decided_by=actor, decided_at=timezone.now())
    if not updated:
        raise ValidationError(_("This import was already decided."))
    return batch
