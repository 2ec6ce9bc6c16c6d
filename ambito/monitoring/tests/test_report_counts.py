"""One figure, one number: the annual report's real files (the PDF WeasyPrint writes, the XLSX openpyxl writes)
print a count of people as a whole number — "445 persone", never "445,00" — as the dashboard does."""

import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from ambito.core.models import JobStatus
from ambito.monitoring import services


@pytest.fixture
def counted(world):
    """The test Ambito's residents (445 in the factories' population) and a plan whose objective counts people."""
    from ambito.planning.models import Indicator, IndicatorTarget, Intervention, Objective, Plan

    plan = Plan.objects.create(ambito=world.ambito, title="Piano di Zona", start_year=2024, end_year=2026,
                               state="in_force")
    objective = Objective.objects.create(plan=plan, code="OB1", title="Domiciliarità")
    intervention = Intervention.objects.create(plan=plan, objective=objective, code="I01", title="SAD",
                                               area="anziani")
    indicator = Indicator.objects.create(intervention=intervention, name="Persone assistite a domicilio",
                                         unit="persone", baseline=Decimal("1250.00"), baseline_year=2023)
    IndicatorTarget.objects.create(indicator=indicator, year=2025, value=Decimal("1400.00"))
    return world


def _report(world, fmt, run_jobs, capture) -> bytes:
    with capture(execute=True):
        job = services.report_start(actor=world.users["t.planner"], ambito=world.ambito, year=2025, fmt=fmt)
    run_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    with job.result_file.open("rb") as handle:
        return handle.read()


def test_the_pdf_report_prints_counts_of_people_without_decimals(counted, run_jobs,
                                                                 django_capture_on_commit_callbacks):
    content = _report(counted, "pdf", run_jobs, django_capture_on_commit_callbacks)
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)
    residents = text[text.index("Popolazione residente"):][:60]
    assert re.search(r"\b445\b", residents) and "445,0" not in text
    assert "1.250 " in text and "1.400 " in text  # the plan's own count, beside its unit
    assert "1.250,00" not in text and "1.400,00" not in text


def test_the_xlsx_report_keeps_counts_of_people_as_integers(counted, run_jobs, django_capture_on_commit_callbacks):
    content = _report(counted, "xlsx", run_jobs, django_capture_on_commit_callbacks)
    book = load_workbook(io.BytesIO(content))
    rows = {row[0]: row for row in book["Indicatori"].iter_rows(min_row=4, values_only=True)}
    residents = rows["residents"][3]
    assert residents == 445 and isinstance(residents, int)
    objectives = [row for row in book["Obiettivi del Piano"].iter_rows(values_only=True) if row[1]]
    line = next(row for row in objectives if "Persone assistite" in str(row[1]))
    assert line[2:5] == (1250, 1400, "persone") and all(isinstance(v, int) for v in line[2:4])
