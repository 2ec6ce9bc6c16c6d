"""Uploads are checked by their bytes and extension (not the browser's content type) and by size, with a clear
form error; attachments are served only after the permission check, as downloads, and logged."""

import io

import pytest
import segno
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from PIL import Image
from pypdf import PdfWriter

from ambito.accounts.models import AccessLog
from ambito.care.models import CaseAttachment
from ambito.care.tests.factories import accepted_referral, signed_plan
from ambito.core.uploads import ATTACHMENT_KINDS, CSV, JPEG, PDF, PNG, TEXT, XLSX, validate_upload


def real_pdf() -> bytes:
    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=200, height=200)
    writer.write(out)
    return out.getvalue()


def real_png() -> bytes:
    out = io.BytesIO()
    segno.make("ambito").save(out, kind="png")
    return out.getvalue()


def real_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "JPEG")
    return out.getvalue()


def real_xlsx() -> bytes:
    workbook, out = Workbook(), io.BytesIO()
    workbook.active.append(["Codice", "Intervento"])
    workbook.save(out)
    return out.getvalue()


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type)


@pytest.mark.parametrize(("name", "make", "kinds", "expected"), [
    ("relazione.pdf", real_pdf, ATTACHMENT_KINDS, PDF),
    ("foto.png", real_png, ATTACHMENT_KINDS, PNG),
    ("foto.JPG", real_jpeg, ATTACHMENT_KINDS, JPEG),
    ("nota.txt", lambda: "Nota sull'accesso: è tutto a posto.".encode(), ATTACHMENT_KINDS, TEXT),
    ("prestazioni.csv", lambda: "data;ore\n2026-01-05;2\n".encode("cp1252"), (CSV,), CSV),
    ("bilancio.xlsx", real_xlsx, (XLSX,), XLSX),
])
def test_real_files_of_the_accepted_kinds_pass_and_report_their_kind(name, make, kinds, expected):
    assert validate_upload(upload(name, make()), kinds) is expected


@pytest.mark.parametrize(("name", "data", "kinds"), [
    ("relazione.pdf", b"MZ\x90\x00 an executable renamed", ATTACHMENT_KINDS),  # browser says PDF, bytes say no
    ("foto.png", real_jpeg(), ATTACHMENT_KINDS),  # wrong extension for its bytes
    ("pagina.html", b"<script>alert(1)</script>", ATTACHMENT_KINDS),  # text, but not an accepted extension
    ("prestazioni.csv", real_png(), (CSV,)),
    ("bilancio.xlsx", b"PK\x03\x04 not really a zip", (XLSX,)),
    ("bilancio.xlsx", real_pdf(), (XLSX,)),
])
def test_wrong_types_are_refused_whatever_the_declared_content_type(name, data, kinds):
    with pytest.raises(ValidationError, match="non è di un tipo accettato"):
        validate_upload(upload(name, data, "application/pdf"), kinds)


def test_size_limit_comes_from_the_setting(settings):
    settings.AMBITO_MAX_UPLOAD_MB = 1
    big = real_pdf() + b"\n%" + b"x" * (1024 * 1024)
    with pytest.raises(ValidationError, match="supera 1 MB"):
        validate_upload(upload("grande.pdf", big), ATTACHMENT_KINDS)
    settings.AMBITO_MAX_UPLOAD_MB = 2
    assert validate_upload(upload("grande.pdf", big), ATTACHMENT_KINDS) is PDF


@pytest.fixture
def care_demo(demo_with):
    return demo_with("network")


@pytest.fixture
def plan(care_demo):
    plan, _intervention = signed_plan(care_demo)
    return plan


def test_a_case_note_with_a_disguised_file_gets_a_form_error_and_stores_nothing(plan, client_as, settings):
    client = client_as("sw.monza")
    url = reverse("care-note-add", args=[plan.pk])
    refused = client.post(url, {"text": "Verbale", "visibility": "social",
                                "attachment": upload("verbale.pdf", b"MZ\x90\x00", "application/pdf")})
    assert refused.status_code == 400
    assert "non è di un tipo accettato" in refused.content.decode()
    assert not CaseAttachment.objects.exists()

    settings.AMBITO_MAX_UPLOAD_MB = 1
    too_big = client.post(url, {"text": "Verbale", "visibility": "social",
                                "attachment": upload("verbale.pdf", real_pdf() + b"%" + b"x" * 1_100_000)})
    assert too_big.status_code == 400 and "supera 1 MB" in too_big.content.decode()
    assert not CaseAttachment.objects.exists()

    ok = client.post(url, {"text": "Verbale", "visibility": "social",
                           "attachment": upload("verbale.pdf", real_pdf(), "application/x-whatever")})
    assert ok.status_code == 302
    stored = CaseAttachment.objects.get()
    assert stored.content_type == "application/pdf", "the sniffed type is stored, not the browser's"
    stored.file.delete(save=False)


def test_the_delivery_import_refuses_a_non_csv_file(care_demo, client_as):
    accepted_referral(care_demo)
    response = client_as("ets.operator").post(reverse("care-delivery-import"),
                                              {"file": upload("prestazioni.csv", real_png(), "text/csv")})
    assert response.status_code in (200, 400)
    assert "non è di un tipo accettato (CSV)" in response.content.decode()


def test_attachments_are_downloads_after_the_permission_check_and_refusals_send_no_bytes(care_demo, client_as):
    from ambito.care import services

    referral = accepted_referral(care_demo)
    note = services.case_note_add(actor=care_demo.users["sw.monza"], person=referral.person, text="Relazione",
                                  visibility="social", files=[upload("relazione.pdf", real_pdf())])
    attachment = CaseAttachment.objects.get(note=note)
    url = reverse("care-attachment", args=[attachment.pk])

    denied = client_as("ets.operator").get(url)
    assert denied.status_code == 403
    assert b"%PDF" not in denied.content and not denied.has_header("Content-Disposition")
    assert AccessLog.objects.filter(user=care_demo.users["ets.operator"], action="denied",
                                    object_id=str(attachment.pk)).exists()
    assert client_as("citizen").get(url).status_code == 403

    ok = client_as("sw.monza").get(url)
    assert ok.status_code == 200 and b"".join(ok.streaming_content).startswith(b"%PDF-")
    assert ok["Content-Disposition"].startswith("attachment;")
    assert ok["X-Content-Type-Options"] == "nosniff"
    assert AccessLog.objects.filter(user=care_demo.users["sw.monza"], action="read",
                                    object_id=str(attachment.pk)).exists()
    attachment.file.delete(save=False)
