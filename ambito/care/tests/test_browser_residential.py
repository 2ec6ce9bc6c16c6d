"""Leaving residential care in a real browser (seed 004): the social worker plans the discharge of a person
leaving an RSA with the protected discharge's checklist, confirms the service that must be active on the day,
records the discharge, and sees it counted in the LEPS indicator on the dashboard. Each page passes axe."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ambito.care.models import Discharge, DischargeSetting, DischargeStatus
from ambito.care.tests.factories import person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_leaving_an_rsa_is_recorded_and_counted(page, live_server, demo_with, browser_login,
                                                          screenshot, axe_violations):
    demo = demo_with("network")
    who = person(demo, first="Ernesta", last="Colombo")
    today = timezone.localdate().isoformat()
    tile = '[data-indicator="discharges_services_active"] .tile-value'
    dashboard = f"{live_server.url}/monitoraggio/?dal={today}&al={today}"

    browser_login(page, "sw.monza")
    page.goto(dashboard)
    expect(page.locator(tile)).to_contain_text("nessun dato")  # nobody discharged today yet

    page.goto(f"{live_server.url}/dimissioni/")
    page.select_option("#id_person", str(who.pk))
    page.select_option("#id_setting", DischargeSetting.RSA)
    page.fill("#id_facility", "RSA Villa dei Cedri, nucleo Alzheimer")
    page.fill("#id_planned_on", today)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Programma la dimissione").click()
    expect(page.locator(".lead")).to_contain_text("RSA")

    page.select_option("#id_service", str(demo.services["sad_monza"].pk))
    page.locator("form:has(input[name=form][value=service]) button[type=submit]").click()
    expect(page.locator("#required-services")).to_contain_text(demo.services["sad_monza"].name)
    page.locator("#required-services").get_by_role("button", name="Conferma").click()
    expect(page.get_by_text("Dimissione aggiornata.")).to_be_visible()
    assert axe_violations(page) == []
    page.locator("#discharge-complete button[type=submit]").click()
    expect(page.get_by_text("con 1 servizi attivi")).to_be_visible()
    screenshot(page, "care-residential-1-discharged")
    discharge = Discharge.objects.get(person=who)
    assert (discharge.setting, discharge.status) == (DischargeSetting.RSA, DischargeStatus.COMPLETED)

    page.goto(f"{live_server.url}/dimissioni/")
    expect(page.locator("#discharges")).to_contain_text("Villa dei Cedri")

    page.goto(dashboard)
    expect(page.locator(tile)).to_contain_text("100,0")  # counted in the LEPS, its service active on the day
    screenshot(page, "care-residential-2-counted")
    assert axe_violations(page) == []
