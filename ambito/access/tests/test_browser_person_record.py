"""The person record in a real browser: the social worker reads the record (codice fiscale, address, phone,
household), corrects the phone, records the support administrator, sees both in the change history with her
name, and corrects an intervention of the PAI with a reason. Each page passes a WCAG 2.1 AA scan (axe-core)."""

import pytest
from playwright.sync_api import expect

from ambito.care.tests.factories import signed_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_record_is_read_corrected_and_its_history_kept(axe_violations, demo_with, page, live_server, browser_login, screenshot):
    demo = demo_with("network")
    plan, intervention = signed_plan(demo)
    who = plan.person
    browser_login(page, "sw.monza")
    page.goto(f"{live_server.url}/pua/persone/{who.pseudonym}/")
    expect(page.locator("#person-record")).to_contain_text("Via Italia 1")
    assert axe_violations(page) == []

    page.locator("#person-edit").click()
    page.wait_for_url("**/modifica/")
    assert axe_violations(page) == []
    page.fill("#id_phone", "039 123456")
    page.get_by_role("button", name="Salva").click()
    expect(page.locator("#person-record")).to_contain_text("039 123456")

    page.get_by_role("link", name="Aggiungi un contatto, un familiare o il tutore").click()
    page.wait_for_url("**/contatti/")
    assert axe_violations(page) == []
    page.select_option("#id_kind", "support_admin")
    page.fill("#id_name", "Avv. Carla Bianchi")
    page.fill("#id_court_decree", "Tribunale di Monza, decreto 123/2025")
    page.get_by_role("button", name="Salva").click()
    expect(page.locator("#person-contacts")).to_contain_text("Avv. Carla Bianchi")
    expect(page.locator("#person-history")).to_contain_text("039 000000")
    expect(page.locator("#person-history")).to_contain_text("039 123456")
    assert axe_violations(page) == []
    screenshot(page, "person-record-history")

    page.goto(f"{live_server.url}/casi/{plan.pk}/interventi/{intervention.pk}/rettifica/")
    assert axe_violations(page) == []
    page.fill("#id_intensity", "4")
    page.fill("#id_reason", "Verifica UVM: ore ridotte")
    page.get_by_role("button", name="Salva la rettifica").click()
    expect(page.locator("#interventions")).to_contain_text("Verifica UVM: ore ridotte")
