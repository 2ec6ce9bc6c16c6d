"""The planner's journey, tried as a new user would: create a plan, objectives, an intervention and its
budget, run it through co-programming, consultation and signatures to approval, download the PDF and
the XLSX and open them (system Chromium; screenshots in var/screenshots/planning-*.png)."""

from io import BytesIO

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _download(page, run_jobs, button_name):
    page.get_by_role("button", name=button_name).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    run_jobs()
    page.reload()
    link = page.get_by_role("link", name="Scarica")
    expect(link).to_be_visible()
    with page.expect_download() as info:
        link.click()
    return open(info.value.path(), "rb").read()


def test_a_planner_takes_a_plan_from_draft_to_approval_and_downloads_it(page, demo, browser_login, screenshot,
                                                                         live_server, run_jobs):
    browser_login(page, "planner")
    page.get_by_role("link", name="Piano di Zona").first.click()
    expect(page.get_by_role("heading", level=1, name="Piano di Zona")).to_be_visible()
    page.get_by_label("titolo").fill("Piano di Zona dell'Ambito di Monza")
    page.get_by_label("primo anno del triennio").fill("2028")
    page.get_by_role("button", name="Crea il piano").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2028–2030")
    expect(page.locator("#plan-state")).to_have_text("Bozza")
    expect(page.locator("#needs-table")).to_contain_text("170.929")

    page.get_by_text("Aggiungi un obiettivo").click()
    page.locator("#id_code").fill("OB1")
    page.locator("#obiettivi #id_title").fill("Domiciliarità e integrazione sociosanitaria")
    page.locator("#id_priorities").fill("Ridurre l'attesa per il SAD")
    page.get_by_role("button", name="Aggiungi l'obiettivo").click()
    expect(page.get_by_text("OB1 — Domiciliarità e integrazione sociosanitaria")).to_be_visible()
    screenshot(page, "planning-1-plan-draft")

    page.get_by_role("link", name="Aggiungi un intervento").click()
    page.locator("#id_code").fill("I01")
    page.locator("#id_title").fill("Assistenza domiciliare per anziani")
    page.locator("#id_objective").select_option(label="OB1 Domiciliarità e integrazione sociosanitaria")
    page.locator("#id_area").select_option("anziani")
    page.locator("#id_target_group").fill("Anziani non autosufficienti")
    page.locator("#id_lead_organisation").select_option(label="Cooperativa Sociale Il Ponte")
    page.locator("label", has_text="Servizi domiciliari per anziani non autosufficienti").click()
    screenshot(page, "planning-2-intervention-form")
    page.get_by_role("button", name="Salva l'intervento").click()
    expect(page.get_by_role("heading", level=2, name="I01 — Assistenza domiciliare per anziani")).to_be_visible()

    page.get_by_text("Aggiungi un indicatore").click()
    page.locator("#id_name").fill("Giorni di attesa per il SAD")
    page.locator("#id_baseline").fill("45")
    for year, target in ((2028, "40"), (2029, "35"), (2030, "30")):
        page.locator(f"#id_target_{year}").fill(target)
    page.get_by_role("button", name="Aggiungi l'indicatore").click()
    expect(page.locator("#indicator-table")).to_contain_text("Giorni di attesa per il SAD")

    page.get_by_role("link", name="modifica", exact=True).first.click()  # budget 2028
    page.get_by_label("Fondi propri di Monza").fill("-5")
    page.get_by_role("button", name="Salva il bilancio").click()
    expect(page.get_by_text("L'importo non può essere negativo (-5).")).to_be_visible()
    page.get_by_label("Fondi propri di Monza").fill("121.799,00")
    page.get_by_label("Fondo nazionale per le non autosufficienze (FNA)").fill("50000")
    page.get_by_role("button", name="Salva il bilancio").click()
    expect(page.locator("#budget-total")).to_have_text("€ 171.799,00")
    expect(page.locator("#by-comune")).to_contain_text("1,00")  # € 121,799 / 121,799 residents of Monza
    screenshot(page, "planning-3-budget")

    page.get_by_role("link", name="Panoramica").click()
    page.get_by_role("button", name="Avvia la co-programmazione").click()
    expect(page.locator("#plan-state")).to_have_text("Co-programmazione")
    page.get_by_role("button", name="Apri la consultazione pubblica").click()
    expect(page.locator("#plan-state")).to_have_text("Consultazione pubblica")
    page.get_by_role("button", name="Approva (Accordo di Programma firmato)").click()
    expect(page.get_by_role("alert").filter(has_text="Indica le parti dell'Accordo")).to_be_visible()

    page.get_by_role("link", name="Accordo di Programma").click()
    page.locator("#id_organisation").select_option(label="Comune di Monza")
    page.locator("#id_role").fill("Comune capofila")
    page.get_by_role("button", name="Aggiungi la parte").click()
    row = page.locator("#party-table tbody tr").filter(has_text="Comune di Monza")
    row.get_by_label("firmatario").fill("Il Sindaco di Monza")
    row.get_by_label("data di firma").fill("2026-01-15")
    row.get_by_role("button", name="Registra la firma").click()
    expect(page.locator("#party-table")).to_contain_text("15/01/2026")
    screenshot(page, "planning-4-agreement")

    page.get_by_role("link", name="Panoramica").click()
    page.get_by_role("button", name="Approva (Accordo di Programma firmato)").click()
    expect(page.locator("#plan-state")).to_have_text("Approvato")
    expect(page.get_by_text("La versione 1 è approvata e congelata.")).to_be_visible()
    screenshot(page, "planning-5-approved")

    pdf = _download(page, run_jobs, "Piano in PDF")
    screenshot(page, "planning-6-pdf-job")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages).split())
    assert "Piano di Zona dell'Ambito di Monza 2028–2030" in text
    assert "Assistenza domiciliare per anziani" in text and "171.799,00" in text
    assert "Il Sindaco di Monza" in text

    page.goto(f"{live_server.url}/piano/")
    page.locator("#plan-table").get_by_role("link", name="Piano di Zona dell'Ambito di Monza").click()
    workbook = load_workbook(BytesIO(_download(page, run_jobs, "Bilancio in XLSX")))
    assert workbook.sheetnames == ["2028", "2029", "2030"]
    header = [c.value for c in workbook["2028"][1]]
    row = [c.value for c in workbook["2028"][2]]
    assert row[0] == "I01" and row[header.index("Fondi propri di Monza")] == 121799
    assert row[header.index("Totale")] == 171799
