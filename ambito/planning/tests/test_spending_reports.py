"""The fund report (FNPS 2022) as XLSX and PDF, built as jobs and read back equal to the records; locked once
submitted; the spending pages and the API show planned (approved), committed and paid."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from openpyxl import load_workbook
from pypdf import PdfReader

from ambito.core.models import Job, JobStatus
from ambito.planning import services_spending as spending
from ambito.planning.models import Commitment, FundReport, FundReportStatus, Payment, Plan


def _download(client, job) -> bytes:
    response = client.get(f"/lavori/{job.pk}/scarica/")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _it(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def test_the_fnps_2022_report_reads_back_equal_to_the_records_and_locks_on_submission(
        pdz, client_as, run_jobs, django_capture_on_commit_callbacks, monkeypatch):
    from ambito.core import services as core_services

    steps = []
    record = core_services.job_progress
    monkeypatch.setattr(core_services, "job_progress", lambda job, percent, message="": (
        steps.append(percent), record(job, percent, message)))
    plan = Plan.objects.get(ambito=pdz.ambito, start_year=2021)
    planner = pdz.users["planner"]
    committed = Commitment.objects.filter(intervention__plan=plan, year=2022, source="fnps").aggregate(
        s=Sum("amount"))["s"]
    paid = Payment.objects.filter(commitment__intervention__plan=plan, commitment__year=2022,
                                  commitment__source="fnps", stage="paid").aggregate(s=Sum("amount"))["s"]
    report = spending.fund_report_prepare(actor=planner, ambito=pdz.ambito, source="fnps", year=2022)
    report = spending.fund_report_submit(actor=planner, report=report)
    assert report.status == FundReportStatus.SUBMITTED
    client = client_as("planner")
    files = {}
    for kind in ("xlsx", "pdf"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/piano/{plan.pk}/rendiconti/", {"action": kind, "report": report.pk})
        assert response.status_code == 302
        run_jobs()
        job = Job.objects.filter(kind="planning.fund_report").order_by("-created_at").first()
        assert response["Location"] == f"/lavori/{job.pk}/"  # the job's page, with its progress
        assert job.status == JobStatus.DONE, job.error if hasattr(job, "error") else job
        assert job.progress == 100 and job.result_data == {"report": report.pk, "version": 1, "status": "submitted"}
        assert steps == [20, 90], steps  # the progress shown while it runs
        steps.clear()
        files[kind] = _download(client, job)
    sheet = load_workbook(BytesIO(files["xlsx"]))["Rendiconto"]
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert values["Assegnazione ricevuta per l'anno (riparto, atto della Regione o del Ministero)"] == 560000
    assert Decimal(str(values["Previsto nel Piano di Zona approvato per l'anno"])) == Decimal("530000.00")
    assert Decimal(str(values["Impegnato con atti datati nell'anno"])) == committed
    assert Decimal(str(values["Pagato (mandati di pagamento) su quegli impegni"])) == paid
    interventions = load_workbook(BytesIO(files["xlsx"]))["Interventi"]
    rows = list(interventions.iter_rows(min_row=2, values_only=True))
    assert sum(Decimal(str(r[5])) for r in rows[:-1]) == committed  # by intervention adds up to the total
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(files["pdf"])).pages).split())
    assert "Fondo nazionale politiche sociali (FNPS) 2022" in text
    assert _it(committed) in text and _it(paid) in text and "530.000,00" in text
    # locked: a correction is a new version with its reason
    with pytest.raises(ValidationError):
        spending.fund_report_submit(actor=planner, report=report)
    with pytest.raises(ValidationError) as refused:
        spending.fund_report_prepare(actor=planner, ambito=pdz.ambito, source="fnps", year=2022)
    assert "reason" in refused.value.message_dict
    second = spending.fund_report_prepare(actor=planner, ambito=pdz.ambito, source="fnps", year=2022,
                                          reason="Mandato M 2022/140-4 registrato in ritardo")
    assert (second.version, second.reason) == (2, "Mandato M 2022/140-4 registrato in ritardo")
    assert FundReport.objects.get(pk=report.pk).content == report.content  # the submitted one is unchanged


def test_the_pages_and_the_api_show_planned_committed_and_paid_of_the_approved_plan(pdz, client_as):
    plan = Plan.objects.get(ambito=pdz.ambito, start_year=2021)
    client = client_as("planner")
    page = client.get(f"/piano/{plan.pk}/spesa/?anno=2022").content.decode()
    assert "5.400.000,00" in page and 'id="carry-over-rule"' in page and "Monza" in page
    costs = client.get(f"/piano/{plan.pk}/costi-e-risparmi/").content.decode()
    # the reinvestment case of 2022: savings declared, reinvested (5 %), spent from the reinvested source
    assert 'id="reinvestment"' in costs and "846.930,00" in costs and "42.346,50" in costs
    assert client.get(f"/piano/{plan.pk}/rendiconti/").status_code == 200
    body = client_as("observer").get(f"/api/v1/plans/{plan.pk}/spending/?year=2022").json()
    assert body["total"]["planned"] == "5400000.00"
    assert Decimal(body["total"]["committed"]) > 0 and Decimal(body["total"]["paid"]) > 0
    assert {r["label"] for r in body["comune"]} == {"Monza", "Brugherio", "Villasanta"}
    # a plan never approved plans nothing, even for those who read it while it is being co-programmed; the
    # Region's observer does not read it at all yet
    draft = Plan.objects.get(ambito=pdz.ambito, start_year=2025)
    assert draft.state == "coprogramming"
    for username in ("planner", "asl.operator", "ets.operator"):
        body = client_as(username).get(f"/api/v1/plans/{draft.pk}/spending/").json()
        assert body["total"]["planned"] == "0.00", username
    assert client_as("observer").get(f"/api/v1/plans/{draft.pk}/spending/").status_code == 404
    assert client_as("observer").get(f"/piano/{draft.pk}/spesa/").status_code == 404


def test_the_observer_downloads_a_fund_report_of_the_plan_in_force(pdz, client_as, run_jobs,
                                                                     django_capture_on_commit_callbacks):
    """The fund report is built from recorded spending and the approved plan: whoever reads the plan in force
    downloads it (the job checks the requester again when it runs)."""
    plan = Plan.objects.get(ambito=pdz.ambito, start_year=2021)
    report = spending.fund_report_prepare(actor=pdz.users["planner"], ambito=pdz.ambito, source="fnps", year=2022)
    client = client_as("observer")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/piano/{plan.pk}/rendiconti/", {"action": "xlsx", "report": report.pk})
    assert response.status_code == 302
    run_jobs()
    job = Job.objects.get(kind="planning.fund_report")
    assert job.status == JobStatus.DONE, job
    sheet = load_workbook(BytesIO(_download(client, job)))["Rendiconto"]
    assert any(row and row[0] == "Previsto nel Piano di Zona approvato per l'anno" and row[1] == 530000
               for row in sheet.iter_rows(values_only=True))
    from ambito.core.services import job_start

    with django_capture_on_commit_callbacks(execute=True):  # someone who reads no plan of the Ambito: refused
        refused = job_start(kind="planning.fund_report", actor=pdz.users["citizen"],
                            params={"report_id": report.pk, "format": "xlsx"}, title="Rendiconto")
    run_jobs()
    refused.refresh_from_db()
    assert refused.status == JobStatus.FAILED and not refused.result_file
