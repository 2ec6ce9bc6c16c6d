"""REST API of the money loop: planned (approved) → committed → paid of a plan by source, Comune, area and
year with per-resident figures, and the fund reports of the plan's Ambito."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from ambito.core.text import plain_int
from ambito.planning.models import FundReport
from ambito.planning.selectors import plan_list
from ambito.planning.selectors_spending import carry_over_proposal, spending_overview


def _money(rows):
    return [{k: (str(v) if hasattr(v, "quantize") else v) for k, v in r.items()} for r in rows]


class PlanSpendingApi(APIView):
    """Planned (from the approved version), committed, liquidated and paid by funding source, Comune (own
    funds), area and year, per resident; ``year`` omitted: the whole triennium. With the carry-over rule's
    figures by source."""

    @extend_schema(parameters=[OpenApiParameter("year", int, required=False)], responses={200: dict})
    def get(self, request, pk):
        plan = get_object_or_404(plan_list(actor=request.user), pk=pk)
        year = plain_int(request.query_params.get("year"))
        body = spending_overview(plan=plan, year=year if year in plan.years else None).as_api()
        body["carry_over"] = _money(carry_over_proposal(plan=plan))
        return Response(body)


class PlanFundReportsApi(APIView):
    """The fund reports of the plan's Ambito for the years of the plan, each version with its frozen figures."""

    @extend_schema(responses={200: dict})
    def get(self, request, pk):
        plan = get_object_or_404(plan_list(actor=request.user), pk=pk)
        reports = FundReport.objects.filter(ambito_id=plan.ambito_id, year__gte=plan.start_year,
                                            year__lte=plan.end_year)
        return Response([{"id": r.pk, "source": r.source, "year": r.year, "version": r.version,
                          "status": r.status, "reason": r.reason,
                          "submitted_at": r.submitted_at.isoformat() if r.submitted_at else None,
                          "totals": r.content.get("totals", {})} for r in reports])
