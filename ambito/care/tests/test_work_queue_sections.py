"""A working day in one place (issue 16, finding 8): the PUA work queue shows the social worker's own cases
(assigned and reassigned, with history), PAI reviews due, referrals unanswered past their deadline and
discharges at risk, each late item marked in words; sections are paginated on their own page, and the page
costs the same number of queries for 2 or 60 records of each kind."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ambito.access import services as access_services
from ambito.access.models import AccessRequest, RequestAssignment
from ambito.care import services
from ambito.care.models import CarePlan, Referral
from ambito.care.tests.factories import person, signed_plan


def _care_records(demo, n, tag):
    """n active plans due for review (overdue), n referrals unanswered past the deadline, n discharges at risk."""
    sw = demo.users["sw.monza"]
    today = timezone.localdate()
    for i in range(n):
        who = person(demo, first=f"{tag}{i}", last="Coda")
        plan, intervention = signed_plan(demo, who)
        CarePlan.objects.filter(pk=plan.pk).update(next_review_on=today - datetime.timedelta(days=12))
        referral = services.referral_send(actor=sw, intervention=intervention)
        Referral.objects.filter(pk=referral.pk).update(answer_due_on=today - datetime.timedelta(days=3))
        services.discharge_create(actor=sw, person=who, setting="hospital", facility=f"San Gerardo {tag}{i}",
                                  planned_on=today + datetime.timedelta(days=1))
        request = AccessRequest.objects.filter(person=who).first()
        access_services.request_assign(actor=sw, request=request, assignee=sw)


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx), response.content.decode()


def test_the_queue_shows_reviews_late_referrals_discharges_and_my_cases(care_demo, client_as):
    _care_records(care_demo, 2, "A")
    client = client_as("sw.monza")
    page = client.get(reverse("access-work-queue")).content.decode()
    for title in ("I miei casi", "Verifiche del PAI in scadenza", "Invii senza risposta oltre la scadenza",
                  "Dimissioni a rischio"):
        assert title in page
    assert page.count("In ritardo di 12") == 2  # reviews overdue by 12 days
    assert page.count("In ritardo di 3") == 2  # referrals unanswered 3 days past the deadline
    assert "San Gerardo A0" in page and "nessun servizio predisposto" in page
    # Brugherio's social worker sees none of Monza's
    other = client_as("sw.brugherio").get(reverse("access-work-queue")).content.decode()
    assert "San Gerardo A0" not in other and "A0 Coda" not in other


def test_the_queue_costs_the_same_queries_for_2_and_60_records_and_sections_are_paginated(care_demo, client_as):
    client = client_as("sw.monza")
    _care_records(care_demo, 2, "S")
    client.get(reverse("access-work-queue"))
    small, _page = _count(client, reverse("access-work-queue"))
    _care_records(care_demo, 58, "L")
    large, page = _count(client, reverse("access-work-queue"))
    assert large == small
    assert "Vedi tutte le 60" in page or "Vedi tutti i 60" in page
    first = client.get(reverse("access-work-queue-section", args=["reviews"])).content.decode()
    second = client.get(reverse("access-work-queue-section", args=["reviews"]) + "?page=2").content.decode()
    assert first.count('class="badge bg-warning text-dark overdue"') == 50
    assert second.count('class="badge bg-warning text-dark overdue"') == 10
    assert client.get(reverse("access-work-queue-section", args=["nope"])).status_code == 404


def test_a_case_is_assigned_handed_over_with_a_note_and_released_with_its_history(care_demo, client_as):
    sw = care_demo.users["sw.monza"]
    who = person(care_demo, first="Bruno", last="Casi")
    request = access_services.request_create(actor=sw, person=who, channel="pua_desk", need="Aiuto", area="anziani")
    colleague = _colleague(care_demo)
    client = client_as("sw.monza")
    url = reverse("access-request-assign", args=[request.pk])
    client.post(url, {"assignee": colleague.pk, "note": ""})
    assert AccessRequest.objects.get(pk=request.pk).assigned_to == colleague
    refused = client.post(url, {"assignee": sw.pk, "note": ""}, follow=True).content.decode()
    assert "scrivi perché viene passato" in refused.lower()
    assert AccessRequest.objects.get(pk=request.pk).assigned_to == colleague
    client.post(url, {"assignee": sw.pk, "note": "Collega in ferie"})
    assert AccessRequest.objects.get(pk=request.pk).assigned_to == sw
    mine = client.get(reverse("access-work-queue")).content.decode()
    assert "Bruno Casi" in mine.split('id="q-my-cases"')[1].split("</section>")[0]
    client.post(url, {"assignee": "", "note": "Chiusa la presa in carico"})
    history = list(RequestAssignment.objects.filter(request=request).order_by("id").values_list(
        "assigned_to__username", "previous__username", "note"))
    assert history == [("sw.monza2", None, ""), ("sw.monza", "sw.monza2", "Collega in ferie"),
                       (None, "sw.monza", "Chiusa la presa in carico")]
    detail = client.get(reverse("access-request", args=[request.pk])).content.decode()
    assert 'id="assignment-history"' in detail and "Collega in ferie" in detail
    # a worker of another Comune cannot be given the case
    with pytest.raises(Exception):
        access_services.request_assign(actor=sw, request=request, assignee=care_demo.users["sw.brugherio"])


def _colleague(demo):
    from django.contrib.auth import get_user_model

    from ambito.accounts.models import Membership

    user = get_user_model().objects.create(username="sw.monza2", first_name="", last_name="")
    for membership in Membership.objects.filter(user=demo.users["sw.monza"], active=True):
        Membership.objects.create(user=user, organisation=membership.organisation, role=membership.role)
    return user
