"""REST API of care: ``/api/v1/care-plans/``, ``/api/v1/health-budgets/``, ``/api/v1/referrals/`` (with accept,
decline, complete) and ``/api/v1/deliveries/`` (with bulk); FHIR lives in ``fhir_api``. Views parse input,
call one service or selector and render; the provider side gets only ``provider_view`` of a referral."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ambito.access.models import Assessment, Person
from ambito.accounts.models import AccessAction
from ambito.accounts.services import access_log_record
from ambito.care import rules, selectors, services
from ambito.care.models import (
    CarePlanStatus,
    DeclineReason,
    Delivery,
    DeliverySource,
    DeliveryType,
    Referral,
    ReferralStatus,
)
from ambito.core.api import ErrorDetail, query_value
from ambito.core.concurrency import StaleEditError, stale_conflict
from ambito.core.imports import ImportRejected
from ambito.network.taxonomy import Area

# --- Care plans ----------------------------------------------------------------------------------------------


class GoalOutput(serializers.Serializer):
    id = serializers.IntegerField()
    description = serializers.CharField()
    indicator = serializers.CharField()
    baseline = serializers.CharField()
    target = serializers.CharField()
    review_on = serializers.DateField()
    status = serializers.CharField()


class InterventionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    service = serializers.CharField(source="service.name")
    provider = serializers.CharField(source="provider.name")
    description = serializers.CharField()
    intensity = serializers.DecimalField(max_digits=7, decimal_places=2)
    intensity_unit = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    payer = serializers.CharField()
    person_share = serializers.DecimalField(max_digits=9, decimal_places=2, allow_null=True)


class CarePlanOutput(serializers.Serializer):
    id = serializers.IntegerField()
    person = serializers.IntegerField(source="person_id")
    pseudonym = serializers.CharField(source="person.pseudonym")
    comune = serializers.CharField(source="comune.name")
    title = serializers.CharField()
    area = serializers.CharField()
    status = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    revision = serializers.IntegerField()
    case_manager = serializers.CharField(source="case_manager.get_full_name", default="")
    agreement_signed_on = serializers.DateField(allow_null=True)
    next_review_on = serializers.DateField(allow_null=True)
    version = serializers.IntegerField()


class CarePlanDetailOutput(CarePlanOutput):
    summary = serializers.CharField()
    goals = GoalOutput(many=True, source="goals.all")
    interventions = InterventionOutput(many=True, source="interventions.all")


class CarePlanInput(serializers.Serializer):
    person = serializers.IntegerField()
    assessment = serializers.IntegerField(required=False, allow_null=True)
    title = serializers.CharField(max_length=200)
    area = serializers.ChoiceField(choices=Area.choices)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    summary = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema_view(get=extend_schema(parameters=[
    OpenApiParameter("status", str, enum=CarePlanStatus.values, description="Only care plans in this status.")]),
    # the input, not the output fields: a generic view's schema would otherwise ask for what it answers
    post=extend_schema(request=CarePlanInput, responses={201: CarePlanDetailOutput}))
class CarePlanListApi(generics.ListCreateAPIView):
    """Care plans (PAI) the caller may read; POST opens one for a person of the caller's territory."""

    serializer_class = CarePlanOutput

    def get_queryset(self):
        return selectors.care_plan_list(actor=self.request.user, status=self.request.query_params.get("status", ""))

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        selectors.log_list(actor=request.user, records=page, purpose="care plan list (API)")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request, *args, **kwargs):
        data = CarePlanInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        person = get_object_or_404(Person, pk=values.pop("person"))
        assessment_id = values.pop("assessment", None)
        assessment = get_object_or_404(Assessment, pk=assessment_id) if assessment_id else None
        plan = services.care_plan_create(actor=request.user, person=person, assessment=assessment, **values)
        return Response(CarePlanDetailOutput(plan).data, status=status.HTTP_201_CREATED)


class CarePlanUpdateInput(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version you read: a stale one is refused (409).")
    title = serializers.CharField(max_length=200, required=False)
    summary = serializers.CharField(required=False, allow_blank=True)
    start_date = serializers.DateField(required=False)
    end_date = serializers.DateField(required=False)
    next_review_on = serializers.DateField(required=False, allow_null=True)


class CarePlanDetailApi(APIView):
    """A care plan (PAI); PATCH its header with the ``version`` you read: a stale one is refused with 409 and
    the plan as saved now."""

    serializer_class = CarePlanDetailOutput

    def get(self, request, pk):
        return Response(CarePlanDetailOutput(selectors.care_plan_get(actor=request.user, pk=pk)).data)

    @extend_schema(request=CarePlanUpdateInput, responses={200: CarePlanDetailOutput, 409: None})
    def patch(self, request, pk):
        plan = selectors.care_plan_get(actor=request.user, pk=pk)
        data = CarePlanUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = {name: getattr(plan, name) for name in ("title", "summary", "start_date", "end_date",
                                                         "next_review_on")} | dict(data.validated_data)
        try:
            plan = services.care_plan_update(actor=request.user, plan=plan, expected_version=fields.pop("version"),
                                             **fields)
        except StaleEditError as exc:
            current = CarePlanDetailOutput(selectors.care_plan_get(actor=request.user, pk=pk)).data
            return Response(stale_conflict(exc, current), status=status.HTTP_409_CONFLICT)
        return Response(CarePlanDetailOutput(plan).data)


# --- Health budgets ----------------------------------------------------------------------------------------


class HealthBudgetOutput(serializers.Serializer):
    id = serializers.IntegerField()
    person = serializers.IntegerField(source="person_id")
    pseudonym = serializers.CharField(source="person.pseudonym")
    title = serializers.CharField()
    area = serializers.CharField()
    status = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()


class ReportRow(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    planned = serializers.DecimalField(max_digits=12, decimal_places=2)
    spent = serializers.DecimalField(max_digits=12, decimal_places=2)
    remaining = serializers.DecimalField(max_digits=12, decimal_places=2)


class HealthBudgetDetailOutput(HealthBudgetOutput):
    team = serializers.SerializerMethodField()
    report = serializers.SerializerMethodField()

    def get_team(self, budget) -> list[dict]:
        return [{"role": m.role, "name": m.name, "organisation": m.organisation.name if m.organisation else ""}
                for m in budget.team.all()]

    @extend_schema(responses=ReportRow(many=True))
    def get_report(self, budget) -> dict:
        report = selectors.health_budget_report(budget=budget)
        return {"axes": ReportRow(report["axes"], many=True).data,
                "funders": ReportRow(report["funders"], many=True).data,
                "total": ReportRow(report["total"]).data}


class HealthBudgetListApi(generics.ListAPIView):
    """Budget di salute projects the caller may read."""

    serializer_class = HealthBudgetOutput

    def get_queryset(self):
        return selectors.health_budget_list(actor=self.request.user)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        selectors.log_list(actor=request.user, records=page, purpose="Budget di salute list (API)")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class HealthBudgetDetailApi(APIView):
    serializer_class = HealthBudgetDetailOutput

    def get(self, request, pk):
        return Response(HealthBudgetDetailOutput(selectors.health_budget_get(actor=request.user, pk=pk)).data)


# --- Referrals -----------------------------------------------------------------------------------------------


class ReferralProviderOutput(serializers.Serializer):
    """What the provider sees: the minimum to deliver."""

    id = serializers.IntegerField()
    status = serializers.CharField()
    name = serializers.CharField()
    address = serializers.CharField()
    comune = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    service = serializers.CharField()
    provider = serializers.CharField()
    what_to_deliver = serializers.CharField()
    intensity = serializers.DecimalField(max_digits=7, decimal_places=2)
    intensity_unit = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    sent_at = serializers.DateTimeField()
    answer_due_on = serializers.DateField()
    answered_at = serializers.DateTimeField(allow_null=True)


class ReferralOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    person = serializers.IntegerField(source="person_id")
    pseudonym = serializers.CharField(source="person.pseudonym")
    care_plan = serializers.IntegerField(source="care_plan_id")
    service = serializers.CharField(source="service.name")
    provider = serializers.CharField(source="provider.name")
    what_to_deliver = serializers.CharField()
    sent_at = serializers.DateTimeField()
    answer_due_on = serializers.DateField()
    answered_at = serializers.DateTimeField(allow_null=True)
    answered_via = serializers.CharField()
    decline_reason = serializers.CharField()
    decline_note = serializers.CharField()
    started_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    reminders_sent = serializers.IntegerField()


# A referral reads as the case side's view or as the provider's minimum, by who asks.
REFERRAL_VIEW = PolymorphicProxySerializer(component_name="ReferralView", resource_type_field_name=None,
                                           serializers=[ReferralOutput, ReferralProviderOutput])


def referral_data(user, referral) -> dict:
    if rules.can_view_referral_case(user, referral):
        return ReferralOutput(referral).data
    return ReferralProviderOutput(selectors.provider_view(referral)).data


def referral_rows(user, referrals) -> list[dict]:
    """``referral_data`` of a page, each row still decided by its own permission check, but serialised by one
    serializer per side: DRF copies every field for each serializer it builds (cProfile: one per row was most
    of the list's Python time)."""
    case_side = [rules.can_view_referral_case(user, referral) for referral in referrals]
    full = iter(ReferralOutput([r for r, case in zip(referrals, case_side, strict=True) if case], many=True).data)
    minimal = iter(ReferralProviderOutput([selectors.provider_view(r) for r, case
                                           in zip(referrals, case_side, strict=True) if not case], many=True).data)
    return [next(full) if case else next(minimal) for case in case_side]


@extend_schema_view(get=extend_schema(responses=PolymorphicProxySerializer(
    component_name="ReferralView", resource_type_field_name=None, many=True,
    serializers=[ReferralOutput, ReferralProviderOutput]), parameters=[
    OpenApiParameter("status", str, enum=ReferralStatus.values, description="Only referrals in this status.")]))
class ReferralListApi(generics.ListAPIView):
    """Referrals the caller may read: the case side sees the loop, a provider only its own referrals with the
    minimum data to deliver. ``?status=sent`` filters."""

    serializer_class = ReferralOutput

    def get_queryset(self):
        return selectors.referral_list(actor=self.request.user, status=self.request.query_params.get("status", ""))

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        selectors.log_list(actor=request.user, records=page, purpose="referral list (API)")
        return self.get_paginated_response(referral_rows(request.user, page))


class ReferralDetailApi(APIView):
    serializer_class = ReferralOutput

    @extend_schema(responses=REFERRAL_VIEW)
    def get(self, request, pk):
        return Response(referral_data(request.user, selectors.referral_get(actor=request.user, pk=pk)))


class DeclineInput(serializers.Serializer):
    reason = serializers.ChoiceField(choices=DeclineReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema_serializer(component_name="ReferralCompleteInput")  # access.api has its own CompleteInput
class CompleteInput(serializers.Serializer):
    outcome_note = serializers.CharField(required=False, allow_blank=True, default="")


def _referral_for_action(request, pk) -> Referral:
    referral = get_object_or_404(Referral.objects.select_related("person", "intervention", "provider", "service",
                                                                 "person__residence_comune"), pk=pk)
    if not rules.can_view_referral(request.user, referral):
        access_log_record(actor=request.user, record=referral, action=AccessAction.DENIED,
                          purpose="referral action refused (API)")
        raise PermissionDenied
    return referral


def _answer(request, answer):
    """Run an answer; one given meanwhile by a colleague (the row is locked, so only one wins) is a 409."""
    try:
        referral = answer()
    except ValidationError as exc:
        if getattr(exc, "code", None) != "already_answered":
            raise
        return Response({"detail": exc.messages, "code": exc.code}, status=status.HTTP_409_CONFLICT)
    return Response(referral_data(request.user, referral))


class ReferralAcceptApi(APIView):
    serializer_class = ReferralProviderOutput

    @extend_schema(request=None, responses={200: REFERRAL_VIEW, 409: None})
    def post(self, request, pk):
        referral = _referral_for_action(request, pk)
        return _answer(request, lambda: services.referral_accept(actor=request.user, referral=referral, via="api"))


class ReferralDeclineApi(APIView):
    serializer_class = ReferralProviderOutput

    @extend_schema(request=DeclineInput, responses={200: REFERRAL_VIEW, 409: None})
    def post(self, request, pk):
        data = DeclineInput(data=request.data)
        data.is_valid(raise_exception=True)
        referral = _referral_for_action(request, pk)
        return _answer(request, lambda: services.referral_decline(actor=request.user, referral=referral, via="api",
                                                                  **data.validated_data))


class ReferralCompleteApi(APIView):
    serializer_class = ReferralProviderOutput

    @extend_schema(request=CompleteInput, responses=REFERRAL_VIEW)
    def post(self, request, pk):
        data = CompleteInput(data=request.data)
        data.is_valid(raise_exception=True)
        referral = services.referral_complete(actor=request.user, referral=_referral_for_action(request, pk),
                         **data.validated_data)
        return Response(referral_data(request.user, referral))


# --- Deliveries --------------------------------------------------------------------------------------------


class DeliveryOutput(serializers.ModelSerializer):
    service = serializers.CharField(source="service.name")
    provider = serializers.CharField(source="provider.name")
    pseudonym = serializers.CharField(source="person.pseudonym")

    class Meta:
        model = Delivery
        fields = ["id", "referral", "pseudonym", "service", "provider", "delivery_type", "delivered_on",
                  "start_time", "end_time", "hours", "quantity", "amount", "operator_name", "operator_ref", "notes",
                  "source"]


class DeliveryRowInput(serializers.Serializer):
    delivered_on = serializers.DateField()
    start_time = serializers.TimeField(required=False, allow_null=True, default=None)
    end_time = serializers.TimeField(required=False, allow_null=True, default=None)
    hours = serializers.DecimalField(max_digits=6, decimal_places=2, required=False, allow_null=True, default=None)
    quantity = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, allow_null=True, default=None)
    amount = serializers.DecimalField(max_digits=11, decimal_places=2, required=False, allow_null=True, default=None)
    delivery_type = serializers.ChoiceField(choices=DeliveryType.choices)
    operator_name = serializers.CharField(max_length=120)
    operator_ref = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    notes = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class DeliveryInput(DeliveryRowInput):
    referral = serializers.IntegerField()


class DeliveryBulkInput(serializers.Serializer):
    referral = serializers.IntegerField()
    rows = DeliveryRowInput(many=True)


@extend_schema_view(post=extend_schema(request=DeliveryInput, responses={201: DeliveryOutput, 404: ErrorDetail}),
                   get=extend_schema(parameters=[
                       OpenApiParameter("referral", int, description="Only the deliveries of this referral."),
                       OpenApiParameter("from", OpenApiTypes.DATE, description="Delivered on or after this day."),
                       OpenApiParameter("to", OpenApiTypes.DATE, description="Delivered on or before this day.")]))
class DeliveryListApi(generics.ListCreateAPIView):
    """Deliveries the caller may read (provider: its own; case team: its persons'). POST logs one delivery."""

    serializer_class = DeliveryOutput

    def get_queryset(self):
        request = self.request
        return selectors.delivery_list(
            actor=request.user, referral_id=query_value(request, "referral", serializers.IntegerField(min_value=1)),
            date_from=query_value(request, "from", serializers.DateField()),
            date_to=query_value(request, "to", serializers.DateField()))

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        selectors.log_list(actor=request.user, records=page, purpose="delivery list (API)")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request, *args, **kwargs):
        data = DeliveryInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        referral = _referral_for_action(request, values.pop("referral"))
        delivery = services.delivery_create(actor=request.user, referral=referral,
                         source=DeliverySource.API, **values)
        return Response(DeliveryOutput(delivery).data, status=status.HTTP_201_CREATED)


class DeliveryBulkApi(APIView):
    """Log several deliveries on one referral at once, all or nothing (400 lists every bad row)."""

    serializer_class = DeliveryOutput

    @extend_schema(request=DeliveryBulkInput, responses={201: DeliveryOutput(many=True), 404: ErrorDetail})
    def post(self, request):
        data = DeliveryBulkInput(data=request.data)
        data.is_valid(raise_exception=True)
        referral = _referral_for_action(request, data.validated_data["referral"])
        try:
            created = services.delivery_bulk_create(actor=request.user, referral=referral,
                            rows=[dict(r) for r in data.validated_data["rows"]], source=DeliverySource.API)
        except ImportRejected as exc:  # row numbers stay numbers for the client
            return Response({"rows": [{"row": e.row, "field": e.field, "message": str(e.message)}
                                      for e in exc.errors]}, status=status.HTTP_400_BAD_REQUEST)
        return Response(DeliveryOutput(created, many=True).data, status=status.HTTP_201_CREATED)
