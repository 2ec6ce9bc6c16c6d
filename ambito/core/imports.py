"""Shared shape of every import: all-or-nothing, with a report naming each bad row."""

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based line (or record) number in the source; 0 for the file as a whole
    message: str
    field: str = ""

    def __str__(self):
        where = _("file") if self.row == 0 else _("row %(row)s") % {"row": self.row}
        return f"{where}: {self.field + ': ' if self.field else ''}{self.message}"


class ImportRejected(Exception):
    """Raised inside the import's transaction so nothing is kept; carries every error found."""

    def __init__(self, errors: list[RowError]):
        self.errors = sorted(errors, key=lambda e: (e.row, e.field))
        super().__init__("; ".join(str(e) for e in self.errors[:20]))

    def report(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def read_text(data: bytes) -> str:
    """Decode an uploaded text file: UTF-8 (with or without BOM), else Windows-1252 as Excel writes it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="strict")
