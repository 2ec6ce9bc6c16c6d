"""Cases assigned through the API as on the request's page: to a colleague, taken back with a note, released;
never to a worker who cannot work on the request."""

from django.contrib.auth import get_user_model

from ambito.access.models import AccessRequest, RequestAssignment
from ambito.access.tests.factories import make_person, make_request
from ambito.accounts.models import Membership


def _colleague(pua):
    user = get_user_model().objects.create(username="sw.monza.bis")
    for membership in Membership.objects.filter(user=pua.users["sw.monza"], active=True):
        Membership.objects.create(user=user, organisation=membership.organisation, role=membership.role)
    return user


def test_assign_hand_over_and_release_through_the_api(pua, client_as):
    sw = pua.users["sw.monza"]
    request = make_request(sw, make_person(sw, pua.comuni["monza"]))
    colleague = _colleague(pua)
    client = client_as("sw.monza")
    url = f"/api/v1/requests/{request.pk}/assign/"
    given = client.post(url, {"assignee": colleague.pk}, content_type="application/json")
    assert given.status_code == 200 and given.json()["assigned_to"] == colleague.pk
    no_note = client.post(url, {"assignee": sw.pk}, content_type="application/json")
    assert no_note.status_code == 400 and "note" in no_note.json()
    assert client.post(url, {"assignee": sw.pk, "note": "Collega in malattia"},
                       content_type="application/json").status_code == 200
    outsider = client.post(url, {"assignee": pua.users["sw.brugherio"].pk, "note": "x"},
                           content_type="application/json")
    assert outsider.status_code == 400 and AccessRequest.objects.get(pk=request.pk).assigned_to == sw
    assert client.post(url, {"assignee": None, "note": "Caso chiuso"}, content_type="application/json").json()[
        "assigned_to"] is None
    assert RequestAssignment.objects.filter(request=request).count() == 3
    assert client_as("sw.brugherio").post(url, {"assignee": None}, content_type="application/json").status_code \
        == 404
