"""REST API of the plan's signed documents and meeting minutes: list and upload (multipart, PDF only) on the
plan, download by id. Who may read the plan reads them; the planning office uploads."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from ambito.core.tabular import download_response
from ambito.planning import services_files
from ambito.planning.models import Meeting, PlanFile, PlanFileKind
from ambito.planning.selectors import plan_list
from ambito.planning.selectors_files import plan_file_get, plan_files


class PlanFileOutput(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = PlanFile
        fields = ["id", "plan", "kind", "meeting", "title", "original_name", "size", "uploaded_at", "download_url"]

    def get_download_url(self, obj) -> str:
        return f"/api/v1/plan-files/{obj.pk}/download/"


class PlanFileInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PlanFileKind.choices)
    meeting = serializers.IntegerField(required=False, allow_null=True)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    file = serializers.FileField()


class PlanFilesApi(APIView):
    """GET: the plan's signed Accordo and meeting minutes. POST (planning office, multipart): store one PDF."""

    parser_classes = [MultiPartParser]

    @extend_schema(responses={200: PlanFileOutput(many=True)})
    def get(self, request, pk):
        plan = get_object_or_404(plan_list(actor=request.user), pk=pk)
        return Response(PlanFileOutput(plan_files(actor=request.user, plan=plan), many=True).data)

    @extend_schema(request={"multipart/form-data": PlanFileInput}, responses={201: PlanFileOutput, 400: dict})
    def post(self, request, pk):
        plan = get_object_or_404(plan_list(actor=request.user), pk=pk)
        data = PlanFileInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        meeting = (Meeting.objects.filter(pk=values["meeting"], table__plan=plan).first()
                   if values.get("meeting") else None)
        try:
            stored = services_files.plan_file_upload(actor=request.user, plan=plan, kind=values["kind"],
                                                     upload=values["file"], title=values["title"], meeting=meeting)
        except PermissionDenied as exc:
            raise ApiPermissionDenied(str(exc)) from None
        except ValidationError as exc:
            return Response({"detail": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
        return Response(PlanFileOutput(stored).data, status=status.HTTP_201_CREATED)


class PlanFileDownloadApi(APIView):
    """The stored PDF, for whoever may read its plan (404 otherwise)."""

    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request, pk):
        stored = plan_file_get(actor=request.user, pk=pk)
        if stored is None:
            raise NotFound(_("No such document."))
        return download_response(stored.file.open("rb"), filename=stored.original_name,
                                 content_type="application/pdf")
