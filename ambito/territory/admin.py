from django.contrib import admin

from ambito.territory.models import Ambito, Comune, PopulationImport, PopulationRecord


@admin.register(Ambito)
class AmbitoAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region_name", "lead_comune"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["lead_comune"]


@admin.register(Comune)
class ComuneAdmin(admin.ModelAdmin):
    list_display = ["name", "istat_code", "belfiore_code", "province_code", "ambito"]
    list_filter = ["ambito", "region"]
    search_fields = ["name", "istat_code", "belfiore_code"]
    list_select_related = ["ambito"]


@admin.register(PopulationRecord)
class PopulationRecordAdmin(admin.ModelAdmin):
    list_display = ["comune", "year", "sex", "age", "count"]
    list_filter = ["year", "sex"]
    search_fields = ["comune__name", "comune__istat_code"]
    list_select_related = ["comune"]
    show_full_result_count = False


@admin.register(PopulationImport)
class PopulationImportAdmin(admin.ModelAdmin):
    list_display = ["source_name", "year", "rows", "comuni", "imported_at"]
    readonly_fields = ["source_name", "year", "rows", "comuni", "imported_at", "title"]
