from auditlog.registry import auditlog
from django.contrib import admin

from ambito.care import models


class GoalInline(admin.TabularInline):
    model = models.Goal
    extra = 0


class InterventionInline(admin.TabularInline):
    model = models.PlannedIntervention
    extra = 0
    raw_id_fields = ["service", "provider"]


@admin.register(models.CarePlan)
class CarePlanAdmin(admin.ModelAdmin):
    list_display = ["id", "person", "title", "comune", "status", "start_date", "end_date", "revision"]
    list_filter = ["status", "comune", "area"]
    raw_id_fields = ["person", "request", "assessment", "case_manager", "created_by"]
    list_select_related = ["person", "comune"]
    inlines = [GoalInline, InterventionInline]


class BudgetLineInline(admin.TabularInline):
    model = models.HealthBudgetLine
    extra = 0


@admin.register(models.HealthBudget)
class HealthBudgetAdmin(admin.ModelAdmin):
    list_display = ["id", "person", "title", "status", "start_date", "end_date"]
    raw_id_fields = ["person", "care_plan", "created_by"]
    list_select_related = ["person"]
    inlines = [BudgetLineInline]


@admin.register(models.Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ["id", "person", "provider", "service", "status", "sent_at", "answer_due_on", "answered_at"]
    list_filter = ["status", "provider"]
    raw_id_fields = ["person", "care_plan", "intervention", "service", "provider", "sent_by"]
    list_select_related = ["person", "provider", "service"]


@admin.register(models.Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["id", "delivered_on", "person", "provider", "delivery_type", "hours", "amount", "operator_name"]
    list_filter = ["delivery_type", "provider", "source"]
    raw_id_fields = ["referral", "person", "service", "provider", "recorded_by", "comune"]
    list_select_related = ["person", "provider"]
    show_full_result_count = False


@admin.register(models.Discharge)
class DischargeAdmin(admin.ModelAdmin):
    list_display = ["id", "person", "setting", "facility", "planned_on", "status"]
    raw_id_fields = ["person", "care_plan", "created_by"]


for model in (models.CarePlan, models.Goal, models.PlannedIntervention, models.HealthBudget,
              models.HealthBudgetLine, models.HealthBudgetExpense, models.Referral, models.Discharge,
              models.DischargeService, models.DischargeTask, models.CaseNote):
    auditlog.register(model)
