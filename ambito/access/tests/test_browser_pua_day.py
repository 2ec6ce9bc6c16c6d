"""A PUA social worker's day in the browser: the work queue with its sections, a waiting list with overdue
entries marked in words and free places recorded on the page; the planning office previews a triage rule on the
last month and opens the scales. Each page passes an automated WCAG 2.1 AA scan (axe-core)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_work_queue_waiting_list_and_triage_rules_pages(axe_violations, demo_with, page, live_server, browser_login, screenshot):
    demo_with("network", "access")
    browser_login(page, "sw.monza")
    page.goto(f"{live_server.url}/pua/")
    assert page.locator("#q-my-cases").count() == 1 and page.locator("#q-reviews").count() == 1
    assert axe_violations(page) == []
    screenshot(page, "pua-work-queue")

    page.goto(f"{live_server.url}/pua/liste-attesa/")
    assert axe_violations(page) == []
    page.locator("#waiting-lists tbody th a", has_text="Monza").first.click()
    page.wait_for_selector("#slots-form")
    assert axe_violations(page) == []
    page.fill("#id_open_slots", "4")
    page.select_option("#id_reason", "new_funding")
    page.fill("#id_note", "Nuovo lotto di ore SAD")
    page.locator("#slots-form button[type=submit]").click()
    page.wait_for_selector("#slot-history")
    assert "Nuovo lotto di ore SAD" in page.locator("#slot-history").inner_text()
    screenshot(page, "pua-waiting-list")

    page.context.clear_cookies()
    browser_login(page, "planner")
    page.goto(f"{live_server.url}/pua/regole-decodifica/")
    assert axe_violations(page) == []
    page.locator("#triage-rules tbody th a").first.click()
    page.wait_for_selector("#triage-rule-form")
    page.fill("#id_score_threshold", "80")
    page.get_by_role("button", name="Anteprima sull'ultimo mese").click()
    page.wait_for_selector("#preview")
    assert axe_violations(page) == []
    screenshot(page, "pua-triage-rule-preview")
    page.goto(f"{live_server.url}/pua/scale/")
    assert axe_violations(page) == []
