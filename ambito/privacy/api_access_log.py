"""REST API of the access log (*registro degli accessi*): a person's trail for the DPO and the person's case
manager, and the whole log of their Ambiti for the DPO. Thin: permission, selector, serialiser. Reading the
log is itself logged (purpose ``audit``)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied

from ambito.access.models import Person
from ambito.accounts.models import AccessAction, AccessLog, AccessPurpose
from ambito.accounts.roles import Role
from ambito.accounts.services import access_log_record, access_log_records
from ambito.privacy import rules, selectors


class AccessLogEntryOutput(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", default=None, help_text="Who (null: no signed-in user).")
    user_name = serializers.SerializerMethodField()
    organisation = serializers.CharField(source="organisation.name", default=None, allow_null=True)
    role = serializers.ChoiceField(choices=Role.choices, allow_blank=True)
    action = serializers.ChoiceField(choices=AccessAction.choices)
    purpose_code = serializers.ChoiceField(choices=AccessPurpose.choices)
    record_type = serializers.SerializerMethodField()

    class Meta:
        model = AccessLog
        fields = ["id", "at", "user", "username", "user_name", "organisation_id", "organisation", "role", "action",
                  "purpose_code", "purpose", "record_type", "object_id", "person_id", "person_ref"]

    def get_user_name(self, entry) -> str | None:
        return (entry.user.get_full_name() or entry.user.username) if entry.user else None

    def get_record_type(self, entry) -> str:
        return f"{entry.content_type.app_label}.{entry.content_type.model}"


class FilterInput(serializers.Serializer):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    action = serializers.ChoiceField(choices=AccessAction.choices, required=False)
    purpose = serializers.ChoiceField(choices=AccessPurpose.choices, required=False)
    user = serializers.IntegerField(required=False, min_value=1)
    include_own_audit = serializers.BooleanField(required=False, default=False)


FILTER_PARAMETERS = [
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="Entries on or after this day."),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="Entries on or before this day."),
    OpenApiParameter("action", str, enum=AccessAction.values, description="Only this action."),
    OpenApiParameter("purpose", str, enum=AccessPurpose.values, description="Only this purpose code."),
    OpenApiParameter("user", int, description="Only the entries of this user id."),
]
LIST_PARAMETERS = [*FILTER_PARAMETERS, OpenApiParameter(
    "include_own_audit", bool, description="Also the caller's own reads of the log (hidden by default: every "
                                           "call adds some).")]


class _AccessLogList(generics.ListAPIView):
    serializer_class = AccessLogEntryOutput
    filter_backends = []  # filters are validated by FilterInput and applied by the selector

    def filters(self) -> dict:
        data = FilterInput(data=self.request.query_params)
        data.is_valid(raise_exception=True)
        filters = dict(data.validated_data)
        filters["exclude_own_audit"] = not filters.pop("include_own_audit", False)
        return filters

    def list(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        page = self.paginate_queryset(queryset)
        self.log_page(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def log_page(self, page):
        pass


@extend_schema(tags=["access log"], parameters=FILTER_PARAMETERS,
               summary="Who accessed a person's record",
               description="Every read and write of the person's data (their record, requests, assessments, care "
                           "plans, referrals...), newest first. For a DPO of an organisation of the person's Ambito "
                           "and the person's case manager; 403 for anyone else, whether or not the person exists.")
class PersonAccessLogView(_AccessLogList):
    def get_queryset(self):
        person = Person.objects.filter(pk=self.kwargs["pk"]).first()
        if person is None or not rules.can_view_person_access_log(self.request.user, person):
            raise PermissionDenied
        filters = self.filters()
        # logged before the read, as on the page: the reader's own visit is part of the trail they get
        access_log_record(actor=self.request.user, record=person, action=AccessAction.READ,
                          purpose=AccessPurpose.AUDIT, detail="API access log of the person")
        return selectors.person_access_log(person=person, filters=filters)


@extend_schema(tags=["access log"], parameters=LIST_PARAMETERS,
               summary="The access log of the DPO's Ambiti",
               description="Entries made for an organisation of the DPO's Ambiti or about a person of those Ambiti, "
                           "newest first. Only for a data protection officer; 403 for anyone else.")
class AccessLogView(_AccessLogList):
    def get_queryset(self):
        if not rules.can_read_access_log(self.request.user):
            raise PermissionDenied
        return selectors.access_log_list(actor=self.request.user, filters=self.filters())

    def log_page(self, page):
        access_log_records(actor=self.request.user, records=page, action=AccessAction.LIST,
                           purpose=AccessPurpose.AUDIT, detail="API access log of the Ambito")
