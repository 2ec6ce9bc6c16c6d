"""Signed documents beside their records: the signed Accordo di Programma on the plan's Accordo page and a
meeting's minutes on the co-programming page. PDF only (checked by its bytes, not its name), size-capped,
stored in the private storage and downloaded through an access-checked view by whoever may read the plan."""

from datetime import date

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ambito.planning.models import CoprogrammingTable, Meeting, Plan, PlanFile, PlanFileKind

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="accordo-firmato.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, "application/pdf")


@pytest.fixture
def meeting(plan):
    table = CoprogrammingTable.objects.create(plan=plan, name="Tavolo anziani")
    return Meeting.objects.create(table=table, date=date(2025, 2, 10), place="Monza")


def _body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_planning_office_keeps_the_signed_accordo_and_everyone_who_reads_the_plan_downloads_it(
        plan, planner, demo, client):
    client.force_login(planner)
    response = client.post(reverse("planning-file-upload", args=[plan.pk]),
                           {"kind": "agreement", "title": "Accordo firmato", "file": pdf()})
    assert response.status_code == 302 and response.url == reverse("planning-agreement", args=[plan.pk])
    stored = PlanFile.objects.get(plan=plan)
    assert (stored.kind, stored.original_name, stored.uploaded_by) == (PlanFileKind.AGREEMENT,
                                                                        "accordo-firmato.pdf", planner)
    # private storage, never under MEDIA (which the web server may publish)
    assert stored.file.path.startswith(str(settings.PRIVATE_STORAGE_ROOT))
    assert not stored.file.path.startswith(str(settings.MEDIA_ROOT))
    page = client.get(reverse("planning-agreement", args=[plan.pk])).content.decode()
    url = reverse("planning-file-download", args=[stored.pk])
    assert f'href="{url}"' in page and "Accordo firmato" in page
    # the plan is a draft: only the planning office reads it, and so its documents
    for username in ("sw.monza", "observer", "ets.operator", "asl.operator"):
        client.force_login(demo.users[username])
        response = client.get(url)
        assert response.status_code == 404 and _body(response) != PDF_BYTES, username
    Plan.objects.filter(pk=plan.pk).update(state="approved")  # once shared, every member reads it
    for username in ("planner", "sw.monza", "observer"):
        client.force_login(demo.users[username])
        response = client.get(url)
        assert response.status_code == 200, username
        assert _body(response) == PDF_BYTES and response["Content-Type"] == "application/pdf"
    client.force_login(demo.users["citizen"])
    assert client.get(url).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "/accesso/" in response.url


def test_only_a_real_pdf_under_the_size_cap_is_kept_and_only_the_planning_office_uploads(plan, planner, demo,
                                                                                         client, settings):
    url = reverse("planning-file-upload", args=[plan.pk])
    client.force_login(planner)
    client.post(url, {"kind": "agreement", "file": pdf("accordo.pdf", b"MZ\x90\x00 not a pdf at all")})
    client.post(url, {"kind": "agreement", "file": pdf("accordo.exe")})
    settings.AMBITO_MAX_UPLOAD_MB = 1
    client.post(url, {"kind": "agreement", "file": pdf(content=PDF_BYTES + b"0" * (1024 * 1024))})
    assert not PlanFile.objects.exists()
    Plan.objects.filter(pk=plan.pk).update(state="consultation")
    client.force_login(demo.users["sw.monza"])  # reads the plan in consultation, does not upload to it
    client.post(url, {"kind": "agreement", "file": pdf()})
    response = client.post(f"/api/v1/plans/{plan.pk}/files/", {"kind": "agreement", "file": pdf()})
    assert response.status_code == 403 and not PlanFile.objects.exists()


def test_a_meetings_minutes_through_the_api_and_on_the_coprogramming_page(plan, planner, meeting, demo, client):
    client.force_login(planner)
    response = client.post(f"/api/v1/plans/{plan.pk}/files/",
                           {"kind": "minutes", "meeting": meeting.pk, "title": "Verbale 10 febbraio",
                            "file": pdf("verbale.pdf")})
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["kind"], created["meeting"], created["original_name"]) == ("minutes", meeting.pk, "verbale.pdf")
    missing = client.post(f"/api/v1/plans/{plan.pk}/files/", {"kind": "minutes", "file": pdf("verbale.pdf")})
    assert missing.status_code == 400  # minutes without their meeting
    listed = client.get(f"/api/v1/plans/{plan.pk}/files/").json()
    assert [row["id"] for row in listed] == [created["id"]]
    download = client.get(created["download_url"])
    assert download.status_code == 200 and _body(download) == PDF_BYTES
    page = client.get(reverse("planning-coprogramming", args=[plan.pk])).content.decode()
    assert "Verbale 10 febbraio" in page and reverse("planning-file-download", args=[created["id"]]) in page
    client.force_login(demo.users["citizen"])
    assert client.get(created["download_url"]).status_code in (403, 404)
    assert client.get(f"/api/v1/plans/{plan.pk}/files/").status_code in (403, 404)
