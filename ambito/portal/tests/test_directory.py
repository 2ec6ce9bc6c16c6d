"""The public directory at /servizi/: filters in the query string, Italian search on both databases,
bounded queries, detail page, HTMX partial."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ambito.network import search
from ambito.network.models import Service
from ambito.network.selectors import DirectoryFilters, directory_search, search_terms

ROME = ZoneInfo("Europe/Rome")


def _names(response):
    return re.findall(r'<h3 class="card-title h5"><a href="[^"]+">([^<]+)</a>', response.content.decode())


@pytest.fixture
def catalogue(demo_with):
    return demo_with("network")


def test_anyone_finds_home_care_in_brugherio(catalogue, client):
    response = client.get(reverse("portal-directory"), {"q": "assistenza domiciliare", "comune": "108012"})
    assert response.status_code == 200
    names = _names(response)
    assert names[0] == "Assistenza domiciliare (SAD) — Brugherio e Villasanta"
    assert "Assistenza domiciliare (SAD) — Monza" not in names


def test_the_bare_directory_lists_every_active_service(catalogue, client):
    response = client.get(reverse("portal-directory"))
    assert response.status_code == 200
    assert f"{Service.objects.filter(active=True).count()} servizi trovati" in response.content.decode()
    assert len(_names(response)) == 20


def test_filters_combine_and_are_kept_in_the_form(catalogue, client):
    response = client.get(reverse("portal-directory"), {"area": "disabili", "fee": "free", "target": "minori"})
    names = _names(response)
    assert names == ["Assistenza educativa scolastica per alunni con disabilità"]
    text = response.content.decode()
    assert '<option value="disabili" selected>' in text
    assert "1 servizio trovato" in text


def test_an_unknown_filter_value_is_ignored_with_a_message(catalogue, client):
    response = client.get(reverse("portal-directory"), {"area": "boh", "q": "telesoccorso"})
    assert _names(response) == ["Telesoccorso"]
    assert "Scegli un&#x27;opzione valida" in response.content.decode()


def test_search_is_inflection_tolerant_in_italian(catalogue):
    def found(q):
        return {s.name for s in directory_search(filters=DirectoryFilters(q=q))}

    assert "Centro diurno integrato per anziani Villa Serena" in found("anziano")
    assert "Info-point oncologico per pazienti e caregiver" in found("informazioni oncologiche")
    assert found("zzzz") == set()
    assert search_terms("Assistenza per gli anziani") == ["assistent", "anzian"]


def test_open_now_uses_the_opening_hours(catalogue):
    monday_ten = dt.datetime(2026, 11, 23, 10, 0, tzinfo=ROME)
    sunday_ten = dt.datetime(2026, 11, 22, 10, 0, tzinfo=ROME)
    open_monday = {s.name for s in directory_search(filters=DirectoryFilters(open_now=True), now=monday_ten)}
    open_sunday = {s.name for s in directory_search(filters=DirectoryFilters(open_now=True), now=sunday_ten)}
    assert "Punto Unico di Accesso (PUA)" in open_monday
    assert open_sunday == {"Pronto intervento sociale", "Telesoccorso", "Housing first e accoglienza notturna"}


def test_htmx_gets_only_the_results(catalogue, client):
    response = client.get(reverse("portal-directory"), {"q": "famiglia"}, HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert text.lstrip().startswith('<section id="results"')
    assert "<html" not in text


def test_the_detail_page_shows_hours_eligibility_access_and_contacts(catalogue, client):
    service = catalogue.services["oncology_info"]
    response = client.get(reverse("portal-service", args=[service.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    for expected in ("Orari di apertura", "Lunedì", "09:30–12:30", "Chi può accedere", "Pazienti e familiari",
                     "Come accedere", "Via Pergolesi 33", "tel:0392339090", "Gestito da", "ASST Monza"):
        assert expected in text, expected


def test_an_inactive_or_missing_service_is_not_found(catalogue, client):
    service = catalogue.services["cdd"]
    Service.objects.filter(pk=service.pk).update(active=False)
    assert client.get(reverse("portal-service", args=[service.pk])).status_code == 404
    assert client.get(reverse("portal-service", args=[999999])).status_code == 404


def _bulk(catalogue, n):
    base = catalogue.services["sad_monza"]
    created = Service.objects.bulk_create([
        Service(ambito=base.ambito, provider=base.provider, name=f"Assistenza domiciliare {i:05}",
                description="Aiuto a domicilio per anziani", service_type="sad", area="anziani",
                target_groups=["anziani"], taxonomy_term=base.taxonomy_term)
        for i in range(n)
    ], batch_size=2000)
    Service.comuni.through.objects.bulk_create(
        [Service.comuni.through(service_id=s.pk, comune_id=catalogue.comuni["brugherio"].pk) for s in created],
        batch_size=5000,
    )
    search.refresh(created)


def test_page_queries_are_the_same_for_1_and_50_services(catalogue, client, django_assert_num_queries):
    url = reverse("portal-directory")
    params = {"q": "domiciliare", "comune": "108012", "area": "anziani"}
    client.get(url, params)
    with CaptureQueriesContext(connection) as few:
        client.get(url, params)
    _bulk(catalogue, 50)
    with django_assert_num_queries(len(few)):
        client.get(url, params)


def test_search_over_10000_services_answers_in_bounded_queries(catalogue, client, django_assert_max_num_queries):
    _bulk(catalogue, 10_000)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("portal-directory"),
                              {"q": "assistenza domiciliare", "comune": "108012", "area": "anziani", "page": "3"})
    assert response.status_code == 200
    assert len(_names(response)) == 20
    assert "Pagina 3 di" in response.content.decode()


def test_the_directory_is_on_the_home_page_for_everyone(catalogue, client, client_as):
    for c in (client, client_as("citizen"), client_as("planner")):
        text = c.get(reverse("home")).content.decode()
        assert reverse("portal-directory") in text and "Trova un servizio" in text
