from django_tasks import task


@task()
def run_job(job_id: str) -> str:
    from ambito.core.services import job_run

    return job_run(job_id).status
