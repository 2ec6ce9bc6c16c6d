"""In a browser, the planning office sees the 2021–2023 plan measured in each of its years, adds an indicator
to an intervention of the current plan and links it to a monitoring indicator, without the Django admin, and
sees its measured values."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_planner_links_a_new_indicator_and_sees_its_values(demo_with, page, live_server, browser_login,
                                                                screenshot):
    from ambito.planning.models import Intervention

    ctx = demo_with("network", "planning", "access", "monitoring")  # waiting days come from access, no care
    browser_login(page, "planner")
    old = ctx.plans["2021"]
    page.goto(f"{live_server.url}/piano/{old.pk}/monitoraggio/")
    section = page.locator("[data-plan-indicator]").first
    for year in (2021, 2022, 2023):
        measured = section.locator(f"tr[data-year='{year}'] td.measured").inner_text().strip()
        assert measured and measured not in ("nessun dato", "non mostrato"), (year, measured)
    page.wait_for_function("() => [...document.querySelectorAll('canvas[data-chart]')].every(c => c.width > 0)")
    screenshot(page, "plan-monitoring-2021")

    current = ctx.plans["2025"]
    intervention = Intervention.objects.get(plan=current, code="I01")
    page.goto(f"{live_server.url}/piano/interventi/{intervention.pk}/")
    page.locator("summary", has_text="Aggiungi un indicatore").click()
    page.fill("#id_name", "Giorni di attesa per il SAD integrato")
    page.fill("#id_unit", "giorni")
    page.fill("#id_baseline", "30")
    page.fill("#id_baseline_year", "2024")
    page.fill("#id_target_2025", "28")
    page.fill("#id_target_2026", "25")
    page.fill("#id_target_2027", "22")
    page.click("label[for=id_lower_is_better]")  # the Bootstrap Italia label takes the click, as a user's
    assert page.locator("#id_lower_is_better").is_checked()
    page.get_by_role("button", name="Aggiungi l'indicatore").click()
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/piano/{current.pk}/monitoraggio/")
    page.select_option("#id_plan_indicator", label="I01 — Giorni di attesa per il SAD integrato")
    page.select_option("#id_code", value="waiting_days_median")
    page.select_option("#id_service", label=ctx.services["sad_monza"].name)
    page.get_by_role("button", name="Collega l'indicatore").click()
    page.wait_for_load_state()
    section = page.locator("[data-plan-indicator]", has_text="Giorni di attesa per il SAD integrato")
    value = section.locator("tr[data-year='2025'] td.measured").inner_text().strip()
    assert value[:1].isdigit(), value
    assert section.locator("tr[data-year='2025'] td").nth(0).inner_text().strip() == "28,0"

    page.goto(f"{live_server.url}/piano/interventi/{intervention.pk}/")
    assert page.locator("[data-plan-indicator]", has_text="Giorni di attesa per il SAD integrato").locator(
        "tr[data-year='2025'] td.measured").inner_text().strip() == value
    screenshot(page, "intervention-measured")
