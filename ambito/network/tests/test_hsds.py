"""Open Referral HSDS 3.0 exchange: schema-valid export, identical round trip through an empty catalogue,
foreign fields kept, malformed data refused whole with a per-record report."""

import copy
import datetime
import json
import uuid

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from ambito.accounts.models import Membership, Organisation
from ambito.accounts.services import access_log_purge
from ambito.core.imports import ImportRejected
from ambito.network.hsds import export_documents, import_documents, read_documents, schema_errors
from ambito.network.models import InfoPointContact, Location, ProviderProfile, Service


def _empty_catalogue():
    """Remove the catalogue and every organisation; the territory (Ambito, Comuni from ISTAT) stays."""
    InfoPointContact.objects.all().delete()
    Service.objects.all().delete()
    Location.objects.all().delete()
    ProviderProfile.objects.all().delete()
    access_log_purge(now=timezone.now() + datetime.timedelta(days=settings.ACCESS_LOG_RETENTION_DAYS + 1))  # append-only
    Membership.objects.all().delete()
    Organisation.objects.update(parent=None)
    Organisation.objects.all().delete()


def _files(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture
def catalogue(demo_with):
    return demo_with("network")


def test_the_export_is_valid_hsds_3(catalogue, tmp_path):
    call_command("export_hsds", str(tmp_path))
    documents = json.loads((tmp_path / "services.json").read_text(encoding="utf-8"))
    assert len(documents) == Service.objects.count() >= 25
    for row, document in enumerate(documents, start=1):
        assert schema_errors(document, row) == []
    sad = next(d for d in documents if d["name"].startswith("Assistenza domiciliare (SAD) — Brugherio"))
    assert {a["extent"] for a in sad["service_areas"]} == {"108012", "108049"}
    assert sad["attributes"][0]["taxonomy_term"]["code"] == "A6.01"
    assert sad["organization"]["organization_identifiers"][0]["identifier_scheme"] == "IT-RUNTS"
    assert {s["byday"] for s in sad["schedules"]} == {"MO", "WE", "FR"}
    header = (tmp_path / "services.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("id,organization_id,program_id,name")
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["path"] for r in package["resources"]} <= {p.name for p in tmp_path.iterdir()}


@pytest.mark.parametrize("source", ["services.json", "."])
def test_round_trip_through_an_empty_catalogue_is_identical(catalogue, tmp_path, source):
    first, second = tmp_path / "first", tmp_path / "second"
    call_command("export_hsds", str(first))
    _empty_catalogue()
    assert not Service.objects.exists() and not Organisation.objects.exists()
    call_command("import_hsds", str(first / source) if source != "." else str(first), "--approve")
    call_command("export_hsds", str(second))
    assert _files(first) == _files(second)


def test_fields_from_other_systems_are_kept(catalogue, tmp_path):
    document = export_documents()[0]
    foreign = copy.deepcopy(document)
    foreign["id"] = str(uuid.uuid4())
    foreign["name"] = "Servizio da altro sistema"
    foreign["alternate_name"] = "Other system's name"
    foreign["wait_time"] = "2 settimane"
    foreign["funding"] = [{"id": str(uuid.uuid4()), "service_id": foreign["id"], "source": "Fondo Povertà"}]
    foreign["service_areas"].append({"id": str(uuid.uuid4()), "service_id": foreign["id"], "name": "Quartiere San Rocco"})
    for schedule in foreign["schedules"]:
        schedule["id"] = str(uuid.uuid4())
    for sal in foreign["service_at_locations"]:
        sal["id"] = str(uuid.uuid4())
    foreign["organization"]["year_incorporated"] = 1998
    (tmp_path / "in.json").write_text(json.dumps([foreign]), encoding="utf-8")
    call_command("import_hsds", str(tmp_path / "in.json"), "--approve")
    exported = next(d for d in export_documents() if d["id"] == foreign["id"])
    assert exported["alternate_name"] == "Other system's name"
    assert exported["wait_time"] == "2 settimane"
    assert exported["funding"] == foreign["funding"]
    assert {"name": "Quartiere San Rocco"}.items() <= exported["service_areas"][-1].items()
    assert exported["organization"]["year_incorporated"] == 1998
    # ... and through the CSV data package too
    call_command("export_hsds", str(tmp_path / "out"))
    assert "Fondo Povertà" in (tmp_path / "out" / "funding.csv").read_text(encoding="utf-8")
    again = next(d for d in read_documents(tmp_path / "out") if d["id"] == foreign["id"])
    assert again["funding"] == foreign["funding"]
    assert again["alternate_name"] == "Other system's name"


def _bad_document(catalogue):
    document = export_documents()[0]
    bad = copy.deepcopy(document)
    bad["id"] = str(uuid.uuid4())
    return bad


def test_malformed_hsds_is_refused_whole_with_a_report(catalogue):
    good = _bad_document(catalogue)
    missing_id = _bad_document(catalogue)
    del missing_id["id"]
    bad_hours = _bad_document(catalogue)
    bad_hours["schedules"][0]["opens_at"], bad_hours["schedules"][0]["closes_at"] = "18:00", "09:00"
    bad_hours["schedules"][1]["opens_at"] = "25:99"
    unknown_code = _bad_document(catalogue)
    unknown_code["attributes"][0]["taxonomy_term"]["code"] = "Z9.99"
    broken_ref = _bad_document(catalogue)
    broken_ref["service_at_locations"][0]["location_id"] = str(uuid.uuid4())
    before = Service.objects.count()
    with pytest.raises(ImportRejected) as rejected:
        import_documents([good, missing_id, bad_hours, unknown_code, broken_ref], ambito=catalogue.ambito)
    report = rejected.value.report()
    assert "'id' is a required property" in report
    assert "riga 3" in report and "apertura" in report
    assert "Z9.99 non è un codice del Nomenclatore" in report
    assert "riga 5" in report
    assert Service.objects.count() == before  # the good record was not kept either


def test_the_command_prints_the_report_and_imports_nothing(catalogue, tmp_path):
    bad = _bad_document(catalogue)
    bad["status"] = "maybe"
    (tmp_path / "bad.json").write_text(json.dumps([bad]), encoding="utf-8")
    with pytest.raises(CommandError, match="status"):
        call_command("import_hsds", str(tmp_path / "bad.json"), "--approve")


def test_a_minimal_data_package_from_another_system_is_imported(catalogue, tmp_path):
    org, svc, sched = (str(uuid.uuid4()) for _ in range(3))
    (tmp_path / "organizations.csv").write_text(
        f"id,name,description,year_incorporated\n{org},Associazione Esterna,Volontariato,2001\n", encoding="utf-8")
    (tmp_path / "services.csv").write_text(
        f"id,organization_id,name,status,description,wait_time\n{svc},{org},Sportello ascolto,active,Ascolto,1 settimana\n",
        encoding="utf-8")
    (tmp_path / "schedules.csv").write_text(
        f"id,service_id,freq,byday,opens_at,closes_at\n{sched},{svc},WEEKLY,\"MO,WE\",09:00,12:00\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Comuni"):  # names no Comune: the office must choose
        call_command("import_hsds", str(tmp_path), "--approve")
    call_command("import_hsds", str(tmp_path), "--approve", "--comuni", "108012")
    service = Service.objects.get(hsds_id=svc)
    assert service.provider.name == "Associazione Esterna" and service.provider.kind == "other"
    assert [s.weekday for s in service.schedules.all()] == [1, 3]
    assert [c.istat_code for c in service.comuni.all()] == ["108012"]
    assert service.hsds_source["wait_time"] == "1 settimana"
    exported = next(d for d in export_documents() if d["id"] == svc)
    assert exported["wait_time"] == "1 settimana"  # Ambito has no estimate of its own
    assert exported["organization"]["year_incorporated"] == 2001
    assert schema_errors(exported, 1) == []


def test_the_shipped_schema_is_the_shared_official_copy():
    from pathlib import Path

    from ambito.network.hsds import schema_dir

    shared = Path(__file__).resolve().parents[4] / "shared" / "standards" / "hsds-3.0"
    if not shared.exists():  # a checkout without the shared folder relies on the copy alone
        assert (schema_dir() / "schema" / "service.json").exists()
        return
    for path in shared.rglob("*.json"):
        assert (schema_dir() / path.relative_to(shared)).read_bytes() == path.read_bytes(), path
