"""Admissions and clocks that cannot be fooled (issue 16, findings 2–4 and 8): an admission form names the
entry it admits and a replayed one admits nobody else; free places are recorded on the list's page and in the
API, with their history; a person removed and put back keeps one clock, with the gap shown; removals need a
reason from a list; waits past the service's target are marked, in words, wherever they appear."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ambito.access import services
from ambito.access.models import EntryStatus, WaitingList, WaitingListEntry, WaitingListSlotChange
from ambito.access.tests.factories import make_person


@pytest.fixture
def sad(pua):
    services.priority_criteria_ensure_defaults(ambito=pua.ambito)
    return services.waiting_list_ensure(service=pua.services["sad_monza"], open_slots=0)


def add(pua, sad, days_ago=0, **factors):
    sw = pua.users["sw.monza"]
    return services.waiting_list_entry_add(actor=sw, waiting_list=sad, person=make_person(sw, pua.comuni["monza"]),
                                           at=timezone.now() - datetime.timedelta(days=days_ago), **factors)


def set_slots(pua, sad, n):
    return services.waiting_list_set_slots(actor=pua.users["sw.monza"], waiting_list=sad, open_slots=n,
                                           reason="package_ended")


# --- Finding 2: a replayed admission ---------------------------------------------------------------------------


def test_a_replayed_admit_form_admits_nobody_else_and_says_why(pua, sad, client_as):
    first = add(pua, sad, days_ago=20, urgency=4)   # the top
    second = add(pua, sad, days_ago=10, urgency=2)
    set_slots(pua, sad, 2)
    client = client_as("sw.monza")
    url = reverse("access-waiting-list-admit", args=[sad.pk])
    page = client.get(reverse("access-waiting-list", args=[sad.pk])).content.decode()
    assert f'name="entry" value="{first.pk}"' in page  # the top button names the entry it admits
    assert client.post(url, {"entry": first.pk}).status_code == 302
    assert WaitingListEntry.objects.get(pk=first.pk).status == EntryStatus.ADMITTED
    replay = client.post(url, {"entry": first.pk})  # the same form again: a double click, the back button
    assert replay.status_code == 400
    assert "non è più in attesa" in replay.content.decode()
    second.refresh_from_db()
    assert second.status == EntryStatus.WAITING and second.skip_reason == ""
    assert WaitingList.objects.get(pk=sad.pk).open_slots == 1
    nameless = client.post(url, {})
    assert nameless.status_code == 400 and WaitingListEntry.objects.get(pk=second.pk).status == EntryStatus.WAITING
    api = client.post(f"/api/v1/waiting-lists/{sad.pk}/admit/", {"entry": first.pk}, content_type="application/json")
    assert api.status_code == 400
    assert WaitingListEntry.objects.get(pk=second.pk).status == EntryStatus.WAITING


def test_a_stale_top_button_does_not_admit_the_new_top(pua, sad, client_as):
    """The page showed A at the top; meanwhile B (more urgent) joined: the form for A now needs a reason."""
    shown = add(pua, sad, days_ago=20, urgency=2)
    set_slots(pua, sad, 1)
    newcomer = add(pua, sad, days_ago=0, urgency=4)
    response = client_as("sw.monza").post(reverse("access-waiting-list-admit", args=[sad.pk]), {"entry": shown.pk})
    assert response.status_code == 400
    assert not WaitingListEntry.objects.filter(status=EntryStatus.ADMITTED).exists()
    assert WaitingListEntry.objects.get(pk=newcomer.pk).status == EntryStatus.WAITING


# --- Finding 4: free places on the page and in the API, with history ------------------------------------------


def test_free_places_are_recorded_on_the_list_page_with_who_when_and_why(pua, sad, client_as):
    entry = add(pua, sad, days_ago=5)
    client = client_as("sw.monza")
    url = reverse("access-waiting-list-slots", args=[sad.pk])
    refused = client.post(url, {"open_slots": "-1", "reason": "package_ended"})
    assert refused.status_code == 400
    no_note = client.post(url, {"open_slots": "2", "reason": "other", "note": ""})
    assert no_note.status_code == 400 and WaitingList.objects.get(pk=sad.pk).open_slots == 0
    assert client.post(url, {"open_slots": "2", "reason": "package_ended", "note": "Fine SAD sig.ra B."}
                       ).status_code == 302
    assert WaitingList.objects.get(pk=sad.pk).open_slots == 2
    client.post(reverse("access-waiting-list-admit", args=[sad.pk]), {"entry": entry.pk})
    changes = list(WaitingListSlotChange.objects.filter(waiting_list=sad).order_by("id"))
    assert [(c.kind, c.slots_before, c.slots_after) for c in changes] == [("recorded", 0, 2), ("admission", 2, 1)]
    assert changes[0].changed_by == pua.users["sw.monza"] and changes[0].note == "Fine SAD sig.ra B."
    assert changes[1].entry_id == entry.pk
    page = client.get(reverse("access-waiting-list", args=[sad.pk])).content.decode()
    assert 'id="slot-history"' in page and "Fine SAD sig.ra B." in page and "2 → 1" in page


def test_the_planner_sees_the_list_but_cannot_record_places(pua, sad, client_as):
    response = client_as("planner").post(reverse("access-waiting-list-slots", args=[sad.pk]),
                                         {"open_slots": "5", "reason": "new_funding"})
    assert response.status_code in (403, 404) and WaitingList.objects.get(pk=sad.pk).open_slots == 0


def test_free_places_through_the_api_with_history(pua, sad, client_as):
    client = client_as("sw.monza")
    response = client.post(f"/api/v1/waiting-lists/{sad.pk}/slots/", {"open_slots": 3, "reason": "new_funding"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["open_slots"] == 3
    bad = client.post(f"/api/v1/waiting-lists/{sad.pk}/slots/", {"open_slots": 3, "reason": "because"},
                      content_type="application/json")
    assert bad.status_code == 400 and "reason" in bad.json()
    history = client.get(f"/api/v1/waiting-lists/{sad.pk}/slot-changes/").json()["results"]
    assert history[0]["slots_after"] == 3 and history[0]["reason"] == "new_funding"
    assert history[0]["changed_by"] == "sw.monza"


# --- Finding 3: one clock --------------------------------------------------------------------------------------


def test_a_person_removed_and_put_back_keeps_the_first_entry_date_and_the_gap_shows(pua, sad, client_as):
    sw = pua.users["sw.monza"]
    first = add(pua, sad, days_ago=81)
    client = client_as("sw.monza")
    removed = client.post(reverse("access-entry-remove", args=[first.pk]), {"reason": "", "note": "boh"})
    assert removed.status_code == 302 and WaitingListEntry.objects.get(pk=first.pk).status == EntryStatus.WAITING
    client.post(reverse("access-entry-remove", args=[first.pk]), {"reason": "unreachable", "note": ""})
    first.refresh_from_db()
    assert first.status == EntryStatus.REMOVED and first.removal_code == "unreachable"
    WaitingListEntry.objects.filter(pk=first.pk).update(removed_at=timezone.now() - datetime.timedelta(days=4))
    again = services.waiting_list_entry_add(actor=sw, waiting_list=sad, person=first.person)
    assert again.entered_at == first.entered_at and again.previous_entry_id == first.pk
    assert again.rejoined_at is not None
    api = client.get(f"/api/v1/waiting-list-entries/{again.pk}/").json()
    assert api["waited_days"] == 81 and api["previous_entry"] == first.pk
    page = client.get(reverse("access-waiting-list", args=[sad.pk])).content.decode()
    assert "Reinserita il " in page and "dopo 4 gg fuori dalla lista" in page
    assert "81 gg" in page


def test_a_person_admitted_and_later_back_starts_a_new_wait(pua, sad):
    """Only a removal continues the clock: a new need after an admission is a new wait."""
    entry = add(pua, sad, days_ago=30)
    set_slots(pua, sad, 1)
    services.waiting_list_admit(actor=pua.users["sw.monza"], waiting_list=sad, entry=entry)
    again = services.waiting_list_entry_add(actor=pua.users["sw.monza"], waiting_list=sad, person=entry.person)
    assert again.previous_entry_id is None and again.entered_at > entry.entered_at


# --- Finding 8: overdue waits marked in words --------------------------------------------------------------------


def test_an_entry_past_the_target_is_marked_overdue_in_words_everywhere(pua, sad, client_as):
    late = add(pua, sad, days_ago=226)  # SAD Monza: target 30 days
    add(pua, sad, days_ago=3)
    client = client_as("sw.monza")
    page = client.get(reverse("access-waiting-list", args=[sad.pk])).content.decode()
    assert page.count('class="badge bg-warning text-dark overdue"') == 1
    assert "In ritardo di 196" in page
    lists = client.get(reverse("access-waiting-lists")).content.decode()
    assert "1 in ritardo" in lists
    person = client.get(reverse("access-person", args=[late.person.pseudonym])).content.decode()
    assert "In ritardo di 196" in person
    queue = client.get(reverse("access-work-queue")).content.decode()
    assert "In ritardo di 196" in queue
    assert client.get(f"/api/v1/waiting-list-entries/{late.pk}/").json()["overdue_days"] == 196
