"""API pieces every app's API uses (the error answer, the jobs an export or report starts) and the jobs
endpoint. The project-level wiring (routing, schema, token) is ``ambito.api``, which nothing below imports."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from ambito.core.models import Job
from ambito.core.selectors import job_visible_to


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]})
class MessagesField(serializers.Field):
    """One message (DRF's own errors) or a list of them (a service's ValidationError)."""


class ErrorDetail(serializers.Serializer):
    """The answer to an unauthenticated, forbidden, missing or throttled request, or a refused action."""

    detail = MessagesField()


def query_value(request, name: str, field):
    """One query parameter checked with a DRF field (``serializers.IntegerField(min_value=1)``): its value,
    None when absent or blank, or a 400 that names the parameter (not a 500 from the database). The
    operation's schema must document the parameter: ``ambito.api.query`` refuses the undocumented ones."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return field.run_validation(raw)
    except ValidationError as exc:
        raise ValidationError({name: exc.detail}) from None


class JobOutputSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()
    status_url = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = ["id", "kind", "title", "status", "progress", "message", "created_at", "finished_at",
                  "result_data", "status_url", "download_url"]

    def get_download_url(self, job) -> str | None:
        if not job.result_file:
            return None
        return self.context["request"].build_absolute_uri(reverse("job-download", args=[job.pk]))

    def get_status_url(self, job) -> str:
        return self.context["request"].build_absolute_uri(reverse("api-job-detail", args=[job.pk]))


def job_response(request, job, status=202) -> Response:
    """What every export/report endpoint returns: the job id, its state and (when done) the download link."""
    return Response(JobOutputSerializer(job, context={"request": request}).data, status=status)


class JobDetailApi(APIView):
    serializer_class = JobOutputSerializer

    def get(self, request, pk):
        job = get_object_or_404(Job, pk=pk)
        if not job_visible_to(actor=request.user, job=job):
            return Response({"detail": "Not found."}, status=404)
        return job_response(request, job, status=200)
