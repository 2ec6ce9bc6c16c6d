"""API shapes of the Piano di Zona. Money is Decimal, serialised as strings."""

from rest_framework import serializers

from ambito.planning.models import (
    AgreementParty,
    BudgetLine,
    CarryOver,
    Contribution,
    Indicator,
    Intervention,
    Objective,
    Plan,
    PlanVersion,
    StaffPosition,
)
from ambito.planning.services import available_transitions


class PlanAmbitoRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class PlanListSerializer(serializers.ModelSerializer):
    ambito = PlanAmbitoRefSerializer()

    class Meta:
        model = Plan
        fields = ["id", "ambito", "title", "start_year", "end_year", "state", "current_version", "version"]


class PlanCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    start_year = serializers.IntegerField(min_value=2000, max_value=2100)
    ambito = serializers.IntegerField(required=False, help_text="Needed only if you plan for several Ambiti.")


class PlanObjectiveSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objective
        fields = ["id", "code", "title", "description", "priorities"]


class PlanIndicatorSerializer(serializers.ModelSerializer):
    targets = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = ["id", "name", "unit", "baseline", "baseline_year", "lower_is_better", "targets"]

    def get_targets(self, indicator) -> dict[str, str]:
        return {str(t.year): str(t.value) for t in indicator.targets.all()}


class PlanBudgetLineSerializer(serializers.ModelSerializer):
    comune = serializers.CharField(source="comune.istat_code", default=None, allow_null=True)

    class Meta:
        model = BudgetLine
        fields = ["year", "source", "comune", "amount"]


class PlanStaffPositionSerializer(serializers.ModelSerializer):
    employer = serializers.CharField(source="employer.name")

    class Meta:
        model = StaffPosition
        fields = ["id", "profile", "fte", "employer", "permanent"]


class PlanInterventionSerializer(serializers.ModelSerializer):
    objective = serializers.CharField(source="objective.code", default=None, allow_null=True)
    comuni = serializers.SerializerMethodField()
    lead_organisation = serializers.CharField(source="lead_organisation.name", default=None, allow_null=True)
    partners = serializers.SerializerMethodField()
    indicators = PlanIndicatorSerializer(many=True)
    budget_lines = PlanBudgetLineSerializer(many=True)
    staffing = PlanStaffPositionSerializer(many=True)
    contributions = serializers.SerializerMethodField()

    class Meta:
        model = Intervention
        fields = ["id", "code", "title", "description", "objective", "area", "target_group", "comuni",
                  "lead_organisation", "partners", "leps", "lea", "service_type", "service", "start_date",
                  "end_date", "planned_total", "always_available", "progress", "progress_note", "version",
                  "indicators", "budget_lines", "staffing", "contributions"]

    def get_comuni(self, obj) -> list[str]:
        return [c.istat_code for c in obj.comuni.all()]

    def get_partners(self, obj) -> list[str]:
        return [p.name for p in obj.partners.all()]

    def get_contributions(self, obj) -> list[int]:
        return [c.id for c in obj.contributions.all()]


class PlanUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version you read: a stale one is refused (409).")
    title = serializers.CharField(max_length=200, required=False)
    needs_narrative = serializers.CharField(required=False, allow_blank=True)


class PlanInterventionUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version you read: a stale one is refused (409).")
    title = serializers.CharField(max_length=300, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    target_group = serializers.CharField(max_length=300, required=False, allow_blank=True)
    planned_total = serializers.CharField(required=False, allow_blank=True, allow_null=True)


class PlanContributionSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name")
    table = serializers.CharField(source="table.name", default=None, allow_null=True)
    objective = serializers.CharField(source="objective.code", default=None, allow_null=True)
    intervention = serializers.CharField(source="intervention.code", default=None, allow_null=True)

    class Meta:
        model = Contribution
        fields = ["id", "organisation", "table", "objective", "intervention", "title", "text", "status", "reason",
                  "submitted_at", "decided_at"]


class PlanPartySerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name")

    class Meta:
        model = AgreementParty
        fields = ["id", "organisation", "role", "required", "signatory", "signed_on"]


class PlanCarryOverSerializer(serializers.ModelSerializer):
    comune = serializers.CharField(source="comune.istat_code", default=None, allow_null=True)

    class Meta:
        model = CarryOver
        fields = ["source", "comune", "amount", "note"]


class PlanVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanVersion
        fields = ["number", "frozen", "reason", "created_at", "frozen_at"]


class PlanDetailSerializer(PlanListSerializer):
    objectives = PlanObjectiveSerializer(many=True)
    interventions = PlanInterventionSerializer(many=True)
    contributions = PlanContributionSerializer(many=True)
    parties = PlanPartySerializer(many=True)
    carry_overs = PlanCarryOverSerializer(many=True)
    versions = PlanVersionSerializer(many=True)
    transitions = serializers.SerializerMethodField()

    class Meta(PlanListSerializer.Meta):
        fields = [*PlanListSerializer.Meta.fields, "needs_narrative", "consultation_opened_at", "approved_at",
                  "transitions", "versions", "objectives", "interventions", "carry_overs", "contributions", "parties"]

    def get_transitions(self, plan) -> list[str]:
        return available_transitions(plan) if self.context.get("can_edit") else []


class PlanTransitionInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["start_coprogramming", "open_consultation", "approve", "put_in_force",
                                              "close", "start_revision"])
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class PlanBudgetAmountSerializer(serializers.Serializer):
    source = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)


class PlanBudgetOutputSerializer(serializers.Serializer):
    """Only for the schema: the response is built by ``BudgetTotals.as_api``."""

    year = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=14, decimal_places=2)
    by_source = PlanBudgetAmountSerializer(many=True)
    by_area = serializers.ListField(child=serializers.DictField())
    by_comune = serializers.ListField(child=serializers.DictField())
