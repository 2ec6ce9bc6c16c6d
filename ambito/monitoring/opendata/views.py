"""Public open-data pages (no sign-in): the catalogue page of each Ambito, its DCAT-AP_IT catalogue as Turtle
or JSON-LD, and the CSV distributions. Aggregates only, small cells suppressed: nothing here is personal, so
downloads are not logged and may be cached briefly."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from ambito.core.tabular import download_response
from ambito.monitoring import opendata
from ambito.territory.models import Ambito

RDF_TYPES = {"ttl": "text/turtle", "jsonld": "application/ld+json"}


@require_safe
def index(request):
    ambiti = list(Ambito.objects.order_by("name"))
    if len(ambiti) == 1:
        return redirect("opendata-catalogue", ambiti[0].code)
    return render(request, "monitoring/opendata/index.html", {"ambiti": ambiti})


@require_safe
def catalogue(request, code):
    """The catalogue page; ``Accept: text/turtle`` or ``application/ld+json`` gets the RDF itself."""
    ambito = get_object_or_404(Ambito, code=code)
    accept = request.headers.get("Accept", "")
    for kind, media_type in RDF_TYPES.items():
        if media_type in accept and "text/html" not in accept:
            return catalogue_rdf(request, code, kind)
    graph_summary = opendata.distributions(ambito)
    return render(request, "monitoring/opendata/catalogue.html", {
        "ambito": ambito, "distributions": graph_summary,
        "turtle_url": reverse("opendata-catalogue-rdf", args=[ambito.code, "ttl"]),
        "jsonld_url": reverse("opendata-catalogue-rdf", args=[ambito.code, "jsonld"]),
    })


@require_safe
def catalogue_rdf(request, code, kind):
    ambito = get_object_or_404(Ambito, code=code)
    if kind not in RDF_TYPES:
        raise Http404
    text = opendata.catalogue_turtle(ambito) if kind == "ttl" else opendata.catalogue_jsonld(ambito)
    response = HttpResponse(text, content_type=f"{RDF_TYPES[kind]}; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"  # harvesters and browser-based tools read it from elsewhere
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_safe
def distribution(request, code, key):
    ambito = get_object_or_404(Ambito, code=code)
    text = opendata.distribution_csv(ambito, key)
    if text is None:
        raise Http404
    response = download_response(text, filename=f"{ambito.code}-{key}.csv", kind="csv",
                                 content_type="text/csv; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=3600"
    return response
