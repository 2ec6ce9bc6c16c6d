"""Admin for the PUA's configuration as data: scales, triage rules, priority criteria, waiting lists.
Person-level records are not in the admin: they are read and written through the audited pages and API."""

from auditlog.registry import auditlog
from django.contrib import admin

from ambito.access.models import (
    AccessRequest,
    CommunityDesk,
    DeskSession,
    PriorityCriterion,
    Scale,
    ScaleItem,
    TriageRule,
    WaitingList,
    WaitingListEntry,
)


class ScaleItemInline(admin.TabularInline):
    model = ScaleItem
    extra = 0


@admin.register(Scale)
class ScaleAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "min_score", "max_score", "direction", "allows_not_applicable", "active"]
    inlines = [ScaleItemInline]


@admin.register(TriageRule)
class TriageRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "ambito", "order", "channel", "area", "scale", "score_operator", "score_threshold",
                    "triage_kind", "outcome", "active"]
    list_filter = ["ambito", "active", "outcome"]
    list_editable = ["order", "active"]


@admin.register(PriorityCriterion)
class PriorityCriterionAdmin(admin.ModelAdmin):
    list_display = ["factor", "ambito", "waiting_list", "active"]
    list_filter = ["ambito", "factor"]


@admin.register(WaitingList)
class WaitingListAdmin(admin.ModelAdmin):
    list_display = ["service", "open_slots", "active"]
    list_select_related = ["service"]


class DeskSessionInline(admin.TabularInline):
    model = DeskSession
    extra = 0


@admin.register(CommunityDesk)
class CommunityDeskAdmin(admin.ModelAdmin):
    """Community access desks: place, Comune, opening sessions, the social workers and GPs who staff them."""

    list_display = ["name", "comune", "place", "active"]
    list_filter = ["ambito", "active"]
    list_select_related = ["comune"]
    filter_horizontal = ["staff"]
    inlines = [DeskSessionInline]


for model in (Scale, ScaleItem, TriageRule, PriorityCriterion, WaitingList):
    auditlog.register(model)
# Case records: the status trail only (the access log already names who read or wrote them); free text and
# personal data stay out of the change log.
auditlog.register(AccessRequest, include_fields=["status", "triage_kind", "triage_outcome", "assigned_to"])
auditlog.register(WaitingListEntry, include_fields=["status", "priority_score", "admitted_at", "removed_at"])
