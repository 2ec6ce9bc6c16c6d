"""Every door of the PUA in a real browser (system Chromium): the GP, the hospital discharge team (ASL operator),
a Third-Sector operator, an info-point and a citizen online each bring a new person's request from their own page;
it reaches the Monza social worker's queue; the PUA answers and the one who brought it sees the outcome. And a
request taken at a community access desk with a GP present is counted as a joint assessment."""

import pytest
from playwright.sync_api import expect

from ambito.access import services
from ambito.access.models import AccessRequest, CommunityDesk
from ambito.access.tests.factories import person_fields

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_person(page, fields):
    page.fill("#id_fiscal_code", fields["fiscal_code"])
    page.fill("#id_first_name", fields["first_name"])
    page.fill("#id_last_name", fields["last_name"])
    page.fill("#id_birth_date", fields["birth_date"].isoformat())
    page.select_option("#id_sex", fields["sex"])
    page.select_option("#id_residence_comune", label="Monza")


def _bring(page, fields, need, consents=("health_sharing",)):
    _fill_person(page, fields)
    for kind in consents:  # the information notice is ticked already
        checkbox_id = page.get_attribute(f"input[name=consents][value={kind}]", "id")
        page.click(f"label[for={checkbox_id}]")
    page.select_option("#id_area", "anziani")
    page.fill("#id_need", need)
    page.locator("#bring-submit, #online-submit").first.click()


def _in_the_queue_and_answered(page, browser_login, live_server, fields, outcome):
    """The Monza social worker finds the request in the work queue; the PUA answers it (services: the triage
    and outcome pages have their own browser journey)."""
    page.context.clear_cookies()
    browser_login(page, "sw.monza")
    page.goto(f"{live_server.url}/pua/")
    expect(page.locator("#queue-requests")).to_contain_text(fields["last_name"])
    request = AccessRequest.objects.get(person__fiscal_code=fields["fiscal_code"])
    from django.contrib.auth import get_user_model

    sw = get_user_model().objects.get(username="sw.monza")
    services.request_triage(actor=sw, request=request, triage_kind="social", outcome="information", note="")
    services.request_transition(actor=sw, request=request, to_status="information", note=outcome)
    return request


def test_the_gp_registers_a_patient_sends_the_request_and_sees_the_outcome(axe_violations, page, live_server, demo_with,
                                                                           browser_login, screenshot):
    demo_with("network")
    fields = person_fields(None)
    browser_login(page, "gp")
    page.get_by_role("link", name="Invia una domanda al PUA").first.click()
    expect(page.locator("#door")).to_contain_text("MMG")
    assert axe_violations(page) == []
    _bring(page, fields, "Vive sola, due cadute nell'ultimo mese")
    expect(page.get_by_role("alert")).to_contain_text("inviata al PUA di Monza")
    expect(page.locator("#my-requests")).to_contain_text(fields["last_name"])
    screenshot(page, "doors-1-gp-sent")
    request = _in_the_queue_and_answered(page, browser_login, live_server, fields,
                                         "Attivato il servizio di telesoccorso")
    page.context.clear_cookies()
    browser_login(page, "gp")
    page.get_by_role("link", name="Le mie domande").first.click()
    expect(page.locator("#my-requests .request-outcome")).to_have_text("Attivato il servizio di telesoccorso")
    assert axe_violations(page) == []
    page.get_by_role("link", name=f"#{request.pk}").click()
    expect(page.locator("#request-status")).to_have_text("Evasa con informazioni")
    expect(page.locator("#triage-submit")).to_have_count(0)  # the GP follows, never works the request


def test_the_hospital_team_brings_a_discharge(page, live_server, demo_with, browser_login):
    demo_with("network")
    fields = person_fields(None, sex="M")
    browser_login(page, "asl.operator")
    page.get_by_role("link", name="Invia una domanda al PUA").first.click()
    expect(page.locator("#door")).to_contain_text("Dimissione ospedaliera")
    _bring(page, fields, "Dimissione dopo ictus, serve assistenza a domicilio")
    expect(page.locator("#my-requests")).to_contain_text("Dimissione ospedaliera")
    _in_the_queue_and_answered(page, browser_login, live_server, fields, "Presa in carico ADI")
    page.context.clear_cookies()
    browser_login(page, "asl.operator")
    page.goto(f"{live_server.url}/pua/mie-domande/")
    expect(page.locator("#my-requests .request-outcome")).to_have_text("Presa in carico ADI")


def test_a_third_sector_operator_brings_a_request_and_sees_only_its_own(page, live_server, demo_with,
                                                                        browser_login):
    ctx = demo_with("network")
    other = services.request_bring(actor=ctx.users["gp"], channel="gp", person=person_fields(ctx.comuni["monza"]),
                                   need="Altro", area="anziani", consents=["information_notice"])
    fields = person_fields(None)
    browser_login(page, "ets.operator")
    page.get_by_role("link", name="Invia una domanda al PUA").first.click()
    _bring(page, fields, "Segnalata dal centro diurno: non ritira più i pasti")
    expect(page.locator("#my-requests")).to_contain_text("Terzo Settore")
    expect(page.locator("#my-requests")).not_to_contain_text(other.person.last_name)
    _in_the_queue_and_answered(page, browser_login, live_server, fields, "Orientata al servizio pasti")
    page.context.clear_cookies()
    browser_login(page, "ets.operator")
    page.goto(f"{live_server.url}/pua/mie-domande/")
    expect(page.locator("#my-requests .request-outcome")).to_have_text("Orientata al servizio pasti")
    assert page.goto(f"{live_server.url}/pua/domande/{other.pk}/").status == 404


def test_an_info_point_contact_becomes_a_request(page, live_server, demo_with, browser_login):
    from ambito.network.models import InfoPointContact

    ctx = demo_with("network")
    info_point = ctx.services["oncology_info"]
    info_point.staffed_by.add(ctx.organisations["coop_ponte"])
    fields = person_fields(None)
    browser_login(page, "ets.operator")
    page.goto(f"{live_server.url}/rete/info-point/{info_point.pk}/contatti/")
    page.locator("#info-point-to-request a").click()
    expect(page.locator("#door")).to_contain_text(info_point.name)
    page.select_option("#id_contact_channel", "phone")
    _bring(page, fields, "Chiede aiuto per il trasporto alle terapie")
    expect(page.locator("#my-requests")).to_contain_text("Info-point")
    contact = AccessRequest.objects.get(person__fiscal_code=fields["fiscal_code"]).info_point_contact
    assert (contact.info_point_id, contact.channel) == (info_point.pk, "phone")
    assert InfoPointContact.objects.filter(pk=contact.pk).exists()  # counted in the info-point's log
    _in_the_queue_and_answered(page, browser_login, live_server, fields, "Trasporto attivato con l'ODV")
    page.context.clear_cookies()
    browser_login(page, "ets.operator")
    page.goto(f"{live_server.url}/pua/mie-domande/")
    expect(page.locator("#my-requests .request-outcome")).to_have_text("Trasporto attivato con l'ODV")


def test_a_citizen_asks_for_help_online(axe_violations, page, live_server, demo_with, browser_login, screenshot):
    demo_with("network")
    fields = person_fields(None)
    browser_login(page, "citizen")
    page.get_by_role("link", name="Chiedi aiuto online").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chiedi aiuto online")
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []
    _bring(page, fields, "Mia madre non riesce più a fare la spesa", consents=("care_processing",))
    expect(page.get_by_role("alert")).to_contain_text("Qui ne troverà l'esito")
    screenshot(page, "doors-2-citizen-online")
    request = _in_the_queue_and_answered(page, browser_login, live_server, fields, "Attivata la spesa a domicilio")
    assert request.channel == "online"
    page.context.clear_cookies()
    browser_login(page, "citizen")
    page.goto(f"{live_server.url}/servizi/le-mie-domande/")
    expect(page.locator("#my-requests .request-outcome")).to_have_text("Attivata la spesa a domicilio")


def test_a_request_at_a_community_desk_with_a_gp_is_counted(axe_violations, page, live_server, demo_with, browser_login,
                                                            screenshot):
    ctx = demo_with("network")
    desk = CommunityDesk.objects.create(ambito=ctx.ambito, comune=ctx.comuni["monza"], place="Via Boccherini 3",
                                        name="Sportello di comunità — Casa di Comunità")
    desk.staff.add(ctx.users["sw.monza"], ctx.users["gp"])
    fields = person_fields(None)
    browser_login(page, "sw.monza")
    page.get_by_role("link", name="Sportelli di accesso di comunità").first.click()
    row = page.locator(f"#desk-{desk.pk}")
    expect(row.locator(".desk-joint")).to_have_text("0")
    row.get_by_role("link", name="Registra qui una domanda").click()
    expect(page.locator("#door")).to_contain_text("Casa di Comunità")
    page.select_option("#id_desk_gp", label=ctx.users["gp"].get_full_name())
    _bring(page, fields, "Caregiver esausta, il marito ha una demenza")
    expect(page.locator("#my-requests")).to_contain_text("Casa di Comunità")
    page.goto(f"{live_server.url}/pua/sportelli/")
    expect(row.locator(".desk-requests")).to_have_text("1")
    expect(row.locator(".desk-joint")).to_have_text("1")
    assert axe_violations(page) == []
    screenshot(page, "doors-3-community-desk")
    page.goto(f"{live_server.url}/pua/")
    expect(page.locator("#queue-requests")).to_contain_text(fields["last_name"])
