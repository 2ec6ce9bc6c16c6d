import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_demo_ambito_dashboard_shows_live_figures_and_charts(demo_with, page, live_server, browser_login,
                                                                 screenshot):
    ctx = demo_with("network", "planning", "access", "care", "monitoring")
    browser_login(page, "planner")
    page.goto(f"{live_server.url}/monitoraggio/?dal=2023-01-01")
    page.wait_for_selector("canvas[data-chart]")
    page.wait_for_function("() => [...document.querySelectorAll('canvas[data-chart]')].every(c => c.width > 0)")
    for code in ("waiting_days_median", "hours_delivered", "budget_planned", "satisfaction_mean", "residents"):
        assert page.locator(f"[data-indicator='{code}'] .tile-value").inner_text() != "nessun dato", code
    assert page.locator("canvas[data-chart]").count() >= 5
    assert page.locator("#chart-budget-source-table").count() == 1  # every chart has its data table
    screenshot(page, "monitoring-dashboard")

    # the area filter swaps the figures with HTMX and keeps the address shareable
    page.select_option("#id_area", "anziani")
    page.wait_for_url("**area=anziani**")
    page.wait_for_selector("canvas[data-chart]")
    monza = ctx.comuni["monza"].istat_code
    page.goto(f"{live_server.url}/monitoraggio/comuni/{monza}/?dal=2023-01-01")
    page.wait_for_selector("[data-indicator='residents']")
    assert "Comune di Monza" in page.locator("h1").inner_text()
    screenshot(page, "monitoring-dashboard-monza")
