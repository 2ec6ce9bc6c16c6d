"""Dates far outside sense are refused in care's pages and API with the allowed range: a PAI from 1900 to 2999,
a discharge planned in 1999 (page and API). A plan already stored with an old date can still be edited."""

import datetime

from django.urls import reverse
from django.utils import timezone

from ambito.care.models import CarePlan, Discharge
from ambito.care.tests.factories import person, signed_plan
from ambito.core.validators import DEFAULT


def _range(rule=DEFAULT) -> str:
    low, high = rule.bounds()
    return f"La data deve essere tra il {low:%d/%m/%Y} e il {high:%d/%m/%Y}."


def test_a_pai_from_1900_to_2999_is_refused_on_the_page_and_in_the_api(care_demo, client_as):
    who = person(care_demo)
    client = client_as("sw.monza")
    page = client.post(reverse("care-plan-create"), {"person": who.pk, "title": "PAI", "area": "anziani",
                                                     "start_date": "1900-01-01", "end_date": "2999-12-31"})
    assert page.content.decode().count(_range()) == 2
    api = client.post("/api/v1/care-plans/", {"person": who.pk, "title": "PAI", "area": "anziani",
                                              "start_date": "1900-01-01", "end_date": "2999-12-31"},
                      content_type="application/json")
    assert api.status_code == 400
    assert api.json()["start_date"] == [_range()] and api.json()["end_date"] == [_range()]
    assert not CarePlan.objects.filter(person=who).exists()
    today = timezone.localdate()
    fine = client.post("/api/v1/care-plans/", {"person": who.pk, "title": "PAI", "area": "anziani",
                                               "start_date": today.isoformat(),
                                               "end_date": (today + datetime.timedelta(days=365)).isoformat()},
                       content_type="application/json")
    assert fine.status_code == 201, fine.json()


def test_a_discharge_planned_in_1999_is_refused_with_the_range(care_demo, client_as):
    who = person(care_demo)
    client = client_as("sw.monza")
    data = {"person": who.pk, "setting": "hospital", "facility": "San Gerardo, Medicina", "planned_on": "1999-04-01"}
    page = client.post(reverse("care-discharge-list"), data)
    assert page.status_code == 400 and _range() in page.content.decode()
    api = client.post("/api/v1/discharges/", data, content_type="application/json")
    assert api.status_code == 400 and api.json()["planned_on"] == [_range()]
    assert not Discharge.objects.exists()
    data["planned_on"] = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    assert client.post(reverse("care-discharge-list"), data).status_code == 302


def test_an_old_plan_keeps_its_stored_dates_when_edited(care_demo, client_as):
    plan, _intervention = signed_plan(care_demo)
    old_start = datetime.date(2012, 5, 2)  # imported from the previous system
    CarePlan.objects.filter(pk=plan.pk).update(start_date=old_start)
    plan.refresh_from_db()
    url = reverse("care-plan-edit", args=[plan.pk])
    data = {"version": plan.version, "title": "PAI rivisto", "start_date": "2012-05-02",
            "end_date": plan.end_date.isoformat(), "summary": ""}
    response = client_as("sw.monza").post(url, data)
    assert response.status_code == 302, response.content.decode()
    plan.refresh_from_db()
    assert plan.title == "PAI rivisto" and plan.start_date == old_start
    moved = client_as("sw.monza").post(url, {**data, "version": plan.version, "start_date": "2011-05-02"})
    assert _range() in moved.content.decode()
