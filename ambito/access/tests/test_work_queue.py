"""The work queue page: sections, Comune filter (HTMX), bounded queries for 10 and 10,000 entries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ambito.access import services
from ambito.access.models import AccessRequest, Person, RequestStatus, RequestStatusChange, WaitingListEntry
from ambito.access.tests.factories import make_person, make_request


def _bulk(pua, n):
    """n requests and n waiting entries, inserted in bulk so 10,000 stay fast."""
    comune, sw = pua.comuni["monza"], pua.users["sw.monza"]
    start = Person.objects.count()
    persons = Person.objects.bulk_create([
        Person(ambito=pua.ambito, first_name="Anna", last_name=f"Bulk{start + i}", birth_date=datetime.date(1940, 1, 1),
               sex="F", residence_comune=comune, pseudonym=f"P-BULK{start + i:06d}") for i in range(n)])
    now = timezone.now()
    AccessRequest.objects.bulk_create([
        AccessRequest(ambito=pua.ambito, person=p, comune=comune, channel="phone", need="x", area="anziani",
                      received_at=now, status=RequestStatus.RECEIVED, brought_by=sw) for p in persons])
    waiting_list = services.waiting_list_ensure(service=pua.services["sad_monza"])
    WaitingListEntry.objects.bulk_create([
        WaitingListEntry(waiting_list=waiting_list, person=p, entered_at=now - datetime.timedelta(days=40))
        for p in persons])


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx), response


def test_the_work_queue_shows_new_requests_and_late_entries(pua, client_as):
    sw = pua.users["sw.monza"]
    make_request(sw, make_person(sw, pua.comuni["monza"]))
    response = client_as("sw.monza").get("/pua/")
    assert "Nuove domande da valutare" in response.content.decode()
    assert response.context["queue"]["requests_count"] == 1


def test_the_work_queue_is_bounded_for_10_and_10000_entries(pua, client_as):
    client = client_as("sw.monza")
    _bulk(pua, 10)
    client.get("/pua/")
    small, response = _queries(client, "/pua/")
    assert response.context["queue"]["entries_count"] == 10
    _bulk(pua, 9990)
    large, response = _queries(client, "/pua/")
    assert response.context["queue"]["requests_count"] == 10000
    assert response.context["queue"]["entries_count"] == 10000
    # constant: includes the lookups of persons shared with the user and restricted, the sharing requests, and
    # two queries (rows, count) for each registered section (my cases, PAI reviews, late referrals, discharges)
    assert large == small <= 26


def test_the_comune_filter_swaps_the_queue_with_htmx(pua, client_as):
    sw = pua.users["sw.monza"]
    make_request(sw, make_person(sw, pua.comuni["monza"]))
    response = client_as("sw.monza").get(f"/pua/?comune={pua.comuni['monza'].pk}", HTTP_HX_REQUEST="true")
    assert response.content.decode().lstrip().startswith('<div id="queue">')


@pytest.mark.parametrize("username", ["ets.operator", "observer", "gp"])
def test_other_roles_cannot_open_the_work_queue(pua, client_as, username):
    assert client_as(username).get("/pua/").status_code == 403


def test_admitting_from_an_empty_list_on_the_page_shows_the_italian_message(pua, client_as):
    waiting_list = services.waiting_list_ensure(service=pua.services["sad_monza"], open_slots=1)
    response = client_as("sw.monza").post(f"/pua/liste-attesa/{waiting_list.pk}/ammetti/", follow=True)
    assert "La lista d&#x27;attesa è vuota" in response.content.decode()
    assert RequestStatusChange.objects.count() == 0
