from auditlog.registry import auditlog
from django.contrib import admin

from ambito.planning.models import (
    AgreementParty,
    BudgetLine,
    CarryOver,
    Contribution,
    Intervention,
    Objective,
    Plan,
    PlanVersion,
    StaffPosition,
)


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "ambito", "start_year", "end_year", "state", "current_version"]
    list_filter = ["state", "ambito"]


@admin.register(Intervention)
class InterventionAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "plan", "area", "progress"]
    list_filter = ["plan", "area"]
    search_fields = ["code", "title"]


admin.site.register(PlanVersion)
admin.site.register(Objective)

for model in (Plan, PlanVersion, Objective, Intervention, BudgetLine, CarryOver, StaffPosition, Contribution,
              AgreementParty):
    auditlog.register(model)
