"""The budget spreadsheet upload (page and API) is checked by content before the import reads it."""

from django.core.files.uploadedfile import SimpleUploadedFile

from ambito.planning.models import BudgetLine


def test_the_budget_import_refuses_a_file_that_is_not_a_workbook(client_as, plan):
    client = client_as("planner")
    fake = SimpleUploadedFile("bilancio.xlsx", b"Codice;Importo\nI01;100\n", "application/vnd.ms-excel")
    api = client.post(f"/api/v1/plans/{plan.pk}/budget/import/", {"file": fake})
    assert api.status_code == 400
    assert api.json()["detail"] == ["“bilancio.xlsx”: il file non è di un tipo accettato (Excel (.xlsx))."]
    fake.seek(0)
    page = client.post(f"/piano/{plan.pk}/bilancio/", {"file": fake})
    assert "non è di un tipo accettato" in page.content.decode()
    assert not BudgetLine.objects.filter(intervention__plan=plan).exists()
