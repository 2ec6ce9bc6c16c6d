"""Checks for uploaded files (*allegati e importazioni*): the type from the file's own bytes and its extension,
never from the content type the browser declares, and the size against ``AMBITO_MAX_UPLOAD_MB``.

Forms use :class:`UploadValidator` on their ``FileField``; services that receive files from the API call
:func:`validate_upload` and store the content type it returns.
"""

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SNIFF_BYTES = 8192


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            try:
                head.decode("cp1252")  # spreadsheets saved as CSV on Windows
            except UnicodeDecodeError:
                return False
    return True


def _is_xlsx(upload) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "[Content_Types].xml" in names and any(name.startswith("xl/") for name in names)


@dataclass(frozen=True)
class FileKind:
    label: str
    extensions: tuple[str, ...]
    content_type: str
    magic: tuple[bytes, ...] = ()
    text: bool = False
    xlsx: bool = False

    def matches(self, head: bytes, upload) -> bool:
        if self.magic:
            return head.startswith(self.magic)
        if self.text:
            return _is_text(head)
        if self.xlsx:
            return head.startswith(b"PK\x03\x04") and _is_xlsx(upload)
        return False


PDF = FileKind("PDF", (".pdf",), "application/pdf", magic=(b"%PDF-",))
PNG = FileKind("PNG", (".png",), "image/png", magic=(b"\x89PNG\r\n\x1a\n",))
JPEG = FileKind("JPEG", (".jpg", ".jpeg"), "image/jpeg", magic=(b"\xff\xd8\xff",))
TEXT = FileKind(gettext_lazy("text"), (".txt",), "text/plain", text=True)
CSV = FileKind("CSV", (".csv", ".txt"), "text/csv", text=True)
XLSX = FileKind("Excel (.xlsx)", (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                xlsx=True)

ATTACHMENT_KINDS = (PDF, JPEG, PNG, TEXT)


def max_upload_bytes() -> int:
    return int(getattr(settings, "AMBITO_MAX_UPLOAD_MB", 10)) * 1024 * 1024


def _read_head(upload) -> bytes:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return head


def validate_upload(upload, kinds, max_bytes: int | None = None) -> FileKind:
    """The kind the file really is, or a ValidationError naming what is accepted. The extension must be one
    of the kind's and the first bytes must match it (a renamed executable is refused)."""
    limit = max_upload_bytes() if max_bytes is None else max_bytes
    name = getattr(upload, "name", "") or ""
    accepted = ", ".join(str(kind.label) for kind in kinds)
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is larger than %(mb)s MB.") % {"name": PurePath(name).name, "mb": limit // (1024 * 1024)},
            code="file_too_large")
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": PurePath(name).name}, code="file_empty")
    extension = PurePath(name).suffix.lower()
    head = _read_head(upload)
    for kind in kinds:
        if extension in kind.extensions and kind.matches(head, upload):
            upload.seek(0)
            return kind
    upload.seek(0)
    raise ValidationError(
        _("“%(name)s”: the file is not of an accepted type (%(accepted)s).") % {
            "name": PurePath(name).name, "accepted": accepted},
        code="file_type")


@deconstructible
class UploadValidator:
    """``forms.FileField(validators=[UploadValidator(PDF, PNG)])``; ``max_mb`` overrides the setting."""

    def __init__(self, *kinds: FileKind, max_mb: int | None = None):
        self.kinds, self.max_mb = kinds, max_mb

    def __call__(self, upload):
        validate_upload(upload, self.kinds, None if self.max_mb is None else self.max_mb * 1024 * 1024)

    def __eq__(self, other):
        return isinstance(other, UploadValidator) and (self.kinds, self.max_mb) == (other.kinds, other.max_mb)
