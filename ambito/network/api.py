from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from ambito.accounts.models import OrganisationKind
from ambito.network import services as network_services
from ambito.network.models import Service
from ambito.network.selectors import DirectoryFilters, directory_search, info_point_list, provider_list
from ambito.network.serializers import (
    InfoPointOutputSerializer,
    OrganisationOutputSerializer,
    ServiceOutputSerializer,
    ServiceUpdateInputSerializer,
)
from ambito.network.taxonomy import Area, Fee, TargetGroup


class DirectoryQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    comune = serializers.CharField(required=False, allow_blank=True, help_text="ISTAT code of a Comune")
    area = serializers.ChoiceField(choices=Area.choices, required=False, allow_blank=True)
    target = serializers.ChoiceField(choices=TargetGroup.choices, required=False, allow_blank=True)
    fee = serializers.ChoiceField(choices=Fee.choices, required=False, allow_blank=True)
    open = serializers.BooleanField(required=False, default=False)


@extend_schema(parameters=[DirectoryQuerySerializer])
class ServiceListApi(generics.ListAPIView):
    """Services of the catalogue, with the public directory's search and filters."""

    serializer_class = ServiceOutputSerializer
    filter_backends = []

    def get_queryset(self):
        query = DirectoryQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        return directory_search(filters=DirectoryFilters(
            q=data.get("q", ""), comune=data.get("comune", ""), area=data.get("area", ""),
            target=data.get("target", ""), fee=data.get("fee", ""), open_now=data.get("open", False)))


class ServiceDetailApi(generics.GenericAPIView):
    """One service; PATCH edits it (planning office: every service; provider: its own, else 403, logged)."""

    serializer_class = ServiceOutputSerializer
    queryset = Service.objects.select_related("provider", "taxonomy_term").prefetch_related("comuni")

    def get(self, request, pk):
        return Response(ServiceOutputSerializer(get_object_or_404(self.get_queryset(), pk=pk)).data)

    @extend_schema(request=ServiceUpdateInputSerializer, responses=ServiceOutputSerializer)
    def patch(self, request, pk):
        service = get_object_or_404(self.get_queryset(), pk=pk)
        data = ServiceUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = fields.pop("version")
        try:
            service = network_services.service_update(actor=request.user, service=service, expected_version=version,
                                                      **fields)
        except ValidationError as error:
            raise ApiValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages) from error
        return Response(ServiceOutputSerializer(get_object_or_404(self.get_queryset(), pk=pk)).data)


@extend_schema(parameters=[OpenApiParameter("kind", str, enum=OrganisationKind.values,
                                            description="Only organisations of this kind.")])
class OrganisationListApi(generics.ListAPIView):
    """Providers: organisations delivering services, with legal form, RUNTS data and accreditation."""

    serializer_class = OrganisationOutputSerializer
    filter_backends = []

    def get_queryset(self):
        queryset = provider_list()
        kind = self.request.query_params.get("kind")
        return queryset.filter(kind=kind) if kind else queryset


class InfoPointListApi(generics.ListAPIView):
    serializer_class = InfoPointOutputSerializer
    filter_backends = []

    def get_queryset(self):
        return info_point_list()
