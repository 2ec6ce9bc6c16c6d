"""The directory finds what people type: area, type and Nomenclatore labels as well as the text, Italian
stems, and the Ambito's own synonym list edited on a page. Runs on SQLite and on PostgreSQL (full-text search
with the 'italian' configuration): both must give the same answers."""

import pytest
from django.urls import reverse

from ambito.network.models import SearchSynonym, Service
from ambito.network.selectors import DirectoryFilters, directory_search
from ambito.network.taxonomy import Area


@pytest.fixture
def catalogue(demo_with):
    return demo_with("network")


def _found(q, **filters):
    return {s.name for s in directory_search(filters=DirectoryFilters(q=q, **filters))}


def test_every_service_of_the_elderly_area_is_found_by_anziani(catalogue):
    elderly = set(Service.objects.filter(area=Area.ELDERLY, active=True).values_list("name", flat=True))
    assert len(elderly) == 7
    assert elderly <= _found("anziani")
    assert elderly <= _found("Anziani")
    assert "Telesoccorso" in _found("anziano")  # the area label is "Anziani"; the text never says it


def test_badante_finds_home_care_through_the_synonym_list(catalogue):
    found = _found("badante")
    assert {"Assistenza domiciliare (SAD) — Monza", "Assistenza domiciliare (SAD) — Brugherio e Villasanta"} <= found
    assert _found("badanti") == found  # the list's word is matched by its stem
    assert "Centro antiviolenza Rete Artemide" not in found


def test_the_nomenclatore_term_and_the_comune_are_searched(catalogue):
    # "Centri diurni" is the Nomenclatore's name for C1.* and appears in no service text
    assert {"Centro diurno disabili (CDD) Il Girasole"} <= _found("villasanta disabilità")
    assert "Telesoccorso" in _found("telesoccorso villasanta")
    assert _found("disabilita") == _found("disabilità")  # accents are optional


def test_every_word_must_match_and_an_unknown_word_finds_nothing(catalogue):
    assert _found("zzzz") == set()
    assert _found("anziani zzzz") == set()
    assert _found("demenza") == set()  # no service of the demo speaks of dementia or Alzheimer
    SearchSynonym.objects.filter(term="demenza").update(alternatives="anziani fragili")
    assert "Centro diurno integrato per anziani Villa Serena" in _found("demenza")


def test_the_planning_office_edits_the_synonym_list(catalogue, client_as):
    planner = client_as("planner")
    url = reverse("network-synonyms")
    page = planner.get(url)
    assert page.status_code == 200 and "badante = assistenza domiciliare" in page.content.decode()
    response = planner.post(url, {"text": "# parole della gente\nbadante = sollievo\nnonni = anziani\n"})
    assert response.status_code == 302
    assert dict(SearchSynonym.objects.values_list("term", "alternatives")) == {"badante": "sollievo",
                                                                              "nonni": "anziani"}
    assert "Sollievo per caregiver familiari" in _found("badante")
    assert "Assistenza domiciliare (SAD) — Monza" not in _found("badante")
    assert "Telesoccorso" in _found("nonni")
    refused = planner.post(url, {"text": "badante\nnonni = anziani\nNonni = vecchi"})
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "Riga 1" in text and "due volte" in text
    assert SearchSynonym.objects.count() == 2


def test_only_the_planning_office_edits_the_synonyms(catalogue, client_as):
    for persona in ("ets.operator", "sw.monza", "citizen"):
        response = client_as(persona).post(reverse("network-synonyms"), {"text": "a = b"})
        assert response.status_code == 403, persona
    assert SearchSynonym.objects.filter(term="badante").exists()


def test_an_edited_service_is_found_by_its_new_words(catalogue, client_as):
    from ambito.network.services import service_update

    service = catalogue.services["cdd"]
    service_update(actor=catalogue.users["planner"], service=service, description="Musicoterapia")
    assert _found("musicoterapia") == {service.name}


def test_demenza_finds_a_service_described_with_alzheimer_through_the_default_list(catalogue):
    from ambito.network.services import service_update

    service = catalogue.services["cdd"]
    service_update(actor=catalogue.users["planner"], service=service,
                   description="Laboratori per persone con Alzheimer e per i loro familiari")
    assert service.name in _found("demenza")  # the list's 'demenza = Alzheimer, decadimento cognitivo'
    assert service.name in _found("alzheimer")
