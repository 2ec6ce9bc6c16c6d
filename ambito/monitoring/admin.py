from django.contrib import admin

from ambito.monitoring.models import PlanIndicatorLink, ReportNarrative, Survey, SurveyQuestion


class SurveyQuestionInline(admin.TabularInline):
    model = SurveyQuestion
    extra = 3


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "service", "active", "created_at"]
    list_filter = ["active"]
    list_select_related = ["service"]
    search_fields = ["title", "service__name"]
    inlines = [SurveyQuestionInline]


@admin.register(ReportNarrative)
class ReportNarrativeAdmin(admin.ModelAdmin):
    list_display = ["ambito", "year", "updated_at"]


@admin.register(PlanIndicatorLink)
class PlanIndicatorLinkAdmin(admin.ModelAdmin):
    list_display = ["code", "plan_indicator"]
    list_select_related = ["plan_indicator"]
    raw_id_fields = ["plan_indicator"]
