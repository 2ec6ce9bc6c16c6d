"""Every answer that may hold person data is ``Cache-Control: no-store`` (pages, API JSON, FHIR, downloads, the
public referral-answer page); static files and views that declare themselves public are the only exceptions.
Every answer carries a Permissions-Policy turning off camera, microphone, geolocation, payment, USB..."""

import pytest
from django.core import mail
from django.http import HttpResponse
from django.test import RequestFactory
from django.views.decorators.cache import cache_control

from ambito.core.middleware import ResponseHeadersMiddleware


def assert_private(response):
    assert response["Cache-Control"] == "no-store" or "no-store" in response["Cache-Control"], response.items()
    assert response["Pragma"] == "no-cache"
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in policy


def test_an_authenticated_page_is_not_stored(client_as):
    assert_private(client_as("sw.monza").get("/pua/"))


def test_anonymous_pages_and_errors_are_not_stored_either(client, db):
    assert_private(client.get("/accesso/"))
    assert_private(client.get("/una-pagina-che-non-esiste/"))
    assert_private(client.get("/api/v1/persons/"))  # 403


def test_api_json_and_fhir_are_not_stored(client_as, demo):
    from ambito.care.tests.factories import person

    client = client_as("sw.monza")
    assert_private(client.get("/api/v1/persons/"))
    who = person(demo)
    fhir = client.get(f"/api/v1/persons/{who.pk}/fhir/")
    assert fhir.status_code == 200
    assert_private(fhir)


def test_a_download_is_not_stored(client_as, demo):
    from ambito.care.tests.factories import person

    who = person(demo)
    response = client_as("sw.monza").get(f"/registro-accessi/persona/{who.pk}/csv/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert_private(response)


def test_the_public_referral_answer_page_is_not_stored(client, demo_with, django_capture_on_commit_callbacks):
    from ambito.care import services
    from ambito.care.tests.factories import signed_plan

    demo = demo_with("network")
    _plan, intervention = signed_plan(demo)
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_send(actor=demo.users["sw.monza"], intervention=intervention, response_days=5,
                               contact_email="accoglienza@ponte.example")
    token = mail.outbox[-1].body.split("/invii/risposta/")[1].split("/")[0]
    page = client.get(f"/invii/risposta/{token}/")
    assert page.status_code == 200 and "Rossi" in page.content.decode()
    assert_private(page)
    assert_private(client.get("/invii/risposta/not-a-token/"))


def test_an_existing_never_cache_is_kept_with_no_store(client, db):
    response = client.get("/healthz")
    assert "no-store" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]


@pytest.mark.parametrize(("path", "view", "stored"), [
    ("/static/core/css/app.css", lambda request: HttpResponse("css"), True),
    ("/pubblico/", cache_control(public=True, max_age=600)(lambda request: HttpResponse("open data")), True),
    ("/casi/1/", cache_control(private=True, max_age=3600)(lambda request: HttpResponse("case")), False),
])
def test_only_static_files_and_declared_public_pages_may_be_cached(path, view, stored):
    response = ResponseHeadersMiddleware(view)(RequestFactory().get(path))
    assert ("no-store" not in response.get("Cache-Control", "")) is stored
    assert "camera=()" in response["Permissions-Policy"]
