from django.shortcuts import get_object_or_404
from django.urls import reverse
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from ambito.core.models import Job
from ambito.core.selectors import job_visible_to


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
