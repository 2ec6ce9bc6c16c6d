"""Open data the national catalogue (dati.gov.it) can harvest: one DCAT-AP_IT catalogue per Ambito, public.

Three datasets, each with CSV distributions that anyone can download without signing in:

- ``indicatori``: the monitoring indicators by Comune and for the whole Ambito, one CSV per year; small cells
  are suppressed with their complements (``indicators.compute(public=True)``), as in every other output;
- ``bilancio``: the Piano di Zona's budget by funding source and year, from approved plan versions only (the
  ``budget_planned`` indicator: approved plans and the last approved version of a plan under revision);
- ``servizi``: the service directory (the public ``network`` list: active services only).

The catalogue is an rdflib graph (``catalogue_graph``) serialised as Turtle or JSON-LD (``JSONLD_CONTEXT``: the
DCAT-AP_IT namespaces, ``dcatapit:`` = http://dati.gov.it/onto/dcatapit#). Every resource carries both its
DCAT and its DCAT-AP_IT class; publisher and rights holder are the Ambito as ``dcatapit:Agent`` named by its
IPA code; ``contactPoint`` is a ``dcatapit:Organization`` vCard with an e-mail; themes, frequencies, languages
and file types are EU Publications Office authority URIs; spatial coverage names each Comune by its ISTAT
code; the licence is CC BY 4.0 from the Italian licences vocabulary. The tests validate it with pySHACL
against the shapes in ``shapes/`` (see ``shapes/SOURCE.md``)."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from ambito.accounts.roles import Role
from ambito.accounts.selectors import RoleScope, Scope
from ambito.core.tabular import write_csv
from ambito.monitoring import indicators
from ambito.monitoring.indicators import Breakdown, year_period

DCATAPIT = Namespace("http://dati.gov.it/onto/dcatapit#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
EU = "http://publications.europa.eu/resource/authority/"
THEME, FREQUENCY, FILE_TYPE = Namespace(f"{EU}data-theme/"), Namespace(f"{EU}frequency/"), Namespace(f"{EU}file-type/")
LANGUAGE_ITA = URIRef(f"{EU}language/ITA")
COUNTRY_ITA = URIRef(f"{EU}country/ITA")
LICENCE = URIRef("https://w3id.org/italia/controlled-vocabulary/licences/A21_CCBY40")
LICENCE_TYPE = URIRef("http://purl.org/adms/licencetype/Attribution")
CSV_MEDIA_TYPE = URIRef("http://www.iana.org/assignments/media-types/text/csv")
# ISTAT Comuni as the Italian controlled vocabulary names them (territorial classifications)
ISTAT_CITY = "https://w3id.org/italia/controlled-vocabulary/territorial-classifications/cities/"
JSONLD_CONTEXT = {
    "dcatapit": str(DCATAPIT), "dcat": str(DCAT), "dct": str(DCTERMS), "foaf": str(FOAF), "vcard": str(VCARD),
    "locn": str(LOCN), "adms": str(ADMS), "skos": str(SKOS), "xsd": str(XSD),
}
DATASETS = ("indicatori", "bilancio", "servizi")
# Labels of the concepts used, as the EU and ADMS vocabularies give them.
CONCEPT_LABELS = {
    THEME.SOCI: {"it": "Popolazione e società", "en": "Population and society"},
    THEME.GOVE: {"it": "Governo e settore pubblico", "en": "Government and public sector"},
    LICENCE_TYPE: {"en": "Attribution"},
}


class PublicReader:
    """Who reads open data: nobody in particular, with the Ambito's Comuni in scope and no case role, so
    person-based cells are suppressed as for any observer (and ``public=True`` on top)."""

    is_authenticated = True
    is_active = True
    pk = None

    def __init__(self, ambito):
        comuni = frozenset(ambito.comuni.values_list("pk", flat=True))
        self._ambito_scope = Scope(by_role={Role.REGIONAL_OBSERVER: RoleScope(comune_ids=comuni,
                                                                              ambito_ids=frozenset({ambito.pk}))})


def indicator_years(ambito) -> list[int]:
    """The years the indicators are published for: from the first year of the Ambito's plans (at most five
    years back) to the current year."""
    from ambito.planning.models import Plan

    this_year = timezone.localdate().year
    first = Plan.objects.filter(ambito=ambito).order_by("start_year").values_list("start_year", flat=True).first()
    first = max(first or this_year, this_year - 5)
    return list(range(min(first, this_year), this_year + 1))


def budget_years(ambito) -> list[int]:
    from ambito.planning.models import Plan

    years = set()
    for start, end in Plan.objects.filter(ambito=ambito).values_list("start_year", "end_year"):
        years.update(range(start, end + 1))
    return sorted(years)


# --- The CSV distributions ------------------------------------------------------------------------------------

INDICATOR_COLUMNS = ["indicatore", "nome", "unita", "territorio", "codice_istat", "nome_territorio", "anno",
                     "inizio_periodo", "fine_periodo", "valore", "obiettivo", "soppresso"]


def indicators_csv(ambito, year: int) -> str:
    """The indicators of ``year`` by Comune and for the whole Ambito; a suppressed cell has no value."""
    from ambito.monitoring.reports import open_data

    with override("it"):
        _metadata, rows = open_data(actor=PublicReader(ambito), ambito=ambito, year=year)
    lines = []
    for row in rows:
        comune = row["territory"] != ambito.code
        lines.append([row["indicator"], row["name"], row["unit"], "comune" if comune else "ambito",
                      row["territory"] if comune else "", row["territory_name"], year, row["period_start"],
                      row["period_end"], row["value"] or "", row["target"] or "",
                      "si" if row["suppressed"] else "no"])
    return write_csv(lines, INDICATOR_COLUMNS, delimiter=",")


BUDGET_COLUMNS = ["anno", "fonte", "nome_fonte", "importo_euro"]


def budget_csv(ambito) -> str:
    """The plan's budget by funding source and year, approved plan versions only."""
    actor, comuni, rows = PublicReader(ambito), set(ambito.comuni.values_list("pk", flat=True)), []
    with override("it"):
        for year in budget_years(ambito):
            result = indicators.compute("budget_planned", actor=actor, period=year_period(year),
                                        by=Breakdown.SOURCE, comune_ids=comuni, public=True)
            for cell in sorted(result.cells, key=lambda c: c.key):
                if cell.value is not None:
                    rows.append([year, cell.key, cell.label or cell.key, f"{cell.value:.2f}"])
    return write_csv(rows, BUDGET_COLUMNS, delimiter=",")


SERVICE_COLUMNS = ["id", "nome", "descrizione", "area", "tipo", "codice_nomenclatore", "voce_nomenclatore",
                   "ente_erogatore", "comuni_istat", "comuni", "costo", "telefono", "email", "sito"]


def services_csv(ambito) -> str:
    """The public service directory of the Ambito (active services)."""
    from ambito.network.selectors import service_list

    rows = []
    with override("it"):
        for service in service_list().filter(ambito=ambito):
            comuni = sorted(service.comuni.all(), key=lambda c: c.istat_code)
            rows.append([service.hsds_id, service.name, service.description, service.get_area_display(),
                         service.get_service_type_display(),
                         service.taxonomy_term.code if service.taxonomy_term_id else "",
                         service.taxonomy_term.name if service.taxonomy_term_id else "", service.provider.name,
                         " ".join(c.istat_code for c in comuni), ", ".join(c.name for c in comuni),
                         service.get_fee_display(), service.phone, service.email, service.url])
    return write_csv(rows, SERVICE_COLUMNS, delimiter=",")


# --- The catalogue ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Distribution:
    key: str  # ``indicatori-2025``, ``bilancio``, ``servizi``
    title: str
    url: str
    year: int | None = None

    @property
    def path(self) -> str:
        """The address on this site, for the page's own links."""
        return self.url.removeprefix(settings.SITE_URL)


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def distribution_url(ambito, key: str) -> str:
    return _absolute(reverse("opendata-distribution", args=[ambito.code, key]))


def catalogue_url(ambito) -> str:
    return _absolute(reverse("opendata-catalogue", args=[ambito.code]))


def distributions(ambito) -> dict[str, list[Distribution]]:
    indicators_by_year = [Distribution(f"indicatori-{year}", _("Indicators %(year)s (CSV)") % {"year": year},
                                       distribution_url(ambito, f"indicatori-{year}"), year)
                          for year in indicator_years(ambito)]
    return {
        "indicatori": indicators_by_year,
        "bilancio": [Distribution("bilancio", _("Budget by source and year (CSV)"),
                                  distribution_url(ambito, "bilancio"))],
        "servizi": [Distribution("servizi", _("Service directory (CSV)"), distribution_url(ambito, "servizi"))],
    }


def distribution_csv(ambito, key: str) -> str | None:
    """The CSV of one distribution of the catalogue, or None when the catalogue has no such distribution."""
    if key == "bilancio":
        return budget_csv(ambito)
    if key == "servizi":
        return services_csv(ambito)
    prefix, _sep, year = key.partition("-")
    if prefix == "indicatori" and year.isascii() and year.isdigit() and int(year) in indicator_years(ambito):
        return indicators_csv(ambito, int(year))
    return None


def _date(value: dt.date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.date)


def _text(graph, subject, predicate, value: str):
    graph.add((subject, predicate, Literal(value, lang="it")))


def _period(graph, start: dt.date, end: dt.date) -> BNode:
    node = BNode()
    graph.add((node, RDF.type, DCTERMS.PeriodOfTime))
    graph.add((node, DCAT.startDate, _date(start)))
    graph.add((node, DCAT.endDate, _date(end)))
    return node


def _agent(graph, ambito) -> URIRef:
    agent = URIRef(f"{catalogue_url(ambito)}#ente")
    graph.add((agent, RDF.type, DCATAPIT.Agent))
    graph.add((agent, RDF.type, FOAF.Agent))
    graph.add((agent, DCTERMS.identifier, Literal(ambito.ipa_code or ambito.code)))
    _text(graph, agent, FOAF.name, ambito.name)
    return agent


def _contact(graph, ambito) -> URIRef:
    contact = URIRef(f"{catalogue_url(ambito)}#contatti")
    for kind in (DCATAPIT.Organization, VCARD.Organization, VCARD.Kind):
        graph.add((contact, RDF.type, kind))
    graph.add((contact, VCARD.fn, Literal(_("Planning office of %(ambito)s") % {"ambito": ambito.name}, lang="it")))
    email = ambito.open_data_email or settings.DEFAULT_FROM_EMAIL.rpartition("<")[2].rstrip(">").strip()
    graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{email}")))
    graph.add((contact, VCARD.hasURL, URIRef(catalogue_url(ambito))))
    return contact


def _spatial(graph, ambito, dataset):
    for comune in ambito.comuni.order_by("istat_code"):
        location = URIRef(f"{ISTAT_CITY}{comune.istat_code}")
        graph.add((dataset, DCTERMS.spatial, location))
        graph.add((location, RDF.type, DCTERMS.Location))
        graph.add((location, DCATAPIT.geographicalIdentifier, Literal(comune.istat_code)))
        graph.add((location, LOCN.geographicalName, Literal(comune.name, lang="it")))
    graph.add((dataset, DCTERMS.spatial, COUNTRY_ITA))


def _vocabularies(graph):
    """Type the controlled-vocabulary values the catalogue uses, as DCAT-AP's range rules expect of a graph
    that does not load the vocabularies themselves."""
    typed = {DCTERMS.accrualPeriodicity: DCTERMS.Frequency, DCTERMS.language: DCTERMS.LinguisticSystem,
             DCTERMS.format: DCTERMS.MediaTypeOrExtent, DCAT.mediaType: DCTERMS.MediaType,
             DCAT.theme: SKOS.Concept, DCTERMS.type: SKOS.Concept, DCAT.landingPage: FOAF.Document,
             FOAF.homepage: FOAF.Document, DCTERMS.spatial: DCTERMS.Location}
    for predicate, kind in typed.items():
        for value in set(graph.objects(None, predicate)):
            graph.add((value, RDF.type, kind))
            if predicate == DCAT.theme:
                graph.add((value, SKOS.inScheme, URIRef(f"{EU}data-theme")))
            if kind == SKOS.Concept:
                for lang, label in CONCEPT_LABELS.get(value, {}).items():
                    graph.add((value, SKOS.prefLabel, Literal(label, lang=lang)))
    scheme = URIRef(f"{EU}data-theme")
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, DCTERMS.title, Literal("Data theme", lang="en")))


def catalogue_graph(ambito, *, extra_year: int | None = None) -> Graph:
    """The Ambito's catalogue as a DCAT-AP_IT graph (metadata only: no figure is computed here).
    ``extra_year``: describe that year's indicators file too (an export of a year the catalogue does not list
    describes its own file)."""
    graph = Graph()
    for prefix, uri in JSONLD_CONTEXT.items():
        graph.bind(prefix, uri)
    today = timezone.localdate()
    base = catalogue_url(ambito)
    catalogue = URIRef(base)
    agent, contact = _agent(graph, ambito), _contact(graph, ambito)
    graph.add((catalogue, RDF.type, DCATAPIT.Catalog))
    graph.add((catalogue, RDF.type, DCAT.Catalog))
    with override("it"):
        _text(graph, catalogue, DCTERMS.title, _("Open data of %(ambito)s") % {"ambito": ambito.name})
        _text(graph, catalogue, DCTERMS.description, _(
            "Open data of the Ambito's social services: indicators by Comune and year, the Piano di Zona's "
            "budget by funding source and the service directory."))
        graph.add((catalogue, DCTERMS.publisher, agent))
        graph.add((catalogue, DCTERMS.modified, _date(today)))
        graph.add((catalogue, DCTERMS.language, LANGUAGE_ITA))
        graph.add((catalogue, FOAF.homepage, URIRef(base)))
        graph.add((catalogue, DCAT.themeTaxonomy, URIRef(f"{EU}data-theme")))
        licence = LICENCE
        graph.add((licence, RDF.type, DCATAPIT.LicenseDocument))
        graph.add((licence, RDF.type, DCTERMS.LicenseDocument))
        graph.add((licence, DCTERMS.type, LICENCE_TYPE))
        _text(graph, licence, FOAF.name, "Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0)")
        plan_years = budget_years(ambito) or [today.year]
        years = indicator_years(ambito)
        described = {
            "indicatori": (
                _("Social-care indicators of %(ambito)s by Comune and year") % {"ambito": ambito.name},
                _("Aggregate indicators of the Ambito's social services (waiting times, coverage, LEPS, spending, "
                  "satisfaction, demographic needs) by Comune and for the whole Ambito, one file a year. Figures "
                  "computed from fewer than 5 persons are omitted, and with them as many others as it takes so "
                  "that no total gives them back."),
                [THEME.SOCI], FREQUENCY.ANNUAL, (dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31)),
                ["welfare", "servizi sociali", "LEPS", "indicatori"]),
            "bilancio": (
                _("Budget of the Piano di Zona of %(ambito)s by funding source and year") % {"ambito": ambito.name},
                _("The planned budget of the Piano di Zona by funding source (national, regional, municipal "
                  "funds…) and year, from approved plan versions only."),
                [THEME.GOVE, THEME.SOCI], FREQUENCY.ANNUAL,
                (dt.date(plan_years[0], 1, 1), dt.date(plan_years[-1], 12, 31)),
                ["Piano di Zona", "bilancio", "fondi", "servizi sociali"]),
            "servizi": (
                _("Directory of the social services of %(ambito)s") % {"ambito": ambito.name},
                _("The services of the Ambito's network: what they offer, who provides them, in which Comuni, "
                  "how much they cost and how to contact them."),
                [THEME.SOCI], FREQUENCY.IRREG, (dt.date(today.year, 1, 1), today),
                ["servizi sociali", "guida ai servizi", "welfare"]),
        }
        by_dataset = distributions(ambito)
        for key in DATASETS:
            title, description, themes, frequency, (start, end), keywords = described[key]
            dataset = URIRef(f"{base}#{key}")
            graph.add((catalogue, DCAT.dataset, dataset))
            graph.add((dataset, RDF.type, DCATAPIT.Dataset))
            graph.add((dataset, RDF.type, DCAT.Dataset))
            graph.add((dataset, DCTERMS.identifier, Literal(f"{ambito.ipa_code or ambito.code}:{ambito.code}-{key}")))
            _text(graph, dataset, DCTERMS.title, title)
            _text(graph, dataset, DCTERMS.description, description)
            graph.add((dataset, DCTERMS.modified, _date(today)))
            for theme in themes:
                graph.add((dataset, DCAT.theme, theme))
            graph.add((dataset, DCTERMS.accrualPeriodicity, frequency))
            graph.add((dataset, DCTERMS.publisher, agent))
            graph.add((dataset, DCTERMS.rightsHolder, agent))
            graph.add((dataset, DCAT.contactPoint, contact))
            graph.add((dataset, DCTERMS.language, LANGUAGE_ITA))
            graph.add((dataset, DCTERMS.temporal, _period(graph, start, end)))
            graph.add((dataset, DCAT.landingPage, URIRef(base)))
            _spatial(graph, ambito, dataset)
            for keyword in keywords:
                graph.add((dataset, DCAT.keyword, Literal(keyword, lang="it")))
            items = list(by_dataset[key])
            if key == "indicatori" and extra_year and extra_year not in years:
                items.append(Distribution(f"indicatori-{extra_year}",
                                          _("Indicators %(year)s (CSV)") % {"year": extra_year},
                                          distribution_url(ambito, f"indicatori-{extra_year}"), extra_year))
            for item in items:
                _distribution(graph, dataset, item, title, today)
    _vocabularies(graph)
    return graph


def _distribution(graph, dataset, item: Distribution, title: str, today: dt.date):
    distribution = URIRef(item.url)
    graph.add((dataset, DCAT.distribution, distribution))
    graph.add((distribution, RDF.type, DCATAPIT.Distribution))
    graph.add((distribution, RDF.type, DCAT.Distribution))
    _text(graph, distribution, DCTERMS.title, item.title)
    _text(graph, distribution, DCTERMS.description, f"{title}: {item.title}")
    graph.add((distribution, DCAT.accessURL, distribution))
    graph.add((distribution, DCAT.downloadURL, distribution))
    graph.add((distribution, DCTERMS.format, FILE_TYPE.CSV))
    graph.add((distribution, DCAT.mediaType, CSV_MEDIA_TYPE))
    graph.add((distribution, DCTERMS.license, LICENCE))
    graph.add((distribution, DCTERMS.modified, _date(today)))
    if item.year:
        graph.add((distribution, DCTERMS.temporal,
                   _period(graph, dt.date(item.year, 1, 1), dt.date(item.year, 12, 31))))


def catalogue_turtle(ambito) -> str:
    return catalogue_graph(ambito).serialize(format="turtle")


def catalogue_jsonld(ambito) -> str:
    return catalogue_graph(ambito).serialize(format="json-ld", context=JSONLD_CONTEXT, indent=2)


def dataset_metadata(ambito, key: str, *, year: int | None = None) -> dict:
    """One dataset's DCAT-AP_IT description as a compact JSON-LD document: the dataset, its publisher,
    contact point, licence and periods, and its distributions (only ``year``'s where given). What travels
    with an export of its files."""
    import json

    graph = catalogue_graph(ambito, extra_year=year)
    dataset = URIRef(f"{catalogue_url(ambito)}#{key}")
    keep = None if year is None else distribution_url(ambito, f"{key}-{year}")
    subgraph, todo, seen = Graph(), [dataset], {URIRef(catalogue_url(ambito))}  # the catalogue: not expanded
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for _s, predicate, value in graph.triples((node, None, None)):
            if predicate == DCAT.distribution and keep is not None and str(value) != keep:
                continue
            subgraph.add((node, predicate, value))
            if isinstance(value, URIRef | BNode) and predicate != RDF.type:
                todo.append(value)
    return json.loads(subgraph.serialize(format="json-ld", context=JSONLD_CONTEXT))
