"""A social worker, as a new user would: registers a person, records a discharge request, triages it to a
UVM, scores Barthel and Lawton, puts the person on the SAD list and admits them (system Chromium)."""

import datetime

import pytest
from playwright.sync_api import expect

from ambito.access import services
from ambito.access.tests.factories import fiscal_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_social_worker_takes_a_discharge_from_intake_to_admission(page, demo_with, browser_login, screenshot):
    ctx = demo_with("network")
    from ambito.access.demo import _rules

    _rules(ctx)  # the Ambito's triage rules, among them "discharge with Barthel < 60 → UVM"
    services.priority_criteria_ensure_defaults(ambito=ctx.ambito)
    services.waiting_list_ensure(service=ctx.services["sad_monza"], open_slots=1)

    browser_login(page, "sw.monza")
    page.get_by_role("link", name="Coda di lavoro PUA").first.click()
    expect(page.get_by_role("heading", name="Coda di lavoro PUA")).to_be_visible()
    page.get_by_role("link", name="Registra una persona").click()

    birth = datetime.date(1938, 5, 14)
    page.fill("#id_fiscal_code", fiscal_code(first_name="Ernesta", last_name="Brivio", sex="F", birth_date=birth))
    page.fill("#id_first_name", "Ernesta")
    page.fill("#id_last_name", "Brivio")
    page.fill("#id_birth_date", birth.isoformat())
    page.select_option("#id_sex", "F")
    page.select_option("#id_residence_comune", label="Monza")
    page.click("label[for=id_lives_alone]")
    page.click("label[for=id_information_notice]")
    screenshot(page, "access-journey-1-register")
    page.get_by_role("button", name="Registra").click()
    expect(page.get_by_role("alert")).to_contain_text("Persona registrata")
    assert "/pua/persone/P-" in page.url and "Brivio" not in page.url

    page.get_by_role("link", name="Nuova domanda").click()
    page.select_option("#id_channel", "hospital_discharge")
    page.select_option("#id_area", "anziani")
    page.select_option("#id_urgency", "3")
    page.fill("#id_need", "Dimissione dopo frattura di femore, vive sola al terzo piano senza ascensore")
    page.get_by_role("button", name="Registra la domanda").click()
    expect(page.locator("#request-status")).to_have_text("Ricevuta")

    page.fill("#id_barthel", "45")
    expect(page.locator("#proposal")).to_contain_text("Dimissione ospedaliera con Barthel < 60")
    screenshot(page, "access-journey-2-triage-explained")
    page.locator("#triage-submit").click()
    expect(page.locator("#triage-explanation")).to_contain_text("Valutazione multidimensionale (UVM)")

    page.fill("#id_scheduled_for", datetime.date.today().isoformat())
    page.fill("#id_team", "assistente sociale, infermiere, MMG")
    page.locator("#schedule-submit").click()
    expect(page.get_by_role("heading", name="Valutazione UVM")).to_be_visible()

    barthel = {"feeding": "5", "bathing": "0", "grooming": "0", "dressing": "5", "bowels": "10", "bladder": "5",
               "toilet": "5", "transfers": "10", "mobility": "10", "stairs": "0"}  # 50
    for item, value in barthel.items():
        page.click(f"label[for=barthel-{item}-{value}]")
    page.locator("#submit-barthel").click()
    expect(page.locator("#score-barthel")).to_contain_text("50")
    expect(page.locator("#score-barthel")).to_contain_text("Dipendenza grave")

    lawton = {"telephone": "a", "shopping": "c", "food": "nd", "housekeeping": "b", "laundry": "c",
              "transport": "d", "medication": "b", "finances": "b"}  # 3 of 7 applicable → corrected 3.4
    for item, value in lawton.items():
        page.click(f"label[for=lawton_iadl-{item}-{value}]")
    page.locator("#submit-lawton_iadl").click()
    expect(page.locator("#score-lawton_iadl")).to_contain_text("3")
    expect(page.locator("#score-lawton_iadl")).to_contain_text("corretto 3,4")
    screenshot(page, "access-journey-3-scales")

    page.select_option("#id_need_profile", "socio_health")
    page.select_option("#id_intensity", "3")
    page.select_option("#id_decision", "service")
    page.select_option("#id_decision_service", label=ctx.services["sad_monza"].name)
    page.locator("#complete-submit").click()
    expect(page.locator("#outcome")).to_contain_text("Accesso a un servizio")

    page.select_option("#id_waiting_list", label=ctx.services["sad_monza"].name)
    page.select_option("#id_caregiver_burden", "high")
    page.select_option("#id_isee_band", "6k_15k")
    page.locator("#enlist-submit").click()
    # intensity 3 → 20, lives alone → 10, high burden → 10, ISEE 6–15k → 6, urgency high → 10
    expect(page.get_by_role("alert")).to_contain_text("punteggio di priorità 56")
    expect(page.locator("#entries")).to_contain_text("Ernesta Brivio")
    screenshot(page, "access-journey-4-waiting-list")

    page.locator("#admit-top").click()
    expect(page.get_by_role("alert")).to_contain_text("ammessa al servizio")
    expect(page.locator("#entries")).to_contain_text("Nessuno è in attesa.")
    expect(page.locator("#admit-top")).to_have_count(0)  # an empty list offers nobody to admit
    screenshot(page, "access-journey-5-admitted")
