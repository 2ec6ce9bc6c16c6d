"""Requests move through their lifecycle with timestamps; waiting times come from them."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from ambito.access import selectors, services
from ambito.access.models import AccessRequest, RequestStatus, RequestStatusChange
from ambito.access.tests.factories import make_person, make_request

T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def test_the_responsible_comune_is_the_residence(pua):
    person = make_person(pua.users["sw.brugherio"], pua.comuni["brugherio"])
    request = make_request(pua.users["sw.brugherio"], person)
    assert request.comune == pua.comuni["brugherio"]
    assert request.brought_by_organisation == pua.organisations["comune_brugherio"]


def test_every_transition_is_timestamped_and_waiting_times_are_computed(pua):
    sw = pua.users["sw.monza"]
    person = make_person(sw, pua.comuni["monza"])
    request = make_request(sw, person, at=T0)
    services.request_triage(actor=sw, request=request, triage_kind="socio_health", outcome="uvm",
                            at=T0 + datetime.timedelta(days=2, hours=3))
    services.request_transition(actor=sw, request=request, to_status=RequestStatus.ASSESSMENT,
                                at=T0 + datetime.timedelta(days=5))
    services.request_transition(actor=sw, request=request, to_status=RequestStatus.CARE_PLAN,
                                at=T0 + datetime.timedelta(days=19, hours=12))
    request.refresh_from_db()
    assert [c.to_status for c in RequestStatusChange.objects.filter(request=request)] == [
        "received", "triaged", "assessment", "care_plan"]
    times = selectors.request_waiting_times(request=request)
    assert times["to_triage"] == datetime.timedelta(days=2, hours=3)
    assert times["to_assessment"] == datetime.timedelta(days=5)
    assert times["to_outcome"] == datetime.timedelta(days=19, hours=12)
    assert times["to_outcome_days"] == 19
    assert times["open_for"] is None


def test_average_days_to_outcome_by_comune(pua):
    sw = pua.users["sw.monza"]
    for days in (10, 20):
        request = make_request(sw, make_person(sw, pua.comuni["monza"]), at=T0)
        services.request_triage(actor=sw, request=request, triage_kind="social", outcome="information", at=T0)
        services.request_transition(actor=sw, request=request, to_status=RequestStatus.INFORMATION,
                                    at=T0 + datetime.timedelta(days=days))
    rows = selectors.request_wait_summary(actor=sw)
    assert rows[0]["comune"] == "Monza" and rows[0]["requests"] == 2 and rows[0]["avg_days_to_outcome"] == 15


def test_a_closed_request_cannot_move(pua):
    sw = pua.users["sw.monza"]
    request = make_request(sw, make_person(sw, pua.comuni["monza"]))
    services.request_transition(actor=sw, request=request, to_status=RequestStatus.CLOSED, note="ritirata")
    before = RequestStatusChange.objects.count()
    with pytest.raises(ValidationError) as error:
        services.request_transition(actor=sw, request=request, to_status=RequestStatus.TRIAGED)
    assert "chiusa" in error.value.messages[0]
    assert RequestStatusChange.objects.count() == before
    assert AccessRequest.objects.get(pk=request.pk).status == "closed"


def test_a_skipped_step_is_refused(pua):
    sw = pua.users["sw.monza"]
    request = make_request(sw, make_person(sw, pua.comuni["monza"]))
    with pytest.raises(ValidationError):
        services.request_transition(actor=sw, request=request, to_status=RequestStatus.CARE_PLAN)
    assert AccessRequest.objects.get(pk=request.pk).status == "received"
