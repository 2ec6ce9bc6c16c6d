"""Finding 6 of issue 16, on the pages: interventions, the case manager, deliveries and Budget di salute expenses
are corrected or cancelled with a reason — never deleted, the change history keeps the old values and who."""

import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from ambito.care import services
from ambito.care.models import CarePlan, Delivery, HealthBudgetExpense, PlannedIntervention
from ambito.care.tests.factories import accepted_referral, signed_plan

pytestmark = pytest.mark.django_db


def test_an_intervention_is_corrected_then_cancelled_on_the_plan_page(care_demo, client_as):
    plan, intervention = signed_plan(care_demo)
    sw = client_as("sw.monza")
    url = f"/casi/{plan.pk}/interventi/{intervention.pk}/rettifica/"
    assert sw.get(url).status_code == 200
    data = {"description": "Personal care 2 mornings a week", "intensity": "4", "intensity_unit": "hours_week",
            "start_date": intervention.start_date.isoformat(), "end_date": intervention.end_date.isoformat(),
            "payer": "comune"}
    assert sw.post(url, data).status_code == 400  # no reason: nothing saved
    assert sw.post(url, {**data, "reason": "UVM review: fewer hours"}).status_code == 302
    intervention.refresh_from_db()
    assert intervention.intensity == Decimal("4.00") and intervention.correction_reason == "UVM review: fewer hours"
    entry = LogEntry.objects.filter(content_type__model="plannedintervention", object_id=intervention.pk,
                                    action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.changes["intensity"] == ["6.00", "4.00"] and entry.actor == care_demo.users["sw.monza"]
    assert sw.post(f"/casi/{plan.pk}/interventi/{intervention.pk}/annulla/",
                   {"reason": "the person declined"}).status_code == 302
    assert PlannedIntervention.objects.get(pk=intervention.pk).cancelled_by == care_demo.users["sw.monza"]
    page = sw.get(f"/casi/{plan.pk}/").content.decode()
    assert "the person declined" in page and f"/interventi/{intervention.pk}/invio/" not in page
    assert client_as("gp").get(url).status_code in (403, 404)


def test_the_case_manager_is_handed_over_with_the_reason(care_demo, client_as):
    from django.contrib.auth import get_user_model

    from ambito.accounts.models import Membership
    from ambito.accounts.roles import Role

    plan, _intervention = signed_plan(care_demo)
    colleague = get_user_model().objects.create(username="sw.monza2", first_name="Luca", last_name="Verdi")
    Membership.objects.create(user=colleague, organisation=care_demo.organisations["comune_monza"],
                              role=Role.SOCIAL_WORKER)
    sw = client_as("sw.monza")
    url = f"/casi/{plan.pk}/responsabile/"
    assert "Luca Verdi" in sw.get(url).content.decode()
    assert "Brugherio" not in sw.get(url).content.decode()
    assert sw.post(url, {"version": plan.version, "case_manager": colleague.pk, "reason": ""}).status_code == 400
    assert sw.post(url, {"version": plan.version, "case_manager": colleague.pk,
                         "reason": "maternity leave"}).status_code == 302
    plan = CarePlan.objects.get(pk=plan.pk)
    assert plan.case_manager == colleague and plan.correction_reason == "maternity leave"


def test_a_delivery_and_an_expense_are_corrected_and_cancelled_and_leave_the_counts(care_demo, client_as):
    referral = accepted_referral(care_demo)
    day = timezone.localdate() - datetime.timedelta(days=1)
    delivery = services.delivery_create(actor=care_demo.users["ets.operator"], referral=referral,
                                        delivery_type="home_care_visit", delivered_on=day, operator_name="Anna",
                                        hours=Decimal("2"))
    provider = client_as("ets.operator")
    correct = f"/prestazioni/{delivery.pk}/rettifica/"
    assert provider.get(correct).status_code == 200
    assert provider.post(correct, {"delivered_on": day.isoformat(), "hours": "1.5", "delivery_type": "home_care_visit",
                                   "operator_name": "Anna", "reason": "typo"}).status_code == 302
    assert Delivery.objects.get(pk=delivery.pk).hours == Decimal("1.50")
    assert provider.post(f"/prestazioni/{delivery.pk}/annulla/", {"reason": "logged twice"}).status_code == 302
    assert not Delivery.objects.exists() and Delivery.all_objects.get(pk=delivery.pk).cancel_reason == "logged twice"
    assert client_as("sw.brugherio").get(correct).status_code == 403

    sw = care_demo.users["sw.monza"]
    budget = services.health_budget_create(actor=sw, person=referral.person, title="Progetto", start_date=day,
                                           end_date=day + datetime.timedelta(days=300))
    line = services.health_budget_line_add(actor=sw, budget=budget, axis="home", funder="comune",
                                           description="Affitto", planned_amount=Decimal("1000"))
    expense = services.health_budget_expense_add(actor=sw, line=line, spent_on=day, amount=Decimal("300"))
    page = client_as("sw.monza")
    assert f"/spese/{expense.pk}/rettifica/" in page.get(f"/budget-di-salute/{budget.pk}/").content.decode()
    assert page.post(f"/budget-di-salute/{budget.pk}/spese/{expense.pk}/rettifica/", {
        "spent_on": day.isoformat(), "amount": "250", "reason": "receipt"}).status_code == 302
    assert page.post(f"/budget-di-salute/{budget.pk}/spese/{expense.pk}/annulla/",
                     {"reason": "double"}).status_code == 302
    assert not HealthBudgetExpense.objects.exists()
    assert HealthBudgetExpense.all_objects.get(pk=expense.pk).amount == Decimal("250.00")


def test_erasure_scrubs_cancelled_records_too(care_demo):
    """Cancelled rows leave the counts, not the person's data: an erasure scrubs them like the rest."""
    from ambito.privacy import services as privacy
    from ambito.privacy.models import PrivacyRequestKind

    referral = accepted_referral(care_demo)
    day = timezone.localdate() - datetime.timedelta(days=1)
    delivery = services.delivery_create(actor=care_demo.users["ets.operator"], referral=referral,
                                        delivery_type="home_care_visit", delivered_on=day, operator_name="Anna",
                                        hours=Decimal("1"), notes="Maria Rossi was not at home")
    services.delivery_cancel(actor=care_demo.users["ets.operator"], delivery=delivery, reason="not delivered")
    dpo = care_demo.users["dpo"]
    request = privacy.privacy_request_create(actor=dpo, person=referral.person, kind=PrivacyRequestKind.ERASURE)
    privacy.privacy_request_complete(actor=dpo, request=request, outcome="done")
    assert "Rossi" not in Delivery.all_objects.get(pk=delivery.pk).notes
