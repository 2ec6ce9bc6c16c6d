"""A visitor, not signed in, opens the open-data catalogue from the menu, downloads the service directory,
and the page passes an automated WCAG 2.1 AA scan (axe-core)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_downloads_the_service_directory_from_the_catalogue_page(axe_violations, demo_with, page, live_server,
                                                                             screenshot):
    demo_with("network", "planning")
    page.goto(f"{live_server.url}/dati-aperti/")
    page.wait_for_url("**/dati-aperti/monza/")
    assert page.get_by_role("heading", level=1).inner_text() == "Dati aperti dell'Ambito di Monza"
    assert axe_violations(page) == []
    screenshot(page, "opendata-catalogue")
    with page.expect_download() as download:
        page.get_by_role("link", name="Guida ai servizi (CSV)").click()
    content = open(download.value.path(), encoding="utf-8").read()
    assert content.splitlines()[0].startswith("id,nome,descrizione,area")
    assert len(content.splitlines()) > 5
