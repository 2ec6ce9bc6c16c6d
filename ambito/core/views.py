from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ambito.core.models import Job
from ambito.core.selectors import job_visible_to
from ambito.core.services import job_download_record
from ambito.core.tabular import download_response


@require_GET
@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _job_for(request, job_id) -> Job:
    job = get_object_or_404(Job, pk=job_id)
    if not job_visible_to(actor=request.user, job=job):
        raise Http404
    return job


@login_required
@never_cache
def job_detail(request, job_id):
    job = _job_for(request, job_id)
    template = "core/job.html#job-status" if request.htmx else "core/job.html"
    return render(request, template, {"job": job})


@login_required
def job_download(request, job_id):
    job = _job_for(request, job_id)
    if not job.result_file:
        raise PermissionDenied
    handle = job.result_file.open("rb")
    job_download_record(actor=request.user, job=job)
    return download_response(handle, filename=job.result_name)
