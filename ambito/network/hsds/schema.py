"""HSDS 3.0: the official schema, Ambito's x_ambito_* extensions, derived ids."""

import json
import re
import uuid
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from ambito.core.imports import RowError

NAMESPACE = uuid.UUID("6f1c8a52-5a1e-4c55-9b0e-2b7d0f0d4a11")  # Ambito's namespace for derived HSDS ids
NOMENCLATORE = "CISIS Nomenclatore interventi e servizi sociali"
ISTAT_EXTENT = "istat_comune"  # the extent type of files written before 3.0's documented types; still read
# A service area of Ambito is a Comune: its ISTAT code as the extent, of HSDS's documented type "text"
# (HSDS 3.0 lists geojson, topojson, kml and text; Ambito keeps no boundaries).
EXTENT_TYPE = "text"
# The unit of ``capacities`` (HSDS 3.1's service_capacity, an additional property in 3.0): Ambito's units.
CAPACITY_SCHEME = "https://ambito.example/hsds/capacity-unit"

# Fields whose exported value is always Ambito's (when Ambito has one), whatever another system sent. Every
# other field of an imported document is exported as it was received, unless it was edited in Ambito.
OWNED_FIELDS = {
    "service": (
        "service_areas",  # the Comuni the planning office attached the service to when it approved the import
        "wait_time",  # Ambito's estimate from its waiting lists, as an ISO 8601 duration (P30D)
        "capacities",  # capacity and free places as Ambito records them
        "x_ambito_*",  # Ambito's own classification (type, area, LEPS, target groups, fee, ISEE, staffing)
    ),
    "organization": ("x_ambito_*",),  # kind, Comune, accreditation and contact: the planning office's record
    "location": ("x_ambito_*",),  # the Comune of the place
}


def is_owned(kind: str, key: str) -> bool:
    return any(key == name or (name.endswith("*") and key.startswith(name[:-1])) for name in OWNED_FIELDS[kind])
RUNTS_SCHEME = "IT-RUNTS"
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
# HH:MM or HH:MM:SS, optionally with the time zone HSDS allows (Z or an offset), which Ambito does not keep.
TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?(Z|[+-]\d\d:?\d\d)?$")


def schema_dir() -> Path:
    """The official schema, copied unchanged into ``network/data/hsds-3.0`` (CC BY-SA 4.0, see SOURCE.md) so
    a fresh checkout validates without the shared folder; ``settings.HSDS_SCHEMA_DIR`` may point elsewhere."""
    configured = getattr(settings, "HSDS_SCHEMA_DIR", None)
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parent.parent / "data" / "hsds-3.0"


def derived_id(*parts) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


# --- Schema --------------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _validator(kind: str = "service"):
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    folder = schema_dir() / "schema"
    resources = []
    for path in sorted(folder.glob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((path.name, Resource.from_contents(contents, default_specification=DRAFT202012)))
    registry = Registry().with_resources(resources)
    return Draft202012Validator({"$ref": f"{kind}.json"}, registry=registry,
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
        "wait_time": {"type": "string", "maxLength": 200},
        "capacities": {"type": "array", "maxItems": 20, "items": {"type": "object", "properties": {
            "maximum": _NUMBER, "available": _NUMBER,
            "unit": {"type": "object", "properties": {"identifier": _TEXT, "scheme": _TEXT}}}}},
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


def schema_errors(document: dict, row: int, kind: str = "service") -> list[RowError]:
    """Errors of ``document`` against the official schema of ``kind`` (service, organization, location,
    taxonomy, taxonomy_term, service_at_location)."""
    errors = []
    for error in sorted(_validator(kind).iter_errors(document), key=lambda e: list(e.absolute_path)):
        where = ".".join(str(p) for p in error.absolute_path)
        errors.append(RowError(row, error.message, where))
    return errors
