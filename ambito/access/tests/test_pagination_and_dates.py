"""The PUA's waiting list is paginated, never cut at 200; and dates far outside sense (a birth in 2031 or in
1850, a UVM in 1990) are refused in the pages and in the API, with the allowed range in Italian."""

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from ambito.access import services
from ambito.access.models import Person, WaitingListEntry
from ambito.access.tests.factories import make_person, make_request, person_fields
from ambito.core.tests.paging import walk_pages
from ambito.core.validators import BIRTH_DATE, DEFAULT

N = 201


def _range(rule) -> str:
    low, high = rule.bounds()
    return f"La data deve essere tra il {low:%d/%m/%Y} e il {high:%d/%m/%Y}."


def test_the_waiting_list_reaches_its_201st_entry_and_numbers_the_ranks_across_pages(pua, client_as):
    sw, monza = pua.users["sw.monza"], pua.comuni["monza"]
    waiting_list = services.waiting_list_ensure(service=pua.services["sad_monza"], open_slots=1)
    persons = Person.objects.bulk_create(
        Person(ambito=pua.ambito, first_name="Anna", last_name=f"Attesa{i:03d}", birth_date=datetime.date(1940, 1, 1),
               sex="F", residence_comune=monza, created_by=sw) for i in range(N))
    now = timezone.now()
    WaitingListEntry.objects.bulk_create(
        WaitingListEntry(waiting_list=waiting_list, person=person, entered_at=now - datetime.timedelta(days=300 - i),
                         priority_score=Decimal(N - i)) for i, person in enumerate(persons))
    pages, links = walk_pages(client_as("sw.monza"), reverse("access-waiting-list", args=[waiting_list.pk]))
    assert len(pages) == 5 and links == [f"?page={n}" for n in range(2, 6)]
    assert "Attesa200" in pages[-1] and "Attesa200" not in "".join(pages[:-1])  # the lowest score: last
    assert "<td>201</td>" in pages[-1]  # its rank in the whole list, not in the page
    assert 'id="admit-top"' in pages[0] and 'id="admit-top"' not in pages[1]
    assert pages[0].count('name="skip_reason"') == 49 and pages[1].count('name="skip_reason"') == 50


def test_a_birth_date_in_the_future_or_before_1906_is_refused_on_the_page(pua, client_as):
    client = client_as("sw.monza")
    url = reverse("access-person-create")
    for birth in ("2031-01-01", "2030-06-01", "1850-06-01"):  # issue 16, finding 5: 2031 (page), 2030 (API)
        response = client.post(url, {"first_name": "Maria", "last_name": "Rossi", "birth_date": birth, "sex": "F",
                                     "residence_comune": pua.comuni["monza"].pk})
        assert response.status_code == 200
        assert _range(BIRTH_DATE) in response.content.decode()
    assert not Person.objects.filter(last_name="Rossi").exists()
    fields = person_fields(pua.comuni["monza"], birth_date=datetime.date(1950, 3, 4))
    response = client.post(url, {**fields, "birth_date": "1950-03-04", "residence_comune": pua.comuni["monza"].pk})
    assert response.status_code == 302


def test_a_birth_date_out_of_range_is_a_400_in_the_api(pua, client_as):
    client = client_as("sw.monza")
    for birth in ("2031-01-01", "2030-06-01", "1850-06-01"):  # issue 16, finding 5: 2031 (page), 2030 (API)
        body = {**person_fields(pua.comuni["monza"]), "residence_comune": pua.comuni["monza"].istat_code,
                "birth_date": birth, "fiscal_code": ""}
        response = client.post("/api/v1/persons/", body, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["birth_date"] == [_range(BIRTH_DATE)]


def test_a_uvm_scheduled_in_1990_is_refused_in_the_page_and_the_api(pua, client_as):
    sw = pua.users["sw.monza"]
    request = make_request(sw, make_person(sw, pua.comuni["monza"]))
    services.request_triage(actor=sw, request=request, triage_kind="socio_health", outcome="uvm")
    client = client_as("sw.monza")
    page = client.post(reverse("access-assessment-schedule", args=[request.pk]), {"scheduled_for": "1990-05-10"},
                       follow=True)
    assert f"Data della UVM: {_range(DEFAULT)}" in page.content.decode()
    assert not request.assessments.exists()
    api = client.post("/api/v1/assessments/", {"request": request.pk, "scheduled_for": "1990-05-10"},
                      content_type="application/json")
    assert api.status_code == 400 and api.json()["scheduled_for"] == [_range(DEFAULT)]
    soon = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    assert client.post("/api/v1/assessments/", {"request": request.pk, "scheduled_for": soon},
                       content_type="application/json").status_code == 201
