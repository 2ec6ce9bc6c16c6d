"""REST API of the plans of other parties (the ASST's PPT, the Region's social plan), the links of a Piano di
Zona to their objectives and a plan's alignment to its Region's objectives (issue 20). Reads for those who may
read the partner plans (planning office, district, regional observer); writes for the planning office."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from ambito.accounts.models import Organisation
from ambito.accounts.roles import Role
from ambito.accounts.selectors import scope_for
from ambito.core.api import ErrorDetail
from ambito.planning import rules, services_partner
from ambito.planning.models import Intervention, Objective, PartnerLink, PartnerObjective, PartnerPlanKind
from ambito.planning.selectors import plan_list
from ambito.planning.selectors_partner import partner_plan_list, partner_plan_objectives, plan_alignment
from ambito.territory.models import Ambito


def _error(exc, code=status.HTTP_400_BAD_REQUEST):
    return Response({"detail": exc.messages}, status=code)


class PartnerLinkOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    partner_objective = serializers.IntegerField(source="partner_objective_id")
    plan = serializers.SerializerMethodField()
    objective = serializers.IntegerField(source="objective_id", allow_null=True)
    intervention = serializers.IntegerField(source="intervention_id", allow_null=True)
    code = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()
    linked_at = serializers.DateTimeField()

    def get_plan(self, link) -> int:
        return (link.objective or link.intervention).plan_id

    def get_code(self, link) -> str:
        return (link.objective or link.intervention).code

    def get_title(self, link) -> str:
        return (link.objective or link.intervention).title


class PartnerObjectiveOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    links = PartnerLinkOutputSerializer(many=True, source="visible_links", required=False)


class PartnerPlanOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=PartnerPlanKind.choices)
    region_code = serializers.CharField()
    organisation = serializers.IntegerField(source="organisation_id", allow_null=True)
    title = serializers.CharField()
    start_year = serializers.IntegerField()
    end_year = serializers.IntegerField()


class PartnerPlanDetailOutputSerializer(PartnerPlanOutputSerializer):
    objectives = PartnerObjectiveOutputSerializer(many=True, source="objectives_list")


class PartnerPlanInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PartnerPlanKind.choices)
    title = serializers.CharField(max_length=200)
    start_year = serializers.IntegerField(min_value=2000, max_value=2100)
    end_year = serializers.IntegerField(min_value=2000, max_value=2100)
    organisation = serializers.IntegerField(required=False, allow_null=True)


class PartnerObjectiveInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=12)
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class PartnerLinkInputSerializer(serializers.Serializer):
    partner_objective = serializers.IntegerField()
    objective = serializers.IntegerField(required=False, allow_null=True)
    intervention = serializers.IntegerField(required=False, allow_null=True)


class PartnerPlanListApi(APIView):
    """Plans of the ASST and of the Region the caller may read. POST (planning office): add one of its region."""

    @extend_schema(responses=PartnerPlanOutputSerializer(many=True))
    def get(self, request):
        plans = partner_plan_list(actor=request.user).order_by("kind", "start_year", "id")
        return Response(PartnerPlanOutputSerializer(plans, many=True).data)

    @extend_schema(request=PartnerPlanInputSerializer, responses={201: PartnerPlanOutputSerializer})
    def post(self, request):
        data = PartnerPlanInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        ambito = Ambito.objects.filter(
            pk__in=scope_for(request.user).ambito_ids(Role.PLANNER, Role.ADMINISTRATOR)).order_by("pk").first()
        if ambito is None:
            raise ApiPermissionDenied()
        organisation = fields.pop("organisation", None)
        try:
            plan = services_partner.partner_plan_create(
                actor=request.user, region_code=ambito.region_code,
                organisation=Organisation.objects.filter(pk=organisation).first() if organisation else None,
                **fields)
        except PermissionDenied as exc:
            raise ApiPermissionDenied() from exc
        except ValidationError as exc:
            return _error(exc)
        return Response(PartnerPlanOutputSerializer(plan).data, status=status.HTTP_201_CREATED)


class PartnerPlanDetailApi(APIView):
    """One partner plan with its objectives and, for each, the Piano di Zona objectives and interventions
    linked to it that the caller may read."""

    @extend_schema(responses=PartnerPlanDetailOutputSerializer)
    def get(self, request, pk):
        partner_plan = get_object_or_404(partner_plan_list(actor=request.user), pk=pk)
        partner_plan.objectives_list = partner_plan_objectives(actor=request.user, partner_plan=partner_plan)
        return Response(PartnerPlanDetailOutputSerializer(partner_plan).data)


class PartnerObjectiveCreateApi(APIView):
    """Add an objective to a partner plan (planning office)."""

    @extend_schema(request=PartnerObjectiveInputSerializer, responses={201: PartnerObjectiveOutputSerializer})
    def post(self, request, pk):
        partner_plan = get_object_or_404(partner_plan_list(actor=request.user), pk=pk)
        if not rules.can_edit_partner_plan(request.user, partner_plan):
            raise ApiPermissionDenied()
        data = PartnerObjectiveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            objective = services_partner.partner_objective_save(actor=request.user, partner_plan=partner_plan,
                                                                **data.validated_data)
        except PermissionDenied as exc:
            raise ApiPermissionDenied() from exc
        except ValidationError as exc:
            return _error(exc)
        objective.visible_links = []
        return Response(PartnerObjectiveOutputSerializer(objective).data, status=status.HTTP_201_CREATED)


class PartnerLinkCreateApi(APIView):
    """Link a Piano di Zona objective or intervention (exactly one) to a partner objective (planning office of
    the plan's Ambito, in any state of the plan)."""

    @extend_schema(request=PartnerLinkInputSerializer,
                   responses={201: PartnerLinkOutputSerializer, 404: ErrorDetail})
    def post(self, request):
        data = PartnerLinkInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        plans = plan_list(actor=request.user)
        partner_objective = get_object_or_404(PartnerObjective.objects.filter(
            partner_plan__in=partner_plan_list(actor=request.user).values("id")), pk=fields["partner_objective"])
        objective = get_object_or_404(Objective.objects.filter(plan__in=plans), pk=fields["objective"]) \
            if fields.get("objective") else None
        intervention = get_object_or_404(Intervention.objects.filter(plan__in=plans), pk=fields["intervention"]) \
            if fields.get("intervention") else None
        try:
            link = services_partner.partner_link_add(actor=request.user, partner_objective=partner_objective,
                                                     objective=objective, intervention=intervention)
        except PermissionDenied as exc:
            raise ApiPermissionDenied() from exc
        except ValidationError as exc:
            return _error(exc)
        return Response(PartnerLinkOutputSerializer(link).data, status=status.HTTP_201_CREATED)


class PartnerLinkDetailApi(APIView):
    """DELETE a link (planning office of the plan's Ambito)."""

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk):
        visible = plan_list(actor=request.user).values("id")
        link = get_object_or_404(PartnerLink.objects.filter(Q(objective__plan__in=visible)
                                                            | Q(intervention__plan__in=visible)), pk=pk)
        try:
            services_partner.partner_link_remove(actor=request.user, link=link)
        except PermissionDenied as exc:
            raise ApiPermissionDenied() from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class AlignmentRowSerializer(serializers.Serializer):
    partner_plan = serializers.IntegerField(source="partner_plan.pk")
    objective = serializers.IntegerField(source="objective.pk")
    code = serializers.CharField(source="objective.code")
    title = serializers.CharField(source="objective.title")
    objectives = serializers.SerializerMethodField()
    interventions = serializers.SerializerMethodField()
    budget = serializers.DecimalField(max_digits=14, decimal_places=2)

    def get_objectives(self, row) -> list[str]:
        return [o.code for o in row["objectives"]]

    def get_interventions(self, row) -> list[str]:
        return [i.code for i in row["interventions"]]


class PlanAlignmentOutputSerializer(serializers.Serializer):
    rows = AlignmentRowSerializer(many=True)
    objectives_linked = serializers.IntegerField()
    objectives_total = serializers.IntegerField()
    share = serializers.DecimalField(max_digits=4, decimal_places=3, allow_null=True)


class PlanAlignmentApi(APIView):
    """How the plan answers to its Region's social plan: per regional objective, the plan's objectives and
    interventions linked to it and the planned budget of the interventions that answer to it; the share of the
    plan's objectives linked to at least one regional objective. Aggregates only."""

    @extend_schema(responses=PlanAlignmentOutputSerializer)
    def get(self, request, pk):
        plan = get_object_or_404(plan_list(actor=request.user), pk=pk)
        return Response(PlanAlignmentOutputSerializer(plan_alignment(plan)).data)
