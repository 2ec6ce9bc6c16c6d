"""Two operators admit from the same list at the same moment, on two database connections."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from ambito.access import services
from ambito.access.models import WaitingList, WaitingListEntry
from ambito.access.tests.factories import make_person
from ambito.core.tests.parallel import THREADS, api_session, colleagues, fire, summary
from ambito.core.tests.vendor import postgresql_only

pytestmark = [
    pytest.mark.django_db(transaction=True),
    postgresql_only("row locks (SELECT … FOR UPDATE); SQLite locks the whole database file, so two connections "
                    "cannot even read-then-write concurrently"),
]


def test_two_concurrent_admissions_never_take_one_slot_twice(demo_with):
    ctx = demo_with("network")
    sw = ctx.users["sw.monza"]
    waiting_list = services.waiting_list_ensure(service=ctx.services["sad_monza"], open_slots=1)
    for urgency in (4, 3, 2):
        services.waiting_list_entry_add(actor=sw, waiting_list=waiting_list,
                                        person=make_person(sw, ctx.comuni["monza"]), urgency=urgency)
    barrier = threading.Barrier(2)
    outcomes = []

    def admit():
        try:
            barrier.wait(timeout=10)
            entry = services.waiting_list_admit(actor=sw, waiting_list=WaitingList.objects.get(pk=waiting_list.pk))
            outcomes.append(("admitted", entry.pk))
        except ValidationError as error:
            outcomes.append(("refused", error.code))
        finally:
            connections.close_all()  # each thread has its own connection: close it

    threads = [threading.Thread(target=admit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(kind for kind, _ in outcomes) == ["admitted", "refused"]
    assert [value for kind, value in outcomes if kind == "refused"] == ["no_slot"]
    assert WaitingListEntry.objects.filter(status="admitted").count() == 1
    assert WaitingList.objects.get(pk=waiting_list.pk).open_slots == 0


def test_two_concurrent_admissions_with_two_slots_admit_two_different_people(demo_with):
    ctx = demo_with("network")
    sw = ctx.users["sw.monza"]
    services.priority_criteria_ensure_defaults(ambito=ctx.ambito)
    waiting_list = services.waiting_list_ensure(service=ctx.services["sad_monza"], open_slots=2)
    for urgency in (4, 3, 2):
        services.waiting_list_entry_add(actor=sw, waiting_list=waiting_list,
                                        person=make_person(sw, ctx.comuni["monza"]), urgency=urgency)
    barrier = threading.Barrier(2)
    admitted = []

    def admit():
        try:
            barrier.wait(timeout=10)
            admitted.append(services.waiting_list_admit(actor=sw, waiting_list=waiting_list).pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=admit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(admitted) == 2 and len(set(admitted)) == 2
    top_two = list(WaitingListEntry.objects.order_by("-priority_score", "entered_at", "id")
                   .values_list("pk", flat=True)[:2])
    assert WaitingListEntry.objects.get(pk=top_two[0]).urgency == 4
    assert sorted(admitted) == sorted(top_two)
    assert WaitingList.objects.get(pk=waiting_list.pk).open_slots == 0


# --- Through the API on a live server: N operators, K open slots, several trials ----------------------------

ADMISSION_TRIALS = 5


def test_parallel_api_admissions_fill_exactly_the_open_slots(demo_with, live_server):
    from django.utils import translation

    ctx = demo_with("network")
    sw = ctx.users["sw.monza"]
    sessions = [api_session(live_server, user) for user in colleagues(ctx, "sw.monza", THREADS)]
    waiting_list = services.waiting_list_ensure(service=ctx.services["sad_monza"], open_slots=0)
    url = f"/api/v1/waiting-lists/{waiting_list.pk}/admit/"
    with translation.override("it"):
        no_slot = translation.gettext("The service has no open slot: record the freed places before admitting.")
    trials = []
    for trial, slots in enumerate([3, 1, 2, 3, 5][:ADMISSION_TRIALS], start=1):
        for urgency in range(THREADS):
            services.waiting_list_entry_add(actor=sw, waiting_list=waiting_list,
                                            person=make_person(sw, ctx.comuni["monza"]), urgency=urgency % 5)
        services.waiting_list_ensure(service=waiting_list.service, open_slots=slots)
        admitted_before = set(WaitingListEntry.objects.filter(waiting_list=waiting_list, status="admitted")
                              .values_list("pk", flat=True))
        top = list(WaitingListEntry.objects.filter(waiting_list=waiting_list, status="waiting")
                   .order_by("-priority_score", "entered_at", "id").values_list("pk", flat=True)[:slots])

        outcomes = fire(sessions, "POST", url, [{}] * THREADS)

        won = [o for o in outcomes if o.status == 200]
        lost = [o for o in outcomes if o.status != 200]
        assert len(won) == slots, (trial, [(o.status, o.body) for o in outcomes])
        assert {o.status for o in lost} <= {409}, [(o.status, o.body) for o in lost]
        assert all(o.body["code"] == "no_slot" and o.body["detail"] == [no_slot] for o in lost)
        won_ids = [o.body["id"] for o in won]
        assert len(set(won_ids)) == slots, "one entry was admitted twice"
        admitted_now = set(WaitingListEntry.objects.filter(waiting_list=waiting_list, status="admitted")
                           .values_list("pk", flat=True)) - admitted_before
        assert admitted_now == set(won_ids) == set(top), "the slots went to other than the top of the list"
        assert WaitingList.objects.get(pk=waiting_list.pk).open_slots == 0
        trials.append({"admitted": len(won), "refused_409": len(lost), "slots": slots})
    summary("waiting-list admission", trials)
    assert len(trials) == ADMISSION_TRIALS
