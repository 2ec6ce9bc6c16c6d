"""``GET /api/v1/monitoring/region/?year=``: the figures of the regional comparison page, from the same selector."""

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ambito.monitoring.region import selectors
from ambito.monitoring.region.views import can_compare_ambiti


class RegionAmbitoSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class RegionFigureSerializer(serializers.Serializer):
    # Decimals as strings; null is "no data" or a withheld small cell (``suppressed``).
    value = serializers.CharField(allow_null=True)
    suppressed = serializers.BooleanField()
    complementary = serializers.BooleanField()
    met = serializers.BooleanField(allow_null=True)


class RegionRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    target = serializers.CharField(allow_null=True)
    values = RegionFigureSerializer(many=True, help_text="One per Ambito, in the order of ``ambiti``.")


class RegionSectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    note = serializers.CharField()
    rows = RegionRowSerializer(many=True)


class RegionComparisonSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    period_from = serializers.DateField()
    period_to = serializers.DateField()
    small_cells_withheld = serializers.BooleanField()
    ambiti = RegionAmbitoSerializer(many=True)
    not_computed = RegionAmbitoSerializer(
        many=True, help_text="Ambiti whose indicators are not stored for the year: their indicator values are null "
                             "until the nightly refresh computes them.")
    computed_at = serializers.DateTimeField(
        allow_null=True, help_text="When a comparison of more than five Ambiti was computed (it is kept five "
                                   "minutes); null: computed for this request.")
    sections = RegionSectionSerializer(many=True)


def _plain(value):
    if value is None or isinstance(value, bool):
        return value
    return str(value)


def comparison_data(comparison) -> dict:
    return {
        "year": comparison.year, "period_from": comparison.period.start, "period_to": comparison.period.end,
        "small_cells_withheld": comparison.small_cells_withheld,
        "ambiti": [{"code": a.code, "name": a.name} for a in comparison.ambiti],
        "not_computed": [{"code": a.code, "name": a.name} for a in comparison.not_computed],
        "computed_at": comparison.computed_at,
        "sections": [{
            "key": s.key, "title": s.title, "note": s.note,
            "rows": [{"code": r.code, "name": r.name, "unit": r.unit, "target": _plain(r.target),
                      "values": [{"value": _plain(c.value), "suppressed": c.suppressed,
                                  "complementary": c.complementary, "met": c.met} for c in r.cells]}
                     for r in s.rows],
        } for s in comparison.sections],
    }


class RegionComparisonApi(APIView):
    """Every Ambito the caller sees as planning office or regional observer, side by side for one year:
    indicators, LEPS and spending per resident (aggregates only; small cells withheld as on the dashboard)."""

    @extend_schema(parameters=[OpenApiParameter("year", int, description="Year compared (default: last year).")],
                   responses=RegionComparisonSerializer)
    def get(self, request):
        if not can_compare_ambiti(request.user):
            raise PermissionDenied
        raw = request.query_params.get("year")
        try:
            year = selectors.check_year(raw) if raw not in (None, "") else selectors.default_year()
        except ValidationError as exc:
            return Response({"year": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
        comparison = selectors.region_comparison(actor=request.user, year=year)
        return Response(RegionComparisonSerializer(comparison_data(comparison)).data)
