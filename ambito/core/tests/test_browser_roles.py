"""Each demo role signs in, finds its home page in Italian, switches to English (system Chromium)."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = {
    "planner": ("Ufficio di Piano", "Planning office (Ufficio di Piano)"),
    "sw.monza": ("Assistente sociale", "Social worker"),
    "sw.brugherio": ("Assistente sociale", "Social worker"),
    "asl.operator": ("Operatore del distretto ASL", "ASL district operator"),
    "gp": ("Medico di medicina generale (MMG)", "General practitioner (MMG)"),
    "ets.operator": ("Operatore di ente erogatore / Terzo Settore", "Provider / Third-Sector operator"),
    "observer": ("Osservatore regionale", "Regional observer"),
    "admin": ("Amministratore", "Administrator"),
    "dpo": ("Responsabile della protezione dei dati (RPD/DPO)", "Data protection officer (DPO)"),
}


def test_each_role_signs_in_sees_its_home_in_italian_and_switches_to_english(
    page, demo, browser_login, screenshot
):
    for username, (italian, english) in ROLES.items():
        page.context.clear_cookies()
        browser_login(page, username)
        expect(page.locator("html")).to_have_attribute("lang", "it")
        expect(page.get_by_role("heading", level=2, name=italian, exact=True)).to_be_visible()
        expect(page.get_by_role("button", name="Esci")).to_be_visible()
        screenshot(page, f"home-{username}-it")
        page.get_by_role("button", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.get_by_role("heading", level=2, name=english, exact=True)).to_be_visible()
        screenshot(page, f"home-{username}-en")


def test_a_citizen_signs_in_and_is_shown_only_public_pages(page, demo, browser_login, screenshot):
    browser_login(page, "citizen")
    expect(page.get_by_text("Nessun ruolo assegnato")).to_be_visible()
    expect(page.get_by_role("link", name="Territorio")).to_have_count(0)
    screenshot(page, "home-citizen-it")


def test_a_wrong_password_shows_the_generic_message(page, demo, browser_login):
    browser_login(page, "planner", password="not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("Nome utente o password errati.")


def test_the_planner_reads_the_territory_with_its_chart(page, demo, browser_login, screenshot, live_server):
    browser_login(page, "planner")
    page.get_by_role("link", name="Territorio").first.click()
    expect(page.get_by_role("heading", name="Territorio e bisogni")).to_be_visible()
    expect(page.locator("#needs-table")).to_contain_text("121.799")
    page.wait_for_function("document.querySelector('canvas[data-chart]').dataset.drawn === '1'")
    page.select_option("#anno", "2022")
    expect(page.locator("#needs-table")).to_contain_text("121.984")
    screenshot(page, "territory-planner")
