"""The SIUSS officer of Monza fills one missing datum from the pre-flight report's link and sees the record
leave the list; the report and the form pass an automated WCAG 2.1 AA scan (axe-core)."""

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_filling_a_missing_citizenship_from_its_link_takes_the_record_off_the_list(axe_violations,
        demo_with, page, live_server, browser_login, screenshot):
    demo_with("network", "access", "care", "monitoring")
    year = timezone.localdate().year
    browser_login(page, "siuss.monza")
    page.goto(f"{live_server.url}/monitoraggio/siuss/?anno={year}")
    missing = page.locator("ul[data-flow='psa'] > li[data-record]", has_text="Manca la cittadinanza")
    assert missing.count() >= 1
    record = missing.first.get_attribute("data-record")
    before = int(page.locator("[data-incomplete='psa']").first.inner_text())
    assert axe_violations(page) == []
    screenshot(page, "siuss-preflight")

    item = page.locator(f"li[data-record='{record}']")
    item.locator("li", has_text="Manca la cittadinanza").get_by_role("link").click()
    page.wait_for_selector("#id_citizenship")
    assert axe_violations(page) == []
    page.fill("#id_citizenship", "100")
    page.get_by_role("button", name="Salva").click()
    page.wait_for_url("**/monitoraggio/siuss/?anno=*")
    assert page.locator(f"li[data-record='{record}']").count() == 0
    assert int(page.locator("[data-incomplete='psa']").first.inner_text()) == before - 1
