"""The catalogue through the Open Referral HSDS 3.0 API, at ``/api/v1/hsds/``: ``/``, ``/services``,
``/services/{id}``, ``/organizations``, ``/organizations/{id}``, ``/taxonomies``, ``/taxonomies/{id}``,
``/taxonomy_terms``, ``/taxonomy_terms/{id}``, ``/service_at_locations``, ``/service_at_locations/{id}``
(with or without the trailing slash). Lists answer HSDS's page object (``total_items``, ``total_pages``,
``page_number``, ``size``, ``first_page``, ``last_page``, ``empty``, ``contents``) with ``page`` and
``per_page`` in the query string.

The directory is public, so is this API: no sign-in. It shows what the public directory shows and nothing
else: active services (an import waiting for review, a withdrawn service are not there), the organisations
providing them, their places; organisations and places of no active service are not listed."""

import math
import uuid
from functools import lru_cache

from django.http import Http404, HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from ambito.accounts.models import Organisation
from ambito.core.text import plain_int
from ambito.network.hsds import (
    CAPACITY_SCHEME,
    EXTENT_TYPE,
    NOMENCLATORE,
    OWNED_FIELDS,
    derived_id,
    export_queryset,
    location_to_hsds,
    organisation_hsds_id,
    organisation_to_hsds,
    schema_dir,
    service_to_hsds,
    term_to_hsds,
)
from ambito.network.models import HsdsTaxonomyRecord, ServiceAtLocation, TaxonomyTerm
from ambito.network.selectors import DirectoryFilters, directory_search

HSDS_VERSION = "3.0"
PER_PAGE, MAX_PER_PAGE = 50, 200
NOMENCLATORE_ID = derived_id("taxonomy", NOMENCLATORE)

PAGE = {
    "type": "object",
    "properties": {"total_items": {"type": "integer"}, "total_pages": {"type": "integer"},
                   "page_number": {"type": "integer"}, "size": {"type": "integer"},
                   "first_page": {"type": "boolean"}, "last_page": {"type": "boolean"},
                   "empty": {"type": "boolean"}, "contents": {"type": "array", "items": {"type": "object"}}},
}
PAGING = [OpenApiParameter("page", int, description="Page number, from 1."),
          OpenApiParameter("per_page", int, description=f"Items a page (default {PER_PAGE}, at most {MAX_PER_PAGE}).")]


def _bool(value) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes")


def _page(request, items, render, *, count=None) -> dict:
    """HSDS's page object over ``items`` (a queryset or a list), ``render`` applied to this page's items."""
    per_page = min(plain_int(request.query_params.get("per_page")) or PER_PAGE, MAX_PER_PAGE)
    number = plain_int(request.query_params.get("page")) or 1
    total = count if count is not None else (items.count() if hasattr(items, "count") and not isinstance(
        items, list) else len(items))
    pages = max(1, math.ceil(total / per_page))
    start = (number - 1) * per_page
    contents = [render(item) for item in items[start:start + per_page]] if number <= pages else []
    return {"total_items": total, "total_pages": pages, "page_number": number, "size": len(contents),
            "first_page": number == 1, "last_page": number >= pages, "empty": total == 0, "contents": contents}


def _one_to_one(document: dict) -> dict:
    """A list item of HSDS's ``*_list`` shapes: the object's own fields, without its nested lists."""
    return {k: v for k, v in document.items() if not isinstance(v, list | dict)}


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404 from None


class HsdsView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []  # public data: a session or token changes nothing (and needs no CSRF)


class HsdsRootApi(HsdsView):
    """What this API is: HSDS version, Ambito's profile of it, the OpenAPI definition it follows."""

    @extend_schema(operation_id="hsds_root", responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        base = request.build_absolute_uri(request.path.rstrip("/") + "/")
        return Response({"version": HSDS_VERSION, "profile": base + "profile/", "openapi_url": base + "openapi.json"})


class HsdsProfileApi(HsdsView):
    """Ambito's profile of HSDS 3.0: the fields it owns, its extensions and the vocabularies it uses."""

    @extend_schema(operation_id="hsds_profile", responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return Response({
            "name": "Ambito HSDS 3.0 profile",
            "hsds_version": HSDS_VERSION,
            "owned_fields": {kind: list(fields) for kind, fields in OWNED_FIELDS.items()},
            "owned_fields_note": "On export, these fields carry Ambito's value whatever the source system sent; "
                                 "every other field of an imported document is given back as received unless it "
                                 "was edited in Ambito.",
            "service_area": {"extent_type": EXTENT_TYPE, "extent": "ISTAT code of the Comune (6 digits)"},
            "wait_time": "ISO 8601 duration in days, e.g. P30D: the estimated wait from Ambito's waiting lists",
            "capacities": {"shape": "HSDS 3.1 service_capacity", "unit_scheme": CAPACITY_SCHEME,
                           "units": ["places", "hours_week"]},
            "taxonomy": NOMENCLATORE,
            "extensions": "x_ambito_* properties (additional properties allowed by HSDS 3.0)",
        })


@lru_cache(maxsize=1)
def _openapi() -> bytes:
    return (schema_dir() / "schema" / "openapi.json").read_bytes()


class HsdsOpenApi(HsdsView):
    """The official HSDS 3.0 OpenAPI definition this API follows."""

    @extend_schema(operation_id="hsds_openapi", responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return HttpResponse(_openapi(), content_type="application/json")


def _services(request):
    q = (request.query_params.get("search") or "")[:100]
    queryset = directory_search(filters=DirectoryFilters(q=q))  # active services only, as the directory
    if request.query_params.get("organization_id"):
        try:
            organisation = uuid.UUID(request.query_params["organization_id"])
        except ValueError:
            return queryset.none()
        queryset = queryset.filter(provider__provider_profile__hsds_id=organisation)
    term_id = request.query_params.get("taxonomy_term_id")
    if term_id:
        codes = [t.code for t in TaxonomyTerm.objects.all() if derived_id("nomenclatore", t.code) == term_id]
        queryset = queryset.filter(taxonomy_term__code__in=codes)
    modified = request.query_params.get("modified_after")
    if modified:
        from django.utils.dateparse import parse_datetime

        try:
            when = parse_datetime(modified)
        except ValueError:  # well-formed but impossible (a 13th month)
            when = None
        if when is not None:
            queryset = queryset.filter(updated_at__gt=when)
    return queryset.filter(pk__in=export_queryset(public=True).values("pk")).prefetch_related(
        "staffed_by__provider_profile", "schedules__location", "service_locations__location__comune",
        "provider__provider_profile", "provider__comune", "taxonomy_term__parent")


class HsdsServiceListApi(HsdsView):
    """Active services as HSDS objects (one-to-one fields; ``full=true`` for whole documents), searched as
    the directory searches (``search``)."""

    @extend_schema(operation_id="hsds_services_list", responses={200: PAGE}, parameters=[
        *PAGING, OpenApiParameter("search", str, description="Words, searched as the public directory does."),
        OpenApiParameter("organization_id", str), OpenApiParameter("taxonomy_term_id", str),
        OpenApiParameter("modified_after", str), OpenApiParameter("full", bool)])
    def get(self, request):
        full = _bool(request.query_params.get("full"))
        return Response(_page(request, _services(request),
                              lambda s: service_to_hsds(s) if full else _one_to_one(service_to_hsds(s))))


class HsdsServiceDetailApi(HsdsView):
    """One active service with everything related to it."""

    @extend_schema(operation_id="hsds_service_get", responses={200: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT})
    def get(self, request, id):
        service = export_queryset(public=True).filter(hsds_id=_uuid(id)).first()
        if service is None:
            raise Http404
        return Response(service_to_hsds(service))


def _organisations():
    return (Organisation.objects.filter(services__active=True).distinct()
            .select_related("provider_profile", "comune").order_by("name", "pk"))


class HsdsOrganizationListApi(HsdsView):
    """Organisations providing at least one active service."""

    @extend_schema(operation_id="hsds_organizations_list", responses={200: PAGE}, parameters=[*PAGING, OpenApiParameter("full", bool)])
    def get(self, request):
        full = _bool(request.query_params.get("full"))
        return Response(_page(request, _organisations(),
                              lambda o: organisation_to_hsds(o) if full else _one_to_one(organisation_to_hsds(o))))


class HsdsOrganizationDetailApi(HsdsView):
    @extend_schema(operation_id="hsds_organization_get", responses={200: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT})
    def get(self, request, id):
        wanted = str(_uuid(id))
        organisation = _organisations().filter(provider_profile__hsds_id=wanted).first() or next(
            (o for o in _organisations().filter(provider_profile__isnull=True)
             if organisation_hsds_id(o) == wanted), None)
        if organisation is None:
            raise Http404
        return Response(organisation_to_hsds(organisation))


def _taxonomies() -> list[dict]:
    nomenclatore = {"id": NOMENCLATORE_ID, "name": NOMENCLATORE, "version": "CISIS 2013",
                    "description": "Nomenclatore interventi e servizi sociali del CISIS (Centro Interregionale "
                                   "per i Sistemi informatici, geografici e statistici)."}
    received = [r.document for r in HsdsTaxonomyRecord.objects.filter(kind="taxonomy").order_by("hsds_id")]
    return [nomenclatore, *received]


def _terms() -> list[dict]:
    ours = [{**term_to_hsds(t), "taxonomy_id": NOMENCLATORE_ID}
            for t in TaxonomyTerm.objects.select_related("parent").order_by("code")]
    received = [r.document for r in HsdsTaxonomyRecord.objects.filter(kind="taxonomy_term").order_by("hsds_id")]
    return ours + received


class HsdsTaxonomyListApi(HsdsView):
    @extend_schema(operation_id="hsds_taxonomies_list", responses={200: PAGE}, parameters=PAGING)
    def get(self, request):
        return Response(_page(request, _taxonomies(), lambda t: t))


class HsdsTaxonomyDetailApi(HsdsView):
    @extend_schema(operation_id="hsds_taxonomy_get", responses={200: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT})
    def get(self, request, id):
        found = next((t for t in _taxonomies() if t["id"] == str(_uuid(id))), None)
        if found is None:
            raise Http404
        return Response(found)


class HsdsTaxonomyTermListApi(HsdsView):
    @extend_schema(operation_id="hsds_taxonomy_terms_list", responses={200: PAGE}, parameters=[
        *PAGING, OpenApiParameter("taxonomy_id", str), OpenApiParameter("parent_id", str),
        OpenApiParameter("top_only", bool)])
    def get(self, request):
        terms = _terms()
        params = request.query_params
        if params.get("taxonomy_id"):
            terms = [t for t in terms if t.get("taxonomy_id") == params["taxonomy_id"]]
        if params.get("parent_id"):
            terms = [t for t in terms if t.get("parent_id") == params["parent_id"]]
        if _bool(params.get("top_only")):
            terms = [t for t in terms if not t.get("parent_id")]
        return Response(_page(request, terms, lambda t: t))


class HsdsTaxonomyTermDetailApi(HsdsView):
    @extend_schema(operation_id="hsds_taxonomy_term_get", responses={200: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT})
    def get(self, request, id):
        found = next((t for t in _terms() if t["id"] == str(_uuid(id))), None)
        if found is None:
            raise Http404
        return Response(found)


def _sals():
    return (ServiceAtLocation.objects.filter(service__active=True)
            .select_related("service", "location__comune").order_by("hsds_id"))


def _sal_to_hsds(sal, full=False) -> dict:
    document = {"id": str(sal.hsds_id), "service_id": str(sal.service.hsds_id),
                "location_id": str(sal.location.hsds_id), **({"description": sal.description} if sal.description
                                                            else {}), **(sal.extra or {})}
    if full:
        document["location"] = location_to_hsds(sal.location)
    return document


class HsdsServiceAtLocationListApi(HsdsView):
    @extend_schema(operation_id="hsds_service_at_locations_list", responses={200: PAGE}, parameters=[*PAGING, OpenApiParameter("full", bool)])
    def get(self, request):
        full = _bool(request.query_params.get("full"))
        return Response(_page(request, _sals(), lambda sal: _sal_to_hsds(sal, full)))


class HsdsServiceAtLocationDetailApi(HsdsView):
    @extend_schema(operation_id="hsds_service_at_location_get", responses={200: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT})
    def get(self, request, id):
        sal = _sals().filter(hsds_id=_uuid(id)).first()
        if sal is None:
            raise Http404
        return Response(_sal_to_hsds(sal, full=True))

