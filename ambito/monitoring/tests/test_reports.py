import io
import json
import zipfile

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from ambito.core.models import Job, JobStatus
from ambito.monitoring import services
from ambito.monitoring.tests import factories


@pytest.fixture
def figures(world):
    from ambito.monitoring.models import ReportNarrative

    svc = factories.service(world, "s1", target_wait_days=30)
    for days in (10, 20, 30, 40, 100):
        factories.admitted(world, svc, days=days)
    ReportNarrative.objects.create(ambito=world.ambito, year=2025, introduction="Un anno di lavoro comune.",
                                   critical_issues="Attese ancora lunghe per il SAD.")
    return world


def _run(start, run_jobs, capture):
    with capture(execute=True):
        job = start()
    run_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    with job.result_file.open("rb") as handle:
        return job, handle.read()


def test_the_pdf_report_holds_the_indicator_table_and_the_narrative(figures, run_jobs,
                                                                    django_capture_on_commit_callbacks):
    planner = figures.users["t.planner"]
    job, content = _run(lambda: services.report_start(actor=planner, ambito=figures.ambito, year=2025, fmt="pdf"),
                        run_jobs, django_capture_on_commit_callbacks)
    assert job.result_name == "relazione-monitoraggio-prova-2025.pdf"
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)
    assert "Relazione annuale di monitoraggio 2025" in text
    assert "Indicatori rispetto agli obiettivi" in text
    # median of 10 20 30 40 100, written as the dashboard writes days (one figure, one number)
    assert "Giorni di attesa, mediana" in text and "30,0 " in text and "30,00" not in text
    assert "Attese ancora lunghe per il SAD." in text


def test_the_xlsx_report_has_one_row_per_indicator(figures, run_jobs, django_capture_on_commit_callbacks):
    planner = figures.users["t.planner"]
    _job, content = _run(
        lambda: services.report_start(actor=planner, ambito=figures.ambito, year=2025, fmt="xlsx"),
        run_jobs, django_capture_on_commit_callbacks)
    book = load_workbook(io.BytesIO(content))
    sheet = book["Indicatori"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert rows["waiting_days_median"][3] == 30.0
    assert rows["waiting_days_p90"][3] == 76.0
    assert rows["leps_pua_coverage"][3:5] == (0.0, 100.0) and rows["leps_pua_coverage"][6] == "no"
    assert rows["residents"][3] == 445.0  # latest population year not after 2025
    narrative = {row[0]: row[1] for row in book["Relazione"].iter_rows(values_only=True)}
    assert narrative["Introduzione"] == "Un anno di lavoro comune."


def test_open_data_json_has_dcat_metadata_and_suppresses_small_cells(figures, run_jobs,
                                                                     django_capture_on_commit_callbacks):
    planner = figures.users["t.planner"]
    _job, content = _run(
        lambda: services.open_data_export_start(actor=planner, ambito=figures.ambito, year=2025, fmt="json"),
        run_jobs, django_capture_on_commit_callbacks)
    document = json.loads(content)
    assert document["@context"]["dcatapit"] == "http://dati.gov.it/onto/dcatapit#"
    nodes = {node["@id"]: node for node in document["@graph"]}
    dataset = next(node for node in nodes.values() if "dcatapit:Dataset" in node["@type"])
    assert dataset["@id"].endswith("#indicatori")
    publisher = nodes[dataset["dct:publisher"]["@id"]]
    assert "dcatapit:Agent" in publisher["@type"] and publisher["dct:identifier"]
    assert nodes[dataset["dcat:contactPoint"]["@id"]]["vcard:hasEmail"]["@id"].startswith("mailto:")
    licences = [node for node in nodes.values() if "dcatapit:LicenseDocument" in node.get("@type", [])]
    assert [node["@id"] for node in licences] == ["https://w3id.org/italia/controlled-vocabulary/licences/A21_CCBY40"]
    rows = {(r["indicator"], r["territory"]): r for r in document["data"]}
    assert rows[("waiting_days_median", "prova")]["value"] == "30.0"  # five persons: published
    assert rows[("residents", "999002")]["value"] == "120"


def test_open_data_csv_comes_with_its_metadata(figures, run_jobs, django_capture_on_commit_callbacks):
    observer = figures.users["t.observer"]
    job, content = _run(
        lambda: services.open_data_export_start(actor=observer, ambito=figures.ambito, year=2025, fmt="csv"),
        run_jobs, django_capture_on_commit_callbacks)
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert sorted(archive.namelist()) == ["indicatori-prova-2025.csv", "indicatori-prova-2025.metadata.json"]
    header = archive.read("indicatori-prova-2025.csv").decode().splitlines()[0]
    assert header.startswith("indicator,name,unit,territory")
    metadata = json.loads(archive.read("indicatori-prova-2025.metadata.json"))
    assert any("dcatapit:Dataset" in node["@type"] for node in metadata["@graph"])


def test_the_same_report_asked_twice_while_running_is_one_job(figures, django_capture_on_commit_callbacks):
    planner = figures.users["t.planner"]
    with django_capture_on_commit_callbacks():
        first = services.report_start(actor=planner, ambito=figures.ambito, year=2025, fmt="pdf")
        second = services.report_start(actor=planner, ambito=figures.ambito, year=2025, fmt="pdf")
    assert first.pk == second.pk
    assert Job.objects.filter(kind="monitoring.annual_report").count() == 1


def test_the_report_page_saves_the_narrative_and_starts_the_job(demo, client_as, django_capture_on_commit_callbacks):
    client = client_as("planner")
    assert client.get("/monitoraggio/relazione/").status_code == 200
    with django_capture_on_commit_callbacks():
        response = client.post("/monitoraggio/relazione/", {
            "year": "2025", "action": "pdf", "introduction": "Introduzione di prova", "achievements": "",
            "critical_issues": "", "next_steps": ""})
    job = Job.objects.get(kind="monitoring.annual_report")
    assert response.status_code == 302 and response["Location"] == f"/lavori/{job.pk}/"
    from ambito.monitoring.models import ReportNarrative

    assert ReportNarrative.objects.get(year=2025).introduction == "Introduzione di prova"
    assert client_as("sw.monza").get("/monitoraggio/relazione/").status_code == 403
    assert client_as("observer").get("/monitoraggio/relazione/").status_code == 200
