"""The person record in a real browser: the social worker reads the record (codice fiscale, address, phone,
household), corrects the phone, records the support administrator, sees both in the change history with her
name, and corrects an intervention of the PAI with a reason. Each page passes a WCAG 2.1 AA scan (axe-core)."""

import pytest
from django.templatetags.static import static
from playwright.sync_api import expect

from ambito.care.tests.factories import signed_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _axe_violations(page):
    """WCAG 2.1 AA violations on the page (axe-core, as the other browser tests). Injected once the page has
    loaded: Bootstrap Italia's bundle logs a CSP report while it loads, which Playwright would pin on the tag."""
    page.wait_for_load_state()
    page.add_script_tag(url=static("vendor/axe/axe.min.js"))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})")
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]


def test_the_record_is_read_corrected_and_its_history_kept(demo_with, page, live_server, browser_login, screenshot):
    demo = demo_with("network")
    plan, intervention = signed_plan(demo)
    who = plan.person
    browser_login(page, "sw.monza")
    page.goto(f"{live_server.url}/pua/persone/{who.pseudonym}/")
    expect(page.locator("#person-record")).to_contain_text("Via Italia 1")
    assert _axe_violations(page) == []

    page.locator("#person-edit").click()
    page.wait_for_url("**/modifica/")
    assert _axe_violations(page) == []
    page.fill("#id_phone", "039 123456")
    page.get_by_role("button", name="Salva").click()
    expect(page.locator("#person-record")).to_contain_text("039 123456")

    page.get_by_role("link", name="Aggiungi un contatto, un familiare o il tutore").click()
    page.wait_for_url("**/contatti/")
    assert _axe_violations(page) == []
    page.select_option("#id_kind", "support_admin")
    page.fill("#id_name", "Avv. Carla Bianchi")
    page.fill("#id_court_decree", "Tribunale di Monza, decreto 123/2025")
    page.get_by_role("button", name="Salva").click()
    expect(page.locator("#person-contacts")).to_contain_text("Avv. Carla Bianchi")
    expect(page.locator("#person-history")).to_contain_text("039 000000")
    expect(page.locator("#person-history")).to_contain_text("039 123456")
    assert _axe_violations(page) == []
    screenshot(page, "person-record-history")

    page.goto(f"{live_server.url}/casi/{plan.pk}/interventi/{intervention.pk}/rettifica/")
    assert _axe_violations(page) == []
    page.fill("#id_intensity", "4")
    page.fill("#id_reason", "Verifica UVM: ore ridotte")
    page.get_by_role("button", name="Salva la rettifica").click()
    expect(page.locator("#interventions")).to_contain_text("Verifica UVM: ore ridotte")
