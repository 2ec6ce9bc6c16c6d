import hashlib
import json
import logging
from pathlib import Path

from auditlog.context import set_actor
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ambito.core.jobs import JobOutput, handler_for, kind_of
from ambito.core.models import Job, JobStatus

logger = logging.getLogger(__name__)


def _params_key(kind: str, params: dict) -> str:
    return hashlib.sha256(json.dumps([kind, params], sort_keys=True, default=str).encode()).hexdigest()


@transaction.atomic
def job_start(*, kind: str, actor, params: dict, title: str, run_after=None) -> Job:
    """Queue a job, or return the same job if the same user already asked for it with these parameters and it
    is still queued or running. Never another user's job: a job and its file are its requester's only, and
    what a job reads can depend on who asked (e.g. the Comuni of a SIUSS export). ``run_after`` (a datetime)
    holds it back until then (a debounced refresh)."""
    handler_for(kind)  # fail now, not in the worker, for an unknown kind
    key = _params_key(kind, params)
    requester = {"requested_by": actor} if actor is not None else {"requested_by__isnull": True}
    running = (
        Job.objects.select_for_update()
        .filter(kind=kind, params_key=key, status__in=[JobStatus.QUEUED, JobStatus.RUNNING], **requester)
        .first()
    )
    if running is not None:
        return running
    job = Job.objects.create(kind=kind, params=params, params_key=key, requested_by=actor, title=title[:200])
    from ambito.core.tasks import run_job

    task = run_job.using(run_after=run_after) if run_after is not None else run_job
    transaction.on_commit(lambda: task.enqueue(str(job.pk)))
    return job


def job_progress(job: Job, percent: int, message: str = "") -> None:
    """Visible progress, written outside any surrounding transaction's rows but in one UPDATE."""
    percent = max(0, min(100, int(percent)))
    Job.objects.filter(pk=job.pk).update(progress=percent, message=message[:500])
    job.progress, job.message = percent, message


def job_run(job_id) -> Job:
    """Run one job by id (called by the task worker)."""
    job = Job.objects.get(pk=job_id)
    if job.finished:
        return job
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
    try:
        with set_actor(job.requested_by):  # changes the job makes carry its requester in the change history
            output: JobOutput = handler_for(job.kind)(job, lambda percent, message="": job_progress(job, percent,
                                                                                                    message))
    except Exception as exc:  # the job records the failure for the person waiting on it
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        job.status = JobStatus.FAILED
        job.message = getattr(exc, "user_message", None) or _("The job failed: %(error)s") % {"error": str(exc)[:300]}
        job.result_data = getattr(exc, "result_data", None) or job.result_data
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "message", "result_data", "finished_at"])
        return job
    output = output or JobOutput()
    if output.path is not None:
        try:
            with open(output.path, "rb") as handle:
                job.result_file.save(output.name, File(handle, name=output.name), save=False)
        finally:
            Path(output.path).unlink(missing_ok=True)
        job.result_name = output.name
    elif output.content:
        job.result_file.save(output.name, ContentFile(output.content), save=False)
        job.result_name = output.name
    job.result_data = output.data
    job.status = JobStatus.DONE
    job.progress = 100
    job.message = output.message or _("Done.")
    job.finished_at = timezone.now()
    job.save()
    return job


def job_download_record(*, actor, job: Job) -> None:
    """Account for a download of a job's file. A kind whose file holds person-level data registered
    ``on_download``, which writes the access-log row; an aggregate-only file (reports, open data, plan
    documents) holds no personal record and gets only a line in this module's log."""
    try:
        on_download = kind_of(job.kind).on_download
    except LookupError:
        on_download = None
        logger.warning("job %s of unknown kind %s downloaded by user id %s", job.pk, job.kind,
                       getattr(actor, "pk", None))
    if on_download is not None:
        on_download(actor=actor, job=job)
    else:
        logger.info("job %s (%s) downloaded by user id %s", job.pk, job.kind, getattr(actor, "pk", None))
