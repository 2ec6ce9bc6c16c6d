"""The PUA API: scoped lists with bounded queries, server-side scoring, transitions, admission."""

import pytest
from django.core.exceptions import ValidationError

from ambito.access import services
from ambito.access.models import AccessRequest, Person
from ambito.access.tests.factories import BARTHEL_ALL, make_person, make_request, person_fields
from ambito.accounts.models import AccessLog


@pytest.fixture
def api(pua, client):
    def as_user(username):
        client.force_login(pua.users[username])
        return client
    return as_user


def test_a_social_worker_registers_a_person_and_a_request(pua, api):
    client = api("sw.monza")
    fields = person_fields(pua.comuni["monza"])
    body = {**fields, "residence_comune": pua.comuni["monza"].istat_code, "birth_date": fields["birth_date"].isoformat()}
    response = client.post("/api/v1/persons/", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    person_id = response.json()["id"]
    again = client.post("/api/v1/persons/", body, content_type="application/json")
    assert again.status_code == 409 and "già registrata" in again.json()["fiscal_code"][0]
    assert again.json()["code"] == "duplicate_fiscal_code"
    response = client.post("/api/v1/requests/", {"person": person_id, "channel": "hospital_discharge",
                                                 "need": "Dimissione", "area": "anziani"},
                           content_type="application/json")
    assert response.status_code == 201 and response.json()["comune"] == pua.comuni["monza"].istat_code


def test_an_invalid_codice_fiscale_is_a_400_in_italian(pua, api):
    body = {**person_fields(pua.comuni["monza"]), "fiscal_code": "RSSMRA40B01F704A",
            "residence_comune": pua.comuni["monza"].istat_code, "birth_date": "1940-02-01"}
    response = api("sw.monza").post("/api/v1/persons/", body, content_type="application/json")
    assert response.status_code == 400
    assert "carattere di controllo" in response.json()["fiscal_code"][0]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("citizenship", "IT", "Tre cifre"),
        ("citizenship", "10A", "Tre cifre"),
        ("birthplace_code", "F70", "Una lettera e tre cifre"),
        ("birthplace_code", "1704", "Una lettera e tre cifre"),
    ],
)
def test_the_siuss_fields_are_checked_as_on_the_registration_form(pua, api, client, field, value, message):
    """Citizenship (ISTAT code of the State) and birthplace (cadastral code): the same formats, and the same
    message, through the API and on the registration page; nothing is registered."""
    fields = person_fields(pua.comuni["monza"])
    body = {
        **fields,
        "residence_comune": pua.comuni["monza"].istat_code,
        "birth_date": fields["birth_date"].isoformat(),
        field: value,
    }
    response = api("sw.monza").post("/api/v1/persons/", body, content_type="application/json")
    assert response.status_code == 400 and message in response.json()[field][0]
    page = client.post("/pua/persone/nuova/", {**body, "residence_comune": pua.comuni["monza"].pk})
    assert page.status_code == 200 and message in page.content.decode()
    with pytest.raises(ValidationError) as error:  # the service checks it too, for any other caller
        services.person_create(actor=pua.users["sw.monza"], **{**fields, field: value})
    assert message in error.value.message_dict[field][0]
    assert not Person.objects.filter(last_name=fields["last_name"]).exists()


def test_the_api_registers_citizenship_and_birthplace(pua, api):
    client = api("sw.monza")
    fields = person_fields(pua.comuni["monza"])
    body = {
        **fields,
        "residence_comune": pua.comuni["monza"].istat_code,
        "birth_date": fields["birth_date"].isoformat(),
        "citizenship": "436",
        "birthplace_code": "z404",
    }
    response = client.post("/api/v1/persons/", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["citizenship"] == "436" and response.json()["birthplace_code"] == "Z404"
    person = Person.objects.get(pk=response.json()["id"])
    assert (person.citizenship, person.birthplace_code) == ("436", "Z404")
    # left out, they stay empty (the SIUSS pre-flight lists them); a PATCH fills them in
    other = person_fields(pua.comuni["monza"])
    bare = client.post(
        "/api/v1/persons/",
        {
            **other,
            "residence_comune": pua.comuni["monza"].istat_code,
            "birth_date": other["birth_date"].isoformat(),
        },
        content_type="application/json",
    ).json()
    assert bare["citizenship"] == "" and bare["birthplace_code"] == ""
    patched = client.patch(
        f"/api/v1/persons/{bare['id']}/",
        {"version": bare["version"], "citizenship": "100"},
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["citizenship"] == "100"
    assert "citizenship" in _schema_input("PersonInputRequest") and "birthplace_code" in _schema_input(
        "PersonInputRequest"
    )


def _schema_input(component):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return set(schema["components"]["schemas"][component]["properties"])


def test_transition_from_closed_is_refused(pua, api):
    sw = pua.users["sw.monza"]
    request = make_request(sw, make_person(sw, pua.comuni["monza"]))
    client = api("sw.monza")
    assert client.post(f"/api/v1/requests/{request.pk}/transition/", {"to_status": "closed"},
                       content_type="application/json").status_code == 200
    response = client.post(f"/api/v1/requests/{request.pk}/transition/", {"to_status": "triaged"},
                           content_type="application/json")
    assert response.status_code == 400 and "chiusa" in response.json()["detail"][0]


def test_assessment_scales_are_scored_by_the_server(pua, api):
    sw = pua.users["sw.monza"]
    request = make_request(sw, make_person(sw, pua.comuni["monza"]))
    services.request_triage(actor=sw, request=request, triage_kind="socio_health", outcome="uvm")
    client = api("sw.monza")
    response = client.post("/api/v1/assessments/", {"request": request.pk, "scheduled_for": "2026-03-10"},
                           content_type="application/json")
    assert response.status_code == 201
    pk = response.json()["id"]
    bad = client.post(f"/api/v1/assessments/{pk}/score/", {"scale": "barthel", "answers": {**BARTHEL_ALL,
                                                                                          "feeding": 7}},
                      content_type="application/json")
    assert bad.status_code == 400 and "feeding" in bad.json()
    good = client.post(f"/api/v1/assessments/{pk}/score/", {"scale": "barthel", "answers": {**BARTHEL_ALL,
                                                                                           "stairs": 0}},
                       content_type="application/json")
    assert good.status_code == 200 and good.json()["score"] == "90.0"


def test_admit_from_an_empty_list_answers_in_italian(pua, api):
    waiting_list = services.waiting_list_ensure(service=pua.services["sad_monza"], open_slots=1)
    response = api("sw.monza").post(f"/api/v1/waiting-lists/{waiting_list.pk}/admit/", {},
                                    content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == ["La lista d'attesa è vuota: non c'è nessuno da ammettere."]


@pytest.mark.parametrize("username", ["ets.operator", "observer"])
def test_non_case_roles_get_no_person_data(pua, api, username):
    sw = pua.users["sw.monza"]
    make_request(sw, make_person(sw, pua.comuni["monza"]))
    client = api(username)
    assert client.get("/api/v1/persons/").json()["results"] == []
    assert client.get("/api/v1/requests/").json()["results"] == []


def test_the_gp_sees_only_its_requests(pua, api):
    sw, gp = pua.users["sw.monza"], pua.users["gp"]
    make_request(sw, make_person(sw, pua.comuni["monza"]))
    mine = make_request(gp, make_person(gp, pua.comuni["monza"]), channel="gp")
    assert [r["id"] for r in api("gp").get("/api/v1/requests/").json()["results"]] == [mine.pk]
    assert api("gp").post(f"/api/v1/requests/{mine.pk}/transition/", {"to_status": "closed"},
                          content_type="application/json").status_code == 404


ENDPOINTS = ["/api/v1/persons/", "/api/v1/requests/", "/api/v1/assessments/", "/api/v1/waiting-list-entries/",
             "/api/v1/waiting-lists/{list}/entries/"]


def test_list_endpoints_cost_the_same_for_1_and_50_rows(pua, api):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sw = pua.users["sw.monza"]
    waiting_list = services.waiting_list_ensure(service=pua.services["sad_monza"])
    endpoints = [e.format(list=waiting_list.pk) for e in ENDPOINTS]

    def grow(n):
        for _ in range(n):
            person = make_person(sw, pua.comuni["monza"])
            request = make_request(sw, person)
            services.request_triage(actor=sw, request=request, triage_kind="social", outcome="uvm")
            services.assessment_schedule(actor=sw, request=request, scheduled_for=request.received_at.date())
            services.waiting_list_entry_add(actor=sw, waiting_list=waiting_list, person=person)

    def measure(expected_rows):
        counts = {}
        for endpoint in endpoints:
            with CaptureQueriesContext(connection) as ctx:
                assert len(client.get(endpoint).json()["results"]) == expected_rows, endpoint
            counts[endpoint] = len(ctx)
        return counts

    client = api("sw.monza")
    grow(1)
    for endpoint in endpoints:
        client.get(endpoint)  # warm caches (content types, session)
    one = measure(1)
    grow(49)
    assert measure(50) == one


def test_reads_are_logged(pua, api):
    sw = pua.users["sw.monza"]
    person = make_person(sw, pua.comuni["monza"])
    api("sw.monza").get(f"/api/v1/persons/{person.pk}/")
    assert AccessLog.objects.filter(object_id=str(person.pk), action="read", person_ref=person.pseudonym).exists()
    assert AccessRequest.objects.count() == 0


def test_waiting_list_entries_admit_and_remove_through_the_api(pua, api):
    sw = pua.users["sw.monza"]
    services.priority_criteria_ensure_defaults(ambito=pua.ambito)
    waiting_list = services.waiting_list_ensure(service=pua.services["sad_monza"], open_slots=1)
    first, second = make_person(sw, pua.comuni["monza"]), make_person(sw, pua.comuni["monza"])
    client = api("sw.monza")
    url = f"/api/v1/waiting-lists/{waiting_list.pk}/entries/"
    created = client.post(url, {"person": first.pk, "urgency": 4, "caregiver_burden": "high"},
                          content_type="application/json")
    assert created.status_code == 201 and created.json()["priority_score"] == "30.0"
    other = client.post(url, {"person": second.pk, "urgency": 1}, content_type="application/json").json()
    listed = client.get(url).json()["results"]
    assert [e["person"] for e in listed] == [first.pseudonym, second.pseudonym]
    skipped = client.post(f"/api/v1/waiting-lists/{waiting_list.pk}/admit/", {"entry": other["id"]},
                          content_type="application/json")
    assert skipped.status_code == 400 and "skip_reason" in skipped.json()
    admitted = client.post(f"/api/v1/waiting-lists/{waiting_list.pk}/admit/", {}, content_type="application/json")
    assert admitted.status_code == 200 and admitted.json()["person"] == first.pseudonym
    removed = client.post(f"/api/v1/waiting-list-entries/{other['id']}/remove/", {"reason": "moved_away"},
                          content_type="application/json")
    assert removed.status_code == 200 and removed.json()["status"] == "removed"
    summary = client.get(f"/api/v1/waiting-lists/{waiting_list.pk}/").json()
    assert summary["open_slots"] == 0 and summary["waiting"] == 0


def test_brugherio_cannot_reach_monza_entries_through_the_api(pua, api):
    sw = pua.users["sw.monza"]
    waiting_list = services.waiting_list_ensure(service=pua.services["sad_monza"], open_slots=1)
    entry = services.waiting_list_entry_add(actor=sw, waiting_list=waiting_list,
                                            person=make_person(sw, pua.comuni["monza"]))
    client = api("sw.brugherio")
    assert client.get(f"/api/v1/waiting-lists/{waiting_list.pk}/entries/").json()["results"] == []
    assert client.post(f"/api/v1/waiting-list-entries/{entry.pk}/remove/", {"reason": "x"},
                       content_type="application/json").status_code == 404
    assert client.post(f"/api/v1/waiting-lists/{waiting_list.pk}/admit/", {},
                       content_type="application/json").status_code == 403
