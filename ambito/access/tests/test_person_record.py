"""Finding 6 of issue 16: a person record that can be kept right — shown (codice fiscale, address, phone,
household) to whoever may see the person, edited on its version with the change history and its author,
contacts and guardian never deleted, and the transfer to another Comune as a logged handover."""

import datetime

import pytest
from auditlog.models import LogEntry

from ambito.access.models import Person, PersonContact, PersonTransfer
from ambito.accounts.models import AccessLog
from ambito.care.tests.factories import person as make_person

pytestmark = pytest.mark.django_db


def test_the_person_page_shows_the_record_and_edits_it_with_versioning(demo_with, client_as):
    demo = demo_with("network")
    who = make_person(demo, fiscal_code="", household_notes="Lives with her daughter Anna")
    page = client_as("sw.monza").get(f"/pua/persone/{who.pseudonym}/").content.decode()
    for shown in ("Via Italia 1", "039 000000", "Lives with her daughter Anna"):
        assert shown in page
    assert AccessLog.objects.filter(user=demo.users["sw.monza"], action="read", object_id=str(who.pk)).exists()
    edit = f"/pua/persone/{who.pseudonym}/modifica/"
    form = {"version": who.version, "first_name": "Maria", "last_name": "Rossi", "birth_date": "1940-05-01",
            "sex": "F", "address": "Via Roma 2", "phone": "039 222222", "email": "", "household_notes": ""}
    assert client_as("sw.monza").post(edit, form).status_code == 302
    stale = client_as("sw.monza").post(edit, {**form, "phone": "039 333333"})
    assert stale.status_code == 409  # the version read was saved over meanwhile: nothing is saved
    assert Person.objects.get(pk=who.pk).phone == "039 222222"
    assert client_as("sw.brugherio").get(edit).status_code == 404
    history = client_as("sw.monza").get(f"/pua/persone/{who.pseudonym}/").content.decode()
    assert "039 000000" in history and "039 222222" in history  # old and new value in the change history
    entry = LogEntry.objects.filter(content_type__model="person", object_id=who.pk,
                                    action=LogEntry.Action.UPDATE).get()
    assert entry.actor == demo.users["sw.monza"]


def test_contacts_and_guardian_are_recorded_and_ended_never_deleted(demo_with, client_as):
    demo = demo_with("network")
    who = make_person(demo)
    sw = client_as("sw.monza")
    base = f"/pua/persone/{who.pseudonym}/contatti/"
    refused = sw.post(base, {"kind": "support_admin", "name": "Avv. Bianchi"})
    assert refused.status_code == 400  # a support administrator is appointed by a decree
    assert sw.post(base, {"kind": "support_admin", "name": "Avv. Bianchi", "court_decree": "Trib. Monza 123/2025"}
                   ).status_code == 302
    assert sw.post(base, {"kind": "guardian", "name": "Other", "court_decree": "x"}).status_code == 400
    contact = PersonContact.objects.get()
    sw.post(f"{base}{contact.pk}/fine/", {"reason": "replaced by the court"})
    contact.refresh_from_db()
    assert contact.ended_at and contact.ended_reason == "replaced by the court"
    api = sw.post(f"/api/v1/persons/{who.pk}/contacts/", {"kind": "household", "name": "Anna Rossi",
                                                          "relationship": "daughter", "lives_with_person": True},
                  content_type="application/json")
    assert api.status_code == 201
    assert {c["name"] for c in sw.get(f"/api/v1/persons/{who.pk}/contacts/").json()} == {"Avv. Bianchi", "Anna Rossi"}
    assert client_as("gp").get(f"/api/v1/persons/{who.pk}/contacts/").status_code in (403, 404)


def test_a_transfer_hands_the_person_over_to_the_other_comune(demo_with, client_as):
    demo = demo_with("network")
    who = make_person(demo)
    silent = client_as("sw.monza").patch(f"/api/v1/persons/{who.pk}/", {
        "version": who.version, "residence_comune": demo.comuni["brugherio"].istat_code},
        content_type="application/json")
    assert silent.status_code == 400  # a move is a handover, not a silent edit
    assert client_as("sw.brugherio").get(f"/pua/persone/{who.pseudonym}/").status_code == 404
    form = {"to_comune": demo.comuni["brugherio"].pk, "moved_on": (datetime.date.today()).isoformat(),
            "reason": "moved in with her son", "handover_note": "SAD 6 h/week in Monza until now"}
    assert client_as("sw.monza").post(f"/pua/persone/{who.pseudonym}/trasferimento/", {**form, "reason": ""}
                                      ).status_code == 400
    assert client_as("sw.monza").post(f"/pua/persone/{who.pseudonym}/trasferimento/", form).status_code == 302
    transfer = PersonTransfer.objects.get()
    assert (transfer.from_comune, transfer.to_comune, transfer.transferred_by) == (
        demo.comuni["monza"], demo.comuni["brugherio"], demo.users["sw.monza"])
    received = client_as("sw.brugherio").get(f"/pua/persone/{who.pseudonym}/")
    assert received.status_code == 200 and "moved in with her son" in received.content.decode()
    assert client_as("sw.monza").get(f"/pua/persone/{who.pseudonym}/").status_code == 404
    back = client_as("sw.brugherio").post(f"/api/v1/persons/{who.pk}/transfer/", {
        "to_comune": demo.comuni["monza"].istat_code, "moved_on": datetime.date.today().isoformat(),
        "reason": "came back"}, content_type="application/json")
    assert back.status_code == 201 and back.json()["from_comune"] == demo.comuni["brugherio"].istat_code
