"""REST API of the Piano di Zona: plans with their nested content, the budget of a year, lifecycle
transitions as actions, documents as background jobs. Views parse, call one service or selector, answer."""

import django_filters
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from ambito.accounts.roles import Role
from ambito.accounts.selectors import scope_for
from ambito.core.api import JobOutputSerializer, job_response
from ambito.core.concurrency import StaleEditError, stale_conflict
from ambito.core.imports import ImportRejected
from ambito.core.services import job_start
from ambito.core.text import plain_int
from ambito.core.uploads import XLSX, validate_upload
from ambito.planning import rules, services
from ambito.planning.models import Plan, PlanState
from ambito.planning.selectors import budget_totals, intervention_queryset, plan_detail_queryset, plan_list
from ambito.planning.serializers import (
    PlanBudgetOutputSerializer,
    PlanCreateSerializer,
    PlanDetailSerializer,
    PlanInterventionSerializer,
    PlanInterventionUpdateSerializer,
    PlanListSerializer,
    PlanTransitionInputSerializer,
    PlanUpdateSerializer,
)
from ambito.territory.models import Ambito


def _error(exc, code=status.HTTP_400_BAD_REQUEST):
    if hasattr(exc, "message_dict"):
        return Response({"detail": exc.messages, "fields": exc.message_dict}, status=code)
    return Response({"detail": exc.messages}, status=code)


class PlanFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=PlanState.choices)
    year = django_filters.NumberFilter(method="filter_year", label="A year within the triennium")

    class Meta:
        model = Plan
        fields = ["state", "ambito", "start_year"]

    def filter_year(self, queryset, name, value):
        return queryset.filter(start_year__lte=value, end_year__gte=value)


class PlanListApi(generics.ListCreateAPIView):
    """Piani di Zona the caller may read. POST (planning office): a new plan for a triennium."""

    serializer_class = PlanListSerializer
    filterset_class = PlanFilter

    def get_queryset(self):
        return plan_list(actor=self.request.user).order_by("-start_year", "id")

    @extend_schema(request=PlanCreateSerializer, responses={201: PlanListSerializer})
    def post(self, request):
        data = PlanCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ambito_ids = scope_for(request.user).ambito_ids(Role.PLANNER)
        ambito_id = data.validated_data.get("ambito") or (next(iter(ambito_ids)) if len(ambito_ids) == 1 else None)
        if ambito_id not in ambito_ids:
            return Response({"detail": [_("Only the planning office of this Ambito can change the plan.")]},
                            status=status.HTTP_403_FORBIDDEN)
        try:
            plan = services.plan_create(actor=request.user, ambito=Ambito.objects.get(pk=ambito_id),
                                        title=data.validated_data["title"],
                                        start_year=data.validated_data["start_year"])
        except ValidationError as exc:
            return _error(exc)
        return Response(PlanListSerializer(plan).data, status=status.HTTP_201_CREATED)


class PlanDetailApi(generics.RetrieveAPIView):
    """One plan with objectives, interventions (indicators, budget lines, staffing), contributions,
    parties to the Accordo di Programma, carry-over and versions. PATCH (planning office) the title or the
    needs analysis with the ``version`` you read: a stale one is refused with 409 and the plan as saved now."""

    serializer_class = PlanDetailSerializer

    def get_queryset(self):
        return plan_detail_queryset(actor=self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if "pk" in self.kwargs:
            context["can_edit"] = int(self.kwargs["pk"]) in set(
                Plan.objects.filter(ambito_id__in=scope_for(self.request.user).ambito_ids(Role.PLANNER))
                .values_list("id", flat=True))
        return context

    @extend_schema(request=PlanUpdateSerializer, responses={200: PlanListSerializer, 409: None})
    def patch(self, request, pk):
        plan = get_object_or_404(plan_list(actor=request.user), pk=pk)
        if not rules.can_edit_plan(request.user, plan):
            raise ApiPermissionDenied()
        data = PlanUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        try:
            plan = services.plan_update(actor=request.user, plan=plan, expected_version=fields["version"],
                                        title=fields.get("title", plan.title),
                                        needs_narrative=fields.get("needs_narrative", plan.needs_narrative))
        except StaleEditError as exc:
            return Response(stale_conflict(exc, _plan_text(Plan.objects.get(pk=pk))), status=status.HTTP_409_CONFLICT)
        except ValidationError as exc:
            return _error(exc, status.HTTP_409_CONFLICT if getattr(exc, "code", None) == "frozen" else status.HTTP_400_BAD_REQUEST)
        return Response(_plan_text(plan))


def _plan_text(plan) -> dict:
    return {**PlanListSerializer(plan).data, "needs_narrative": plan.needs_narrative}


@extend_schema(parameters=[OpenApiParameter("year", int, description="A year of the triennium (default: first).")],
               responses=PlanBudgetOutputSerializer)
class PlanBudgetApi(APIView):
    """Budget of one year: total, by funding source, by area, by Comune (own funds, with per-capita)."""

    def get(self, request, pk):
        plan = get_object_or_404(plan_list(actor=request.user), pk=pk)
        raw = request.query_params.get("year")
        if raw is None:
            year = plan.start_year
        elif (year := plain_int(raw)) not in plan.years:
            message = _("The year must be between %(start)s and %(end)s.") % {"start": plan.start_year,
                                                                            "end": plan.end_year}
            return Response({"detail": [message]}, status=status.HTTP_400_BAD_REQUEST)
        return Response(budget_totals(plan=plan, year=year).as_api())


class PlanBudgetImportApi(APIView):
    """Upload the budget spreadsheet (multipart field ``file``): all or nothing; 400 with every bad row."""

    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary"}}}}, responses={200: dict, 400: dict, 409: dict})
    def post(self, request, pk):
        plan = get_object_or_404(plan_list(actor=request.user), pk=pk)
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"detail": [_("Upload the budget spreadsheet (.xlsx).")]},
                            status=status.HTTP_400_BAD_REQUEST)
        try:
            validate_upload(upload, (XLSX,))
        except ValidationError as exc:
            return Response({"detail": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
        try:
            result = services.budget_import(actor=request.user, plan=plan, data=upload.read())
        except PermissionDenied as exc:
            raise ApiPermissionDenied(str(exc)) from None
        except ImportRejected as exc:
            return Response({"detail": [_("The spreadsheet was not imported: nothing has changed.")],
                             "errors": [{"row": e.row, "field": e.field, "message": e.message} for e in exc.errors]},
                            status=status.HTTP_400_BAD_REQUEST)
        except ValidationError as exc:
            return _error(exc, status.HTTP_409_CONFLICT)
        return Response(result)


class PlanTransitionApi(APIView):
    """Run a lifecycle action: start_coprogramming, open_consultation, approve, put_in_force, close,
    start_revision (with a reason)."""

    @extend_schema(request=PlanTransitionInputSerializer, responses={200: PlanListSerializer, 409: dict})
    def post(self, request, pk):
        plan = get_object_or_404(plan_list(actor=request.user), pk=pk)
        data = PlanTransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            plan = services.plan_transition(actor=request.user, plan=plan, **data.validated_data)
        except PermissionDenied as exc:
            raise ApiPermissionDenied(str(exc)) from None
        except ValidationError as exc:
            return _error(exc, status.HTTP_409_CONFLICT)
        return Response(PlanListSerializer(plan).data)


class PlanDocumentApi(APIView):
    """Start the full plan PDF or the budget XLSX as a background job; poll the job for progress."""

    @extend_schema(request=None, responses={202: JobOutputSerializer})
    def post(self, request, pk, kind):
        plan = get_object_or_404(plan_list(actor=request.user), pk=pk)
        job = start_document(actor=request.user, plan=plan, kind=kind)
        return job_response(request, job)


def start_document(*, actor, plan, kind: str):
    titles = {"pdf": ("planning.plan_pdf", "Piano di Zona (PDF)"), "xlsx": ("planning.budget_xlsx",
                                                                             "Bilancio del Piano (XLSX)")}
    job_kind, title = titles[kind]
    return job_start(kind=job_kind, actor=actor, params={"plan_id": plan.pk, "version": plan.current_version,
                                                         "updated": plan.updated_at.isoformat()},
                     title=f"{title} {plan.start_year}–{plan.end_year}")


class InterventionDetailApi(APIView):
    """Read an intervention; PATCH it with the ``version`` you read (optimistic locking: 409 if stale)."""

    def _get(self, request, pk):
        return get_object_or_404(intervention_queryset().filter(plan__in=plan_list(actor=request.user)), pk=pk)

    @extend_schema(responses=PlanInterventionSerializer)
    def get(self, request, pk):
        return Response(PlanInterventionSerializer(self._get(request, pk)).data)

    @extend_schema(request=PlanInterventionUpdateSerializer, responses={200: PlanInterventionSerializer, 409: dict})
    def patch(self, request, pk):
        intervention = self._get(request, pk)
        if not rules.can_edit_plan(request.user, intervention.plan):
            raise ApiPermissionDenied()
        data = PlanInterventionUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        expected = fields.pop("version")
        try:
            services.intervention_update(actor=request.user, intervention=intervention, expected_version=expected,
                                         **fields)
        except StaleEditError as exc:
            current = PlanInterventionSerializer(intervention_queryset().get(pk=pk)).data
            return Response(stale_conflict(exc, current), status=status.HTTP_409_CONFLICT)
        except ValidationError as exc:
            return _error(exc, status.HTTP_409_CONFLICT if getattr(exc, "code", None) == "frozen" else status.HTTP_400_BAD_REQUEST)
        return Response(PlanInterventionSerializer(intervention_queryset().get(pk=pk)).data)


