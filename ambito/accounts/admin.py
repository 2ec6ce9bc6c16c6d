from auditlog.registry import auditlog
from django.contrib import admin

from ambito.accounts.models import AccessLog, Membership, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "ambito", "comune", "active"]
    list_filter = ["kind", "ambito", "active"]
    search_fields = ["name", "tax_code"]
    autocomplete_fields = ["comune", "parent"]
    filter_horizontal = ["comuni_served"]
    inlines = [MembershipInline]
    list_select_related = ["ambito", "comune"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "active"]
    list_filter = ["role", "active", "organisation__kind"]
    search_fields = ["user__username", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only for everyone, superusers included: the access log is evidence and is never edited. Rows
    leave only through the retention purge (``manage.py purge_access_log``)."""

    list_display = ["at", "user", "organisation", "role", "action", "purpose_code", "content_type", "object_id",
                    "person_id", "person_ref", "purpose"]
    list_filter = ["action", "purpose_code", "role", "content_type"]
    search_fields = ["person_ref", "user__username", "object_id"]
    date_hierarchy = "at"
    list_select_related = ["user", "organisation", "content_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


auditlog.register(Organisation)
auditlog.register(Membership)
