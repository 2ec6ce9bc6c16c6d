"""The citizen journey in a real browser: from the home page to home care in Brugherio in two steps, with and
without JavaScript, and an automated WCAG 2.1 AA scan (axe-core) of the directory and a service page."""

import json
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


SAD_BRUGHERIO = "Assistenza domiciliare (SAD) — Brugherio e Villasanta"


def test_a_citizen_finds_home_care_in_brugherio_in_two_steps(axe_violations, page, demo_with, live_server, screenshot):
    demo_with("network")
    page.goto(live_server.url + "/")
    # Step 1: the directory card on the home page.
    page.locator("main").get_by_role("link", name="Trova un servizio").click()
    expect(page.get_by_role("heading", level=1, name="Trova un servizio")).to_be_visible()
    # Step 2: say what and where, then search.
    page.get_by_label("Che cosa cercate?").fill("assistenza domiciliare")
    page.get_by_label("Comune").select_option(label="Brugherio")
    page.get_by_role("button", name="Cerca").click()
    first = page.locator("#service-list li").first
    expect(first.get_by_role("link")).to_have_text(SAD_BRUGHERIO)
    page.wait_for_url("**/servizi/?*comune=108012*")  # HTMX pushes the search into the address bar
    query = parse_qs(urlparse(page.url).query)
    assert query["comune"] == ["108012"] and query["q"] == ["assistenza domiciliare"]  # bookmarkable
    screenshot(page, "portal-directory-brugherio")
    assert axe_violations(page) == []
    first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SAD_BRUGHERIO)
    expect(page.get_by_role("heading", name="Orari di apertura")).to_be_visible()
    screenshot(page, "portal-service-sad-brugherio")
    assert axe_violations(page) == []


def test_filters_refresh_the_results_with_htmx_and_keep_a_shareable_address(page, demo_with, live_server):
    demo_with("network")
    page.goto(live_server.url + "/servizi/")
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Area").select_option(label="Salute mentale")
    expect(page.locator("#results-heading")).to_contain_text("1 servizio trovato")
    expect(page.locator("#service-list")).to_contain_text("Budget di salute")
    assert page.evaluate("window.notReloaded === true")  # swapped in place, no page load
    page.wait_for_function("location.search.includes('area=salute_mentale')")
    page.reload()
    expect(page.locator("#service-list")).to_contain_text("Budget di salute")


def test_the_directory_works_without_javascript(browser, demo_with, live_server):
    demo_with("network")
    context = browser.new_context(java_script_enabled=False, locale="it-IT")
    page = context.new_page()
    page.goto(live_server.url + "/servizi/")
    page.get_by_label("Per chi").select_option(label="Donne vittime di violenza")
    page.get_by_role("button", name="Cerca").click()
    expect(page.locator("#service-list")).to_contain_text("Centro antiviolenza Rete Artemide")
    assert "target=donne_violenza" in page.url
    context.close()


def test_the_ets_operator_edits_its_service_in_the_browser(page, demo_with, browser_login, live_server, screenshot):
    demo = demo_with("network")
    browser_login(page, "ets.operator")
    page.get_by_role("link", name="Rete dei servizi").first.click()
    page.get_by_role("link", name=f"Modifica {demo.services['sad_monza'].name}").click()
    page.get_by_label("Telefono", exact=True).fill("039 200 1199")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_role("alert")).to_contain_text("Servizio salvato.")
    screenshot(page, "network-catalogue-ets-operator")
    response = page.goto(f"{live_server.url}/rete/servizi/{demo.services['adi'].pk}/modifica/")
    assert response.status == 403


def test_axe_reports_are_readable(axe_violations, page, demo_with, live_server):
    """The scan itself works: a page with a known problem is reported (guards against a silent no-op)."""
    demo_with("network")
    page.goto(live_server.url + "/servizi/")
    page.evaluate("document.querySelector('main').appendChild(document.createElement('img')).src = '/x.png'")
    violations = axe_violations(page)
    assert "image-alt" in json.dumps(violations)
