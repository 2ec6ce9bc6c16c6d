"""Budget spreadsheet: one sheet per year, rows interventions, columns sources; all-or-nothing import."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from ambito.core.imports import ImportRejected
from ambito.planning import services
from ambito.planning.budget_xlsx import write_budget_xlsx
from ambito.planning.models import BudgetLine

from .conftest import approve, col


def _cells(data: bytes) -> dict:
    workbook = load_workbook(BytesIO(data))
    return {sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()] for sheet in workbook}


def _lines(plan):
    return sorted(BudgetLine.objects.filter(intervention__plan=plan).values_list(
        "intervention__code", "year", "source", "comune__name", "amount"))


@pytest.fixture
def budgeted(demo, planner, plan):
    services.budget_row_set(actor=planner, intervention=plan.interventions.get(code="I01"), year=2025, amounts={
        col(demo, "monza"): "120000", col(demo, "villasanta"): "0", "fna": "45000.55", "eu_pnrr": "999.99"})
    services.budget_row_set(actor=planner, intervention=plan.interventions.get(code="I02"), year=2027,
                            amounts={col(demo, "monza"): "70000.10"})
    return plan


def test_the_export_has_one_sheet_per_year_rows_interventions_and_columns_sources(budgeted):
    sheets = _cells(write_budget_xlsx(budgeted))
    assert list(sheets) == ["2025", "2026", "2027"]
    header = sheets["2025"][0]
    assert header[:5] == ["Codice", "Intervento", "Fondi propri di Brugherio", "Fondi propri di Monza",
                          "Fondi propri di Villasanta"]
    assert "Fondo nazionale per le non autosufficienze (FNA)" in header and header[-1] == "Totale"
    row = dict(zip(header, sheets["2025"][1], strict=True))
    assert row["Codice"] == "I01"
    assert row["Fondi propri di Monza"] == 120000
    assert row["Fondi propri di Villasanta"] == 0
    assert row["Fondi propri di Brugherio"] is None
    assert row["Fondo nazionale per le non autosufficienze (FNA)"] == pytest.approx(45000.55)
    assert row["Totale"] == pytest.approx(166000.54)
    assert [r[0] for r in sheets["2027"][1:]] == ["I01", "I02"]


def test_the_round_trip_is_identical(planner, budgeted):
    first = write_budget_xlsx(budgeted)
    before = _lines(budgeted)
    result = services.budget_import(actor=planner, plan=budgeted, data=first)
    assert result == {"years": [2025, 2026, 2027], "lines": 5}
    assert _lines(budgeted) == before
    assert _cells(write_budget_xlsx(budgeted)) == _cells(first)


def test_an_edited_sheet_replaces_that_year_and_accepts_italian_amounts(demo, planner, budgeted):
    workbook = load_workbook(BytesIO(write_budget_xlsx(budgeted)))
    sheet = workbook["2026"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=3, column=header.index("Fondo Povertà") + 1, value="1.250,75")
    del workbook["2025"]  # a year left out of the file is left as it is
    buffer = BytesIO()
    workbook.save(buffer)
    services.budget_import(actor=planner, plan=budgeted, data=buffer.getvalue())
    line = BudgetLine.objects.get(intervention__code="I02", year=2026)
    assert (line.source, line.amount) == ("poverty", Decimal("1250.75"))
    assert BudgetLine.objects.filter(year=2025).count() == 4


def _workbook_with(budgeted, edit):
    workbook = load_workbook(BytesIO(write_budget_xlsx(budgeted)))
    edit(workbook)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_bad_rows_are_all_reported_and_nothing_is_imported(planner, budgeted):
    def edit(workbook):
        sheet = workbook["2025"]
        sheet.cell(row=2, column=4, value=-5)  # Monza, negative
        sheet.cell(row=3, column=4, value="tanti")  # not a number
        sheet.append(["I99", "Intervento inventato", 10])  # unknown intervention
        sheet.cell(row=1, column=6, value="Fondo lotteria")  # unknown source
        workbook.create_sheet("2031")

    before = _lines(budgeted)
    with pytest.raises(ImportRejected) as exc:
        services.budget_import(actor=planner, plan=budgeted, data=_workbook_with(budgeted, edit))
    report = exc.value.report()
    assert "file: Il foglio “2031” non è un anno del triennio 2025–2027." in report
    assert "riga 1: 2025: fonte di finanziamento sconosciuta “Fondo lotteria”." in report
    assert "riga 2: 2025 Fondi propri di Monza: L'importo non può essere negativo (-5)." in report
    assert "riga 3: 2025 Fondi propri di Monza: “tanti” non è un importo in euro." in report
    assert "riga 4: 2025 Codice: intervento sconosciuto “I99”." in report
    assert _lines(budgeted) == before


def test_a_file_that_is_not_a_workbook_is_refused(planner, budgeted):
    with pytest.raises(ImportRejected, match="non è una cartella di lavoro Excel"):
        services.budget_import(actor=planner, plan=budgeted, data=b"codice;importo\nI01;5\n")


def test_a_workbook_without_year_sheets_is_refused(planner, budgeted):
    workbook = Workbook()
    workbook.active.title = "Foglio1"
    buffer = BytesIO()
    workbook.save(buffer)
    with pytest.raises(ImportRejected, match="non è un anno del triennio"):
        services.budget_import(actor=planner, plan=budgeted, data=buffer.getvalue())


def test_a_frozen_plan_refuses_the_import(planner, budgeted):
    data = write_budget_xlsx(budgeted)
    plan = approve(budgeted, planner)
    with pytest.raises(ValidationError, match="approvata e congelata"):
        services.budget_import(actor=planner, plan=plan, data=data)


def test_the_page_import_lists_bad_rows_and_then_accepts_the_corrected_file(client_as, planner, budgeted):
    from django.core.files.uploadedfile import SimpleUploadedFile

    good = write_budget_xlsx(budgeted)
    before = _lines(budgeted)

    def edit(workbook):
        workbook["2025"].cell(row=2, column=4, value="-1")

    client = client_as("planner")
    bad = SimpleUploadedFile("bilancio.xlsx", _workbook_with(budgeted, edit))
    page = client.post(f"/piano/{budgeted.pk}/bilancio/", {"file": bad}).content.decode()
    assert "Il foglio non è stato importato: non è cambiato nulla." in page
    assert "riga 2: 2025 Fondi propri di Monza: L&#x27;importo non può essere negativo (-1)." in page
    assert _lines(budgeted) == before
    response = client.post(f"/piano/{budgeted.pk}/bilancio/", {"file": SimpleUploadedFile("b.xlsx", good)},
                           follow=True)
    assert "Bilancio importato: 5 importi per 2025, 2026, 2027." in response.content.decode()
    assert _lines(budgeted) == before
    # a draft is hidden from the observer (refused without saying it exists); a partner who reads the plan in
    # co-programming may not import either
    assert client_as("observer").post(f"/piano/{budgeted.pk}/bilancio/",
                                      {"file": SimpleUploadedFile("b.xlsx", good)}).status_code == 404
    services.plan_transition(actor=planner, plan=budgeted, action="start_coprogramming")
    assert client_as("asl.operator").post(f"/piano/{budgeted.pk}/bilancio/",
                                          {"file": SimpleUploadedFile("b.xlsx", good)}).status_code == 403
    assert _lines(budgeted) == before


def test_the_api_import_answers_400_with_every_bad_row(client_as, budgeted):
    from django.core.files.uploadedfile import SimpleUploadedFile

    def edit(workbook):
        workbook["2025"].append(["I77", "Sconosciuto", 5])

    before = _lines(budgeted)
    client = client_as("planner")
    url = f"/api/v1/plans/{budgeted.pk}/budget/import/"
    response = client.post(url, {"file": SimpleUploadedFile("b.xlsx", _workbook_with(budgeted, edit))})
    assert response.status_code == 400
    assert response.json()["errors"] == [{"row": 4, "field": "2025 Codice",
                                          "message": "intervento sconosciuto “I77”."}]
    assert _lines(budgeted) == before
    ok = client.post(url, {"file": SimpleUploadedFile("b.xlsx", write_budget_xlsx(budgeted))})
    assert ok.status_code == 200 and ok.json()["lines"] == 5
