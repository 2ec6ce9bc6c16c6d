import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_demo_ambito_dashboard_shows_live_figures_and_charts(demo_with, page, live_server, browser_login,
                                                                 screenshot):
    demo_with("network", "monitoring")
    browser_login(page, "planner")
    page.goto(f"{live_server.url}/monitoraggio/?dal=2023-01-01")
    page.wait_for_selector("canvas[data-chart]")
    page.wait_for_function("() => [...document.querySelectorAll('canvas[data-chart]')].every(c => c.width > 0)")
    assert page.locator("[data-indicator='satisfaction_mean'] .tile-value").inner_text() != "nessun dato"
    assert page.locator("[data-indicator='residents'] .tile-value").inner_text().startswith("1")
    assert page.locator("canvas[data-chart]").count() >= 3
    screenshot(page, "monitoring-dashboard")
