"""REST API of the PUA. Thin: parse input, call one service or selector, serialise. Records are addressed by
id (persons also by pseudonym); codici fiscali and names never appear in URLs or query strings."""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from ambito.access import rules as access_rules
from ambito.access import selectors, services
from ambito.access.models import (
    AccessRequest,
    Assessment,
    CaregiverBurden,
    Channel,
    Consent,
    ConsentKind,
    EntryStatus,
    IseeBand,
    Person,
    RemovalReason,
    RequestStatus,
    Scale,
    ScaleItem,
    ScaleScore,
    ScoreOperator,
    Sex,
    SlotChangeReason,
    TriageKind,
    TriageOutcome,
    TriageRule,
    WaitingList,
    WaitingListEntry,
    WaitingListSlotChange,
)
from ambito.accounts.models import AccessAction
from ambito.accounts.services import access_log_record, access_log_records
from ambito.core.api import query_value
from ambito.network.models import Service
from ambito.network.taxonomy import Area
from ambito.territory.models import Ambito, Comune


class LoggedListMixin:
    """List endpoints log the persons they return (one INSERT per page)."""

    log_purpose = "API list"

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        access_log_records(actor=request.user, records=rows, action=AccessAction.LIST, purpose=self.log_purpose)
        serializer = self.get_serializer(rows, many=True)
        return self.get_paginated_response(serializer.data) if page is not None else Response(serializer.data)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        access_log_record(actor=request.user, record=instance, action=AccessAction.READ, purpose="API read")
        return Response(self.get_serializer(instance).data)


# --- Persons -------------------------------------------------------------------------------------------------


class PersonOutput(serializers.ModelSerializer):
    residence_comune = serializers.CharField(source="residence_comune.istat_code")

    class Meta:
        model = Person
        fields = ["id", "pseudonym", "fiscal_code", "first_name", "last_name", "birth_date", "sex",
                  "birthplace_override", "residence_comune", "address", "phone", "email", "lives_alone",
                  "household_notes", "citizenship", "birthplace_code", "version"]


class PersonInput(serializers.Serializer):
    fiscal_code = serializers.CharField(max_length=16, required=False, allow_blank=True)
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    birth_date = serializers.DateField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    residence_comune = serializers.SlugRelatedField(slug_field="istat_code", queryset=Comune.objects.all())
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    lives_alone = serializers.BooleanField(required=False)
    household_notes = serializers.CharField(required=False, allow_blank=True)
    # SIUSS beneficiary data, as on the registration form (optional; the birthplace is read from the codice
    # fiscale when empty)
    citizenship = serializers.RegexField(
        services.CITIZENSHIP_PATTERN, max_length=3, required=False, allow_blank=True,
        error_messages={"invalid": services.CITIZENSHIP_INVALID},
        help_text="ISTAT code of the State of citizenship (three digits; Italy is 100).")
    birthplace_code = serializers.RegexField(
        services.BIRTHPLACE_PATTERN, max_length=4, required=False, allow_blank=True,
        error_messages={"invalid": services.BIRTHPLACE_INVALID},
        help_text="Cadastral (Belfiore) code of the Comune of birth, or Z and three digits for a foreign "
                  "State; read from the codice fiscale when empty.")
    confirm_birthplace = serializers.BooleanField(required=False, default=False)
    confirm_homonym = serializers.BooleanField(required=False, default=False)


class RegistrationReceivedOutput(serializers.Serializer):
    """The answer to a registrant who will not see the record (a GP): the same whether the person was new or
    already known to another office, so registering is no way to learn who is a client of the social services."""

    detail = serializers.ListField(child=serializers.CharField())
    code = serializers.CharField()


def _registration_received() -> Response:
    return Response({"detail": [str(services.REGISTRATION_RECEIVED)], "code": "registration_received"},
                    status=status.HTTP_202_ACCEPTED)


class PersonUpdateInput(PersonInput):
    version = serializers.IntegerField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "version":
                field.required = False


class ConsentOutput(serializers.ModelSerializer):
    class Meta:
        model = Consent
        fields = ["id", "kind", "given", "notice_version", "note", "recorded_at", "withdrawn_at"]


class ConsentInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ConsentKind.choices)
    given = serializers.BooleanField(default=True)
    notice_version = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PersonFilter(django_filters.FilterSet):
    comune = django_filters.CharFilter(field_name="residence_comune__istat_code")
    pseudonym = django_filters.CharFilter(field_name="pseudonym", lookup_expr="iexact")

    class Meta:
        model = Person
        fields = ["comune", "pseudonym"]


class PersonViewSet(LoggedListMixin, mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                    mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Persons known to the PUA (*anagrafica*) the caller may see. Filter by Comune ISTAT code or pseudonym."""

    serializer_class = PersonOutput
    filterset_class = PersonFilter
    log_purpose = "API person list"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.person_list(actor=self.request.user)

    @extend_schema(request=PersonInput, responses={201: PersonOutput, 202: RegistrationReceivedOutput, 409: dict})
    def create(self, request, *args, **kwargs):
        """Register a person. 409 when the person is already registered: named if the caller may see them,
        otherwise not identified (a request to share the record goes to the office holding it). A caller who
        will not see the new record (a GP) gets 202 whether or not the person was already known."""
        data = PersonInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            person = services.person_create(actor=request.user, **data.validated_data)
        except services.PersonHeldElsewhere as refusal:
            if not refusal.received:
                raise
            return _registration_received()
        if not services.registrant_sees(request.user, person.residence_comune):
            return _registration_received()
        return Response(PersonOutput(person).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PersonUpdateInput, responses={200: PersonOutput, 409: dict})
    def partial_update(self, request, *args, **kwargs):
        person = self.get_object()
        if not access_rules.can_edit_person(request.user, person):  # a GP reads, never edits
            raise PermissionDenied
        data = PersonUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = fields.pop("version", None)
        if version is None:
            raise ValidationError({"version": ["Indicare la versione letta (version) per salvare le modifiche."]})
        fields.pop("confirm_homonym", None)
        person = services.person_update(actor=request.user, person=person, expected_version=version, **fields)
        return Response(PersonOutput(person).data)


    @extend_schema(request=ConsentInput, responses={200: ConsentOutput(many=True), 201: ConsentOutput})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def consents(self, request, pk=None):
        """Information notices and consents of the person (GDPR art. 7 and 13); POST records one."""
        person = self.get_object()
        if request.method == "POST":
            data = ConsentInput(data=request.data)
            data.is_valid(raise_exception=True)
            consent = services.consent_record(actor=request.user, person=person, **data.validated_data)
            return Response(ConsentOutput(consent).data, status=status.HTTP_201_CREATED)
        if not access_rules.can_edit_person(request.user, person):
            return Response({"detail": _("You cannot do this on this record.")}, status=status.HTTP_403_FORBIDDEN)
        access_log_record(actor=request.user, record=person, action=AccessAction.READ, purpose="API consents")
        return Response(ConsentOutput(person.consents.order_by("-recorded_at"), many=True).data)


# --- Requests ------------------------------------------------------------------------------------------------


class StatusChangeOutput(serializers.Serializer):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    at = serializers.DateTimeField()


class RequestOutput(serializers.ModelSerializer):
    person = serializers.CharField(source="person.pseudonym")
    comune = serializers.CharField(source="comune.istat_code")
    waiting_days_to_outcome = serializers.SerializerMethodField()

    class Meta:
        model = AccessRequest
        fields = ["id", "person", "comune", "channel", "need", "area", "urgency", "status", "triage_kind",
                  "triage_outcome", "triage_explanation", "outcome_note", "received_at", "triaged_at",
                  "assessment_at", "outcome_at", "closed_at", "waiting_days_to_outcome", "assigned_to", "version"]

    def get_waiting_days_to_outcome(self, obj) -> int | None:
        return selectors.request_waiting_times(request=obj)["to_outcome_days"]


class DoorPersonInput(serializers.Serializer):
    """The person a door brings a request for, found by codice fiscale or registered (``services.doors``)."""

    fiscal_code = serializers.CharField(max_length=16)
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    birth_date = serializers.DateField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    residence_comune = serializers.SlugRelatedField(slug_field="istat_code", queryset=Comune.objects.all())
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    lives_alone = serializers.BooleanField(required=False, default=False)


class RequestInput(serializers.Serializer):
    person = serializers.IntegerField(
        help_text="Person id (a person the caller may see); or give person_details instead", required=False)
    person_details = DoorPersonInput(
        required=False, help_text="A GP, hospital team or Third-Sector operator bringing a request: the person, "
                                  "found by codice fiscale or registered")
    consents = serializers.ListField(
        child=serializers.ChoiceField(choices=ConsentKind.choices), required=False, default=list,
        help_text="With person_details: the information notice (required) and the consents the bringer collected")
    channel = serializers.ChoiceField(choices=Channel.choices)
    need = serializers.CharField()
    area = serializers.ChoiceField(choices=Area.choices)
    urgency = serializers.IntegerField(min_value=1, max_value=4, default=2)


class TransitionInput(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=RequestStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AssignInput(serializers.Serializer):
    assignee = serializers.IntegerField(allow_null=True, help_text="The case worker's user id; null releases the case.")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300,
                                 help_text="Required when taking over a colleague's case.")


class TriageInput(serializers.Serializer):
    screening = serializers.DictField(child=serializers.DecimalField(max_digits=6, decimal_places=1), required=False)
    triage_kind = serializers.ChoiceField(choices=TriageKind.choices, required=False, allow_blank=True, default="")
    outcome = serializers.ChoiceField(choices=TriageOutcome.choices, required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RequestFilter(django_filters.FilterSet):
    comune = django_filters.CharFilter(field_name="comune__istat_code")
    person = django_filters.CharFilter(field_name="person__pseudonym", lookup_expr="iexact")

    class Meta:
        model = AccessRequest
        fields = ["status", "channel", "area", "comune", "person"]


class RequestViewSet(LoggedListMixin, mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                     viewsets.GenericViewSet):
    """Requests (*domande di accesso*) the caller may see; a GP sees only the ones it sent, with their outcome."""

    serializer_class = RequestOutput
    filterset_class = RequestFilter
    log_purpose = "API request list"

    def get_queryset(self):
        queryset = selectors.request_list(actor=self.request.user)
        # a page of the list joins only what its rows show (the selector joins five relations for the pages;
        # planning them cost 1.4 ms a page against 0.2, profiled in docs/performance.md)
        return queryset.select_related(None).select_related("person", "comune") if self.action == "list" else queryset

    @extend_schema(request=RequestInput, responses={201: RequestOutput})
    def create(self, request, *args, **kwargs):
        data = RequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        details, consents = fields.pop("person_details", None), fields.pop("consents", [])
        if details is not None:  # a door: the person by codice fiscale, the consents collected
            fields.pop("person", None)
            try:
                created = services.request_bring(actor=request.user, person=details, consents=consents, **fields)
            except DjangoValidationError as error:
                raise ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages) \
                    from None
            return Response(RequestOutput(created).data, status=status.HTTP_201_CREATED)
        if "person" not in fields:
            raise ValidationError({"person": ["Indicare la persona (person) oppure i suoi dati (person_details)."]})
        person = Person.objects.filter(access_rules.person_editable_q(request.user) | _gp_any(request.user),
                                       pk=fields.pop("person")).first()
        if person is None:
            raise ValidationError({"person": ["Persona non trovata."]})
        created = services.request_create(actor=request.user, person=person, **fields)
        return Response(RequestOutput(created).data, status=status.HTTP_201_CREATED)

    def _workable(self):
        instance = self.get_object()
        if not access_rules.can_work_on_request(self.request.user, instance):
            raise Http404
        return instance

    @extend_schema(request=TransitionInput, responses={200: RequestOutput})
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        data = TransitionInput(data=request.data)
        data.is_valid(raise_exception=True)
        instance = services.request_transition(actor=request.user, request=self._workable(),
                         **data.validated_data)
        return Response(RequestOutput(instance).data)

    @extend_schema(request=AssignInput, responses={200: RequestOutput})
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """Assign the request to a case worker of the office, hand it over (with a note), or release it
        (``assignee``: null); the history is kept."""
        item = self._workable()
        data = AssignInput(data=request.data)
        data.is_valid(raise_exception=True)
        assignee = None
        if data.validated_data["assignee"] is not None:
            assignee = services.assignable_workers(actor=request.user).filter(
                pk=data.validated_data["assignee"]).first()
            if assignee is None:
                raise ValidationError({"assignee": [_("This worker cannot work on this request (another Comune or "
                                                      "organisation).")]})
        instance = services.request_assign(actor=request.user, request=item, assignee=assignee,
                                           note=data.validated_data["note"])
        return Response(RequestOutput(instance).data)

    @extend_schema(request=TriageInput, responses={200: RequestOutput})
    @action(detail=True, methods=["post"])
    def triage(self, request, pk=None):
        data = TriageInput(data=request.data)
        data.is_valid(raise_exception=True)
        instance = services.request_triage(actor=request.user, request=self._workable(),
                         **data.validated_data)
        return Response(RequestOutput(instance).data)


def _gp_any(user):
    """A GP may send a request about any person it can see through its own earlier requests."""
    return access_rules.person_q(user)


# --- Assessments ---------------------------------------------------------------------------------------------


class ScaleScoreOutput(serializers.ModelSerializer):
    scale = serializers.CharField(source="scale.code")

    class Meta:
        model = ScaleScore
        fields = ["scale", "answers", "score", "max_score", "applicable_items", "corrected_score", "band",
                  "scored_at"]


class AssessmentOutput(serializers.ModelSerializer):
    person = serializers.CharField(source="person.pseudonym")
    scores = ScaleScoreOutput(many=True, read_only=True)

    class Meta:
        model = Assessment
        fields = ["id", "request", "person", "status", "scheduled_for", "held_on", "team", "need_profile",
                  "intensity", "decision", "decision_service", "notes", "completed_at", "scores"]


class AssessmentInput(serializers.Serializer):
    request = serializers.IntegerField()
    scheduled_for = serializers.DateField()
    team = serializers.ListField(child=serializers.CharField(max_length=60), required=False)


class ScoreInput(serializers.Serializer):
    scale = serializers.SlugRelatedField(slug_field="code", queryset=Scale.objects.filter(active=True))
    answers = serializers.DictField()


class CompleteInput(serializers.Serializer):
    need_profile = serializers.ChoiceField(choices=Assessment._meta.get_field("need_profile").choices)
    intensity = serializers.IntegerField(min_value=1, max_value=4)
    decision = serializers.ChoiceField(choices=Assessment._meta.get_field("decision").choices)
    decision_service = serializers.IntegerField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    held_on = serializers.DateField(required=False, allow_null=True)


class AssessmentViewSet(LoggedListMixin, mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):
    """UVM assessments; scales are scored by the server from the item answers."""

    serializer_class = AssessmentOutput
    log_purpose = "API assessment list"

    def get_queryset(self):
        queryset = selectors.assessment_list(actor=self.request.user)
        # as the request list: a page joins only the person its rows show
        return queryset.select_related(None).select_related("person") if self.action == "list" else queryset

    @extend_schema(request=AssessmentInput, responses={201: AssessmentOutput})
    def create(self, request, *args, **kwargs):
        data = AssessmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        target = selectors.request_get(actor=request.user, pk=fields.pop("request"))
        if target is None:
            raise ValidationError({"request": ["Domanda non trovata."]})
        assessment = services.assessment_schedule(actor=request.user, request=target, **fields)
        return Response(AssessmentOutput(assessment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ScoreInput, responses={200: ScaleScoreOutput})
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        data = ScoreInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.assessment_score(actor=request.user, assessment=self.get_object(),
                       **data.validated_data)
        return Response(ScaleScoreOutput(result).data)

    @extend_schema(request=CompleteInput, responses={200: AssessmentOutput})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        data = CompleteInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        service_id = fields.pop("decision_service", None)
        if service_id:
            fields["decision_service"] = Service.objects.filter(pk=service_id).first()
        assessment = services.assessment_complete(actor=request.user, assessment=self.get_object(), **fields)
        return Response(AssessmentOutput(selectors.assessment_get(actor=request.user, pk=assessment.pk)).data)


# --- Waiting lists -------------------------------------------------------------------------------------------


class WaitingListOutput(serializers.ModelSerializer):
    service_name = serializers.CharField(source="service.name")
    target_wait_days = serializers.IntegerField(source="service.target_wait_days", allow_null=True)
    waiting = serializers.IntegerField()

    class Meta:
        model = WaitingList
        fields = ["id", "service", "service_name", "open_slots", "waiting", "target_wait_days", "active"]


class EntryOutput(serializers.ModelSerializer):
    person = serializers.CharField(source="person.pseudonym")
    waited_days = serializers.SerializerMethodField(
        help_text="Days since the first entry on the list (a person removed and put back keeps one clock).")
    overdue_days = serializers.SerializerMethodField(
        help_text="Days past the service's target wait, or null when within it (or the service has none).")

    class Meta:
        model = WaitingListEntry
        fields = ["id", "waiting_list", "person", "request", "assessment", "status", "entered_at", "priority_score",
                  "priority_breakdown", "waited_days", "overdue_days", "previous_entry", "rejoined_at", "admitted_at",
                  "skip_reason", "removed_at", "removal_code", "removal_reason"]

    def get_waited_days(self, obj) -> int:
        return selectors.entry_waited(obj).days

    def get_overdue_days(self, obj) -> int | None:
        return selectors.entry_overdue_days(obj) if obj.status == EntryStatus.WAITING else None


class EntryInput(serializers.Serializer):
    person = serializers.IntegerField()
    assessment = serializers.IntegerField(required=False, allow_null=True)
    lives_alone = serializers.BooleanField(required=False, allow_null=True, default=None)
    caregiver_burden = serializers.ChoiceField(choices=CaregiverBurden.choices, default=CaregiverBurden.NONE)
    isee_band = serializers.ChoiceField(choices=IseeBand.choices, default=IseeBand.NOT_GIVEN)
    urgency = serializers.IntegerField(min_value=1, max_value=4, required=False, allow_null=True)
    uvm_intensity = serializers.IntegerField(min_value=1, max_value=4, required=False, allow_null=True)


class AdmitInput(serializers.Serializer):
    entry = serializers.IntegerField(required=False, allow_null=True)
    skip_reason = serializers.CharField(required=False, allow_blank=True, default="")


class RemoveInput(serializers.Serializer):
    reason = serializers.ChoiceField(choices=RemovalReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300,
                                 help_text="Required when the reason is 'other'.")


class SlotsInput(serializers.Serializer):
    open_slots = serializers.IntegerField(min_value=0, max_value=10_000, help_text="The free places now.")
    reason = serializers.ChoiceField(choices=SlotChangeReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300,
                                 help_text="Required when the reason is 'other'.")


class SlotChangeOutput(serializers.ModelSerializer):
    changed_by = serializers.CharField(source="changed_by.username", default=None)
    entry_person = serializers.CharField(source="entry.person.pseudonym", default=None)

    class Meta:
        model = WaitingListSlotChange
        fields = ["id", "kind", "slots_before", "slots_after", "reason", "note", "entry", "entry_person",
                  "changed_by", "changed_at"]


class WaitingListViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Waiting lists by service (counts only); entries and admissions for the case workers of the Comuni
    the service covers."""

    serializer_class = WaitingListOutput

    def get_queryset(self):
        return selectors.waiting_list_list(actor=self.request.user)

    @extend_schema(request=EntryInput, responses={200: EntryOutput(many=True), 201: EntryOutput, 409: dict})
    @action(detail=True, methods=["get", "post"])
    def entries(self, request, pk=None):
        waiting_list = self.get_object()
        if request.method == "GET":
            queryset = selectors.waiting_list_entries(actor=request.user, waiting_list=waiting_list)
            page = self.paginate_queryset(queryset)
            access_log_records(actor=request.user, records=page, action=AccessAction.LIST,
                               purpose="API waiting list")
            return self.get_paginated_response(EntryOutput(page, many=True).data)
        data = EntryInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        person = Person.objects.filter(access_rules.person_editable_q(request.user), pk=fields.pop("person")).first()
        if person is None:
            raise ValidationError({"person": ["Persona non trovata."]})
        assessment_id = fields.pop("assessment", None)
        if assessment_id:
            fields["assessment"] = selectors.assessment_get(actor=request.user, pk=assessment_id)
        entry = services.waiting_list_entry_add(actor=request.user, waiting_list=waiting_list, person=person,
                      **fields)
        return Response(EntryOutput(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AdmitInput, responses={200: EntryOutput})
    @action(detail=True, methods=["post"])
    def admit(self, request, pk=None):
        waiting_list = self.get_object()
        data = AdmitInput(data=request.data)
        data.is_valid(raise_exception=True)
        entry = None
        if data.validated_data.get("entry"):
            entry = selectors.waiting_list_entries(actor=request.user, waiting_list=waiting_list).filter(
                pk=data.validated_data["entry"]).first()
            if entry is None:
                raise ValidationError({"entry": ["Iscrizione non trovata in attesa."]})
        try:
            admitted = services.waiting_list_admit(actor=request.user, waiting_list=waiting_list, entry=entry,
                                                   skip_reason=data.validated_data["skip_reason"])
        except DjangoValidationError as exc:
            if getattr(exc, "code", None) not in ("no_slot", "not_waiting"):
                raise
            # A colleague took the last slot or the person meanwhile: a conflict, not a bad request.
            return Response({"detail": exc.messages, "code": exc.code}, status=status.HTTP_409_CONFLICT)
        return Response(EntryOutput(admitted).data)

    @extend_schema(request=SlotsInput, responses={200: WaitingListOutput(many=False), 400: dict})
    @action(detail=True, methods=["post"])
    def slots(self, request, pk=None):
        """Record the free places of the list's service, with why they change (kept in the history)."""
        waiting_list = self.get_object()
        data = SlotsInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.waiting_list_set_slots(actor=request.user, waiting_list=waiting_list, **data.validated_data)
        return Response(WaitingListOutput(selectors.waiting_list_get(actor=request.user, pk=waiting_list.pk)).data)

    @extend_schema(responses={200: SlotChangeOutput(many=True)})
    @action(detail=True, methods=["get"], url_path="slot-changes")
    def slot_changes(self, request, pk=None):
        """The history of the list's free places, newest first: recorded changes and admissions."""
        waiting_list = self.get_object()
        page = self.paginate_queryset(selectors.slot_changes(waiting_list=waiting_list))
        return self.get_paginated_response(SlotChangeOutput(page, many=True).data)


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("waiting_list", int, description="Only the entries of this waiting list."),
    OpenApiParameter("status", str, enum=EntryStatus.values, description="Only entries in this status.")]))
class WaitingListEntryViewSet(LoggedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                              viewsets.GenericViewSet):
    """Waiting-list entries the caller may see (all statuses), in priority order."""

    serializer_class = EntryOutput
    log_purpose = "API waiting list entries"

    def get_queryset(self):
        queryset = selectors.waiting_list_entries(actor=self.request.user, status=None)
        waiting_list = query_value(self.request, "waiting_list", serializers.IntegerField(min_value=1))
        if waiting_list:
            queryset = queryset.filter(waiting_list_id=waiting_list)
        if self.request.query_params.get("status"):
            queryset = queryset.filter(status=self.request.query_params["status"])
        return queryset

    @extend_schema(request=RemoveInput, responses={200: EntryOutput})
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        entry = self.get_object()
        data = RemoveInput(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.waiting_list_entry_remove(actor=request.user, entry=entry,
                                                   reason=data.validated_data["reason"],
                                                   note=data.validated_data["note"])
        return Response(EntryOutput(entry).data)


# --- Triage rules ------------------------------------------------------------------------------------------------


class TriageRuleOutput(serializers.ModelSerializer):
    scale = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = TriageRule
        fields = ["id", "ambito", "name", "order", "active", "channel", "area", "min_urgency", "scale",
                  "score_operator", "score_threshold", "triage_kind", "outcome", "explanation"]


class TriageRuleInput(serializers.Serializer):
    """A rule's conditions (all those given must hold) and the answer it proposes. ``scale`` is a scale code."""

    name = serializers.CharField(max_length=200)
    order = serializers.IntegerField(min_value=0, max_value=10_000, default=100)
    active = serializers.BooleanField(default=True)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False, allow_blank=True, default="")
    area = serializers.ChoiceField(choices=Area.choices, required=False, allow_blank=True, default="")
    min_urgency = serializers.IntegerField(min_value=1, max_value=4, required=False, allow_null=True, default=None)
    scale = serializers.SlugRelatedField(slug_field="code", queryset=Scale.objects.filter(active=True),
                                         required=False, allow_null=True, default=None)
    score_operator = serializers.ChoiceField(choices=ScoreOperator.choices, required=False, allow_blank=True,
                                             default="")
    score_threshold = serializers.DecimalField(max_digits=6, decimal_places=1, required=False, allow_null=True,
                                               default=None)
    triage_kind = serializers.ChoiceField(choices=TriageKind.choices)
    outcome = serializers.ChoiceField(choices=TriageOutcome.choices)
    explanation = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class TriagePreviewInput(TriageRuleInput):
    rule = serializers.IntegerField(required=False, allow_null=True, default=None,
                                    help_text="The rule being changed; none for a new rule.")


class TriageTransitionOutput(serializers.Serializer):
    before = serializers.CharField()
    after = serializers.CharField()
    count = serializers.IntegerField()


class TriagePreviewOutput(serializers.Serializer):
    days = serializers.IntegerField()
    requests = serializers.IntegerField(help_text="Requests received in the period.")
    matched = serializers.IntegerField(help_text="Requests the rule would decide.")
    changed = serializers.IntegerField(help_text="Requests whose proposal would change.")
    newly_missing = serializers.IntegerField(help_text="Requests that would wait for a missing score.")
    transitions = TriageTransitionOutput(many=True)


class TriageRuleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The Ambito's triage rules: case workers and the planning office read them; the planning office creates
    and changes them, and previews what a rule would do to the last month's requests (counts only)."""

    serializer_class = TriageRuleOutput

    def get_queryset(self):
        user = self.request.user
        readable = access_rules.triage_rule_ambito_ids(user) | access_rules.scope_for(user).ambito_ids(
            *access_rules.PERSON_ROLES)
        return TriageRule.objects.filter(ambito_id__in=readable).select_related("scale").order_by(
            "ambito", "order", "id")

    def _ambito(self):
        editable = access_rules.triage_rule_ambito_ids(self.request.user)
        if not editable:
            raise PermissionDenied(_("Only the Ambito's planning office edits the triage rules."))
        return Ambito.objects.get(pk=min(editable))

    @extend_schema(request=TriageRuleInput, responses={201: TriageRuleOutput})
    def create(self, request, *args, **kwargs):
        data = TriageRuleInput(data=request.data)
        data.is_valid(raise_exception=True)
        rule = services.triage_rule_save(actor=request.user, ambito=self._ambito(), **data.validated_data)
        return Response(TriageRuleOutput(rule).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TriageRuleInput, responses={200: TriageRuleOutput})
    def update(self, request, *args, **kwargs):
        rule = self.get_object()
        data = TriageRuleInput(data=request.data, partial=kwargs.get("partial", False))
        data.is_valid(raise_exception=True)
        saved = services.triage_rule_save(actor=request.user, ambito=rule.ambito, rule=rule,
                                          **data.validated_data)
        return Response(TriageRuleOutput(saved).data)

    @extend_schema(request=TriageRuleInput, responses={200: TriageRuleOutput})
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(request=TriagePreviewInput, responses={200: TriagePreviewOutput})
    @action(detail=False, methods=["post"])
    def preview(self, request):
        """What a new rule, or a changed version of ``rule``, would do to the last month's requests."""
        ambito = self._ambito()
        data = TriagePreviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        rule_id = fields.pop("rule")
        rule = None
        if rule_id:
            rule = TriageRule.objects.filter(ambito=ambito, pk=rule_id).first()
            if rule is None:
                raise ValidationError({"rule": [_("No such rule in your Ambito.")]})
        candidate = services.triage_rule_build(ambito=ambito, rule=rule, **fields)
        return Response(TriagePreviewOutput(services.triage_rule_preview(ambito=ambito, candidate=candidate)).data)


# --- Scales ------------------------------------------------------------------------------------------------------


class ScaleItemOutput(serializers.ModelSerializer):
    class Meta:
        model = ScaleItem
        fields = ["code", "order", "label", "options"]


class ScaleOutput(serializers.ModelSerializer):
    variant_of = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    items = ScaleItemOutput(many=True, read_only=True)

    class Meta:
        model = Scale
        fields = [
            "code",
            "name",
            "description",
            "min_score",
            "max_score",
            "direction",
            "allows_not_applicable",
            "variant_of",
            "active",
            "bands",
            "items",
        ]


class ScaleBandInput(serializers.Serializer):
    min = serializers.DecimalField(max_digits=6, decimal_places=1)
    max = serializers.DecimalField(max_digits=6, decimal_places=1)
    label = serializers.CharField(max_length=200)


class ScaleOptionInput(serializers.Serializer):
    value = serializers.CharField(max_length=40)
    points = serializers.DecimalField(
        max_digits=6,
        decimal_places=1,
        allow_null=True,
        help_text="null for an answer without points (“never done”).",
    )
    label = serializers.CharField(max_length=200)


class ScaleItemInput(serializers.Serializer):
    code = serializers.SlugField(
        max_length=40, help_text="An item of the scale (items are not added or removed)."
    )
    label = serializers.CharField(max_length=200)
    options = ScaleOptionInput(many=True)


class ScaleInput(serializers.Serializer):
    """A scale's name, description, bands and the answers of its items, as on the scale's page; the range, the
    direction and the items themselves stay. PUT gives every item; PATCH gives any of the fields, and of
    ``items`` only those that change (the others keep their label and answers)."""

    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    active = serializers.BooleanField(default=True)
    bands = ScaleBandInput(many=True)
    items = ScaleItemInput(many=True)


class ScaleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The assessment scales (Barthel, Lawton, SVAMA sections…), addressed by code: case workers and the
    planning office read them; the planning office changes their bands and answers, checked as on the scale's
    page (every possible score stays inside the scale's range)."""

    serializer_class = ScaleOutput
    lookup_field = "code"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    http_method_names = ["get", "put", "patch", "head", "options"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        user = request.user  # as the scales' page: the planning office and the case team read them
        if not access_rules.triage_rule_ambito_ids(user) and not access_rules.scope_for(user).has(
            *access_rules.PERSON_ROLES
        ):
            raise PermissionDenied

    def get_queryset(self):
        return Scale.objects.select_related("variant_of").prefetch_related("items").order_by("name", "id")

    def _current(self, scale) -> dict:
        return {
            "name": scale.name,
            "description": scale.description,
            "active": scale.active,
            "bands": scale.bands,
            "items": [{"code": i.code, "label": i.label, "options": i.options} for i in scale.items.all()],
        }

    @extend_schema(request=ScaleInput, responses={200: ScaleOutput})
    def update(self, request, *args, **kwargs):
        if not access_rules.triage_rule_ambito_ids(request.user):
            raise PermissionDenied(_("Only the planning office edits the scales."))
        scale = self.get_object()
        body = request.data
        if kwargs.get("partial"):  # what is not given stays as it is; items are merged by code
            body = body.dict() if hasattr(body, "dict") else dict(body)
            current = self._current(scale)
            given = body.get("items") if isinstance(body.get("items"), list) else None
            if given is not None and all(isinstance(i, dict) for i in given):
                codes = [i.get("code") for i in given]
                body = {**body, "items": [i for i in current["items"] if i["code"] not in codes] + given}
            body = {**current, **body}
        data = ScaleInput(data=body)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        codes = [item["code"] for item in fields["items"]]
        if len(set(codes)) != len(codes):
            raise ValidationError({"items": [_("Give each item of the scale once.")]})
        items = {
            item["code"]: {
                "label": item["label"],
                "options": [
                    {
                        "value": o["value"],
                        "label": o["label"],
                        "points": None if o["points"] is None else services.json_number(o["points"]),
                    }
                    for o in item["options"]
                ],
            }
            for item in fields["items"]
        }
        bands = [
            {
                "min": services.json_number(b["min"]),
                "max": services.json_number(b["max"]),
                "label": b["label"],
            }
            for b in fields["bands"]
        ]
        services.scale_update(
            actor=request.user,
            scale=scale,
            name=fields["name"],
            description=fields["description"],
            active=fields["active"],
            bands=bands,
            items=items,
        )
        return Response(ScaleOutput(self.get_queryset().get(pk=scale.pk)).data)

    @extend_schema(request=ScaleInput, responses={200: ScaleOutput})
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)
