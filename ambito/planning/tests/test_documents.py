"""The plan PDF and the budget XLSX are built as background jobs; the files are opened and read back."""

from io import BytesIO

from openpyxl import load_workbook
from pypdf import PdfReader

from ambito.core.models import Job, JobStatus
from ambito.planning.models import Plan


def _download(client, job) -> bytes:
    response = client.get(f"/lavori/{job.pk}/scarica/")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_plan_pdf_is_built_in_the_background_and_reads_back(client_as, pdz, run_jobs,
                                                                django_capture_on_commit_callbacks):
    plan = Plan.objects.get(start_year=2021)
    client = client_as("observer")  # readers may download the plan too
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/piano/{plan.pk}/documenti/pdf/")
    job = Job.objects.get(kind="planning.plan_pdf")
    assert response.status_code == 302 and response["Location"] == f"/lavori/{job.pk}/"
    run_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.progress == 100
    assert job.result_name == "piano-di-zona-monza-2021-2023-v1.pdf"
    reader = PdfReader(BytesIO(_download(client, job)))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())  # cells wrap lines
    assert "Piano di Zona dell'Ambito di Monza 2021–2023" in text
    assert "Analisi dei bisogni" in text and "Obiettivi strategici" in text
    assert "Servizio di assistenza domiciliare (SAD) per anziani" in text
    assert "5.400.000,00" in text  # the 2022 total
    assert "Fondo nazionale politiche sociali (FNPS)" in text
    assert "Accordo di Programma" in text and "Il Sindaco di Monza" in text
    assert "Co-programmazione con il Terzo Settore" in text


def test_the_budget_xlsx_job_writes_one_sheet_per_year(client_as, pdz, run_jobs, django_capture_on_commit_callbacks):
    plan = Plan.objects.get(start_year=2021)
    client = client_as("planner")
    with django_capture_on_commit_callbacks(execute=True):
        body = client.post(f"/api/v1/plans/{plan.pk}/documents/xlsx/").json()
    assert body["status"] == "queued"
    run_jobs()
    status = client.get(body["status_url"]).json()
    assert status["status"] == "done" and status["download_url"]
    workbook = load_workbook(BytesIO(_download(client, Job.objects.get(pk=body["id"]))))
    assert workbook.sheetnames == ["2021", "2022", "2023"]
    sheet = workbook["2022"]
    header = [c.value for c in sheet[1]]
    total_column = header.index("Totale")
    assert sum(row[total_column] for row in sheet.iter_rows(min_row=2, values_only=True)) == 5400000
    i01 = next(row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] == "I01")
    assert i01[header.index("Fondi propri di Monza")] == 420000


def test_a_reader_who_lost_access_gets_a_failed_job(demo, pdz, run_jobs, django_capture_on_commit_callbacks):
    from ambito.core.services import job_start

    plan = Plan.objects.get(start_year=2021)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="planning.plan_pdf", actor=demo.users["citizen"], params={"plan_id": plan.pk},
                        title="PDF")
    run_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and not job.result_file
