"""The planning office receives a file from another system, reads what it would add, approves it naming
the Comune, and edits the directory's synonyms; both pages pass an automated WCAG 2.1 AA scan (axe-core)."""

import json

import pytest

from ambito.network.tests.test_hsds_every_field import _document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_reviews_and_approves_a_file(axe_violations, demo_with, page, live_server, browser_login, screenshot, tmp_path):
    from ambito.network.models import Service

    demo_with("network")
    document = _document()
    document["service_areas"] = [a for a in document["service_areas"] if a["extent_type"] != "text"]
    upload = tmp_path / "rete-esempio.json"
    upload.write_text(json.dumps([document]), encoding="utf-8")
    browser_login(page, "planner")
    page.goto(f"{live_server.url}/rete/")
    page.get_by_role("link", name="File da altri sistemi (HSDS)").click()
    assert axe_violations(page) == []
    page.set_input_files("#id_file", str(upload))
    page.get_by_role("button", name="Controlla il file").click()
    page.wait_for_url("**/rete/importazioni/*/")
    table = page.locator("#review-table")
    assert "Aiuto a casa per anziani soli" in table.inner_text() and "nuovo" in table.inner_text()
    assert axe_violations(page) == []
    screenshot(page, "hsds-import-review")
    assert not Service.objects.filter(hsds_id=document["id"]).exists()
    page.locator("label[for^=id_comuni]", has_text="Brugherio").click()  # the styled label takes the click
    page.get_by_role("button", name="Approva e pubblica").click()
    page.wait_for_url("**/rete/importazioni/")
    service = Service.objects.get(hsds_id=document["id"])
    assert [c.name for c in service.comuni.all()] == ["Brugherio"]


def test_the_office_edits_the_synonyms(axe_violations, demo_with, page, live_server, browser_login):
    demo_with("network")
    browser_login(page, "planner")
    page.goto(f"{live_server.url}/rete/sinonimi/")
    assert "badante = assistenza domiciliare" in page.locator("#id_text").input_value()
    assert axe_violations(page) == []
    page.fill("#id_text", "nonni = anziani")
    page.get_by_role("button", name="Salva").click()
    page.wait_for_url("**/rete/sinonimi/")
    assert page.locator("#id_text").input_value() == "nonni = anziani"
