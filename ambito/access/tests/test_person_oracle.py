"""Registering a person is no oracle: details matching a person the registrant may not see are answered without
naming them — for a GP, exactly as a new person is — and the office holding the record is asked to share it."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.test import RequestFactory

from ambito.access import services
from ambito.access.models import Person, PersonShareRequest, ShareStatus
from ambito.access.tests.factories import make_person, person_fields
from ambito.accounts.models import AccessLog

RECEIVED = "Richiesta registrata: il PUA verificherà l'anagrafica."
HELD_ELSEWHERE = ("Una persona con questi dati è già registrata da un altro ufficio: chiedi al PUA di condividere la "
                  "scheda (la richiesta è già stata inoltrata a chi la segue).")


def _json(fields) -> dict:
    body = {**fields, "residence_comune": fields["residence_comune"].istat_code,
            "birth_date": fields["birth_date"].isoformat()}
    return body


def _form(fields) -> dict:
    return {**fields, "residence_comune": fields["residence_comune"].pk, "birth_date": fields["birth_date"].isoformat()}


@pytest.fixture
def held(pua):
    """A person the social service of Monza holds: nobody outside Monza may see them."""
    return make_person(pua.users["sw.monza"], pua.comuni["monza"], address="Via Segreta 1",
                       household_notes="Seguita dai servizi sociali")


def _same_person(held, **overrides) -> dict:
    fields = {name: getattr(held, name) for name in ("fiscal_code", "first_name", "last_name", "birth_date", "sex")}
    return fields | {"residence_comune": held.residence_comune} | overrides


def _api(client, user):
    client.force_login(user)
    return client


# --- A GP: the same answer for a person already held elsewhere and for a new one --------------------------------


@pytest.mark.parametrize("match", ["codice fiscale", "name and birth date"])
def test_the_api_answers_a_gp_the_same_for_a_held_and_a_new_person(pua, client, held, match):
    client = _api(client, pua.users["gp"])
    existing = _same_person(held) if match == "codice fiscale" else _same_person(held, fiscal_code="")
    new = person_fields(pua.comuni["monza"]) | ({} if match == "codice fiscale" else {"fiscal_code": ""})
    answers = [client.post("/api/v1/persons/", _json(fields), content_type="application/json")
               for fields in (existing, new)]
    assert [a.status_code for a in answers] == [202, 202]
    assert answers[0].json() == answers[1].json() == {"detail": [RECEIVED], "code": "registration_received"}
    assert [sorted(a.headers.items()) == sorted(answers[0].headers.items()) for a in answers] == [True, True]
    assert held.pseudonym not in answers[0].content.decode()
    # The new person was registered (the PUA of Monza sees them), the held one was not registered twice...
    assert Person.objects.filter(last_name=held.last_name, birth_date=held.birth_date).count() == 1
    assert Person.objects.filter(first_name=new["first_name"], last_name=new["last_name"]).count() == 1
    # ...and Monza is asked to share it with the GP's health authority, the attempt in the person's access log.
    share = PersonShareRequest.objects.get()
    assert (share.person, share.requested_by, share.organisation, share.status) == (
        held, pua.users["gp"], pua.organisations["asst"], ShareStatus.PENDING)
    assert AccessLog.objects.filter(object_id=str(held.pk), user=pua.users["gp"], action="denied").exists()


def test_the_form_answers_a_gp_the_same_for_a_held_and_a_new_person(pua, client_as, held):
    client = client_as("gp")
    answers = []
    for fields in (_same_person(held), person_fields(pua.comuni["monza"])):
        response = client.post("/pua/persone/nuova/", _form(fields), follow=True)
        page = response.content.decode()
        assert held.pseudonym not in page and "Via Segreta" not in page
        answers.append((response.redirect_chain, response.status_code, [str(m) for m in response.context["messages"]]))
    assert answers[0] == answers[1] == ([("/pua/persone/nuova/", 302)], 200, [RECEIVED])


def test_asking_twice_files_one_request(pua, client, held):
    client = _api(client, pua.users["gp"])
    for _ in range(2):
        assert client.post("/api/v1/persons/", _json(_same_person(held)),
                           content_type="application/json").status_code == 202
    assert PersonShareRequest.objects.count() == 1


def test_a_restricted_person_is_answered_the_same_and_asks_nobody(pua, client, held):
    from django.utils import timezone

    Person.objects.filter(pk=held.pk).update(restricted_at=timezone.now())
    client = _api(client, pua.users["gp"])
    answer = client.post("/api/v1/persons/", _json(_same_person(held)), content_type="application/json")
    assert (answer.status_code, answer.json()["detail"]) == (202, [RECEIVED])
    assert not PersonShareRequest.objects.exists()


# --- Another Comune's social worker: told another office holds it, never which nor who -------------------------


def test_another_comunes_social_worker_is_not_told_who_is_held_or_where(pua, client, held):
    client = _api(client, pua.users["sw.brugherio"])
    moved = _same_person(held, residence_comune=pua.comuni["brugherio"])
    answer = client.post("/api/v1/persons/", _json(moved), content_type="application/json")
    assert answer.status_code == 409
    assert answer.json() == {"detail": [HELD_ELSEWHERE], "code": "held_elsewhere"}
    for secret in (held.pseudonym, str(held.pk), "Monza", "Via Segreta"):
        assert secret not in answer.content.decode()
    assert Person.objects.count() == 1
    share = PersonShareRequest.objects.get()
    assert (share.person, share.organisation) == (held, pua.organisations["comune_brugherio"])
    page = _api(client, pua.users["sw.brugherio"]).post("/pua/persone/nuova/", _form(moved))
    assert page.status_code == 200
    html = page.content.decode()
    assert "già registrata da un altro ufficio" in html and held.pseudonym not in html
    assert PersonShareRequest.objects.count() == 1  # the same request, not a second one


def test_a_homonym_held_elsewhere_can_be_confirmed_as_a_different_person(pua, held):
    sw = pua.users["sw.brugherio"]
    homonym = _same_person(held, fiscal_code="", residence_comune=pua.comuni["brugherio"])
    with pytest.raises(services.PersonHeldElsewhere) as refusal:
        services.person_create(actor=sw, **homonym)
    assert held.pseudonym not in str(refusal.value) and refusal.value.code == "held_elsewhere"
    assert "conferma per continuare" in refusal.value.messages[0]
    assert services.person_create(actor=sw, confirm_homonym=True, **homonym).residence_comune == pua.comuni[
        "brugherio"]


def test_changing_a_code_to_one_held_elsewhere_does_not_name_the_holder(pua, held):
    sw = pua.users["sw.brugherio"]
    mine = make_person(sw, pua.comuni["brugherio"])
    with pytest.raises(ValidationError) as refusal:
        services.person_update(actor=sw, person=mine, expected_version=mine.version, fiscal_code=held.fiscal_code,
                               first_name=held.first_name, last_name=held.last_name, birth_date=held.birth_date,
                               sex=held.sex)
    assert held.pseudonym not in str(refusal.value)
    assert refusal.value.message_dict["fiscal_code"] == ["Questo codice fiscale è già registrato da un altro ufficio."]


# --- A duplicate the registrant may see keeps the helpful answer ------------------------------------------------


def test_a_visible_duplicate_is_named_with_a_link(pua, client_as, held):
    client = client_as("sw.monza")
    page = client.post("/pua/persone/nuova/", _form(_same_person(held)))
    html = page.content.decode()
    assert page.status_code == 200 and f"già registrata ({held.pseudonym})" in html
    assert f'href="/pua/persone/{held.pseudonym}/"' in html
    homonym = client.post("/pua/persone/nuova/", _form(_same_person(held, fiscal_code="")))
    assert f'href="/pua/persone/{held.pseudonym}/"' in homonym.content.decode()
    answer = client.post("/api/v1/persons/", _json(_same_person(held)), content_type="application/json")
    assert answer.status_code == 409 and held.pseudonym in answer.json()["fiscal_code"][0]
    assert not PersonShareRequest.objects.exists()


def test_a_gp_is_told_about_its_own_patient(pua, client, held):
    from ambito.access.tests.factories import make_request

    make_request(pua.users["gp"], held, channel="gp")
    answer = _api(client, pua.users["gp"]).post("/api/v1/persons/", _json(_same_person(held)),
                                                content_type="application/json")
    assert answer.status_code == 409 and held.pseudonym in answer.json()["fiscal_code"][0]


# --- The holder answers from the work queue -------------------------------------------------------------------


def test_the_holder_sees_the_request_and_shares_the_record(pua, client_as, held):
    brugherio = pua.users["sw.brugherio"]
    with pytest.raises(services.PersonHeldElsewhere):
        services.person_create(actor=brugherio, **_same_person(held, residence_comune=pua.comuni["brugherio"]))
    share = PersonShareRequest.objects.get()
    assert client_as("sw.brugherio").get(f"/pua/persone/{held.pseudonym}/").status_code == 404
    assert "queue-share-requests" not in client_as("sw.brugherio").get("/pua/").content.decode()
    client = client_as("sw.monza")
    queue = client.get("/pua/").content.decode()
    assert 'id="queue-share-requests"' in queue and held.pseudonym in queue and "Comune di Brugherio" in queue
    assert client_as("asl.operator").get("/pua/").context["queue"]["share_requests_count"] == 1  # district too
    client = client_as("sw.monza")
    response = client.post(f"/pua/condivisioni/{share.pk}/", {"answer": "share"})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Scheda condivisa con Comune di Brugherio."]
    share.refresh_from_db()
    assert (share.status, share.decided_by) == (ShareStatus.ACCEPTED, pua.users["sw.monza"])
    assert client_as("sw.brugherio").get(f"/pua/persone/{held.pseudonym}/").status_code == 200
    # Answered once: the request left the queue.
    assert client_as("sw.monza").post(f"/pua/condivisioni/{share.pk}/", {"answer": "share"}).status_code == 404


def test_the_holder_may_decline_and_only_the_holder_answers(pua, client_as, held):
    with pytest.raises(services.PersonHeldElsewhere):
        services.person_create(actor=pua.users["sw.brugherio"],
                               **_same_person(held, residence_comune=pua.comuni["brugherio"]))
    share = PersonShareRequest.objects.get()
    assert client_as("sw.brugherio").post(f"/pua/condivisioni/{share.pk}/", {"answer": "share"}).status_code == 404
    assert client_as("sw.monza").post(f"/pua/condivisioni/{share.pk}/", {"answer": "decline"}).status_code == 302
    share.refresh_from_db()
    assert share.status == ShareStatus.DECLINED
    assert not held.shared_with.exists()
    assert client_as("sw.brugherio").get(f"/pua/persone/{held.pseudonym}/").status_code == 404
    with pytest.raises(ValidationError) as refusal:
        services.person_share_request_decide(actor=pua.users["sw.monza"], share_request=share, accept=True)
    assert refusal.value.code == "already_answered"


# --- Constraint violations are conflicts, not server errors -----------------------------------------------------


def test_an_integrity_error_reaching_the_api_is_a_409_without_the_values(pua, caplog):
    from rest_framework.request import Request

    from ambito.api.exceptions import exception_handler

    request = Request(RequestFactory().post("/api/v1/persons/"))
    error = IntegrityError('duplicate key value violates unique constraint "person_unique_fiscal_code"\n'
                           'DETAIL:  Key (fiscal_code)=(RSSMRA80A01F205X) already exists.')
    response = exception_handler(error, {"request": request, "view": None})
    assert response.status_code == 409 and response.data["code"] == "conflict"
    assert "Qualcun altro ha salvato" in str(response.data["detail"][0])
    assert "person_unique_fiscal_code" in caplog.text and "RSSMRA80A01F205X" not in caplog.text


def test_enrolling_twice_on_one_list_is_a_409(pua, client):
    sw = pua.users["sw.monza"]
    waiting_list = services.waiting_list_ensure(service=pua.services["sad_monza"], open_slots=0)
    person = make_person(sw, pua.comuni["monza"])
    client = _api(client, sw)
    answers = [client.post(f"/api/v1/waiting-lists/{waiting_list.pk}/entries/", {"person": person.pk},
                           content_type="application/json") for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 409]
    assert answers[1].json() == {"detail": ["Questa persona è già in attesa in questa lista."],
                                 "code": "duplicate_entry"}


def test_a_form_shows_an_integrity_error_as_an_error(pua, client_as, monkeypatch):
    def clash(**kwargs):
        raise IntegrityError("UNIQUE constraint failed: access_person.fiscal_code")

    monkeypatch.setattr(services, "person_create", clash)
    response = client_as("sw.monza").post("/pua/persone/nuova/", _form(person_fields(pua.comuni["monza"])))
    assert response.status_code == 409 and "Qualcun altro ha salvato" in response.content.decode()


def test_the_birth_date_lock_key_ignores_case_and_spaces():
    from ambito.access.services.persons import _lock_keys

    day = datetime.date(1940, 2, 1)
    assert _lock_keys({"last_name": "de  rossi", "first_name": "Maria ", "birth_date": day, "fiscal_code": ""}) == \
        _lock_keys({"last_name": "De Rossi", "first_name": "MARIA", "birth_date": day, "fiscal_code": ""})
