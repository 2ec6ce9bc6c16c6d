"""Open Referral HSDS 3.0 exchange of the services catalogue (*catalogo dei servizi*).

Two serialisations of the same content:
- JSON: a list of HSDS ``service`` objects with their nested organization, service_at_locations (with the
  location), schedules, service_areas (Comuni by ISTAT code), languages, phones and attributes (the CISIS
  Nomenclatore code as a taxonomy term);
- the HSDS tabular data package: ``datapackage.json`` and one CSV per resource, linked by ids.

Ambito's own fields that HSDS has no place for travel as ``x_ambito_*`` properties (HSDS 3.0 allows
additional properties). Fields written by other systems that Ambito does not use are kept in ``extra`` and
written back unchanged on export. Every document is validated against the official HSDS 3.0 schema (a copy
of ``../shared/standards/hsds-3.0`` in ``data/hsds-3.0``; ``settings.HSDS_SCHEMA_DIR`` overrides it).
"""

import csv
import io
import json
import re
import uuid
from datetime import time
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from ambito.accounts.models import Organisation, OrganisationKind
from ambito.core.imports import ImportRejected, RowError, read_text
from ambito.network.models import (
    AccreditationStatus,
    CapacityUnit,
    LegalForm,
    Location,
    ProviderProfile,
    RuntsSection,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from ambito.network.taxonomy import Area, Fee, Leps, ServiceType, TargetGroup
from ambito.territory.models import Comune

NAMESPACE = uuid.UUID("6f1c8a52-5a1e-4c55-9b0e-2b7d0f0d4a11")  # Ambito's namespace for derived HSDS ids
NOMENCLATORE = "CISIS Nomenclatore interventi e servizi sociali"
ISTAT_EXTENT = "istat_comune"
RUNTS_SCHEME = "IT-RUNTS"
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$")


def schema_dir() -> Path:
    """The official schema, copied unchanged into ``network/data/hsds-3.0`` (CC BY-SA 4.0, see SOURCE.md) so
    a fresh checkout validates without the shared folder; ``settings.HSDS_SCHEMA_DIR`` may point elsewhere."""
    configured = getattr(settings, "HSDS_SCHEMA_DIR", None)
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parent / "data" / "hsds-3.0"


def derived_id(*parts) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


# --- Schema --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _validator():
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    folder = schema_dir() / "schema"
    resources = []
    for path in sorted(folder.glob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((path.name, Resource.from_contents(contents, default_specification=DRAFT202012)))
    registry = Registry().with_resources(resources)
    return Draft202012Validator({"$ref": "service.json"}, registry=registry,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


@lru_cache(maxsize=1)
def datapackage() -> dict:
    return json.loads((schema_dir() / "datapackage.json").read_text(encoding="utf-8"))


_COUNT = {"anyOf": [{"type": "integer", "minimum": 0, "maximum": 1_000_000}, {"type": "string", "pattern": r"^\d{1,6}$"},
                    {"type": "null"}]}
_TEXT = {"type": "string", "maxLength": 200}
_CODES = {"type": "array", "items": _TEXT}
_NUMBER = {"anyOf": [{"type": "number", "minimum": 0, "maximum": 1e9}, {"type": "string", "maxLength": 20},
                     {"type": "null"}]}
_DATE = {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]}
# The shapes of Ambito's own x_ambito_* properties, which the HSDS schema leaves free.
EXTENSIONS = {
    "type": "object",
    "properties": {
        "x_ambito_service_type": _TEXT, "x_ambito_area": _TEXT, "x_ambito_fee": _TEXT,
        "x_ambito_capacity_unit": _TEXT, "x_ambito_leps": _CODES, "x_ambito_target_groups": _CODES,
        "x_ambito_staffed_by": {"type": "array", "items": {"type": "string", "format": "uuid"}},
        "x_ambito_isee_max": _NUMBER, "x_ambito_capacity": _NUMBER, "x_ambito_vacancies": _COUNT,
        "x_ambito_estimated_wait_days": _COUNT, "x_ambito_target_wait_days": _COUNT,
        "organization": {"type": "object", "properties": {
            "x_ambito_kind": _TEXT, "x_ambito_comune": _TEXT, "x_ambito_areas": _CODES,
            "x_ambito_accreditation_status": _TEXT, "x_ambito_accreditation_date": _DATE,
            "x_ambito_accreditation_expiry": _DATE, "x_ambito_contact_name": _TEXT,
            "x_ambito_contact_email": _TEXT, "x_ambito_contact_phone": _TEXT}},
        "service_at_locations": {"type": "array", "items": {"type": "object", "properties": {
            "location": {"type": "object", "properties": {"x_ambito_comune": _TEXT}}}}},
    },
}


@lru_cache(maxsize=1)
def _extension_validator():
    from jsonschema import Draft202012Validator

    return Draft202012Validator(EXTENSIONS, format_checker=Draft202012Validator.FORMAT_CHECKER)


def extension_errors(document: dict, row: int) -> list[RowError]:
    errors = [RowError(row, error.message, ".".join(str(p) for p in error.absolute_path))
              for error in sorted(_extension_validator().iter_errors(document), key=lambda e: list(e.absolute_path))]
    if _has_nul(document):  # PostgreSQL text cannot hold NUL
        errors.append(RowError(row, "text contains a NUL character (U+0000)"))
    return errors


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def schema_errors(document: dict, row: int) -> list[RowError]:
    errors = []
    for error in sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path)):
        where = ".".join(str(p) for p in error.absolute_path)
        errors.append(RowError(row, error.message, where))
    return errors


# --- Export --------------------------------------------------------------------------------------------


def _clean(obj: dict) -> dict:
    """Drop empty values so that output does not depend on how absence is stored."""
    return {k: v for k, v in obj.items() if v not in (None, "", [], {})}


def _merge(obj: dict, extra: dict) -> dict:
    """Write back fields kept from other systems: unknown keys as they were, extra array items after ours."""
    for key, value in (extra or {}).items():
        if key in obj and isinstance(obj[key], list) and isinstance(value, list):
            obj[key] = obj[key] + value
        elif key not in obj:
            obj[key] = value
    return obj


def _number(value):
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def organisation_hsds_id(organisation) -> str:
    profile = getattr(organisation, "provider_profile", None)
    return str(profile.hsds_id) if profile else derived_id("organisation", organisation.pk)


def organisation_to_hsds(organisation) -> dict:
    try:
        profile = organisation.provider_profile
    except ProviderProfile.DoesNotExist:
        profile = None
    org_id = organisation_hsds_id(organisation)
    obj = {
        "id": org_id,
        "name": organisation.name,
        "description": (profile.description if profile else "") or organisation.name,
        "email": organisation.email,
        "website": organisation.website,
        "tax_id": organisation.tax_code,
        "legal_status": profile.legal_form if profile else "",
        "phones": [{"id": derived_id(org_id, "phone"), "organization_id": org_id, "number": organisation.phone}]
        if organisation.phone else [],
        "x_ambito_kind": organisation.kind,
        "x_ambito_comune": organisation.comune.istat_code if organisation.comune_id else "",
    }
    if profile:
        if profile.runts_number:
            obj["organization_identifiers"] = [{
                "id": derived_id(org_id, "runts"), "organization_id": org_id, "identifier_scheme": RUNTS_SCHEME,
                "identifier_type": f"section {profile.runts_section}", "identifier": profile.runts_number,
            }]
        obj.update({
            "x_ambito_areas": list(profile.areas),
            "x_ambito_accreditation_status": (
                profile.accreditation_status if profile.accreditation_status != AccreditationStatus.NONE else ""
            ),
            "x_ambito_accreditation_date": profile.accreditation_date.isoformat() if profile.accreditation_date else "",
            "x_ambito_accreditation_expiry": (
                profile.accreditation_expiry.isoformat() if profile.accreditation_expiry else ""
            ),
            "x_ambito_contact_name": profile.contact_name,
            "x_ambito_contact_email": profile.contact_email,
            "x_ambito_contact_phone": profile.contact_phone,
        })
    return _merge(_clean(obj), profile.extra if profile else {})


def location_to_hsds(location: Location) -> dict:
    loc_id = str(location.hsds_id)
    address = _clean({
        "id": derived_id(loc_id, "address"), "location_id": loc_id, "address_1": location.address,
        "city": location.city or (location.comune.name if location.comune_id else ""),
        "state_province": location.comune.province_code if location.comune_id else "",
        "region": location.comune.region if location.comune_id else "",
        "postal_code": location.postal_code, "country": "IT", "address_type": "physical",
    })
    obj = {
        "id": loc_id,
        "location_type": "physical",
        "name": location.name,
        "transportation": location.transportation,
        "latitude": _number(location.latitude),
        "longitude": _number(location.longitude),
        "addresses": [address] if location.address else [],
        "accessibility": [{"id": derived_id(loc_id, "accessibility"), "location_id": loc_id,
                           "description": location.accessibility}] if location.accessibility else [],
        "x_ambito_comune": location.comune.istat_code if location.comune_id else "",
    }
    return _merge(_clean(obj), location.extra)


def term_to_hsds(term: TaxonomyTerm) -> dict:
    return _clean({
        "id": derived_id("nomenclatore", term.code), "code": term.code, "name": term.name,
        "description": term.name, "taxonomy": NOMENCLATORE,
        "parent_id": derived_id("nomenclatore", term.parent.code) if term.parent_id else "",
    })


def service_to_hsds(service: Service) -> dict:
    sid = str(service.hsds_id)
    organisation = service.provider
    attributes = []
    if service.taxonomy_term_id:
        term = term_to_hsds(service.taxonomy_term)
        attributes.append({"id": derived_id(sid, "nomenclatore"), "link_id": sid, "link_type": "service",
                           "link_entity": "service", "taxonomy_term_id": term["id"], "taxonomy_term": term})
    sals = sorted(service.service_locations.all(), key=lambda s: str(s.hsds_id))
    obj = {
        "id": sid,
        "organization_id": organisation_hsds_id(organisation),
        "name": service.name,
        "description": service.description,
        "url": service.url,
        "email": service.email,
        "status": "active" if service.active else "inactive",
        "application_process": service.application_process,
        "fees_description": service.fees_description,
        "eligibility_description": service.eligibility_description,
        "minimum_age": service.minimum_age,
        "maximum_age": service.maximum_age,
        "organization": organisation_to_hsds(organisation),
        "phones": [{"id": derived_id(sid, "phone"), "service_id": sid, "number": service.phone}]
        if service.phone else [],
        "languages": [{"id": derived_id(sid, "language", code), "service_id": sid, "code": code}
                      for code in sorted(service.languages)],
        "service_areas": [
            {"id": derived_id(sid, "comune", c.istat_code), "service_id": sid, "name": c.name,
             "extent": c.istat_code, "extent_type": ISTAT_EXTENT}
            for c in sorted(service.comuni.all(), key=lambda c: c.istat_code)
        ],
        "service_at_locations": [
            _merge(_clean({"id": str(sal.hsds_id), "service_id": sid, "location_id": str(sal.location.hsds_id),
                           "description": sal.description, "location": location_to_hsds(sal.location)}), sal.extra)
            for sal in sals
        ],
        "schedules": [
            _merge(_clean({
                "id": str(s.hsds_id), "service_id": sid,
                "location_id": str(s.location.hsds_id) if s.location_id else "",
                "freq": "WEEKLY", "wkst": "MO", "byday": DAYS[s.weekday - 1],
                "opens_at": s.opens_at.strftime("%H:%M"), "closes_at": s.closes_at.strftime("%H:%M"),
                "description": s.notes,
            }), s.extra)
            for s in sorted(service.schedules.all(), key=lambda s: (s.weekday, s.opens_at, str(s.hsds_id)))
        ],
        "attributes": attributes,
        "x_ambito_service_type": service.service_type,
        "x_ambito_area": service.area,
        "x_ambito_leps": list(service.leps),
        "x_ambito_target_groups": list(service.target_groups),
        "x_ambito_fee": service.fee,
        "x_ambito_isee_max": str(service.isee_max) if service.isee_max is not None else "",
        "x_ambito_capacity": str(service.capacity) if service.capacity is not None else "",
        "x_ambito_capacity_unit": service.capacity_unit,
        "x_ambito_vacancies": service.vacancies,
        "x_ambito_estimated_wait_days": service.estimated_wait_days,
        "x_ambito_target_wait_days": service.target_wait_days,
        "x_ambito_staffed_by": sorted(organisation_hsds_id(o) for o in service.staffed_by.all()),
    }
    return _merge(_clean(obj), service.extra)


def export_queryset():
    return (
        Service.objects.select_related("provider__provider_profile", "provider__comune",
                                       "taxonomy_term__parent")
        .prefetch_related("comuni", "staffed_by__provider_profile", "schedules__location",
                          "service_locations__location__comune")
        .order_by("name", "hsds_id")
    )


def export_documents(queryset=None) -> list[dict]:
    return [service_to_hsds(s) for s in (queryset if queryset is not None else export_queryset())]


def dumps_json(documents: list[dict]) -> str:
    return json.dumps(documents, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# --- Tabular data package --------------------------------------------------------------------------------

# Nested arrays and the resource (CSV file) their items live in.
ARRAY_RESOURCES = {
    "phones": "phone", "schedules": "schedule", "service_areas": "service_area",
    "service_at_locations": "service_at_location", "languages": "language", "funding": "funding",
    "cost_options": "cost_option", "required_documents": "required_document", "contacts": "contact",
    "attributes": "attribute", "addresses": "address", "accessibility": "accessibility",
    "organization_identifiers": "organization_identifier", "programs": "program", "metadata": "metadata",
}
RESOURCE_KEYS = {resource: key for key, resource in ARRAY_RESOURCES.items()}
# Nested single objects, referenced by ``<key>_id``.
OBJECT_RESOURCES = {"organization": "organization", "location": "location", "taxonomy_term": "taxonomy_term"}
# Which link column ties a child row to its parent, most specific first.
LINK_COLUMNS = ["link_id", "contact_id", "service_at_location_id", "service_id", "location_id", "organization_id"]


def _resources() -> dict:
    return {r["name"]: r for r in datapackage()["resources"]}


def _cell(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _flatten(obj: dict, resource: str, tables: dict, parent_link: tuple | None = None):
    row = {}
    for key, value in obj.items():
        if key in ARRAY_RESOURCES and isinstance(value, list) and all(isinstance(v, dict) for v in value):
            for child in value:
                _flatten(child, ARRAY_RESOURCES[key], tables, (resource, obj.get("id")))
        elif key in OBJECT_RESOURCES and isinstance(value, dict):
            _flatten(value, OBJECT_RESOURCES[key], tables)
            row.setdefault(f"{key}_id", value.get("id"))
        else:
            row[key] = value
    if parent_link is not None:
        parent_resource, parent_id = parent_link
        column = "link_id" if resource == "attribute" else f"{parent_resource}_id"
        row.setdefault(column, parent_id)
    tables.setdefault(resource, {})[row.get("id")] = row


def export_tables(documents: list[dict]) -> dict[str, str]:
    """The data package as {file name: text}, columns in the official order, then extra columns sorted."""
    tables: dict = {}
    for document in documents:
        _flatten(document, "service", tables)
    resources = _resources()
    files = {}
    descriptor = {k: v for k, v in datapackage().items() if k != "resources"}
    descriptor["resources"] = []
    for name, resource in resources.items():
        if name not in tables:
            continue
        official = [f["name"] for f in resource["schema"]["fields"]]
        rows = [tables[name][key] for key in sorted(tables[name], key=str)]
        extra_columns = sorted({c for row in rows for c in row} - set(official))
        columns = official + extra_columns
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])
        files[resource["path"]] = buffer.getvalue()
        described = json.loads(json.dumps(resource))
        described["schema"]["fields"] += [
            {"name": c, "type": "string", "description": "Ambito extension or field kept from the source system."}
            for c in extra_columns
        ]
        descriptor["resources"].append(described)
    files["datapackage.json"] = json.dumps(descriptor, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return files


def _typed(value: str, field_type: str | None):
    if value == "":
        return None
    if field_type in ("number", "integer"):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return value  # left for the schema validation to report
        return int(number) if number == number.to_integral_value() else float(number)
    if field_type == "boolean":
        return value.lower() == "true"
    if field_type is None and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def read_tables(folder: Path) -> list[dict]:
    """Rebuild nested service documents from a tabular data package (official or written by Ambito)."""
    descriptor_path = folder / "datapackage.json"
    resources = _resources()
    paths = {name: r["path"] for name, r in resources.items()}
    if descriptor_path.exists():
        for resource in json.loads(read_text(descriptor_path.read_bytes())).get("resources", []):
            if resource.get("name") in resources and resource.get("path"):
                paths[resource["name"]] = resource["path"]
    types = {name: {f["name"]: f.get("type") for f in r["schema"]["fields"]} for name, r in resources.items()}
    rows: dict = {}
    for name, path in paths.items():
        file = folder / path
        if not file.exists():
            continue
        reader = csv.DictReader(io.StringIO(read_text(file.read_bytes())))
        rows[name] = [
            {k: _typed(v or "", types[name].get(k)) for k, v in row.items() if k is not None} for row in reader
        ]
        for row in rows[name]:
            for key in [k for k, v in row.items() if v is None]:
                del row[key]
    by_id = {name: {row.get("id"): row for row in items} for name, items in rows.items()}
    children: dict = {}
    for name, items in rows.items():
        if name in ("service", "organization", "location", "taxonomy_term", "taxonomy"):
            continue
        for row in items:
            for column in LINK_COLUMNS:
                if row.get(column):
                    children.setdefault(row[column], []).append((name, row))
                    break

    def build(row: dict, resource: str, seen=frozenset()) -> dict:
        obj = dict(row)
        if resource == "attribute" and obj.get("taxonomy_term_id") in by_id.get("taxonomy_term", {}):
            obj["taxonomy_term"] = dict(by_id["taxonomy_term"][obj["taxonomy_term_id"]])
        if resource == "service_at_location" and obj.get("location_id") in by_id.get("location", {}):
            obj["location"] = build(by_id["location"][obj["location_id"]], "location", seen | {obj["id"]})
        if resource == "service" and obj.get("organization_id") in by_id.get("organization", {}):
            obj["organization"] = build(by_id["organization"][obj["organization_id"]], "organization",
                                        seen | {obj["id"]})
        for child_resource, child in children.get(obj.get("id"), []):
            if child.get("id") in seen:
                continue
            key = RESOURCE_KEYS.get(child_resource)
            if key is None:
                continue
            obj.setdefault(key, []).append(build(child, child_resource, seen | {obj.get("id")}))
        return obj

    return [build(row, "service") for row in rows.get("service", [])]


def read_documents(path: Path) -> list[dict]:
    """An HSDS JSON file (a list of services, one service, or an API page with ``contents``) or a data
    package folder."""
    if path.is_dir():
        return read_tables(path)
    data = json.loads(read_text(path.read_bytes()))
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        return data["contents"]
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list):
        return data
    raise ImportRejected([RowError(0, _("The file does not contain HSDS services."))])


# --- Import --------------------------------------------------------------------------------------------

SERVICE_KEYS = {
    "id", "organization_id", "organization", "name", "description", "url", "email", "status", "application_process",
    "fees_description", "eligibility_description", "minimum_age", "maximum_age", "phones", "languages",
    "service_areas", "service_at_locations", "schedules", "attributes", "x_ambito_service_type", "x_ambito_area",
    "x_ambito_leps", "x_ambito_target_groups", "x_ambito_fee", "x_ambito_isee_max", "x_ambito_capacity",
    "x_ambito_capacity_unit", "x_ambito_vacancies", "x_ambito_estimated_wait_days", "x_ambito_target_wait_days",
    "x_ambito_staffed_by",
}
ORGANISATION_KEYS = {
    "id", "name", "description", "email", "website", "tax_id", "legal_status", "phones", "organization_identifiers",
    "x_ambito_kind", "x_ambito_comune", "x_ambito_areas", "x_ambito_accreditation_status",
    "x_ambito_accreditation_date", "x_ambito_accreditation_expiry", "x_ambito_contact_name",
    "x_ambito_contact_email", "x_ambito_contact_phone",
}
LOCATION_KEYS = {"id", "location_type", "name", "transportation", "latitude", "longitude", "addresses",
                 "accessibility", "x_ambito_comune"}
SCHEDULE_KEYS = {"id", "service_id", "location_id", "freq", "wkst", "byday", "opens_at", "closes_at", "description"}
SAL_KEYS = {"id", "service_id", "location_id", "description", "location"}


def _extra(obj: dict, known: set) -> dict:
    return {k: v for k, v in obj.items() if k not in known}


def _split(items, keep) -> tuple[list, list]:
    ours, theirs = [], []
    for item in items or []:
        (ours if keep(item) else theirs).append(item)
    return ours, theirs


def _is_weekly_slot(schedule: dict) -> bool:
    return bool(schedule.get("byday") and schedule.get("opens_at") and schedule.get("closes_at")) and schedule.get(
        "freq", "WEEKLY") == "WEEKLY"


class _Checker:
    def __init__(self, ambito):
        self.ambito = ambito
        self.errors: list[RowError] = []
        self.terms = {t.code: t for t in TaxonomyTerm.objects.all()}
        self.comuni = {c.istat_code: c for c in Comune.objects.all()}

    def add(self, row, message, field=""):
        self.errors.append(RowError(row, message, field))

    def check(self, documents: list[dict]):
        seen_services: set = set()
        organisations: dict = {}
        locations: dict = {}
        for row, doc in enumerate(documents, start=1):
            if not isinstance(doc, dict):
                self.add(row, _("A service must be a JSON object."))
                continue
            invalid = schema_errors(doc, row) + extension_errors(doc, row)
            if invalid:  # the checks below read the shapes the schemas promise
                self.errors += invalid
                continue
            sid = doc.get("id")
            if sid in seen_services:
                self.add(row, _("The service id %(id)s appears twice.") % {"id": sid}, "id")
            seen_services.add(sid)
            organisation = doc.get("organization")
            if isinstance(organisation, dict):
                organisations[organisation.get("id")] = organisation
                if doc.get("organization_id") and doc["organization_id"] != organisation.get("id"):
                    self.add(row, _("organization_id does not match the organization given."), "organization_id")
            elif doc.get("organization_id") and not ProviderProfile.objects.filter(
                hsds_id=self._uuid(doc["organization_id"])
            ).exists():
                self.add(row, _("The organization %(id)s is neither in the file nor in Ambito.")
                         % {"id": doc["organization_id"]}, "organization_id")
            elif not doc.get("organization_id"):
                self.add(row, _("The service has no organization."), "organization_id")
            for i, sal in enumerate(doc.get("service_at_locations") or []):
                if not isinstance(sal, dict):
                    continue
                location = sal.get("location")
                if isinstance(location, dict):
                    locations[location.get("id")] = location
                    if sal.get("location_id") and sal["location_id"] != location.get("id"):
                        self.add(row, _("location_id does not match the location given."),
                                 f"service_at_locations.{i}.location_id")
                elif not Location.objects.filter(hsds_id=self._uuid(sal.get("location_id"))).exists():
                    self.add(row, _("The location %(id)s is neither in the file nor in Ambito.")
                             % {"id": sal.get("location_id")}, f"service_at_locations.{i}.location_id")
            location_ids = {sal.get("location_id") or (sal.get("location") or {}).get("id")
                            for sal in doc.get("service_at_locations") or [] if isinstance(sal, dict)}
            for i, schedule in enumerate(doc.get("schedules") or []):
                if isinstance(schedule, dict):
                    self._check_schedule(row, i, schedule, location_ids)
            for i, attribute in enumerate(doc.get("attributes") or []):
                term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
                if isinstance(term, dict) and term.get("taxonomy") == NOMENCLATORE and term.get("code") not in self.terms:
                    self.add(row, _("%(code)s is not a code of the Nomenclatore.") % {"code": term.get("code")},
                             f"attributes.{i}.taxonomy_term.code")
            for i, area in enumerate(doc.get("service_areas") or []):
                if isinstance(area, dict) and area.get("extent_type") == ISTAT_EXTENT and (
                    area.get("extent") not in self.comuni
                ):
                    self.add(row, _("%(code)s is not a Comune known to Ambito.") % {"code": area.get("extent")},
                             f"service_areas.{i}.extent")
            self._check_choice(row, doc, "x_ambito_service_type", ServiceType.values)
            self._check_choice(row, doc, "x_ambito_area", Area.values)
            self._check_choice(row, doc, "x_ambito_fee", Fee.values)
            self._check_choice(row, doc, "x_ambito_capacity_unit", CapacityUnit.values)
            for value in doc.get("x_ambito_leps") or []:
                if value not in Leps.values:
                    self.add(row, _("%(value)s is not a LEPS code.") % {"value": value}, "x_ambito_leps")
            for value in doc.get("x_ambito_target_groups") or []:
                if value not in TargetGroup.values:
                    self.add(row, _("%(value)s is not a target group.") % {"value": value}, "x_ambito_target_groups")
            for name in ("x_ambito_isee_max", "x_ambito_capacity"):
                if doc.get(name) not in (None, ""):
                    try:
                        Decimal(str(doc[name]))
                    except InvalidOperation:
                        self.add(row, _("Not a number."), name)
            if isinstance(organisation, dict):
                self._check_choice(row, organisation, "x_ambito_kind", OrganisationKind.values, "organization.")
                kind = organisation.get("x_ambito_kind")
                if kind == OrganisationKind.COMUNE and organisation.get("x_ambito_comune") not in self.comuni:
                    self.add(row, _("A Comune organisation needs the ISTAT code of its Comune."),
                             "organization.x_ambito_comune")
        for staffed in {o for doc in documents if isinstance(doc, dict) for o in doc.get("x_ambito_staffed_by") or []}:
            if staffed not in organisations and not ProviderProfile.objects.filter(hsds_id=self._uuid(staffed)).exists():
                self.add(0, _("The organization %(id)s staffing an info-point is unknown.") % {"id": staffed},
                         "x_ambito_staffed_by")
        return organisations, locations

    @staticmethod
    def _uuid(value):
        try:
            return uuid.UUID(str(value))
        except ValueError:
            return None

    def _check_choice(self, row, obj, name, values, prefix=""):
        if obj.get(name) not in (None, "") and obj[name] not in values:
            self.add(row, _("%(value)s is not an accepted value.") % {"value": obj[name]}, prefix + name)

    def _check_schedule(self, row, i, schedule, location_ids):
        where = f"schedules.{i}"
        if not _is_weekly_slot(schedule):
            return  # kept as it is, unused by Ambito
        days = [d.strip() for d in str(schedule["byday"]).split(",")]
        if any(d not in DAYS for d in days):
            self.add(row, _("Invalid day %(days)s: use MO, TU, WE, TH, FR, SA, SU.") % {"days": schedule["byday"]},
                     where + ".byday")
        opens, closes = str(schedule["opens_at"]), str(schedule["closes_at"])
        if not TIME_RE.match(opens) or not TIME_RE.match(closes):
            self.add(row, _("Invalid opening hours %(opens)s–%(closes)s: use HH:MM.") % {"opens": opens,
                                                                                         "closes": closes}, where)
        elif closes[:5] <= opens[:5]:
            self.add(row, _("The closing time must be after the opening time."), where + ".closes_at")
        if schedule.get("location_id") and schedule["location_id"] not in location_ids:
            self.add(row, _("The schedule refers to a location the service is not offered at."),
                     where + ".location_id")


def import_documents(documents: list[dict], *, ambito) -> dict:
    """Import HSDS services, all or nothing: every error is reported at once (``ImportRejected``)."""
    checker = _Checker(ambito)
    organisations, locations = checker.check(documents)
    if checker.errors:
        raise ImportRejected(checker.errors)
    with transaction.atomic():
        org_by_id = {hid: _save_organisation(obj, ambito, checker) for hid, obj in organisations.items()}
        loc_by_id = {hid: _save_location(obj, checker) for hid, obj in locations.items()}
        for doc in documents:
            _save_service(doc, ambito, checker, org_by_id, loc_by_id)
    return {"services": len(documents), "organisations": len(organisations), "locations": len(locations)}


def _date(value):
    from datetime import date

    return date.fromisoformat(value) if value else None


def _save_organisation(obj: dict, ambito, checker) -> Organisation:
    hsds_id = uuid.UUID(obj["id"])
    profile = ProviderProfile.objects.select_related("organisation").filter(hsds_id=hsds_id).first()
    kind = obj.get("x_ambito_kind") or OrganisationKind.OTHER
    phones = obj.get("phones") or []
    fields = {
        "name": obj["name"], "kind": kind, "email": obj.get("email", ""), "website": obj.get("website", ""),
        "tax_code": obj.get("tax_id", "")[:16], "phone": phones[0]["number"] if phones else "",
        "comune": checker.comuni.get(obj.get("x_ambito_comune")) if kind == OrganisationKind.COMUNE else None,
    }
    other_phones = phones[1:]
    if profile:
        organisation = profile.organisation
        for name, value in fields.items():
            setattr(organisation, name, value)
        organisation.save()
    else:
        organisation = Organisation.objects.filter(ambito=ambito, name=obj["name"]).first()
        if organisation is None:
            organisation = Organisation.objects.create(ambito=ambito, **fields)
        profile = ProviderProfile.objects.filter(organisation=organisation).first() or ProviderProfile(
            organisation=organisation)
        profile.hsds_id = hsds_id
    runts, other_ids = _split(obj.get("organization_identifiers"), lambda i: i.get("identifier_scheme") == RUNTS_SCHEME)
    legal = obj.get("legal_status", "")
    extra = _extra(obj, ORGANISATION_KEYS)
    if legal and legal not in LegalForm.values:
        extra["legal_status"] = legal
    if other_phones:
        extra["phones"] = other_phones
    if other_ids or runts[1:]:
        extra["organization_identifiers"] = runts[1:] + other_ids
    section = runts[0].get("identifier_type", "").removeprefix("section ") if runts else ""
    profile.description = "" if obj.get("description") == obj["name"] else obj.get("description", "")
    profile.legal_form = legal if legal in LegalForm.values else ""
    profile.runts_number = runts[0].get("identifier", "") if runts else ""
    profile.runts_section = section if section in RuntsSection.values else ""
    profile.areas = obj.get("x_ambito_areas") or []
    profile.accreditation_status = obj.get("x_ambito_accreditation_status") or AccreditationStatus.NONE
    profile.accreditation_date = _date(obj.get("x_ambito_accreditation_date"))
    profile.accreditation_expiry = _date(obj.get("x_ambito_accreditation_expiry"))
    profile.contact_name = obj.get("x_ambito_contact_name", "")
    profile.contact_email = obj.get("x_ambito_contact_email", "")
    profile.contact_phone = obj.get("x_ambito_contact_phone", "")
    profile.extra = extra
    profile.save()
    return organisation


def _save_location(obj: dict, checker) -> Location:
    addresses = obj.get("addresses") or []
    access = obj.get("accessibility") or []
    extra = _extra(obj, LOCATION_KEYS)
    if obj.get("location_type", "physical") != "physical":
        extra["location_type"] = obj["location_type"]
    if addresses[1:]:
        extra["addresses"] = addresses[1:]
    if access[1:]:
        extra["accessibility"] = access[1:]
    first = addresses[0] if addresses else {}
    comune = checker.comuni.get(obj.get("x_ambito_comune"))
    location, _created = Location.objects.update_or_create(
        hsds_id=uuid.UUID(obj["id"]),
        defaults={
            "name": obj.get("name") or first.get("address_1") or "—",
            "address": first.get("address_1", ""), "postal_code": first.get("postal_code", "")[:10],
            "city": first.get("city", "") if not comune or first.get("city") != comune.name else "",
            "comune": comune, "transportation": obj.get("transportation", "")[:300],
            "latitude": Decimal(str(obj["latitude"])) if obj.get("latitude") is not None else None,
            "longitude": Decimal(str(obj["longitude"])) if obj.get("longitude") is not None else None,
            "accessibility": (access[0].get("description", "") if access else "")[:300],
            "extra": extra,
        },
    )
    return location


def _save_service(doc: dict, ambito, checker, org_by_id, loc_by_id) -> Service:
    organisation = org_by_id.get(doc.get("organization_id") or doc["organization"]["id"])
    if organisation is None:
        organisation = ProviderProfile.objects.get(hsds_id=uuid.UUID(doc["organization_id"])).organisation
    terms, other_attributes = _split(
        doc.get("attributes"),
        lambda a: isinstance(a.get("taxonomy_term"), dict) and a["taxonomy_term"].get("taxonomy") == NOMENCLATORE,
    )
    areas, other_areas = _split(doc.get("service_areas"), lambda a: a.get("extent_type") == ISTAT_EXTENT)
    languages, other_languages = _split(doc.get("languages"), lambda lang: bool(lang.get("code")))
    phones = doc.get("phones") or []
    slots, other_schedules = _split(doc.get("schedules"), _is_weekly_slot)
    extra = _extra(doc, SERVICE_KEYS)
    for key, items in (("attributes", other_attributes + terms[1:]), ("service_areas", other_areas),
                       ("languages", other_languages), ("phones", phones[1:]), ("schedules", other_schedules)):
        if items:
            extra[key] = items

    def decimal(name):
        return Decimal(str(doc[name])) if doc.get(name) not in (None, "") else None

    fields = {
        "ambito": ambito, "provider": organisation, "name": doc["name"][:200],
        "description": doc.get("description", ""), "url": doc.get("url", ""), "email": doc.get("email", ""),
        "active": doc.get("status") == "active", "application_process": doc.get("application_process", ""),
        "fees_description": doc.get("fees_description", "")[:300],
        "eligibility_description": doc.get("eligibility_description", ""),
        "minimum_age": doc.get("minimum_age"), "maximum_age": doc.get("maximum_age"),
        "phone": phones[0]["number"][:40] if phones else "",
        "languages": list(dict.fromkeys(lang["code"] for lang in languages)),
        "taxonomy_term": checker.terms[terms[0]["taxonomy_term"]["code"]] if terms else None,
        "service_type": doc.get("x_ambito_service_type") or ServiceType.OTHER,
        "area": doc.get("x_ambito_area") or Area.MULTI_USER,
        "leps": doc.get("x_ambito_leps") or [], "target_groups": doc.get("x_ambito_target_groups") or [],
        "fee": doc.get("x_ambito_fee") or Fee.FREE, "isee_max": decimal("x_ambito_isee_max"),
        "capacity": decimal("x_ambito_capacity"),
        "capacity_unit": doc.get("x_ambito_capacity_unit") or CapacityUnit.PLACES,
        "vacancies": doc.get("x_ambito_vacancies"), "estimated_wait_days": doc.get("x_ambito_estimated_wait_days"),
        "target_wait_days": doc.get("x_ambito_target_wait_days"), "extra": extra,
    }
    service, _created = Service.objects.update_or_create(hsds_id=uuid.UUID(doc["id"]), defaults=fields)
    # Data from other systems may name no Comune: the service then covers the whole Ambito.
    comuni = [checker.comuni[a["extent"]] for a in areas] or list(Comune.objects.filter(ambito=ambito))
    service.comuni.set(comuni)
    staffed = [org_by_id.get(o) or ProviderProfile.objects.get(hsds_id=uuid.UUID(o)).organisation
               for o in doc.get("x_ambito_staffed_by") or []]
    service.staffed_by.set(staffed)
    service.service_locations.all().delete()
    locations = {}
    for sal in doc.get("service_at_locations") or []:
        location_id = sal.get("location_id") or sal["location"]["id"]
        location = loc_by_id.get(location_id) or Location.objects.get(hsds_id=uuid.UUID(location_id))
        locations[location_id] = location
        ServiceAtLocation.objects.create(hsds_id=uuid.UUID(sal["id"]), service=service, location=location,
                                         description=sal.get("description", "")[:300], extra=_extra(sal, SAL_KEYS))
    service.schedules.all().delete()
    for slot in slots:
        days = [d.strip() for d in str(slot["byday"]).split(",")]
        for n, day in enumerate(days):
            Schedule.objects.create(
                hsds_id=uuid.UUID(slot["id"]) if n == 0 else uuid.uuid5(NAMESPACE, f"{slot['id']}:{day}"),
                service=service, location=locations.get(slot.get("location_id")), weekday=DAYS.index(day) + 1,
                opens_at=time.fromisoformat(str(slot["opens_at"])), closes_at=time.fromisoformat(str(slot["closes_at"])),
                notes=slot.get("description", "")[:200], extra=_extra(slot, SCHEDULE_KEYS),
            )
    return service
