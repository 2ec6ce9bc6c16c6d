"""The regional observer opens the comparison of the Ambiti of Lombardia and sees the two demo Ambiti."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_observer_compares_monza_and_carate_brianza(demo_with, page, live_server, browser_login, screenshot,
                                                       axe_violations):
    demo_with("network", "planning", "region")
    browser_login(page, "observer")
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Ambiti a confronto").first.click()
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == "Gli Ambiti della Regione a confronto"
    page.select_option("#id_anno", "2022")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**anno=2022**")
    header = page.locator("table[data-section='population'] thead").inner_text()
    assert "Ambito di Carate Brianza" in header and "Ambito di Monza" in header
    residents = page.locator("table[data-section='population'] tr[data-row='residents'] td")
    assert residents.count() == 3  # two Ambiti and the target column
    assert residents.nth(0).inner_text().strip() not in ("", "—", "nessun dato")
    page.wait_for_function("() => [...document.querySelectorAll('canvas[data-chart]')].every(c => c.width > 0)")
    assert page.locator("#chart-region-spending-table").count() == 1  # the chart's data table
    screenshot(page, "monitoring-region")
    assert axe_violations(page) == []
