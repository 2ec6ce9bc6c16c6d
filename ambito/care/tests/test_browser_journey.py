"""The care journey in a real browser: the UVM decided a plan → the social worker writes the PAI, signs it and
refers the SAD to the Cooperativa Il Ponte → the ETS operator accepts from its inbox and logs a week of visits →
the social worker sees the deliveries and reviews the plan. Each role sees its own view."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ambito.care.models import CarePlan, Delivery, ReferralStatus
from ambito.care.tests.factories import person, uvm

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_request_uvm_pai_referral_acceptance_deliveries_review(page, live_server, demo_with, browser_login,
                                                               screenshot):
    demo = demo_with("network")
    who = person(demo, first="Teresa", last="Brambilla")
    _request, assessment = uvm(demo, who)  # request received, triaged and assessed at the PUA (access app)
    today = timezone.localdate()
    start = today - datetime.timedelta(days=30)

    # Social worker: opens the PAI from the UVM decision.
    browser_login(page, "sw.monza")
    page.goto(f"{live_server.url}/casi/nuovo/?uvm={assessment.pk}")
    page.select_option("#id_person", str(who.pk))
    page.fill("#id_title", "PAI domiciliare")
    page.select_option("#id_area", "anziani")
    page.fill("#id_start_date", start.isoformat())
    page.fill("#id_end_date", (start + datetime.timedelta(days=364)).isoformat())
    page.get_by_role("button", name="Apri il piano").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Teresa Brambilla")
    page.get_by_text("Aggiungi un obiettivo").click()
    page.fill("#id_description", "Restare a casa in sicurezza")
    page.fill("#id_indicator", "Indice di Barthel")
    page.fill("#id_baseline", "45")
    page.fill("#id_target", "60")
    page.fill("#id_review_on", (start + datetime.timedelta(days=90)).isoformat())
    page.get_by_role("button", name="Aggiungi obiettivo").click()
    page.get_by_text("Programma un intervento").click()
    page.select_option("#id_service", str(demo.services["sad_monza"].pk))
    page.locator("#interventions, form[action$='/interventi/']").last.locator("#id_description").fill(
        "Igiene personale, 3 mattine a settimana")
    page.fill("#id_intensity", "6")
    page.fill("#id_start_date", start.isoformat())
    page.fill("#id_end_date", (start + datetime.timedelta(days=364)).isoformat())
    page.get_by_role("button", name="Aggiungi intervento").click()
    page.fill("#id_signed_on", today.isoformat())
    page.fill("#id_signed_by", "Teresa Brambilla")
    page.get_by_role("button", name="Registra il patto e attiva il piano").click()
    expect(page.get_by_text("Patto registrato: il piano è attivo.")).to_be_visible()
    page.get_by_role("button", name="Invia all'ente").click()
    expect(page.locator("#referrals")).to_contain_text("Inviato")
    screenshot(page, "care-1-social-worker-plan-referred")
    plan = CarePlan.objects.get(person=who)

    # ETS operator: sees only the minimum data, accepts, logs last week's visits.
    page.context.clear_cookies()
    browser_login(page, "ets.operator")
    page.goto(f"{live_server.url}/invii/")
    card = page.locator(".referral-card").filter(has_text="Teresa Brambilla")
    expect(card).to_contain_text("Via Italia 1")
    expect(page.locator("main")).not_to_contain_text(who.pseudonym)
    screenshot(page, "care-2-ets-inbox")
    card.get_by_role("button", name="Accetta").click()
    expect(card.get_by_text("Accettato")).to_be_visible()
    card.get_by_role("link").first.click()
    monday = today - datetime.timedelta(days=today.weekday() + 7)
    page.fill("#week-form #id_week_start", monday.isoformat())
    page.fill("#week-form #id_operator_name", "Anna Bassi")
    for day in (0, 2, 4):
        page.fill(f"#id_start_{day}", "09:00")
        page.fill(f"#id_end_{day}", "11:00")
    page.get_by_role("button", name="Registra la settimana").click()
    expect(page.get_by_text("3 prestazioni registrate per la settimana.")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Apri il caso")
    screenshot(page, "care-3-ets-deliveries")
    assert Delivery.objects.filter(referral__care_plan=plan).count() == 3
    assert plan.referrals.get().status == ReferralStatus.IN_PROGRESS

    # Social worker: the loop's state and the hours, then the review (a new version of the plan).
    page.context.clear_cookies()
    browser_login(page, "sw.monza")
    page.goto(f"{live_server.url}/casi/{plan.pk}/")
    expect(page.locator("#referrals")).to_contain_text("In corso")
    expect(page.locator("main")).to_contain_text("3 prestazioni, 6,0 ore in totale.")
    goal = plan.goals.get()
    page.select_option(f"#id_outcome_{goal.pk}", "partly")
    page.fill(f"#id_value_{goal.pk}", "55")
    page.fill("#review-form #id_next_review_on", (today + datetime.timedelta(days=90)).isoformat())
    page.get_by_role("button", name="Registra la verifica").click()
    expect(page.get_by_text("Verifica registrata: nuova versione del piano.")).to_be_visible()
    expect(page.locator("#revisions")).to_contain_text("Versione 1")
    screenshot(page, "care-4-social-worker-review")
    plan.refresh_from_db()
    assert plan.revision == 2

    # The regional observer has no way in.
    page.context.clear_cookies()
    browser_login(page, "observer")
    response = page.goto(f"{live_server.url}/casi/{plan.pk}/")
    assert response.status == 403
