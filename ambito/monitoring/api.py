
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from ambito.core.api import JobOutputSerializer, job_response
from ambito.core.text import plain_int
from ambito.monitoring import indicators, materialise, selectors, services
from ambito.monitoring.indicators import Period
from ambito.monitoring.rules import can_manage_surveys, can_view_dashboard
from ambito.monitoring.serializers import (
    IndicatorDefinitionSerializer,
    IndicatorValuesSerializer,
    JobRequestSerializer,
)
from ambito.monitoring.views import _ambito_of
from ambito.network.taxonomy import Area


class IndicatorListApi(generics.ListAPIView):
    """Indicator definitions, each with its stable ``code``."""

    serializer_class = IndicatorDefinitionSerializer
    filter_backends = []  # a fixed list of definitions, not a queryset: nothing to filter

    def get_queryset(self):
        if not can_view_dashboard(self.request.user):
            raise PermissionDenied
        return indicators.definitions()


@extend_schema(parameters=[
    OpenApiParameter("from", str, description="First day, YYYY-MM-DD (default: 1 January of this year)."),
    OpenApiParameter("to", str, description="Last day, YYYY-MM-DD (default: today)."),
    OpenApiParameter("by", str, description="Breakdown: comune, area, service, month, quarter, year, sex, age_band…"),
    OpenApiParameter("area", str), OpenApiParameter("service", int),
], responses=IndicatorValuesSerializer)
class IndicatorValuesApi(APIView):
    """Values of one indicator: ``{"code", "unit", "computed_at", "values": [{"key", "value", "target"}]}``;
    ``computed_at`` is when stored values were computed (a standard period), null when computed now. "No data"
    and suppressed small cells are ``null``, never 0, and so are the cells withheld with a small cell so
    that no total gives it back (complementary suppression)."""

    def get(self, request, code):
        if not can_view_dashboard(request.user):
            raise PermissionDenied
        try:
            indicators.definition(code)
        except LookupError:
            raise NotFound from None
        params = request.query_params
        service = params.get("service")
        if service and plain_int(service) is None:
            return Response({"detail": _("The service must be a number.")}, status=status.HTTP_400_BAD_REQUEST)
        area = params.get("area") or None
        if area and area not in Area.values:
            return Response({"detail": _("Unknown area %(area)s. Possible: %(allowed)s.")
                             % {"area": area, "allowed": ", ".join(Area.values)}}, status=status.HTTP_400_BAD_REQUEST)
        try:
            period = Period.parse(params.get("from"), params.get("to"), default=selectors.default_period())
            result = selectors.indicator_values(
                actor=request.user, code=code, period=period, by=params.get("by") or None,
                area=area, service_id=plain_int(service),
            )
        except ValidationError as exc:
            return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)
        data = {"code": code, "unit": result.definition.unit, "computed_at": result.computed_at,
                "values": [{"key": c.key, "value": c.value, "target": c.target} for c in result.cells]}
        return Response(IndicatorValuesSerializer(data).data)


class _JobApi(APIView):
    serializer_class = JobRequestSerializer
    formats: tuple = ()

    @extend_schema(request=JobRequestSerializer, responses={202: JobOutputSerializer})
    def post(self, request):
        serializer = JobRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fmt = serializer.validated_data.get("format") or self.formats[0]
        if fmt not in self.formats:
            return Response({"format": [f"one of {', '.join(self.formats)}"]}, status=400)
        ambito = _ambito_of(request.user)
        if ambito is None:
            raise PermissionDenied
        try:
            job = self.start(actor=request.user, ambito=ambito, year=serializer.validated_data["year"], fmt=fmt)
        except ValidationError as exc:
            return Response({"detail": " ".join(exc.messages)}, status=400)
        return job_response(request, job)


class ReportJobApi(_JobApi):
    """Start the annual monitoring report (PDF or XLSX): returns the job id and, when done, the download."""

    formats = ("pdf", "xlsx")

    def start(self, **kwargs):
        return services.report_start(**kwargs)


class OpenDataJobApi(_JobApi):
    """Start the open-data export (CSV in a ZIP with DCAT-AP_IT metadata, or JSON)."""

    formats = ("json", "csv")

    def start(self, **kwargs):
        return services.open_data_export_start(**kwargs)


class SiussJobApi(_JobApi):
    """Start a SIUSS file (``format``: psa, sina or sinba) of the caller's Comune: INPS XML validated against the
    XSD, for the Comune's SIUSS officer only (``monitoring.siuss``); incomplete records are left out only with
    ``partial`` on the SIUSS page."""

    formats = ("psa", "sina", "sinba")

    def start(self, *, fmt, **kwargs):
        return services.siuss_export_start(flow=fmt, **kwargs)


class IndicatorRefreshApi(APIView):
    """Recompute the caller's Ambito's stored indicator values now (the planning office): returns the job,
    whose progress and end the jobs API tells."""

    @extend_schema(request=None, responses={202: JobOutputSerializer})
    def post(self, request):
        if not can_manage_surveys(request.user):
            raise PermissionDenied
        ambito = _ambito_of(request.user)
        if ambito is None:
            raise PermissionDenied
        return job_response(request, materialise.refresh_start(actor=request.user, ambito=ambito))
