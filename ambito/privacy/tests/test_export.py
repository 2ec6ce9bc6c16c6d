"""Art. 15: everything held on a person, from every source, as a readable PDF and a machine-readable JSON,
built by a background job, downloadable by the DPO and the case team, logged."""

import json
from io import BytesIO

import pytest
from pypdf import PdfReader

from ambito.accounts.models import AccessLog
from ambito.core.models import Job, JobStatus
from ambito.privacy import registry
from ambito.privacy.selectors import EXPORT_SCHEMA
from ambito.privacy.tests.conftest import FIRST, LAST

# Sources the subject has rows in (conftest.make_subject); the others are empty for this person.
EXPECTED = ["access.Person", "access.Consent", "access.AccessRequest", "access.RequestStatusChange",
            "access.Assessment", "access.ScaleScore", "care.CarePlan", "care.Goal", "care.PlannedIntervention",
            "care.HealthBudget", "care.HealthBudgetMember", "care.HealthBudgetLine", "care.HealthBudgetExpense",
            "care.Referral", "care.ReferralStatusChange", "care.Delivery", "care.Discharge", "care.CaseNote",
            "care.CaseAttachment"]


def _export(client, pseudonym, fmt, run_jobs, capture):
    with capture(execute=True):
        response = client.post(f"/privacy/persone/{pseudonym}/esporta/", {"format": fmt})
    job = Job.objects.filter(kind="privacy.subject_access").latest("created_at")
    assert response.status_code == 302 and response["Location"] == f"/lavori/{job.pk}/"
    run_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    download = client.get(f"/lavori/{job.pk}/scarica/")
    assert download.status_code == 200
    return job, b"".join(download.streaming_content)


def test_the_export_holds_every_record_of_the_person_in_pdf_and_json(subject, client_as, run_jobs,
                                                                     django_capture_on_commit_callbacks):
    client = client_as("dpo")
    job, raw = _export(client, subject.pseudonym, "json", run_jobs, django_capture_on_commit_callbacks)
    document = json.loads(raw)
    assert document["schema"] == EXPORT_SCHEMA and document["version"] == 1
    assert [s["key"] for s in document["sources"]] == [s.key for s in registry.sources()]
    by_key = {s["key"]: s for s in document["sources"]}
    for key in EXPECTED:
        expected = next(s for s in registry.sources() if s.key == key).rows_for(subject).count()
        assert len(by_key[key]["records"]) == expected > 0, key
    person = by_key["access.Person"]["records"][0]
    assert person["fiscal_code"] == subject.fiscal_code and person["last_name"] == LAST
    assert person["phone"] == "039 1111111"
    assert by_key["care.CaseNote"]["records"][0]["text"].startswith(f"Colloquio con {FIRST} {LAST}")
    assert by_key["care.Delivery"]["records"][0]["hours"] == "2.00"
    assert by_key["care.Referral"]["purpose"] and by_key["care.Delivery"]["retention"]
    assert "nonce_hash" not in by_key["care.ReferralLink"]["records"][0]  # a secret's hash is not the person's
    # the rectification of the phone is in the history, the reads in the access log
    assert any(c["old"] == "039 7654321" and c["new"] == "039 1111111"
               for row in document["history"] for c in row["changes"])
    assert any("PUA record update" == a["purpose"] for a in document["access_log"])
    assert job.result_name == f"dati-personali-{subject.pseudonym}.json"

    job, raw = _export(client, subject.pseudonym, "pdf", run_jobs, django_capture_on_commit_callbacks)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(raw)).pages).split())
    assert "Dati personali che ti riguardano" in text and subject.pseudonym in text
    assert subject.fiscal_code in text and f"Colloquio con {FIRST} {LAST}" in text
    for source in document["sources"]:
        if source["records"]:
            assert source["name"][:1].upper() + source["name"][1:] in text, source["key"]
    assert "Igiene personale tre mattine" in text and "San Gerardo" in text and "Progetto abitare" in text
    assert "039 7654321 → 039 1111111" in text
    assert AccessLog.objects.filter(user__username="dpo", action="export", person_ref=subject.pseudonym,
                                    purpose__startswith="gdpr_request").count() == 2


def test_only_the_dpo_and_the_case_team_may_export(subject, client_as):
    # sw.brugherio and asl.operator may: the person is shared with Brugherio and lives in the district
    for username in ("ets.operator", "planner", "observer", "gp", "admin"):
        response = client_as(username).post(f"/privacy/persone/{subject.pseudonym}/esporta/", {"format": "pdf"})
        assert response.status_code == 404, username
    assert not Job.objects.filter(kind="privacy.subject_access").exists()


def test_the_case_team_cannot_export_a_whole_record(subject, world, client_as):
    """The export gathers every source without the matrix's limits: only the DPO answers an art. 15 request."""
    from django.core.exceptions import PermissionDenied

    from ambito.privacy.services import subject_access_export_start

    for username in ("sw.monza", "asl.operator"):
        with pytest.raises(PermissionDenied):
            subject_access_export_start(actor=world.users[username], person=subject, fmt="json")
        response = client_as(username).post(f"/privacy/persone/{subject.pseudonym}/esporta/", {"format": "json"})
        assert response.status_code in (403, 404) and subject.last_name.encode() not in response.content


def test_a_requester_who_lost_access_gets_a_failed_job(subject, world, run_jobs, django_capture_on_commit_callbacks):
    from ambito.accounts.models import Membership
    from ambito.privacy.services import subject_access_export_start

    dpo = world.users["dpo"]
    with django_capture_on_commit_callbacks(execute=True):
        job = subject_access_export_start(actor=dpo, person=subject, fmt="pdf")
    Membership.objects.filter(user=dpo).update(active=False)
    run_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and not job.result_file


def test_the_export_pdf_fetches_nothing(subject):
    from ambito.core.pdf import static_only_fetcher
    from ambito.privacy.documents import export_context, render_pdf
    from ambito.privacy.selectors import person_export

    fetcher = static_only_fetcher()
    pdf = render_pdf("privacy/export_pdf.html", export_context(person_export(person=subject)), fetcher=fetcher)
    assert pdf.startswith(b"%PDF") and fetcher.refused == [] and fetcher.served == []
