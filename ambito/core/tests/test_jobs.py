import pytest
from django.core.files.base import ContentFile

from ambito.accounts.models import AccessPurpose
from ambito.accounts.services import job_download_logged
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


def test_the_same_job_asked_by_another_user_is_another_job(client_as, demo, run_jobs,
                                                          django_capture_on_commit_callbacks):
    """A job is never shared across users: each gets their own id and their own file."""
    with django_capture_on_commit_callbacks(execute=True):
        planners = job_start(kind="tests.echo", actor=demo.users["planner"], params={"text": "ciao"}, title="Echo")
        workers = job_start(kind="tests.echo", actor=demo.users["sw.brugherio"], params={"text": "ciao"},
                            title="Echo")
    assert planners.pk != workers.pk
    run_jobs()
    for username, job in (("planner", planners), ("sw.brugherio", workers)):
        client = client_as(username)
        assert client.get(f"/api/v1/jobs/{job.pk}/").json()["status"] == "done"
        assert b"".join(client.get(f"/lavori/{job.pk}/scarica/").streaming_content) == b"ciao"


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


@pytest.mark.parametrize("kind", ["tests.echo", "privacy.subject_access"])
@pytest.mark.parametrize("stranger", ["admin", "sw.monza", "dpo", "planner"])
def test_nobody_but_the_requester_sees_or_downloads_a_job_administrators_included(client_as, demo, kind, stranger):
    owner = "dpo" if stranger != "dpo" else "planner"
    job = Job.objects.create(kind=kind, params={}, params_key="k", requested_by=demo.users[owner], title="t",
                             status=JobStatus.DONE, result_name="file.txt")
    job.result_file.save("file.txt", ContentFile(b"secret"))
    client = client_as(stranger)
    assert client.get(f"/lavori/{job.pk}/").status_code == 404
    assert client.get(f"/lavori/{job.pk}/scarica/").status_code == 404
    assert client.get(f"/api/v1/jobs/{job.pk}/").status_code == 404
    assert client_as(owner).get(f"/lavori/{job.pk}/").status_code == 200


@job_handler("tests.personal", on_download=job_download_logged(purpose=AccessPurpose.REPORTING))
def personal(job, progress):
    return JobOutput(name="persone.csv", content=b"P-AAAA;1\n")


def test_every_download_of_a_person_level_file_is_in_the_access_log(client_as, demo, run_jobs,
                                                                    django_capture_on_commit_callbacks):
    from ambito.accounts.models import AccessLog

    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="tests.personal", actor=demo.users["planner"], params={}, title="Persone")
    run_jobs()
    client = client_as("planner")
    for times in (1, 2):
        assert client.get(f"/lavori/{job.pk}/scarica/").status_code == 200
        entries = AccessLog.objects.filter(object_id=str(job.pk), user=demo.users["planner"])
        assert entries.count() == times
    entry = entries.first()
    assert (entry.action, entry.purpose_code, entry.role) == ("export", "reporting", "planner")
    assert "persone.csv" in entry.purpose


def test_a_download_of_an_aggregate_file_writes_no_access_log_row(client_as, demo, run_jobs,
                                                                  django_capture_on_commit_callbacks):
    from ambito.accounts.models import AccessLog

    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="tests.echo", actor=demo.users["planner"], params={"text": "ciao"}, title="Echo")
    run_jobs()
    before = AccessLog.objects.count()
    assert client_as("planner").get(f"/lavori/{job.pk}/scarica/").status_code == 200
    assert AccessLog.objects.count() == before


def test_a_download_of_an_art_15_export_goes_to_the_persons_trail(client_as, demo_with):
    from ambito.access.models import Person
    from ambito.accounts.models import AccessLog

    world = demo_with("access")
    person = Person.objects.order_by("pk").first()
    job = Job.objects.create(kind="privacy.subject_access", params={"person_id": person.pk}, params_key="e",
                             requested_by=world.users["dpo"], title="export", status=JobStatus.DONE,
                             result_name="dati.pdf")
    job.result_file.save("dati.pdf", ContentFile(b"%PDF"))
    assert client_as("dpo").get(f"/lavori/{job.pk}/scarica/").status_code == 200
    entry = AccessLog.objects.filter(person_id=person.pk, user=world.users["dpo"]).first()
    assert (entry.action, entry.purpose_code, entry.person_ref) == ("export", "gdpr_request", person.pseudonym)
