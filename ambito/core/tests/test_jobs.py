from ambito.core.jobs import JobOutput, job_handler
from ambito.core.models import Job, JobStatus
from ambito.core.services import job_start


@job_handler("tests.echo")
def echo(job, progress):
    progress(50, "halfway")
    if job.params.get("fail"):
        raise ValueError("boom")
    return JobOutput(name="echo.txt", content=job.params["text"].encode(), data={"length": len(job.params["text"])})


def test_the_same_job_asked_twice_while_queued_is_the_same_job(demo, django_capture_on_commit_callbacks):
    user = demo.users["planner"]
    with django_capture_on_commit_callbacks():
        first = job_start(kind="tests.echo", actor=user, params={"text": "ciao"}, title="Echo")
        second = job_start(kind="tests.echo", actor=user, params={"text": "ciao"}, title="Echo")
        other = job_start(kind="tests.echo", actor=user, params={"text": "altro"}, title="Echo")
    assert first.pk == second.pk
    assert other.pk != first.pk


def test_the_worker_runs_a_job_and_its_result_can_be_downloaded(client_as, demo, run_jobs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="tests.echo", actor=demo.users["planner"], params={"text": "ciao"}, title="Echo")
    run_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.progress == 100
    assert job.result_data == {"length": 4}
    client = client_as("planner")
    page = client.get(f"/lavori/{job.pk}/")
    assert "Scarica" in page.content.decode()
    download = client.get(f"/lavori/{job.pk}/scarica/")
    assert b"".join(download.streaming_content) == b"ciao"
    api = client.get(f"/api/v1/jobs/{job.pk}/").json()
    assert api["status"] == "done" and api["download_url"].endswith(f"/lavori/{job.pk}/scarica/")


def test_a_failed_job_says_why(demo, run_jobs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="tests.echo", actor=demo.users["planner"], params={"text": "x", "fail": True}, title="Echo")
    run_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "boom" in job.message


def test_only_the_requester_sees_a_job(client_as, demo):
    job = Job.objects.create(kind="tests.echo", params={}, params_key="k", requested_by=demo.users["planner"], title="t")
    assert client_as("sw.monza").get(f"/lavori/{job.pk}/").status_code == 404
    assert client_as("sw.monza").get(f"/api/v1/jobs/{job.pk}/").status_code == 404


@job_handler("tests.big")
def big(job, progress):
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as handle:
        for number in range(job.params["rows"]):
            handle.write(f"{number}\n")
    return JobOutput(name="big.csv", path=handle.name, data={"tmp": handle.name})


def test_a_result_written_to_a_temporary_file_is_stored_and_the_file_removed(demo, run_jobs, django_capture_on_commit_callbacks):
    from pathlib import Path

    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="tests.big", actor=demo.users["planner"], params={"rows": 10000}, title="Big")
    run_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.result_file.read().decode().splitlines()[-1] == "9999"
    assert not Path(job.result_data["tmp"]).exists()


def test_an_administrator_sees_others_jobs_but_never_a_persons_whole_record(client_as, demo):
    """The art. 15 export holds everything on a person: only the DPO who asked for it reads it."""
    report = Job.objects.create(kind="tests.echo", params={}, params_key="r", requested_by=demo.users["planner"],
                                title="report")
    export = Job.objects.create(kind="privacy.subject_access", params={}, params_key="e",
                                requested_by=demo.users["dpo"], title="export")
    admin = client_as("admin")
    assert admin.get(f"/lavori/{report.pk}/").status_code == 200
    assert admin.get(f"/lavori/{export.pk}/").status_code == 404
    assert admin.get(f"/lavori/{export.pk}/scarica/").status_code == 404
    assert admin.get(f"/api/v1/jobs/{export.pk}/").status_code == 404
    assert client_as("dpo").get(f"/lavori/{export.pk}/").status_code == 200
