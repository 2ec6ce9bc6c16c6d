from django.contrib import admin

from ambito.network.models import (
    InfoPointContact,
    Location,
    ProviderProfile,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)


class ScheduleInline(admin.TabularInline):
    model = Schedule
    extra = 0
    fields = ["weekday", "opens_at", "closes_at", "location", "notes"]


class ServiceAtLocationInline(admin.TabularInline):
    model = ServiceAtLocation
    extra = 0
    fields = ["location", "description"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "provider", "service_type", "area", "vacancies", "estimated_wait_days", "active"]
    list_filter = ["area", "service_type", "fee", "active"]
    search_fields = ["name", "description", "provider__name"]
    autocomplete_fields = ["provider", "taxonomy_term", "comuni", "staffed_by"]
    readonly_fields = ["hsds_id", "version"]
    inlines = [ServiceAtLocationInline, ScheduleInline]


@admin.register(ProviderProfile)
class ProviderProfileAdmin(admin.ModelAdmin):
    list_display = ["organisation", "legal_form", "runts_section", "runts_number", "accreditation_status",
                    "accreditation_expiry"]
    list_filter = ["legal_form", "runts_section", "accreditation_status"]
    readonly_fields = ["hsds_id", "version"]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "address", "comune"]
    search_fields = ["name", "address"]
    readonly_fields = ["hsds_id"]


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "macro_area"]
    search_fields = ["code", "name"]


@admin.register(InfoPointContact)
class InfoPointContactAdmin(admin.ModelAdmin):
    list_display = ["date", "info_point", "channel", "topic", "referred_to"]
    list_filter = ["channel", "topic"]
    date_hierarchy = "date"
