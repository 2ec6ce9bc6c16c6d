"""A service from another system, written with every field of the HSDS 3.0 schema (and fields of its own),
goes through the planning office's review into the catalogue and comes back out of the export unchanged,
apart from the fields Ambito declares it owns (``OWNED_FIELDS``). Organization, location and taxonomy
records are accepted on their own."""

import copy
import json
import uuid

import pytest

from ambito.network.hsds import (
    OWNED_FIELDS,
    derived_id,
    export_documents,
    import_documents,
    is_owned,
    schema_dir,
    schema_errors,
)
from ambito.network.models import HsdsTaxonomyRecord, Location, ProviderProfile, Service
from ambito.network.services import hsds_import_approve, hsds_import_stage

NOMENCLATORE_A601 = derived_id("nomenclatore", "A6.01")  # the term's id as Ambito publishes it (/taxonomy_terms)


def U(name: str) -> str:  # noqa: N802
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://esempio.example/hsds/{name}"))


def meta(resource: str, resource_type: str) -> list:
    return [{"id": U(f"{resource}-meta"), "resource_id": U(resource), "resource_type": resource_type,
             "last_action_date": "2026-10-30", "last_action_type": "update", "field_name": "name",
             "previous_value": "Vecchio nome", "replacement_value": "Nuovo nome", "updated_by": "redazione"}]


TAXONOMY = {"id": U("taxonomy"), "name": "Bisogni sociali (Rete Esempio)", "description": "Tassonomia dei bisogni",
            "uri": "https://esempio.example/tassonomia", "version": "2.1", "metadata": meta("taxonomy", "taxonomy")}
TERM = {"id": U("term"), "code": "ASS-DOM", "name": "Aiuto a domicilio", "description": "Aiuto nella casa",
        "parent_id": U("term-parent"), "taxonomy": "Bisogni sociali", "taxonomy_detail": TAXONOMY,
        "language": "it", "taxonomy_id": U("taxonomy"), "term_uri": "https://esempio.example/tassonomia/ASS-DOM",
        "metadata": meta("term", "taxonomy_term")}


def attrs(owner: str, entity: str) -> list:
    return [{"id": U(f"{owner}-attr"), "link_id": U(owner), "taxonomy_term_id": U("term"), "link_type": "need",
             "link_entity": entity, "value": "sì", "taxonomy_term": TERM,
             "metadata": meta(f"{owner}-attr", "attribute")}]


LINKS = {"service_id": U("svc"), "location_id": U("loc"), "organization_id": U("org"),
         "service_at_location_id": U("sal")}


def language(owner: str, code: str) -> dict:
    lid = f"{owner}-lang-{code}"
    return {"id": U(lid), "service_id": U("svc"), "location_id": U("loc"), "phone_id": U("svc-phone"),
            "name": {"it": "italiano", "fr": "francese"}[code], "code": code, "note": "parlato allo sportello",
            "attributes": attrs(lid, "language"), "metadata": meta(lid, "language")}


def phone(owner: str, number: str, contact_id: str = U("svc-contact")) -> dict:
    pid = f"{owner}-phone"
    return {"id": U(pid), **LINKS, "contact_id": contact_id, "number": number, "extension": 204,
            "type": "voice", "description": "Centralino, chiedere dello sportello", "languages": [language(pid, "fr")],
            "attributes": attrs(pid, "phone"), "metadata": meta(pid, "phone")}


def contact(owner: str) -> dict:
    cid = f"{owner}-contact"
    return {"id": U(cid), **LINKS, "name": "Marta Colombo", "title": "Coordinatrice",
            "department": "Domiciliarità", "email": "marta.colombo@esempio.example",
            "phones": [phone(cid, "039 111 2233", contact_id=U(cid))],
            "attributes": attrs(cid, "contact"), "metadata": meta(cid, "contact")}


def schedule(owner: str, byday: str, **fields) -> dict:
    sid = f"{owner}-schedule-{byday}"
    return {"id": U(sid), "service_id": U("svc"), "location_id": U("loc"), "service_at_location_id": U("sal"),
            "valid_from": "2026-01-01", "valid_to": "2026-12-31",
            "dtstart": "2026-01-01", "timezone": 1, "until": "2026-12-31", "count": 100, "wkst": "SU",
            "freq": "WEEKLY", "interval": 1, "byday": byday, "byweekno": "", "bymonthday": "", "byyearday": "",
            "description": "Su appuntamento", "opens_at": "09:00", "closes_at": "12:30",
            "schedule_link": "https://esempio.example/orari", "attending_type": "in presenza",
            "notes": "Chiuso in agosto", "attributes": attrs(sid, "schedule"), "metadata": meta(sid, "schedule"),
            **fields}


LOCATION = {
    "id": U("loc"), "location_type": "physical", "url": "https://esempio.example/sede", "organization_id": U("org"),
    "name": "Sede di via Esempio", "alternate_name": "Casa del Volontariato", "description": "Primo piano",
    "transportation": "Autobus 205, fermata Esempio", "latitude": 45.58412, "longitude": 9.27431,
    "external_identifier": "SEDE-7", "external_identifier_type": "codice interno",
    "languages": [language("loc", "it")],
    "addresses": [
        {"id": U("loc-address"), "location_id": U("loc"), "attention": "Sportello anziani",
         "address_1": "Via Esempio 12", "address_2": "Scala B", "city": "Monza", "region": "Lombardia",
         "state_province": "MB", "postal_code": "20900", "country": "IT", "address_type": "physical",
         "attributes": attrs("loc-address", "address"), "metadata": meta("loc-address", "address")},
        {"id": U("loc-postal"), "location_id": U("loc"), "address_1": "Casella postale 40", "city": "Monza",
         "state_province": "MB", "postal_code": "20900", "country": "IT", "address_type": "postal"},
    ],
    "contacts": [contact("loc")],
    "accessibility": [{"id": U("loc-access"), "location_id": U("loc"), "description": "Ingresso senza gradini",
                       "details": "Ascensore fino al primo piano", "url": "https://esempio.example/accessibilita",
                       "attributes": attrs("loc-access", "accessibility"),
                       "metadata": meta("loc-access", "accessibility")}],
    "phones": [phone("loc", "039 222 3344")],
    "schedules": [schedule("loc", "MO,TU,WE,TH,FR")],
    "attributes": attrs("loc", "location"), "metadata": meta("loc", "location"),
}

PROGRAM = {"id": U("program"), "organization_id": U("org"), "name": "Vivere a casa", "alternate_name": "VaC",
           "description": "Programma per restare a casa propria", "attributes": attrs("program", "program"),
           "metadata": meta("program", "program")}

ORGANIZATION = {
    "id": U("org"), "name": "Associazione Esempio per la Domiciliarità",
    "alternate_name": "Esempio ODV", "description": "Volontari e operatori per l'aiuto a casa",
    "email": "info@esempio.example", "website": "https://esempio.example", "tax_status": "ODV",
    "tax_id": "94000000000", "year_incorporated": 1996, "legal_status": "Associazione riconosciuta",
    "logo": "https://esempio.example/logo.png", "uri": "https://esempio.example/chi-siamo",
    "parent_organization_id": U("parent-org"),
    "funding": [{"id": U("org-funding"), "organization_id": U("org"), "service_id": U("svc"), "source": "5 per mille",
                 "attributes": attrs("org-funding", "funding"), "metadata": meta("org-funding", "funding")}],
    "contacts": [contact("org")],
    "phones": [phone("org", "039 333 4455")],
    "locations": [LOCATION],
    "programs": [PROGRAM],
    "organization_identifiers": [{"id": U("org-cf"), "organization_id": U("org"), "identifier_scheme": "IT-CF",
                                  "identifier_type": "codice fiscale", "identifier": "94000000000",
                                  "attributes": attrs("org-cf", "organization_identifier"),
                                  "metadata": meta("org-cf", "organization_identifier")}],
    "attributes": attrs("org", "organization"), "metadata": meta("org", "organization"),
    "x_esempio_codice_rete": "RETE-0042",  # a field of the source system's own
}

SERVICE = {
    "id": U("svc"), "organization_id": U("org"), "program_id": U("program"),
    "name": "Aiuto a casa per anziani soli", "alternate_name": "Anziani a casa",
    "description": "Volontari e operatori aiutano a casa le persone anziane che vivono sole.",
    "url": "https://esempio.example/aiuto-a-casa", "email": "aiuto@esempio.example", "status": "active",
    "interpretation_services": "Mediatrice francofona il giovedì", "application_process": "Telefonare al centralino",
    "fees_description": "Gratuito; rimborso spese per i trasporti", "wait_time": "circa due settimane",
    "fees": "Gratuito", "accreditations": "Accreditamento regionale 2024",
    "eligibility_description": "Persone di almeno 65 anni che vivono sole a Monza", "minimum_age": 65,
    "maximum_age": 120, "assured_date": "2026-10-01", "assurer_email": "qualita@esempio.example",
    "licenses": "Autorizzazione comunale 12/2023", "alert": "Servizio ridotto ad agosto",
    "last_modified": "2026-11-02T10:15:00Z",
    "phones": [phone("svc", "039 444 5566")],
    "schedules": [schedule("svc", "TH,FR"),
                  schedule("svc", "1MO", freq="MONTHLY", opens_at="15:00", closes_at="17:00")],
    "service_areas": [
        {"id": U("svc-area-monza"), "service_id": U("svc"), "name": "Monza", "description": "Tutta la città",
         "extent": "108033", "extent_type": "text", "uri": "https://esempio.example/aree/monza",
         "attributes": attrs("svc-area-monza", "service_area"), "metadata": meta("svc-area-monza", "service_area")},
        {"id": U("svc-area-rocco"), "service_id": U("svc"), "name": "Quartiere San Rocco",
         "extent": json.dumps({"type": "Polygon", "coordinates": [[[9.27, 45.59], [9.28, 45.59], [9.28, 45.60],
                                                                  [9.27, 45.59]]]}),
         "extent_type": "geojson"},
    ],
    "service_at_locations": [{
        "id": U("sal"), "service_id": U("svc"), "location_id": U("loc"), "description": "Sportello al primo piano",
        "contacts": [contact("sal")],
        "phones": [phone("sal", "039 555 6677")],
        "schedules": [schedule("sal", "MO")],
        "location": LOCATION, "attributes": attrs("sal", "service_at_location"), "metadata": meta("sal", "sal"),
    }],
    "languages": [language("svc", "it"), language("svc", "fr")],
    "organization": ORGANIZATION,
    "funding": [{"id": U("svc-funding"), "organization_id": U("org"), "service_id": U("svc"), "source": "Fondo non autosufficienza",
                 "attributes": attrs("svc-funding", "funding"), "metadata": meta("svc-funding", "funding")}],
    "cost_options": [{"id": U("svc-cost"), "service_id": U("svc"), "valid_from": "2026-01-01",
                      "valid_to": "2026-12-31", "option": "Trasporto", "currency": "EUR", "amount": 2.5,
                      "amount_description": "a tratta", "attributes": attrs("svc-cost", "cost_option"),
                      "metadata": meta("svc-cost", "cost_option")}],
    "program": PROGRAM,
    "required_documents": [{"id": U("svc-doc"), "service_id": U("svc"), "document": "Documento d'identità",
                            "uri": "https://esempio.example/documenti", "attributes": attrs("svc-doc", "doc"),
                            "metadata": meta("svc-doc", "required_document")}],
    "contacts": [contact("svc")],
    "attributes": [
        *attrs("svc", "service"),
        {"id": U("svc-nomenclatore"), "link_id": U("svc"), "link_type": "service", "link_entity": "service",
         "taxonomy_term_id": NOMENCLATORE_A601, "taxonomy_term": {
             "id": NOMENCLATORE_A601, "code": "A6.01", "name": "Assistenza domiciliare socio-assistenziale",
             "description": "Nomenclatore CISIS", "taxonomy": "CISIS Nomenclatore interventi e servizi sociali"}},
    ],
    "metadata": meta("svc", "service"),
    "x_esempio_valutazione": 4.5,  # a field of the source system's own
}


def clean(obj):
    return copy.deepcopy(obj)


def _document() -> dict:
    return clean(copy.deepcopy(SERVICE))


def _unused_fields(document, schema_name, schemas, path="") -> list[str]:
    """Every property of the official schema (recursively) that the document leaves out."""
    schema = schemas[schema_name]
    missing = []
    for name, prop in schema["properties"].items():
        if name not in document:
            missing.append(f"{path}{name}")
            continue
        ref = prop.get("$ref") or (prop.get("items") or {}).get("$ref")
        if ref:
            values = document[name] if isinstance(document[name], list) else [document[name]]
            if not values:
                missing.append(f"{path}{name}[]")
            # the same object nested again is checked once, at its first place
            for value in values[:1]:
                if ref[:-5] != schema_name and f".{ref[:-5]}." not in f".{path}":
                    missing += _unused_fields(value, ref[:-5], schemas, f"{path}{ref[:-5]}.")
    return missing


def _without_owned(document: dict, kind: str = "service") -> dict:
    out = {k: v for k, v in document.items() if not is_owned(kind, k)}
    if kind == "service":
        out["organization"] = _without_owned(out["organization"], "organization")
        out["service_at_locations"] = [{**sal, "location": _without_owned(sal["location"], "location")}
                                       for sal in out["service_at_locations"]]
    return out


@pytest.fixture
def catalogue(demo_with):
    return demo_with("network")


def test_the_document_uses_every_field_of_the_schema():
    schemas = {p.stem: json.loads(p.read_text()) for p in (schema_dir() / "schema").glob("*.json")
               if p.stem != "openapi"}
    assert _unused_fields(_document(), "service", schemas) == []
    assert schema_errors(_document(), 1) == []


def test_a_full_document_comes_back_unchanged_apart_from_the_owned_fields(catalogue):
    document = _document()
    batch = hsds_import_stage(actor=catalogue.users["planner"], ambito=catalogue.ambito, documents=[document],
                              source_name="esempio.json")
    assert not Service.objects.filter(hsds_id=document["id"]).exists()  # nothing before the review
    hsds_import_approve(actor=catalogue.users["planner"], batch=batch, comuni=[])
    service = Service.objects.get(hsds_id=document["id"])
    assert [c.istat_code for c in service.comuni.all()] == ["108033"]  # the Comune it names
    assert [(s.weekday, s.opens_at.isoformat()) for s in service.schedules.all()] == [(4, "09:00:00"),
                                                                                     (5, "09:00:00")]
    exported = next(d for d in export_documents() if d["id"] == document["id"])
    assert _without_owned(exported) == _without_owned(document)
    assert exported["service_areas"][0]["extent"] == "108033" and exported["service_areas"][0]["extent_type"] == "text"
    # ... phones, addresses, schedules, ids, and the source's own fields among them
    assert exported["phones"] == document["phones"] and exported["schedules"] == document["schedules"]
    assert exported["x_esempio_valutazione"] == 4.5
    assert exported["organization"]["x_esempio_codice_rete"] == "RETE-0042"
    assert exported["service_at_locations"][0]["location"]["addresses"][0]["country"] == "IT"
    assert schema_errors(exported, 1) == []
    # Ambito's own value of an owned field: what it knows, added beside the source's fields
    assert exported["organization"]["x_ambito_kind"] == "other"
    assert set(OWNED_FIELDS) == {"service", "organization", "location"}


def test_an_edit_in_ambito_wins_over_the_source(catalogue):
    from ambito.network.services import service_update

    document = _document()
    import_documents([document], ambito=catalogue.ambito)
    service = Service.objects.get(hsds_id=document["id"])
    service_update(actor=catalogue.users["planner"], service=service, description="Testo rivisto dall'Ufficio",
                   phone="039 999 0000")
    exported = next(d for d in export_documents() if d["id"] == document["id"])
    assert exported["description"] == "Testo rivisto dall'Ufficio"
    assert exported["phones"][0]["number"] == "039 999 0000"
    assert exported["alternate_name"] == document["alternate_name"]  # the rest as received
    assert schema_errors(exported, 1) == []


def test_organization_location_and_taxonomy_records_are_accepted_on_their_own(catalogue):
    organization = {k: v for k, v in clean(ORGANIZATION).items() if k != "locations"}
    location = clean(LOCATION)
    result = import_documents([organization, location, clean(TAXONOMY), clean(TERM)], ambito=catalogue.ambito)
    assert result == {"services": 0, "organisations": 1, "locations": 1, "taxonomies": 2}
    profile = ProviderProfile.objects.get(hsds_id=organization["id"])
    assert profile.organisation.name == organization["name"]
    place = Location.objects.get(hsds_id=location["id"])
    assert place.comune.istat_code == "108033"  # its city is a Comune of the Ambito
    assert HsdsTaxonomyRecord.objects.get(hsds_id=TERM["id"]).document["code"] == "ASS-DOM"


def test_the_tabular_package_passes_frictionless_validate(catalogue, tmp_path):
    """The data package (demo catalogue plus the full document from another system) passes
    ``frictionless validate``: declared types (times as HH:MM:SS), primary keys, every linked table present."""
    import subprocess
    import sys
    from pathlib import Path

    from django.core.management import call_command

    import_documents([_document()], ambito=catalogue.ambito)
    call_command("export_hsds", str(tmp_path))
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    names = {r["name"] for r in package["resources"]}
    for resource in package["resources"]:
        for key in resource["schema"].get("foreignKeys", []):
            assert key["reference"]["resource"] in names, (resource["name"], key)
    schedules = (tmp_path / "schedules.csv").read_text(encoding="utf-8")
    assert ",09:00:00," in schedules and ",09:00," not in schedules
    cli = Path(sys.executable).parent / "frictionless"
    result = subprocess.run([str(cli), "validate", "--json", str(tmp_path / "datapackage.json")],
                            capture_output=True, text=True, timeout=300)
    report = json.loads(result.stdout)
    errors = [(task["name"], e["type"], e["message"][:200]) for task in report["tasks"] for e in task["errors"]]
    assert errors == [] and report["valid"] and result.returncode == 0
