"""Plans that talk to each other, in the browser: the planning office links an objective of the Monza plan to
an objective of the Region's social plan and reads the link from the regional plan's page (both pages pass
axe; screenshots in var/screenshots/planning-partner-*.png)."""

import pytest
from playwright.sync_api import expect

from ambito.planning.models import Plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_planner_links_an_objective_to_a_regional_objective_and_sees_it_from_the_regional_plan(
        page, demo_with, browser_login, screenshot, axe_violations, live_server):
    ctx = demo_with("network", "planning")
    plan = Plan.objects.get(ambito=ctx.ambito, start_year=2025)
    browser_login(page, "planner")
    page.goto(f"{live_server.url}/piano/{plan.pk}/")
    page.get_by_role("link", name="OB3 — Nuovi strumenti di prossimità").click()
    expect(page.get_by_role("heading", level=2, name="Obiettivo strategico OB3 — Nuovi strumenti di prossimità")
           ).to_be_visible()
    expect(page.locator("#partner-links")).to_contain_text("Non è collegato")
    page.get_by_label("Obiettivo del piano dell'ASST o della Regione").select_option(
        label="Linee di indirizzo per la programmazione sociale territoriale 2025–2027 · RL4 Famiglie, minori e "
              "giovani")
    page.get_by_role("button", name="Collega", exact=True).click()
    expect(page.locator("#partner-links")).to_contain_text("RL4 Famiglie, minori e giovani")
    assert axe_violations(page) == []
    screenshot(page, "planning-partner-1-objective")

    page.locator("#partner-links").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Linee di indirizzo")
    row = page.locator("#partner-objective-RL4")
    expect(row).to_contain_text("Ambito di Monza 2025–2027 · obiettivo OB3 Nuovi strumenti di prossimità")
    assert axe_violations(page) == []
    screenshot(page, "planning-partner-2-regional-plan")
