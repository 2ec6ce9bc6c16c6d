"""The care side's writes in the REST API: everything the pages of care can do, through the same services and
the same checks (``care.services``; a refusal is the same message as on the page, 400 or 403).

- a PAI: goals, interventions (and their correction or cancellation), signature, review with a new version,
  case manager, notes with an attachment (multipart);
- referrals: sending one for an intervention, starting and cancelling it (accept, decline, complete are in
  ``care.api``);
- the Budget di salute: opening one, the co-design team, budget lines, expenses (and their correction or
  cancellation);
- deliveries: correction and cancellation (logging them is in ``care.api``);
- protected discharges: planning one, required services and their confirmation, checklist, completion.

Each input has its own serializer, so the OpenAPI schema says what an operation takes, not what it answers.
``tests/test_api_twins.py`` walks the pages' forms and fails when one has no twin here."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ambito.access.models import Person
from ambito.accounts.models import AccessAction, Organisation
from ambito.accounts.services import access_log_record
from ambito.care import rules, selectors, services
from ambito.care.api import (
    CarePlanDetailOutput,
    DeliveryOutput,
    DeliveryRowInput,
    GoalOutput,
    HealthBudgetDetailOutput,
    HealthBudgetListApi,
    HealthBudgetOutput,
    InterventionOutput,
    ReferralOutput,
    _referral_for_action,
    referral_data,
)
from ambito.care.models import (
    BenefitCharacter,
    BudgetAxis,
    Delivery,
    DischargeSetting,
    Funder,
    GoalStatus,
    HealthBudgetExpense,
    IntensityUnit,
    MeansTest,
    NoteVisibility,
    Payer,
    PlannedIntervention,
    TeamRole,
)
from ambito.core.concurrency import StaleEditError, stale_conflict
from ambito.network.models import Service
from ambito.network.taxonomy import Area

CHOOSE_VALID = "Scegliere un valore valido: quello indicato non è tra le scelte possibili."


def _pick(queryset, pk, field: str):
    """The record ``pk`` among the choices the page's form offers, or a 400 naming the field."""
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: CHOOSE_VALID})
    return found


def _valid(serializer_class, request, **kwargs) -> dict:
    data = serializer_class(data=request.data, **kwargs)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def _correction(serializer_class, request, record) -> dict:
    """A PATCH correction: the fields sent over the record's current values; the reason is always needed."""
    data = serializer_class(data=request.data, partial=True)
    data.is_valid(raise_exception=True)
    names = [name for name in serializer_class().fields if name != "reason"]
    values = {name: getattr(record, name) for name in names} | dict(data.validated_data)
    values.setdefault("reason", "")
    return values


def _plan_for_write(request, pk):
    plan = selectors.care_plan_get(actor=request.user, pk=pk)
    if not rules.can_edit_care_plan(request.user, plan):  # a GP reads the plan, never changes it
        access_log_record(actor=request.user, record=plan, action=AccessAction.DENIED,
                          purpose="care plan change refused (API)")
        raise PermissionDenied
    return plan


class WriteApi(APIView):
    """One write: the record the caller may change (``target``, from the URL's arguments), the
    ``input_class`` validated (a PATCH takes the fields sent over the record's values), the service called
    (``write``), the ``serializer_class`` of what it returns (or ``answer``). A stale version is a 409 with
    the current state; a service's ValidationError is a 400 (``ambito.api.exceptions``). Each subclass gets
    its own handler for ``method`` and so its own OpenAPI operation."""

    method = "post"
    input_class = None  # None: the operation takes no body
    request_schema = None  # when the schema says more than input_class (e.g. multipart)
    responses = None  # default: {code: serializer_class}
    code = status.HTTP_200_OK

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)

        def handler(self, request, **kwargs):  # a function of its own: the schema is kept on it
            return self.write_answer(request, **kwargs)

        schema = extend_schema(request=cls.request_schema or cls.input_class,
                               responses=cls.responses or {cls.code: cls.serializer_class})
        setattr(cls, cls.method, schema(handler))

    def write_answer(self, request, **kwargs):
        target = self.target(request, **kwargs)
        if self.input_class is None:
            values = {}
        elif self.method == "patch":
            values = _correction(self.input_class, request, target)
        else:
            values = _valid(self.input_class, request)
        try:
            result = self.write(request, target, **values)
        except StaleEditError as exc:
            return Response(stale_conflict(exc, self.answer(request, None, **kwargs)),
                            status=status.HTTP_409_CONFLICT)
        return Response(self.answer(request, result, **kwargs), status=self.code)

    def answer(self, request, result, **kwargs):
        return self.serializer_class(result).data


class PlanWriteApi(WriteApi):
    """A write on a PAI answered with the plan as it now is."""

    serializer_class = CarePlanDetailOutput
    target = staticmethod(_plan_for_write)

    def answer(self, request, result, pk, **kwargs):
        return CarePlanDetailOutput(selectors.care_plan_get(actor=request.user, pk=pk)).data


# --- Care plan: goals, interventions, signature, review, case manager, notes ---------------------------------


class GoalInput(serializers.Serializer):
    description = serializers.CharField(max_length=300)
    indicator = serializers.CharField(max_length=200)
    baseline = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    target = serializers.CharField(max_length=60)
    review_on = serializers.DateField()


class CarePlanGoalApi(PlanWriteApi):
    """Add a measurable goal to the PAI (the page's "Add goal")."""

    input_class, serializer_class, code = GoalInput, GoalOutput, status.HTTP_201_CREATED
    answer = WriteApi.answer

    def write(self, request, plan, **values):
        return services.goal_add(actor=request.user, plan=plan, **values)


class InterventionInput(serializers.Serializer):
    service = serializers.IntegerField(help_text="Service id: an active service of the plan's Ambito.")
    description = serializers.CharField(max_length=300)
    intensity = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=0)
    intensity_unit = serializers.ChoiceField(choices=IntensityUnit.choices)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    payer = serializers.ChoiceField(choices=Payer.choices)
    person_share = serializers.DecimalField(max_digits=9, decimal_places=2, required=False, allow_null=True,
                                            default=None)
    # What SIUSS (PS-PSA) asks of the benefit, as on the page's form
    request_protocol = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    means_test = serializers.ChoiceField(choices=MeansTest.choices, required=False, allow_blank=True, default="",
                                         help_text="Empty: read from the service.")
    dsu_protocol = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    dsu_date = serializers.DateField(required=False, allow_null=True, default=None)
    character = serializers.ChoiceField(choices=BenefitCharacter.choices, required=False, allow_blank=True,
                                        default="", help_text="Empty: periodic.")
    monthly_amount = serializers.DecimalField(max_digits=11, decimal_places=2, min_value=0, required=False,
                                              allow_null=True, default=None)


def plan_services(plan):
    """The services an intervention of ``plan`` may use: the page's choices."""
    return Service.objects.filter(ambito_id=plan.ambito_id, active=True).exclude(
        service_type__in=["pua", "info_point"]).select_related("provider")


class CarePlanInterventionApi(PlanWriteApi):
    """Plan an intervention of the PAI (service, intensity, dates, who pays)."""

    input_class, serializer_class, code = InterventionInput, InterventionOutput, status.HTTP_201_CREATED
    answer = WriteApi.answer

    def write(self, request, plan, **values):
        values["service"] = _pick(plan_services(plan), values["service"], "service")
        return services.intervention_add(actor=request.user, plan=plan, **values)


class InterventionCorrectInput(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text="Why the intervention is corrected.")
    description = serializers.CharField(max_length=300)
    intensity = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=0)
    intensity_unit = serializers.ChoiceField(choices=IntensityUnit.choices)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    payer = serializers.ChoiceField(choices=Payer.choices)
    person_share = serializers.DecimalField(max_digits=9, decimal_places=2, required=False, allow_null=True,
                                            default=None)


class CancelInput(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text="Why it is cancelled (kept with the record).")


class CorrectableOutputMixin(serializers.Serializer):
    correction_reason = serializers.CharField()
    cancelled_at = serializers.DateTimeField(allow_null=True)
    cancel_reason = serializers.CharField()


class InterventionStateOutput(InterventionOutput, CorrectableOutputMixin):
    pass


def _intervention(request, pk, intervention_pk) -> PlannedIntervention:
    plan = _plan_for_write(request, pk)
    return get_object_or_404(PlannedIntervention.objects.select_related("service", "provider"),
                             pk=intervention_pk, care_plan=plan)


class CarePlanInterventionCorrectApi(WriteApi):
    """Correct a planned intervention, with the reason (the change history keeps the old values)."""

    method, input_class, serializer_class = "patch", InterventionCorrectInput, InterventionStateOutput
    target = staticmethod(_intervention)

    def write(self, request, intervention, **values):
        return services.intervention_correct(actor=request.user, intervention=intervention, **values)


class CarePlanInterventionCancelApi(WriteApi):
    """Cancel a planned intervention, with the reason: kept, marked cancelled."""

    input_class, serializer_class = CancelInput, InterventionStateOutput
    target = staticmethod(_intervention)

    def write(self, request, intervention, **values):
        return services.intervention_cancel(actor=request.user, intervention=intervention, **values)


class ReferralSendInput(serializers.Serializer):
    response_days = serializers.IntegerField(min_value=1, max_value=60, default=5)
    contact_email = serializers.EmailField(required=False, allow_blank=True, default="",
                                           help_text="For a provider without accounts: a single-use answer link.")


class CarePlanReferralSendApi(WriteApi):
    """Send a planned intervention to its provider (closed-loop referral)."""

    input_class, serializer_class, code = ReferralSendInput, ReferralOutput, status.HTTP_201_CREATED
    target = staticmethod(_intervention)

    def write(self, request, intervention, **values):
        return services.referral_send(actor=request.user, intervention=intervention, **values)


class SignInput(serializers.Serializer):
    version = serializers.IntegerField(required=False, allow_null=True, default=None,
                                       help_text="The version you read: a stale one is refused (409).")
    signed_on = serializers.DateField()
    signed_by = serializers.CharField(max_length=120)


class CarePlanSignApi(PlanWriteApi):
    """Record the person's (or family's) agreement: the plan becomes active."""

    input_class, responses = SignInput, {200: CarePlanDetailOutput, 409: None}

    def write(self, request, plan, version, **values):
        services.care_plan_sign(actor=request.user, plan=plan, expected_version=version, **values)


class GoalOutcomeInput(serializers.Serializer):
    goal = serializers.IntegerField(help_text="A goal of this plan.")
    outcome = serializers.ChoiceField(choices=GoalStatus.choices)
    value = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ReviewInput(serializers.Serializer):
    reviewed_on = serializers.DateField()
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    next_review_on = serializers.DateField(required=False, allow_null=True, default=None)
    close = serializers.BooleanField(required=False, default=False)
    outcomes = GoalOutcomeInput(many=True, help_text="One outcome for every goal still open or partly achieved.")


class RevisionOutput(serializers.Serializer):
    number = serializers.IntegerField()
    reviewed_on = serializers.DateField()
    summary = serializers.CharField()
    plan = CarePlanDetailOutput(source="care_plan")


class CarePlanReviewApi(PlanWriteApi):
    """Review the plan: an outcome per goal, a new version of the plan (or its closure)."""

    input_class, serializer_class, code = ReviewInput, RevisionOutput, status.HTTP_201_CREATED

    def write(self, request, plan, **values):
        outcomes = {}
        for row in values.pop("outcomes"):
            if row["goal"] in outcomes:
                raise ValidationError({"outcomes": "Un obiettivo compare due volte."})
            outcomes[row["goal"]] = {"outcome": row["outcome"], "value": row["value"], "note": row["note"]}
        revision = services.care_plan_review(actor=request.user, plan=plan, outcomes=outcomes, **values)
        revision.care_plan = selectors.care_plan_get(actor=request.user, pk=plan.pk)
        return revision

    answer = WriteApi.answer


class CaseManagerInput(serializers.Serializer):
    case_manager = serializers.IntegerField(help_text="User id of someone of the case team of the plan.")
    reason = serializers.CharField(max_length=300)
    version = serializers.IntegerField(required=False, allow_null=True, default=None,
                                       help_text="The version you read: a stale one is refused (409).")


class CarePlanCaseManagerApi(PlanWriteApi):
    """Hand the case to another case manager, with the reason."""

    input_class, responses = CaseManagerInput, {200: CarePlanDetailOutput, 409: None}

    def write(self, request, plan, case_manager, version, **values):
        manager = _pick(get_user_model().objects.filter(is_active=True), case_manager, "case_manager")
        services.care_plan_case_manager_set(actor=request.user, plan=plan, case_manager=manager,
                                            expected_version=version, **values)


class NoteInput(serializers.Serializer):
    text = serializers.CharField()
    visibility = serializers.ChoiceField(choices=NoteVisibility.choices)
    referral = serializers.IntegerField(required=False, allow_null=True, default=None,
                                        help_text="A referral of this plan (for a note shared with its provider).")
    attachment = serializers.FileField(required=False, allow_null=True, default=None,
                                       help_text="PDF, JPEG, PNG or text; send as multipart/form-data.")


class NoteOutput(serializers.Serializer):
    id = serializers.IntegerField()
    visibility = serializers.CharField()
    referral = serializers.IntegerField(source="referral_id", allow_null=True)
    text = serializers.CharField()
    created_at = serializers.DateTimeField()
    attachments = serializers.SerializerMethodField()

    def get_attachments(self, note) -> list[str]:
        return [a.original_name for a in note.attachments.all()]


class CarePlanNoteApi(PlanWriteApi):
    """Write a note on the case, with its visibility and an optional attachment (multipart/form-data)."""

    input_class, serializer_class, code = NoteInput, NoteOutput, status.HTTP_201_CREATED
    request_schema = {"multipart/form-data": NoteInput, "application/json": NoteInput}
    answer = WriteApi.answer

    def write(self, request, plan, referral, attachment, **values):
        referral = get_object_or_404(plan.referrals.all(), pk=referral) if referral else None
        return services.case_note_add(actor=request.user, person=plan.person, care_plan=plan, referral=referral,
                                      files=[attachment] if attachment else [], **values)


# --- Referrals: start, cancel --------------------------------------------------------------------------------


class ReferralWriteApi(WriteApi):
    """A write on a referral, answered as ``care.api`` answers it."""

    serializer_class = ReferralOutput
    target = staticmethod(_referral_for_action)

    def answer(self, request, referral, **kwargs):
        return referral_data(request.user, referral)


class ReferralStartApi(ReferralWriteApi):
    """The provider records that the service has started."""

    def write(self, request, referral):
        return services.referral_start(actor=request.user, referral=referral)


class ReferralCancelApi(ReferralWriteApi):
    """The case team withdraws a referral, with the reason."""

    input_class = CancelInput

    def write(self, request, referral, **values):
        return services.referral_cancel(actor=request.user, referral=referral, **values)


# --- Deliveries: correction and cancellation ------------------------------------------------------------------


class DeliveryCorrectInput(DeliveryRowInput):  # the fields of a logged delivery, and why it is corrected
    reason = serializers.CharField(max_length=300)


class DeliveryStateOutput(DeliveryOutput):
    class Meta(DeliveryOutput.Meta):
        fields = [*DeliveryOutput.Meta.fields, "correction_reason", "cancelled_at", "cancel_reason"]


def _delivery(request, pk) -> Delivery:
    delivery = get_object_or_404(Delivery.all_objects.select_related("referral"), pk=pk)
    _referral_for_action(request, delivery.referral_id)  # who may not see the referral: 403, logged
    return delivery


class DeliveryCorrectApi(WriteApi):
    """Correct a logged delivery, with the reason (the same rules as when it was logged)."""

    method, input_class, serializer_class = "patch", DeliveryCorrectInput, DeliveryStateOutput
    target = staticmethod(_delivery)

    def write(self, request, delivery, **values):
        return services.delivery_correct(actor=request.user, delivery=delivery, **values)


class DeliveryCancelApi(WriteApi):
    """Cancel a delivery logged by mistake, with the reason: kept, and out of every count."""

    input_class, serializer_class = CancelInput, DeliveryStateOutput
    target = staticmethod(_delivery)

    def write(self, request, delivery, **values):
        return services.delivery_cancel(actor=request.user, delivery=delivery, **values)


# --- Budget di salute --------------------------------------------------------------------------------------------


class HealthBudgetInput(serializers.Serializer):
    person = serializers.IntegerField(help_text="Person id, of the caller's case team.")
    title = serializers.CharField(max_length=200)
    area = serializers.ChoiceField(choices=[(Area.MENTAL_HEALTH, Area.MENTAL_HEALTH.label),
                                            (Area.DISABILITY, Area.DISABILITY.label)])
    start_date = serializers.DateField()
    end_date = serializers.DateField()


class BudgetLineInput(serializers.Serializer):
    axis = serializers.ChoiceField(choices=BudgetAxis.choices)
    funder = serializers.ChoiceField(choices=Funder.choices)
    description = serializers.CharField(max_length=200)
    planned_amount = serializers.DecimalField(max_digits=11, decimal_places=2)


class BudgetExpenseInput(serializers.Serializer):
    line = serializers.IntegerField(help_text="A budget line of this project.")
    spent_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=11, decimal_places=2)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class BudgetExpenseCorrectInput(serializers.Serializer):
    reason = serializers.CharField(max_length=300)
    spent_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=11, decimal_places=2)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class BudgetMemberInput(serializers.Serializer):
    role = serializers.ChoiceField(choices=TeamRole.choices)
    name = serializers.CharField(max_length=150)
    organisation = serializers.IntegerField(required=False, allow_null=True, default=None)


class BudgetExpenseOutput(CorrectableOutputMixin):
    id = serializers.IntegerField()
    line = serializers.IntegerField(source="line_id")
    spent_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=11, decimal_places=2)
    description = serializers.CharField()


def _budget_for_write(request, pk):
    budget = selectors.health_budget_get(actor=request.user, pk=pk)
    if not rules.can_edit_health_budget(request.user, budget):
        access_log_record(actor=request.user, record=budget, action=AccessAction.DENIED,
                          purpose="Budget di salute change refused (API)")
        raise PermissionDenied
    return budget


def _budget_answer(request, pk):
    return HealthBudgetDetailOutput(selectors.health_budget_get(actor=request.user, pk=pk)).data


class BudgetWriteApi(WriteApi):
    """A write on a Budget di salute answered with the project as it now is."""

    serializer_class, code = HealthBudgetDetailOutput, status.HTTP_201_CREATED
    target = staticmethod(_budget_for_write)

    def answer(self, request, result, pk, **kwargs):
        return _budget_answer(request, pk)


@extend_schema_view(post=extend_schema(request=HealthBudgetInput, responses={201: HealthBudgetDetailOutput}))
class HealthBudgetListCreateApi(HealthBudgetListApi, generics.ListCreateAPIView):
    """Budget di salute projects the caller may read; POST opens one for a person of the caller's territory."""

    serializer_class = HealthBudgetOutput

    def create(self, request, *args, **kwargs):
        values = _valid(HealthBudgetInput, request)
        if not rules.can_start_case(request.user):
            raise PermissionDenied
        values["person"] = get_object_or_404(Person, pk=values["person"])
        budget = services.health_budget_create(actor=request.user, **values)
        return Response(_budget_answer(request, budget.pk), status=status.HTTP_201_CREATED)


class HealthBudgetLineApi(BudgetWriteApi):
    """Plan an amount on one axis from one funder."""

    input_class = BudgetLineInput

    def write(self, request, budget, **values):
        services.health_budget_line_add(actor=request.user, budget=budget, **values)


class HealthBudgetExpenseApi(BudgetWriteApi):
    """Record money spent on a line of the project."""

    input_class, serializer_class = BudgetExpenseInput, BudgetExpenseOutput
    answer = WriteApi.answer

    def write(self, request, budget, **values):
        values["line"] = _pick(budget.lines.all(), values["line"], "line")
        return services.health_budget_expense_add(actor=request.user, **values)


def _expense(request, pk, expense_pk) -> HealthBudgetExpense:
    budget = _budget_for_write(request, pk)
    return get_object_or_404(HealthBudgetExpense.all_objects, pk=expense_pk, line__budget=budget)


class HealthBudgetExpenseCorrectApi(WriteApi):
    """Correct an expense, with the reason."""

    method, input_class, serializer_class = "patch", BudgetExpenseCorrectInput, BudgetExpenseOutput
    target = staticmethod(_expense)

    def write(self, request, expense, **values):
        return services.health_budget_expense_correct(actor=request.user, expense=expense, **values)


class HealthBudgetExpenseCancelApi(WriteApi):
    """Cancel an expense recorded by mistake, with the reason: kept, and out of the amounts spent."""

    input_class, serializer_class = CancelInput, BudgetExpenseOutput
    target = staticmethod(_expense)

    def write(self, request, expense, **values):
        return services.health_budget_expense_cancel(actor=request.user, expense=expense, **values)


class HealthBudgetMemberApi(BudgetWriteApi):
    """Add a member of the co-design team."""

    input_class = BudgetMemberInput

    def write(self, request, budget, **values):
        values["organisation"] = _pick(Organisation.objects.filter(active=True), values["organisation"],
                                       "organisation")
        services.health_budget_member_add(actor=request.user, budget=budget, **values)


# --- Protected discharges ------------------------------------------------------------------------------------


class DischargeServiceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    service = serializers.CharField(source="service.name")
    confirmed_at = serializers.DateTimeField(allow_null=True)


class DischargeTaskOutput(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    owner_organisation = serializers.CharField(source="owner_organisation.name")
    owner_name = serializers.CharField()
    due_on = serializers.DateField()
    done_at = serializers.DateTimeField(allow_null=True)


class DischargeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    person = serializers.IntegerField(source="person_id")
    pseudonym = serializers.CharField(source="person.pseudonym")
    setting = serializers.CharField()
    facility = serializers.CharField()
    planned_on = serializers.DateField()
    status = serializers.CharField()
    completed_on = serializers.DateField(allow_null=True)
    services_active_on_day = serializers.IntegerField(allow_null=True)


class DischargeDetailOutput(DischargeOutput):
    services = DischargeServiceOutput(many=True, source="services.all")
    tasks = DischargeTaskOutput(many=True, source="tasks.all")


class DischargeInput(serializers.Serializer):
    person = serializers.IntegerField(help_text="Person id, of the caller's case team.")
    setting = serializers.ChoiceField(choices=DischargeSetting.choices)
    facility = serializers.CharField(max_length=200)
    planned_on = serializers.DateField()


class DischargeServiceInput(serializers.Serializer):
    service = serializers.IntegerField(help_text="An active service of the discharge's Ambito.")


class DischargeTaskInput(serializers.Serializer):
    label = serializers.CharField(max_length=200)
    owner_organisation = serializers.IntegerField(help_text="An organisation of the discharge's Ambito.")
    owner_name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    due_on = serializers.DateField()


class DischargeCompleteInput(serializers.Serializer):
    completed_on = serializers.DateField(required=False, allow_null=True, default=None,
                                         help_text="The day the person went home; today if not given.")
    confirm_incomplete = serializers.BooleanField(
        default=False, help_text="Required (true) when services are not confirmed or checklist items are open.")


@extend_schema_view(post=extend_schema(request=DischargeInput, responses={201: DischargeDetailOutput}))
class DischargeListApi(generics.ListCreateAPIView):
    """Protected discharges of the caller's territory; POST plans one."""

    serializer_class = DischargeOutput

    def get_queryset(self):
        if not rules.can_start_case(self.request.user):
            return selectors.discharge_list(actor=self.request.user).none()
        return selectors.discharge_list(actor=self.request.user).order_by("status", "planned_on", "id")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        selectors.log_list(actor=request.user, records=page, purpose="protected discharge list (API)")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request, *args, **kwargs):
        values = _valid(DischargeInput, request)
        if not rules.can_start_case(request.user):
            raise PermissionDenied
        values["person"] = get_object_or_404(Person, pk=values["person"])
        discharge = services.discharge_create(actor=request.user, **values)
        return Response(_discharge_answer(request, discharge.pk), status=status.HTTP_201_CREATED)


def _discharge_answer(request, pk):
    return DischargeDetailOutput(selectors.discharge_get(actor=request.user, pk=pk)).data


def _discharge(request, pk):
    return selectors.discharge_get(actor=request.user, pk=pk)


class DischargeWriteApi(WriteApi):
    """A write on a protected discharge answered with the discharge as it now is."""

    serializer_class = DischargeDetailOutput
    target = staticmethod(_discharge)

    def answer(self, request, result, pk, **kwargs):
        return _discharge_answer(request, pk)


class DischargeDetailApi(APIView):
    serializer_class = DischargeDetailOutput

    def get(self, request, pk):
        return Response(_discharge_answer(request, pk))


def discharge_services(discharge):
    return Service.objects.filter(ambito_id=discharge.ambito_id, active=True).exclude(
        service_type__in=["pua", "info_point"])


class DischargeServiceApi(DischargeWriteApi):
    """Require a service that must be active on the discharge day."""

    input_class, code = DischargeServiceInput, status.HTTP_201_CREATED

    def write(self, request, discharge, service):
        service = _pick(discharge_services(discharge), service, "service")
        services.discharge_service_require(actor=request.user, discharge=discharge, service=service)


class DischargeServiceConfirmApi(DischargeWriteApi):
    """The service (its provider, or the case team on its behalf) confirms it will be active on the day."""

    @staticmethod
    def target(request, pk, item_pk):
        return get_object_or_404(_discharge(request, pk).services.all(), pk=item_pk)

    def write(self, request, item):
        services.discharge_service_confirm(actor=request.user, item=item)


class DischargeTaskApi(DischargeWriteApi):
    """Add a checklist item, due by the discharge day."""

    input_class, code = DischargeTaskInput, status.HTTP_201_CREATED

    def write(self, request, discharge, **values):
        values["owner_organisation"] = _pick(Organisation.objects.filter(ambito_id=discharge.ambito_id, active=True),
                                             values["owner_organisation"], "owner_organisation")
        services.discharge_task_add(actor=request.user, discharge=discharge, **values)


class DischargeTaskDoneApi(DischargeWriteApi):
    """Tick a checklist item as done."""

    @staticmethod
    def target(request, pk, task_pk):
        return get_object_or_404(_discharge(request, pk).tasks.all(), pk=task_pk)

    def write(self, request, task):
        services.discharge_task_done(actor=request.user, task=task)


class DischargeCompleteApi(DischargeWriteApi):
    """Record the discharge and how many required services were active on the day."""

    input_class = DischargeCompleteInput

    def write(self, request, discharge, completed_on, confirm_incomplete):
        services.discharge_complete(actor=request.user, discharge=discharge,
                                    completed_on=completed_on or timezone.localdate(),
                                    confirm_incomplete=confirm_incomplete)
