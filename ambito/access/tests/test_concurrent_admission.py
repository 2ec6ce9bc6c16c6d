"""Two operators admit from the same list at the same moment, on two database connections."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from ambito.access import services
from ambito.access.models import WaitingList, WaitingListEntry
from ambito.access.tests.factories import make_person

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="Row locks (SELECT … FOR UPDATE) exist only on PostgreSQL; SQLite locks the whole "
                              "database file, so two connections cannot even read-then-write concurrently. CI runs "
                              "this on PostgreSQL."),
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
