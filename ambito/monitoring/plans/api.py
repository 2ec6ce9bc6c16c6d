"""``GET /api/v1/plans/<id>/measures/``: the plan's linked indicators with baseline, target, measured value and
gap per year (the selector the plan's monitoring tab shows)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from ambito.monitoring.plans.selectors import plan_measures
from ambito.planning.selectors import plan_list


class YearMeasureSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    target = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    value = serializers.CharField(allow_null=True)  # null: no data, a withheld small cell or a year not started
    gap = serializers.CharField(allow_null=True)
    met = serializers.BooleanField(allow_null=True)
    suppressed = serializers.BooleanField()
    frozen = serializers.BooleanField()
    computed_at = serializers.DateTimeField(allow_null=True)


class PlanIndicatorMeasuresSerializer(serializers.Serializer):
    indicator_id = serializers.IntegerField()
    intervention_code = serializers.CharField()
    indicator = serializers.CharField()
    unit = serializers.CharField()
    code = serializers.CharField()
    service_id = serializers.IntegerField(allow_null=True)
    lower_is_better = serializers.BooleanField()
    baseline = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    baseline_year = serializers.IntegerField(allow_null=True)
    years = YearMeasureSerializer(many=True)


def measures_data(measures) -> list[dict]:
    return [{
        "indicator_id": m.indicator.pk, "intervention_code": m.intervention.code, "indicator": m.indicator.name,
        "unit": str(m.unit_label), "code": m.link.code, "service_id": m.link.service_id,
        "lower_is_better": m.indicator.lower_is_better, "baseline": m.indicator.baseline,
        "baseline_year": m.indicator.baseline_year,
        "years": [{"year": y.year, "target": y.target, "value": y.value, "gap": y.gap, "met": met,
                   "suppressed": y.suppressed, "frozen": y.frozen, "computed_at": y.computed_at}
                  for y, met in m.rows],
    } for m in measures]


class PlanMeasuresApi(APIView):
    """The plan's indicators measured against their targets, year by year."""

    @extend_schema(responses=PlanIndicatorMeasuresSerializer(many=True))
    def get(self, request, pk):
        plan = get_object_or_404(plan_list(actor=request.user), pk=pk)
        data = measures_data(plan_measures(actor=request.user, plan=plan))
        return Response(PlanIndicatorMeasuresSerializer(data, many=True).data)
