"""Waiting lists: priority ordering, waited time, admission (top entry or a reasoned skip), removal."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ambito.access import selectors, services
from ambito.access.models import EntryStatus, PriorityCriterion, WaitingList, WaitingListEntry
from ambito.access.tests.factories import make_person

T0 = datetime.datetime(2026, 1, 5, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def sad(pua):
    services.priority_criteria_ensure_defaults(ambito=pua.ambito)
    return services.waiting_list_ensure(service=pua.services["sad_monza"], open_slots=1)


def add(pua, sad, days=0, **factors):
    sw = pua.users["sw.monza"]
    return services.waiting_list_entry_add(actor=sw, waiting_list=sad, person=make_person(sw, pua.comuni["monza"]),
                                           at=T0 + datetime.timedelta(days=days), **factors)


def test_the_priority_score_sums_the_configured_criteria(pua, sad):
    entry = add(pua, sad, uvm_intensity=3, lives_alone=True, caregiver_burden="high", isee_band="under_6k",
                urgency=3)
    # intensity 3 → 20, alone → 10, high burden → 10, ISEE < 6k → 10, urgency high → 10
    assert entry.priority_score == Decimal(60)
    assert entry.priority_breakdown["lives_alone"] == {"value": "true", "points": "10"}


def test_a_list_criterion_overrides_the_ambito_one(pua, sad):
    PriorityCriterion.objects.create(ambito=pua.ambito, waiting_list=sad, factor="lives_alone",
                                     points={"true": 25, "false": 0})
    assert add(pua, sad, lives_alone=True, urgency=1).priority_score == Decimal(25)


def test_entries_are_ordered_by_score_then_date(pua, sad):
    low_old = add(pua, sad, days=0, urgency=2)  # 5
    high_new = add(pua, sad, days=9, urgency=4)  # 20
    low_new = add(pua, sad, days=3, urgency=2)  # 5
    high_old = add(pua, sad, days=1, urgency=4)  # 20
    ordered = list(selectors.waiting_list_entries(actor=pua.users["sw.monza"], waiting_list=sad))
    assert ordered == [high_old, high_new, low_old, low_new]


def test_waited_time_is_computed_from_timestamps(pua, sad):
    entry = add(pua, sad)
    assert selectors.entry_waited(entry, now=T0 + datetime.timedelta(days=40, hours=2)) == datetime.timedelta(
        days=40, hours=2)
    admitted = services.waiting_list_admit(actor=pua.users["sw.monza"], waiting_list=sad,
                                           at=T0 + datetime.timedelta(days=12))
    assert selectors.entry_waited(admitted, now=T0 + datetime.timedelta(days=99)) == datetime.timedelta(days=12)


def test_admission_takes_the_top_entry_uses_a_slot_and_publishes_availability(pua, sad):
    first = add(pua, sad, urgency=4)
    add(pua, sad, urgency=1)
    admitted = services.waiting_list_admit(actor=pua.users["sw.monza"], waiting_list=sad,
                                           at=T0 + datetime.timedelta(days=20))
    assert admitted == first and admitted.status == EntryStatus.ADMITTED
    assert WaitingList.objects.get(pk=sad.pk).open_slots == 0
    service = pua.services["sad_monza"]
    service.refresh_from_db()
    assert service.vacancies == 0 and service.estimated_wait_days == 20


def test_skipping_the_top_entry_needs_a_reason(pua, sad):
    add(pua, sad, urgency=4)
    second = add(pua, sad, urgency=1)
    with pytest.raises(ValidationError) as error:
        services.waiting_list_admit(actor=pua.users["sw.monza"], waiting_list=sad, entry=second)
    assert "skip_reason" in error.value.message_dict
    assert WaitingListEntry.objects.filter(status="admitted").count() == 0
    admitted = services.waiting_list_admit(actor=pua.users["sw.monza"], waiting_list=sad, entry=second,
                                           skip_reason="La prima in lista è ricoverata fino a fine mese")
    assert admitted.skip_reason.startswith("La prima")


def test_admitting_from_an_empty_list_says_so_and_changes_nothing(pua, sad):
    with pytest.raises(ValidationError) as error:
        services.waiting_list_admit(actor=pua.users["sw.monza"], waiting_list=sad)
    assert error.value.messages == ["La lista d'attesa è vuota: non c'è nessuno da ammettere."]
    assert WaitingList.objects.get(pk=sad.pk).open_slots == 1


def test_admitting_without_an_open_slot_is_refused(pua, sad):
    add(pua, sad)
    services.waiting_list_admit(actor=pua.users["sw.monza"], waiting_list=sad)
    add(pua, sad)
    with pytest.raises(ValidationError) as error:
        services.waiting_list_admit(actor=pua.users["sw.monza"], waiting_list=sad)
    assert error.value.code == "no_slot"
    assert WaitingListEntry.objects.filter(status="waiting").count() == 1


def test_removal_needs_a_reason_from_the_list(pua, sad):
    entry = add(pua, sad)
    for reason, note in ((" ", ""), ("Trasferita in RSA", ""), ("other", " ")):
        with pytest.raises(ValidationError):
            services.waiting_list_entry_remove(actor=pua.users["sw.monza"], entry=entry, reason=reason, note=note)
    services.waiting_list_entry_remove(actor=pua.users["sw.monza"], entry=entry, reason="residential",
                                       note="RSA Villa Serena")
    entry.refresh_from_db()
    assert entry.status == "removed" and entry.removal_code == "residential"
    assert entry.removal_reason == "RSA Villa Serena"


def test_one_person_waits_once_per_list(pua, sad):
    entry = add(pua, sad)
    with pytest.raises(ValidationError):
        services.waiting_list_entry_add(actor=pua.users["sw.monza"], waiting_list=sad, person=entry.person)


def test_a_person_whose_processing_is_restricted_is_never_admitted(pua, sad):
    """GDPR art. 18: while the restriction lasts the entry stays, but the next person is admitted."""
    from ambito.access.models import Person

    top = add(pua, sad, urgency=4)
    second = add(pua, sad, urgency=1)
    Person.objects.filter(pk=top.person_id).update(restricted_at=T0)
    admitted = services.waiting_list_admit(actor=pua.users["sw.monza"], waiting_list=sad,
                                           at=T0 + datetime.timedelta(days=3))
    assert admitted == second
    assert WaitingListEntry.objects.get(pk=top.pk).status == EntryStatus.WAITING
