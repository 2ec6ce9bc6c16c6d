"""REST API of the person's record kept right: contacts and guardian (``/api/v1/persons/{id}/contacts/``, ending
one with its reason) and the transfer to another Comune (``/api/v1/persons/{id}/transfer/``), through the same
services as the person page. Editing the record itself is ``PATCH /api/v1/persons/{id}/`` (versioned)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ambito.access import rules as access_rules
from ambito.access import selectors, services
from ambito.access.models import ContactKind, Person, PersonContact, PersonTransfer
from ambito.accounts.models import AccessAction
from ambito.accounts.services import access_log_record
from ambito.territory.models import Comune


class ContactOutput(serializers.ModelSerializer):
    class Meta:
        model = PersonContact
        fields = ["id", "kind", "name", "relationship", "phone", "email", "address", "lives_with_person",
                  "court_decree", "note", "created_at", "ended_at", "ended_reason"]


class ContactInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ContactKind.choices)
    name = serializers.CharField(max_length=150)
    relationship = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    lives_with_person = serializers.BooleanField(required=False, default=False)
    court_decree = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ContactEndInput(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class TransferInput(serializers.Serializer):
    to_comune = serializers.SlugRelatedField(slug_field="istat_code", queryset=Comune.objects.all(),
                                             help_text="ISTAT code of the Comune the person moves to.")
    moved_on = serializers.DateField()
    reason = serializers.CharField(max_length=300)
    handover_note = serializers.CharField(required=False, allow_blank=True, default="")


class TransferOutput(serializers.ModelSerializer):
    from_comune = serializers.CharField(source="from_comune.istat_code")
    to_comune = serializers.CharField(source="to_comune.istat_code")
    transferred_by = serializers.CharField(source="transferred_by.username")

    class Meta:
        model = PersonTransfer
        fields = ["id", "from_comune", "to_comune", "moved_on", "reason", "handover_note", "transferred_by",
                  "transferred_at"]


def _person_for_change(request, pk) -> Person:
    person = get_object_or_404(selectors.person_list(actor=request.user), pk=pk)
    if not access_rules.can_edit_person(request.user, person):
        access_log_record(actor=request.user, record=person, action=AccessAction.DENIED,
                          purpose="person record change refused (API)")
        raise PermissionDenied
    return person


class PersonContactsApi(APIView):
    """The person's family and support network, guardian or support administrator; POST records one."""

    serializer_class = ContactOutput

    @extend_schema(responses=ContactOutput(many=True))
    def get(self, request, pk):
        person = _person_for_change(request, pk)
        access_log_record(actor=request.user, record=person, action=AccessAction.READ, purpose="API contacts")
        return Response(ContactOutput(person.contacts.all(), many=True).data)

    @extend_schema(request=ContactInput, responses={201: ContactOutput})
    def post(self, request, pk):
        person = _person_for_change(request, pk)
        data = ContactInput(data=request.data)
        data.is_valid(raise_exception=True)
        contact = services.person_contact_add(actor=request.user, person=person, **data.validated_data)
        return Response(ContactOutput(contact).data, status=status.HTTP_201_CREATED)


class PersonContactEndApi(APIView):
    """A contact no longer in force, with the reason: kept."""

    serializer_class = ContactOutput

    @extend_schema(request=ContactEndInput, responses={200: ContactOutput})
    def post(self, request, pk, contact_pk):
        person = _person_for_change(request, pk)
        contact = get_object_or_404(person.contacts.all(), pk=contact_pk)
        data = ContactEndInput(data=request.data)
        data.is_valid(raise_exception=True)
        contact = services.person_contact_end(actor=request.user, contact=contact, **data.validated_data)
        return Response(ContactOutput(contact).data)


class PersonTransferApi(APIView):
    """Hand the person over to another Comune's social service (who, when, from, to, why)."""

    serializer_class = TransferOutput

    @extend_schema(request=TransferInput, responses={201: TransferOutput})
    def post(self, request, pk):
        person = _person_for_change(request, pk)
        data = TransferInput(data=request.data)
        data.is_valid(raise_exception=True)
        transfer = services.person_transfer(actor=request.user, person=person, **data.validated_data)
        return Response(TransferOutput(transfer).data, status=status.HTTP_201_CREATED)



