from rest_framework import serializers

from ambito.accounts.models import Organisation
from ambito.network.models import ProviderProfile, Schedule, Service


class ProviderProfileOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProviderProfile
        fields = ["legal_form", "runts_number", "runts_section", "areas", "accreditation_status",
                  "accreditation_date", "accreditation_expiry", "contact_name", "contact_email", "contact_phone",
                  "description"]


class OrganisationOutputSerializer(serializers.ModelSerializer):
    profile = ProviderProfileOutputSerializer(source="provider_profile", default=None, allow_null=True)
    service_count = serializers.IntegerField()

    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "tax_code", "email", "phone", "website", "profile", "service_count"]


class ScheduleOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Schedule
        fields = ["weekday", "opens_at", "closes_at", "notes"]


class ServiceOutputSerializer(serializers.ModelSerializer):
    provider = serializers.CharField(source="provider.name")
    provider_id = serializers.IntegerField()
    nomenclatore_code = serializers.CharField(source="taxonomy_term.code", default=None, allow_null=True)
    comuni = serializers.SerializerMethodField()

    class Meta:
        model = Service
        fields = ["id", "hsds_id", "name", "description", "provider_id", "provider", "service_type", "area",
                  "nomenclatore_code", "leps", "target_groups", "minimum_age", "maximum_age", "isee_max", "fee",
                  "fees_description", "eligibility_description", "application_process", "languages", "phone", "email",
                  "url", "comuni", "capacity", "capacity_unit", "vacancies", "estimated_wait_days", "target_wait_days",
                  "active", "version"]

    def get_comuni(self, service) -> list[str]:
        return [c.istat_code for c in service.comuni.all()]


class InfoPointOutputSerializer(ServiceOutputSerializer):
    staffed_by = serializers.SerializerMethodField()
    schedules = ScheduleOutputSerializer(many=True)

    class Meta(ServiceOutputSerializer.Meta):
        fields = [*ServiceOutputSerializer.Meta.fields, "staffed_by", "schedules"]

    def get_staffed_by(self, service) -> list[str]:
        return [o.name for o in service.staffed_by.all()]


class ServiceUpdateInputSerializer(serializers.Serializer):
    """Fields a provider or the planning office may change; ``version`` guards against lost updates."""

    version = serializers.IntegerField()
    description = serializers.CharField(required=False, allow_blank=True)
    eligibility_description = serializers.CharField(required=False, allow_blank=True)
    application_process = serializers.CharField(required=False, allow_blank=True)
    fees_description = serializers.CharField(required=False, allow_blank=True, max_length=300)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    email = serializers.EmailField(required=False, allow_blank=True)
    url = serializers.URLField(required=False, allow_blank=True)
    capacity = serializers.DecimalField(required=False, allow_null=True, max_digits=9, decimal_places=1)
    target_wait_days = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    active = serializers.BooleanField(required=False)
