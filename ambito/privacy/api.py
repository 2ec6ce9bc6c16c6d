"""REST API of the privacy app. Thin: parse input, call one service or selector, serialise. Persons are
addressed by pseudonym only."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from ambito.accounts.models import AccessAction
from ambito.accounts.services import access_log_record, access_log_records
from ambito.core.api import ErrorDetail, JobOutputSerializer, job_response
from ambito.privacy import rules, selectors, services
from ambito.privacy.models import PrivacyRequest, PrivacyRequestKind, PrivacyRequestStatus
from ambito.privacy.services import EXPORT_FORMATS

# --- Privacy requests ----------------------------------------------------------------------------------------


class PrivacyRequestOutput(serializers.ModelSerializer):
    person = serializers.CharField(source="person.pseudonym")
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = PrivacyRequest
        fields = ["id", "person", "kind", "status", "received_at", "due_by", "notes", "decided_by", "decided_at",
                  "outcome", "result"]

    def get_decided_by(self, obj) -> str | None:
        return obj.decided_by.get_username() if obj.decided_by else None


class PrivacyRequestInput(serializers.Serializer):
    person = serializers.CharField(max_length=16, help_text="The person's pseudonym.")
    kind = serializers.ChoiceField(choices=PrivacyRequestKind.choices)
    received_at = serializers.DateTimeField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class DecisionInput(serializers.Serializer):
    outcome = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema(tags=["privacy"])
@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter(
    "status", str, enum=PrivacyRequestStatus.values, description="Only requests in this status.")]))
class PrivacyRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                            viewsets.GenericViewSet):
    """Requests of data subjects (GDPR art. 15–21), for the DPO of the Ambito."""

    serializer_class = PrivacyRequestOutput

    def get_queryset(self):
        status = self.request.query_params.get("status", "")
        return selectors.privacy_request_list(actor=self.request.user,
                                              status=status if status in PrivacyRequestStatus.values else "")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        rows = page if page is not None else list(self.get_queryset())
        access_log_records(actor=request.user, records=rows, action=AccessAction.LIST,
                           purpose=f"{services.PURPOSE}: API requests")
        data = PrivacyRequestOutput(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        access_log_record(actor=request.user, record=instance, action=AccessAction.READ,
                          purpose=f"{services.PURPOSE}: API request")
        return Response(PrivacyRequestOutput(instance).data)

    @extend_schema(request=PrivacyRequestInput, responses={201: PrivacyRequestOutput, 404: ErrorDetail})
    def create(self, request, *args, **kwargs):
        if not rules.is_dpo(request.user):
            raise PermissionDenied
        data = PrivacyRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        person = selectors.dpo_person_get(actor=request.user, pseudonym=data.validated_data["person"])
        if person is None:
            raise Http404
        created = services.privacy_request_create(
            actor=request.user, person=person, kind=data.validated_data["kind"],
            received_at=data.validated_data.get("received_at"), notes=data.validated_data["notes"])
        return Response(PrivacyRequestOutput(created).data, status=201)

    def _decide(self, request, service):
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        decided = service(actor=request.user, request=self.get_object(), outcome=data.validated_data["outcome"])
        return Response(PrivacyRequestOutput(decided).data)

    @extend_schema(request=DecisionInput, responses={200: PrivacyRequestOutput},
                   description="Grant and close. Erasure and restriction are executed in the same transaction.")
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        return self._decide(request, services.privacy_request_complete)

    @extend_schema(request=DecisionInput, responses={200: PrivacyRequestOutput},
                   description="Refuse, with the reasons given to the person (required).")
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, services.privacy_request_reject)


# --- A person's data: export and change history -----------------------------------------------------------


def _person(request, pseudonym):
    person = selectors.person_for_privacy(actor=request.user, pseudonym=pseudonym)
    if person is None:
        raise Http404
    return person


class ExportInput(serializers.Serializer):
    format = serializers.ChoiceField(choices=[(f, f) for f in EXPORT_FORMATS], default="pdf")
    request = serializers.IntegerField(required=False, help_text="The privacy request this export answers.")


class PersonExportApi(APIView):
    """Start the art. 15 export of everything held on a person (PDF or JSON) as a background job."""

    @extend_schema(tags=["privacy"], request=ExportInput, responses={202: JobOutputSerializer})
    def post(self, request, pseudonym):
        person = _person(request, pseudonym)
        data = ExportInput(data=request.data)
        data.is_valid(raise_exception=True)
        answered = None
        if data.validated_data.get("request"):
            answered = selectors.privacy_request_get(actor=request.user, pk=data.validated_data["request"])
        job = services.subject_access_export_start(actor=request.user, person=person,
                                                   fmt=data.validated_data["format"], request=answered)
        return job_response(request, job)


class ChangeOutput(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class HistoryOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.CharField()
    record_type = serializers.CharField()
    record = serializers.CharField()
    record_id = serializers.CharField()
    action = serializers.CharField()
    changes = ChangeOutput(many=True)


class PersonHistoryApi(APIView):
    """The change history of the person's records (art. 16): who changed which field, from what to what."""

    @extend_schema(tags=["privacy"], responses={200: HistoryOutput(many=True)})
    def get(self, request, pseudonym):
        person = _person(request, pseudonym)
        access_log_record(actor=request.user, record=person, action=AccessAction.READ,
                          purpose=f"{services.PURPOSE}: API change history")
        rows = selectors.person_history(person=person, limit=selectors.HISTORY_LIMIT)
        return Response(HistoryOutput(rows, many=True).data)


class RecordOfProcessingApi(APIView):
    """The record of processing activities (art. 30), generated from the data model."""

    @extend_schema(tags=["privacy"], responses={200: OpenApiResponse(description="The record, schema "
                                                                                 "ambito.privacy.record-of-processing")})
    def get(self, request):
        if not rules.can_view_record_of_processing(request.user):
            raise PermissionDenied
        return Response(selectors.record_of_processing(actor=request.user))
