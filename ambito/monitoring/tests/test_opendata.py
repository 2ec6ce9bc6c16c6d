"""Open data the national catalogue can harvest: a signed-out client reads the DCAT-AP_IT catalogue (Turtle and
JSON-LD), downloads every distribution, and the catalogue conforms to the SHACL shapes."""

import csv
import io
import json
import os
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from ambito.monitoring import opendata

pytestmark = pytest.mark.django_db
SHAPES = Path(opendata.__file__).parent / "shapes"
DCATAPIT = Namespace("http://dati.gov.it/onto/dcatapit#")
# The official DCAT-AP SHACL shapes (SEMICeu/DCAT-AP, releases/2.1.1: the mandatory properties and cardinalities,
# and the class ranges) where a copy is at hand: the files named in DCAT_AP_SHACL (separated by the path
# separator), else ../shared/standards/dcat-ap/. Not the release's "recommended" and "mdr-vocabularies" files:
# the first checks recommended properties only, the second wants the publisher from the EU corporate bodies and
# places from the EU authority tables, which an Italian catalogue names with its own vocabularies.
OFFICIAL_FILES = ("dcat-ap_2.1.1_shacl_shapes.ttl", "dcat-ap_2.1.1_shacl_range.ttl")
OFFICIAL = [Path(p) for p in os.environ.get("DCAT_AP_SHACL", "").split(os.pathsep) if p] or [
    path for name in OFFICIAL_FILES
    if (path := Path(__file__).resolve().parents[3] / ".." / "shared" / "standards" / "dcat-ap" / name).exists()]


@pytest.fixture
def world(demo_with):
    return demo_with("network", "planning")


def _shapes() -> Graph:
    graph = Graph()
    for path in sorted(SHAPES.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def _conforms(data: Graph, shapes: Graph) -> tuple[bool, str]:
    conforms, _report, text = validate(data, shacl_graph=shapes, inference="none", advanced=True)
    return conforms, text


def _rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()
                                           if response.streaming else response.content.decode())))


def test_a_signed_out_client_reads_the_catalogue_and_downloads_every_distribution(world, client):
    ambito = world.ambito
    assert client.get("/dati-aperti/").url.endswith(f"/dati-aperti/{ambito.code}/")
    page = client.get(f"/dati-aperti/{ambito.code}/")
    assert page.status_code == 200 and "catalogo.ttl" in page.content.decode()
    turtle = client.get(f"/dati-aperti/{ambito.code}/catalogo.ttl")
    assert turtle.status_code == 200 and turtle["Content-Type"].startswith("text/turtle")
    jsonld = client.get(f"/dati-aperti/{ambito.code}/catalogo.jsonld")
    assert jsonld.status_code == 200 and jsonld["Content-Type"].startswith("application/ld+json")
    document = json.loads(jsonld.content)
    assert document["@context"]["dcatapit"] == "http://dati.gov.it/onto/dcatapit#"
    graph = Graph().parse(data=turtle.content.decode(), format="turtle")
    from_jsonld = Graph().parse(data=jsonld.content.decode(), format="json-ld")
    assert len(graph) == len(from_jsonld) > 50
    negotiated = client.get(f"/dati-aperti/{ambito.code}/", HTTP_ACCEPT="text/turtle")
    assert negotiated["Content-Type"].startswith("text/turtle")

    catalogue = URIRef(opendata.catalogue_url(ambito))
    assert (catalogue, RDF.type, DCATAPIT.Catalog) in graph
    datasets = set(graph.objects(catalogue, DCAT.dataset))
    assert {str(d).rsplit("#", 1)[1] for d in datasets} == {"indicatori", "bilancio", "servizi"}
    publisher = graph.value(catalogue, DCTERMS.publisher)
    assert str(graph.value(publisher, DCTERMS.identifier)) == "c_f704"
    downloads = [url for dataset in datasets for distribution in graph.objects(dataset, DCAT.distribution)
                 for url in graph.objects(distribution, DCAT.downloadURL)]
    assert len(downloads) >= 3
    fetched = {}
    for url in downloads:
        response = client.get(str(url).removeprefix(opendata.settings.SITE_URL))
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/csv")
        fetched[str(url).rsplit("/", 1)[1]] = _rows(response)
    services = fetched["servizi.csv"]
    assert len(services) == world.ambito.services.filter(active=True).count() > 0
    assert all(row["comuni_istat"] for row in services)
    budget = fetched["bilancio.csv"]
    assert budget and all(float(row["importo_euro"]) > 0 for row in budget)
    indicator_files = [rows for name, rows in fetched.items() if name.startswith("indicatori-")]
    assert indicator_files and all(rows for rows in indicator_files)
    for rows in indicator_files:
        for row in rows:  # a suppressed cell is published without its value
            assert row["soppresso"] in ("si", "no")
            assert row["valore"] == "" or row["soppresso"] == "no"
    assert client.get(f"/dati-aperti/{ambito.code}/indicatori-1999.csv").status_code == 404
    assert client.get(f"/dati-aperti/{ambito.code}/nulla.csv").status_code == 404


def test_the_budget_comes_from_approved_plan_versions_only(world):
    from ambito.monitoring import indicators
    from ambito.monitoring.indicators import year_period
    from ambito.planning.models import BudgetLine, Plan

    ambito = world.ambito
    rows = list(csv.DictReader(io.StringIO(opendata.budget_csv(ambito))))
    drafts = Plan.objects.filter(ambito=ambito).exclude(state__in=indicators.planning.approved_states())
    draft_only = {year for plan in drafts for year in range(plan.start_year, plan.end_year + 1)} - {
        year for plan in Plan.objects.filter(ambito=ambito, state__in=indicators.planning.approved_states())
        for year in range(plan.start_year, plan.end_year + 1)}
    assert BudgetLine.objects.filter(intervention__plan__in=drafts).exists()
    published_years = {int(row["anno"]) for row in rows}
    # a year only a plan still in draft covers publishes nothing, unless a frozen approved version covers it
    for year in draft_only - published_years:
        assert indicators.compute("budget_planned", actor=opendata.PublicReader(ambito), period=year_period(year),
                                  comune_ids=set(ambito.comuni.values_list("pk", flat=True))).total.value in (None, 0)
    for year in published_years:
        total = sum(float(row["importo_euro"]) for row in rows if int(row["anno"]) == year)
        expected = indicators.compute("budget_planned", actor=opendata.PublicReader(ambito),
                                      period=year_period(year),
                                      comune_ids=set(ambito.comuni.values_list("pk", flat=True))).total.value
        assert round(total, 2) == round(float(expected), 2)


def test_the_catalogue_conforms_to_the_dcat_ap_it_shapes(world):
    graph = opendata.catalogue_graph(world.ambito)
    conforms, text = _conforms(graph, _shapes())
    assert conforms, text


@pytest.mark.skipif(not OFFICIAL, reason="official DCAT-AP 2.1.1 SHACL files not at hand (they are not in the "
                    f"repository): put {' and '.join(OFFICIAL_FILES)} in ../shared/standards/dcat-ap/ or name them "
                    "in DCAT_AP_SHACL")
def test_the_catalogue_conforms_to_the_official_dcat_ap_shapes(world):
    """Reported as skipped, with its reason, where no copy of the official files is at hand."""
    official = Graph()
    for path in OFFICIAL:
        official.parse(path, format="turtle")
    conforms, text = _conforms(opendata.catalogue_graph(world.ambito), official)
    assert conforms, text


def test_the_shapes_catch_what_a_harvester_would_refuse(world):
    """The shapes are not a formality: without the IPA code, the contact point or a licence they fail."""
    shapes = _shapes()
    graph = opendata.catalogue_graph(world.ambito)
    for triple_pattern in [(None, DCAT.contactPoint, None), (None, DCTERMS.license, None),
                           (None, DCTERMS.rightsHolder, None), (None, DCTERMS.accrualPeriodicity, None)]:
        broken = Graph()
        for triple in graph:
            broken.add(triple)
        broken.remove(triple_pattern)
        assert not _conforms(broken, shapes)[0], triple_pattern
    world.ambito.ipa_code = ""
    world.ambito.save(update_fields=["ipa_code"])
    graph = opendata.catalogue_graph(world.ambito)
    bad_theme = Graph()
    for triple in graph:
        bad_theme.add(triple)
    dataset = next(graph.subjects(RDF.type, DCATAPIT.Dataset))
    bad_theme.add((dataset, DCAT.theme, URIRef("https://example.org/theme/welfare")))
    assert not _conforms(bad_theme, shapes)[0]
