"""HSDS 3.0 JSON documents of the catalogue.

A service, organisation or location that came from another system keeps the document as sent
(``hsds_source``) and Ambito's own rendering of it just after the import (``hsds_baseline``). Its export is
the source document, field by field, except where Ambito's rendering has changed since the import (an edit in
Ambito wins) and for the fields Ambito owns (``OWNED_FIELDS``): exporting what was imported gives back the
same document apart from those."""

import json
from decimal import Decimal

from ambito.network.hsds.schema import (
    CAPACITY_SCHEME,
    DAYS,
    EXTENT_TYPE,
    NOMENCLATORE,
    RUNTS_SCHEME,
    derived_id,
    is_owned,
)
from ambito.network.models import (
    AccreditationStatus,
    Location,
    ProviderProfile,
    Service,
    TaxonomyTerm,
)

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


def _overlay(native: dict, source: dict | None, baseline: dict | None, kind: str) -> dict:
    """The export of an object imported from another system: the source's value of each field unless Ambito
    changed it since the import or owns it (then Ambito's value, or the source's when Ambito has none)."""
    if not source:
        return native
    baseline = baseline or {}
    out = {}
    for key, value in source.items():
        if is_owned(kind, key):
            out[key] = native[key] if key in native else value
        elif native.get(key) == baseline.get(key):
            out[key] = value  # unchanged in Ambito since the import (or a field Ambito does not model)
        elif key in native:
            out[key] = native[key]
    for key, value in native.items():
        if key not in out and (is_owned(kind, key) or value != baseline.get(key)):
            out[key] = value
    return out


def _number(value):
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def organisation_hsds_id(organisation) -> str:
    profile = getattr(organisation, "provider_profile", None)
    return str(profile.hsds_id) if profile else derived_id("organisation", organisation.pk)


def organisation_to_hsds(organisation) -> dict:
    profile = _profile(organisation)
    native = organisation_native(organisation)
    return _overlay(native, profile.hsds_source if profile else None, profile.hsds_baseline if profile else None,
                    "organization")


def _profile(organisation):
    try:
        return organisation.provider_profile
    except ProviderProfile.DoesNotExist:
        return None


def organisation_native(organisation) -> dict:
    """Ambito's own rendering of an organisation."""
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
    return _overlay(location_native(location), location.hsds_source, location.hsds_baseline, "location")


def location_native(location: Location) -> dict:
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
    """The service with its organisation and locations, each merged with what its source system sent."""
    out = _overlay(service_native(service), service.hsds_source, service.hsds_baseline, "service")
    out["organization"] = organisation_to_hsds(service.provider)
    locations = {str(sal.location.hsds_id): sal.location for sal in service.service_locations.all()}
    sals = []
    for sal in out.get("service_at_locations") or []:
        location = locations.get(str(sal.get("location_id") or (sal.get("location") or {}).get("id")))
        if isinstance(sal, dict) and location is not None and ("location" in sal or not service.hsds_source):
            sal = {**sal, "location": location_to_hsds(location)}
        sals.append(sal)
    if sals:
        out["service_at_locations"] = sals
    return out


def service_native(service: Service) -> dict:
    """Ambito's own rendering of a service, without its organisation and the locations inside its
    service_at_locations (those are rendered, and merged with their sources, on their own)."""
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
        "phones": [{"id": derived_id(sid, "phone"), "service_id": sid, "number": service.phone}]
        if service.phone else [],
        "languages": [{"id": derived_id(sid, "language", code), "service_id": sid, "code": code}
                      for code in sorted(service.languages)],
        "service_areas": [
            {"id": derived_id(sid, "comune", c.istat_code), "service_id": sid, "name": c.name,
             "description": f"Comune di {c.name} (ISTAT {c.istat_code})", "extent": c.istat_code,
             "extent_type": EXTENT_TYPE}
            for c in sorted(service.comuni.all(), key=lambda c: c.istat_code)
        ],
        "service_at_locations": [
            _merge(_clean({"id": str(sal.hsds_id), "service_id": sid, "location_id": str(sal.location.hsds_id),
                           "description": sal.description}), sal.extra)
            for sal in sals
        ],
        "wait_time": f"P{service.estimated_wait_days}D" if service.estimated_wait_days is not None else "",
        "capacities": [_clean({
            "id": derived_id(sid, "capacity"), "service_id": sid,
            "unit": {"id": derived_id("capacity-unit", service.capacity_unit), "name": service.capacity_unit,
                     "scheme": CAPACITY_SCHEME, "identifier": service.capacity_unit},
            "maximum": _number(service.capacity), "available": service.vacancies,
        })] if service.capacity is not None or service.vacancies is not None else [],
        "schedules": [
            _merge(_clean({
                "id": str(s.hsds_id), "service_id": sid,
                "location_id": str(s.location.hsds_id) if s.location_id else "",
                "freq": "WEEKLY", "wkst": "MO", "byday": DAYS[s.weekday - 1],
                "opens_at": s.opens_at.strftime("%H:%M:%S"), "closes_at": s.closes_at.strftime("%H:%M:%S"),
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
        "x_ambito_target_wait_days": service.target_wait_days,
        "x_ambito_staffed_by": sorted(organisation_hsds_id(o) for o in service.staffed_by.all()),
    }
    return _merge(_clean(obj), service.extra)


def export_queryset(*, public: bool = False):
    """Every service (``public``: only those the directory shows), with what the export reads."""
    queryset = Service.objects.filter(active=True) if public else Service.objects.all()
    return (
        queryset.select_related("provider__provider_profile", "provider__comune", "taxonomy_term__parent")
        .prefetch_related("comuni", "staffed_by__provider_profile", "schedules__location",
                          "service_locations__location__comune")
        .order_by("name", "hsds_id")
    )


def export_documents(queryset=None) -> list[dict]:
    return [service_to_hsds(s) for s in (queryset if queryset is not None else export_queryset())]


def dumps_json(documents: list[dict]) -> str:
    return json.dumps(documents, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
