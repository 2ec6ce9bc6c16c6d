"""Privacy pages and endpoints: bounded queries (the same for 1 and 50 rows), logged, scoped."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ambito.access import services as access
from ambito.accounts.models import AccessLog
from ambito.privacy import services
from ambito.privacy.models import PrivacyRequest
from ambito.privacy.tests.conftest import make_subject


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


def _requests(world, person, n):
    dpo = world.users["dpo"]
    for i in range(n):
        services.privacy_request_create(actor=dpo, person=person, kind=["access", "erasure", "objection"][i % 3],
                                        received_at=timezone.now() - datetime.timedelta(days=i))


def test_the_request_list_page_and_endpoint_cost_the_same_for_1_and_50_requests(world, client_as):
    person = make_subject(world, full=False)
    client = client_as("dpo")
    _requests(world, person, 1)
    client.get("/privacy/richieste/")
    page_one = _count(client, "/privacy/richieste/")
    api_one = _count(client, "/api/v1/privacy-requests/")
    _requests(world, person, 49)
    assert _count(client, "/privacy/richieste/") == page_one
    assert _count(client, "/api/v1/privacy-requests/") == api_one
    assert PrivacyRequest.objects.count() == 50
    assert AccessLog.objects.filter(action="list", purpose="gdpr_request: requests").count() == 1 + 1 + 50


def test_the_person_page_and_history_cost_the_same_for_1_and_50_changes(world, client_as):
    sw = world.users["sw.monza"]
    person = make_subject(world, full=False)
    client = client_as("dpo")
    url, api = f"/privacy/persone/{person.pseudonym}/", f"/api/v1/privacy/persons/{person.pseudonym}/history/"
    client.get(url)
    page_one, api_one = _count(client, url), _count(client, api)
    for i in range(49):
        person.refresh_from_db()
        access.person_update(actor=sw, person=person, expected_version=person.version, address=f"Via Italia {i}")
    assert len(client.get(api).json()) == 50
    assert _count(client, url) == page_one and _count(client, api) == api_one


def test_the_request_detail_page_decides_and_the_list_records(world, client_as):
    person = make_subject(world, full=False)
    client = client_as("dpo")
    response = client.post("/privacy/richieste/", {"pseudonym": person.pseudonym, "kind": "restriction",
                                                   "notes": "Contesta l'esattezza dei dati"})
    request = PrivacyRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/privacy/richieste/{request.pk}/"
    page = client.get(f"/privacy/richieste/{request.pk}/").content.decode()
    assert "Limitazione del trattamento (art. 18)" in page and person.pseudonym in page
    response = client.post(f"/privacy/richieste/{request.pk}/", {"decision": "complete",
                                                                 "outcome": "Trattamento limitato"})
    assert response.status_code == 302
    request.refresh_from_db()
    person.refresh_from_db()
    assert request.status == "completed" and person.restricted_at is not None
    # unknown pseudonym: a form error, nothing recorded
    page = client.post("/privacy/richieste/", {"pseudonym": "P-NOTEXIST00", "kind": "access"}).content.decode()
    assert "Nessuna persona del tuo Ambito ha questo pseudonimo" in page and PrivacyRequest.objects.count() == 1
    for username in ("sw.monza", "admin"):
        assert client_as(username).get("/privacy/richieste/").status_code == 403
        assert client_as(username).get(f"/privacy/richieste/{request.pk}/").status_code == 404


def test_the_api_records_decides_and_exports(world, client_as, run_jobs, django_capture_on_commit_callbacks):
    person = make_subject(world, full=False)
    client = client_as("dpo")
    created = client.post("/api/v1/privacy-requests/", {"person": person.pseudonym, "kind": "access"},
                          content_type="application/json")
    assert created.status_code == 201 and created.json()["due_by"]
    pk = created.json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        job = client.post(f"/api/v1/privacy/persons/{person.pseudonym}/export/", {"format": "json", "request": pk},
                          content_type="application/json")
    assert job.status_code == 202 and job.json()["status"] == "queued"
    assert client.get(f"/api/v1/privacy-requests/{pk}/").json()["status"] == "in_progress"
    run_jobs()
    assert client.get(job.json()["status_url"]).json()["result_data"]["records"] >= 1
    refused = client.post(f"/api/v1/privacy-requests/{pk}/reject/", {"outcome": ""},
                          content_type="application/json")
    assert refused.status_code == 400
    done = client.post(f"/api/v1/privacy-requests/{pk}/complete/", {"outcome": "Inviata copia dei dati"},
                       content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "completed"
    sw = client_as("sw.monza")
    assert sw.get("/api/v1/privacy-requests/").json()["results"] == []
    assert sw.post("/api/v1/privacy-requests/", {"person": person.pseudonym, "kind": "access"},
                   content_type="application/json").status_code == 403
    assert client_as("ets.operator").post(f"/api/v1/privacy/persons/{person.pseudonym}/export/",
                                          {"format": "pdf"}, content_type="application/json").status_code == 404


def test_the_openapi_schema_documents_the_privacy_endpoints(world, client_as):
    schema = client_as("dpo").get("/api/schema/?format=json").json()
    for path in ("/api/v1/privacy-requests/", "/api/v1/privacy-requests/{id}/complete/",
                 "/api/v1/privacy-requests/{id}/reject/", "/api/v1/privacy/persons/{pseudonym}/export/",
                 "/api/v1/privacy/persons/{pseudonym}/history/", "/api/v1/privacy/record-of-processing/"):
        assert path in schema["paths"], path
    history = schema["paths"]["/api/v1/privacy/persons/{pseudonym}/history/"]["get"]
    assert "PrivacyHistoryEntry" in str(history["responses"]["200"]) or "HistoryOutput" in str(history)


def test_the_demo_has_one_received_access_request(world):
    from ambito.core.demo import DemoContext
    from ambito.privacy import demo

    ctx = DemoContext(ambito=world.ambito, comuni=world.comuni, users=world.users)
    make_subject(world, full=False)
    demo.load(ctx)
    demo.load(ctx)  # idempotent
    request = PrivacyRequest.objects.get()
    assert (request.kind, request.status) == ("access", "received") and request.due_by > timezone.localdate()
