"""Files from other systems go to the planning office's review: a page lists what the file would add or
change, nothing reaches the catalogue or the public directory until approved, and then only for the Comuni
the office names (or those the service itself names)."""

import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ambito.network.hsds import export_documents
from ambito.network.models import HsdsImport, ImportStatus, Service
from ambito.network.tests.test_hsds_every_field import _document


@pytest.fixture
def catalogue(demo_with):
    return demo_with("network")


def _upload(client, documents, name="rete.json"):
    file = SimpleUploadedFile(name, json.dumps(documents).encode(), content_type="application/json")
    return client.post(reverse("network-hsds-imports"), {"file": file})


def test_an_upload_waits_for_review_and_is_published_once_approved(catalogue, client_as):
    planner = client_as("planner")
    document = _document()
    response = _upload(planner, [document])
    batch = HsdsImport.objects.get()
    assert response.status_code == 302 and response.url == reverse("network-hsds-import", args=[batch.pk])
    assert not Service.objects.filter(hsds_id=document["id"]).exists()
    page = planner.get(response.url).content.decode()
    assert "Aiuto a casa per anziani soli" in page and "Associazione Esempio per la Domiciliarità" in page
    assert "Sede di via Esempio" in page and "nuovo" in page and "Comuni indicati: 108033" in page
    assert client_as("citizen").get(reverse("portal-directory"), {"q": "anziani soli"}).content.decode().count(
        "Aiuto a casa per anziani soli") == 0
    planner = client_as("planner")
    villasanta = catalogue.comuni["villasanta"]
    response = planner.post(reverse("network-hsds-import", args=[batch.pk]),
                            {"approve": "1", "comuni": [villasanta.pk]})
    assert response.status_code == 302
    service = Service.objects.get(hsds_id=document["id"])
    assert [c.istat_code for c in service.comuni.all()] == ["108033"]  # it named Monza: Monza only
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPROVED and batch.decided_by == catalogue.users["planner"]
    assert "Aiuto a casa per anziani soli" in client_as("citizen").get(
        reverse("portal-directory"), {"q": "anziani soli"}).content.decode()


def test_a_service_naming_no_comune_needs_the_office_to_choose(catalogue, client_as):
    planner = client_as("planner")
    document = _document()
    document["service_areas"] = [a for a in document["service_areas"] if a["extent_type"] != "text"]
    _upload(planner, [document])
    batch = HsdsImport.objects.get()
    url = reverse("network-hsds-import", args=[batch.pk])
    assert "non indica Comuni dell" in planner.get(url).content.decode()
    refused = planner.post(url, {"approve": "1"})
    assert refused.status_code == 200 and "scegliere i Comuni che copre" in refused.content.decode()
    assert not Service.objects.filter(hsds_id=document["id"]).exists()
    planner.post(url, {"approve": "1", "comuni": [catalogue.comuni["villasanta"].pk]})
    service = Service.objects.get(hsds_id=document["id"])
    assert [c.istat_code for c in service.comuni.all()] == ["108049"]


def test_the_review_lists_what_would_change(catalogue, client_as):
    planner = client_as("planner")
    current = next(d for d in export_documents() if d["name"] == "Telesoccorso")
    changed = copy.deepcopy(current)
    changed["description"] = "Dispositivo con pulsante e chiamata automatica ai familiari"
    _upload(planner, [changed])
    page = planner.get(reverse("network-hsds-import", args=[HsdsImport.objects.get().pk])).content.decode()
    assert "modificato" in page and "<strong>description</strong>" in page
    assert "Dispositivo con pulsante" in page and "Un dispositivo per chiedere aiuto" in page
    assert "1 record nuovi" not in page and "0 record nuovi, 1 modificati" in page


def test_a_rejected_file_writes_nothing_and_others_may_not_review(catalogue, client_as):
    document = _document()
    _upload(client_as("planner"), [document])
    batch = HsdsImport.objects.get()
    url = reverse("network-hsds-import", args=[batch.pk])
    for persona in ("ets.operator", "sw.monza", "citizen"):
        assert client_as(persona).post(url, {"approve": "1"}).status_code == 403, persona
        assert client_as(persona).get(reverse("network-hsds-imports")).status_code == 403, persona
    response = client_as("planner").post(url, {"reject": "1"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.REJECTED
    assert not Service.objects.filter(hsds_id=document["id"]).exists()


def test_a_bad_file_is_refused_with_its_report(catalogue, client_as):
    document = _document()
    del document["status"]
    document["schedules"][0]["opens_at"] = "25:99"
    response = _upload(client_as("planner"), [document, "nonsense"])
    text = response.content.decode()
    assert response.status_code == 200 and "rifiutato" in text and "riga 2" in text
    assert "&#x27;status&#x27; is a required property" in text
    assert not HsdsImport.objects.exists()
